import { mkdtempSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  anotherConnection,
  createTestDatabase,
  reportSkippedPostgres,
  type TestDatabase,
  testEngines,
} from "../../test/support/db.ts";
import { createApp } from "../app.tsx";
import { importToolsFile } from "../cli/tools-import.ts";
import { loadConfig } from "../config.ts";
import { migrateToLatest } from "../db/migrate.ts";
import type { Db } from "../db/types.ts";
import { loadProfile } from "../features/catalog-admin/index.ts";
import { startServer } from "../server.ts";
import {
  bumpChangeStamp,
  type ChangeWatcher,
  readChangeScopes,
  readChangeStamp,
  shareChangesThroughStamp,
  watchChangeStamp,
} from "./change-stamp.ts";
import { PageCache, type PageScope } from "./page-cache.ts";

reportSkippedPostgres("the change stamp");

/** Pages as the site declares them: two tools in two categories, a comparison, a list. */
const SHOWN: Record<string, PageScope> = {
  "/tools/cursor": { tools: ["cursor"], categories: ["coding"], figures: true },
  "/tools/chatgpt": { tools: ["chatgpt"], categories: ["chat"], figures: true },
  "/compare/aider-vs-cursor": { tools: ["aider", "cursor"], pairs: ["aider-vs-cursor"] },
  "/tools": { lists: ["catalog"], figures: true },
};

/** Stores a page rendered now under `key`, showing what SHOWN says of it. */
function keep(cache: PageCache, key: string): void {
  cache.set(
    key,
    { status: 200, body: Buffer.from(key), etag: '"x"', headers: {} },
    cache.currentGeneration,
    SHOWN[key],
  );
}

/** The stored keys among SHOWN. */
const kept = (cache: PageCache) => Object.keys(SHOWN).filter((key) => cache.has(key));

/** Counts the watcher's reads, so a test can wait for polls to have happened rather than for time. */
function countReads(db: Db) {
  return vi.spyOn(db, "selectFrom");
}

describe.each(testEngines())("change stamp on %s", (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    vi.restoreAllMocks();
  });

  async function database(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
    const t = await createTestDatabase(engine, { seed: false, ...opts });
    cleanups.push(t.dispose);
    return t;
  }
  function watch(db: Db, onChange: () => void, log: (line: string) => void = () => {}): ChangeWatcher {
    const watcher = watchChangeStamp({ db, onChange, intervalMs: 20, log });
    cleanups.push(() => watcher.stop());
    return watcher;
  }

  it("starts at generation 0 and counts bumps, recreating a missing row", async () => {
    const { db } = await database();
    expect(await db.selectFrom("site_changes").selectAll().execute()).toEqual([
      { id: 1, generation: 0, changed_at: null },
    ]);
    // one row only: the table refuses a second
    await expect(db.insertInto("site_changes").values({ id: 2, generation: 0 }).execute()).rejects.toThrow();
    expect(await readChangeStamp(db)).toBe(0);
    await bumpChangeStamp(db, Date.parse("2026-06-01T10:00:00Z"));
    await bumpChangeStamp(db, Date.parse("2026-06-01T10:05:00Z"));
    const row = await db.selectFrom("site_changes").selectAll().executeTakeFirstOrThrow();
    expect(row).toEqual({ id: 1, generation: 2, changed_at: "2026-06-01T10:05:00.000Z" });

    await db.deleteFrom("site_changes").execute();
    expect(await readChangeStamp(db)).toBe(0);
    await bumpChangeStamp(db);
    expect(await readChangeStamp(db)).toBe(1);
    expect(await db.selectFrom("site_changes").select("id").execute()).toEqual([{ id: 1 }]);
  });

  it("calls onChange once when another connection bumps the stamp", async () => {
    const t = await database();
    const other = await anotherConnection(t);
    cleanups.push(other.close);
    let changes = 0;
    const reads = countReads(t.db);
    const watcher = watch(t.db, () => changes++);
    await watcher.ready;
    expect(changes).toBe(0);

    await bumpChangeStamp(other.db);
    await vi.waitFor(() => expect(changes).toBe(1), { timeout: 5000, interval: 10 });
    // later polls see the same generation: no second call
    const seen = reads.mock.calls.length;
    await vi.waitFor(() => expect(reads.mock.calls.length).toBeGreaterThan(seen + 3), { timeout: 5000 });
    expect(changes).toBe(1);

    await bumpChangeStamp(other.db);
    await vi.waitFor(() => expect(changes).toBe(2), { timeout: 5000, interval: 10 });
  });

  it("does not call onChange while nothing bumps, and stops reading once stopped", async () => {
    const { db } = await database();
    // The watcher's rounds run on a fake timer (vi.waitFor moves it on while it waits), so after
    // stop() the test can move time past several rounds at once instead of sleeping through them.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const onChange = vi.fn();
    const reads = countReads(db);
    const watcher = watch(db, onChange);
    await vi.waitFor(() => expect(reads.mock.calls.length).toBeGreaterThan(5), {
      timeout: 5000,
      interval: 10,
    });
    expect(onChange).not.toHaveBeenCalled();

    await watcher.stop();
    const afterStop = reads.mock.calls.length;
    await bumpChangeStamp(db);
    // a round due now would start its read at once, so none having started means none is scheduled
    await vi.advanceTimersByTimeAsync(100);
    expect(reads.mock.calls.length).toBe(afterStop);
    expect(onChange).not.toHaveBeenCalled();
  });

  it("keeps polling through read errors, logs once, and clears when reads work again", async () => {
    // no migrations yet: reading site_changes fails as it would with the database down
    const { db } = await database({ migrate: false });
    const log = vi.fn();
    const onChange = vi.fn();
    const reads = countReads(db);
    const watcher = watch(db, onChange, log);
    await expect(watcher.ready).resolves.toBeUndefined();
    await vi.waitFor(() => expect(reads.mock.calls.length).toBeGreaterThan(5), { timeout: 5000 });
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toContain("reading the change stamp failed");
    expect(onChange).not.toHaveBeenCalled();

    await migrateToLatest(db);
    // a change may have been missed while reads failed, so the first good read clears
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledTimes(1), { timeout: 5000, interval: 10 });
    expect(log).toHaveBeenCalledTimes(2);
    expect(log.mock.calls[1]?.[0]).toContain("can be read again");
  });

  it("survives an onChange that throws and keeps watching", async () => {
    const { db } = await database();
    const log = vi.fn();
    const onChange = vi.fn(() => {
      throw new Error("boom");
    });
    const watcher = watch(db, onChange, log);
    await watcher.ready;
    await bumpChangeStamp(db);
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledTimes(1), { timeout: 5000, interval: 10 });
    await bumpChangeStamp(db);
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledTimes(2), { timeout: 5000, interval: 10 });
    expect(log.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringContaining("boom"),
      expect.stringContaining("boom"),
    ]);
  });

  it("moves the stamp on every invalidate(), and clears only for moves made by others", async () => {
    const { db } = await database();
    const cache = new PageCache(true);
    const published = vi.fn();
    cache.onInvalidate = published;
    const sharing = shareChangesThroughStamp({ db, cache, intervalMs: 20 });
    cleanups.push(() => sharing.stop());
    await sharing.ready;
    const reads = countReads(db);
    /** Waits until the watcher has finished a read begun after this point. */
    const pollsDone = async () => {
      const seen = reads.mock.calls.length;
      await vi.waitFor(() => expect(reads.mock.calls.length).toBeGreaterThanOrEqual(seen + 2), {
        timeout: 5000,
        interval: 5,
      });
    };

    const before = await readChangeStamp(db);
    cache.invalidate();
    expect(published).toHaveBeenCalledTimes(1);
    await vi.waitFor(async () => expect(await readChangeStamp(db)).toBe(before + 1), {
      timeout: 5000,
      interval: 5,
    });
    // a page rendered after our own write survives the watcher seeing our own move
    cache.set(
      "/",
      { status: 200, body: Buffer.from("x"), etag: '"x"', headers: {} },
      cache.currentGeneration,
    );
    await pollsDone();
    expect(cache.get("/")).toBeDefined();

    // another instance's move clears it
    await bumpChangeStamp(db);
    await vi.waitFor(() => expect(cache.get("/")).toBeUndefined(), { timeout: 5000, interval: 5 });

    // stop() hands onInvalidate back
    await sharing.stop();
    expect(cache.onInvalidate).toBe(published);
  });

  it("stores each move's scope with its generation, every page when none is given", async () => {
    const { db } = await database();
    const vote: PageScope = { tools: ["cursor"], figures: true };
    await bumpChangeStamp(db, Date.parse("2026-06-01T10:00:00Z"), vote);
    await bumpChangeStamp(db, Date.parse("2026-06-01T10:01:00Z"));
    const rows = await db.selectFrom("site_change_scopes").selectAll().orderBy("generation").execute();
    expect(rows.map((r) => ({ ...r, scope: JSON.parse(r.scope) }))).toEqual([
      { generation: 1, scope: vote, changed_at: "2026-06-01T10:00:00.000Z" },
      { generation: 2, scope: { everything: true }, changed_at: "2026-06-01T10:01:00.000Z" },
    ]);
  });

  it("reads the scopes of a range of moves in order, and none when one is missing or unreadable", async () => {
    const { db } = await database();
    const scopes: PageScope[] = [
      { tools: ["cursor"] },
      { pairs: ["aider-vs-cursor"], figures: true },
      { lists: ["home"] },
    ];
    for (const scope of scopes) await bumpChangeStamp(db, Date.now(), scope);
    expect(await readChangeScopes(db, 0, 3)).toEqual(scopes);
    expect(await readChangeScopes(db, 1, 3)).toEqual(scopes.slice(1));
    expect(await readChangeScopes(db, 3, 3)).toEqual([]);
    // a generation not reached yet
    expect(await readChangeScopes(db, 2, 4)).toBeUndefined();

    await db.deleteFrom("site_change_scopes").where("generation", "=", 2).execute();
    expect(await readChangeScopes(db, 0, 3)).toBeUndefined();
    expect(await readChangeScopes(db, 2, 3)).toEqual([scopes[2]]);

    await db
      .updateTable("site_change_scopes")
      .set({ scope: "{not json" })
      .where("generation", "=", 3)
      .execute();
    expect(await readChangeScopes(db, 2, 3)).toBeUndefined();
  });

  it("keeps the scopes of the last thousand moves and prunes older ones", async () => {
    const { db } = await database();
    await bumpChangeStamp(db, Date.now(), { tools: ["cursor"] });
    await bumpChangeStamp(db, Date.now(), { tools: ["aider"] });
    // as if 997 more moves had happened: the next move is the 1001st
    await db.updateTable("site_changes").set({ generation: 1000 }).where("id", "=", 1).execute();
    await bumpChangeStamp(db, Date.now(), { tools: ["zed"] });
    const left = await db
      .selectFrom("site_change_scopes")
      .select("generation")
      .orderBy("generation")
      .execute();
    expect(left.map((r) => r.generation)).toEqual([2, 1001]);
    // an instance last seeing generation 1 cannot know what move 2..1000 did
    expect(await readChangeScopes(db, 1, 1001)).toBeUndefined();
    // more than a thousand moves behind is never answered
    expect(await readChangeScopes(db, 0, 1001)).toBeUndefined();
  });

  it("drops only the pages another mover's scope touched, and none for its own moves", async () => {
    const { db } = await database();
    // polls happen only when the test moves time (vi.waitFor does), so both moves below are
    // seen in one read
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const cache = new PageCache(true);
    cleanups.push(async () => cache.close());
    const sharing = shareChangesThroughStamp({ db, cache, intervalMs: 20 });
    cleanups.push(() => sharing.stop());
    await sharing.ready;
    for (const key of Object.keys(SHOWN)) keep(cache, key);
    const before = await readChangeStamp(db);

    // our own vote on cursor drops its pages here and moves the stamp
    cache.invalidate({ tools: ["cursor"] });
    expect(kept(cache)).toEqual(["/tools/chatgpt", "/tools"]);
    while ((await readChangeStamp(db)) === before) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    // pages rendered after our write
    keep(cache, "/tools/cursor");
    keep(cache, "/compare/aider-vs-cursor");

    // another instance's move: an edit in the chat category, with figures
    await bumpChangeStamp(db, Date.now(), { categories: ["chat"], figures: true });
    await vi.waitFor(() => expect(cache.has("/tools/chatgpt")).toBe(false), { timeout: 5000, interval: 20 });
    expect(kept(cache)).toEqual(["/tools/cursor", "/compare/aider-vs-cursor", "/tools"]);
    // the figures it changed are refreshed here on the timer, as for a local change
    expect(cache.refreshingFigures).toBe(true);
    // what the watcher heard is not passed on: the stamp moved twice, no more
    expect(await readChangeStamp(db)).toBe(before + 2);
  });

  it("clears every page when a move's scope is missing", async () => {
    const { db } = await database();
    const cache = new PageCache(true);
    const sharing = shareChangesThroughStamp({ db, cache, intervalMs: 20 });
    cleanups.push(() => sharing.stop());
    await sharing.ready;
    for (const key of Object.keys(SHOWN)) keep(cache, key);
    // a move by a version of the site that kept no scopes
    await db
      .updateTable("site_changes")
      .set({ generation: sql<number>`generation + 1` })
      .where("id", "=", 1)
      .execute();
    await vi.waitFor(() => expect(cache.size).toBe(0), { timeout: 5000, interval: 5 });
  });

  describe("a running server and a CLI import", () => {
    const SLUG = "ollama";
    const PAGE = `/tools/${SLUG}`;

    /** A server on loopback with the page cache on, as npm start runs it, over a seeded database. */
    async function startSite() {
      const t = await createTestDatabase(engine);
      cleanups.push(t.dispose);
      const dataDir = mkdtempSync(join(tmpdir(), "sos-stamp-"));
      const config = loadConfig({ NODE_ENV: "test", SITE_URL: "http://127.0.0.1", DATA_DIR: dataDir });
      expect(config.pageCache).toBe(true);
      const { app, deps } = createApp({ db: t.db, config });
      const { server, url } = await startServer({ app, cache: deps.cache, port: 0, host: "127.0.0.1" });
      cleanups.push(async () => {
        await new Promise<void>((resolve) => (server as Server).close(() => resolve()));
        deps.mailer.close();
      });
      const page = async () => (await fetch(`${url}${PAGE}`)).text();
      return { t, deps, page, dataDir };
    }

    /** Imports an edit of one tool from another connection, as `npm run cli -- tools:import` does. */
    async function importEdit(t: TestDatabase, dataDir: string, marker: string) {
      const other = await anotherConnection(t);
      try {
        const profile = await loadProfile(other.db, SLUG);
        const file = join(dataDir, "edit.json");
        writeFileSync(file, JSON.stringify({ ...profile, bestFor: marker }));
        const outcome = await importToolsFile(other.db, {
          path: file,
          dryRun: false,
          out: { log() {}, error() {} },
        });
        expect(outcome).toEqual({ code: 0, changed: true });
      } finally {
        await other.close();
      }
    }

    it("without the watcher, the cached page stays stale after an import (the problem)", async () => {
      const { t, deps, page, dataDir } = await startSite();
      const before = await page();
      expect(deps.cache.get(PAGE)).toBeDefined();
      const marker = "Teams checking that stale pages are a real problem";
      await importEdit(t, dataDir, marker);
      expect(await page()).toBe(before);
      expect(before).not.toContain(marker);
    });

    it("with the watcher, the fresh page is served once it notices the import's stamp", async () => {
      const { t, deps, page, dataDir } = await startSite();
      const watcher = watch(t.db, () => deps.cache.clearLocal());
      await watcher.ready;
      expect(await page()).not.toContain("Teams reading a freshly imported line");
      expect(deps.cache.get(PAGE)).toBeDefined();

      await importEdit(t, dataDir, "Teams reading a freshly imported line");
      await vi.waitFor(async () => expect(await page()).toContain("Teams reading a freshly imported line"), {
        timeout: 5000,
        interval: 20,
      });
      // and the fresh page is what the cache keeps from now on
      await page();
      expect(deps.cache.get(PAGE)?.body.toString()).toContain("Teams reading a freshly imported line");
    });
  });
});
