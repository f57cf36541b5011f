/** Operator commands: npm run cli -- <command>. */
import { type Config, loadConfig } from "../config.ts";
import { openDatabase } from "../db/connection.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { loadStarterCatalog } from "../db/seed/catalog.ts";
import { seedStarterCatalog } from "../db/seed/seed.ts";
import type { Db } from "../db/types.ts";
import { CLI_ACTOR } from "../features/audit/log.ts";
import { grantRoleAudited } from "../features/moderation/service.ts";
import { DeliveryAbortedError, type DeliveryProgress } from "../features/newsletter/delivery.ts";
import {
  createProgressWriter,
  formatDuration,
  type ProgressWriter,
} from "../features/newsletter/progress.ts";
import { createBulkMailer, resumeSends, sendNewIssue } from "../features/newsletter/send.ts";
import { bumpChangeStamp } from "../http/change-stamp.ts";
import { redactUrl } from "../http/redis-client.ts";
import { createSharedState } from "../http/shared-state.ts";
import { parseGrantArgs } from "./grant.ts";

const HELP = `Ship or Skip operator commands

  npm run cli -- migrate         apply pending database migrations
  npm run cli -- seed            load the starter catalog into an empty database
  npm run cli -- catalog:check   validate the starter catalog's data files
  npm run cli -- user:grant <email> <role> [reason]
                                 give an account a role (reader, panelist or admin), creating
                                 the account if needed; recorded in the audit log as "cli"
  npm run cli -- newsletter:send [--intro "text"] [--resume-only]
                                 finish any issue whose send was interrupted, then build this
                                 week's issue and send it to every confirmed subscriber
                                 (--resume-only: only finish interrupted sends). Mail goes
                                 through SMTP_URL, or to DATA_DIR/outbox when it is unset.
                                 After a crash, run it again: it picks up where the send stopped.
  npm run cli -- panel:draft <slug> [--persona builder]…
  npm run cli -- panel:draft --all-missing
                                 ask the model at LLM_BASE_URL (LLM_MODEL, LLM_API_KEY) for persona
                                 review drafts of one tool, or of every incomplete panel; nothing
                                 is published, and a panelist's draft is never overwritten. Exits
                                 1 if any persona failed, 2 when no model is configured.
  npm run cli -- tools:import <file.json|file.csv> [--dry-run]
                                 add and update catalog tools from a file (format: README and
                                 docs/decisions/007); every problem is listed as file:line: field,
                                 and then nothing is imported. --dry-run prints what would change.
                                 Running servers refresh their cached pages: at once with
                                 REDIS_URL set, within a few seconds without it.

The database is the one npm start uses: DATABASE_URL, or the SQLite file under DATA_DIR.`;

/** Runs a command against the configured database, closing it whatever happens. */
async function withDatabase<T>(fn: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = openDatabase({ url: config.databaseUrl, sqlitePath: config.sqlitePath });
  try {
    return await fn(handle.db, config);
  } finally {
    await handle.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case "migrate": {
      const applied = await withDatabase(migrateToLatest);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "the schema is up to date");
      return 0;
    }
    case "seed": {
      const result = await withDatabase(async (db) => {
        await migrateToLatest(db);
        return seedStarterCatalog(db);
      });
      console.log(
        result.seeded
          ? `seeded ${result.tools} tools`
          : `not seeded: the catalog already has ${result.tools} tools`,
      );
      return 0;
    }
    case "catalog:check": {
      const { tools, categories } = loadStarterCatalog();
      console.log(`catalog ok: ${tools.length} tools in ${categories.length} categories`);
      return 0;
    }
    case "user:grant": {
      const parsed = parseGrantArgs(args);
      if (!parsed.ok) {
        console.error(parsed.error);
        return 2;
      }
      const account = await withDatabase(async (db) => {
        await migrateToLatest(db);
        const { email, role, reason } = parsed;
        return grantRoleAudited(db, { actor: CLI_ACTOR, email, role, reason });
      });
      const was = account.previousRole === null ? "a new account" : `was ${account.previousRole}`;
      console.log(`${account.email} is now ${account.role} (${was})`);
      return 0;
    }
    case "newsletter:send": {
      const parsed = parseNewsletterSendArgs(args);
      if (!parsed.ok) {
        console.error(parsed.error);
        return 2;
      }
      return withDatabase((db, config) => newsletterSend(db, config, parsed));
    }
    case "tools:import":
      return (await import("./tools-import.ts")).runToolsImport(args);
    case "panel:draft":
      return (await import("./panel-draft.ts")).runPanelDraft(args);
    case undefined:
    case "help":
    case "--help":
      console.log(HELP);
      return 0;
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

/** Parses `newsletter:send` arguments. */
function parseNewsletterSendArgs(
  args: string[],
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
    else return { ok: false, error: `newsletter:send does not know "${arg}".\n\n${HELP}` };
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error((err as Error).message);
    process.exit(1);
  },
);
