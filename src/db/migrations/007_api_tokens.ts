/**
 * Personal API tokens: a reader's named secrets for the JSON API. Only a hash of each token is
 * stored (like sign-in links and sessions); the last characters are kept so the account page
 * can tell tokens apart. Revoking deletes the row, so a revoked token stops working at once.
 * `create_nonce` is the one-time value the creation form carried: a reloaded or re-sent form
 * finds it taken and creates nothing (unique per account; a creation sent without one holds null).
 */
import type { Kysely } from "kysely";
import { idColumn } from "./helpers.ts";

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable("api_tokens"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("hint", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("create_nonce", "text")
    .execute();
  await db.schema.createIndex("api_tokens_user_idx").on("api_tokens").column("user_id").execute();
  await db.schema
    .createIndex("api_tokens_nonce_idx")
    .on("api_tokens")
    .columns(["user_id", "create_nonce"])
    .unique()
    .execute();
}
