/** Operator commands: npm run cli -- <command>. */
import { migrateToLatest } from "../db/migrate.ts";
import { CLI_ACTOR } from "../features/audit/index.ts";
import { grantRoleAudited } from "../features/moderation/index.ts";
import { loadStarterCatalog } from "../seed/catalog.ts";
import { seedStarterCatalog } from "../seed/seed.ts";
import { withDatabase } from "./db.ts";
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
  npm run cli -- leaderboard:recompute
                                 recompute every head-to-head board now (the server does it a
                                 few seconds after picks, and daily): outcomes of every pick,
                                 flags, today's snapshots. Waits while another instance holds
                                 the recompute lease. Running servers refresh their cached pages.
  npm run cli -- backup <file>   a consistent copy of the database while the site serves (SQLite:
                                 online backup; PostgreSQL: pg_dump when it is on PATH)
  npm run cli -- restore <file> [--force]
                                 put a backup in place; refuses a database that holds data unless
                                 --force. Stop the site first.
  npm run cli -- export <dir>    every table as NDJSON with a manifest (schema version, row counts,
                                 checksums), from either engine
  npm run cli -- import <dir>    load an export into an empty database of either engine, in one
                                 transaction: how a site moves from SQLite to PostgreSQL

The database is the one npm start uses: DATABASE_URL, or the SQLite file under DATA_DIR.`;

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
    case "newsletter:send":
      return (await import("./newsletter-send.ts")).runNewsletterSend(args, HELP);
    case "tools:import":
      return (await import("./tools-import.ts")).runToolsImport(args);
    case "panel:draft":
      return (await import("./panel-draft.ts")).runPanelDraft(args);
    case "leaderboard:recompute":
      return (await import("./leaderboard-recompute.ts")).runLeaderboardRecompute();
    case "backup":
    case "restore":
    case "export":
    case "import":
      return (await import("./transfer.ts")).runTransfer(command, args);
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error((err as Error).message);
    process.exit(1);
  },
);
