/** Accounts: magic sign-in links, sessions and roles. */

import { prepared } from "../../db/prepared.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import type { Account, SessionUser } from "../../domain/account.ts";
import { isRole, type Role } from "../../domain/permissions.ts";
import { hashToken, newToken } from "../../http/tokens.ts";
import { accountSubject, recordAudit } from "../audit/index.ts";

export const LINK_TTL_MS = 15 * 60_000;
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
/** Sessions record when they were last seen at most this often, to spare a write per request. */
const TOUCH_EVERY_MS = 10 * 60_000;

export interface SessionInfo {
  id: number;
  userAgent: string;
  createdAt: string;
  lastSeenAt: string;
}

export type LinkProblem = "unknown" | "expired" | "used" | "blocked";

/** Stores a new sign-in link for an address and returns its token (sent by email, never stored). */
export async function createSignInLink(
  db: Db,
  opts: { email: string; returnTo: string; now?: number },
): Promise<string> {
  const now = opts.now ?? Date.now();
  const token = newToken();
  // links are useless a day after they expire; keep the table from growing without bound
  await db
    .deleteFrom("sign_in_links")
    .where("expires_at", "<", iso(now - 24 * 3600_000))
    .execute();
  await db
    .insertInto("sign_in_links")
    .values({
      token_hash: hashToken(token),
      email: opts.email,
      return_to: opts.returnTo,
      created_at: iso(now),
      expires_at: iso(now + LINK_TTL_MS),
    })
    .execute();
  return token;
}

/** Whether a link can still be used, without using it (the confirm page shows this). */
export async function inspectSignInLink(
  db: Db,
  token: string,
  now = Date.now(),
): Promise<{ ok: true; email: string } | { ok: false; problem: LinkProblem }> {
  const row = await db
    .selectFrom("sign_in_links")
    .select(["email", "expires_at", "used_at"])
    .where("token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (!row) return { ok: false, problem: "unknown" };
  if (row.used_at) return { ok: false, problem: "used" };
  if (row.expires_at <= iso(now)) return { ok: false, problem: "expired" };
  return { ok: true, email: row.email };
}

/**
 * Uses a link once: marks it used, finds or creates the account, and opens a session.
 * Marking and checking happen in one UPDATE, so two clicks racing cannot both succeed.
 */
export async function redeemSignInLink(
  db: Db,
  opts: { token: string; userAgent: string; adminEmails: readonly string[]; now?: number },
): Promise<
  { ok: true; user: Account; sessionToken: string; returnTo: string } | { ok: false; problem: LinkProblem }
> {
  const now = opts.now ?? Date.now();
  const tokenHash = hashToken(opts.token);
  return db.transaction().execute(async (trx) => {
    // one guarded UPDATE marks the link used: of two racing clicks only one gets the row back
    const link = await trx
      .updateTable("sign_in_links")
      .set({ used_at: iso(now) })
      .where("token_hash", "=", tokenHash)
      .where("used_at", "is", null)
      .where("expires_at", ">", iso(now))
      .returning(["email", "return_to"])
      .executeTakeFirst();
    if (!link) {
      const seen = await inspectSignInLink(trx, opts.token, now);
      return { ok: false as const, problem: seen.ok ? ("used" as const) : seen.problem };
    }
    const user = await ensureUser(trx, link.email, now);
    if (user.blocked) return { ok: false as const, problem: "blocked" as const };
    let role = user.role;
    if (opts.adminEmails.includes(user.email) && role !== "admin") {
      await trx.updateTable("users").set({ role: "admin" }).where("id", "=", user.id).execute();
      await recordAudit(trx, {
        actor: { id: user.id, email: user.email },
        action: "role.grant",
        subject: accountSubject(user.id),
        reason: "Listed in ADMIN_EMAILS",
        detail: { email: user.email, from: role, to: "admin" },
        now,
      });
      role = "admin";
    }
    await trx
      .updateTable("users")
      .set({ last_sign_in_at: iso(now) })
      .where("id", "=", user.id)
      .execute();
    const sessionToken = await openSession(trx, { userId: user.id, userAgent: opts.userAgent, now });
    return {
      ok: true as const,
      user: { id: user.id, email: user.email, role },
      sessionToken,
      returnTo: link.return_to,
    };
  });
}

/** The account for an address, created as a reader when it does not exist yet. */
export async function ensureUser(
  db: Db,
  email: string,
  now = Date.now(),
): Promise<Account & { blocked: boolean }> {
  await db
    .insertInto("users")
    .values({ email, created_at: iso(now) })
    .onConflict((oc) => oc.column("email").doNothing())
    .execute();
  const row = await db
    .selectFrom("users")
    .select(["id", "email", "role", "blocked_at"])
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  return { id: row.id, email: row.email, role: toRole(row.role), blocked: row.blocked_at !== null };
}

async function openSession(
  db: Db,
  opts: { userId: number; userAgent: string; now: number },
): Promise<string> {
  const token = newToken();
  // an expired session can never be used again: its record (a device, two dates) goes at the next sign-in
  await db.deleteFrom("sessions").where("expires_at", "<=", iso(opts.now)).execute();
  await db
    .insertInto("sessions")
    .values({
      token_hash: hashToken(token),
      user_id: opts.userId,
      user_agent: opts.userAgent.slice(0, 200),
      created_at: iso(opts.now),
      last_seen_at: iso(opts.now),
      expires_at: iso(opts.now + SESSION_TTL_MS),
    })
    .execute();
  return token;
}

/** The signed-in user behind a session cookie, or undefined when it is unknown, expired or blocked. */
export async function findSessionUser(
  db: Db,
  token: string,
  now = Date.now(),
): Promise<SessionUser | undefined> {
  const [row] = await liveSession(db, hashToken(token), iso(now));
  if (!row) return undefined;
  if (Date.parse(row.last_seen_at) < now - TOUCH_EVERY_MS) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: iso(now) })
      .where("id", "=", row.session_id)
      .execute();
  }
  return { id: row.id, email: row.email, role: toRole(row.role), sessionId: row.session_id };
}

/** The live session with this token hash and its account (not blocked); read on every signed-in request. */
const liveSession = prepared(2, (db, tokenHash: string, now: string) =>
  db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["sessions.id as session_id", "sessions.last_seen_at", "users.id", "users.email", "users.role"])
    .where("sessions.token_hash", "=", tokenHash)
    .where("sessions.expires_at", ">", now)
    .where("users.blocked_at", "is", null),
);

/** An account's open sessions, most recently seen first. */
export async function listSessions(db: Db, userId: number, now = Date.now()): Promise<SessionInfo[]> {
  const rows = await db
    .selectFrom("sessions")
    .select(["id", "user_agent", "created_at", "last_seen_at"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", iso(now))
    .orderBy("last_seen_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userAgent: r.user_agent,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
  }));
}

/** Ends one session of an account. */
export async function endSession(db: Db, opts: { userId: number; sessionId: number }): Promise<void> {
  await db
    .deleteFrom("sessions")
    .where("id", "=", opts.sessionId)
    .where("user_id", "=", opts.userId)
    .execute();
}

/** Ends every session of an account: "sign out everywhere", and blocking. */
export async function endAllSessions(db: Db, userId: number): Promise<number> {
  const r = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Gives an account a role, creating the account when needed; run it inside the caller's transaction. */
export async function grantRole(trx: Db, email: string, role: Role): Promise<Account> {
  const user = await ensureUser(trx, email);
  await trx.updateTable("users").set({ role }).where("id", "=", user.id).execute();
  return { id: user.id, email: user.email, role };
}

function toRole(value: string): Role {
  return isRole(value) ? value : "reader";
}
