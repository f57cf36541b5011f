/**
 * `backup <file>` and `restore <file>`. SQLite: SQLite's online backup copies the database
 * while the site serves, in one step so the copy is one snapshot; restore checks the copy and
 * moves it into place. PostgreSQL: pg_dump and pg_restore when they are on PATH.
 */
import { spawn } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { delimiter, join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { TransferError } from "./export.ts";
import { dataCounts, describeCounts, schemaVersion } from "./inspect.ts";

export interface SqliteBackupResult {
  file: string;
  pages: number;
  schemaVersion: string | null;
}

/** Opens a SQLite file through Kysely for a quick look (used on copies and restore targets). */
async function withSqliteFile<T>(path: string, fn: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const sqlite = new SQLite(path, { fileMustExist: true });
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** "ok", or what SQLite's integrity check found. */
export function integrityCheck(path: string): string {
  const sqlite = new SQLite(path, { fileMustExist: true, readonly: true });
  try {
    const rows = sqlite.pragma("integrity_check") as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join("; ");
  } finally {
    sqlite.close();
  }
}

/**
 * Copies the SQLite database at `source` to `dest` (which must not exist) while other
 * connections keep writing. The copy is made under a temporary name, checked, switched to a
 * rollback journal so it is one self-contained file, and only then given its name.
 */
export async function backupSqlite(source: string, dest: string): Promise<SqliteBackupResult> {
  if (!existsSync(source)) throw new TransferError(`there is no database at ${source}`);
  if (existsSync(dest)) throw new TransferError(`${dest} already exists: choose a new file name`);
  const partial = `${dest}.partial`;
  rmSync(partial, { force: true });
  // made readable by its owner only before a byte of the database is in it
  writeFileSync(partial, "", { mode: 0o600 });
  const sqlite = new SQLite(source, { fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  let pages = 0;
  try {
    // every remaining page in the next step: a step holds a read lock, so the copy is one
    // snapshot, and a writer between steps cannot send the backup back to its start
    const result = await sqlite.backup(partial, { progress: () => 0x7fffffff });
    pages = result.totalPages;
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    sqlite.close();
  }
  try {
    // a backup holds what the database holds: readable by its owner only
    chmodSync(partial, 0o600);
    const copy = new SQLite(partial, { fileMustExist: true });
    copy.pragma("journal_mode = DELETE");
    copy.close();
    const check = integrityCheck(partial);
    if (check !== "ok") throw new TransferError(`the copy failed its integrity check: ${check}`);
    const version = await withSqliteFile(partial, (db) => schemaVersion(db, "sqlite"));
    renameSync(partial, dest);
    return { file: dest, pages, schemaVersion: version };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/**
 * Puts the SQLite backup `file` in place of the database at `target`. Refuses when the target
 * holds data unless `force`. The site must be stopped: its open connections would keep writing
 * to the file this replaces.
 */
export async function restoreSqlite(
  file: string,
  target: string,
  opts: { force?: boolean } = {},
): Promise<{ schemaVersion: string | null; replaced: Record<string, number> }> {
  if (!existsSync(file)) throw new TransferError(`there is no backup at ${file}`);
  let check: string;
  try {
    check = integrityCheck(file);
  } catch (err) {
    throw new TransferError(`${file} is not a SQLite database: ${(err as Error).message}`);
  }
  if (check !== "ok") throw new TransferError(`${file} failed its integrity check: ${check}`);
  const version = await withSqliteFile(file, (db) => schemaVersion(db, "sqlite"));
  if (!version) throw new TransferError(`${file} is not a Ship or Skip backup: it has no migrations`);

  let held: Record<string, number> = {};
  if (existsSync(target)) {
    held = await withSqliteFile(target, (db) => dataCounts(db, "sqlite"));
    if (Object.keys(held).length && !opts.force) {
      throw new TransferError(
        `${target} holds data: ${describeCounts(held)}. Restoring would replace it; run again with --force to do so.`,
      );
    }
  }
  // copy beside the target first, so a failed copy leaves the database as it was
  const incoming = `${target}.restoring`;
  copyFileSync(file, incoming);
  if (integrityCheck(incoming) !== "ok") {
    rmSync(incoming, { force: true });
    throw new TransferError("the copied backup failed its integrity check; nothing was replaced");
  }
  // the old database's write-ahead log belongs to the old file: left behind, SQLite would replay it
  for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${target}${suffix}`, { force: true });
  renameSync(incoming, target);
  return { schemaVersion: version, replaced: held };
}

/** The full path of a program on PATH, or null. */
export function findOnPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * libpq's environment for a postgres:// URL, so the password never appears on a command line
 * (where other users of the machine could read it).
 */
export function libpqEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {};
  if (u.hostname) env.PGHOST = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ""));
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (database) env.PGDATABASE = database;
  const sslmode = u.searchParams.get("sslmode");
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

export const PG_DUMP_ADVICE =
  "pg_dump was not found on PATH. Back up PostgreSQL with its own tool, for example:\n" +
  '  pg_dump --format=custom --file=shiporskip.dump "$DATABASE_URL"\n' +
  "and restore into an empty database with:\n" +
  '  pg_restore --no-owner --single-transaction --dbname="$DATABASE_URL" shiporskip.dump';

/** Runs a PostgreSQL client program against `url`; rejects with its error output on failure. */
export function runPgTool(program: string, args: string[], url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { ...process.env, ...libpqEnv(url) },
      stdio: ["ignore", "inherit", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new TransferError(`${program} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/** pg_dump's custom format of the whole database (or one schema) into `dest`. */
export async function backupPostgres(
  url: string,
  dest: string,
  opts: { schema?: string } = {},
): Promise<void> {
  const pgDump = findOnPath("pg_dump");
  if (!pgDump) throw new TransferError(PG_DUMP_ADVICE);
  if (existsSync(dest)) throw new TransferError(`${dest} already exists: choose a new file name`);
  const partial = `${dest}.partial`;
  try {
    writeFileSync(partial, "", { mode: 0o600 });
    await runPgTool(
      pgDump,
      [
        "--format=custom",
        "--no-owner",
        `--file=${partial}`,
        ...(opts.schema ? [`--schema=${opts.schema}`] : []),
      ],
      url,
    );
    chmodSync(partial, 0o600);
    renameSync(partial, dest);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/** pg_restore of a pg_dump file, in one transaction, replacing what the dump holds. */
export async function restorePostgres(url: string, file: string): Promise<void> {
  const pgRestore = findOnPath("pg_restore");
  if (!pgRestore) throw new TransferError(PG_DUMP_ADVICE.replace("pg_dump was", "pg_restore was"));
  if (!existsSync(file)) throw new TransferError(`there is no backup at ${file}`);
  // without --dbname pg_restore would print SQL instead of restoring; the rest comes from the environment
  const env = libpqEnv(url);
  const dbname = env.PGDATABASE ?? env.PGUSER ?? process.env.PGDATABASE ?? process.env.USER ?? "postgres";
  await runPgTool(
    pgRestore,
    [
      "--no-owner",
      "--single-transaction",
      "--exit-on-error",
      "--clean",
      "--if-exists",
      `--dbname=${dbname}`,
      file,
    ],
    url,
  );
}
