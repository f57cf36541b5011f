/**
 * Test databases: a private copy of the seeded SQLite template per call, and a private
 * PostgreSQL schema per call when TEST_DATABASE_URL is set (required in CI).
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { inject } from "vitest";
import { type DatabaseHandle, type Engine, openDatabase } from "../../src/db/connection.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { seedStarterCatalog } from "../../src/seed/seed.ts";

export interface TestDatabase extends DatabaseHandle {
  /** Closes the connection and removes what the test created. */
  dispose(): Promise<void>;
}

const pgUrl = process.env.TEST_DATABASE_URL;

/** Engines the database suites run on; PostgreSQL only with TEST_DATABASE_URL. */
export function testEngines(): Engine[] {
  if (!pgUrl && process.env.CI) {
    throw new Error("CI must run the PostgreSQL suite: set TEST_DATABASE_URL (see .ci/run).");
  }
  return pgUrl ? ["sqlite", "postgres"] : ["sqlite"];
}

/** Why a PostgreSQL suite was skipped, printed once per file. */
export function reportSkippedPostgres(suite: string): void {
  if (!pgUrl) console.warn(`[skipped] ${suite} on PostgreSQL: TEST_DATABASE_URL is not set.`);
}

/** A fresh, migrated and seeded database of the given engine. */
export async function createTestDatabase(
  engine: Engine,
  opts: { seed?: boolean; migrate?: boolean } = {},
): Promise<TestDatabase> {
  const migrate = opts.migrate ?? true;
  const seed = migrate && (opts.seed ?? true);
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "shiporskip-db-"));
    const path = join(dir, "test.sqlite");
    if (seed) copyFileSync(inject("sqliteTemplate"), path);
    const handle = openDatabase({ sqlitePath: path });
    if (!seed && migrate) await migrateToLatest(handle.db);
    return { ...handle, dispose: handle.close };
  }
  if (!pgUrl) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const handle = openDatabase({ url: pgUrl, pgSchema: schema });
  if (migrate) await migrateToLatest(handle.db);
  if (seed) await seedStarterCatalog(handle.db);
  return {
    ...handle,
    dispose: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

/**
 * A second, independent connection (its own pool) to a test database, as another process or
 * another instance would have; the caller closes it before the database is disposed.
 */
export async function anotherConnection(t: TestDatabase): Promise<DatabaseHandle> {
  if (t.engine === "sqlite") {
    const { rows } = await sql<{
      file: string;
    }>`select file from pragma_database_list where name = 'main'`.execute(t.db);
    return openDatabase({ sqlitePath: rows[0]!.file });
  }
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(t.db);
  return openDatabase({ url: pgUrl, pgSchema: rows[0]!.schema });
}
