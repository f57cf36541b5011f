/** What every feature's routes receive: the database, the config and the page cache. */
import type { Config } from "../config.ts";
import type { Db } from "../features/catalog/service.ts";
import type { PageCache } from "./page-cache.ts";

export interface Deps {
  db: Db;
  config: Config;
  cache: PageCache;
}
