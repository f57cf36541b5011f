/** Personal API tokens on /account: created once-visible, stored hashed, listed, limited, revoked. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { signIn, type TestSession } from "../../../test/support/session.ts";
import { MAX_API_TOKENS } from "../../domain/api-token.ts";
import { API_TOKENS_PER_ACCOUNT } from "../../http/rate-rules.ts";
import { hashToken } from "../../http/tokens.ts";
import { findTokenCaller, TOKEN_TOUCH_EVERY_MS } from "./api-tokens.ts";

reportSkippedPostgres("personal API tokens");

/** The token shown on a creation's page. */
function shownToken(html: string): string | undefined {
  return /<code id="new-token">(sos_[0-9A-Za-z]{40})<\/code>/.exec(html)?.[1];
}

describe.each(testEngines())("API tokens on %s", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t.dispose());

  const rows = (email: string) =>
    t.db.db
      .selectFrom("api_tokens")
      .innerJoin("users", "users.id", "api_tokens.user_id")
      .select(["api_tokens.id", "name", "scope", "token_hash", "hint", "last_used_at"])
      .where("users.email", "=", email)
      .orderBy("api_tokens.id")
      .execute();

  it("shows a new token once, and keeps only its hash", async () => {
    const ada = await signIn(t, "ada-tokens@example.com");
    const res = await ada.post("/account/tokens", { name: "laptop script", scope: "write" });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    const token = shownToken(html);
    expect(token).toBeDefined();
    expect(html).toContain("the only time it is shown");
    expect(html).toContain("Read and write: also vote, pick winners and bookmark tools for you");

    const [row] = await rows(ada.email);
    expect(row).toMatchObject({
      name: "laptop script",
      scope: "write",
      hint: token?.slice(-4),
      last_used_at: null,
    });
    expect(row?.token_hash).toBe(hashToken(token ?? ""));
    expect(JSON.stringify(await t.db.db.selectFrom("api_tokens").selectAll().execute())).not.toContain(token);

    // the page lists it from now on, but never shows the token again
    const later = await (await ada.get("/account")).text();
    expect(later).toContain("laptop script");
    // the tail reads as the token's last characters, not as an expiry
    expect(later).toContain(`<code>sos_…${token?.slice(-4)}</code>`);
    expect(later).not.toContain("Ends in");
    expect(later).toContain("Never");
    expect(later).not.toContain(token);
    expect(shownToken(later)).toBeUndefined();
  });

  it("names each scope in plain words", async () => {
    const bo = await signIn(t, "bo-tokens@example.com");
    await bo.post("/account/tokens", { name: "dashboard", scope: "read" });
    const html = await (await bo.get("/account")).text();
    expect(html).toContain("Read only: see your account, votes and bookmarks");
    expect(html).toMatch(/<option value="write"[^>]*>Read and write: also vote/);
  });

  it("refuses a missing name or an unknown scope, names the field, and creates nothing", async () => {
    const cy = await signIn(t, "cy-tokens@example.com");
    for (const [fields, field] of [
      [{ name: "  ", scope: "read" }, "name"],
      [{ name: "x".repeat(61), scope: "read" }, "name"],
      [{ name: "tab\tin name", scope: "read" }, "name"],
      [{ name: "ok", scope: "admin" }, "scope"],
      [{ name: "ok" }, "scope"],
    ] as const) {
      const res = await cy.post("/account/tokens", fields);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(`id="f-${field}-error"`);
      expect(shownToken(html)).toBeUndefined();
    }
    expect(await rows(cy.email)).toEqual([]);
  });

  it("needs a signed-in reader and the form's CSRF token", async () => {
    const anonymous = await t.request("/account/tokens", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=x&scope=read",
    });
    expect(anonymous.status).toBe(401);
    const dee = await signIn(t, "dee-tokens@example.com");
    const forged = await dee.post("/account/tokens", { name: "x", scope: "write" }, { csrf: false });
    expect(forged.status).toBe(403);
    expect(await rows(dee.email)).toEqual([]);
  });

  it("revokes a token at once, and only its owner can", async () => {
    const eve = await signIn(t, "eve-tokens@example.com");
    const mallory = await signIn(t, "mallory-tokens@example.com");
    const token = shownToken(await (await eve.post("/account/tokens", { name: "ci", scope: "read" })).text());
    const [row] = await rows(eve.email);
    expect(await findTokenCaller(t.db.db, token ?? "")).toBeDefined();

    const theirs = await mallory.post(`/account/tokens/${row?.id}/revoke`, {});
    expect(theirs.status).toBe(303);
    expect(await rows(eve.email)).toHaveLength(1);

    const mine = await eve.post(`/account/tokens/${row?.id}/revoke`, {});
    expect(mine.status).toBe(303);
    expect(mine.headers.get("location")).toBe("/account?done=revoked&saved=ci#tokens-heading");
    expect(await rows(eve.email)).toEqual([]);
    expect(await findTokenCaller(t.db.db, token ?? "")).toBeUndefined();
    const after = await (await eve.get("/account?done=revoked&saved=ci")).text();
    expect(after).toContain("You have no API tokens.");
    expect(after).toContain("Revoked “ci”. Programs using it are refused from now on.");
    // a second press finds nothing to revoke, and says so calmly
    const again = await eve.post(`/account/tokens/${row?.id}/revoke`, {});
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("/account?done=already-revoked#tokens-heading");
    expect(await (await eve.get("/account?done=already-revoked")).text()).toContain(
      "That token was already revoked.",
    );
  });

  it("names the revoked token in the confirmation, escaped, and ignores a name no token could have", async () => {
    const ivy = await signIn(t, "ivy-tokens@example.com");
    await ivy.post("/account/tokens", { name: "<b>walk-d</b>", scope: "read" });
    const [row] = await rows(ivy.email);
    const res = await ivy.post(`/account/tokens/${row?.id}/revoke`, {});
    const html = await (await ivy.get(res.headers.get("location")?.split("#")[0] ?? "")).text();
    expect(html).toContain("Revoked “&lt;b&gt;walk-d&lt;/b&gt;”.");
    const long = await (await ivy.get(`/account?done=revoked&saved=${"x".repeat(61)}`)).text();
    expect(long).not.toContain("Revoked");
  });

  it("creates nothing when the creation form is sent again (a reload, back/forward), and says why", async () => {
    const jo = await signIn(t, "jo-tokens@example.com");
    const form = await (await jo.get("/account")).text();
    const nonce = /name="nonce" value="([\w-]+)"/.exec(form)?.[1] ?? "";
    expect(nonce).not.toBe("");
    const first = await jo.post("/account/tokens", { name: "walk-d", scope: "read", nonce });
    expect(first.status).toBe(201);
    const firstHtml = await first.text();
    const token = shownToken(firstHtml);
    expect(token).toBeDefined();
    // the answer's own form carries a fresh value, so a second token is one click away
    expect(firstHtml).not.toContain(`value="${nonce}"`);

    const resent = await jo.post("/account/tokens", { name: "walk-d", scope: "read", nonce });
    expect(resent.status).toBe(200);
    expect(resent.headers.get("cache-control")).toBe("private, no-store");
    const html = await resent.text();
    expect(html).toContain(
      "This token was already created; its secret is shown only once. Revoke it and create a new one if you did not copy it.",
    );
    expect(shownToken(html)).toBeUndefined();
    expect(await rows(jo.email)).toHaveLength(1);

    // two sends racing with one value still make one token
    const fresh = /name="nonce" value="([\w-]+)"/.exec(html)?.[1] ?? "";
    const both = await Promise.all([
      jo.post("/account/tokens", { name: "walk-e", scope: "read", nonce: fresh }),
      jo.post("/account/tokens", { name: "walk-e", scope: "read", nonce: fresh }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect((await rows(jo.email)).map((r) => r.name)).toEqual(["walk-d", "walk-e"]);
  });

  it(`holds at most ${MAX_API_TOKENS} tokens per account`, async () => {
    const fay = await signIn(t, "fay-tokens@example.com");
    for (let i = 0; i < MAX_API_TOKENS; i++) {
      expect((await fay.post("/account/tokens", { name: `t${i}`, scope: "read" })).status).toBe(201);
    }
    const page = await (await fay.get("/account")).text();
    expect(page).toContain("Revoke one to create another");
    expect(page).not.toContain('action="/account/tokens"');
    const refused = await fay.post("/account/tokens", { name: "one more", scope: "read" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("the most an account may have");
    expect(await rows(fay.email)).toHaveLength(MAX_API_TOKENS);
  });

  it("limits how fast an account creates tokens, revoked or not", async () => {
    const gus: TestSession = await signIn(t, "gus-tokens@example.com");
    for (let i = 0; i < API_TOKENS_PER_ACCOUNT.limit; i++) {
      await gus.post("/account/tokens", { name: `churn ${i}`, scope: "read" });
      const [row] = await rows(gus.email);
      await gus.post(`/account/tokens/${row?.id}/revoke`, {});
    }
    const res = await gus.post("/account/tokens", { name: "one too many", scope: "read" });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await rows(gus.email)).toEqual([]);
  });

  it("records a token's last use at most once a minute", async () => {
    const hal = await signIn(t, "hal-tokens@example.com");
    const token =
      shownToken(await (await hal.post("/account/tokens", { name: "cron", scope: "read" })).text()) ?? "";
    const start = Date.parse("2026-12-01T10:00:00Z");
    await findTokenCaller(t.db.db, token, start);
    expect((await rows(hal.email))[0]?.last_used_at).toBe("2026-12-01T10:00:00.000Z");
    await findTokenCaller(t.db.db, token, start + TOKEN_TOUCH_EVERY_MS - 1000);
    expect((await rows(hal.email))[0]?.last_used_at).toBe("2026-12-01T10:00:00.000Z");
    await findTokenCaller(t.db.db, token, start + TOKEN_TOUCH_EVERY_MS);
    expect((await rows(hal.email))[0]?.last_used_at).toBe("2026-12-01T10:01:00.000Z");
    expect(await (await hal.get("/account")).text()).toContain("2026-12-01 10:01");
  });
});
