/** Small helpers that let one migration read the same on SQLite and PostgreSQL. */
import { type CreateTableBuilder, type Kysely, PostgresAdapter } from "kysely";

/** Adds an auto-incrementing integer primary key named `id` in the engine's own idiom. */
export function idColumn<T extends string>(db: Kysely<unknown>, table: CreateTableBuilder<T, never>) {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    return table.addColumn("id", "serial", (c) => c.primaryKey());
  }
  return table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}
