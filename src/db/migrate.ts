/** Runs the versioned migrations in order; each runs once, recorded by Kysely's migrator. */
import { type Kysely, type Migration, Migrator } from "kysely";
import * as m001 from "./migrations/001_catalog.ts";
import * as m002 from "./migrations/002_accounts.ts";
import * as m003 from "./migrations/003_newsletter.ts";
import type { Database } from "./schema.ts";

const migrations: Record<string, Migration> = {
  "001_catalog": m001,
  "002_accounts": m002,
  "003_newsletter": m003,
};

/**
 * Brings the schema up to date; throws with the failing migration's name on error. Pass the
 * PostgreSQL schema when there is one: Kysely otherwise finds its bookkeeping tables in any
 * schema of the database, and would take another schema's for this one's.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  opts: { schema?: string } = {},
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(opts.schema ? { migrationTableSchema: opts.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    throw new Error(`Migration ${failed?.migrationName ?? ""} failed: ${(error as Error).message}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
