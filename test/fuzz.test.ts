/**
 * Fuzzes every route of the app, through a real node:http server, with the classes of input
 * that broke the running site (issue 11): control characters (NUL, DEL), lone surrogates,
 * ids far beyond the integer range, over-long values, invalid UTF-8 and wrong content types,
 * in path parameters, query strings, form and JSON bodies, signed out and in each role.
 * A response must never be a 5xx, never lack the security headers and never be slow.
 * The seed is fixed so a run is repeatable; a failure names the request that caused it.
 */
import type { Server } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRole } from "../src/features/accounts/index.ts";
import { MemoryRateLimitStore } from "../src/http/rate-limit.ts";
import { startServer } from "../src/server.ts";
import { createTestApp, type TestApp } from "./support/app.ts";
import { reportSkippedPostgres, testEngines } from "./support/db.ts";
import { signIn } from "./support/session.ts";

reportSkippedPostgres("fuzzing every route");

const SEED = 20261207;
/** Requests per route, spread over the four roles. */
const RUNS_PER_ROUTE = 24;
const SLOW_MS = 5000;
const CONCURRENCY = 4;

const ROLES = ["signed out", "reader", "panelist", "admin"] as const;
type Role = (typeof ROLES)[number];
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

/** A value the server should take as it is: `text` is encoded for transport, `raw` sent verbatim. */
type Value = { text: string } | { raw: string };

const CONTROLS = [
  "\u0000",
  "\u0001",
  "\u0008",
  "\u000b",
  "\u000c",
  "\u001b",
  "\u001f",
  "\u007f",
  "\t",
  "\r\n",
];

/** The hostile classes; over-long values stay under node's 16 KB header limit in a URL. */
const hostileText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...CONTROLS), fc.string({ maxLength: 6 }))
      .map(([a, ch, b]) => a + ch + b),
  },
  { weight: 2, arbitrary: fc.constantFrom("\ud800", "\udfff", "a\ud83dz", "/\udc00") },
  { weight: 2, arbitrary: fc.stringMatching(/^-?[1-9][0-9]{9,24}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("0", "-1", "1.5", "1e3", "0x10", " 1", "2147483648", "9007199254740993"),
  },
  { weight: 1, arbitrary: fc.constantFrom(600, 5000).map((n) => "x".repeat(n)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("/\u007f", "/tools\u0000", "/\r\nx: y", "//evil.example", "/\u0085"),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
);
/** Return paths that must fall back rather than reach a Location header. */
const RETURN_PATHS = fc.constantFrom("/\u007f", "/tools/\u007f", "/\u0000", "/\u0085", "/\ud800");
const rawEscape: fc.Arbitrary<string> = fc.constantFrom(
  "%FF",
  "%C3%28",
  "%ED%A0%80",
  "%",
  "%zz",
  "a%00b",
  "%7F",
);
const hostileValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 6, arbitrary: hostileText.map((text) => ({ text })) },
  { weight: 1, arbitrary: rawEscape.map((raw) => ({ raw })) },
);

/** Valid-looking values of each parameter, field and query name the routes read. */
const PLAUSIBLE: Record<string, string[]> = {
  slug: ["cursor", "aider", "coding-assistants"],
  pair: ["cursor-vs-github-copilot"],
  id: ["1", "2", "3"],
  number: ["1"],
  persona: ["builder", "buyer"],
  name: ["mail.eml"],
  file: ["app.css"],
  return_to: ["/tools", "/compare/cursor-vs-github-copilot"],
  next: ["/tools", "/account"],
  value: ["ship", "skip", "none"],
  winner: ["cursor", "github-copilot"],
  email: ["someone@example.com"],
  reason: ["spam votes"],
  category: ["coding-assistants"],
  q: ["cursor", "code"],
  before: ["5", "100"],
  p: ["1"],
  n: ["2"],
  done: ["saved", "blocked"],
  revision: ["1"],
  score: ["60"],
  verdict: ["ship"],
  outcome: ["hit", "miss"],
  sort: ["score", "name"],
  intro: ["Hello"],
  description: ["A tool."],
  summary: ["Short."],
  display_name: ["Ada"],
  // the JSON API's query parameters
  limit: ["5", "100"],
  cursor: ["eyJ2IjoxLCJvIjo1LCJmIjoieCJ9"],
  tools: ["cursor,aider", "cursor,aider,github-copilot,claude-code"],
};
const FIELDS = [
  ...["return_to", "value", "winner", "email", "next", "token", "reason", "category", "slug", "name"],
  ...["description", "summary", "note", "display_name", "intro", "outcome", "prediction", "persona"],
  ...["revision", "score", "verdict", "base_revision", "draft_stamp", "tool_stamp", "homepage", "vendor"],
  ...["pricing", "confirmed"],
];
const QUERY = [
  ...["next", "q", "before", "p", "n", "done", "saved", "result", "token", "a", "b", "persona", "revision"],
  ...["intro", "reason", "sort", "category", "page", "return_to"],
  ...["limit", "cursor", "tools", "pricing", "deployment"],
];

/** Percent-encodes text for a URL or form body; a lone surrogate goes as its (invalid) UTF-8 bytes. */
function encode(v: Value): string {
  if ("raw" in v) return v.raw;
  let out = "";
  for (const ch of v.text) {
    const code = ch.codePointAt(0) ?? 0;
    out += code >= 0xd800 && code <= 0xdfff ? "%ED%A0%80" : encodeURIComponent(ch);
  }
  return out;
}

const BODY_KINDS = [
  "form",
  "json",
  "json-as-form",
  "form-as-json",
  "text",
  "multipart-no-boundary",
  "none",
] as const;

interface Case {
  method: string;
  params: Record<string, Value>;
  query: [string, Value][];
  fields: [string, Value][];
  body: (typeof BODY_KINDS)[number];
}

/** A plausible value of a name, fixed so that only the targeted slot varies. */
function plausibleFor(name: string): Value {
  return { text: PLAUSIBLE[name]?.[0] ?? "1" };
}

/**
 * One request: every field and parameter plausible except one targeted slot (a path parameter,
 * a return path, another field or a query parameter), which holds a hostile value.
 */
function caseFor(route: { method: string; path: string }): fc.Arbitrary<Case> {
  const names = [...route.path.matchAll(/:([a-z]+)/g)].map((m) => m[1] as string);
  const target = fc.oneof(
    ...(names.length > 0
      ? [{ weight: 3, arbitrary: fc.constantFrom(...names.map((n) => `param:${n}`)) }]
      : []),
    { weight: 2, arbitrary: fc.constantFrom("field:return_to", "field:next", "query:next") },
    { weight: 3, arbitrary: fc.constantFrom(...FIELDS.map((f) => `field:${f}`)) },
    { weight: 2, arbitrary: fc.constantFrom(...QUERY.map((q) => `query:${q}`)) },
  );
  return fc
    .record({
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      target,
      hostile: hostileValue,
      returnPath: RETURN_PATHS,
      asReturnPath: fc.boolean(),
      body: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom<Case["body"]>("form", "json") },
        { weight: 1, arbitrary: fc.constantFrom(...BODY_KINDS) },
      ),
    })
    .map(({ method, target, hostile, returnPath, asReturnPath, body }) => {
      const [slot, name = ""] = target.split(":");
      const bad: Value = /return_to|next/.test(name) && asReturnPath ? { text: returnPath } : hostile;
      const params = Object.fromEntries(
        names.map((n) => [n, slot === "param" && n === name ? bad : plausibleFor(n)]),
      );
      const fields = FIELDS.map((f): [string, Value] => [
        f,
        slot === "field" && f === name ? bad : plausibleFor(f),
      ]);
      const query: [string, Value][] = slot === "query" ? [[name, bad]] : [];
      return { method, params, query, fields, body };
    });
}

/** The request a case describes, for a signed-in session's cookie and CSRF token (or none). */
function requestFor(
  base: string,
  path: string,
  c: Case,
  session: { cookie: string; csrf: string } | undefined,
): { url: string; init: RequestInit; label: string } {
  const filled = path.replace(/:([a-z]+)/g, (_, n: string) => encode(c.params[n] ?? { text: "x" }));
  const query = c.query.map(([k, v]) => `${k}=${encode(v)}`).join("&");
  const url = `${base}${filled}${query ? `?${query}` : ""}`;
  const headers: Record<string, string> = session
    ? { cookie: session.cookie, "x-csrf-token": session.csrf }
    : {};
  const init: RequestInit = { method: c.method, headers, redirect: "manual" };
  if (c.method !== "GET" && c.method !== "HEAD" && c.body !== "none") {
    const asForm = c.fields.map(([k, v]) => `${k}=${encode(v)}`).join("&");
    const asJson = JSON.stringify(
      Object.fromEntries(c.fields.map(([k, v]) => [k, "raw" in v ? v.raw : v.text])),
    );
    const bodies: Record<Exclude<Case["body"], "none">, [string, string]> = {
      form: ["application/x-www-form-urlencoded", asForm],
      json: ["application/json", asJson],
      "json-as-form": ["application/x-www-form-urlencoded", asJson],
      "form-as-json": ["application/json", asForm],
      text: ["text/plain", asForm],
      "multipart-no-boundary": ["multipart/form-data", asForm],
    };
    const [type, body] = bodies[c.body];
    headers["content-type"] = type;
    init.body = body;
  }
  const shown = (s: string) => (s.length > 160 ? `${s.slice(0, 160)}…(${s.length})` : s);
  const label = `${c.method} ${shown(url.slice(base.length))} [${c.body}] ${shown(JSON.stringify(c.fields.map(([k, v]) => [k, "raw" in v ? v.raw : v.text])))}`;
  return { url, init, label };
}

/** Runs jobs with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

describe.each(testEngines())("fuzzing every route on %s", (engine) => {
  let t: TestApp;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    ({ server, url: base } = await startServer({
      app: t.app,
      cache: t.deps.cache,
      port: 0,
      host: "127.0.0.1",
    }));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.dispose();
  });

  it("answers every route without a 5xx, with the security headers, in good time", async () => {
    const seen = new Set<string>();
    const routes = t.app.routes
      .filter((r) => r.method !== "ALL")
      .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
    expect(routes.length).toBeGreaterThan(50);

    const failures = new Map<string, string>();
    await pool(
      routes.map((route, i) => ({ route, i })),
      CONCURRENCY,
      async ({ route, i }) => {
        // fresh accounts and limits per route: a fuzzed sign-out, block or 429 must not blind the routes after it
        t.deps.rateLimits = new MemoryRateLimitStore();
        const sessions: Partial<Record<Role, { cookie: string; csrf: string }>> = {};
        for (const role of ["reader", "panelist", "admin"] as const) {
          const email = `fuzz-${role}-${i}@example.com`;
          if (role !== "reader") await grantRole(t.db.db, email, role);
          sessions[role] = await signIn(t, email);
        }
        const cases = fc.sample(caseFor(route), { seed: SEED + i, numRuns: RUNS_PER_ROUTE });
        for (const [n, c] of cases.entries()) {
          const role = ROLES[n % ROLES.length] as Role;
          const { url, init, label } = requestFor(base, route.path, c, sessions[role]);
          const started = performance.now();
          const res = await fetch(url, init);
          await res.arrayBuffer();
          const ms = performance.now() - started;
          const problems = [
            res.status >= 500 ? `status ${res.status}` : "",
            res.headers.has("content-security-policy") ? "" : "no content-security-policy",
            res.headers.get("x-content-type-options") === "nosniff" ? "" : "no x-content-type-options",
            ms > SLOW_MS ? `took ${Math.round(ms)} ms` : "",
          ].filter(Boolean);
          const key = `${route.method} ${route.path}: ${problems.join(", ")}`;
          if (problems.length > 0 && !failures.has(key))
            failures.set(key, `${key}\n    as ${role}: ${label}`);
        }
      },
    );
    expect([...failures.values()]).toEqual([]);
  }, 120_000);
});
