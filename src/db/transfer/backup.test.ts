/**
 * backup and restore on SQLite: a backup taken while another process writes is one consistent
 * snapshot; restore refuses a database that holds data unless told --force. Through the CLI's
 * own command function, with a configuration as `npm run cli` would load it.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { reportSkippedPostgres } from "../../../test/support/db.ts";
import { startWriter } from "../../../test/support/sqlite-writer.ts";
import { runTransfer } from "../../cli/transfer.ts";
import { loadConfig } from "../../config.ts";
import { seedStarterCatalog } from "../../seed/seed.ts";
import { openDatabase } from "../connection.ts";
import { migrateToLatest } from "../migrate.ts";
import { findOnPath, integrityCheck } from "./index.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
reportSkippedPostgres("backup and restore");

const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A DATA_DIR holding a copy of the seeded template, and the configuration that points at it. */
function site() {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-backup-"));
  const config = loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, SITE_URL: "http://localhost:3000" });
  copyFileSync(inject("sqliteTemplate"), config.sqlitePath);
  return { dataDir, config };
}

async function run(command: "backup" | "restore", args: string[], config: ReturnType<typeof loadConfig>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTransfer(command, args, {
    config,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function counts(path: string) {
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    const one = (q: string) => (db.prepare(q).get() as { n: number }).n;
    return {
      users: one("select count(*) as n from users where email like 'writer%'"),
      votes: one(
        "select count(*) as n from votes v join users u on u.id = v.user_id where u.email like 'writer%'",
      ),
      audit: one("select count(*) as n from audit_log where action = 'test.write'"),
      tools: one("select count(*) as n from tools"),
    };
  } finally {
    db.close();
  }
}

describe("backup and restore (SQLite)", () => {
  it("copies a consistent snapshot while another process keeps writing", async () => {
    const { dataDir, config } = site();
    const writer = startWriter(config.sqlitePath);
    cleanup.push(writer.stop);
    await writer.firstWrites;
    const before = writer.writes();
    const file = join(dataDir, "backup.sqlite");
    const result = await run("backup", [file], config);
    const after = writer.writes();
    await writer.stop();

    expect(result).toMatchObject({ code: 0, err: "" });
    expect(result.out).toMatch(/a consistent copy .* integrity check ok/);
    expect(integrityCheck(file)).toBe("ok");
    // one self-contained file: no write-ahead log needed beside it
    expect(existsSync(`${file}-wal`)).toBe(false);
    const copy = counts(file);
    // every transaction in the copy is whole, and the copy holds what was committed before it began
    expect(copy.votes).toBe(copy.users);
    expect(copy.audit).toBe(copy.users);
    expect(copy.users).toBeGreaterThanOrEqual(before);
    expect(copy.users).toBeLessThanOrEqual(counts(config.sqlitePath).users);
    expect(copy.tools).toBe(counts(config.sqlitePath).tools);
    expect(after).toBeGreaterThanOrEqual(before);
  });

  it("refuses to overwrite an existing backup file", async () => {
    const { dataDir, config } = site();
    const file = join(dataDir, "backup.sqlite");
    expect((await run("backup", [file], config)).code).toBe(0);
    const again = await run("backup", [file], config);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
  });

  it("restore refuses a database that holds data unless --force, then replaces it", async () => {
    const { dataDir, config } = site();
    const file = join(dataDir, "backup.sqlite");
    expect((await run("backup", [file], config)).code).toBe(0);
    // the live database moves on after the backup
    const live = new SQLite(config.sqlitePath);
    live
      .prepare(
        "insert into users (email, created_at) values ('late@example.com', '2026-12-08T00:00:00.000Z')",
      )
      .run();
    live.close();

    const refused = await run("restore", [file], config);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/Stop the site before restoring/);
    expect(refused.err).toMatch(/holds data: categories \(\d+\), tools \(\d+\).*run again with --force/);
    const still = new SQLite(config.sqlitePath, { readonly: true });
    expect(still.prepare("select count(*) as n from users where email = 'late@example.com'").get()).toEqual({
      n: 1,
    });
    still.close();

    const forced = await run("restore", [file, "--force"], config);
    expect(forced).toMatchObject({ code: 0, err: "" });
    expect(integrityCheck(config.sqlitePath)).toBe("ok");
    const restored = new SQLite(config.sqlitePath, { readonly: true });
    expect(
      restored.prepare("select count(*) as n from users where email = 'late@example.com'").get(),
    ).toEqual({
      n: 0,
    });
    restored.close();
  });

  it("restores into a site that has no database yet without --force", async () => {
    const { dataDir, config } = site();
    const file = join(dataDir, "backup.sqlite");
    expect((await run("backup", [file], config)).code).toBe(0);
    const empty = mkdtempSync(join(tmpdir(), "shiporskip-restore-"));
    const target = loadConfig({ NODE_ENV: "test", DATA_DIR: empty, SITE_URL: "http://localhost:3000" });
    const restored = await run("restore", [file], target);
    expect(restored).toMatchObject({ code: 0, err: "" });
    expect(counts(target.sqlitePath).tools).toBe(counts(config.sqlitePath).tools);
  });

  it("refuses a file that is not a SQLite backup", async () => {
    const { dataDir, config } = site();
    const bogus = join(dataDir, "notes.txt");
    writeFileSync(bogus, "not a database");
    const res = await run("restore", [bogus, "--force"], config);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/is not a SQLite database/);
  });

  it("says how to back up PostgreSQL when pg_dump is not on PATH", async () => {
    const { config } = site();
    const pgConfig = { ...config, databaseUrl: "postgres://nobody@127.0.0.1:1/none" };
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), "empty-path-"));
    try {
      const res = await run("backup", ["/tmp/never-written.dump"], pgConfig);
      expect(res.code).toBe(1);
      expect(res.err).toMatch(/pg_dump was not found on PATH.*pg_dump --format=custom/s);
    } finally {
      process.env.PATH = path;
    }
  });

  it("explains its arguments", async () => {
    const { config } = site();
    expect(await run("backup", [], config)).toMatchObject({
      code: 2,
      err: "usage: npm run cli -- backup <file>",
    });
    expect((await run("backup", ["a", "--force"], config)).err).toMatch(/unknown option --force/);
  });
});

/** A database of its own on the test server (pg_dump works on whole databases), dropped afterwards. */
async function scratchDatabase(): Promise<string> {
  const name = `sos_backup_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanup.push(async () => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  const url = new URL(pgUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function pgQuery<T>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

describe.skipIf(!pgUrl || !findOnPath("pg_dump"))("backup and restore (PostgreSQL, with pg_dump)", () => {
  it("dumps, refuses to restore over data without --force, and restores into an empty database", async () => {
    const sourceUrl = await scratchDatabase();
    const handle = openDatabase({ url: sourceUrl });
    await migrateToLatest(handle.db);
    await seedStarterCatalog(handle.db);
    await handle.db
      .insertInto("users")
      .values({ email: "kept@example.com", created_at: "2026-12-08T00:00:00.000Z" })
      .execute();
    await handle.close();
    const dir = mkdtempSync(join(tmpdir(), "shiporskip-pgdump-"));
    const config = {
      ...loadConfig({ NODE_ENV: "test", DATA_DIR: dir, SITE_URL: "http://localhost:3000" }),
      databaseUrl: sourceUrl,
    };
    const file = join(dir, "site.dump");

    const dumped = await run("backup", [file], config);
    expect(dumped).toMatchObject({ code: 0, err: "" });
    expect(dumped.out).toMatch(/with pg_dump/);

    await pgQuery(
      sourceUrl,
      "insert into users (email, created_at) values ('late@example.com', '2026-12-08T01:00:00.000Z')",
    );
    const refused = await run("restore", [file], config);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/holds data: categories \(\d+\), tools \(\d+\).*users \(2\).*--force/);

    const forced = await run("restore", [file, "--force"], config);
    expect(forced).toMatchObject({ code: 0, err: "" });
    expect(await pgQuery(sourceUrl, "select email from users order by id")).toEqual([
      { email: "kept@example.com" },
    ]);

    const emptyUrl = await scratchDatabase();
    const restored = await run("restore", [file], { ...config, databaseUrl: emptyUrl });
    expect(restored).toMatchObject({ code: 0, err: "" });
    const [tools] = await pgQuery<{ n: number }>(emptyUrl, "select count(*)::int as n from tools");
    const [sourceTools] = await pgQuery<{ n: number }>(sourceUrl, "select count(*)::int as n from tools");
    expect(tools).toEqual(sourceTools);
    // the dump carries the sequences: the next account does not collide with the restored ones
    const [next] = await pgQuery<{ id: number }>(
      emptyUrl,
      "insert into users (email, created_at) values ('new@example.com', '2026-12-08T02:00:00.000Z') returning id",
    );
    expect(next!.id).toBeGreaterThan(1);
  });
});
