/** Readers: accounts, sessions, sign-in links, votes, head-to-head picks, bookmarks, audit log. */
import { type Kysely, PostgresAdapter, sql } from "kysely";
import { idColumn } from "./helpers.ts";

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await idColumn(db, db.schema.createTable("users"))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("role", "text", (c) => c.notNull().defaultTo("reader"))
    .addColumn("blocked_at", "text")
    .addColumn("blocked_reason", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_sign_in_at", "text")
    .execute();

  // Only a hash of each link's token is stored; the email is kept so unknown addresses
  // get a link exactly like known ones, and the account is created on confirmation.
  await idColumn(db, db.schema.createTable("sign_in_links"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("return_to", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();

  await idColumn(db, db.schema.createTable("sessions"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("user_agent", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user_idx").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("votes")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("votes_pk", ["user_id", "tool_id"])
    .execute();
  await db.schema.createIndex("votes_tool_idx").on("votes").columns(["tool_id", "value"]).execute();

  // A pair is stored with the lower tool id first, so A-vs-B and B-vs-A are one pair.
  await db.schema
    .createTable("picks")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("low_tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("high_tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("winner_tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("picks_pk", ["user_id", "low_tool_id", "high_tool_id"])
    .execute();
  await db.schema
    .createIndex("picks_pair_idx")
    .on("picks")
    .columns(["low_tool_id", "high_tool_id"])
    .execute();

  await db.schema
    .createTable("bookmarks")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("bookmarks_pk", ["user_id", "tool_id"])
    .execute();

  // The audit log names its actor by email too, so entries stay readable whatever happens to accounts.
  await idColumn(db, db.schema.createTable("audit_log"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_id", "integer")
    .addColumn("actor_email", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("detail", "text", (c) => c.notNull())
    .execute();
  if (postgres) {
    await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`.execute(db);
    await sql`create trigger audit_log_no_change before update or delete on audit_log
      for each row execute function audit_log_append_only()`.execute(db);
  } else {
    for (const op of ["update", "delete"]) {
      await sql
        .raw(`create trigger audit_log_no_${op} before ${op} on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`)
        .execute(db);
    }
  }

  // Community ranking sorts by the Wilson lower bound, kept beside the counts it comes from.
  await db.schema
    .alterTable("tools")
    .addColumn("community_wilson", "double precision", (c) => c.notNull().defaultTo(0))
    .execute();
}
