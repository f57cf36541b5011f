/**
 * What an operator watches, over real HTTP against an instance started as main.ts starts one
 * (src/instance.ts), on SQLite and (with TEST_DATABASE_URL) PostgreSQL: /healthz and /readyz,
 * including with the database gone; the request log (JSON lines, one per request, page-cache
 * hits too, no cookie, token or address in them, errors with the request's id); and /metrics
 * (Prometheus text that moves when a vote is cast, loopback or token only).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { SESSION_COOKIE } from "../src/features/accounts/index.ts";
import { createSignInLink } from "../src/features/accounts/service.ts";
import { createLogger } from "../src/http/log.ts";
import { type RunningInstance, startInstance } from "../src/instance.ts";
import { createTestDatabase, reportSkippedPostgres, type TestDatabase, testEngines } from "./support/db.ts";
import { signIn, type TestSession } from "./support/session.ts";

reportSkippedPostgres("health, logs and metrics");

const METRICS_TOKEN = "metrics-token-for-the-test-0123456789";
const EMAIL = "observed-reader@example.com";

/** A Prometheus text exposition as samples: `name{labels}` → value; throws on a line that is neither. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/.exec(
      line,
    );
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const raw = m[3] as string;
    // Prometheus reads NaN in any case (prom-client writes "Nan" for a mean of nothing yet)
    const value = /^nan$/i.test(raw) ? Number.NaN : raw === "+Inf" ? Number.POSITIVE_INFINITY : Number(raw);
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`not a number: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ""}`, value);
  }
  return samples;
}

for (const engine of testEngines()) {
  describe(`health, request logs and metrics on ${engine}`, () => {
    let db: TestDatabase;
    let instance: RunningInstance;
    const written: string[] = [];
    const lines = () => written.join("").split("\n").filter(Boolean);
    const records = () => lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    let session: TestSession;

    const get = (path: string, init?: RequestInit) =>
      fetch(`${instance.url}${path}`, { redirect: "manual", ...init });
    const scrape = async () => {
      const res = await get("/metrics");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      return parsePrometheus(await res.text());
    };

    beforeAll(async () => {
      db = await createTestDatabase(engine);
      const config = loadConfig({
        NODE_ENV: "test",
        HOST: "127.0.0.1",
        PORT: "0",
        SITE_URL: "http://localhost:3000",
        DATA_DIR: mkdtempSync(join(tmpdir(), "shiporskip-observed-")),
        LOG_LEVEL: "info",
        METRICS_TOKEN,
      });
      const log = createLogger(config, { write: (chunk: string) => void written.push(chunk) });
      instance = await startInstance({
        config,
        db: db.db,
        log,
        mailer: { kind: "outbox", send: async () => {}, close() {} },
      });
      // a route that fails, added before the first request builds the router
      instance.app.get("/explode/:what", () => {
        throw new Error("the test's failure");
      });
      session = await signIn({ db, request: get }, EMAIL);
    });

    afterAll(async () => {
      await instance?.stop(1000);
      await db?.dispose().catch(() => {});
    });

    it("answers /healthz and /readyz while all is well", async () => {
      const health = await get("/healthz");
      expect(health.status).toBe(200);
      expect(await health.text()).toBe("ok\n");
      const ready = await get("/readyz");
      expect(ready.status).toBe(200);
      expect(ready.headers.get("cache-control")).toBe("no-store");
      expect(await ready.json()).toMatchObject({
        status: "ready",
        database: { ok: true, engine, migrations: "current" },
        redis: "not configured",
        newsletter: { schedule: null, stopped: false },
      });
    });

    it("logs one JSON line per request, hits included, with the route pattern and the id it sends back", async () => {
      written.length = 0;
      const miss = await get("/tools/cursor");
      await miss.text();
      const hit = await get("/tools/cursor");
      await hit.arrayBuffer();
      // fetch decodes the body: the bytes sent are what the header says
      const sent = Number(hit.headers.get("content-length"));
      const ids = [miss.headers.get("x-request-id"), hit.headers.get("x-request-id")];
      expect(ids[0]).toBeTruthy();
      expect(ids[1]).toBeTruthy();
      expect(ids[0]).not.toBe(ids[1]);
      // the line is written when the answer is done: wait for both
      await expect.poll(() => records().filter((r) => r.msg === "request").length).toBeGreaterThanOrEqual(2);
      const [first, second] = records().filter((r) => r.msg === "request");
      expect(first).toMatchObject({ reqId: ids[0], method: "GET", route: "/tools/:slug", status: 200 });
      expect(first?.cache).toBeUndefined();
      expect(second).toMatchObject({
        reqId: ids[1],
        method: "GET",
        route: "/tools/:slug",
        status: 200,
        cache: "hit",
        bytes: sent,
        level: 30,
      });
      expect(typeof second?.ms).toBe("number");
      expect(typeof second?.time).toBe("number");
      // health checks are not logged at info
      await (await get("/healthz")).text();
      await (await get("/readyz")).text();
      expect(records().filter((r) => r.route === "/healthz" || r.route === "/readyz")).toEqual([]);
    });

    it("never logs a cookie, a token, a query value or an address", async () => {
      written.length = 0;
      const cookieValue = session.cookie.slice(SESSION_COOKIE.length + 1);
      const token = await createSignInLink(db.db, { email: "second-reader@example.com", returnTo: "/" });
      const signedIn = await session.get("/account");
      expect(signedIn.status).toBe(200);
      await signedIn.text();
      const link = await get(`/sign-in/confirm?token=${token}`, { headers: { cookie: session.cookie } });
      await link.text();
      const asked = await get("/sign-in", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: "third-reader@example.com" }).toString(),
      });
      await asked.text();
      const search = await get("/tools?q=secret-search-words");
      await search.text();
      const proxied = await get("/tools/aider", { headers: { "x-request-id": "forged-id-from-a-client" } });
      await proxied.text();
      await expect.poll(() => records().filter((r) => r.msg === "request").length).toBeGreaterThanOrEqual(5);
      const text = written.join("");
      for (const secret of [
        cookieValue,
        token,
        EMAIL,
        "second-reader@example.com",
        "third-reader@example.com",
        "secret-search-words",
        "@example.com",
      ]) {
        expect(text).not.toContain(secret);
      }
      // without TRUST_PROXY, a client's own X-Request-Id is not taken
      expect(proxied.headers.get("x-request-id")).not.toBe("forged-id-from-a-client");
      expect(text).not.toContain("forged-id-from-a-client");
      const routes = records().map((r) => r.route);
      expect(routes).toContain("/account");
      expect(routes).toContain("/sign-in/confirm");
      expect(routes).toContain("/tools");
    });

    it("logs a failure's stack once with the request id, and shows the visitor the friendly page", async () => {
      written.length = 0;
      const res = await get("/explode/now");
      expect(res.status).toBe(500);
      const html = await res.text();
      expect(html).toContain("Something went wrong on our side");
      expect(html).not.toContain("the test's failure");
      const id = res.headers.get("x-request-id");
      await expect.poll(() => records().filter((r) => r.msg === "request").length).toBe(1);
      const failures = records().filter((r) => r.msg === "request failed");
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ reqId: id, route: "/explode/:what", level: 50 });
      expect((failures[0]?.err as { stack?: string } | undefined)?.stack).toContain("the test's failure");
      expect(records().find((r) => r.msg === "request")).toMatchObject({ reqId: id, status: 500 });
    });

    it("serves Prometheus metrics from loopback, and a vote moves its counter", async () => {
      const before = await scrape();
      const vote = await session.post("/tools/cursor/vote", { value: "ship" });
      expect(vote.status).toBe(303);
      const after = await scrape();
      expect(after.get("community_votes_total")).toBe((before.get("community_votes_total") ?? 0) + 1);
      expect(after.get("page_cache_hits_total")).toBeGreaterThanOrEqual(1);
      expect(after.get("page_cache_misses_total")).toBeGreaterThanOrEqual(1);
      expect(after.get("newsletter_queue_depth")).toBe(0);
      expect(after.has('newsletter_deliveries{state="sent"}')).toBe(true);
      expect(after.get("process_resident_memory_bytes")).toBeGreaterThan(0);
      expect(after.has("nodejs_eventloop_lag_seconds")).toBe(true);
      const voteRequests = [...after.entries()].find(
        ([k]) =>
          k.startsWith("http_request_duration_seconds_count{") && k.includes('route="/tools/:slug/vote"'),
      );
      expect(voteRequests?.[1]).toBe(1);
      // every series is a route pattern, never a raw path
      expect([...after.keys()].some((k) => k.includes('route="/tools/cursor"'))).toBe(false);
    });

    it("refuses /metrics through a proxy unless given the token", async () => {
      const forwarded = { "x-forwarded-for": "203.0.113.9" };
      expect((await get("/metrics", { headers: forwarded })).status).toBe(403);
      expect(
        (await get("/metrics", { headers: { ...forwarded, authorization: "Bearer not-the-token-at-all" } }))
          .status,
      ).toBe(403);
      const allowed = await get("/metrics", {
        headers: { ...forwarded, authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(allowed.status).toBe(200);
      expect(parsePrometheus(await allowed.text()).has("page_cache_hits_total")).toBe(true);
    });

    it("says /readyz 503 and /healthz 200 once the database is gone", async () => {
      await db.close();
      const health = await get("/healthz");
      expect(health.status).toBe(200);
      const ready = await get("/readyz");
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: "not ready", database: { ok: false, engine } });
    });
  });
}

describe("readiness with Redis configured and unreachable", () => {
  let db: TestDatabase;
  let instance: RunningInstance;

  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    const config = loadConfig({
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      SITE_URL: "http://localhost:3000",
      DATA_DIR: mkdtempSync(join(tmpdir(), "shiporskip-observed-")),
      // a port nothing listens on: Redis is configured but down
      REDIS_URL: "redis://127.0.0.1:1",
      LOG_LEVEL: "silent",
    });
    instance = await startInstance({
      config,
      db: db.db,
      sharedState: { connectTimeoutMs: 200, warn: () => {} },
      mailer: { kind: "outbox", send: async () => {}, close() {} },
    });
  });

  afterAll(async () => {
    await instance?.stop(1000);
    await db?.dispose();
  });

  it("answers /readyz 503 naming Redis, and /healthz 200", async () => {
    expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${instance.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: "not ready",
      database: { ok: true },
      redis: { ok: false },
    });
  });
});
