/**
 * Finding 7 of issue 11: while Redis is unreachable, a write on one instance must still reach
 * the others' page caches, through the database's change stamp, within its poll interval.
 */
import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TestApp } from "../../test/support/app.ts";
import { createTestDatabase, reportSkippedPostgres, type TestDatabase } from "../../test/support/db.ts";
import { deleteKeys, testNamespace, testRedisUrl } from "../../test/support/redis.ts";
import { signIn } from "../../test/support/session.ts";
import { createApp } from "../app.tsx";
import { loadConfig } from "../config.ts";
import { startServer } from "../server.ts";
import { type ChangeWatcher, shareChangesThroughStamp } from "./change-stamp.ts";
import { createSharedState, type SharedState } from "./shared-state.ts";

const redisUrl = testRedisUrl("Redis outage");
const pgUrl = process.env.TEST_DATABASE_URL;
reportSkippedPostgres("the Redis outage");
const ns = testNamespace();

/** How often each instance reads the stamp in this test. */
const POLL_MS = 200;

/**
 * A TCP relay in front of the shared Redis, so this test can make Redis unreachable for its own
 * instances without stopping the server other suites use.
 */
async function redisRelay(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(Number(port || 6379), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const { port: relayPort } = relay.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${relayPort}`,
    /** Refuses new connections and drops the open ones: Redis is gone for whoever uses the relay. */
    cut: () => {
      relay.close();
      for (const s of sockets) s.destroy();
    },
  };
}

describe.skipIf(!redisUrl || !pgUrl)("two instances on PostgreSQL while Redis is unreachable", () => {
  let db: TestDatabase;
  let relay: Awaited<ReturnType<typeof redisRelay>>;
  let stateA: SharedState;
  let stateB: SharedState;
  let watchers: ChangeWatcher[] = [];
  let appA: TestApp;
  let serverB: Server;
  let urlB: string;
  const warnings: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    relay = await redisRelay(redisUrl!);
    const config = loadConfig({
      NODE_ENV: "test",
      SITE_URL: "http://localhost:3000",
      DATA_DIR: mkdtempSync(join(tmpdir(), "shiporskip-data-")),
      REDIS_URL: relay.url,
    });
    const shared = () =>
      createSharedState(
        { redisUrl: relay.url, pageCache: true },
        { keyPrefix: `${ns}rl:`, channel: `${ns}cache`, warn: (m) => void warnings.push(m) },
      );
    [stateA, stateB] = await Promise.all([shared(), shared()]);
    const build = (state: SharedState) => {
      const built = createApp({
        db: db.db,
        config,
        cache: state.cache,
        rateLimits: state.rateLimits,
        mailer: { kind: "outbox", send: async () => {}, close() {} },
      });
      // as src/main.ts wires it
      watchers.push(shareChangesThroughStamp({ db: db.db, cache: built.deps.cache, intervalMs: POLL_MS }));
      return built;
    };
    const a = build(stateA);
    appA = {
      request: async (path, init) => a.app.request(path, init),
      requestFrom: async (address, path, init) =>
        a.app.request(path, init, { incoming: { socket: { remoteAddress: address } } }),
      db,
      app: a.app,
      deps: a.deps,
      mail: [],
      dispose: db.dispose,
    };
    const b = build(stateB);
    await Promise.all(watchers.map((w) => w.ready));
    ({ server: serverB, url: urlB } = await startServer({
      app: b.app,
      cache: b.deps.cache,
      port: 0,
      host: "127.0.0.1",
    }));
  });
  afterAll(async () => {
    if (serverB) await new Promise<void>((resolve) => serverB.close(() => resolve()));
    await Promise.all(watchers.map((w) => w.stop()));
    watchers = [];
    await Promise.all([stateA, stateB].map((s) => s?.close()));
    relay?.cut();
    await db?.dispose();
    if (redisUrl) await deleteKeys(redisUrl, ns);
  });

  const communityLabel = (html: string) => /data-swap="community:cursor">([^<]*)</.exec(html)?.[1];

  it("a vote on one instance shows on the other within the stamp's poll interval", async () => {
    const voter = await signIn(appA, "outage-voter@example.com");
    const before = await fetch(`${urlB}/tools/cursor`);
    expect(before.status).toBe(200);
    const labelBefore = communityLabel(await before.text());
    expect(labelBefore).toBeDefined();
    // B holds the page and answers from its cache
    await vi.waitFor(() => expect(stateB.cache.get("/tools/cursor")).toBeDefined(), { timeout: 5 * POLL_MS });

    relay.cut();
    // every connection of both instances (commands and subscribers) has noticed
    await vi.waitFor(() => expect(warnings.filter((w) => /is unavailable/.test(w))).toHaveLength(4), {
      timeout: 5000,
      interval: 10,
    });
    // nothing has cleared B's page yet (signing in makes no page stale): only the vote can
    expect(stateB.cache.get("/tools/cursor")).toBeDefined();

    const vote = await voter.post("/tools/cursor/vote", { value: "ship" });
    expect(vote.status).toBe(303);
    const votedAt = Date.now();
    // one poll, plus the time a read and a render take
    await vi.waitFor(
      async () => {
        const label = communityLabel(await (await fetch(`${urlB}/tools/cursor`)).text());
        expect(label).not.toBe(labelBefore);
        expect(label).toMatch(/ship · \d+ votes?/);
      },
      { timeout: 3 * POLL_MS, interval: 20 },
    );
    expect(Date.now() - votedAt).toBeLessThan(3 * POLL_MS);
  });
});
