/**
 * Newsletter subscriptions: double opt-in, unsubscribing and followed categories.
 * Subscribing never reveals an address's state to the requester; it only decides which
 * message the inbox's owner gets.
 */

import { iso } from "../../../db/time.ts";
import type { Db } from "../../../db/types.ts";
import type { SubscriberStatus } from "../../../domain/newsletter-status.ts";
import { hashToken, newToken } from "../../../http/tokens.ts";
import { followedCategories } from "../issues/index.ts";

/** Unconfirmed subscriptions expire after this long. */
export const CONFIRM_TTL_MS = 7 * 24 * 3600_000;

/** More categories than the catalog could ever hold is a tampered form, not a choice. */
const MAX_CATEGORIES = 50;

export type { SubscriberStatus } from "../../../domain/newsletter-status.ts";

/** What `subscribe` decided: which message to send, or why the request was refused. */
export type SubscribeResult =
  | { ok: true; send: "confirmation"; email: string; token: string }
  | { ok: true; send: "already-subscribed"; email: string; unsubscribeToken: string }
  | { ok: false; problem: "unknown-categories"; unknown: string[] };

/** Why a confirmation link does not work. */
export type ConfirmProblem = "unknown" | "expired" | "confirmed" | "used";

/** A subscriber as their preferences page shows them. */
export interface Preferences {
  email: string;
  status: SubscriberStatus;
  /** Followed category slugs, in name order. */
  categorySlugs: string[];
}

function toStatus(value: string): SubscriberStatus {
  return value === "confirmed" || value === "unsubscribed" || value === "bounced" ? value : "pending";
}

/**
 * Records a request to subscribe an address and says what to mail it: a fresh confirmation
 * link unless the address is already confirmed, in which case a notice (so its owner learns
 * someone asked) and nothing changes. Categories, when given, replace the followed ones of an
 * unconfirmed row; a confirmed subscriber's choices are only changed from their own link.
 */
export async function subscribe(
  db: Db,
  opts: { email: string; categorySlugs?: readonly string[]; userId?: number | null; now?: number },
): Promise<SubscribeResult> {
  const now = opts.now ?? Date.now();
  return db.transaction().execute(async (trx) => {
    await purgeExpired(trx, now);
    let categoryIds: number[] | undefined;
    if (opts.categorySlugs !== undefined) {
      const resolved = await resolveCategories(trx, opts.categorySlugs);
      if (!resolved.ok)
        return { ok: false as const, problem: "unknown-categories" as const, unknown: resolved.unknown };
      categoryIds = resolved.ids;
    }
    const token = newToken();
    const pending = {
      status: "pending" as const,
      confirm_token_hash: hashToken(token),
      confirm_expires_at: iso(now + CONFIRM_TTL_MS),
    };
    const inserted = await trx
      .insertInto("subscribers")
      .values({
        ...pending,
        email: opts.email,
        unsubscribe_token: newToken(),
        user_id: opts.userId ?? null,
        created_at: iso(now),
      })
      .onConflict((oc) => oc.column("email").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (inserted) {
      if (categoryIds) await replaceCategories(trx, inserted.id, categoryIds);
      return { ok: true as const, send: "confirmation" as const, email: opts.email, token };
    }
    // the address is known: renew its link unless it is confirmed, checked in the same UPDATE
    // so a confirmation landing in between is never turned back into "pending"
    const renewed = await trx
      .updateTable("subscribers")
      .set((eb) => ({
        ...pending,
        user_id: eb.fn.coalesce("user_id", eb.val(opts.userId ?? null)),
      }))
      .where("email", "=", opts.email)
      .where("status", "!=", "confirmed")
      .returning("id")
      .executeTakeFirst();
    if (renewed) {
      if (categoryIds) await replaceCategories(trx, renewed.id, categoryIds);
      return { ok: true as const, send: "confirmation" as const, email: opts.email, token };
    }
    const row = await trx
      .selectFrom("subscribers")
      .select("unsubscribe_token")
      .where("email", "=", opts.email)
      .executeTakeFirstOrThrow();
    return {
      ok: true as const,
      send: "already-subscribed" as const,
      email: opts.email,
      unsubscribeToken: row.unsubscribe_token,
    };
  });
}

/**
 * Ends subscriptions left unconfirmed for 7 days. An address that never confirmed is deleted
 * (its owner never agreed to be stored); a former subscriber who asked again and let the link
 * lapse goes back to what they were, bounced or unsubscribed, keeping their history.
 */
async function purgeExpired(db: Db, now = Date.now()): Promise<number> {
  const lapsed = () =>
    db
      .updateTable("subscribers")
      .set({ confirm_token_hash: null, confirm_expires_at: null })
      .where("status", "=", "pending")
      .where("confirm_expires_at", "<=", iso(now))
      .where("confirmed_at", "is not", null);
  await lapsed()
    .set({ status: "bounced" })
    .where("bounced_at", "is not", null)
    .where((eb) =>
      eb.or([eb("unsubscribed_at", "is", null), eb("bounced_at", ">", eb.ref("unsubscribed_at"))]),
    )
    .execute();
  await lapsed().set({ status: "unsubscribed" }).execute();
  const deleted = await db
    .deleteFrom("subscribers")
    .where("status", "=", "pending")
    .where("confirm_expires_at", "<=", iso(now))
    .where("confirmed_at", "is", null)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/** Whether a confirmation link can still be used, without using it (the confirm page shows this). */
export async function inspectConfirmation(
  db: Db,
  token: string,
  now = Date.now(),
): Promise<{ ok: true; email: string } | { ok: false; problem: ConfirmProblem }> {
  const row = await db
    .selectFrom("subscribers")
    .select(["email", "status", "confirm_expires_at"])
    .where("confirm_token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (!row) return { ok: false, problem: "unknown" };
  if (row.status === "confirmed") return { ok: false, problem: "confirmed" };
  if (row.status !== "pending") return { ok: false, problem: "used" };
  if (!row.confirm_expires_at || row.confirm_expires_at <= iso(now)) return { ok: false, problem: "expired" };
  return { ok: true, email: row.email };
}

/**
 * Confirms a subscription. Checking and confirming are one guarded UPDATE, so two clicks
 * racing cannot both succeed; a link used before gets a harmless "already confirmed".
 */
export async function confirmSubscription(
  db: Db,
  opts: { token: string; now?: number },
): Promise<{ ok: true; email: string; unsubscribeToken: string } | { ok: false; problem: ConfirmProblem }> {
  const now = opts.now ?? Date.now();
  const row = await db
    .updateTable("subscribers")
    .set({ status: "confirmed", confirmed_at: iso(now) })
    .where("confirm_token_hash", "=", hashToken(opts.token))
    .where("status", "=", "pending")
    .where("confirm_expires_at", ">", iso(now))
    .returning(["email", "unsubscribe_token"])
    .executeTakeFirst();
  if (row) return { ok: true, email: row.email, unsubscribeToken: row.unsubscribe_token };
  const seen = await inspectConfirmation(db, opts.token, now);
  return { ok: false, problem: seen.ok ? "confirmed" : seen.problem };
}

/**
 * Unsubscribes the holder of a token. Repeating it is fine: an address that is already out
 * stays out and gets the same answer; only a token we never issued is a problem.
 */
export async function unsubscribe(
  db: Db,
  opts: { token: string; now?: number },
): Promise<{ ok: true; email: string; changed: boolean } | { ok: false; problem: "unknown" }> {
  const now = opts.now ?? Date.now();
  const row = await db
    .updateTable("subscribers")
    .set({ status: "unsubscribed", unsubscribed_at: iso(now) })
    .where("unsubscribe_token", "=", opts.token)
    .where("status", "in", ["confirmed", "pending"])
    .returning("email")
    .executeTakeFirst();
  if (row) return { ok: true, email: row.email, changed: true };
  const known = await db
    .selectFrom("subscribers")
    .select("email")
    .where("unsubscribe_token", "=", opts.token)
    .executeTakeFirst();
  return known ? { ok: true, email: known.email, changed: false } : { ok: false, problem: "unknown" };
}

/** A subscriber's state and followed categories, found by their unsubscribe token. */
export async function getPreferences(
  db: Db,
  opts: { token: string },
): Promise<{ ok: true; preferences: Preferences } | { ok: false; problem: "unknown" }> {
  const row = await db
    .selectFrom("subscribers")
    .select(["id", "email", "status"])
    .where("unsubscribe_token", "=", opts.token)
    .executeTakeFirst();
  if (!row) return { ok: false, problem: "unknown" };
  const follows = await followedCategories(db, [row.id]);
  return {
    ok: true,
    preferences: {
      email: row.email,
      status: toStatus(row.status),
      categorySlugs: follows.get(row.id) ?? [],
    },
  };
}

/** Replaces the categories a subscriber follows; unknown slugs refuse the whole change. */
export async function setPreferences(
  db: Db,
  opts: { token: string; categorySlugs: readonly string[] },
): Promise<
  | { ok: true }
  | { ok: false; problem: "unknown" }
  | { ok: false; problem: "unknown-categories"; unknown: string[] }
> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("subscribers")
      .select("id")
      .where("unsubscribe_token", "=", opts.token)
      .executeTakeFirst();
    if (!row) return { ok: false as const, problem: "unknown" as const };
    const resolved = await resolveCategories(trx, opts.categorySlugs);
    if (!resolved.ok)
      return { ok: false as const, problem: "unknown-categories" as const, unknown: resolved.unknown };
    await replaceCategories(trx, row.id, resolved.ids);
    return { ok: true as const };
  });
}

async function resolveCategories(
  db: Db,
  slugs: readonly string[],
): Promise<{ ok: true; ids: number[] } | { ok: false; unknown: string[] }> {
  const wanted = [...new Set(slugs)];
  if (wanted.length === 0) return { ok: true, ids: [] };
  if (wanted.length > MAX_CATEGORIES) return { ok: false, unknown: wanted.slice(MAX_CATEGORIES) };
  const rows = await db.selectFrom("categories").select(["id", "slug"]).where("slug", "in", wanted).execute();
  const known = new Set(rows.map((r) => r.slug));
  const unknown = wanted.filter((s) => !known.has(s));
  return unknown.length > 0 ? { ok: false, unknown } : { ok: true, ids: rows.map((r) => r.id) };
}

async function replaceCategories(db: Db, subscriberId: number, categoryIds: number[]): Promise<void> {
  await db.deleteFrom("subscriber_categories").where("subscriber_id", "=", subscriberId).execute();
  if (categoryIds.length === 0) return;
  await db
    .insertInto("subscriber_categories")
    .values(categoryIds.map((category_id) => ({ subscriber_id: subscriberId, category_id })))
    .execute();
}
