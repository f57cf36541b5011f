/**
 * Sending an issue end to end: create it, queue a delivery per confirmed subscriber, deliver
 * through a pooled SMTP transport (or the outbox without SMTP_URL). Also finishes sends that a
 * crash or a restart interrupted. Used by `newsletter:send`, the admin page and the schedule.
 */
import type { Config } from "../../../config.ts";
import type { Db } from "../../../db/types.ts";
import { createMailer, type Mailer } from "../../../mail/mailer.ts";
import { createIssue, getIssue, type Issue, renderIssueEmail } from "../issues/index.ts";
import { type DeliveryProgress, deliveryProgress, enqueueIssue, type UnfinishedIssue } from "./queue.ts";
import {
  type DeliveryContext,
  type RunOptions,
  type RunResult,
  resumeUnfinished,
  runDeliveries,
} from "./run.ts";

/** SMTP connections a bulk send keeps open; a few is what relays welcome from one client. */
const BULK_CONNECTIONS = 4;
/** Messages in flight at once: twice the connections, so none idles while we write to the database. */
const BULK_CONCURRENCY = 2 * BULK_CONNECTIONS;

export interface NewsletterSendDeps {
  db: Db;
  config: Pick<Config, "siteUrl" | "smtpUrl" | "mailFrom" | "outboxDir">;
  /** Where messages go; by default a pooled mailer from the config, closed when the send ends. */
  transport?: Pick<Mailer, "send">;
  /** Called when an issue is completely delivered; the app passes deps.cache.invalidate. */
  onFinished?: () => void;
}

/** Delivery knobs a caller may set; the rest are runDeliveries' defaults. */
export type SendRunOptions = Omit<RunOptions, "issueId" | "onProgress">;

/** The mailer for bulk sends: pooled SMTP connections with SMTP_URL, the outbox without. */
export function createBulkMailer(config: NewsletterSendDeps["config"]): Mailer {
  return createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    outboxDir: config.outboxDir,
    pool: { maxConnections: BULK_CONNECTIONS },
  });
}

/** The per-recipient render function of one issue. */
function issueRenderer(issue: Issue, siteUrl: string): DeliveryContext["render"] {
  return (recipient) => renderIssueEmail({ issue, recipient, siteUrl });
}

async function withTransport<T>(
  deps: NewsletterSendDeps,
  fn: (transport: Pick<Mailer, "send">) => Promise<T>,
): Promise<T> {
  if (deps.transport) return fn(deps.transport);
  const mailer = createBulkMailer(deps.config);
  try {
    return await fn(mailer);
  } finally {
    mailer.close();
  }
}

/**
 * Creates a new issue from what changed since the last one, queues it for every confirmed
 * subscriber and delivers it. When the schedule slot already has an issue (another instance
 * made it), nothing is sent here and `created` is false.
 */
export async function sendNewIssue(
  deps: NewsletterSendDeps,
  opts: SendRunOptions & {
    intro: string;
    createdBy: string;
    scheduledFor?: string;
    now?: number;
    /** Called once the issue exists and its deliveries are queued. */
    onQueued?: (issue: Issue, progress: DeliveryProgress) => void;
    onProgress?: (issue: Issue, progress: DeliveryProgress) => void;
  },
): Promise<{ issue: Issue; created: boolean; result: RunResult | null }> {
  const { intro, createdBy, scheduledFor, now, onQueued, onProgress, ...run } = opts;
  const { issue, created } = await createIssue(deps.db, { intro, createdBy, now, scheduledFor });
  if (!created) return { issue, created, result: null };
  await enqueueIssue(deps.db, issue.id, { siteUrl: deps.config.siteUrl, now });
  onQueued?.(issue, await deliveryProgress(deps.db, issue.id));
  const result = await withTransport(deps, (transport) =>
    runDeliveries(
      {
        db: deps.db,
        transport,
        render: issueRenderer(issue, deps.config.siteUrl),
        siteUrl: deps.config.siteUrl,
        onFinished: deps.onFinished,
      },
      {
        concurrency: BULK_CONCURRENCY,
        ...run,
        issueId: issue.id,
        onProgress: onProgress && ((p) => onProgress(issue, p)),
      },
    ),
  );
  return { issue, created, result };
}

/**
 * Finishes every issue whose send was interrupted, oldest first. The server calls it at boot
 * (leaving `reclaimNow` off, since another instance may still be sending); the CLI calls it
 * before anything else.
 */
export async function resumeSends(
  deps: NewsletterSendDeps,
  opts: SendRunOptions & {
    onIssue?: (issue: UnfinishedIssue, progress: DeliveryProgress) => void;
    onProgress?: (issue: UnfinishedIssue, progress: DeliveryProgress) => void;
  } = {},
): Promise<{ issue: UnfinishedIssue; result: RunResult }[]> {
  return withTransport(deps, (transport) =>
    resumeUnfinished(
      {
        db: deps.db,
        transport,
        siteUrl: deps.config.siteUrl,
        onFinished: deps.onFinished,
        renderer: async ({ number }) => {
          const issue = await getIssue(deps.db, number);
          if (!issue) throw new Error(`newsletter issue #${number} has disappeared`);
          return issueRenderer(issue, deps.config.siteUrl);
        },
      },
      { concurrency: BULK_CONCURRENCY, ...opts },
    ),
  );
}
