/**
 * Moderation: votes per tool over time, removing an account's votes, blocking accounts, and
 * the append-only audit log every moderation step writes to in the same transaction.
 */
import { sql } from "kysely";
import { jsonObjectSchema, readJson } from "../../db/json.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import type { Role } from "../../domain/permissions.ts";
import { endAllSessions, grantRole } from "../accounts/index.ts";
import { type Actor, accountSubject, recordAudit } from "../audit/index.ts";
import { removeVotesOf } from "../community/index.ts";
import { findToolRefs, type ToolRef } from "../tools/index.ts";

export interface AuditEntry {
  id: number;
  at: string;
  actorId: number | null;
  actorEmail: string;
  action: string;
  subject: string;
  reason: string;
  detail: Record<string, unknown>;
  /** When a deleted account's address was taken out of this entry; null for an entry as written. */
  redactedAt: string | null;
}

export interface VoteDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  ship: number;
  skip: number;
  /** Votes cast on this day or before. */
  runningTotal: number;
}

export interface ToolVoteRow {
  slug: string;
  name: string;
  ship: number;
  skip: number;
  total: number;
  lastVoteAt: string;
}

export interface Voter {
  userId: number;
  email: string;
  role: string;
  blocked: boolean;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface AccountVote {
  slug: string;
  name: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface AccountDetail {
  id: number;
  email: string;
  role: string;
  blockedAt: string | null;
  blockedReason: string | null;
  createdAt: string;
  lastSignInAt: string | null;
  votes: AccountVote[];
  /** Audit entries about this account, newest first. */
  history: AuditEntry[];
}

export type ModerationProblem =
  | "unknown"
  | "self"
  | "admin"
  | "listed-admin"
  | "already-blocked"
  | "not-blocked";
export type ModerationResult<T> = ({ ok: true } & T) | { ok: false; problem: ModerationProblem };

// Literal SQL (no bound values) so the grouped expression is textually the same in SELECT and
// GROUP BY: PostgreSQL compares them as written, and would see $1 and $3 as different.
const dayOf = sql<string>`substr(votes.created_at, 1, 10)`;
const shipCount = sql<number>`sum(case when votes.value = 'ship' then 1 else 0 end)`;
const skipCount = sql<number>`sum(case when votes.value = 'skip' then 1 else 0 end)`;

/** A tool's current votes per day they were first cast, oldest first; undefined for an unknown slug. */
export async function voteHistory(
  db: Db,
  toolSlug: string,
): Promise<{ tool: ToolRef; days: VoteDay[] } | undefined> {
  const [tool] = await findToolRefs(db, [toolSlug]);
  if (!tool) return undefined;
  const rows = await db
    .selectFrom("votes")
    .select([dayOf.as("day"), shipCount.as("ship"), skipCount.as("skip")])
    .where("tool_id", "=", tool.id)
    .groupBy(dayOf)
    .orderBy("day")
    .execute();
  let running = 0;
  const days = rows.map((r) => {
    const ship = Number(r.ship);
    const skip = Number(r.skip);
    running += ship + skip;
    return { day: r.day, ship, skip, runningTotal: running };
  });
  return { tool, days };
}

/** Tools that have votes, most voted first. */
export async function toolVoteOverview(db: Db): Promise<ToolVoteRow[]> {
  const rows = await db
    .selectFrom("votes")
    .innerJoin("tools", "tools.id", "votes.tool_id")
    .select([
      "tools.slug",
      "tools.name",
      shipCount.as("ship"),
      skipCount.as("skip"),
      (eb) => eb.fn.countAll<number>().as("total"),
      (eb) => eb.fn.max("votes.updated_at").as("last_vote_at"),
    ])
    .groupBy(["tools.id", "tools.slug", "tools.name"])
    .orderBy("total", "desc")
    .orderBy("tools.name")
    .execute();
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    ship: Number(r.ship),
    skip: Number(r.skip),
    total: Number(r.total),
    lastVoteAt: r.last_vote_at,
  }));
}

/** The accounts with a vote on a tool, most recently changed first (at most `limit`). */
export async function votersOf(db: Db, toolId: number, limit = 500): Promise<Voter[]> {
  const rows = await db
    .selectFrom("votes")
    .innerJoin("users", "users.id", "votes.user_id")
    .select([
      "users.id",
      "users.email",
      "users.role",
      "users.blocked_at",
      "votes.value",
      "votes.created_at",
      "votes.updated_at",
    ])
    .where("votes.tool_id", "=", toolId)
    .orderBy("votes.updated_at", "desc")
    .orderBy("users.id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    role: r.role,
    blocked: r.blocked_at !== null,
    value: r.value,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** Audit entries newest first, `limit` at a time; `before` is the id the next page starts under. */
export async function listAudit(
  db: Db,
  opts: { limit: number; before?: number; subject?: string },
): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
  let query = db
    .selectFrom("audit_log")
    .select(["id", "at", "actor_id", "actor_email", "action", "subject", "reason", "detail", "redacted_at"])
    .orderBy("id", "desc")
    .limit(opts.limit + 1);
  if (opts.before !== undefined) query = query.where("id", "<", opts.before);
  if (opts.subject !== undefined) query = query.where("subject", "=", opts.subject);
  const rows = await query.execute();
  const page = rows.slice(0, opts.limit);
  const entries = page.map((r) => ({
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    actorEmail: r.actor_email,
    action: r.action,
    subject: r.subject,
    reason: r.reason,
    detail: readJson(jsonObjectSchema, r.detail, { table: "audit_log", column: "detail", row: r.id }),
    redactedAt: r.redacted_at,
  }));
  const last = entries.at(-1);
  return { entries, nextBefore: rows.length > opts.limit && last ? last.id : null };
}

/** The account with this (normalized) address, if there is one. */
export async function accountIdByEmail(db: Db, email: string): Promise<number | undefined> {
  const row = await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  return row?.id;
}

/** One account as moderators see it: who, role, block state, its votes and its audit history. */
export async function findAccount(db: Db, id: number): Promise<AccountDetail | undefined> {
  const user = await db
    .selectFrom("users")
    .select(["id", "email", "role", "blocked_at", "blocked_reason", "created_at", "last_sign_in_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!user) return undefined;
  const [votes, history] = await Promise.all([
    db
      .selectFrom("votes")
      .innerJoin("tools", "tools.id", "votes.tool_id")
      .select(["tools.slug", "tools.name", "votes.value", "votes.created_at", "votes.updated_at"])
      .where("votes.user_id", "=", id)
      .orderBy("votes.updated_at", "desc")
      .orderBy("tools.slug")
      .execute(),
    listAudit(db, { limit: 20, subject: accountSubject(id) }),
  ]);
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    blockedAt: user.blocked_at,
    blockedReason: user.blocked_reason,
    createdAt: user.created_at,
    lastSignInAt: user.last_sign_in_at,
    votes: votes.map((v) => ({
      slug: v.slug,
      name: v.name,
      value: v.value,
      createdAt: v.created_at,
      updatedAt: v.updated_at,
    })),
    history: history.entries,
  };
}

interface ModerationInput {
  actor: Actor;
  userId: number;
  reason: string;
  now?: number;
}

async function emailOf(trx: Db, userId: number): Promise<string | undefined> {
  const row = await trx.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst();
  return row?.email;
}

/**
 * Removes every vote of an account, recomputes the tools it touched and records why, all in one
 * transaction. Nothing is logged when the account had no votes, since nothing changed.
 */
export async function removeAccountVotes(
  db: Db,
  opts: ModerationInput,
): Promise<ModerationResult<{ removed: { slug: string; value: string }[] }>> {
  return db.transaction().execute(async (trx) => {
    const email = await emailOf(trx, opts.userId);
    if (email === undefined) return { ok: false as const, problem: "unknown" as const };
    const removed = await trx
      .selectFrom("votes")
      .innerJoin("tools", "tools.id", "votes.tool_id")
      .select(["tools.slug", "votes.value"])
      .where("votes.user_id", "=", opts.userId)
      .orderBy("tools.slug")
      .execute();
    if (removed.length === 0) return { ok: true as const, removed: [] };
    await removeVotesOf(trx, opts.userId);
    await recordAudit(trx, {
      actor: opts.actor,
      action: "votes.remove",
      subject: accountSubject(opts.userId),
      reason: opts.reason,
      detail: { email, votes: removed.map((r) => ({ tool: r.slug, value: r.value })) },
      now: opts.now,
    });
    return { ok: true as const, removed };
  });
}

/**
 * Blocks an account: it cannot sign in, and every session it has ends now. Admins cannot be
 * blocked: one admin must not be able to lock the others out. `adminEmails` (ADMIN_EMAILS)
 * name accounts that become admins again at every sign-in, whatever their role now.
 */
export async function blockAccount(
  db: Db,
  opts: ModerationInput & { adminEmails?: readonly string[] },
): Promise<ModerationResult<{ sessionsEnded: number }>> {
  // an admin locking themselves out is always a slip, never moderation
  if (opts.actor.id === opts.userId) return { ok: false, problem: "self" };
  const at = iso(opts.now ?? Date.now());
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom("users")
      .select(["email", "role"])
      .where("id", "=", opts.userId)
      .executeTakeFirst();
    if (account === undefined) return { ok: false as const, problem: "unknown" as const };
    const { email } = account;
    if (opts.adminEmails?.includes(email)) return { ok: false as const, problem: "listed-admin" as const };
    if (account.role === "admin") return { ok: false as const, problem: "admin" as const };
    // the "is null" guard makes a second, concurrent block a no-op rather than a second entry
    const updated = await trx
      .updateTable("users")
      .set({ blocked_at: at, blocked_reason: opts.reason })
      .where("id", "=", opts.userId)
      .where("blocked_at", "is", null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      return { ok: false as const, problem: "already-blocked" as const };
    }
    const sessionsEnded = await endAllSessions(trx, opts.userId);
    await recordAudit(trx, {
      actor: opts.actor,
      action: "account.block",
      subject: accountSubject(opts.userId),
      reason: opts.reason,
      detail: { email, sessionsEnded },
      now: opts.now,
    });
    return { ok: true as const, sessionsEnded };
  });
}

/** Lifts a block; the account can sign in again (its old sessions stay ended). */
export async function unblockAccount(db: Db, opts: ModerationInput): Promise<ModerationResult<object>> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("users")
      .select(["email", "blocked_at", "blocked_reason"])
      .where("id", "=", opts.userId)
      .executeTakeFirst();
    if (!row) return { ok: false as const, problem: "unknown" as const };
    const updated = await trx
      .updateTable("users")
      .set({ blocked_at: null, blocked_reason: null })
      .where("id", "=", opts.userId)
      .where("blocked_at", "is not", null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { ok: false as const, problem: "not-blocked" as const };
    await recordAudit(trx, {
      actor: opts.actor,
      action: "account.unblock",
      subject: accountSubject(opts.userId),
      reason: opts.reason,
      detail: { email: row.email, blockedSince: row.blocked_at, blockedFor: row.blocked_reason },
      now: opts.now,
    });
    return { ok: true as const };
  });
}

/** Gives an account a role and records it, in one transaction. */
export async function grantRoleAudited(
  db: Db,
  opts: { actor: Actor; email: string; role: Role; reason: string },
): Promise<{ id: number; email: string; role: Role; previousRole: string | null }> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("users")
      .select("role")
      .where("email", "=", opts.email)
      .executeTakeFirst();
    const account = await grantRole(trx, opts.email, opts.role);
    await recordAudit(trx, {
      actor: opts.actor,
      action: "role.grant",
      subject: accountSubject(account.id),
      reason: opts.reason,
      detail: { email: account.email, from: before?.role ?? null, to: opts.role },
    });
    return { ...account, previousRole: before?.role ?? null };
  });
}
