/**
 * What each move of the change stamp changed: one row per generation with the scope of the
 * write behind it (JSON, see PageScope in src/http/page-cache.ts), so another instance that
 * polls the stamp drops only the pages that write touched instead of every page. Old rows are
 * pruned as new ones arrive; an instance that finds a generation's row gone clears everything.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("site_change_scopes")
    .addColumn("generation", "integer", (c) => c.primaryKey())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("changed_at", "text", (c) => c.notNull())
    .execute();
}
