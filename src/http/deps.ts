/** What every feature's routes receive: database, config, page cache, mailer and rate limits. */
import type { Config } from "../config.ts";
import type { Db } from "../db/types.ts";
import type { Mailer } from "../mail/mailer.ts";
import type { PageCache } from "./page-cache.ts";
import type { RateLimitStore } from "./rate-limit.ts";

export interface Deps {
  db: Db;
  config: Config;
  cache: PageCache;
  mailer: Mailer;
  rateLimits: RateLimitStore;
}
