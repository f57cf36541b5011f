/**
 * Durable newsletter delivery: the run loop. Senders claim small batches of due rows from the
 * queue (queue.ts), send each message and record the server's answer right after it arrives,
 * so a process killed at any point leaves a queue the next run picks up: unsent rows are still
 * pending, and only the messages in flight at the kill are in doubt (they are sent again with
 * the same Message-ID). Why it is built this way: docs/decisions/006.
 */
import type { Db } from "../../../db/types.ts";
import type { Mailer } from "../../../mail/mailer.ts";
import {
  markIssueSent,
  NEWSLETTER_NAME,
  type Recipient,
  type RenderedIssue,
  unsubscribeUrl,
} from "../issues/index.ts";
import {
  type Claimed,
  claimBatch,
  type DeliveryProgress,
  deliveryProgress,
  enqueueIssue,
  isQueued,
  loadRecipients,
  markBounced,
  markFailed,
  markRetry,
  markSent,
  nextDue,
  reclaimInDoubt,
  release,
  renewLeases,
  type UnfinishedIssue,
  unfinishedIssues,
} from "./queue.ts";
import { classifySendError, type SendFailure } from "./smtp-errors.ts";

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

/** Time, injectable so tests can check backoff and leases without waiting for them. */
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

/** RunOptions with their defaults filled in. */
function settingsOf(opts: RunOptions) {
  return {
    ...opts,
    clock: opts.clock ?? systemClock,
    concurrency: Math.max(1, opts.concurrency ?? 8),
    batchSize: Math.max(1, opts.batchSize ?? 50),
    maxAttempts: Math.max(1, opts.maxAttempts ?? 5),
    backoff: opts.backoff ?? exponentialBackoff(),
    leaseMs: opts.leaseMs ?? 60_000,
    breakerThreshold: opts.breakerThreshold ?? 10,
    pollMs: opts.pollMs ?? 1000,
  };
}

type Settings = ReturnType<typeof settingsOf>;

/**
 * Sends an issue's queued deliveries until none is left pending or sending, then marks the
 * issue sent and calls onFinished. Memory holds one batch and the messages in flight, however
 * long the list. Several senders (processes or instances) may run it on one issue at once.
 * Throws DeliveryAbortedError, leaving the queue for a later run, when the mail server
 * cannot be used at all.
 */
export async function runDeliveries(ctx: DeliveryContext, opts: RunOptions): Promise<RunResult> {
  const settings = settingsOf(opts);
  const { issueId, clock } = settings;
  if (settings.reclaimNow) await reclaimInDoubt(ctx.db, issueId, clock.now());
  const sender = new Sender(ctx, settings, await deliveryProgress(ctx.db, issueId));
  const progress = await sender.run();
  const finished = !settings.signal?.aborted && progress.pending + progress.sending === 0;
  if (finished) {
    await markIssueSent(ctx.db, issueId, clock.now());
    ctx.onFinished?.();
  }
  return { finished, progress };
}

/** What became of one claimed row's message. */
type Outcome =
  | { kind: "sent" }
  /** Not sent: the subscriber left (or was removed) after the issue was queued. */
  | { kind: "skipped"; reason: string }
  /** Not sent: the template threw. */
  | { kind: "unrenderable"; reason: string }
  | SendFailure;

/** One sender's pass over one issue: the rows it holds, and what it has recorded so far. */
class Sender {
  /** Claimed rows waiting for a free slot. */
  private readonly buffer: Claimed[] = [];
  /** Sends under way, by subscriber id. */
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Claims go in subscriber order from here; after a full pass they start again at 0. */
  private cursor = 0;
  private connectionFailures = 0;
  /** Why the run must stop; set from inside the sends. */
  private fatal: Error | null = null;
  /** Terminal counts move only through this sender's own updates; a final count corrects them. */
  private readonly counts: { sent: number; failed: number; bounced: number };
  private readonly listId: string;

  constructor(
    private readonly ctx: DeliveryContext,
    private readonly settings: Settings,
    private readonly start: DeliveryProgress,
  ) {
    this.counts = { sent: start.sent, failed: start.failed, bounced: start.bounced };
    this.listId = `${NEWSLETTER_NAME} <newsletter.${new URL(ctx.siteUrl).hostname}>`;
  }

  /** Sends until no row is left pending or sending (or the run is stopped) and returns the issue's counts; throws what stopped it. */
  async run(): Promise<DeliveryProgress> {
    const { db } = this.ctx;
    const { issueId, clock, leaseMs } = this.settings;
    const heartbeat = setInterval(() => this.renewLeases(), Math.max(10, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    this.report();
    try {
      await this.loop();
    } finally {
      clearInterval(heartbeat);
      await release(
        db,
        issueId,
        this.buffer.splice(0).map((c) => c.subscriberId),
        clock.now(),
      );
    }
    const progress = await deliveryProgress(db, issueId);
    this.settings.onProgress?.(progress);
    if (this.fatal instanceof DeliveryAbortedError)
      throw new DeliveryAbortedError(this.fatal.message, progress);
    if (this.fatal) throw this.fatal;
    return progress;
  }

  /** Keeps `concurrency` sends going while rows are due; waits for retries and other senders' leases. */
  private async loop(): Promise<void> {
    const { issueId, clock, concurrency, pollMs, signal } = this.settings;
    while (!this.fatal && !signal?.aborted) {
      if (this.buffer.length === 0) await this.claim();
      if (this.buffer.length > 0) {
        while (this.buffer.length > 0 && this.inFlight.size < concurrency) this.launch(this.buffer.shift()!);
        if (this.inFlight.size >= concurrency) await Promise.race(this.inFlight.values());
        continue;
      }
      if (this.inFlight.size > 0) {
        await Promise.race(this.inFlight.values());
        continue;
      }
      const due = await nextDue(this.ctx.db, issueId);
      if (due === null) break;
      await clock.sleep(Math.min(Math.max(due - clock.now(), 5), pollMs));
    }
    await Promise.all(this.inFlight.values());
  }

  /** Claims the next batch into the buffer. */
  private async claim(): Promise<void> {
    const { db } = this.ctx;
    const { issueId, batchSize, clock, leaseMs } = this.settings;
    const next = (cursor: number) =>
      claimBatch(db, { issueId, cursor, limit: batchSize, now: clock.now(), leaseMs });
    let claimed = await next(this.cursor);
    if (claimed.length === 0 && this.cursor > 0) {
      // the first pass is done; go round again for retries and ended leases
      this.cursor = 0;
      claimed = await next(this.cursor);
    }
    if (claimed.length === 0) return;
    this.cursor = claimed[claimed.length - 1]!.subscriberId;
    this.buffer.push(...(await loadRecipients(db, claimed)));
  }

  private launch(row: Claimed): void {
    const p = this.send(row)
      .then((outcome) => this.record(row, outcome))
      .catch((err: Error) => {
        // the database failed: the row stays 'sending' and is retried once its lease ends
        this.fatal ??= err;
      })
      .finally(() => {
        this.inFlight.delete(row.subscriberId);
        this.report();
      });
    this.inFlight.set(row.subscriberId, p);
  }

  /** Sends one row's message; a refusal or a template error comes back as the outcome, not thrown. */
  private async send(row: Claimed): Promise<Outcome> {
    if (row.subscriberStatus !== "confirmed" || row.email === null) {
      // unsubscribed (or bounced on another issue) after the issue was queued: their wish wins
      return {
        kind: "skipped",
        reason: `not sent: the subscriber is ${row.subscriberStatus ?? "deleted"} now`,
      };
    }
    let message: RenderedIssue;
    try {
      message = this.ctx.render({
        subscriberId: row.subscriberId,
        email: row.email,
        unsubscribeToken: row.unsubscribeToken,
        followedCategories: row.followedCategories,
      });
    } catch (err) {
      return { kind: "unrenderable", reason: (err as Error).message };
    }
    const unsubscribe = unsubscribeUrl(this.ctx.siteUrl, row.unsubscribeToken);
    try {
      await this.ctx.transport.send({
        ...(this.ctx.from ? { from: this.ctx.from } : {}),
        to: row.email,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: row.messageId,
        headers: {
          "List-Unsubscribe": `<${unsubscribe}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
          "List-Id": this.listId,
        },
      });
    } catch (err) {
      return classifySendError(err);
    }
    return { kind: "sent" };
  }

  /** Writes what became of a row to the queue and counts it; some outcomes stop the run. */
  private async record(row: Claimed, outcome: Outcome): Promise<void> {
    const { db } = this.ctx;
    const { issueId, clock, maxAttempts, backoff, breakerThreshold } = this.settings;
    const id = row.subscriberId;
    const now = clock.now();
    switch (outcome.kind) {
      case "sent":
        // The server has the message: record it before anything else, because a crash between
        // its 250 and this update is the only way a subscriber can get the issue twice.
        await markSent(db, issueId, id, now);
        this.counts.sent++;
        this.connectionFailures = 0;
        return;
      case "skipped":
        await markFailed(db, issueId, id, outcome.reason, { countAttempt: false });
        this.counts.failed++;
        return;
      case "unrenderable":
        // a template bug fails every message the same way; stop rather than fail the whole list
        this.fatal ??= new DeliveryAbortedError(`rendering the issue failed: ${outcome.reason}`);
        await release(db, issueId, [id], now);
        return;
      case "bounce":
        await markBounced(db, issueId, id, outcome.reason, now);
        this.counts.bounced++;
        return;
      case "reject":
        await markFailed(db, issueId, id, outcome.reason, { countAttempt: true });
        this.counts.failed++;
        return;
      case "abort":
        this.fatal ??= new DeliveryAbortedError(`the mail server refused to take mail: ${outcome.reason}`);
        await release(db, issueId, [id], now);
        return;
      case "retry": {
        const attempts = row.attempts + 1;
        if (attempts >= maxAttempts) {
          await markFailed(db, issueId, id, outcome.reason, { countAttempt: true });
          this.counts.failed++;
        } else {
          await markRetry(db, issueId, id, outcome.reason, now + backoff(attempts));
        }
        if (outcome.connection && ++this.connectionFailures >= breakerThreshold) {
          this.fatal ??= new DeliveryAbortedError(
            `the mail server cannot be reached (${this.connectionFailures} connection failures in a row; last: ${outcome.reason})`,
          );
        }
        return;
      }
    }
  }

  /**
   * Renews the leases of every row this sender holds, so a slow server never lets another
   * sender take (and send again) a message that is still on its way.
   */
  private renewLeases(): void {
    const held = [...this.buffer.map((c) => c.subscriberId), ...this.inFlight.keys()];
    if (held.length === 0) return;
    const { issueId, clock, leaseMs } = this.settings;
    renewLeases(this.ctx.db, issueId, held, clock.now() + leaseMs).catch(() => {
      // a missed renewal only shortens the lease; the next tick tries again
    });
  }

  /** Tells onProgress where the issue stands, counting the rows this sender holds as sending. */
  private report(): void {
    const sending = this.buffer.length + this.inFlight.size;
    const done = this.counts.sent + this.counts.failed + this.counts.bounced;
    this.settings.onProgress?.({
      issueId: this.settings.issueId,
      total: this.start.total,
      pending: Math.max(0, this.start.total - done - sending),
      sending,
      ...this.counts,
    });
  }
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
    if (!(await isQueued(ctx.db, issue.id))) await enqueueIssue(ctx.db, issue.id, { siteUrl: ctx.siteUrl });
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
