/**
 * Several instances, as docs/deployment.md deploys them: two instances A and B, each started by
 * startInstance (the wiring main.ts runs) with its own pool, page cache and HTTP server on
 * loopback, over one PostgreSQL schema and one Redis. Everything goes over real HTTP.
 *
 * Needs TEST_DATABASE_URL and TEST_REDIS_URL; without them it is skipped with the reason
 * printed, and in CI it fails instead.
 */
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { loadConfig } from "../src/config.ts";
import type { DatabaseHandle } from "../src/db/connection.ts";
import { recomputeBoards } from "../src/features/leaderboard/index.ts";
import { CHANGE_POLL_MS, readChangeStamp } from "../src/http/change-stamp.ts";
import { FIGURES_REFRESH_MS } from "../src/http/page-cache.ts";
import { type RunningInstance, startInstance } from "../src/instance.ts";
import {
  anotherConnection,
  createTestDatabase,
  reportSkippedPostgres,
  type TestDatabase,
  testEngines,
} from "./support/db.ts";
import { deleteKeys, testNamespace, testRedisUrl } from "./support/redis.ts";
import { form, signIn, type TestSession } from "./support/session.ts";
import { formFields } from "./support/tool-form.ts";

/** How the skip messages name this suite. */
const SUITE = "several instances";
const redisUrl = testRedisUrl(SUITE);
// throws in CI without TEST_DATABASE_URL; prints why the suite is skipped otherwise
const onPostgres = testEngines().includes("postgres");
reportSkippedPostgres(SUITE);

/** The bound: what one instance changes shows on the others within this. */
const WITHIN_2_S = { timeout: 2000, interval: 25 };

const ADMIN = "multi-admin@example.com";
/** Votes per account per minute on both instances: small, so a test can spend it. */
const VOTE_LIMIT = 3;

/** A tool whose page the tests change (X), and one with no tie to it (Y): another category, neither names the other. */
const X = "cursor";
const Y = "helicone";
const pageOf = (slug: string) => `/tools/${slug}`;

/** The community figure a tool page shows, e.g. "100% ship · 1 vote". */
function communityFigure(html: string, slug: string): string | undefined {
  return new RegExp(`data-swap="community:${slug}">([^<]*)<`).exec(html)?.[1];
}

/** What `signIn` needs to sign in over real HTTP to one instance: fetch, redirects kept. */
function over(instance: RunningInstance, db: TestDatabase) {
  return {
    db,
    request: (path: string, init?: RequestInit) =>
      fetch(`${instance.url}${path}`, { redirect: "manual", ...init }),
  };
}

/** An anonymous GET, read to the end. */
async function anonymous(instance: RunningInstance, path: string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${instance.url}${path}`, { redirect: "manual" });
  return { status: res.status, html: await res.text() };
}

/** A signed-in form post to any instance, with the session's cookie and CSRF token. */
function postAs(
  session: TestSession,
  instance: RunningInstance,
  path: string,
  fields: Record<string, string>,
) {
  return fetch(`${instance.url}${path}`, {
    ...form({ _csrf: session.csrf, ...fields }, { cookie: session.cookie }),
    redirect: "manual",
  });
}

describe.skipIf(!redisUrl || !onPostgres)("two instances on one PostgreSQL and one Redis", () => {
  const ns = testNamespace();
  let db: TestDatabase;
  let poolA: DatabaseHandle;
  let poolB: DatabaseHandle;
  let a: RunningInstance;
  let b: RunningInstance;
  /** A's database calls, to see its change-stamp watcher read (see stampReadsOfA). */
  let callsOfA: MockInstance;

  /** How many times A's watcher has read the change stamp so far. */
  const stampReadsOfA = () => callsOfA.mock.calls.filter(([table]) => table === "site_changes").length;

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    // boards computed up front, so neither instance's start-up recompute clears pages mid-test
    await recomputeBoards(db.db);
    // each instance its own pool, as each process of a deployment has
    [poolA, poolB] = await Promise.all([anotherConnection(db), anotherConnection(db)]);
    callsOfA = vi.spyOn(poolA.db, "selectFrom");
    const config = loadConfig({
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      SITE_URL: "http://localhost:3000",
      DATA_DIR: mkdtempSync(join(tmpdir(), "shiporskip-multi-")),
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      REDIS_URL: redisUrl,
      ADMIN_EMAILS: ADMIN,
      VOTE_RATE_LIMIT: String(VOTE_LIMIT),
      LOG_LEVEL: "warn",
    });
    const start = (pool: DatabaseHandle) =>
      startInstance({
        config,
        db: pool.db,
        // this run's own keys and channel on the shared Redis
        sharedState: { keyPrefix: `${ns}rl:`, channel: `${ns}cache` },
        mailer: { kind: "outbox", send: async () => {}, close() {} },
      });
    [a, b] = await Promise.all([start(poolA), start(poolB)]);
  });

  afterAll(async () => {
    for (const instance of [a, b]) {
      if (!instance) continue;
      const closed = once(instance.server, "close");
      await instance.stop();
      await closed;
    }
    await Promise.all([poolA?.close(), poolB?.close()]);
    await db?.dispose();
    if (redisUrl) await deleteKeys(redisUrl, ns);
  });

  it("runs two instances that share state through Redis, each on its own port", () => {
    expect([a.sharing, b.sharing]).toEqual(["redis", "redis"]);
    expect(a.url).not.toBe(b.url);
  });

  it("shows a vote made through A on B's page within 2 s, though B had the page cached", async () => {
    // signing in changes no public page, so it leaves B's cache alone
    const voter = await signIn(over(a, db), "multi-voter@example.com");
    const before = await anonymous(b, pageOf(X));
    expect(before.status).toBe(200);
    expect(communityFigure(before.html, X)).toBe("No community votes yet");
    expect(b.deps.cache.has(pageOf(X))).toBe(true);

    const vote = await voter.post(`${pageOf(X)}/vote`, { value: "ship" });
    expect(vote.status).toBe(303);

    await vi.waitFor(async () => {
      const after = await anonymous(b, pageOf(X));
      expect(communityFigure(after.html, X)).toBe("100% ship · 1 vote");
    }, WITHIN_2_S);
  });

  it("holds a rate limit spent on A on B too", async () => {
    const reader = await signIn(over(a, db), "multi-rate@example.com");
    const values = ["ship", "skip", "ship"];
    expect(values).toHaveLength(VOTE_LIMIT);
    for (const value of values) {
      expect((await postAs(reader, a, "/tools/ollama/vote", { value })).status).toBe(303);
    }
    // B has counted nothing for this account itself: only the counter in Redis says it is spent
    const onB = await postAs(reader, b, "/tools/ollama/vote", { value: "skip" });
    expect(onB.status).toBe(429);
    expect(onB.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await onB.text()).toContain("You are voting faster than anyone reads.");
    // and the vote B refused was not recorded: the page still shows the third vote's value
    const page = await anonymous(b, "/tools/ollama");
    expect(communityFigure(page.html, "ollama")).toBe("100% ship · 1 vote");
  });

  it("drops X's page on A when an admin edits X through B, and keeps Y's page cached", async () => {
    const admin = await signIn(over(b, db), ADMIN);
    // the votes of the tests above refresh the figures on tool pages a few seconds later: let
    // that pass first, so only the edit can drop a page here
    await vi.waitFor(() => expect(a.deps.cache.refreshingFigures).toBe(false), {
      timeout: FIGURES_REFRESH_MS + 2000,
      interval: 50,
    });
    for (const slug of [X, Y]) expect((await anonymous(a, pageOf(slug))).status).toBe(200);
    expect(a.deps.cache.has(pageOf(X))).toBe(true);
    expect(a.deps.cache.has(pageOf(Y))).toBe(true);

    const opened = await admin.get(`/admin/tools/${X}/edit`);
    expect(opened.status).toBe(200);
    const entry = "Free while this test runs";
    const stampBefore = await readChangeStamp(db.db);
    const saved = await admin.post(`/admin/tools/${X}/edit`, {
      ...formFields(await opened.text()),
      "pricing.entry": entry,
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/admin/tools?saved=${X}&result=update`);

    await vi.waitFor(async () => {
      expect((await anonymous(a, pageOf(X))).html).toContain(entry);
    }, WITHIN_2_S);

    // Both ways A hears of B's write must have arrived before Y's page is judged: Redis did
    // (X is fresh); the change stamp has once B's move is in the database and A's watcher has
    // read it, which two reads begun after the move guarantee (the first may be under way).
    await vi.waitFor(
      async () => expect(await readChangeStamp(db.db)).toBeGreaterThan(stampBefore),
      WITHIN_2_S,
    );
    const readsSoFar = stampReadsOfA();
    await vi.waitFor(() => expect(stampReadsOfA()).toBeGreaterThanOrEqual(readsSoFar + 2), {
      timeout: 3 * CHANGE_POLL_MS,
      interval: 50,
    });
    expect(a.deps.cache.has(pageOf(Y))).toBe(true);
  }, 30_000);
});
