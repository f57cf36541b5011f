/** Process entry: config → database → migrate → one instance (src/instance.ts) → listen. */
import { loadConfig } from "./config.ts";
import { startInstance } from "./instance.ts";
import { prepareDatabase } from "./prepare-database.ts";

async function main() {
  const config = loadConfig();
  const handle = await prepareDatabase(config);
  const instance = await startInstance({ config, db: handle.db });
  const where = handle.engine === "postgres" ? "PostgreSQL" : config.sqlitePath;
  const sharing = instance.sharing === "redis" ? ", shared state: Redis" : "";
  console.log(`Ship or Skip is running at ${config.siteUrl} (database: ${where}${sharing})`);
  const stop = () => {
    // the instance's jobs and stamp reads end before the database closes
    void instance
      .stop()
      .then(() => handle.close())
      .catch(() => {})
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
