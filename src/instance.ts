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
import type { Logger } from "./http/log.ts";
import { createSharedState, type SharedStateOptions } from "./http/shared-state.ts";
import type { Mailer } from "./mail/mailer.ts";
import { type ServerTimeouts, startServer } from "./server.ts";

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
  /**
   * Stops taking connections, stops the jobs (waiting for work under way) and lets go of
   * Redis. It does not wait for open requests to finish: the server's "close" event says when.
   */
  stop(): Promise<void>;
}

/** Starts one instance: shared state → app → change stamp → server → background jobs. */
export async function startInstance(opts: InstanceOptions): Promise<RunningInstance> {
  const { config, db } = opts;
  const shared = await createSharedState(config, opts.sharedState);
  const { app, deps, readers } = createApp({
    db,
    config,
    cache: shared.cache,
    rateLimits: shared.rateLimits,
    mailer: opts.mailer,
    log: opts.log,
  });
  // operator commands run in another process and move the database's change stamp, and so does
  // every write here: polling it refreshes this process's cached pages even while Redis is down
  const changes = config.pageCache ? shareChangesThroughStamp({ db, cache: deps.cache }) : undefined;
  await changes?.ready;
  let listening: { server: Server; url: string };
  try {
    listening = await startServer({
      app,
      cache: deps.cache,
      readers,
      port: config.port,
      host: config.host,
      timeouts: opts.timeouts,
    });
  } catch (err) {
    await changes?.stop();
    await shared.close().catch(() => {});
    throw err;
  }
  const { server, url } = listening;
  // unfinished newsletter sends resume now; the weekly send runs when NEWSLETTER_SCHEDULE is set
  const newsletter = startNewsletterJobs({ db, config, cache: deps.cache });
  // the boards are recomputed now if picks changed while no server ran, and at each new UTC day
  const leaderboard = leaderboardJobs(deps);
  leaderboard.start();
  return {
    url,
    server,
    app,
    deps,
    sharing: shared.kind,
    async stop() {
      server.close();
      // sends let go of their claimed messages, and a stamp read under way ends, before Redis
      // (and then, by the caller, the database) closes
      await Promise.all([newsletter.stop(), changes?.stop(), leaderboard.stop()]);
      await shared.close().catch(() => {});
    },
  };
}
