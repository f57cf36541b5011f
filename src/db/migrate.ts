/** Runs the versioned migrations in order; each runs once, recorded by Kysely's migrator. */
import { type Kysely, type Migration, Migrator, PostgresAdapter, sql } from "kysely";
import * as m001 from "./migrations/001_catalog.ts";
import * as m002 from "./migrations/002_accounts.ts";
import * as m003 from "./migrations/003_newsletter.ts";
import * as m004 from "./migrations/004_panel.ts";
import * as m005 from "./migrations/005_site_changes.ts";
import * as m006 from "./migrations/006_leaderboard.ts";
import * as m007 from "./migrations/007_api_tokens.ts";
import * as m008 from "./migrations/008_site_change_scopes.ts";
import * as m009 from "./migrations/009_audit_redaction.ts";
import type { Database } from "./schema.ts";

const migrations: Record<string, Migration> = {
  "001_catalog": m001,
  "002_accounts": m002,
  "003_newsletter": m003,
  "004_panel": m004,
  "005_site_changes": m005,
  "006_leaderboard": m006,
  "007_api_tokens": m007,
  "008_site_change_scopes": m008,
  "009_audit_redaction": m009,
};

/** Every migration's name, oldest first: the last is the schema version a migrated database is at. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations);

/**
 * Brings the schema up to date; throws with the failing migration's name on error. On
 * PostgreSQL the bookkeeping tables are looked for in the connection's current schema: left to itself Kysely finds them in any schema of the database, and would
 * take another schema's (another test's, another app's) for this one's.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  return migrateUpTo(db);
}

/** As migrateToLatest, stopping after the named migration (tests of a migration's data step use it). */
export async function migrateUpTo(db: Kysely<Database>, last?: string): Promise<string[]> {
  const schema = await currentSchema(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = last ? await migrator.migrateTo(last) : await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    throw new Error(`Migration ${failed?.migrationName ?? ""} failed: ${(error as Error).message}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** PostgreSQL's current schema (the first on the search path that exists); undefined on SQLite. */
async function currentSchema(db: Kysely<Database>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

/** The migrations not yet applied to this database, by name, in order (readiness checks it). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const schema = await currentSchema(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
