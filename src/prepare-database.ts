/** Opens, migrates and (when empty) seeds the database named by the config. */
import type { Config } from "./config.ts";
import { type DatabaseHandle, openDatabase } from "./db/connection.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { seedStarterCatalog } from "./seed/seed.ts";

/** Returns a ready database: schema up to date and the starter catalog loaded on first run. */
export async function prepareDatabase(
  config: Pick<Config, "databaseUrl" | "sqlitePath">,
  log = console.log,
): Promise<DatabaseHandle> {
  const handle = openDatabase({ url: config.databaseUrl, sqlitePath: config.sqlitePath });
  const applied = await migrateToLatest(handle.db);
  if (applied.length > 0) log(`migrated: ${applied.join(", ")}`);
  const seeded = await seedStarterCatalog(handle.db);
  if (seeded.seeded) log(`seeded the starter catalog: ${seeded.tools} tools`);
  return handle;
}
