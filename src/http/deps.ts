/** What every feature's routes receive: database, config, page cache, mailer, rate limits, the reader-state loader, the API-token lookup and the metrics. */
import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../config.ts";
import type { Db } from "../db/types.ts";
import type { VoteValue } from "../domain/community.ts";
import type { ToolRef } from "../domain/tool.ts";
import type { Mailer } from "../mail/mailer.ts";
import type { TokenLookup } from "./api-auth.ts";
import type { BackgroundWork } from "./background.ts";
import type { Logger } from "./log.ts";
import type { AppMetrics } from "./metrics.ts";
import type { PageCache } from "./page-cache.ts";
import type { RateLimitStore } from "./rate-limit.ts";
import type { Viewer } from "./viewer.ts";

/** What pages show of a reader beyond who they are. */
export interface ReaderState {
  /** The reader's community votes, by tool slug. */
  votes: ReadonlyMap<string, VoteValue>;
  /** Bookmarked tools, newest first: the account's, or the browser's when signed out. */
  bookmarks: readonly ToolRef[];
}

export interface Deps {
  db: Db;
  config: Config;
  cache: PageCache;
  mailer: Mailer;
  rateLimits: RateLimitStore;
  /**
   * Loads what every rendered page shows of its reader. The app composes it from the features
   * that own votes and bookmarks, so this shared layer knows neither.
   */
  readerState: (c: Context, viewer: Viewer) => Promise<ReaderState>;
  /**
   * Finds the account behind a personal API token, for the API's bearer middleware; the
   * accounts feature owns tokens, and the app hands its lookup in here.
   */
  apiToken: TokenLookup;
  /** The app's counters (votes, picks, sign-in links, drafts) and its registry for /metrics. */
  metrics: AppMetrics;
  /** The server's log (pino): failures and notices from routes; never request data beyond the route. */
  readonly log: Logger;
  /** Work requests start without waiting for it (a newsletter send): stopped and awaited at shutdown. */
  background: BackgroundWork;
}

/** Puts the deps on every request, for the code that renders pages. */
export function provideDeps(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    c.set("deps", deps);
    await next();
  };
}
