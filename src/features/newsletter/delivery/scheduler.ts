/**
 * The weekly send from the running server (NEWSLETTER_SCHEDULE). It sleeps until the next
 * slot in timers of at most an hour, checking the clock at every wake-up, so a long sleep, a
 * suspended machine or a clock that moved never makes it fire early or wait a week late.
 *
 * At a slot it creates the issue with `scheduled_for` = the slot. That column is unique, so
 * when several instances wake up together exactly one creates (and sends) the issue; the
 * others get `created: false` and send nothing.
 *
 * Missed slots (the server was down, or asleep, at the time): only the most recent one is
 * sent, and only while it is less than a day old and nobody has created an issue since it
 * (say, an admin sent one by hand). An issue that arrives days late reads as stale, and
 * sending several back to back would flood inboxes; the next slot covers the whole period
 * anyway, because every issue starts where the previous one ended.
 */
import type { Db } from "../../../db/types.ts";
import {
  currentSlot,
  describeSchedule,
  nextRun,
  parseSchedule,
  type Schedule,
} from "../../../domain/schedule.ts";
import type { Mailer } from "../../../mail/mailer.ts";
import { type NewsletterSendDeps, resumeSends, sendNewIssue } from "./send.ts";

/** The longest single timer: a sleep is cut into pieces no longer than this. */
export const MAX_TIMER_MS = 60 * 60_000;
/** A missed slot is still sent while it is younger than this. */
const MISSED_SLOT_GRACE_MS = 24 * 60 * 60_000;
/** After a failed send, how long until the scheduler tries again. */
const RETRY_MS = 10 * 60_000;

/** A pending timer. */
export interface TimerHandle {
  clear(): void;
}

/** Starts a one-shot timer; injectable so tests move time by hand. */
export type SetTimer = (fn: () => void, ms: number) => TimerHandle;

/** Real timers, unref'ed: a waiting scheduler must never keep the process alive. */
const realTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return { clear: () => clearTimeout(t) };
};

export interface SchedulerOptions {
  db: Db;
  config: NewsletterSendDeps["config"];
  /** The page cache: invalidated when an issue is fully delivered (the archive changes). */
  cache?: { invalidate(): void };
  /** Where messages go; by default send.ts's pooled mailer from the config. */
  transport?: Pick<Mailer, "send">;
  schedule: Schedule;
  now?: () => Date;
  setTimer?: SetTimer;
  /** Aborted at shutdown: a send in progress stops claiming and leaves the rest for the next start. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface Scheduler {
  /** Cancels the timer; a send in progress goes on until `signal` is aborted. */
  stop(): void;
  /** When the scheduler will next wake up to send, or null once stopped. */
  nextAt(): Date | null;
  /** Resolves when the check under way (if any) has finished: for tests and orderly shutdown. */
  idle(): Promise<void>;
}

/** Starts the weekly send: checks the slot now due (see the missed-slot rule above), then sleeps until the next. */
export function startScheduler(opts: SchedulerOptions): Scheduler {
  const now = opts.now ?? (() => new Date());
  const setTimer = opts.setTimer ?? realTimer;
  const log = opts.log ?? ((line: string) => console.log(line));
  const { schedule } = opts;
  const sendDeps: NewsletterSendDeps = {
    db: opts.db,
    config: opts.config,
    transport: opts.transport,
    onFinished: () => opts.cache?.invalidate(),
  };

  let stopped = false;
  let timer: TimerHandle | null = null;
  let wakeAt: number | null = null;
  let running: Promise<void> = Promise.resolve();
  /** The latest slot this process has dealt with (sent, or found taken). */
  let handledSlot = Number.NEGATIVE_INFINITY;
  /** A send failed: issues may be left half-delivered, so finish them before anything else. */
  let needsResume = false;

  const sendSlot = async (slot: Date, at: Date) => {
    const slotIso = slot.toISOString();
    if (await issueCreatedSince(opts.db, slotIso)) {
      log(`Newsletter: an issue was already created after the ${slotIso} slot; not sending another.`);
      return;
    }
    const { issue, created, result } = await sendNewIssue(sendDeps, {
      intro: "",
      createdBy: "schedule",
      scheduledFor: slotIso,
      now: at.getTime(),
      signal: opts.signal,
      onQueued: (i, p) => log(`Newsletter: sending issue #${i.number} to ${p.total} subscribers.`),
    });
    if (!created) return;
    const p = result?.progress;
    log(
      result?.finished
        ? `Newsletter: issue #${issue.number} delivered (${p?.sent} sent, ${p?.failed} failed, ${p?.bounced} bounced).`
        : `Newsletter: issue #${issue.number} stopped part way; the next start resumes it.`,
    );
  };

  const check = async () => {
    const at = now();
    let failed = false;
    if (needsResume) {
      try {
        await resumeSends(sendDeps, { signal: opts.signal });
        needsResume = false;
      } catch (err) {
        failed = true;
        log(`Newsletter: finishing an interrupted send failed: ${(err as Error).message}`);
      }
    }
    const slot = currentSlot(schedule, at);
    const age = at.getTime() - slot.getTime();
    if (!failed && slot.getTime() > handledSlot && age < MISSED_SLOT_GRACE_MS && !stopped) {
      try {
        await sendSlot(slot, at);
        handledSlot = slot.getTime();
      } catch (err) {
        failed = true;
        needsResume = true;
        log(`Newsletter: the scheduled send failed (${(err as Error).message}); trying again shortly.`);
      }
    }
    const current = now();
    arm(failed ? new Date(current.getTime() + RETRY_MS) : nextRun(schedule, current));
  };

  /** Sleeps until `target` in steps of at most MAX_TIMER_MS, rechecking the clock each time. */
  const arm = (target: Date) => {
    if (stopped) return;
    wakeAt = target.getTime();
    const step = () => {
      timer = null;
      if (stopped) return;
      const left = target.getTime() - now().getTime();
      if (left <= 0) {
        running = safeCheck();
        return;
      }
      timer = setTimer(step, Math.min(left, MAX_TIMER_MS));
    };
    step();
  };

  /** A check that cannot reject: an unexpected error is logged and the check retried later. */
  const safeCheck = () =>
    check().catch((err: Error) => {
      log(`Newsletter: the schedule check failed: ${err.message}`);
      arm(new Date(now().getTime() + RETRY_MS));
    });

  log(`Newsletter: scheduled for ${describeSchedule(schedule)}.`);
  running = safeCheck();

  return {
    stop() {
      stopped = true;
      wakeAt = null;
      timer?.clear();
      timer = null;
    },
    nextAt: () => (wakeAt === null ? null : new Date(wakeAt)),
    idle: async () => {
      // a check may arm a timer that fires at once and starts the next check
      let seen: Promise<void> | undefined;
      while (seen !== running) {
        seen = running;
        await seen;
      }
    },
  };
}

/** Whether any issue (by hand or by schedule) was created at or after an instant. */
async function issueCreatedSince(db: Db, iso: string): Promise<boolean> {
  const row = await db
    .selectFrom("newsletter_issues")
    .select("id")
    .where("created_at", ">=", iso)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface NewsletterJobs {
  /** Stops the schedule and asks running sends to stop; resolves once they have let go (or after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** What the sender is doing, for /readyz. */
  state(): {
    schedule: string | null;
    nextSendAt: string | null;
    resuming: boolean;
    stopped: boolean;
  };
}

/**
 * The server's background newsletter work, started at boot: finishes any send a previous
 * process left unfinished (killed mid-send, mail server down), and runs the schedule when
 * NEWSLETTER_SCHEDULE is set. Both go through the same durable delivery queue, so they may
 * overlap with each other and with other instances without sending anything twice.
 */
export function startNewsletterJobs(opts: {
  db: Db;
  config: NewsletterSendDeps["config"] & { newsletterSchedule: string | undefined };
  cache: { invalidate(): void };
  log?: (line: string) => void;
}): NewsletterJobs {
  const log = opts.log ?? ((line: string) => console.log(line));
  const abort = new AbortController();
  const sendDeps: NewsletterSendDeps = {
    db: opts.db,
    config: opts.config,
    onFinished: () => opts.cache.invalidate(),
  };
  let resumingNow = true;
  let stopped = false;
  const resuming = resumeSends(sendDeps, {
    signal: abort.signal,
    onIssue: (issue, p) =>
      log(`Newsletter: resuming issue #${issue.number} (${p.sent} of ${p.total} already sent).`),
  }).then(
    (done) => {
      for (const { issue, result } of done) {
        if (result.finished) log(`Newsletter: issue #${issue.number} is now fully delivered.`);
      }
    },
    (err: Error) => log(`Newsletter: resuming an unfinished send failed: ${err.message}`),
  );
  void resuming.finally(() => {
    resumingNow = false;
  });
  const scheduler = opts.config.newsletterSchedule
    ? startScheduler({
        db: opts.db,
        config: opts.config,
        cache: opts.cache,
        schedule: parseSchedule(opts.config.newsletterSchedule),
        signal: abort.signal,
        log,
      })
    : null;
  const schedule = opts.config.newsletterSchedule
    ? describeSchedule(parseSchedule(opts.config.newsletterSchedule))
    : null;
  return {
    state: () => ({
      schedule,
      nextSendAt: scheduler?.nextAt()?.toISOString() ?? null,
      resuming: resumingNow,
      stopped,
    }),
    async stop(graceMs = 2000) {
      stopped = true;
      scheduler?.stop();
      abort.abort();
      const settled = Promise.allSettled([resuming, scheduler?.idle()]);
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    },
  };
}
