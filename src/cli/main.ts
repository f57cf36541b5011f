/** Operator commands: npm run cli -- <command>. */
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/connection.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { loadStarterCatalog } from "../db/seed/catalog.ts";
import { seedStarterCatalog } from "../db/seed/seed.ts";
import { CLI_ACTOR } from "../features/audit/log.ts";
import { grantRoleAudited } from "../features/moderation/service.ts";
import { parseGrantArgs } from "./grant.ts";

const HELP = `Ship or Skip operator commands

  npm run cli -- migrate         apply pending database migrations
  npm run cli -- seed            load the starter catalog into an empty database
  npm run cli -- catalog:check   validate the starter catalog's data files
  npm run cli -- user:grant <email> <role> [reason]
                                 give an account a role (reader, panelist or admin), creating
                                 the account if needed; recorded in the audit log as "cli"

The database is the one npm start uses: DATABASE_URL, or the SQLite file under DATA_DIR.`;

async function withDatabase<T>(fn: (db: ReturnType<typeof openDatabase>["db"]) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = openDatabase({ url: config.databaseUrl, sqlitePath: config.sqlitePath });
  try {
    return await fn(handle.db);
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
