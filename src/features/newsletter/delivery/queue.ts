/**
 * The delivery queue's SQL. Every (issue, subscriber) pair is a row in `deliveries`, written in
 * one statement before anything is sent; a sender claims due rows (status 'sending' with a
 * lease), and every update of a claimed row re-checks that it is still 'sending', so a row
 * another sender took over is never overwritten. Plain functions over the database; the run
 * loop (run.ts) decides when to call them. Why it is built this way: docs/decisions/006.
 */
import { type ExpressionBuilder, sql } from "kysely";
import { isPostgres } from "../../../db/locks.ts";
import type { Database } from "../../../db/schema.ts";
import { iso } from "../../../db/time.ts";
import type { Db } from "../../../db/types.ts";
import type { DeliveryStatus } from "../../../domain/newsletter-status.ts";
import { followedCategories } from "../issues/index.ts";

/** How far an issue's send has come: rows per status. */
export interface DeliveryProgress {
  issueId: number;
  total: number;
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  bounced: number;
}

/** The Message-ID every attempt of one delivery carries, so receivers can drop a resent copy. */
export function deliveryMessageId(issueNumber: number, subscriberId: number, siteUrl: string): string {
  return `<issue-${issueNumber}.sub-${subscriberId}@${new URL(siteUrl).hostname}>`;
}

/**
 * Writes one pending delivery for every confirmed subscriber, in one statement: the recipient
 * list is fixed the moment the issue is queued. Running it again adds nobody already queued.
 * Returns how many rows it added.
 */
export async function enqueueIssue(
  db: Db,
  issueId: number,
  opts: { siteUrl: string; now?: number },
): Promise<number> {
  const issue = await db
    .selectFrom("newsletter_issues")
    .select("number")
    .where("id", "=", issueId)
    .executeTakeFirst();
  if (!issue) throw new Error(`newsletter issue ${issueId} does not exist`);
  // the same text deliveryMessageId() makes, built in SQL so no subscriber passes through memory
  const [prefix, suffix] = deliveryMessageId(issue.number, 0, opts.siteUrl).split("0@");
  const now = iso(opts.now ?? Date.now());
  const result = await db
    .insertInto("deliveries")
    .columns(["issue_id", "subscriber_id", "status", "attempts", "next_attempt_at", "message_id"])
    .expression((eb) =>
      eb
        .selectFrom("subscribers")
        .select([
          sql<number>`cast(${issueId} as integer)`.as("issue_id"),
          "subscribers.id as subscriber_id",
          sql<string>`cast(${"pending"} as text)`.as("status"),
          sql<number>`0`.as("attempts"),
          sql<string>`cast(${now} as text)`.as("next_attempt_at"),
          sql<string>`cast(${prefix} as text) || cast(subscribers.id as text) || cast(${`@${suffix}`} as text)`.as(
            "message_id",
          ),
        ])
        .where("subscribers.status", "=", "confirmed"),
    )
    .onConflict((oc) => oc.columns(["issue_id", "subscriber_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Whether an issue has any delivery queued (a crash may come between creating and queuing it). */
export async function isQueued(db: Db, issueId: number): Promise<boolean> {
  const row = await db
    .selectFrom("deliveries")
    .select("subscriber_id")
    .where("issue_id", "=", issueId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Rows per status for one issue (the admin page and the CLI show it). */
export async function deliveryProgress(db: Db, issueId: number): Promise<DeliveryProgress> {
  return (await deliveryProgressOf(db, [issueId])).get(issueId)!;
}

/** Rows per status for several issues in one query (the admin's list of issues). */
export async function deliveryProgressOf(
  db: Db,
  issueIds: readonly number[],
): Promise<Map<number, DeliveryProgress>> {
  const out = new Map<number, DeliveryProgress>(
    issueIds.map((issueId) => [
      issueId,
      { issueId, total: 0, pending: 0, sending: 0, sent: 0, failed: 0, bounced: 0 },
    ]),
  );
  if (issueIds.length === 0) return out;
  const rows = await db
    .selectFrom("deliveries")
    .select(["issue_id", "status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("issue_id", "in", issueIds)
    .groupBy(["issue_id", "status"])
    .execute();
  for (const r of rows) {
    const p = out.get(r.issue_id)!;
    const n = Number(r.n);
    p.total += n;
    switch (r.status) {
      case "pending":
      case "sending":
      case "sent":
      case "failed":
      case "bounced":
        p[r.status] += n;
    }
  }
  return out;
}

/** A row a sender holds. */
export interface ClaimedRow {
  subscriberId: number;
  messageId: string;
  /** Failed attempts so far. */
  attempts: number;
}

const toClaimed = (rows: { subscriber_id: number; message_id: string; attempts: number }[]): ClaimedRow[] =>
  rows
    .map((r) => ({ subscriberId: r.subscriber_id, messageId: r.message_id, attempts: Number(r.attempts) }))
    .sort((a, b) => a.subscriberId - b.subscriberId);

/** Deliveries per status over every issue, for the metrics scrape. */
export async function deliveryCountsByState(db: Db): Promise<Record<DeliveryStatus, number>> {
  const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, bounced: 0 };
  const rows = await db
    .selectFrom("deliveries")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  for (const r of rows) if (r.status in counts) counts[r.status] += Number(r.n);
  return counts;
}

/** A claimed row, joined with what the message needs. */
export interface Claimed extends ClaimedRow {
  email: string | null;
  subscriberStatus: string | null;
  unsubscribeToken: string;
  followedCategories: string[];
}

/**
 * Claims up to `limit` due rows (pending, or 'sending' with an ended lease) after `cursor`, in
 * subscriber order. The UPDATE re-checks what the SELECT saw, so when two senders read the same
 * ids only one gets each row; on PostgreSQL, SKIP LOCKED keeps them from even waiting on each other.
 */
export async function claimBatch(
  db: Db,
  o: { issueId: number; cursor: number; limit: number; now: number; leaseMs: number },
): Promise<ClaimedRow[]> {
  const now = iso(o.now);
  const leaseEnd = iso(o.now + o.leaseMs);
  const due = (eb: ExpressionBuilder<Database, "deliveries">) =>
    eb.and([
      eb("status", "in", ["pending", "sending"]),
      eb("next_attempt_at", "<=", now),
      eb("subscriber_id", ">", o.cursor),
    ]);
  if (isPostgres(db)) {
    const rows = await db
      .updateTable("deliveries")
      .set({ status: "sending", next_attempt_at: leaseEnd })
      .where("issue_id", "=", o.issueId)
      .where(due)
      .where("subscriber_id", "in", (eb) =>
        eb
          .selectFrom("deliveries")
          .select("subscriber_id")
          .where("issue_id", "=", o.issueId)
          .where(due)
          .orderBy("subscriber_id")
          .limit(o.limit)
          .forUpdate()
          .skipLocked(),
      )
      .returning(["subscriber_id", "message_id", "attempts"])
      .execute();
    return toClaimed(rows);
  }
  const ids = await db
    .selectFrom("deliveries")
    .select("subscriber_id")
    .where("issue_id", "=", o.issueId)
    .where(due)
    .orderBy("subscriber_id")
    .limit(o.limit)
    .execute();
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable("deliveries")
    .set({ status: "sending", next_attempt_at: leaseEnd })
    .where("issue_id", "=", o.issueId)
    .where(
      "subscriber_id",
      "in",
      ids.map((r) => r.subscriber_id),
    )
    .where(due)
    .returning(["subscriber_id", "message_id", "attempts"])
    .execute();
  return toClaimed(rows);
}

/** Joins claimed rows with their subscriber and followed category slugs: two queries per batch. */
export async function loadRecipients(db: Db, claimed: ClaimedRow[]): Promise<Claimed[]> {
  const ids = claimed.map((c) => c.subscriberId);
  const [subscribers, slugs] = await Promise.all([
    db
      .selectFrom("subscribers")
      .select(["id", "email", "status", "unsubscribe_token"])
      .where("id", "in", ids)
      .execute(),
    followedCategories(db, ids),
  ]);
  const byId = new Map(subscribers.map((s) => [s.id, s]));
  return claimed.map((c) => {
    const s = byId.get(c.subscriberId);
    return {
      ...c,
      email: s?.email ?? null,
      subscriberStatus: s?.status ?? null,
      unsubscribeToken: s?.unsubscribe_token ?? "",
      followedCategories: slugs.get(c.subscriberId) ?? [],
    };
  });
}

/** Moves the lease of rows a sender still holds ('sending') to `until`. */
export async function renewLeases(db: Db, issueId: number, ids: number[], until: number): Promise<void> {
  await db
    .updateTable("deliveries")
    .set({ next_attempt_at: iso(until) })
    .where("issue_id", "=", issueId)
    .where("status", "=", "sending")
    .where("subscriber_id", "in", ids)
    .execute();
}

/** Records the end of one claimed row; only touches it while it is still held ('sending'). */
async function settle(
  db: Db,
  issueId: number,
  subscriberId: number,
  set: { status: DeliveryStatus; last_error?: string | null; sent_at?: string; next_attempt_at?: string },
  countAttempt: boolean,
): Promise<void> {
  await db
    .updateTable("deliveries")
    .set((eb) => ({
      ...set,
      ...(countAttempt ? { attempts: eb("attempts", "+", 1) } : {}),
    }))
    .where("issue_id", "=", issueId)
    .where("subscriber_id", "=", subscriberId)
    .where("status", "=", "sending")
    .execute();
}

/** The server accepted the message. */
export async function markSent(db: Db, issueId: number, subscriberId: number, at: number): Promise<void> {
  await settle(db, issueId, subscriberId, { status: "sent", sent_at: iso(at), last_error: null }, false);
}

/** The delivery is given up; `countAttempt` when a send was tried (not when it was skipped). */
export async function markFailed(
  db: Db,
  issueId: number,
  subscriberId: number,
  reason: string,
  opts: { countAttempt: boolean },
): Promise<void> {
  await settle(db, issueId, subscriberId, { status: "failed", last_error: reason }, opts.countAttempt);
}

/** A transient failure: back to pending, due again at `dueAt`, one more attempt counted. */
export async function markRetry(
  db: Db,
  issueId: number,
  subscriberId: number,
  reason: string,
  dueAt: number,
): Promise<void> {
  await settle(
    db,
    issueId,
    subscriberId,
    { status: "pending", last_error: reason, next_attempt_at: iso(dueAt) },
    true,
  );
}

/** The server refused the address for good: the delivery and the subscriber are bounced, together. */
export async function markBounced(
  db: Db,
  issueId: number,
  subscriberId: number,
  reason: string,
  at: number,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable("deliveries")
      .set({ status: "bounced", last_error: reason })
      .where("issue_id", "=", issueId)
      .where("subscriber_id", "=", subscriberId)
      .where("status", "=", "sending")
      .execute();
    await tx
      .updateTable("subscribers")
      .set({ status: "bounced", bounced_at: iso(at), bounce_reason: reason })
      .where("id", "=", subscriberId)
      .where("status", "=", "confirmed")
      .execute();
  });
}

/** Puts claimed rows a sender will not send back in the queue, due at once. */
export async function release(db: Db, issueId: number, ids: number[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("deliveries")
    .set({ status: "pending", next_attempt_at: iso(now) })
    .where("issue_id", "=", issueId)
    .where("status", "=", "sending")
    .where("subscriber_id", "in", ids)
    .execute();
}

/**
 * Makes every row left 'sending' by an earlier sender due at once. Safe only when no other
 * sender is at work on the issue (see RunOptions.reclaimNow). Returns how many rows it freed.
 */
export async function reclaimInDoubt(db: Db, issueId: number, now = Date.now()): Promise<number> {
  const result = await db
    .updateTable("deliveries")
    .set({ status: "pending", next_attempt_at: iso(now) })
    .where("issue_id", "=", issueId)
    .where("status", "=", "sending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** When the next row of the issue falls due (a retry or another sender's lease), or null when none is left. */
export async function nextDue(db: Db, issueId: number): Promise<number | null> {
  const row = await db
    .selectFrom("deliveries")
    .select((eb) => eb.fn.min("next_attempt_at").as("due"))
    .where("issue_id", "=", issueId)
    .where("status", "in", ["pending", "sending"])
    .executeTakeFirst();
  return row?.due ? Date.parse(String(row.due)) : null;
}

/** An issue still being sent. */
export interface UnfinishedIssue {
  id: number;
  number: number;
}

/** Issues whose send has not finished (killed, or still running elsewhere), oldest first. */
export async function unfinishedIssues(db: Db): Promise<UnfinishedIssue[]> {
  return db
    .selectFrom("newsletter_issues")
    .select(["id", "number"])
    .where("status", "=", "sending")
    .orderBy("number")
    .execute();
}
