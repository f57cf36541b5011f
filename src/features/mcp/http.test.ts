/**
 * The MCP server over Streamable HTTP: the real app on a loopback port, driven by the official
 * client in both protocol eras (2025 handshake, and the stateless 2026-07-28 revision), on
 * SQLite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { request as httpRequest } from "node:http";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { checkEveryTool, textOf } from "../../../test/support/mcp.ts";
import { insertRoundRobin, makeAccounts, toolSlugs } from "../../../test/support/picks.ts";
import { signIn } from "../../../test/support/session.ts";
import { startServer } from "../../server.ts";
import { leaderboardJobs } from "../leaderboard/index.ts";
import { leaderboardOutput, verdictOutput } from "./schemas.ts";

reportSkippedPostgres("MCP over HTTP");

const ERAS = [
  { era: "2025", negotiation: undefined },
  { era: "2026-07-28", negotiation: { mode: { pin: "2026-07-28" } } },
] as const;

const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

/** A raw JSON-RPC POST to /mcp with the given headers (fetch cannot set Host; node:http can). */
function rawPost(
  url: string,
  headers: Record<string, string>,
  body: unknown = INIT,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const target = new URL("/mcp", url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      target,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "content-length": Buffer.byteLength(data),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

/** The JSON-RPC message of an answer, sent as plain JSON or as one SSE event. */
function message(text: string) {
  const data = text.startsWith("{")
    ? text
    : text
        .split("\n")
        .find((l) => l.startsWith("data: "))
        ?.slice(6);
  return JSON.parse(data ?? "null");
}

describe.each(testEngines())("MCP over Streamable HTTP on %s", (engine) => {
  let t: TestApp;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    t = await createTestApp(engine);
    const started = await startServer({ app: t.app, cache: t.deps.cache, port: 0, host: "127.0.0.1" });
    url = started.url;
    close = () =>
      new Promise<void>((resolve) => {
        started.server.closeAllConnections();
        started.server.close(() => resolve());
      });
  });
  afterAll(async () => {
    await close?.();
    await t?.dispose();
  });

  async function connect(
    negotiation?: (typeof ERAS)[number]["negotiation"],
    init?: RequestInit,
  ): Promise<Client> {
    const client = new Client(
      { name: "ship-or-skip-test", version: "1.0.0" },
      negotiation ? { versionNegotiation: negotiation } : {},
    );
    await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", url), { requestInit: init }));
    return client;
  }

  it.each(ERAS)(
    "lists and calls every tool and reads resources ($era protocol)",
    async ({ era, negotiation }) => {
      const client = await connect(negotiation);
      try {
        expect(client.getProtocolEra()).toBe(era === "2025" ? "legacy" : "modern");
        await checkEveryTool(client);
      } finally {
        await client.close();
      }
    },
  );

  it("accepts the site's own Origin and refuses any other with a JSON-RPC error", async () => {
    const own = await connect(undefined, { headers: { Origin: "http://localhost:3000" } });
    expect((await own.listTools()).tools.length).toBe(5);
    await own.close();

    const foreign = await rawPost(url, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const body = message(foreign.text);
    expect(body.jsonrpc).toBe("2.0");
    expect(body.error.message).toContain("https://evil.example");
    // a look-alike on the site's host but another port or scheme is another origin
    expect((await rawPost(url, { origin: "http://localhost:3001" })).status).toBe(403);
    expect((await rawPost(url, { origin: "null" })).status).toBe(403);
    await expect(connect(undefined, { headers: { Origin: "https://evil.example" } })).rejects.toThrow();
  });

  it("refuses a Host that is neither the site's nor this machine's (DNS rebinding)", async () => {
    const rebound = await rawPost(url, { host: "attacker.example" });
    expect(rebound.status).toBe(403);
    expect(message(rebound.text).error.message).toMatch(/host/i);
    const local = await rawPost(url, { host: "localhost:3000" });
    expect(local.status).toBe(200);
    expect(message(local.text).result.serverInfo.name).toBe("ship-or-skip");
  });

  it("is not blocked by the forms' CSRF check: a signed-in cookie without a token still gets JSON-RPC", async () => {
    const session = await signIn(t, `mcp-${engine}@example.com`);
    const res = await rawPost(url, { cookie: session.cookie, origin: "http://localhost:3000" });
    expect(res.status).toBe(200);
    expect(message(res.text).result.protocolVersion).toBeTruthy();
    // the forms keep theirs
    const form = await session.post("/tools/cursor/vote", { value: "ship" }, { csrf: false });
    expect(form.status).toBe(403);
  });

  it("counts requests per client against a rate limit and says so in headers", async () => {
    const res = await rawPost(url, {});
    expect(res.status).toBe(200);
    expect(res.headers["ratelimit-policy"]).toBe('"mcp";q=300;w=60');
    expect(res.headers.ratelimit).toMatch(/^"mcp";r=\d+;t=\d+$/);
  });

  it("refuses a client over MCP_RATE_LIMIT with 429 and Retry-After, counting each network apart", async () => {
    const limited = await createTestApp(engine, { MCP_RATE_LIMIT: "2" });
    try {
      const post = (address: string) =>
        limited.requestFrom(address, "/mcp", {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify(INIT),
        });
      expect((await post("203.0.113.7")).status).toBe(200);
      expect((await post("203.0.113.7")).status).toBe(200);
      const third = await post("203.0.113.7");
      expect(third.status).toBe(429);
      expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await post("198.51.100.1")).status).toBe(200);
    } finally {
      await limited.dispose();
    }
  });

  it("answers a body larger than JSON-RPC needs with 413, not the form page", async () => {
    const big = { ...INIT, params: { ...INIT.params, padding: "x".repeat(70 * 1024) } };
    const res = await rawPost(url, {}, big);
    expect(res.status).toBe(413);
    expect(res.text).not.toContain("<!doctype html>");
  });

  it("tells a model the allowed slug count when the SDK's input check refuses", async () => {
    const client = await connect();
    const res = await client.callTool({ name: "compare_tools", arguments: { slugs: [] } });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toContain("2 to 4");
    await client.close();
  });

  it("answers leaderboard with the stored board, the same as GET /api/v1/leaderboard, after picks and a recompute", async () => {
    const slugs = await toolSlugs(t.db.db, "coding-assistants");
    await insertRoundRobin(t.db.db, {
      users: await makeAccounts(t.db.db, 20, "mcp-fan"),
      slugs,
      strengths: [1.2, 0.6, 0, -0.6, -1.2],
      seed: 21,
    });
    expect((await leaderboardJobs(t.deps).runNow()).status).toBe("done");
    const client = await connect();
    try {
      const res = await client.callTool({
        name: "leaderboard",
        arguments: { category: "coding-assistants" },
      });
      expect(res.isError ?? false).toBe(false);
      const board = leaderboardOutput.parse(res.structuredContent);
      expect(board.entries.map((e) => e.slug).sort()).toEqual([...slugs].sort());
      expect(board.entries[0]?.rank).toBe(1);
      expect(board.counted).toBe(200);
      expect(board.message).toBeNull();
      // one projection: the tool's answer is the API's answer
      const api = await (await t.request("/api/v1/leaderboard?category=coding-assistants")).json();
      expect(res.structuredContent).toEqual(api);
      const first = board.entries[0];
      expect(textOf(res)).toContain(`1. ${first?.name} (${first?.slug}): ${Math.round(first?.rating ?? 0)}`);
      expect(textOf(res)).toContain("200 picks counted");
      const verdict = await client.callTool({ name: "get_verdict", arguments: { slug: first?.slug } });
      expect(verdictOutput.parse(verdict.structuredContent).headToHead?.rank).toBe(first?.rank);
    } finally {
      await client.close();
    }
  });
});
