/** The newsletter: subscribers with double opt-in and followed categories, issues, deliveries. */
import type { Kysely } from "kysely";
import { idColumn } from "./helpers.ts";

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per address. Status: pending (awaiting confirmation) | confirmed | unsubscribed |
  // bounced (a permanent delivery failure). The confirmation token is stored hashed; the
  // unsubscribe token must go into every message, so it is stored as is (it can do nothing
  // but unsubscribe).
  await idColumn(db, db.schema.createTable("subscribers"))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("confirm_token_hash", "text", (c) => c.unique())
    .addColumn("confirm_expires_at", "text")
    .addColumn("unsubscribe_token", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("confirmed_at", "text")
    .addColumn("unsubscribed_at", "text")
    .addColumn("bounced_at", "text")
    .addColumn("bounce_reason", "text")
    .execute();
  await db.schema.createIndex("subscribers_status_idx").on("subscribers").columns(["status", "id"]).execute();

  await db.schema
    .createTable("subscriber_categories")
    .addColumn("subscriber_id", "integer", (c) =>
      c.notNull().references("subscribers.id").onDelete("cascade"),
    )
    .addColumn("category_id", "integer", (c) => c.notNull().references("categories.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("subscriber_categories_pk", ["subscriber_id", "category_id"])
    .execute();

  // An issue's content is frozen as JSON when it is created, so the archive, the feed and a
  // resumed send all show exactly what the first recipient got.
  await idColumn(db, db.schema.createTable("newsletter_issues"))
    .addColumn("number", "integer", (c) => c.notNull().unique())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("intro", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("period_start", "text", (c) => c.notNull())
    .addColumn("period_end", "text", (c) => c.notNull())
    /** sending | sent */
    .addColumn("status", "text", (c) => c.notNull())
    /** The schedule slot that produced it (e.g. 2026-11-30T08:00:00.000Z); unique, so two instances cannot both send one slot. */
    .addColumn("scheduled_for", "text", (c) => c.unique())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .execute();

  // One row per (issue, subscriber), written before anything is sent: the send resumes from
  // here after a crash. Status: pending | sending | sent | failed (gave up after retries) |
  // bounced (permanent rejection).
  await db.schema
    .createTable("deliveries")
    .addColumn("issue_id", "integer", (c) =>
      c.notNull().references("newsletter_issues.id").onDelete("cascade"),
    )
    .addColumn("subscriber_id", "integer", (c) =>
      c.notNull().references("subscribers.id").onDelete("cascade"),
    )
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("last_error", "text")
    .addColumn("message_id", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .addPrimaryKeyConstraint("deliveries_pk", ["issue_id", "subscriber_id"])
    .execute();
  await db.schema
    .createIndex("deliveries_queue_idx")
    .on("deliveries")
    .columns(["issue_id", "status", "next_attempt_at"])
    .execute();
}
