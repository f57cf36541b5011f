/**
 * What the admin's newsletter pages need: the overview (schedule, audience, preview, past
 * issues with their delivery progress), one issue's progress, and starting a send from the
 * page. Services never render; the views get plain objects.
 */
import type { Db } from "../../../db/types.ts";
import { describeSchedule, nextRun, parseSchedule } from "../../../domain/schedule.ts";
import type { Mailer } from "../../../mail/mailer.ts";
import { type Actor, recordAudit } from "../../audit/index.ts";
import {
  type DeliveryProgress,
  deliveryProgressOf,
  type NewsletterSendDeps,
  sendNewIssue,
} from "../delivery/index.ts";
import { confirmedRecipientsCount, type Issue, type IssuePreview, previewIssue } from "../issues/index.ts";

/** The longest intro an admin may write. */
export const MAX_INTRO_LENGTH = 2000;
/** Past issues the overview lists. */
const RECENT_ISSUES = 20;

/** When the running server sends on its own, or null without NEWSLETTER_SCHEDULE. */
export interface ScheduleInfo {
  /** "Mondays at 09:00 (Europe/Berlin)". */
  description: string;
  timeZone: string;
  next: Date;
}

/** One issue as the admin lists it. */
export interface IssueRow {
  number: number;
  subject: string;
  status: "sending" | "sent";
  createdBy: string;
  createdAt: string;
  sentAt: string | null;
  scheduledFor: string | null;
  progress: DeliveryProgress;
}

export interface NewsletterOverview {
  schedule: ScheduleInfo | null;
  subscribers: number;
  preview: IssuePreview;
  issues: IssueRow[];
}

/** The schedule from the (already validated) config, with its next run after `now`. */
function scheduleInfo(raw: string | undefined, now: Date): ScheduleInfo | null {
  if (!raw) return null;
  const schedule = parseSchedule(raw);
  return {
    description: describeSchedule(schedule),
    timeZone: schedule.timeZone,
    next: nextRun(schedule, now),
  };
}

/** Everything /admin/newsletter shows, with the preview built around `intro`. */
export async function newsletterOverview(
  db: Db,
  opts: { intro: string; schedule: string | undefined; now?: Date },
): Promise<NewsletterOverview> {
  const now = opts.now ?? new Date();
  const [preview, subscribers, issues] = await Promise.all([
    previewIssue(db, { intro: opts.intro, now }),
    confirmedRecipientsCount(db),
    issueRows(db, { limit: RECENT_ISSUES }),
  ]);
  return { schedule: scheduleInfo(opts.schedule, now), subscribers, preview, issues };
}

/** Issues as the admin lists them, newest first, with their delivery counts: two queries in all. */
async function issueRows(db: Db, opts: { limit: number; number?: number }): Promise<IssueRow[]> {
  let query = db
    .selectFrom("newsletter_issues")
    .select(["id", "number", "subject", "status", "created_by", "created_at", "sent_at", "scheduled_for"])
    .orderBy("number", "desc")
    .limit(opts.limit);
  if (opts.number !== undefined) query = query.where("number", "=", opts.number);
  const rows = await query.execute();
  const progress = await deliveryProgressOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    number: r.number,
    subject: r.subject,
    status: r.status === "sent" ? "sent" : "sending",
    createdBy: r.created_by,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    scheduledFor: r.scheduled_for,
    progress: progress.get(r.id)!,
  }));
}

/** One issue with its delivery counts, or undefined when there is no such issue. */
export async function issueWithProgress(db: Db, number: number): Promise<IssueRow | undefined> {
  return (await issueRows(db, { number, limit: 1 }))[0];
}

export interface StartSendDeps {
  db: Db;
  config: NewsletterSendDeps["config"];
  mailer: Mailer;
  /** Called when the issue is completely delivered: the archive and the feed change. */
  onFinished: () => void;
  /** Where a failure of the background delivery is reported. */
  logError?: (message: string) => void;
  /** Stops the delivery at shutdown (claimed rows go back to the queue), and is told of it to wait for it. */
  background?: { signal: AbortSignal; track(work: Promise<unknown>): void };
}

/**
 * Creates the next issue, queues it for every confirmed subscriber and writes the audit entry;
 * resolves with the issue as soon as it is queued. Delivery goes on in the background: the
 * queue is durable, so a send cut short (a crash, a mail server down) is resumed at the next
 * start or by `newsletter:send`.
 */
export async function startIssueSend(
  deps: StartSendDeps,
  opts: { intro: string; actor: Actor },
): Promise<{ issue: Issue; recipients: number }> {
  const sendDeps: NewsletterSendDeps = {
    db: deps.db,
    config: deps.config,
    // SMTP gets delivery's own pooled connections; the outbox (or a test's recorder) is used as is
    transport: deps.mailer.kind === "smtp" ? undefined : deps.mailer,
    onFinished: deps.onFinished,
  };
  const logError = deps.logError ?? ((m: string) => console.error(m));
  const queued = new Promise<{ issue: Issue; recipients: number }>((resolve, reject) => {
    const sending = sendNewIssue(sendDeps, {
      intro: opts.intro,
      createdBy: opts.actor.email,
      signal: deps.background?.signal,
      onQueued: (issue, progress) => resolve({ issue, recipients: progress.total }),
    });
    deps.background?.track(sending);
    sending.then(
      ({ issue, result }) => {
        if (result && !result.finished) {
          logError(`Newsletter issue #${issue.number} stopped part way; the next start resumes it.`);
        }
      },
      (err: Error) => {
        // before onQueued this rejects the request; after it, only the log hears of it
        reject(err);
        logError(`Newsletter send failed: ${err.message}`);
      },
    );
  });
  const { issue, recipients } = await queued;
  await recordAudit(deps.db, {
    actor: opts.actor,
    action: "newsletter.send",
    subject: `issue:${issue.number}`,
    reason: `Sent from the admin page to ${recipients} confirmed ${recipients === 1 ? "subscriber" : "subscribers"}.`,
    detail: { number: issue.number, subject: issue.subject, recipients, intro: issue.intro },
  });
  return { issue, recipients };
}
