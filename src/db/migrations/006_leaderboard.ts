/**
 * The head-to-head leaderboard: what picks need for the integrity rules (a hashed network and
 * the outcome the last recompute gave each pick), the stored boards and their daily snapshots,
 * accounts the outlier test flagged with a moderator's decision, and the one-row state that
 * holds the recompute lease and the salt network keys are hashed with.
 */
import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // a keyed hash of the client's network (IPv4 /24, IPv6 /64), never the address itself;
  // picks from before this migration have none and are capped per account only
  await db.schema.alterTable("picks").addColumn("network", "text").execute();
  // counted, or why not; null until the next recompute has judged the pick as it stands now
  await db.schema.alterTable("picks").addColumn("outcome", "text").execute();
  await db.schema.createIndex("picks_network_idx").on("picks").columns(["network", "updated_at"]).execute();

  // the current board of each scope ("overall" or a category's slug), as the last recompute left it
  await db.schema
    .createTable("leaderboard_boards")
    .addColumn("board", "text", (c) => c.primaryKey())
    .addColumn("computed_at", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .execute();

  // one snapshot per board per UTC day, replaced by every recompute during that day
  await db.schema
    .createTable("leaderboard_snapshots")
    .addColumn("board", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("computed_at", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("leaderboard_snapshots_pk", ["board", "day"])
    .execute();

  // accounts the outlier test flagged: the evidence of the latest recompute, and a moderator's decision
  await db.schema
    .createTable("leaderboard_flags")
    .addColumn("user_id", "integer", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("flagged_at", "text", (c) => c.notNull())
    .addColumn("evidence", "text", (c) => c.notNull())
    // open (no decision yet), cleared (the picks count) or confirmed (the picks stay discounted)
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("decided_by", "text")
    .addColumn("decided_at", "text")
    .addColumn("decision_reason", "text")
    .execute();

  await db.schema
    .createTable("leaderboard_state")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    // who recomputes now, and until when the lease holds without renewal
    .addColumn("lease_holder", "text")
    .addColumn("lease_until", "text")
    // what the last finished recompute read (a count and the newest change), to tell when boards are stale
    .addColumn("source_stamp", "text")
    .addColumn("computed_at", "text")
    .addColumn("network_salt", "text", (c) => c.notNull())
    .execute();
  const salt = randomBytes(32).toString("base64url");
  await sql`insert into leaderboard_state (id, network_salt) values (1, ${salt})`.execute(db);
}
