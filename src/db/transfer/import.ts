/**
 * `import <dir>`: loads an export into an empty, migrated database of either engine. Everything
 * is checked before a row is written (the manifest, every file's row count and SHA-256, the
 * schema version, the columns, that the database is empty); then every table is loaded in
 * foreign-key order in one transaction, the counts are checked again inside it, and on
 * PostgreSQL each id sequence is moved past the largest id loaded.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { sql } from "kysely";
import type { Engine } from "../connection.ts";
import { TransferError } from "./export.ts";
import {
  type AnyDb,
  countRows,
  dataCounts,
  describeCounts,
  quoted,
  schemaVersion,
  tableColumns,
} from "./inspect.ts";
import { columnDifferences, type Manifest, ManifestError, parseManifest } from "./manifest.ts";
import { decodeRow, TransferValueError } from "./normalize.ts";
import { TRANSFER_TABLES } from "./tables.ts";

export interface ImportResult {
  manifest: Manifest;
  rows: Record<string, number>;
  /** PostgreSQL sequences moved on, as table.column. */
  sequences: string[];
}

/** Reads and checks `dir`'s manifest and files; throws TransferError saying what does not match. */
export async function verifyExport(dir: string): Promise<Manifest> {
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) throw new TransferError(`${dir} has no manifest.json: it is not an export`);
  let manifest: Manifest;
  try {
    manifest = parseManifest(readFileSync(path, "utf8"));
  } catch (err) {
    if (err instanceof ManifestError) throw new TransferError(err.message);
    throw err;
  }
  const problems: string[] = [];
  for (const t of manifest.tables) {
    const file = join(dir, t.file);
    if (!existsSync(file)) {
      problems.push(`${t.file} is missing`);
      continue;
    }
    const hash = createHash("sha256");
    let lines = 0;
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer);
      for (const byte of chunk as Buffer) if (byte === 10) lines++;
    }
    const sha = hash.digest("hex");
    if (sha !== t.sha256) problems.push(`${t.file}: checksum does not match the manifest (the file changed)`);
    if (lines !== t.rows) problems.push(`${t.file}: ${lines} rows, the manifest says ${t.rows}`);
  }
  if (problems.length) throw new TransferError(`the export does not check out:\n  ${problems.join("\n  ")}`);
  return manifest;
}

/** Loads the export in `dir` into `db`, which must be migrated to the export's version and empty. */
export async function importDatabase(db: AnyDb, engine: Engine, dir: string): Promise<ImportResult> {
  const manifest = await verifyExport(dir);

  const version = await schemaVersion(db, engine);
  if (version !== manifest.schemaVersion) {
    throw new TransferError(
      `the export is at schema version ${manifest.schemaVersion} but this database is at ${version ?? "none (never migrated)"}: ` +
        "import with the same version of Ship or Skip that made the export, then upgrade",
    );
  }
  const present = await tableColumns(db, engine);
  const differences = manifest.tables.flatMap((t) =>
    columnDifferences(t.name, t.columns, present.get(t.name) ?? []),
  );
  if (differences.length) {
    throw new TransferError(
      `the export's columns do not match this database:\n  ${differences.join("\n  ")}`,
    );
  }
  const held = await dataCounts(db, engine);
  if (Object.keys(held).length) {
    throw new TransferError(
      `the database is not empty: ${describeCounts(held)}. Import loads only into an empty database: ` +
        "create a new one, run `npm run cli -- migrate` against it, and import before starting the site " +
        "(starting it loads the starter catalog).",
    );
  }

  const byName = new Map(manifest.tables.map((t) => [t.name, t]));
  return db.transaction().execute(async (trx) => {
    const rows: Record<string, number> = {};
    for (const table of TRANSFER_TABLES) {
      const entry = byName.get(table.name)!;
      if (table.singleton) await sql`delete from ${sql.raw(quoted(table.name))}`.execute(trx);
      rows[table.name] = await loadTable(trx, engine, table.name, entry.columns, join(dir, entry.file));
      const counted = await countRows(trx, table.name);
      if (counted !== entry.rows || rows[table.name] !== entry.rows) {
        throw new TransferError(`${table.name}: loaded ${counted} rows, the manifest says ${entry.rows}`);
      }
    }
    const sequences = engine === "postgres" ? await resetSequences(trx) : [];
    return { manifest, rows, sequences };
  });
}

async function loadTable(
  trx: AnyDb,
  engine: Engine,
  table: string,
  columns: Manifest["tables"][number]["columns"],
  file: string,
): Promise<number> {
  // stay well under either engine's limit on parameters per statement
  const batchSize = Math.max(1, Math.min(500, Math.floor(10_000 / columns.length)));
  let batch: Record<string, unknown>[] = [];
  let loaded = 0;
  let lineNo = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await trx.insertInto(table).values(batch).execute();
    loaded += batch.length;
    batch = [];
  };
  const lines = createInterface({
    input: createReadStream(file, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    lineNo++;
    try {
      batch.push(decodeRow(columns, line, engine));
    } catch (err) {
      if (err instanceof TransferValueError)
        throw new TransferError(`${table}.ndjson:${lineNo}: ${err.message}`);
      throw err;
    }
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return loaded;
}

/**
 * Rows were loaded with their ids, which PostgreSQL's sequences do not see: each serial or
 * identity column's sequence is set so the next id is one past the largest loaded (1 when empty).
 */
async function resetSequences(trx: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema()
      and (column_default like 'nextval(%' or is_identity = 'YES')
    order by table_name, column_name`.execute(trx);
  const out: string[] = [];
  for (const r of rows) {
    const table = sql.raw(quoted(r.table_name));
    const column = sql.raw(quoted(r.column_name));
    await sql`select setval(pg_get_serial_sequence(${quoted(r.table_name)}, ${r.column_name}),
        coalesce((select max(${column}) from ${table}), 0) + 1, false)`.execute(trx);
    out.push(`${r.table_name}.${r.column_name}`);
  }
  return out;
}
