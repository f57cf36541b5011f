/** Engine checks and row locks every feature that writes a tool's figures shares. */
import { type Kysely, PostgresAdapter } from "kysely";
import type { Db } from "./types.ts";

/** Whether a database handle (or transaction) talks to PostgreSQL rather than SQLite. */
export function isPostgres(db: Kysely<unknown> | Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Serializes changes to some tools: on PostgreSQL a row lock on each, taken in id order so
 * two writers never wait on each other crosswise; SQLite has a single writer already. Call
 * first thing inside the change's transaction.
 */
export async function lockToolRows(trx: Db, toolIds: readonly number[]): Promise<void> {
  if (toolIds.length === 0 || !isPostgres(trx)) return;
  await trx
    .selectFrom("tools")
    .select("id")
    .where("id", "in", [...toolIds])
    .orderBy("id")
    .forUpdate()
    .execute();
}
