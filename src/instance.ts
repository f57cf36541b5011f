/**
 * One running instance of the site over a database its caller opened: the state instances
 * share (Redis or in process), the app, the change stamp, the HTTP server and the background
 * jobs. main.ts runs one per process; the multi-instance test runs two on one PostgreSQL and
 * one Redis, so what it checks is the wiring production runs.
 */
import type { Server } from "node:http";
import type { Hono } from "hono";
import { createApp } from "./app.tsx";
import type { Config } from "./config.ts";
import type { Db } from "./db/types.ts";
import { leaderboardJobs } from "./features/leaderboard/index.ts";
import { startNewsletterJobs } from "./features/newsletter/index.ts";
import { shareChangesThroughStamp } from "./http/change-stamp.ts";
import type { Deps } from "./http/deps.ts";
import { createLogger, type Logger } from "./http/log.ts";
import type { ReadinessSources } from "./http/operator-routes.ts";
import { RequestObserver } from "./http/request-log.ts";
import { createSharedState, type SharedStateOptions } from "./http/shared-state.ts";
import type { Mailer } from "./mail/mailer.ts";
import { type Listening, type ServerTimeouts, startServer } from "./server.ts";

/** What an instance runs on; everything but config and db is for tests. */
export interface InstanceOptions {
  config: Config;
  /** Migrated and seeded already (prepareDatabase); the caller closes it after stop(). */
  db: Db;
  /** Redis key prefix and channel, so parallel test runs on one Redis keep apart. */
  sharedState?: SharedStateOptions;
  mailer?: Mailer;
  log?: Logger;
  timeouts?: ServerTimeouts;
}

/** A listening instance. */
export interface RunningInstance {
  /** Where it listens, e.g. http://127.0.0.1:41234 (PORT=0 picks a free port). */
  url: string;
  server: Server;
  app: Hono;
  /** The app's dependencies: its page cache, rate-limit store and database among them. */
  deps: Deps;
  /** "redis" when REDIS_URL is set, even while Redis is unreachable. */
  sharing: "memory" | "redis";
  /** The server's log: request lines, failures, the jobs' news. */
  log: Logger;
  /**
   * Stops taking connections and lets the requests under way finish (at most `graceMs`,
   * config.shutdownGraceMs by default; then the rest are cut off), while the jobs stop and
   * newsletter sends hand back the deliveries they claimed; then lets go of Redis. The caller
   * closes the database afterwards.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Starts one instance: shared state → app → change stamp → server → background jobs. */
export async function startInstance(opts: InstanceOptions): Promise<RunningInstance> {
  const { config, db } = opts;
  const log = opts.log ?? createLogger(config);
  const shared = await createSharedState(config, {
    warn: (line) => log.warn(line),
    ...opts.sharedState,
  });
  // filled in as the parts they ask about start
  const readiness: ReadinessSources = { redis: shared.redisReady };
  const { app, deps, readers } = createApp({
    db,
    config,
    cache: shared.cache,
    rateLimits: shared.rateLimits,
    mailer: opts.mailer,
    log,
    readiness,
  });
  // operator commands run in another process and move the database's change stamp, and so does
  // every write here: polling it refreshes this process's cached pages even while Redis is down
  const changes = config.pageCache
    ? shareChangesThroughStamp({ db, cache: deps.cache, log: (line) => log.warn(line) })
    : undefined;
  await changes?.ready;
  let listening: Listening;
  try {
    listening = await startServer({
      app,
      cache: deps.cache,
      readers,
      port: config.port,
      host: config.host,
      timeouts: opts.timeouts,
      observer: new RequestObserver(log, deps.metrics, { trustProxy: config.trustProxy }),
    });
  } catch (err) {
    await changes?.stop();
    await shared.close().catch(() => {});
    throw err;
  }
  const { server, url } = listening;
  // unfinished newsletter sends resume now; the weekly send runs when NEWSLETTER_SCHEDULE is set
  const newsletter = startNewsletterJobs({ db, config, cache: deps.cache, log: (line) => log.info(line) });
  readiness.newsletter = newsletter.state;
  let stopping = false;
  readiness.stopping = () => stopping;
  // the boards are recomputed now if picks changed while no server ran, and at each new UTC day
  const leaderboard = leaderboardJobs(deps);
  leaderboard.start();
  return {
    url,
    server,
    app,
    deps,
    sharing: shared.kind,
    log,
    async stop(graceMs = config.shutdownGraceMs) {
      stopping = true;
      // requests under way finish while sends let go of their claimed messages and a stamp
      // read under way ends, all before Redis (and then, by the caller, the database) closes
      await Promise.all([
        listening.drain(graceMs),
        newsletter.stop(Math.max(graceMs, 1000)),
        deps.background.stop(Math.max(graceMs, 1000)),
        changes?.stop(),
        leaderboard.stop(),
      ]);
      deps.cache.close();
      await shared.close().catch(() => {});
    },
  };
}
