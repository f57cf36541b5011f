/** What a database holds, as export, import and restore need to know it: tables, columns, version, rows. */
import { type Kysely, sql } from "kysely";
import type { Engine } from "../connection.ts";
import { type ColumnSpec, columnKind } from "./normalize.ts";
import { TRANSFER_TABLES } from "./tables.ts";

// biome-ignore lint/suspicious/noExplicitAny: tables are named at run time here
export type AnyDb = Kysely<any>;

/** A SQL identifier, double-quoted (both engines read it so). */
export function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Every table of the connection's schema (PostgreSQL: the current schema) with its columns in order. */
export async function tableColumns(db: AnyDb, engine: Engine): Promise<Map<string, ColumnSpec[]>> {
  const { rows } =
    engine === "postgres"
      ? await sql<{ table_name: string; column_name: string; data_type: string }>`
          select c.table_name, c.column_name, c.udt_name as data_type
          from information_schema.columns c
          join information_schema.tables t
            on t.table_schema = c.table_schema and t.table_name = c.table_name
          where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
          order by c.table_name, c.ordinal_position`.execute(db)
      : await sql<{ table_name: string; column_name: string; data_type: string }>`
          select m.name as table_name, p.name as column_name, p.type as data_type
          from sqlite_master m join pragma_table_info(m.name) p
          where m.type = 'table' and m.name not like 'sqlite_%'
          order by m.name, p.cid`.execute(db);
  const out = new Map<string, ColumnSpec[]>();
  for (const r of rows) {
    const list = out.get(r.table_name) ?? [];
    list.push({ name: r.column_name, kind: columnKind(r.data_type) });
    out.set(r.table_name, list);
  }
  return out;
}

/** The last migration the database has run, or null when it has never been migrated. */
export async function schemaVersion(db: AnyDb, engine: Engine): Promise<string | null> {
  const tables = await tableColumns(db, engine);
  if (!tables.has("kysely_migration")) return null;
  const { rows } = await sql<{ name: string }>`
    select name from kysely_migration order by name desc limit 1`.execute(db);
  return rows[0]?.name ?? null;
}

/**
 * Rows in each transferred table that holds any (tables the database lacks count as empty;
 * the one-row leaderboard state does not count, an empty database has it too).
 */
export async function dataCounts(db: AnyDb, engine: Engine): Promise<Record<string, number>> {
  const present = await tableColumns(db, engine);
  const out: Record<string, number> = {};
  for (const t of TRANSFER_TABLES) {
    if (t.singleton || !present.has(t.name)) continue;
    const n = await countRows(db, t.name);
    if (n > 0) out[t.name] = n;
  }
  return out;
}

export async function countRows(db: AnyDb, table: string): Promise<number> {
  const { rows } = await sql<{
    n: number | string;
  }>`select count(*) as n from ${sql.raw(quoted(table))}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** "tools (42), users (3)": for messages. */
export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([t, n]) => `${t} (${n})`)
    .join(", ");
}
