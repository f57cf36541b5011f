/**
 * `export <dir>`: every transferred table as one NDJSON file, read in one snapshot (a
 * repeatable-read transaction on PostgreSQL, one read transaction on SQLite) so the files agree
 * with each other while the site keeps serving, and a manifest.json written last.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import type { Engine } from "../connection.ts";
import { type AnyDb, quoted, schemaVersion, tableColumns } from "./inspect.ts";
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, type Manifest, type ManifestTable } from "./manifest.ts";
import { type ColumnSpec, encodeRow } from "./normalize.ts";
import { OMITTED_TABLES, TRANSFER_TABLES, type TransferTable } from "./tables.ts";

export class TransferError extends Error {}

const PAGE = 1000;

/** Writes the export into `dir` (created if missing; refused unless empty) and returns its manifest. */
export async function exportDatabase(
  db: AnyDb,
  engine: Engine,
  dir: string,
  opts: { now?: Date } = {},
): Promise<Manifest> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new TransferError(`${dir} is not empty: export into a new or empty directory`);
  }
  // the export holds addresses, token hashes and unsubscribe tokens: readable by its owner only
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const exportedAt = (opts.now ?? new Date()).toISOString();

  const run = async (trx: AnyDb) => {
    const version = await schemaVersion(trx, engine);
    if (!version) throw new TransferError("the database has never been migrated: there is nothing to export");
    const present = await tableColumns(trx, engine);
    const known = new Set([...TRANSFER_TABLES.map((t) => t.name), ...Object.keys(OMITTED_TABLES)]);
    const strange = [...present.keys()].filter((n) => !known.has(n));
    if (strange.length) {
      // a table added by a migration this module was not told about: refuse rather than lose it
      throw new TransferError(
        `the database has tables the export does not know: ${strange.join(", ")} (add them to src/db/transfer/tables.ts)`,
      );
    }
    const tables: ManifestTable[] = [];
    for (const table of TRANSFER_TABLES) {
      const columns = present.get(table.name);
      if (!columns) throw new TransferError(`the database has no table ${table.name}`);
      tables.push(await writeTable(trx, engine, table, columns, dir));
    }
    return { version, tables };
  };
  const { version, tables } =
    engine === "postgres"
      ? await db.transaction().setIsolationLevel("repeatable read").execute(run)
      : await db.transaction().execute(run);

  const manifest: Manifest = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    schemaVersion: version,
    exportedAt,
    sourceEngine: engine,
    tables,
    omitted: Object.entries(OMITTED_TABLES).map(([name, reason]) => ({ name, reason })),
  };
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

async function writeTable(
  db: AnyDb,
  engine: Engine,
  table: TransferTable,
  columns: ColumnSpec[],
  dir: string,
): Promise<ManifestTable> {
  const file = `${table.name}.ndjson`;
  const out = createWriteStream(join(dir, file), { mode: 0o600 });
  const hash = createHash("sha256");
  const cleared = new Set(table.cleared ?? []);
  const textKeys = new Set(columns.filter((c) => c.kind === "text").map((c) => c.name));
  // byte order for text keys on both engines, so the files come out the same from either
  const order = table.key
    .map((k) => (engine === "postgres" && textKeys.has(k) ? `${quoted(k)} collate "C"` : quoted(k)))
    .join(", ");
  let rows = 0;
  try {
    for (let offset = 0; ; offset += PAGE) {
      const page = await sql<Record<string, unknown>>`select * from ${sql.raw(quoted(table.name))}
        order by ${sql.raw(order)} limit ${PAGE} offset ${offset}`.execute(db);
      for (const row of page.rows) {
        for (const c of cleared) row[c] = null;
        const line = encodeRow(columns, row);
        hash.update(line);
        if (!out.write(line)) await once(out, "drain");
        rows++;
      }
      if (page.rows.length < PAGE) break;
    }
  } finally {
    out.end();
    await once(out, "close");
  }
  return { name: table.name, file, rows, sha256: hash.digest("hex"), columns };
}
