/** The API's conventions: problems, ETag and 304, CORS, 405, rate limits, and declaring an operation. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiClient, checkAgainstDocument } from "../../../test/support/api.ts";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { tokenPrincipal } from "../../http/api-auth.ts";
import { PROBLEM_TYPES, problemAnchor } from "../../http/problem.ts";
import { declarationOf } from "../../http/write.ts";
import { createApiToken } from "../accounts/api-tokens.ts";
import { ensureUser } from "../accounts/index.ts";
import { type ApiOperation, buildApi, defineOperation } from "./framework.ts";
import { proseParts } from "./reference.tsx";

type Obj = Record<string, unknown>;

let t: TestApp;
let api: Awaited<ReturnType<typeof apiClient>>;
beforeAll(async () => {
  t = await createTestApp("sqlite", { API_RATE_LIMIT: "100000" });
  api = await apiClient(t);
});
afterAll(() => t?.dispose());

describe("ETag and 304", () => {
  it("gives every GET an ETag and answers a matching If-None-Match with an empty 304", async () => {
    for (const path of [
      "/api/v1/tools",
      "/api/v1/tools/cursor",
      "/api/v1/categories",
      "/api/v1/openapi.json",
    ]) {
      const first = await api.get(path);
      const etag = first.res.headers.get("etag") as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect(first.res.headers.get("cache-control")).toBe("no-cache");
      const again = await api.get(path, { "if-none-match": etag });
      expect(again.status).toBe(304);
      expect(again.res.headers.get("etag")).toBe(etag);
      expect(await again.res.text()).toBe("");
      expect((await api.get(path, { "if-none-match": '"stale"' })).status).toBe(200);
      expect((await api.get(path, { "if-none-match": `"other", W/${etag}` })).status).toBe(304);
    }
  });

  it("changes the ETag when the data changes", async () => {
    const before = (await api.get("/api/v1/tools/aider")).res.headers.get("etag");
    await t.db.db
      .updateTable("tools")
      .set({ vendor: "Aider contributors" })
      .where("slug", "=", "aider")
      .execute();
    // answers are kept until a write invalidates the cache, as every write does
    expect((await api.get("/api/v1/tools/aider", { "if-none-match": before ?? "" })).status).toBe(304);
    t.deps.cache.invalidate();
    const after = await api.get("/api/v1/tools/aider", { "if-none-match": before ?? "" });
    expect(after.status).toBe(200);
    expect((after.body as Obj).vendor).toBe("Aider contributors");
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await api.send("/api/v1/tools/cursor", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.res.headers.get("etag")).toBeTruthy();
    expect(await res.res.text()).toBe("");
  });
});

describe("CORS", () => {
  it("lets any origin read without credentials, and exposes the validators and limits", async () => {
    const { res } = await api.get("/api/v1/tools/cursor", { origin: "https://elsewhere.example" });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("access-control-expose-headers")).toContain("RateLimit-Policy");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
  });

  it("answers a preflight for a known path with 204 and the methods and headers allowed", async () => {
    const { res, status } = await api.send("/api/v1/compare?tools=a,b", {
      method: "OPTIONS",
      headers: {
        origin: "https://elsewhere.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "if-none-match",
      },
    });
    expect(status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, HEAD, OPTIONS");
    expect(res.headers.get("access-control-allow-headers")).toContain("If-None-Match");
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  it("keeps the site's own pages same-origin", async () => {
    const res = await t.request("/tools/cursor");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
  });
});

describe("wrong methods and paths", () => {
  it.each(["POST", "PUT", "PATCH", "DELETE"])("answers %s on a read with 405 and Allow", async (method) => {
    const { status, res, body } = await api.send("/api/v1/tools/cursor", { method });
    expect(status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect((body as Obj).type).toBe("http://localhost:3000/api#problem-method-not-allowed");
  });

  it("answers an unknown path under /api/ with a 404 problem, whatever the client accepts", async () => {
    for (const path of ["/api/v1/tool", "/api/v1/tools/cursor/reviews", "/api/v1", "/api/v2/tools"]) {
      const { status, res, body } = await api.get(path, { accept: "text/html" });
      expect([path, status, res.headers.get("content-type")]).toEqual([
        path,
        404,
        "application/problem+json",
      ]);
      expect(body).toMatchObject({
        type: "http://localhost:3000/api#problem-not-found",
        status: 404,
        instance: path,
      });
    }
  });

  it("answers an unreadable address under /api/ with a bad-request problem, CORS and limits included", async () => {
    const { status, res, body } = await api.get("/api/v1/tools?q=%FF");
    expect(status).toBe(400);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("ratelimit-policy")).toMatch(/^"api";/);
    expect((body as Obj).type).toBe("http://localhost:3000/api#problem-bad-request");
  });

  it("keeps problem JSON about:blank for the site's own pages", async () => {
    const res = await t.request("/tools/nope", { headers: { accept: "application/json" } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as Obj).type).toBe("about:blank");
  });

  it("answers a failure of ours with a server-error problem and no stack trace", async () => {
    // the failure is logged; silenced here
    const broken = await createTestApp("sqlite", { LOG_LEVEL: "silent" });
    try {
      await broken.db.db.schema.dropTable("tool_deployments").execute();
      const res = await broken.request("/api/v1/tools");
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({
        type: "http://localhost:3000/api#problem-server-error",
        title: "Server error",
        status: 500,
      });
      expect(text).not.toContain("tool_deployments");
      expect(text).not.toMatch(/\.ts:\d+/);
    } finally {
      await broken.dispose();
    }
  });
});

describe("rate limits", () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp("sqlite", { API_RATE_LIMIT: "3" });
  });
  afterAll(() => limited?.dispose());

  it("says where each request stands, then answers 429 with Retry-After, per client network", async () => {
    const client = await apiClient(limited);
    const seen: (string | null)[] = [];
    // any request counts: a read, a 404 and a preflight
    for (const [path, method] of [
      ["/api/v1/tools/cursor", "GET"],
      ["/api/v1/nowhere", "GET"],
      ["/api/v1/tools", "OPTIONS"],
    ] as const) {
      const { res } = await client.send(path, { method }, "203.0.113.9");
      expect(res.headers.get("ratelimit-policy")).toBe('"api";q=3;w=60');
      seen.push(res.headers.get("ratelimit"));
    }
    expect(seen.map((s) => s?.replace(/t=\d+$/, "t=…"))).toEqual([
      '"api";r=2;t=…',
      '"api";r=1;t=…',
      '"api";r=0;t=…',
    ]);
    const refused = await client.send("/api/v1/tools/cursor", {}, "203.0.113.9");
    expect(refused.status).toBe(429);
    const retry = Number(refused.res.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(refused.res.headers.get("ratelimit")).toBe(`"api";r=0;t=${retry}`);
    expect((refused.body as Obj).type).toBe("http://localhost:3000/api#problem-rate-limited");
    // one IPv6 /64 is one client; another network has its own allowance
    for (let i = 1; i <= 3; i++) await client.send("/api/v1/categories", {}, `2001:db8:9:9::${i}`);
    expect((await client.send("/api/v1/categories", {}, "2001:db8:9:9::ff")).status).toBe(429);
    expect((await client.send("/api/v1/categories", {}, "198.51.100.7")).status).toBe(200);
  });
});

describe("the reference page and the document", () => {
  it("renders /api from the document: every operation with a curl line, every problem type's anchor", async () => {
    const res = await t.request("/api");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    const paths = api.doc.paths as Record<string, Record<string, { operationId: string }>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(html).toContain(`id="op-${op.operationId}"`);
        expect(html).toContain(`${method.toUpperCase()} ${path}`);
      }
    }
    const operations = Object.values(paths).flatMap((item) => Object.keys(item)).length;
    expect(html.match(/<pre class="api-example"><code>curl /g)?.length).toBe(operations);
    for (const p of PROBLEM_TYPES) expect(html).toContain(`id="${problemAnchor(p.name)}"`);
    for (const name of Object.keys((api.doc.components as { schemas: Obj }).schemas)) {
      expect(html).toContain(`id="schema-${name}"`);
    }
    // each problem type the API answers with points to its anchor on this page
    expect(html).toContain("http://localhost:3000/api#problem-invalid-parameters");
  });

  it("renders descriptions' inline code and site links, escapes the rest, and names no bare type", async () => {
    const html = await (await t.request("/api")).text();
    const account = html.slice(html.indexOf('id="tag-your-account"'));
    expect(account).toContain("<code>Authorization: Bearer sos_…</code>");
    expect(account).toContain('<a href="/account">account page</a>');
    expect(account).toContain("a <code>read</code> token");
    expect(html).not.toMatch(/`(read|write)`/);
    // a response without a named schema is its description alone
    expect(html).toContain("<strong>200</strong> The OpenAPI document.</li>");
    expect(html).not.toContain("The OpenAPI document. object");
    // the lede promises no-account access to reading only
    expect(html).not.toContain("no account needed");
  });

  it("renders only inline code and links to the site's own paths, never HTML", () => {
    expect(proseParts("a `b` [c](/account) d")).toEqual([
      { text: "a " },
      { code: "b" },
      { text: " " },
      { link: "c", href: "/account" },
      { text: " d" },
    ]);
    for (const elsewhere of ["[x](https://evil.example)", "[x](//evil.example)", "[x](javascript:alert(1))"])
      expect(proseParts(elsewhere)).toEqual([{ text: elsewhere }]);
    expect(proseParts("<b>`<i>`</b>")).toEqual([{ text: "<b>" }, { code: "<i>" }, { text: "</b>" }]);
  });

  it("is linked from every page's footer", async () => {
    expect(await (await t.request("/")).text()).toContain('<a href="/api">The JSON API</a>');
  });

  it("documents every API route the app mounts, as OpenAPI 3.1", async () => {
    expect(api.doc.openapi).toBe("3.1.0");
    const documented = new Set(
      Object.entries(api.doc.paths as Record<string, Obj>).flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
      ),
    );
    const mounted = t.app.routes
      .filter((r) => r.path.startsWith("/api/v1/") && !r.path.endsWith("*"))
      .map((r) => `${r.method} ${r.path}`);
    expect(new Set(mounted)).toEqual(documented);
  });

  it("catches an answer the document does not describe", async () => {
    const ok = await t.request("/api/v1/tools/cursor");
    const bad = new Response(JSON.stringify({ ...((await ok.clone().json()) as Obj), slug: 42 }), ok);
    await expect(checkAgainstDocument(api.doc, "GET", "/api/v1/tools/cursor", bad)).rejects.toThrow(/slug/);
    const undocumented = new Response("{}", { status: 418, headers: ok.headers });
    await expect(
      checkAgainstDocument(api.doc, "GET", "/api/v1/tools/cursor", undocumented),
    ).rejects.toThrow();
  });
});

describe("declaring an operation", () => {
  const echo = (opts: { auth?: boolean } = {}) =>
    defineOperation({
      operationId: "createNote",
      method: "post",
      path: "/notes/{slug}",
      tag: "Test",
      summary: "Make a note",
      description: "A write for the test.",
      params: z.object({ slug: z.string() }),
      query: z.object({ dryRun: z.enum(["yes", "no"]).optional() }),
      body: z.strictObject({ text: z.string().min(1), stars: z.int().min(1).max(5) }),
      response: z.strictObject({
        slug: z.string(),
        text: z.string(),
        stars: z.int(),
        by: z.int().nullable(),
      }),
      responseDescription: "The note.",
      status: 201,
      ...(opts.auth
        ? { auth: "token" as const, scope: "write" as const, permission: "vote:cast" as const }
        : {}),
      example: { path: "/notes/cursor", body: { text: "hello", stars: 5 } },
      handle: async (_c, { params, body, principal }) => ({
        slug: params.slug,
        text: body.text,
        stars: body.stars,
        by: principal?.userId ?? null,
      }),
    });
  const outside = defineOperation({
    operationId: "badShape",
    method: "get",
    path: "/bad",
    tag: "Test",
    summary: "Answers outside its schema",
    description: "For the test.",
    response: z.strictObject({ n: z.int() }),
    responseDescription: "Never.",
    example: { path: "/bad" },
    handle: async () => ({ n: "one" }) as unknown as { n: number },
  });

  /** An app with a test API at /api/test, its operations given, and a write token of a reader's. */
  async function appWith(ops: ApiOperation[]) {
    const own = await createTestApp("sqlite", { LOG_LEVEL: "silent" });
    const reader = await ensureUser(own.db.db, "notes@example.com");
    const created = await createApiToken(own.db.db, { userId: reader.id, name: "notes", scope: "write" });
    if (!created.ok) throw new Error("no token");
    const built = buildApi(own.deps, {
      operations: ops,
      tags: [{ name: "Test", description: "Test operations." }],
      base: "/api/test",
      authorize: tokenPrincipal,
    });
    own.app.route("/api/test", built.app);
    return { own, built, token: created.token, userId: reader.id };
  }

  it("validates path, query and JSON body at once, and mounts a write as a declared write", async () => {
    const { own, built } = await appWith([echo()]);
    try {
      const post = (
        body: string,
        headers: Record<string, string> = { "content-type": "application/json" },
        q = "",
      ) => own.request(`/api/test/notes/cursor${q}`, { method: "POST", headers, body });
      const ok = await post(JSON.stringify({ text: "hi", stars: 4 }));
      expect(ok.status).toBe(201);
      expect(ok.headers.get("cache-control")).toBe("no-store");
      expect(await ok.json()).toEqual({ slug: "cursor", text: "hi", stars: 4, by: null });

      const bad = await post(
        JSON.stringify({ text: "", stars: 9, extra: 1 }),
        undefined,
        "?dryRun=maybe&x=1",
      );
      expect(bad.status).toBe(400);
      const problem = (await bad.json()) as { errors: { name: string; in: string }[] };
      expect(problem.errors.map((e) => `${e.in}:${e.name}`).sort()).toEqual(
        ["body:(body)", "body:stars", "body:text", "query:dryRun", "query:x"].sort(),
      );
      expect((await post("{not json")).status).toBe(400);
      expect((await post("text=hi", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(
        415,
      );

      const route = own.app.routes.find((r) => r.method === "POST" && r.path === "/api/test/notes/:slug");
      expect(declarationOf(route?.handler)).toMatchObject({ permission: "anyone", invalidates: "nothing" });
      const doc = built.document() as unknown as { paths: Record<string, Record<string, Obj>> };
      const op = doc.paths["/api/test/notes/{slug}"]?.post as { responses: Obj; requestBody: Obj };
      expect(Object.keys(op.responses)).toEqual([
        "201",
        "400",
        "401",
        "403",
        "404",
        "413",
        "415",
        "429",
        "500",
      ]);
      expect(op.requestBody).toMatchObject({ required: true });
    } finally {
      await own.dispose();
    }
  });

  it("asks the authorizer for a token operation, and documents it as needing one", async () => {
    const { own, built, token, userId } = await appWith([echo({ auth: true })]);
    try {
      const send = (auth?: string) =>
        own.request("/api/test/notes/cursor", {
          method: "POST",
          headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
          body: JSON.stringify({ text: "hi", stars: 1 }),
        });
      const refused = await send();
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="Ship or Skip API"');
      expect(((await refused.json()) as Obj).type).toBe("http://localhost:3000/api#problem-unauthorized");
      const ok = await send(`Bearer ${token}`);
      expect(ok.status).toBe(201);
      expect(((await ok.json()) as Obj).by).toBe(userId);
      // the write is declared with the token's scope and the permission it needs
      const route = own.app.routes.find((r) => r.method === "POST" && r.path === "/api/test/notes/:slug");
      expect(declarationOf(route?.handler)).toMatchObject({ permission: "vote:cast", token: "write" });
      const doc = built.document() as unknown as {
        paths: Record<string, Record<string, Obj>>;
        components: Obj;
      };
      expect(doc.paths["/api/test/notes/{slug}"]?.post?.security).toEqual([{ apiToken: [] }]);
      expect(doc.components.securitySchemes).toMatchObject({ apiToken: { type: "http", scheme: "bearer" } });
    } finally {
      await own.dispose();
    }
  });

  it("fails a test on an answer outside the operation's schema", async () => {
    const { own } = await appWith([outside]);
    try {
      const res = await own.request("/api/test/bad");
      expect(res.status).toBe(500);
    } finally {
      await own.dispose();
    }
  });

  it("refuses declarations that could not work, at start-up", async () => {
    const own = await createTestApp();
    const build = (ops: ApiOperation[], authorize?: boolean) =>
      buildApi(own.deps, {
        operations: ops,
        tags: [{ name: "Test", description: "" }],
        ...(authorize ? { authorize: async () => ({ userId: 1, scope: "read" as const, tokenId: 1 }) } : {}),
      });
    try {
      expect(() => build([outside, outside])).toThrow(/declared twice/);
      expect(() => build([{ ...outside, tag: "Nope" }])).toThrow(/undeclared tag/);
      expect(() => build([{ ...outside, path: "/bad/{id}" }])).toThrow(/path parameters/);
      expect(() => build([echo({ auth: true })])).toThrow(/authorizer/);
      expect(() => build([echo({ auth: true })], true)).not.toThrow();
      expect(() => build([{ ...echo({ auth: true }), permission: undefined }], true)).toThrow(/permission/);
    } finally {
      await own.dispose();
    }
  });
});
