/**
 * `npm run cli -- newsletter:send [--intro "text"] [--resume-only]`: finishes interrupted sends,
 * then builds and sends this week's issue, with a progress bar per issue. Exit codes: 0 done,
 * 1 the mail server failed, 2 bad arguments, 130 stopped with Ctrl-C.
 */
import type { Config } from "../config.ts";
import { migrateToLatest } from "../db/migrate.ts";
import type { Db } from "../db/types.ts";
import {
  createBulkMailer,
  DeliveryAbortedError,
  type DeliveryProgress,
  resumeSends,
  sendNewIssue,
} from "../features/newsletter/index.ts";
import { bumpChangeStamp } from "../http/change-stamp.ts";
import { redactUrl } from "../http/redis-client.ts";
import { createSharedState } from "../http/shared-state.ts";
import { withDatabase } from "./db.ts";
import { createProgressWriter, formatDuration, type ProgressWriter } from "./progress-bar.ts";

/** Runs the command against the configured database; `usage` is shown after an unknown argument. */
export async function runNewsletterSend(args: string[], usage: string): Promise<number> {
  const parsed = parseNewsletterSendArgs(args, usage);
  if (!parsed.ok) {
    console.error(parsed.error);
    return 2;
  }
  return withDatabase((db, config) => newsletterSend(db, config, parsed));
}

/** Parses `newsletter:send` arguments. */
function parseNewsletterSendArgs(
  args: string[],
  usage: string,
): { ok: true; intro: string; resumeOnly: boolean } | { ok: false; error: string } {
  let intro = "";
  let resumeOnly = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--resume-only") resumeOnly = true;
    else if (arg === "--intro") {
      const value = args[++i];
      if (value === undefined) return { ok: false, error: '--intro needs a text: --intro "A short note"' };
      intro = value;
    } else if (arg.startsWith("--intro=")) intro = arg.slice("--intro=".length);
    else return { ok: false, error: `newsletter:send does not know "${arg}".\n\n${usage}` };
  }
  if (resumeOnly && intro) return { ok: false, error: "--intro has no use with --resume-only." };
  return { ok: true, intro: intro.trim(), resumeOnly };
}

/** Prints one issue's progress bar, then a summary line when the next issue starts or all end. */
function issueReporter() {
  let current: { label: string; writer: ProgressWriter; started: number; last: DeliveryProgress } | null =
    null;
  const end = () => {
    if (!current) return;
    const { label, writer, started, last } = current;
    writer.finish(last);
    const notDelivered = [
      last.failed ? `${last.failed} failed` : "",
      last.bounced ? `${last.bounced} bounced (marked, never retried)` : "",
    ].filter(Boolean);
    console.log(
      `${label}: ${last.sent} of ${last.total} sent${notDelivered.length ? `, ${notDelivered.join(", ")}` : ""} (${formatDuration(Date.now() - started)}).`,
    );
    current = null;
  };
  return {
    start(label: string, progress: DeliveryProgress) {
      end();
      current = { label, writer: createProgressWriter(process.stdout), started: Date.now(), last: progress };
    },
    update(progress: DeliveryProgress) {
      if (!current) return;
      current.last = progress;
      current.writer.update(progress);
    },
    end,
  };
}

/**
 * newsletter:send. Interrupted sends are resumed first and take over rows a killed sender left
 * 'sending' at once (reclaimNow): this is the operator's recovery command, run when no other
 * sender is at work. See docs/decisions/006 for what that risks when one is.
 */
async function newsletterSend(
  db: Db,
  config: Config,
  parsed: { intro: string; resumeOnly: boolean },
): Promise<number> {
  // with REDIS_URL the running servers hear the invalidation and show the new issue in the archive
  const shared = await createSharedState(config);
  const mailer = createBulkMailer(config);
  const stop = new AbortController();
  const onSigint = () => {
    console.error("\nStopping: letting the messages in flight finish…");
    stop.abort();
  };
  process.once("SIGINT", onSigint);
  const report = issueReporter();
  // servers poll the change stamp (no Redis needed) and then show the new issue in the archive
  const stamps: Promise<void>[] = [];
  try {
    await migrateToLatest(db);
    if (mailer.kind === "smtp") {
      try {
        await mailer.verify?.();
      } catch (err) {
        console.error(
          `Cannot use the mail server at ${redactUrl(config.smtpUrl!)}: ${(err as Error).message}\nNothing was sent. Check SMTP_URL and that the server is up, then run this again.`,
        );
        return 1;
      }
    } else {
      console.log(`SMTP_URL is not set: messages are written to ${config.outboxDir} as .eml files.`);
    }
    const deps = {
      db,
      config,
      transport: mailer,
      onFinished: () => {
        shared.cache.invalidate();
        stamps.push(
          bumpChangeStamp(db).catch((err: Error) =>
            console.error(
              `Running servers may show the archive without the new issue for now: ${err.message}`,
            ),
          ),
        );
      },
    };
    const resumed = await resumeSends(deps, {
      reclaimNow: true,
      signal: stop.signal,
      onIssue: (issue, p) => {
        const left = p.total - p.sent - p.failed - p.bounced;
        console.log(`Resuming issue #${issue.number}: ${left} of ${p.total} deliveries left.`);
        report.start(`Issue #${issue.number}`, p);
      },
      onProgress: (_, p) => report.update(p),
    });
    report.end();
    if (stop.signal.aborted) return stopped();
    if (parsed.resumeOnly) {
      if (resumed.length === 0) console.log("No interrupted send to resume.");
      return 0;
    }
    const sent = await sendNewIssue(deps, {
      intro: parsed.intro,
      createdBy: "cli",
      signal: stop.signal,
      onQueued: (issue, p) => {
        console.log(`Issue #${issue.number} "${issue.subject}": ${p.total} confirmed subscribers.`);
        report.start(`Issue #${issue.number}`, p);
      },
      onProgress: (_, p) => report.update(p),
    });
    report.end();
    if (stop.signal.aborted) return stopped();
    if (!sent.created) console.log(`Issue #${sent.issue.number} already exists; nothing new was sent.`);
    return 0;
  } catch (err) {
    report.end();
    if (err instanceof DeliveryAbortedError) {
      const p = err.progress;
      const left = p ? p.pending + p.sending : undefined;
      console.error(
        `Sending stopped: ${err.message}.\n${left === undefined ? "The rest" : `${left} deliveries`} stay queued; run \`npm run cli -- newsletter:send --resume-only\` once the mail server works again.`,
      );
      return 1;
    }
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
    mailer.close();
    await Promise.all(stamps);
    await shared.close();
  }
}

/** Says how to finish a send the operator interrupted; the exit code for SIGINT. */
function stopped(): number {
  console.error(
    "Stopped. The rest stays queued: `npm run cli -- newsletter:send --resume-only` finishes it.",
  );
  return 130;
}
