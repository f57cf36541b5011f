import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TestApp } from "../../test/support/app.ts";
import { createTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { deleteKeys, testNamespace, testRedisUrl } from "../../test/support/redis.ts";
import { signIn } from "../../test/support/session.ts";
import { createApp } from "../app.tsx";
import { loadConfig } from "../config.ts";
import type { OutgoingMail } from "../mail/mailer.ts";
import { startServer } from "../server.ts";
import { type CachedPage, EVERY_PAGE, PageCache, type PageScope } from "./page-cache.ts";
import { connectCacheBus } from "./redis-cache-bus.ts";
import { closeRedisClient, createRedisClient, type RedisClient, waitUntilReady } from "./redis-client.ts";
import { RedisRateLimitStore } from "./redis-rate-limit.ts";
import { createSharedState, type SharedState } from "./shared-state.ts";

const url = testRedisUrl("Redis shared state");
const ns = testNamespace();

const page = (text: string): CachedPage => ({
  status: 200,
  body: Buffer.from(text),
  etag: `"${text}"`,
  headers: {},
});

/** How long to wait for another connection's message to arrive before failing. */
const ARRIVES = { timeout: 2000, interval: 5 };

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function connected(role: string): Promise<RedisClient> {
  const client = createRedisClient(url!, { role });
  if (!(await waitUntilReady(client, 2000))) throw new Error(`Redis at ${url} is not answering`);
  return client;
}

function sharedState(prefix: string): Promise<SharedState> {
  return createSharedState(
    { redisUrl: url, pageCache: true },
    { keyPrefix: `${prefix}rl:`, channel: `${prefix}cache` },
  );
}

describe("shared state without REDIS_URL", () => {
  it("keeps rate limits and the page cache in process", async () => {
    const state = await createSharedState({ redisUrl: undefined, pageCache: true });
    expect(state.kind).toBe("memory");
    expect((await state.rateLimits.hit("k", 60_000)).count).toBe(1);
    state.cache.set("/", page("a"), state.cache.currentGeneration);
    state.cache.invalidate();
    expect(state.cache.get("/")).toBeUndefined();
    await state.close();
  });
});

describe.skipIf(!url)("RedisRateLimitStore", () => {
  const prefix = `${ns}rl:`;
  let a: RedisClient;
  let b: RedisClient;
  let storeA: RedisRateLimitStore;
  let storeB: RedisRateLimitStore;
  // Both instances read this clock; Redis keeps its own for expiry.
  let clock = Date.parse("2026-06-01T10:00:00Z");
  const now = () => clock;

  beforeAll(async () => {
    [a, b] = await Promise.all([connected("test-a"), connected("test-b")]);
    storeA = new RedisRateLimitStore(a, { prefix, now });
    storeB = new RedisRateLimitStore(b, { prefix, now });
  });
  afterAll(async () => {
    await Promise.all([a, b].map((c) => c && closeRedisClient(c)));
    await deleteKeys(url!, ns);
  });

  it("shares one counter between instances, under the given prefix", async () => {
    const first = await storeA.hit("shared", 60_000);
    const second = await storeB.hit("shared", 60_000);
    const third = await storeA.hit("shared", 60_000);
    expect([first.count, second.count, third.count]).toEqual([1, 2, 3]);
    expect(Math.abs(third.resetAt - first.resetAt)).toBeLessThan(200);
    expect(first.resetAt - clock).toBeGreaterThan(58_000);
    expect(first.resetAt - clock).toBeLessThanOrEqual(60_000);
    expect(await a.get(`${prefix}shared`)).toBe("3");
    expect(await a.pTTL(`${prefix}shared`)).toBeGreaterThan(58_000);
  });

  it("starts a new window once the old one expires", async () => {
    await storeA.hit("short", 300);
    const second = await storeB.hit("short", 300);
    expect(second.count).toBe(2);
    expect(await a.pTTL(`${prefix}short`)).toBeGreaterThan(0);
    expect(await a.pTTL(`${prefix}short`)).toBeLessThanOrEqual(300);
    // The window ends: our clock passes its end, and Redis expires the key (brought forward to
    // 1 ms, so the test need not sit out the rest of the window).
    clock = second.resetAt + 50;
    await a.pExpire(`${prefix}short`, 1);
    await vi.waitFor(async () => expect(await a.exists(`${prefix}short`)).toBe(0), ARRIVES);
    const fresh = await storeA.hit("short", 300);
    expect(fresh.count).toBe(1);
    expect(fresh.resetAt).toBeGreaterThan(second.resetAt);
  });

  it("counts exactly under 200 concurrent hits from two instances", async () => {
    const hits = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? storeA : storeB).hit("burst", 60_000)),
    );
    const counts = hits.map((h) => h.count).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it("checks a window without counting, on either instance", async () => {
    expect((await storeA.check("peek", 60_000)).count).toBe(0);
    expect(await a.exists(`${prefix}peek`)).toBe(0);
    const first = await storeA.hit("peek", 60_000);
    const seen = await storeB.check("peek", 60_000);
    expect(seen.count).toBe(1);
    expect(Math.abs(seen.resetAt - first.resetAt)).toBeLessThan(200);
    expect((await storeB.check("peek", 60_000)).count).toBe(1);
    expect((await storeB.hit("peek", 60_000)).count).toBe(2);
  });

  it("loads its script again after the server forgets it", async () => {
    await storeA.hit("flushed", 60_000);
    await a.scriptFlush();
    expect((await storeA.hit("flushed", 60_000)).count).toBe(2);
    await a.scriptFlush();
    expect((await storeA.check("flushed", 60_000)).count).toBe(2);
  });
});

describe.skipIf(!url)("Redis unreachable", () => {
  it("fails open to per-instance counts with one warning, without waiting on Redis", async () => {
    const down = `redis://127.0.0.1:${await closedPort()}`;
    const clientWarn = vi.fn();
    const client = createRedisClient(down, { role: "test-down", connectTimeoutMs: 200, warn: clientWarn });
    const warn = vi.fn();
    const store = new RedisRateLimitStore(client, { prefix: `${ns}rl:`, warn });
    try {
      const started = Date.now();
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) counts.push((await store.hit("open", 60_000)).count);
      expect(Date.now() - started).toBeLessThan(500);
      expect(counts).toEqual([1, 2, 3]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[0]).toMatch(/counted per instance/);
      await vi.waitFor(() => expect(clientWarn).toHaveBeenCalled(), ARRIVES);
      expect(clientWarn).toHaveBeenCalledTimes(1);
    } finally {
      await closeRedisClient(client);
    }
  });

  it("still starts, within its connect timeout, and serves requests", async () => {
    const down = `redis://127.0.0.1:${await closedPort()}`;
    const warn = vi.fn();
    const started = Date.now();
    const state = await createSharedState(
      { redisUrl: down, pageCache: true },
      { connectTimeoutMs: 200, warn },
    );
    try {
      expect(Date.now() - started).toBeLessThan(1500);
      expect(state.kind).toBe("redis");
      expect(warn.mock.calls.some(([m]) => /not reachable yet/.test(m))).toBe(true);
      expect((await state.rateLimits.hit("k", 60_000)).count).toBe(1);
      state.cache.set("/", page("a"), state.cache.currentGeneration);
      state.cache.invalidate();
      expect(state.cache.get("/")).toBeUndefined();
    } finally {
      await state.close();
    }
  });
});

describe.skipIf(!url)("page-cache invalidation over Redis", () => {
  const prefix = `${ns}bus:`;
  let one: SharedState;
  let two: SharedState;

  beforeAll(async () => {
    [one, two] = await Promise.all([sharedState(prefix), sharedState(prefix)]);
  });
  afterAll(async () => {
    await Promise.all([one, two].map((s) => s?.close()));
  });

  it("clears every instance's cache when one invalidates", async () => {
    one.cache.set("/tools", page("one"), one.cache.currentGeneration);
    two.cache.set("/tools", page("two"), two.cache.currentGeneration);
    one.cache.invalidate();
    expect(one.cache.get("/tools")).toBeUndefined();
    await vi.waitFor(() => expect(two.cache.get("/tools")).toBeUndefined(), ARRIVES);
  });

  it("does not store a render that began before another instance's write", async () => {
    const generation = two.cache.currentGeneration;
    one.cache.invalidate();
    await vi.waitFor(() => expect(two.cache.currentGeneration).not.toBe(generation), ARRIVES);
    two.cache.set("/stale", page("stale"), generation);
    expect(two.cache.get("/stale")).toBeUndefined();
  });

  it("ignores messages carrying its own id, so pages rendered after its write survive", async () => {
    const channel = `${prefix}echo`;
    const cache = new PageCache(true);
    const [publisher, subscriber, raw] = await Promise.all([
      connected("test-pub"),
      connected("test-sub"),
      connected("test-raw"),
    ]);
    const bus = await connectCacheBus(cache, { publisher, subscriber, channel });
    try {
      const start = cache.currentGeneration;
      cache.set("/fresh", page("fresh"), start);
      // A PING's reply follows, on the subscriber's own connection, every message published before it.
      await raw.publish(channel, JSON.stringify({ from: bus.instanceId, scope: EVERY_PAGE }));
      await subscriber.ping();
      expect(cache.currentGeneration).toBe(start);
      expect(cache.get("/fresh")).toBeDefined();
      await raw.publish(channel, JSON.stringify({ from: "another-instance", scope: EVERY_PAGE }));
      await subscriber.ping();
      expect(cache.currentGeneration).toBe(start + 1);
      expect(cache.get("/fresh")).toBeUndefined();
    } finally {
      await bus.close();
      await Promise.all([publisher, subscriber, raw].map((c) => closeRedisClient(c)));
    }
  });
});

describe.skipIf(!url)("scoped page-cache invalidation over Redis", () => {
  const prefix = `${ns}scope:`;
  /** What the pages show: two tools, a comparison of one of them, a list. */
  const SHOWN: Record<string, PageScope> = {
    "/tools/cursor": { tools: ["cursor"], categories: ["coding"], figures: true },
    "/tools/chatgpt": { tools: ["chatgpt"], categories: ["chat"], figures: true },
    "/compare/aider-vs-cursor": { tools: ["aider", "cursor"], pairs: ["aider-vs-cursor"] },
    "/tools": { lists: ["catalog"], figures: true },
  };
  const storeAll = (cache: PageCache) => {
    for (const [key, shows] of Object.entries(SHOWN))
      cache.set(key, page(key), cache.currentGeneration, shows);
  };
  const kept = (cache: PageCache) => Object.keys(SHOWN).filter((key) => cache.has(key));

  it("hands another instance the same scope, which drops only the pages it touches there", async () => {
    const [one, two] = await Promise.all([sharedState(prefix), sharedState(prefix)]);
    try {
      storeAll(two.cache);
      const heard = vi.spyOn(two.cache, "invalidateLocal");
      const vote: PageScope = { tools: ["cursor"], figures: true };
      one.cache.invalidate(vote);
      await vi.waitFor(() => expect(heard).toHaveBeenCalledTimes(1), ARRIVES);
      expect(heard).toHaveBeenCalledWith(vote);
      expect(kept(two.cache)).toEqual(["/tools/chatgpt", "/tools"]);
      // the lists' figures are refreshed there on its own timer
      expect(two.cache.refreshingFigures).toBe(true);
    } finally {
      await Promise.all([one, two].map((s) => s.close()));
      for (const s of [one, two]) s.cache.close();
    }
  });

  it.each([
    ["not JSON", "{not json"],
    ["JSON null", "null"],
    ["a bare string", JSON.stringify("another-instance")],
    ["no scope", JSON.stringify({ from: "another-instance" })],
    ["a null scope", JSON.stringify({ from: "another-instance", scope: null })],
    [
      "a scope whose tools are not a list",
      JSON.stringify({ from: "another-instance", scope: { tools: "cursor" } }),
    ],
    ["a scope whose lists are a number", JSON.stringify({ from: "another-instance", scope: { lists: 5 } })],
  ])("clears every page on a message it cannot read: %s", async (_, message) => {
    const channel = `${prefix}unreadable`;
    const cache = new PageCache(true);
    const [publisher, subscriber, raw] = await Promise.all([
      connected("test-pub"),
      connected("test-sub"),
      connected("test-raw"),
    ]);
    const bus = await connectCacheBus(cache, { publisher, subscriber, channel });
    try {
      storeAll(cache);
      await raw.publish(channel, message);
      await subscriber.ping();
      expect(kept(cache)).toEqual([]);
      // and it still hears the next message
      storeAll(cache);
      await raw.publish(
        channel,
        JSON.stringify({ from: "another-instance", scope: { categories: ["chat"] } }),
      );
      await subscriber.ping();
      expect(kept(cache)).toEqual(["/tools/cursor", "/compare/aider-vs-cursor", "/tools"]);
    } finally {
      await bus.close();
      await Promise.all([publisher, subscriber, raw].map((c) => closeRedisClient(c)));
    }
  });
});

describe.skipIf(!url)("two app instances over Redis", () => {
  const prefix = `${ns}http:`;
  let db: TestDatabase;
  let stateA: SharedState;
  let stateB: SharedState;
  let appA: TestApp;
  let serverB: Server;
  let urlB: string;

  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    const config = loadConfig({
      NODE_ENV: "test",
      SITE_URL: "http://localhost:3000",
      DATA_DIR: mkdtempSync(join(tmpdir(), "shiporskip-data-")),
      REDIS_URL: url,
    });
    [stateA, stateB] = await Promise.all([sharedState(prefix), sharedState(prefix)]);
    const build = (state: SharedState, mail: OutgoingMail[]) =>
      createApp({
        db: db.db,
        config,
        cache: state.cache,
        rateLimits: state.rateLimits,
        mailer: { kind: "outbox", send: async (m) => void mail.push(m), close() {} },
      });
    const mailA: OutgoingMail[] = [];
    const a = build(stateA, mailA);
    appA = {
      request: async (path, init) => a.app.request(path, init),
      requestFrom: async (address, path, init) =>
        a.app.request(path, init, { incoming: { socket: { remoteAddress: address } } }),
      db,
      app: a.app,
      deps: a.deps,
      mail: mailA,
      dispose: db.dispose,
    };
    const b = build(stateB, []);
    ({ server: serverB, url: urlB } = await startServer({
      app: b.app,
      cache: b.deps.cache,
      port: 0,
      host: "127.0.0.1",
    }));
  });
  afterAll(async () => {
    if (serverB) await new Promise<void>((resolve) => serverB.close(() => resolve()));
    await Promise.all([stateA, stateB].map((s) => s?.close()));
    await db?.dispose();
    if (url) await deleteKeys(url, ns);
  });

  const communityLabel = (html: string) => /data-swap="community:cursor">([^<]*)</.exec(html)?.[1];

  it("a vote on instance A makes instance B's cached anonymous page fresh", async () => {
    // Signing in is a write too; do it before B caches the page so only the vote can clear it.
    const voter = await signIn(appA, "redis-voter@example.com");
    const before = await fetch(`${urlB}/tools/cursor`);
    expect(before.status).toBe(200);
    const labelBefore = communityLabel(await before.text());
    expect(labelBefore).toBeDefined();
    expect(stateB.cache.get("/tools/cursor")).toBeDefined();
    const cached = await fetch(`${urlB}/tools/cursor`);
    expect(cached.headers.get("etag")).toBe(before.headers.get("etag"));

    const vote = await voter.post("/tools/cursor/vote", { value: "ship" });
    expect(vote.status).toBe(303);
    await vi.waitFor(() => expect(stateB.cache.get("/tools/cursor")).toBeUndefined(), ARRIVES);

    const after = await fetch(`${urlB}/tools/cursor`);
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
    const labelAfter = communityLabel(await after.text());
    expect(labelAfter).not.toBe(labelBefore);
    expect(labelAfter).toMatch(/ship · \d+ votes?/);
  });
});
