/** Process entry: config → database → migrate → app → listen. */
import { createApp } from "./app.tsx";
import { loadConfig } from "./config.ts";
import { leaderboardJobs } from "./features/leaderboard/index.ts";
import { startNewsletterJobs } from "./features/newsletter/index.ts";
import { shareChangesThroughStamp } from "./http/change-stamp.ts";
import { createSharedState } from "./http/shared-state.ts";
import { prepareDatabase } from "./prepare-database.ts";
import { startServer } from "./server.ts";

async function main() {
  const config = loadConfig();
  const handle = await prepareDatabase(config);
  const shared = await createSharedState(config);
  const { app, deps } = createApp({
    db: handle.db,
    config,
    cache: shared.cache,
    rateLimits: shared.rateLimits,
  });
  // operator commands run in another process and move the database's change stamp, and so does
  // every write here: polling it refreshes this process's cached pages even while Redis is down
  const changes = config.pageCache
    ? shareChangesThroughStamp({ db: handle.db, cache: deps.cache })
    : undefined;
  await changes?.ready;
  const { server } = await startServer({ app, cache: deps.cache, port: config.port, host: config.host });
  const where = handle.engine === "postgres" ? "PostgreSQL" : config.sqlitePath;
  const sharing = shared.kind === "redis" ? ", shared state: Redis" : "";
  console.log(`Ship or Skip is running at ${config.siteUrl} (database: ${where}${sharing})`);
  // unfinished newsletter sends resume now; the weekly send runs when NEWSLETTER_SCHEDULE is set
  const newsletter = startNewsletterJobs({ db: handle.db, config, cache: deps.cache });
  // the boards are recomputed now if picks changed while no server ran, and at each new UTC day
  const leaderboard = leaderboardJobs(deps);
  leaderboard.start();
  const stop = () => {
    server.close();
    // sends let go of their claimed messages, and a stamp read under way ends, before the database closes
    void Promise.all([newsletter.stop(), changes?.stop(), leaderboard.stop()])
      .then(() => Promise.allSettled([handle.close(), shared.close()]))
      .then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error(`Ship or Skip could not start: ${(err as Error).message}`);
  process.exit(1);
});
