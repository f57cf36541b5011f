/**
 * The site's change stamp: one row whose generation a process outside the server (an operator
 * command) moves on after it changed what public pages show. Running servers poll it and clear
 * their page cache when it moves, so no message bus is needed for that.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("site_changes")
    // always 1: the table holds exactly one row, read by primary key
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("generation", "integer", (c) => c.notNull())
    .addColumn("changed_at", "text")
    .execute();
  await sql`insert into site_changes (id, generation, changed_at) values (1, 0, null)`.execute(db);
}
