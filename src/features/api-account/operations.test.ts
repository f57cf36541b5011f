/**
 * The API's account operations through app.request(): /me and its lists, and every write
 * (votes, picks, bookmarks) with a write token; refusals for read tokens, no token, cookies,
 * revoked tokens and blocked accounts; the shared rate limits; the OpenAPI document. Every
 * API answer is checked against the OpenAPI document the app serves (test/support/api.ts).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiClient } from "../../../test/support/api.ts";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { form as formBody, signIn, type TestSession } from "../../../test/support/session.ts";
import { leaderboardJobs } from "../leaderboard/index.ts";

reportSkippedPostgres("the API's account operations");

const BASE = "/api/v1";

describe.each(testEngines())("API account operations on %s", (engine) => {
  let t: TestApp;
  let client: Awaited<ReturnType<typeof apiClient>>;
  beforeAll(async () => {
    t = await createTestApp(engine, { VOTE_RATE_LIMIT: "6" });
    client = await apiClient(t);
  });
  afterAll(() => t.dispose());

  /** Signs in and creates a token on /account, as a reader would. */
  async function tokenFor(
    email: string,
    scope: "read" | "write",
  ): Promise<{ token: string; session: TestSession }> {
    const session = await signIn(t, email);
    const html = await (await session.post("/account/tokens", { name: `${scope} token`, scope })).text();
    const token = /<code id="new-token">(sos_\w+)<\/code>/.exec(html)?.[1];
    if (!token) throw new Error("no token shown");
    return { token, session };
  }

  /** A request to the API with a token (or none), a JSON body when given; its answer checked against the document. */
  async function api(
    path: string,
    opts: {
      token?: string;
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
      /** The client's address, when it matters (the per-network cap). */
      from?: string;
    } = {},
  ) {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    const answer = await client.send(
      BASE + path,
      {
        method: opts.method ?? "GET",
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      },
      opts.from,
    );
    return answer.res;
  }

  it("GET /me shows the token's own account, with its address, to that token only", async () => {
    const ada = await tokenFor("ada-api@example.com", "read");
    const bo = await tokenFor("bo-api@example.com", "write");
    const res = await api("/me", { token: ada.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBeTruthy();
    expect(await res.json()).toEqual({
      email: "ada-api@example.com",
      role: "reader",
      permissions: ["vote:cast", "pick:cast", "bookmark:edit"],
      token: { scope: "read", allows: "Read only: see your account, votes and bookmarks" },
    });
    expect(((await (await api("/me", { token: bo.token })).json()) as { email: string }).email).toBe(
      "bo-api@example.com",
    );
    // the token's use shows on /account
    expect(await (await ada.session.get("/account")).text()).not.toContain("<td>Never</td>");
    // a bad token is refused even where no token is needed
    const badOnPublic = await api("/tools/cursor", { token: `sos_${"x".repeat(40)}` });
    expect(badOnPublic.status).toBe(401);
    expect(badOnPublic.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await api("/tools/cursor")).status).toBe(200);
    const anonymous = await api("/me");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
    expect(JSON.stringify(await anonymous.json())).not.toContain("@example.com");
  });

  it("casts, changes and withdraws a vote, answering with the tool's community figure", async () => {
    const { token, session } = await tokenFor("voter-api@example.com", "write");
    const before = await (await t.request("/tools/aider")).text();
    expect(before).toContain("No community votes yet");

    const cast = await api("/tools/aider/vote", { token, method: "PUT", body: { value: "ship" } });
    expect(cast.status).toBe(200);
    expect(cast.headers.get("cache-control")).toBe("no-store");
    expect(await cast.json()).toEqual({
      tool: { slug: "aider", name: "Aider" },
      vote: "ship",
      community: { ship: 1, skip: 0, total: 1, shipPercent: 100, wilsonLower: expect.any(Number) },
    });
    // the cached page was dropped: anonymous readers see the vote at once
    expect(await (await t.request("/tools/aider")).text()).toContain("100% ship · 1 vote");
    // and the account's own pages show it as theirs
    expect(await (await session.get("/tools/aider")).text()).toMatch(/aria-pressed="true"[^>]*>[^<]*Ship/);

    const changed = await api("/tools/aider/vote", { token, method: "PUT", body: { value: "skip" } });
    expect(await changed.json()).toMatchObject({ vote: "skip", community: { ship: 0, skip: 1, total: 1 } });
    expect(await (await api("/me/votes", { token })).json()).toEqual({
      votes: [{ tool: { slug: "aider", name: "Aider" }, value: "skip", updatedAt: expect.any(String) }],
    });

    const withdrawn = await api("/tools/aider/vote", { token, method: "DELETE" });
    expect(withdrawn.status).toBe(200);
    expect(await withdrawn.json()).toMatchObject({ vote: null, community: { total: 0, shipPercent: null } });
    expect(await (await api("/me/votes", { token })).json()).toEqual({ votes: [] });
    // withdrawing again changes nothing and says so the same way
    expect((await api("/tools/aider/vote", { token, method: "DELETE" })).status).toBe(200);
  });

  it("picks, changes and withdraws a winner on a pair given in either order", async () => {
    const { token } = await tokenFor("picker-api@example.com", "write");
    const picked = await api("/picks/github-copilot/cursor", {
      token,
      method: "PUT",
      body: { winner: "cursor" },
    });
    expect(picked.status).toBe(200);
    expect(await picked.json()).toEqual({
      tools: [
        { slug: "cursor", name: "Cursor" },
        { slug: "github-copilot", name: "GitHub Copilot" },
      ],
      pick: "cursor",
      picks: [
        { slug: "cursor", picks: 1 },
        { slug: "github-copilot", picks: 0 },
      ],
      total: 1,
      // a account made a moment ago waits before its picks count, and the answer says so
      counts: false,
      notice: {
        reason: "waiting-period",
        from: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        message: expect.stringContaining("new accounts wait 24 hours"),
      },
    });
    const changed = await api("/picks/cursor/github-copilot", {
      token,
      method: "PUT",
      body: { winner: "github-copilot" },
    });
    expect(await changed.json()).toMatchObject({ pick: "github-copilot", total: 1 });
    expect(await (await api("/me/picks", { token })).json()).toEqual({
      picks: [
        {
          tools: [
            { slug: "cursor", name: "Cursor" },
            { slug: "github-copilot", name: "GitHub Copilot" },
          ],
          pick: "github-copilot",
          updatedAt: expect.any(String),
        },
      ],
    });
    expect(await (await t.request("/compare/cursor-vs-github-copilot")).text()).toContain("1 pick");
    const withdrawn = await api("/picks/github-copilot/cursor", { token, method: "DELETE" });
    expect(await withdrawn.json()).toMatchObject({ pick: null, total: 0, counts: null, notice: null });
    expect(await (await api("/me/picks", { token })).json()).toEqual({ picks: [] });
  });

  it("records an API pick like a form pick: the network key for the daily cap, and a recompute", async () => {
    const { token, session } = await tokenFor("network-api@example.com", "write");
    const jobs = leaderboardJobs(t.deps);
    const schedule = vi.spyOn(jobs, "schedule").mockImplementation(() => {});
    try {
      const form = await t.requestFrom(
        "198.51.100.7",
        "/compare/aider-vs-claude-code/pick",
        formBody({ _csrf: session.csrf, winner: "aider" }, { cookie: session.cookie }),
      );
      expect(form.status).toBe(303);
      expect(schedule).toHaveBeenCalledTimes(1);
      // another address on the same /24: the same network for the cap
      const picked = await api("/picks/aider/devin", {
        token,
        method: "PUT",
        body: { winner: "devin" },
        from: "198.51.100.9",
      });
      expect(picked.status).toBe(200);
      expect(schedule).toHaveBeenCalledTimes(2);
      const elsewhere = await api("/picks/claude-code/devin", {
        token,
        method: "PUT",
        body: { winner: "devin" },
        from: "203.0.113.5",
      });
      expect(elsewhere.status).toBe(200);
      expect(schedule).toHaveBeenCalledTimes(3);
      await api("/picks/claude-code/devin", { token, method: "DELETE", from: "203.0.113.5" });
      expect(schedule).toHaveBeenCalledTimes(4);
    } finally {
      schedule.mockRestore();
    }
    const user = await t.db.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "network-api@example.com")
      .executeTakeFirstOrThrow();
    const rows = await t.db.db
      .selectFrom("picks")
      .select(["network", "outcome"])
      .where("user_id", "=", user.id)
      .orderBy("created_at")
      .orderBy("winner_tool_id")
      .execute();
    expect(rows).toHaveLength(2);
    const [viaForm, viaApi] = rows;
    expect(viaApi?.network).toMatch(/^[\w-]{22}$/);
    expect(viaApi?.network).toBe(viaForm?.network);
    // the recompute judges the API's pick like any other (this account still waits)
    expect((await jobs.runNow()).status).toBe("done");
    const judged = await t.db.db
      .selectFrom("picks")
      .select("outcome")
      .where("user_id", "=", user.id)
      .execute();
    expect(judged.map((r) => r.outcome)).toEqual(["waiting-period", "waiting-period"]);
  });

  it("adds and removes bookmarks, and lists them", async () => {
    const { token, session } = await tokenFor("saver-api@example.com", "write");
    const added = await api("/bookmarks/cursor", { token, method: "PUT" });
    expect(added.status).toBe(200);
    expect(await added.json()).toEqual({ tool: { slug: "cursor", name: "Cursor" }, bookmarked: true });
    expect((await api("/bookmarks/cursor", { token, method: "PUT" })).status).toBe(200);
    expect(await (await api("/me/bookmarks", { token })).json()).toEqual({
      bookmarks: [{ tool: { slug: "cursor", name: "Cursor" }, bookmarkedAt: expect.any(String) }],
    });
    expect(await (await session.get("/bookmarks")).text()).toContain("Cursor");
    const removed = await api("/bookmarks/cursor", { token, method: "DELETE" });
    expect(await removed.json()).toEqual({ tool: { slug: "cursor", name: "Cursor" }, bookmarked: false });
    expect(await (await api("/me/bookmarks", { token })).json()).toEqual({ bookmarks: [] });
  });

  it("names the bad field of a write in a 400, and answers an unknown slug with a 404 and the closest slugs", async () => {
    const { token } = await tokenFor("typo-api@example.com", "write");
    const cases: [string, string, unknown, string][] = [
      ["/tools/cursor/vote", "PUT", { value: "maybe" }, "value"],
      ["/tools/cursor/vote", "PUT", {}, "value"],
      ["/picks/cursor/github-copilot", "PUT", { winner: "aider" }, "winner"],
      ["/picks/cursor/cursor", "PUT", { winner: "cursor" }, "b"],
    ];
    for (const [path, method, body, field] of cases) {
      const res = await api(path, { token, method, body });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await res.json()) as { type: string; errors: { name: string }[] };
      expect(problem.type).toMatch(/#problem-invalid-parameters$/);
      expect(problem.errors.map((e) => e.name)).toContain(field);
    }
    const notJson = await client.send(`${BASE}/tools/cursor/vote`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: "value=ship",
    });
    expect(notJson.status).toBe(415);

    for (const [path, method, body] of [
      ["/tools/cursr/vote", "PUT", { value: "ship" }],
      ["/bookmarks/cursr", "PUT", undefined],
      ["/picks/cursr/github-copilot", "PUT", { winner: "cursr" }],
    ] as const) {
      const res = await api(path, { token, method, body });
      expect(res.status, path).toBe(404);
      const problem = (await res.json()) as { detail: string; suggestions: { slug: string }[] };
      expect(problem.detail).toContain('"cursr"');
      expect(problem.suggestions.map((s) => s.slug)).toContain("cursor");
    }
    expect(await (await api("/me/votes", { token })).json()).toEqual({ votes: [] });
  });

  it("refuses every write to a read token (403), no token or a cookie (401), a revoked token (401) and a blocked account (403)", async () => {
    const reader = await tokenFor("readonly-ops@example.com", "read");
    const writer = await tokenFor("revoked-ops@example.com", "write");
    const blocked = await tokenFor("blocked-ops@example.com", "write");
    await t.db.db
      .updateTable("users")
      .set({ blocked_at: new Date().toISOString(), blocked_reason: "test" })
      .where("email", "=", "blocked-ops@example.com")
      .execute();
    const revoked = await t.db.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "revoked-ops@example.com")
      .executeTakeFirstOrThrow();
    await t.db.db.deleteFrom("api_tokens").where("user_id", "=", revoked.id).execute();
    const writes: [string, string, unknown][] = [
      ["/tools/cursor/vote", "PUT", { value: "ship" }],
      ["/tools/cursor/vote", "DELETE", undefined],
      ["/picks/cursor/github-copilot", "PUT", { winner: "cursor" }],
      ["/picks/cursor/github-copilot", "DELETE", undefined],
      ["/bookmarks/cursor", "PUT", undefined],
      ["/bookmarks/cursor", "DELETE", undefined],
    ];
    for (const [path, method, body] of writes) {
      const label = `${method} ${path}`;
      const read = await api(path, { token: reader.token, method, body });
      expect(read.status, label).toBe(403);
      expect(read.headers.get("www-authenticate"), label).toContain("insufficient_scope");
      expect(((await read.json()) as { type: string }).type).toMatch(/#problem-forbidden$/);

      const none = await api(path, { method, body });
      expect(none.status, label).toBe(401);
      expect(((await none.json()) as { type: string }).type).toMatch(/#problem-unauthorized$/);

      // a signed-in browser's cookie and CSRF token do not authorise an API write
      const cookie = await api(path, {
        method,
        body,
        headers: { cookie: reader.session.cookie, "x-csrf-token": reader.session.csrf },
      });
      expect(cookie.status, label).toBe(401);

      expect((await api(path, { token: writer.token, method, body })).status, label).toBe(401);
      const blockedRes = await api(path, { token: blocked.token, method, body });
      expect(blockedRes.status, label).toBe(403);
      expect(((await blockedRes.json()) as { detail: string }).detail).toContain("blocked");
    }
    const votes = await t.db.db
      .selectFrom("votes")
      .innerJoin("users", "users.id", "votes.user_id")
      .select("email")
      .execute();
    expect(votes.filter((v) => v.email.endsWith("-ops@example.com"))).toEqual([]);
  });

  it("counts API votes and form votes against one per-account limit: a 429 with Retry-After past it", async () => {
    const { token, session } = await tokenFor("fast-ops@example.com", "write");
    // VOTE_RATE_LIMIT=6: three votes by form, three by token, then the seventh is refused
    for (const slug of ["cursor", "aider", "midjourney"]) {
      expect((await session.post(`/tools/${slug}/vote`, { value: "ship" })).status).toBe(303);
    }
    for (const slug of ["cursor", "aider", "midjourney"]) {
      const res = await api(`/tools/${slug}/vote`, { token, method: "PUT", body: { value: "skip" } });
      expect(res.status).toBe(200);
    }
    const refused = await api("/tools/cursor/vote", { token, method: "PUT", body: { value: "ship" } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("ratelimit-policy")).toContain("votes");
    expect(((await refused.json()) as { type: string }).type).toMatch(/#problem-rate-limited$/);
    expect((await session.post("/tools/cursor/vote", { value: "ship" })).status).toBe(429);
  });

  it("lists every account operation in the OpenAPI document with the bearer scheme", async () => {
    const doc = (await (await api("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: "http", scheme: "bearer" });
    const expected: [string, string, boolean][] = [
      ["/api/v1/me", "get", false],
      ["/api/v1/me/votes", "get", false],
      ["/api/v1/me/picks", "get", false],
      ["/api/v1/me/bookmarks", "get", false],
      ["/api/v1/tools/{slug}/vote", "put", true],
      ["/api/v1/tools/{slug}/vote", "delete", true],
      ["/api/v1/picks/{a}/{b}", "put", true],
      ["/api/v1/picks/{a}/{b}", "delete", true],
      ["/api/v1/bookmarks/{slug}", "put", true],
      ["/api/v1/bookmarks/{slug}", "delete", true],
    ];
    for (const [path, method, write] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op?.security).toEqual([{ apiToken: [] }]);
      expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(["200", "401", "403", "429"]));
      if (write) expect(Object.keys(op?.responses ?? {})).toContain("404");
    }
    // the public reads need no token
    expect(doc.paths["/api/v1/tools/{slug}"]?.get?.security).toEqual([]);
  });
});
