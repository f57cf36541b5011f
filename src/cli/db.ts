/** The database connection every operator command shares: opened for one command, closed after it. */
import { type Config, loadConfig } from "../config.ts";
import { type DatabaseHandle, type OpenOptions, openDatabase } from "../db/connection.ts";
import type { Db } from "../db/types.ts";

/**
 * Runs `fn` against the configured database (DATABASE_URL, or the SQLite file under DATA_DIR),
 * closing it whatever happens. `opts.config` skips loading the configuration again; `opts.open`
 * replaces openDatabase (tests wrap the handle to inject failures).
 */
export async function withDatabase<T>(
  fn: (db: Db, config: Config) => Promise<T>,
  opts: { config?: Config; open?: (options: OpenOptions) => DatabaseHandle } = {},
): Promise<T> {
  const config = opts.config ?? loadConfig();
  const handle = (opts.open ?? openDatabase)({ url: config.databaseUrl, sqlitePath: config.sqlitePath });
  try {
    return await fn(handle.db, config);
  } finally {
    await handle.close();
  }
}
