/**
 * Community votes and head-to-head picks. Every vote change (cast, change, withdraw,
 * moderation) goes through one function that recomputes the tool's figures from the votes
 * table in the same transaction; counts are never incremented.
 */
import { createHmac } from "node:crypto";
import { lockToolRows } from "../../db/locks.ts";
import { prepared } from "../../db/prepared.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import { type CommunitySummary, summarizeCommunity, type VoteValue } from "../../domain/community.ts";
import {
  type DiscountReason,
  screenPicks,
  utcDay,
  WAITING_PERIOD_HOURS,
} from "../../domain/leaderboard/index.ts";
import type { ToolRef } from "../tools/index.ts";

export interface PickSplit {
  /** Picks for each tool of the pair, by slug. */
  counts: Record<string, number>;
  total: number;
  /** Of the total, the picks the last recompute counted: what /leaderboard/pairs shows for the pair. */
  counted: number;
}

/** Recomputes a tool's community figures from its votes; call inside the change's transaction. */
async function recomputeCommunity(trx: Db, toolId: number): Promise<CommunitySummary> {
  const rows = await trx
    .selectFrom("votes")
    .select(["value", (eb) => eb.fn.countAll<number>().as("n")])
    .where("tool_id", "=", toolId)
    .groupBy("value")
    .execute();
  const count = (v: VoteValue) => Number(rows.find((r) => r.value === v)?.n ?? 0);
  const summary = summarizeCommunity(count("ship"), count("skip"));
  await trx
    .updateTable("tools")
    .set({
      community_ship: summary.ship,
      community_skip: summary.skip,
      community_wilson: summary.wilsonLower,
    })
    .where("id", "=", toolId)
    .execute();
  return summary;
}

/** Casts, changes (a value) or withdraws (null) one account's vote on a tool. */
export async function setVote(
  db: Db,
  opts: { userId: number; toolId: number; value: VoteValue | null; now?: number },
): Promise<CommunitySummary> {
  const at = iso(opts.now ?? Date.now());
  return db.transaction().execute(async (trx) => {
    await lockToolRows(trx, [opts.toolId]);
    if (opts.value === null) {
      await trx
        .deleteFrom("votes")
        .where("user_id", "=", opts.userId)
        .where("tool_id", "=", opts.toolId)
        .execute();
    } else {
      await trx
        .insertInto("votes")
        .values({
          user_id: opts.userId,
          tool_id: opts.toolId,
          value: opts.value,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc.columns(["user_id", "tool_id"]).doUpdateSet({ value: opts.value as VoteValue, updated_at: at }),
        )
        .execute();
    }
    return recomputeCommunity(trx, opts.toolId);
  });
}

/** Removes every vote of an account and recomputes the tools they touched; returns those tools' ids. */
export async function removeVotesOf(trx: Db, userId: number): Promise<number[]> {
  const known = await trx
    .selectFrom("votes")
    .select("tool_id")
    .where("user_id", "=", userId)
    .orderBy("tool_id")
    .execute();
  const touched = known.map((r) => r.tool_id);
  await lockToolRows(trx, touched);
  // recompute exactly what was deleted, even if a vote landed between the read and the delete
  const deleted = await trx.deleteFrom("votes").where("user_id", "=", userId).returning("tool_id").execute();
  const toolIds = [...new Set(deleted.map((r) => r.tool_id))].sort((a, b) => a - b);
  for (const id of toolIds) await recomputeCommunity(trx, id);
  return toolIds;
}

/** An account's votes, by tool slug. */
export async function votesOf(db: Db, userId: number): Promise<Map<string, VoteValue>> {
  const rows = await votesOfAccount(db, userId);
  return new Map(rows.map((r) => [r.slug, r.value]));
}

/** Read on every page a signed-in reader sees, so built once (db/prepared.ts). */
const votesOfAccount = prepared(1, (db, userId: number) =>
  db
    .selectFrom("votes")
    .innerJoin("tools", "tools.id", "votes.tool_id")
    .select(["tools.slug", "votes.value"])
    .where("votes.user_id", "=", userId),
);

const salts = new WeakMap<Db, Promise<string>>();

/**
 * The stored form of a client's network (pickNetwork): a hash keyed with this database's own
 * salt, so picks can be counted per network without keeping anything that names the address.
 */
export async function networkKey(db: Db, network: string): Promise<string> {
  let salt = salts.get(db);
  if (!salt) {
    salt = db
      .selectFrom("leaderboard_state")
      .select("network_salt")
      .where("id", "=", 1)
      .executeTakeFirstOrThrow()
      .then((r) => r.network_salt);
    salts.set(db, salt);
    salt.catch(() => salts.delete(db));
  }
  return createHmac("sha256", await salt)
    .update(network)
    .digest("base64url")
    .slice(0, 22);
}

/** One of an account's votes, as the API lists them. */
export interface AccountVote {
  slug: string;
  name: string;
  value: VoteValue;
  updatedAt: string;
}

/** An account's votes with their tools' names, most recently changed first. */
export async function voteListOf(db: Db, userId: number): Promise<AccountVote[]> {
  const rows = await db
    .selectFrom("votes")
    .innerJoin("tools", "tools.id", "votes.tool_id")
    .select(["tools.slug", "tools.name", "votes.value", "votes.updated_at"])
    .where("votes.user_id", "=", userId)
    .orderBy("votes.updated_at", "desc")
    .orderBy("tools.slug")
    .execute();
  return rows.map((r) => ({ slug: r.slug, name: r.name, value: r.value, updatedAt: r.updated_at }));
}

/** One of an account's picks: the pair (slugs in alphabetical order) and the winner's slug. */
export interface AccountPick {
  tools: [{ slug: string; name: string }, { slug: string; name: string }];
  winner: string;
  updatedAt: string;
}

/** An account's head-to-head picks, most recently changed first. */
export async function pickListOf(db: Db, userId: number): Promise<AccountPick[]> {
  const rows = await db
    .selectFrom("picks")
    .innerJoin("tools as low", "low.id", "picks.low_tool_id")
    .innerJoin("tools as high", "high.id", "picks.high_tool_id")
    .select([
      "low.slug as low_slug",
      "low.name as low_name",
      "high.slug as high_slug",
      "high.name as high_name",
      "picks.winner_tool_id",
      "picks.low_tool_id",
      "picks.updated_at",
    ])
    .where("picks.user_id", "=", userId)
    .orderBy("picks.updated_at", "desc")
    .orderBy("low.slug")
    .orderBy("high.slug")
    .execute();
  return rows.map((r) => {
    const low = { slug: r.low_slug, name: r.low_name };
    const high = { slug: r.high_slug, name: r.high_name };
    const [first, second] = low.slug <= high.slug ? [low, high] : [high, low];
    return {
      tools: [first, second],
      winner: r.winner_tool_id === r.low_tool_id ? low.slug : high.slug,
      updatedAt: r.updated_at,
    };
  });
}

function pairKey(a: ToolRef, b: ToolRef): { low: number; high: number } {
  return a.id < b.id ? { low: a.id, high: b.id } : { low: b.id, high: a.id };
}

/** Sets (a winner) or withdraws (null) one account's pick on a pair. */
export async function setPick(
  db: Db,
  opts: {
    userId: number;
    a: ToolRef;
    b: ToolRef;
    winner: ToolRef | null;
    /** The keyed hash of the client's network (networkKey), for the per-network cap. */
    network?: string | null;
    now?: number;
  },
): Promise<void> {
  const at = iso(opts.now ?? Date.now());
  const { low, high } = pairKey(opts.a, opts.b);
  const where = { user_id: opts.userId, low_tool_id: low, high_tool_id: high };
  if (opts.winner === null) {
    await db
      .deleteFrom("picks")
      .where("user_id", "=", where.user_id)
      .where("low_tool_id", "=", low)
      .where("high_tool_id", "=", high)
      .execute();
    return;
  }
  const winner = opts.winner.id;
  const network = opts.network ?? null;
  // a new or changed pick waits for the next leaderboard recompute to be judged (outcome null)
  await db
    .insertInto("picks")
    .values({ ...where, winner_tool_id: winner, created_at: at, updated_at: at, network, outcome: null })
    .onConflict((oc) =>
      oc
        .columns(["user_id", "low_tool_id", "high_tool_id"])
        .doUpdateSet({ winner_tool_id: winner, updated_at: at, network, outcome: null }),
    )
    .execute();
}

/** How the picks on a pair split: the same for every reader (their own pick: readerPick). */
export async function pickSplit(db: Db, a: ToolRef, b: ToolRef): Promise<PickSplit> {
  const { low, high } = pairKey(a, b);
  // one grouped read: each winner's picks, and how many of them counted at the last recompute
  const rows = await db
    .selectFrom("picks")
    .select((eb) => [
      "winner_tool_id",
      eb.fn.countAll<number>().as("n"),
      // counted as the last recompute judged it; a pick made or changed since is pending (null)
      eb.fn
        .sum<number>(eb.case().when("outcome", "=", "counted").then(eb.lit(1)).else(eb.lit(0)).end())
        .as("counted"),
    ])
    .where("low_tool_id", "=", low)
    .where("high_tool_id", "=", high)
    .groupBy("winner_tool_id")
    .execute();
  const count = (t: ToolRef) => Number(rows.find((r) => r.winner_tool_id === t.id)?.n ?? 0);
  const counts = { [a.slug]: count(a), [b.slug]: count(b) };
  const counted = rows.reduce((n, r) => n + Number(r.counted ?? 0), 0);
  return { counts, total: count(a) + count(b), counted };
}

/** What a comparison shows of its reader: their own pick on the pair, and whether it counts yet. */
export interface ReaderPick {
  mine: string | null;
  standing: PickStanding | null;
}

/** The reader's pick on a pair (none when signed out), and its standing when they have one. */
export async function readerPick(
  db: Db,
  userId: number | undefined,
  a: ToolRef,
  b: ToolRef,
): Promise<ReaderPick> {
  if (userId === undefined) return { mine: null, standing: null };
  const { low, high } = pairKey(a, b);
  const [row] = await pickOfAccount(db, userId, low, high);
  if (!row) return { mine: null, standing: null };
  const mine = row.winner_tool_id === a.id ? a.slug : b.slug;
  return { mine, standing: await standingOf(db, { userId, low, high, pick: row }) };
}

/** An account's pick on a pair: read for every comparison a signed-in reader sees (db/prepared.ts). */
const pickOfAccount = prepared(3, (db, userId: number, low: number, high: number) =>
  db
    .selectFrom("picks")
    .select(["winner_tool_id", "updated_at", "network"])
    .where("user_id", "=", userId)
    .where("low_tool_id", "=", low)
    .where("high_tool_id", "=", high),
);

/** Whether an account's pick on a pair will count on the leaderboard, and if not, why and from when. */
export interface PickStanding {
  /** Null when the pick passes the caps and the waiting period (the outlier test runs later). */
  reason: Exclude<DiscountReason, "flagged-account"> | null;
  /**
   * ISO instant: when a waiting pick starts to count, or when a capped pick may be made again
   * (the next UTC midnight) to count.
   */
  from: string | null;
}

/**
 * A day's picks by an account or its network, with each picker's account age. A null network
 * matches nothing (`network = NULL` is never true), leaving the account's own picks.
 */
const picksSharingCaps = prepared(4, (db, from: string, to: string, userId: number, network: string | null) =>
  db
    .selectFrom("picks")
    .innerJoin("users", "users.id", "picks.user_id")
    .select([
      "picks.user_id",
      "picks.low_tool_id",
      "picks.high_tool_id",
      "picks.winner_tool_id",
      "picks.created_at",
      "picks.updated_at",
      "picks.network",
      "users.created_at as account_created_at",
    ])
    .where("picks.updated_at", ">=", from)
    .where("picks.updated_at", "<", to)
    .where((eb) => eb.or([eb("picks.user_id", "=", userId), eb("picks.network", "=", network)])),
);

/**
 * Applies the leaderboard's waiting period and daily caps to an account's pick on a pair (read
 * already), exactly as the recompute will: the same domain rule over the same day's picks of
 * the account and its network.
 */
async function standingOf(
  db: Db,
  opts: {
    userId: number;
    low: number;
    high: number;
    pick: { updated_at: string; network: string | null };
    now?: number;
  },
): Promise<PickStanding> {
  const { low, high, pick: mine } = opts;
  const day = utcDay(mine.updated_at);
  const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();
  // the day's picks that share a cap with this one: the account's own and its network's
  const rows = await picksSharingCaps(db, `${day}T00:00:00.000Z`, next, opts.userId, mine.network);
  const picks = rows.map((r) => ({
    userId: r.user_id,
    lowToolId: r.low_tool_id,
    highToolId: r.high_tool_id,
    winnerToolId: r.winner_tool_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    network: r.network,
  }));
  const accounts = [...new Map(rows.map((r) => [r.user_id, r.account_created_at])).entries()].map(
    ([id, createdAt]) => ({ id, createdAt }),
  );
  const at = new Date(opts.now ?? Date.now()).toISOString();
  const reasons = screenPicks(picks, accounts, new Map(), at);
  const k = picks.findIndex((p) => p.userId === opts.userId && p.lowToolId === low && p.highToolId === high);
  const reason = reasons[k] ?? null;
  if (reason === null || reason === "flagged-account") return { reason: null, from: null };
  if (reason === "waiting-period") {
    const born = accounts.find((u) => u.id === opts.userId)?.createdAt ?? at;
    return { reason, from: new Date(Date.parse(born) + WAITING_PERIOD_HOURS * 3_600_000).toISOString() };
  }
  return { reason, from: next };
}
