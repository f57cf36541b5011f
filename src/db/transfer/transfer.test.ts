/**
 * Export and import through the real engines: a populated SQLite site moves onto PostgreSQL and
 * back to a fresh SQLite file, and every table is compared row for row; an import refuses what
 * it must refuse and leaves the database untouched when a row fails.
 */
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { createTestDatabase, reportSkippedPostgres, type TestDatabase } from "../../../test/support/db.ts";
import { populateSite } from "../../../test/support/populated-site.ts";
import { startWriter } from "../../../test/support/sqlite-writer.ts";
import { runTransfer } from "../../cli/transfer.ts";
import { loadConfig } from "../../config.ts";
import type { Engine } from "../connection.ts";
import { MIGRATION_NAMES, migrateUpTo } from "../migrate.ts";
import { exportDatabase, importDatabase, type Manifest, TRANSFER_TABLES, TransferError } from "./index.ts";
import { dataCounts } from "./inspect.ts";

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
reportSkippedPostgres("export/import round trip");

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function tempDir(): string {
  return join(mkdtempSync(join(tmpdir(), "shiporskip-export-")), "out");
}

async function fresh(engine: Engine, opts: { seed?: boolean } = {}): Promise<TestDatabase> {
  const t = await createTestDatabase(engine, { seed: opts.seed ?? false });
  cleanup.push(t.dispose);
  return t;
}

async function populated(): Promise<TestApp> {
  const app = await createTestApp("sqlite");
  cleanup.push(app.dispose);
  await populateSite(app);
  return app;
}

const TEXT_KEYS = new Set(["deployment", "question", "board", "day"]);

/** Every row of a table as the engine returns it, in key order (text keys by code point on both). */
async function rowsOf(t: TestDatabase, table: (typeof TRANSFER_TABLES)[number]) {
  const order = table.key
    .map((k) => (t.engine === "postgres" && TEXT_KEYS.has(k) ? `"${k}" collate "C"` : `"${k}"`))
    .join(", ");
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.raw(`"${table.name}"`)}
    order by ${sql.raw(order)}`.execute(t.db);
  return rows;
}

async function expectSameTables(from: TestDatabase, to: TestDatabase): Promise<void> {
  for (const table of TRANSFER_TABLES) {
    const expected = await rowsOf(from, table);
    for (const row of expected) for (const c of table.cleared ?? []) row[c] = null;
    expect({ table: table.name, rows: await rowsOf(to, table) }).toEqual({
      table: table.name,
      rows: expected,
    });
  }
}

function manifestOf(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
}

describe("export and import", () => {
  it("carries every table, leaves the recompute lease behind and lists what it omits", async () => {
    const site = await populated();
    const dir = tempDir();
    const manifest = await exportDatabase(site.db.db, "sqlite", dir);
    expect(manifest.schemaVersion).toMatch(/^\d{3}_/);
    expect(manifest.tables.map((t) => t.name)).toEqual(TRANSFER_TABLES.map((t) => t.name));
    // the populated site has rows in every table the export carries
    expect(manifest.tables.filter((t) => t.rows === 0).map((t) => t.name)).toEqual([]);
    expect(manifest.omitted.map((o) => o.name).sort()).toEqual(
      ["kysely_migration", "kysely_migration_lock", "site_change_scopes", "site_changes"].sort(),
    );
    for (const t of manifest.tables) {
      const bytes = readFileSync(join(dir, t.file));
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(t.sha256);
      expect(bytes.toString("utf8").split("\n").filter(Boolean)).toHaveLength(t.rows);
    }
    const state = JSON.parse(readFileSync(join(dir, "leaderboard_state.ndjson"), "utf8"));
    expect(state).toMatchObject({ id: 1, lease_holder: null, lease_until: null });
    expect(state.network_salt).toEqual(expect.any(String));
    const user = readFileSync(join(dir, "users.ndjson"), "utf8");
    expect(user).toContain("Pan O'Neil 🚢");
  });

  it.skipIf(!hasPostgres)(
    "moves a populated SQLite site onto PostgreSQL and back to a fresh SQLite, table for table",
    async () => {
      const site = await populated();
      const first = tempDir();
      const exported = await exportDatabase(site.db.db, "sqlite", first);

      const pg = await fresh("postgres");
      const loaded = await importDatabase(pg.db, "postgres", first);
      expect(loaded.rows).toEqual(Object.fromEntries(exported.tables.map((t) => [t.name, t.rows])));
      await expectSameTables(site.db, pg);

      // the sequences moved past the imported ids: a new account gets the next id, not 1
      const maxUser = (await pg.db
        .selectFrom("users")
        .select(({ fn }) => fn.max("id").as("m"))
        .executeTakeFirst())!;
      const added = await pg.db
        .insertInto("users")
        .values({ email: "after-import@example.com", created_at: new Date().toISOString() })
        .returning("id")
        .executeTakeFirstOrThrow();
      expect(added.id).toBe(Number(maxUser.m) + 1);
      await pg.db.deleteFrom("users").where("id", "=", added.id).execute();

      // PostgreSQL's export is the same bytes as SQLite's
      const second = tempDir();
      const again = await exportDatabase(pg.db, "postgres", second);
      expect(again.sourceEngine).toBe("postgres");
      expect(again.tables).toEqual(exported.tables);

      const back = await fresh("sqlite");
      await importDatabase(back.db, "sqlite", second);
      await expectSameTables(site.db, back);
      expect(await dataCounts(back.db, "sqlite")).toEqual(await dataCounts(site.db.db, "sqlite"));
    },
  );

  it("round-trips SQLite to SQLite (the same engine needs no PostgreSQL)", async () => {
    const site = await populated();
    const dir = tempDir();
    await exportDatabase(site.db.db, "sqlite", dir);
    const target = await fresh("sqlite");
    await importDatabase(target.db, "sqlite", dir);
    await expectSameTables(site.db, target);
    // SQLite's autoincrement follows explicit ids by itself
    const added = await target.db
      .insertInto("audit_log")
      .values({
        at: new Date().toISOString(),
        actor_id: null,
        actor_email: "cli",
        action: "test",
        subject: "x",
        reason: "after import",
        detail: "{}",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const max = await site.db.db
      .selectFrom("audit_log")
      .select(({ fn }) => fn.max("id").as("m"))
      .executeTakeFirst();
    expect(added.id).toBe(Number(max?.m) + 1);
  });

  describe.each(hasPostgres ? (["sqlite", "postgres"] as const) : (["sqlite"] as const))(
    "on %s",
    (engine) => {
      it("refuses a database that holds data, naming what it holds", async () => {
        const source = await fresh(engine, { seed: true });
        const dir = tempDir();
        await exportDatabase(source.db, engine, dir);
        const seeded = await fresh(engine, { seed: true });
        const attempt = importDatabase(seeded.db, engine, dir);
        await expect(attempt).rejects.toThrow(TransferError);
        await expect(importDatabase(seeded.db, engine, dir)).rejects.toThrow(
          /not empty: categories \(\d+\), tools \(\d+\).*npm run cli -- migrate.*starting it loads the starter catalog/s,
        );
      });

      it("refuses an export from another schema version", async () => {
        const source = await fresh(engine, { seed: true });
        const dir = tempDir();
        await exportDatabase(source.db, engine, dir);
        const older = await createTestDatabase(engine, { migrate: false });
        cleanup.push(older.dispose);
        const [previous, latest] = MIGRATION_NAMES.slice(-2);
        await migrateUpTo(older.db, previous);
        await expect(importDatabase(older.db, engine, dir)).rejects.toThrow(
          `export is at schema version ${latest} but this database is at ${previous}`,
        );
      });

      it("checks every file against the manifest before loading anything", async () => {
        const source = await fresh(engine, { seed: true });
        const dir = tempDir();
        await exportDatabase(source.db, engine, dir);
        const file = join(dir, "tools.ndjson");
        writeFileSync(file, readFileSync(file, "utf8").replace('"Aider"', '"Aider!"'));
        const target = await fresh(engine);
        await expect(importDatabase(target.db, engine, dir)).rejects.toThrow(
          /tools\.ndjson: checksum does not match the manifest/,
        );
        expect(await dataCounts(target.db, engine)).toEqual({});
      });

      it("loads in one transaction: a row that fails leaves the database empty", async () => {
        const site = await fresh(engine, { seed: true });
        await site.db
          .insertInto("users")
          .values({ email: "v@example.com", created_at: new Date().toISOString() })
          .execute();
        const dir = tempDir();
        await exportDatabase(site.db, engine, dir);
        // a bookmark naming a tool that does not exist, with the manifest made to agree
        const manifest = manifestOf(dir);
        const line = `${JSON.stringify({ user_id: 1, tool_id: 999_999, created_at: "2026-12-01T00:00:00.000Z" })}\n`;
        writeFileSync(join(dir, "bookmarks.ndjson"), line);
        const entry = manifest.tables.find((t) => t.name === "bookmarks")!;
        entry.rows = 1;
        entry.sha256 = createHash("sha256").update(line).digest("hex");
        writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));

        const target = await fresh(engine);
        await expect(importDatabase(target.db, engine, dir)).rejects.toThrow(/foreign key/i);
        expect(await dataCounts(target.db, engine)).toEqual({});
      });
    },
  );

  it("exports one snapshot while another process keeps writing", async () => {
    const source = await fresh("sqlite", { seed: true });
    const { rows } = await sql<{
      file: string;
    }>`select file from pragma_database_list where name = 'main'`.execute(source.db);
    const writer = startWriter(rows[0]!.file);
    cleanup.push(writer.stop);
    await writer.firstWrites;
    const before = writer.writes();
    const dir = tempDir();
    const manifest = await exportDatabase(source.db, "sqlite", dir);
    await writer.stop();
    const lines = (table: string) =>
      readFileSync(join(dir, `${table}.ndjson`), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    const users = lines("users").filter((u) => u.email.startsWith("writer"));
    const ids = new Set(users.map((u) => u.id));
    // each of the writer's transactions adds an account, its vote and an audit entry: all or none
    expect(users.length).toBeGreaterThanOrEqual(before);
    expect(lines("votes").filter((v) => ids.has(v.user_id))).toHaveLength(users.length);
    expect(lines("audit_log").filter((a) => a.action === "test.write")).toHaveLength(users.length);
    expect(manifest.tables.find((t) => t.name === "users")?.rows).toBe(lines("users").length);
  });

  it("runs as the CLI commands: export, import, and a second import refused", async () => {
    const site = await populated();
    const { rows } = await sql<{
      file: string;
    }>`select file from pragma_database_list where name = 'main'`.execute(site.db.db);
    const sourceDir = mkdtempSync(join(tmpdir(), "shiporskip-cli-"));
    copyFileSync(rows[0]!.file, join(sourceDir, "shiporskip.sqlite"));
    const configFor = (dataDir: string, databaseUrl?: string) => ({
      ...loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, SITE_URL: "http://localhost:3000" }),
      databaseUrl,
    });
    const lines: string[] = [];
    const io = (config: ReturnType<typeof configFor>) => ({
      config,
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(`error: ${l}`),
    });
    const dir = tempDir();
    expect(await runTransfer("export", [dir], io(configFor(sourceDir)))).toBe(0);
    expect(lines.pop()).toMatch(
      /^exported \d+ rows from 25 tables to .* load it with: npm run cli -- import /,
    );
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "users.ndjson")).mode & 0o777).toBe(0o600);

    const targetDir = mkdtempSync(join(tmpdir(), "shiporskip-cli-"));
    expect(await runTransfer("import", [dir], io(configFor(targetDir)))).toBe(0);
    expect(lines.pop()).toMatch(/^imported \d+ rows into 25 tables in one transaction$/);
    expect(await runTransfer("import", [dir], io(configFor(targetDir)))).toBe(1);
    expect(lines.pop()).toMatch(/^error: the database is not empty: categories/);
    expect(await runTransfer("import", [], io(configFor(targetDir)))).toBe(2);
  });

  it("refuses to export into a directory that holds files", async () => {
    const source = await fresh("sqlite", { seed: true });
    const dir = tempDir();
    await exportDatabase(source.db, "sqlite", dir);
    await expect(exportDatabase(source.db, "sqlite", dir)).rejects.toThrow(/is not empty/);
  });
});
