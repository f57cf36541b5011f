/**
 * Bearer tokens on API paths, through the app's middleware and `write()` with a token scope,
 * on routes of the test's own (the API's real operations have their own tests).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../test/support/db.ts";
import { signIn } from "../../test/support/session.ts";
import { createApiToken } from "../features/accounts/api-tokens.ts";
import { apiCallerMiddleware, tokenAccount, tokenPrincipal } from "./api-auth.ts";
import { votesPerAccount } from "./rate-rules.ts";
import { write } from "./write.ts";

reportSkippedPostgres("API bearer tokens");

const JSON_ACCEPT = { accept: "application/json" };

describe.each(testEngines())("bearer tokens on %s", (engine) => {
  let t: TestApp;
  let writes = 0;
  beforeAll(async () => {
    t = await createTestApp(engine, { VOTE_RATE_LIMIT: "3" });
    const { app, deps } = t;
    // below /api/ (so no session is read) but outside /api/v1, whose own catch-all answers first;
    // the bearer middleware as the API mounts it
    app.use("/api/test/*", apiCallerMiddleware(deps));
    app.get("/api/test/whoami", async (c) => {
      await tokenPrincipal(c, "read");
      return c.json(tokenAccount(c));
    });
    app.get("/api/test/open", (c) => c.json({ caller: c.get("apiCaller")?.account.id ?? null }));
    const voting = write(deps, {
      permission: "vote:cast",
      token: "write",
      rate: votesPerAccount(deps.config.voteRateLimit),
      invalidates: "nothing",
    });
    app.put("/api/test/vote", voting, (c) => {
      writes++;
      return c.json({ by: tokenAccount(c).id });
    });
    const editing = write(deps, {
      permission: "tool:edit",
      token: "write",
      rate: votesPerAccount(100),
      invalidates: "nothing",
    });
    app.put("/api/test/edit", editing, (c) => c.json({ ok: true }));
  });
  afterAll(() => t.dispose());

  /** A fresh account holding one token of the scope. */
  async function tokenFor(
    email: string,
    scope: "read" | "write",
  ): Promise<{ token: string; userId: number }> {
    await signIn(t, email);
    const user = await t.db.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    const created = await createApiToken(t.db.db, { userId: user.id, name: "test", scope });
    if (!created.ok) throw new Error("no token");
    return { token: created.token, userId: user.id };
  }
  const bearer = (token: string) => ({ ...JSON_ACCEPT, authorization: `Bearer ${token}` });

  it("lets a token read as its account, and a write token write", async () => {
    const { token, userId } = await tokenFor("reader-api@example.com", "write");
    const me = await t.request("/api/test/whoami", { headers: bearer(token) });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: userId, email: "reader-api@example.com", role: "reader" });
    const vote = await t.request("/api/test/vote", { method: "PUT", headers: bearer(token) });
    expect(vote.status).toBe(200);
    expect(await vote.json()).toEqual({ by: userId });
    expect(vote.headers.get("ratelimit-limit") ?? vote.headers.get("ratelimit-policy")).toBeTruthy();
  });

  it("answers an unknown, malformed or revoked token with a 401 and a Bearer challenge, even on a read", async () => {
    const { token } = await tokenFor("revoked-api@example.com", "read");
    await t.db.db.deleteFrom("api_tokens").execute();
    for (const authorization of [
      `Bearer ${token}`,
      `Bearer sos_${"A".repeat(40)}`,
      "Bearer short",
      `bearer   ${token.slice(0, -1)}x`,
    ]) {
      const res = await t.request("/api/test/open", { headers: { ...JSON_ACCEPT, authorization } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe(
        'Bearer realm="Ship or Skip API", error="invalid_token"',
      );
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await res.json()).toMatchObject({ status: 401, detail: expect.stringContaining("revoked") });
    }
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", `Token ${token}`]) {
      const res = await t.request("/api/test/open", { headers: { ...JSON_ACCEPT, authorization } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain('error="invalid_request"');
    }
  });

  it("stops a revoked token at the next request", async () => {
    const { token } = await tokenFor("revoke-now@example.com", "write");
    expect((await t.request("/api/test/whoami", { headers: bearer(token) })).status).toBe(200);
    await t.db.db.deleteFrom("api_tokens").execute();
    expect((await t.request("/api/test/whoami", { headers: bearer(token) })).status).toBe(401);
  });

  it("refuses a write without a token with a 401, and never counts a session cookie", async () => {
    const before = writes;
    const none = await t.request("/api/test/vote", { method: "PUT", headers: JSON_ACCEPT });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="Ship or Skip API"');
    // a signed-in browser's cookie, CSRF token and all, is not an API credential
    const session = await signIn(t, "cookie-api@example.com");
    const cookie = await t.request("/api/test/vote", {
      method: "PUT",
      headers: { ...JSON_ACCEPT, cookie: session.cookie, "x-csrf-token": session.csrf },
    });
    expect(cookie.status).toBe(401);
    expect(await cookie.json()).toMatchObject({
      detail: expect.stringContaining("Cookies do not authorise"),
    });
    expect(cookie.headers.getSetCookie()).toEqual([]);
    const read = await t.request("/api/test/whoami", {
      headers: { ...JSON_ACCEPT, cookie: session.cookie },
    });
    expect(read.status).toBe(401);
    expect(writes).toBe(before);
  });

  it("refuses a read token on a write with a 403 naming the scope", async () => {
    const { token } = await tokenFor("readonly-api@example.com", "read");
    const before = writes;
    const res = await t.request("/api/test/vote", { method: "PUT", headers: bearer(token) });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toContain('error="insufficient_scope", scope="write"');
    expect(await res.json()).toMatchObject({ status: 403, detail: expect.stringContaining("read-only") });
    expect(writes).toBe(before);
  });

  it("applies the account's permissions: a reader's write token cannot edit the catalog", async () => {
    const { token } = await tokenFor("not-admin-api@example.com", "write");
    const res = await t.request("/api/test/edit", { method: "PUT", headers: bearer(token) });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ detail: expect.stringContaining("tool:edit") });
  });

  it("refuses every use of a blocked account's token with a 403", async () => {
    const { token, userId } = await tokenFor("blocked-api@example.com", "write");
    await t.db.db
      .updateTable("users")
      .set({ blocked_at: new Date().toISOString() })
      .where("id", "=", userId)
      .execute();
    const before = writes;
    for (const [path, method] of [
      ["/api/test/vote", "PUT"],
      ["/api/test/whoami", "GET"],
    ] as const) {
      const res = await t.request(path, { method, headers: bearer(token) });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ detail: expect.stringContaining("blocked") });
    }
    expect(writes).toBe(before);
    const row = await t.db.db
      .selectFrom("api_tokens")
      .select("last_used_at")
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).toBeNull();
  });

  it("counts token writes against the account's rate rule: a 429 with Retry-After past it", async () => {
    const { token } = await tokenFor("fast-api@example.com", "write");
    for (let i = 0; i < 3; i++) {
      expect((await t.request("/api/test/vote", { method: "PUT", headers: bearer(token) })).status).toBe(200);
    }
    const res = await t.request("/api/test/vote", { method: "PUT", headers: bearer(token) });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    // a second token of the same account shares the account's counter
    const created = await createApiToken(t.db.db, {
      userId: (
        await t.db.db
          .selectFrom("users")
          .select("id")
          .where("email", "=", "fast-api@example.com")
          .executeTakeFirstOrThrow()
      ).id,
      name: "second",
      scope: "write",
    });
    if (!created.ok) throw new Error("no token");
    expect(
      (await t.request("/api/test/vote", { method: "PUT", headers: bearer(created.token) })).status,
    ).toBe(429);
  });
});
