/** backup, restore, export and import: argument handling and messages; the work is in db/transfer. */
import { type Config, loadConfig } from "../config.ts";
import { migrateToLatest } from "../db/migrate.ts";
import {
  backupPostgres,
  backupSqlite,
  dataCounts,
  describeCounts,
  exportDatabase,
  importDatabase,
  restorePostgres,
  restoreSqlite,
  TransferError,
} from "../db/transfer/index.ts";
import { withDatabase } from "./db.ts";

export type TransferCommand = "backup" | "restore" | "export" | "import";

export interface TransferIo {
  config?: Config;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

const USAGE: Record<TransferCommand, string> = {
  backup: "usage: npm run cli -- backup <file>",
  restore: "usage: npm run cli -- restore <file> [--force]",
  export: "usage: npm run cli -- export <dir>",
  import: "usage: npm run cli -- import <dir>",
};

function isPostgres(config: Config): boolean {
  return Boolean(config.databaseUrl && /^postgres(ql)?:\/\//.test(config.databaseUrl));
}

/** Runs one of the four commands; returns the exit code (1: refused or failed, 2: bad arguments). */
export async function runTransfer(
  command: TransferCommand,
  args: string[],
  io: TransferIo = {},
): Promise<number> {
  const out = io.out ?? ((l: string) => console.log(l));
  const err = io.err ?? ((l: string) => console.error(l));
  const force = args.includes("--force");
  const positional = args.filter((a) => !a.startsWith("--"));
  const unknown = args.filter((a) => a.startsWith("--") && !(a === "--force" && command === "restore"));
  const target = positional[0];
  if (!target || positional.length > 1 || unknown.length) {
    err(unknown.length ? `unknown option ${unknown[0]}\n${USAGE[command]}` : USAGE[command]);
    return 2;
  }
  const config = io.config ?? loadConfig();
  try {
    switch (command) {
      case "backup":
        return await backup(config, target, out);
      case "restore":
        return await restore(config, target, force, out);
      case "export": {
        const manifest = await withDatabase(
          async (db) => {
            const engine = isPostgres(config) ? "postgres" : "sqlite";
            return exportDatabase(db, engine, target);
          },
          { config },
        );
        const total = manifest.tables.reduce((n, t) => n + t.rows, 0);
        out(
          `exported ${total} rows from ${manifest.tables.length} tables to ${target} ` +
            `(schema ${manifest.schemaVersion}); load it with: npm run cli -- import ${target}`,
        );
        return 0;
      }
      case "import": {
        const result = await withDatabase(
          async (db) => {
            await migrateToLatest(db);
            return importDatabase(db, isPostgres(config) ? "postgres" : "sqlite", target);
          },
          { config },
        );
        const total = Object.values(result.rows).reduce((n, r) => n + r, 0);
        out(
          `imported ${total} rows into ${Object.keys(result.rows).length} tables in one transaction` +
            (result.sequences.length
              ? `; moved ${result.sequences.length} id sequences past the imported ids`
              : ""),
        );
        return 0;
      }
    }
  } catch (e) {
    if (e instanceof TransferError) {
      err(e.message);
      return 1;
    }
    throw e;
  }
}

async function backup(config: Config, file: string, out: (l: string) => void): Promise<number> {
  if (isPostgres(config)) {
    await backupPostgres(config.databaseUrl!, file);
    out(`wrote ${file} with pg_dump (custom format); restore it with: npm run cli -- restore ${file}`);
    return 0;
  }
  const result = await backupSqlite(config.sqlitePath, file);
  out(
    `wrote ${file}: a consistent copy of ${config.sqlitePath} (${result.pages} pages, schema ` +
      `${result.schemaVersion ?? "not migrated"}, integrity check ok)`,
  );
  return 0;
}

async function restore(
  config: Config,
  file: string,
  force: boolean,
  out: (l: string) => void,
): Promise<number> {
  if (isPostgres(config)) {
    const held = await withDatabase((db) => dataCounts(db, "postgres"), { config });
    if (Object.keys(held).length && !force) {
      throw new TransferError(
        `the database holds data: ${describeCounts(held)}. Restoring would replace it; run again with --force to do so.`,
      );
    }
    await restorePostgres(config.databaseUrl!, file);
    out(`restored ${file} with pg_restore in one transaction`);
    return 0;
  }
  out("Stop the site before restoring: a running server keeps writing to the file this replaces.");
  const result = await restoreSqlite(file, config.sqlitePath, { force });
  const replaced = Object.keys(result.replaced).length
    ? ` (replaced: ${describeCounts(result.replaced)})`
    : "";
  out(
    `restored ${file} to ${config.sqlitePath}${replaced}; schema ${result.schemaVersion}. Start the site again.`,
  );
  return 0;
}
