/**
 * Durable newsletter delivery. Every (issue, subscriber) pair is a row in `deliveries`, written
 * in one statement before anything is sent. Senders claim small batches of due rows (status
 * 'sending' with a lease), send each message and record the server's answer right after it
 * arrives, so a process killed at any point leaves a queue the next run picks up: unsent rows
 * are still pending, and only the messages in flight at the kill are in doubt (they are sent
 * again with the same Message-ID). Why it is built this way: docs/decisions/006.
 */
import { type ExpressionBuilder, sql } from "kysely";
import { isPostgres } from "../../../db/locks.ts";
import type { Database } from "../../../db/schema.ts";
import { iso } from "../../../db/time.ts";
import type { Db } from "../../../db/types.ts";
import type { Mailer } from "../../../mail/mailer.ts";
import {
  followedCategories,
  markIssueSent,
  NEWSLETTER_NAME,
  type Recipient,
  type RenderedIssue,
  unsubscribeUrl,
} from "../issues/index.ts";

export type DeliveryStatus = "pending" | "sending" | "sent" | "failed" | "bounced";

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

/** Where the engine sends through (a Mailer does) and what it sends. */
export interface DeliveryContext {
  db: Db;
  transport: Pick<Mailer, "send">;
  /** The issue's message for one recipient. */
  render: (recipient: Recipient) => RenderedIssue;
  siteUrl: string;
  /** Sender address; the transport's own when unset. */
  from?: string;
  /** Called once the issue is completely delivered (the app passes deps.cache.invalidate). */
  onFinished?: () => void;
}

/** Time, injectable so tests can check backoff without waiting minutes. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RunOptions {
  issueId: number;
  /** Messages in flight at once (default 8). */
  concurrency?: number;
  /** Rows claimed per query (default 50): small, so a killed sender strands little. */
  batchSize?: number;
  /** Transient failures before a delivery is given up as 'failed' (default 5). */
  maxAttempts?: number;
  /** Delay before retry number `attempt` (1-based), in ms (default exponentialBackoff()). */
  backoff?: (attempt: number) => number;
  /** How long a claim holds a row before another sender may take it (default 60 s); renewed while held. */
  leaseMs?: number;
  /**
   * Take over rows another sender left 'sending' at once instead of waiting for their lease
   * to end. Only for an operator who knows no other sender is at work on this issue: a live
   * sender's rows would be sent twice.
   */
  reclaimNow?: boolean;
  /** Consecutive connection failures (no SMTP reply at all) that stop the run (default 10). */
  breakerThreshold?: number;
  /** How often to look again while waiting for retries or other senders (default 1 s). */
  pollMs?: number;
  onProgress?: (progress: DeliveryProgress) => void;
  /** Stops claiming; messages in flight finish, claimed but unsent rows go back to pending. */
  signal?: AbortSignal;
  clock?: Clock;
}

export interface RunResult {
  /** True when no row is left pending or sending and the issue was marked sent. */
  finished: boolean;
  progress: DeliveryProgress;
}

/** The run stopped because the mail server cannot be used; the queue is left for a later run. */
export class DeliveryAbortedError extends Error {
  constructor(
    message: string,
    readonly progress?: DeliveryProgress,
  ) {
    super(message);
    this.name = "DeliveryAbortedError";
  }
}

/** Exponential backoff with a cap: base, 2·base, 4·base, … never more than cap. */
export function exponentialBackoff(opts: { baseMs?: number; capMs?: number } = {}) {
  const base = opts.baseMs ?? 10_000;
  const cap = opts.capMs ?? 10 * 60_000;
  return (attempt: number): number => Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

/** What to do about a failed send. */
export type SendFailure =
  /** Try again later (4xx, dropped connection, timeout). `connection`: no SMTP reply at all. */
  | { kind: "retry"; reason: string; connection: boolean }
  /** The server refused the recipient for good (5xx at RCPT TO): mark the address bounced. */
  | { kind: "bounce"; reason: string }
  /** The server refused this message for good (5xx after DATA): give up on it, keep the address. */
  | { kind: "reject"; reason: string }
  /** Nothing can be sent (login or sender refused): stop the whole run. */
  | { kind: "abort"; reason: string };

interface SmtpErrorLike {
  message?: string;
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

/** Sorts a transport error (nodemailer's, with responseCode and command) into what to do next. */
export function classifySendError(err: unknown): SendFailure {
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as SmtpErrorLike;
  const reason = clip(e.response ?? e.message ?? String(err));
  const code = e.responseCode;
  const command = (e.command ?? "").toUpperCase();
  if (e.code === "EAUTH" || e.code === "ENOAUTH" || e.code === "ETLS" || e.code === "ECONFIG") {
    return { kind: "abort", reason };
  }
  if (typeof code === "number" && code >= 500 && code < 600 && code !== 503) {
    if (command.startsWith("RCPT")) return { kind: "bounce", reason };
    // a refused sender or login refuses every message alike: retrying each one is pointless
    if (command.startsWith("MAIL") || command.startsWith("AUTH") || command.startsWith("EHLO")) {
      return { kind: "abort", reason };
    }
    return { kind: "reject", reason };
  }
  if (typeof code === "number" && code >= 400) {
    return { kind: "retry", reason, connection: code === 421 };
  }
  return { kind: "retry", reason, connection: true };
}

const clip = (s: string) => (s.length > 500 ? `${s.slice(0, 497)}…` : s);

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
    switch (r.status as DeliveryStatus) {
      case "pending":
      case "sending":
      case "sent":
      case "failed":
      case "bounced":
        p[r.status as DeliveryStatus] += n;
    }
  }
  return out;
}

/** A row this sender holds. */
interface ClaimedRow {
  subscriberId: number;
  messageId: string;
  /** Failed attempts so far. */
  attempts: number;
}

const toClaimed = (rows: { subscriber_id: number; message_id: string; attempts: number }[]): ClaimedRow[] =>
  rows
    .map((r) => ({ subscriberId: r.subscriber_id, messageId: r.message_id, attempts: Number(r.attempts) }))
    .sort((a, b) => a.subscriberId - b.subscriberId);

/** A claimed row, joined with what the message needs. */
interface Claimed extends ClaimedRow {
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
async function claimBatch(
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
async function loadRecipients(db: Db, claimed: ClaimedRow[]): Promise<Claimed[]> {
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

/** Puts claimed rows this sender will not send back in the queue, due at once. */
async function release(db: Db, issueId: number, ids: number[], now: number): Promise<void> {
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
async function reclaimInDoubt(db: Db, issueId: number, now = Date.now()): Promise<number> {
  const result = await db
    .updateTable("deliveries")
    .set({ status: "pending", next_attempt_at: iso(now) })
    .where("issue_id", "=", issueId)
    .where("status", "=", "sending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** When the next row of the issue falls due (a retry or another sender's lease), or null when none is left. */
async function nextDue(db: Db, issueId: number): Promise<number | null> {
  const row = await db
    .selectFrom("deliveries")
    .select((eb) => eb.fn.min("next_attempt_at").as("due"))
    .where("issue_id", "=", issueId)
    .where("status", "in", ["pending", "sending"])
    .executeTakeFirst();
  return row?.due ? Date.parse(String(row.due)) : null;
}

/**
 * Sends an issue's queued deliveries until none is left pending or sending, then marks the
 * issue sent and calls onFinished. Memory holds one batch and the messages in flight, however
 * long the list. Several senders (processes or instances) may run it on one issue at once.
 * Throws DeliveryAbortedError, leaving the queue for a later run, when the mail server
 * cannot be used at all.
 */
export async function runDeliveries(ctx: DeliveryContext, opts: RunOptions): Promise<RunResult> {
  const { db } = ctx;
  const { issueId } = opts;
  const clock = opts.clock ?? systemClock;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const batchSize = Math.max(1, opts.batchSize ?? 50);
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const backoff = opts.backoff ?? exponentialBackoff();
  const leaseMs = opts.leaseMs ?? 60_000;
  const breakerThreshold = opts.breakerThreshold ?? 10;
  const pollMs = opts.pollMs ?? 1000;
  const listHost = new URL(ctx.siteUrl).hostname;

  if (opts.reclaimNow) await reclaimInDoubt(db, issueId, clock.now());
  const start = await deliveryProgress(db, issueId);
  // terminal counts move only through this sender's own updates; a final count corrects them
  const counts = { sent: start.sent, failed: start.failed, bounced: start.bounced };
  const buffer: Claimed[] = [];
  const inFlight = new Map<number, Promise<void>>();
  let cursor = 0;
  let connectionFailures = 0;
  let fatal: Error | null = null;

  const snapshot = (): DeliveryProgress => {
    const sending = buffer.length + inFlight.size;
    const done = counts.sent + counts.failed + counts.bounced;
    return {
      issueId,
      total: start.total,
      pending: Math.max(0, start.total - done - sending),
      sending,
      ...counts,
    };
  };
  const report = () => opts.onProgress?.(snapshot());

  // Renews the leases of every row this sender holds, so a slow server never lets another
  // sender take (and send again) a message that is still on its way.
  const heartbeat = setInterval(
    () => {
      const held = [...buffer.map((c) => c.subscriberId), ...inFlight.keys()];
      if (held.length === 0) return;
      db.updateTable("deliveries")
        .set({ next_attempt_at: iso(clock.now() + leaseMs) })
        .where("issue_id", "=", issueId)
        .where("status", "=", "sending")
        .where("subscriber_id", "in", held)
        .execute()
        .catch(() => {
          // a missed renewal only shortens the lease; the next tick tries again
        });
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref();

  /** Records the end of one claimed row; only touches it while it is still ours ('sending'). */
  const settle = async (
    row: Claimed,
    set: { status: DeliveryStatus; last_error?: string | null; sent_at?: string; next_attempt_at?: string },
    attempt = false,
  ) => {
    await db
      .updateTable("deliveries")
      .set((eb) => ({
        ...set,
        ...(attempt ? { attempts: eb("attempts", "+", 1) } : {}),
      }))
      .where("issue_id", "=", issueId)
      .where("subscriber_id", "=", row.subscriberId)
      .where("status", "=", "sending")
      .execute();
  };

  const deliver = async (row: Claimed): Promise<void> => {
    if (row.subscriberStatus !== "confirmed" || row.email === null) {
      // unsubscribed (or bounced on another issue) after the issue was queued: their wish wins
      await settle(row, {
        status: "failed",
        last_error: `not sent: the subscriber is ${row.subscriberStatus ?? "deleted"} now`,
      });
      counts.failed++;
      return;
    }
    let message: RenderedIssue;
    try {
      message = ctx.render({
        subscriberId: row.subscriberId,
        email: row.email,
        unsubscribeToken: row.unsubscribeToken,
        followedCategories: row.followedCategories,
      });
    } catch (err) {
      // a template bug fails every message the same way; stop rather than fail the whole list
      fatal ??= new DeliveryAbortedError(`rendering the issue failed: ${(err as Error).message}`);
      await release(db, issueId, [row.subscriberId], clock.now());
      return;
    }
    const unsubscribe = unsubscribeUrl(ctx.siteUrl, row.unsubscribeToken);
    try {
      await ctx.transport.send({
        ...(ctx.from ? { from: ctx.from } : {}),
        to: row.email,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: row.messageId,
        headers: {
          "List-Unsubscribe": `<${unsubscribe}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
          "List-Id": `${NEWSLETTER_NAME} <newsletter.${listHost}>`,
        },
      });
    } catch (err) {
      await failed(row, classifySendError(err));
      return;
    }
    // The server has the message: record it before anything else, because a crash between
    // its 250 and this update is the only way a subscriber can get the issue twice.
    const now = clock.now();
    await settle(row, { status: "sent", sent_at: iso(now), last_error: null });
    counts.sent++;
    connectionFailures = 0;
  };

  const failed = async (row: Claimed, failure: SendFailure): Promise<void> => {
    const now = clock.now();
    switch (failure.kind) {
      case "bounce": {
        await db.transaction().execute(async (tx) => {
          await tx
            .updateTable("deliveries")
            .set({ status: "bounced", last_error: failure.reason })
            .where("issue_id", "=", issueId)
            .where("subscriber_id", "=", row.subscriberId)
            .where("status", "=", "sending")
            .execute();
          await tx
            .updateTable("subscribers")
            .set({ status: "bounced", bounced_at: iso(now), bounce_reason: failure.reason })
            .where("id", "=", row.subscriberId)
            .where("status", "=", "confirmed")
            .execute();
        });
        counts.bounced++;
        return;
      }
      case "reject":
        await settle(row, { status: "failed", last_error: failure.reason }, true);
        counts.failed++;
        return;
      case "abort":
        fatal ??= new DeliveryAbortedError(`the mail server refused to take mail: ${failure.reason}`);
        await release(db, issueId, [row.subscriberId], now);
        return;
      case "retry": {
        const attempts = row.attempts + 1;
        if (attempts >= maxAttempts) {
          await settle(row, { status: "failed", last_error: failure.reason }, true);
          counts.failed++;
        } else {
          await settle(
            row,
            { status: "pending", last_error: failure.reason, next_attempt_at: iso(now + backoff(attempts)) },
            true,
          );
        }
        if (failure.connection && ++connectionFailures >= breakerThreshold) {
          fatal ??= new DeliveryAbortedError(
            `the mail server cannot be reached (${connectionFailures} connection failures in a row; last: ${failure.reason})`,
          );
        }
        return;
      }
    }
  };

  const launch = (row: Claimed) => {
    const p = deliver(row)
      .catch((err: Error) => {
        // the database failed: the row stays 'sending' and is retried once its lease ends
        fatal ??= err;
      })
      .finally(() => {
        inFlight.delete(row.subscriberId);
        report();
      });
    inFlight.set(row.subscriberId, p);
  };

  report();
  try {
    while (!fatal && !opts.signal?.aborted) {
      if (buffer.length === 0) {
        let claimed = await claimBatch(db, { issueId, cursor, limit: batchSize, now: clock.now(), leaseMs });
        if (claimed.length === 0 && cursor > 0) {
          // the first pass is done; go round again for retries and ended leases
          cursor = 0;
          claimed = await claimBatch(db, { issueId, cursor, limit: batchSize, now: clock.now(), leaseMs });
        }
        if (claimed.length > 0) {
          cursor = claimed[claimed.length - 1]!.subscriberId;
          buffer.push(...(await loadRecipients(db, claimed)));
        }
      }
      if (buffer.length > 0) {
        while (buffer.length > 0 && inFlight.size < concurrency) launch(buffer.shift()!);
        if (inFlight.size >= concurrency) await Promise.race(inFlight.values());
        continue;
      }
      if (inFlight.size > 0) {
        await Promise.race(inFlight.values());
        continue;
      }
      const due = await nextDue(db, issueId);
      if (due === null) break;
      await clock.sleep(Math.min(Math.max(due - clock.now(), 5), pollMs));
    }
    await Promise.all(inFlight.values());
  } finally {
    clearInterval(heartbeat);
    await release(
      db,
      issueId,
      buffer.splice(0).map((c) => c.subscriberId),
      clock.now(),
    );
  }
  const progress = await deliveryProgress(db, issueId);
  opts.onProgress?.(progress);
  // set inside the senders' callbacks, which the compiler cannot follow
  const stopped = fatal as Error | null;
  if (stopped) {
    if (stopped instanceof DeliveryAbortedError) throw new DeliveryAbortedError(stopped.message, progress);
    throw stopped;
  }
  const finished = !opts.signal?.aborted && progress.pending + progress.sending === 0;
  if (finished) {
    await markIssueSent(db, issueId, clock.now());
    ctx.onFinished?.();
  }
  return { finished, progress };
}

/** An issue still being sent. */
export interface UnfinishedIssue {
  id: number;
  number: number;
}

/** Issues whose send has not finished (killed, or still running elsewhere), oldest first. */
async function unfinishedIssues(db: Db): Promise<UnfinishedIssue[]> {
  return db
    .selectFrom("newsletter_issues")
    .select(["id", "number"])
    .where("status", "=", "sending")
    .orderBy("number")
    .execute();
}

/**
 * Finishes every issue left 'sending': queues it if the process died before it was queued
 * (the queue is written in one statement, so an issue has all its rows or none), then runs
 * its deliveries. The server calls it at boot; `newsletter:send` calls it first.
 */
export async function resumeUnfinished(
  ctx: Omit<DeliveryContext, "render"> & {
    /** The render function of one issue. */
    renderer: (issue: UnfinishedIssue) => Promise<DeliveryContext["render"]>;
  },
  opts: Omit<RunOptions, "issueId" | "onProgress"> & {
    onIssue?: (issue: UnfinishedIssue, progress: DeliveryProgress) => void;
    onProgress?: (issue: UnfinishedIssue, progress: DeliveryProgress) => void;
  } = {},
): Promise<{ issue: UnfinishedIssue; result: RunResult }[]> {
  const results: { issue: UnfinishedIssue; result: RunResult }[] = [];
  for (const issue of await unfinishedIssues(ctx.db)) {
    const queued = await ctx.db
      .selectFrom("deliveries")
      .select("subscriber_id")
      .where("issue_id", "=", issue.id)
      .limit(1)
      .executeTakeFirst();
    if (!queued) await enqueueIssue(ctx.db, issue.id, { siteUrl: ctx.siteUrl });
    opts.onIssue?.(issue, await deliveryProgress(ctx.db, issue.id));
    const render = await ctx.renderer(issue);
    const { onProgress, onIssue: _, ...run } = opts;
    const result = await runDeliveries(
      { ...ctx, render },
      { ...run, issueId: issue.id, onProgress: onProgress && ((p) => onProgress(issue, p)) },
    );
    results.push({ issue, result });
  }
  return results;
}
