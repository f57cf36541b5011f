/** Process entry: config → database → migrate → one instance (src/instance.ts) → listen; SIGTERM stops it gracefully. */
import { loadConfig } from "./config.ts";
import { createLogger } from "./http/log.ts";
import { startInstance } from "./instance.ts";
import { prepareDatabase } from "./prepare-database.ts";

async function main() {
  const config = loadConfig();
  const log = createLogger(config);
  const handle = await prepareDatabase(config, (line) => log.info(line));
  const instance = await startInstance({ config, db: handle.db, log });
  const where = handle.engine === "postgres" ? "PostgreSQL" : config.sqlitePath;
  const sharing = instance.sharing === "redis" ? ", shared state: Redis" : "";
  log.info(`Ship or Skip is running at ${config.siteUrl} (database: ${where}${sharing})`);
  // the logger gathers lines into larger writes (http/log.ts): the start shows at once
  log.flush();
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs: config.shutdownGraceMs }, "stopping: finishing requests under way");
    // a stop that hangs (a driver that never answers) must not keep the process forever
    setTimeout(() => {
      log.error("stopping took too long; exiting anyway");
      log.flush();
      process.exit(1);
    }, config.shutdownGraceMs + 5000).unref();
    // requests finish and the jobs hand back their work before the database closes
    void instance
      .stop()
      .then(() => handle.close())
      .then(
        () => {
          log.info("stopped");
          return 0;
        },
        (err: unknown) => {
          log.error({ err }, "stopping failed");
          return 1;
        },
      )
      .then((code) => log.flush(() => process.exit(code)));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  // the logger may not exist yet (a bad environment): this one line goes to stderr as it is
  console.error(`Ship or Skip could not start: ${(err as Error).message}`);
  process.exit(1);
});
