/**
 * The classes of input from issue 11 (findings 2, 3, 5 and 6), through a real node:http server:
 * they are refused at the edge with a helpful 400 or 404, never a 500, and always with the
 * security headers. The fuzz suite (test/fuzz.test.ts) sweeps every route; these pin the cases.
 */
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRole, SESSION_COOKIE } from "../src/features/accounts/index.ts";
import { parseId } from "../src/http/ids.ts";
import { safeReturnPath } from "../src/http/return-path.ts";
import { startServer } from "../src/server.ts";
import { createTestApp, type TestApp } from "./support/app.ts";
import { reportSkippedPostgres, testEngines } from "./support/db.ts";
import { cookieFrom, signIn, type TestSession } from "./support/session.ts";

reportSkippedPostgres("hostile input");

describe("parseId", () => {
  it("takes plain whole numbers from 1 to 2147483647 and nothing else", () => {
    expect(parseId("1")).toBe(1);
    expect(parseId("2147483647")).toBe(2147483647);
    for (const raw of [
      "2147483648",
      "99999999999999999999",
      "0",
      "-1",
      "01",
      "1e3",
      "1.0",
      " 1",
      "",
      undefined,
    ]) {
      expect(parseId(raw)).toBeUndefined();
    }
  });
});

describe("safeReturnPath", () => {
  it("keeps a percent-encoded local path and falls back on any other character", () => {
    expect(safeReturnPath("/tools?q=a%20b&sort=name#x")).toBe("/tools?q=a%20b&sort=name#x");
    for (const bad of [
      "/\u007f",
      "/a\u0000",
      "/a b",
      "/ü",
      "/\u0085",
      "/\ud800",
      "//evil.example",
      "/\\evil",
    ]) {
      expect(safeReturnPath(bad, "/fallback")).toBe("/fallback");
    }
  });
});

describe.each(testEngines())("hostile input on %s", (engine) => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let reader: TestSession;
  let admin: TestSession;
  beforeAll(async () => {
    t = await createTestApp(engine);
    // a route that sets a header node refuses to write, added before the first request builds the router
    t.app.get("/test/unwritable", (c) => c.redirect("/\u007f", 303));
    ({ server, url: base } = await startServer({
      app: t.app,
      cache: t.deps.cache,
      port: 0,
      host: "127.0.0.1",
    }));
    reader = await signIn(t, "hostile-reader@example.com");
    await grantRole(t.db.db, "hostile-admin@example.com", "admin");
    admin = await signIn(t, "hostile-admin@example.com");
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.dispose();
  });

  /** Sends a request to the real server and checks it is a sane answer with the security headers. */
  async function send(path: string, init: RequestInit & { as?: TestSession } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (init.as) Object.assign(headers, { cookie: init.as.cookie, "x-csrf-token": init.as.csrf });
    const res = await fetch(`${base}${path}`, { ...init, headers, redirect: "manual" });
    expect(res.status, path).toBeLessThan(500);
    expect(res.headers.get("content-security-policy"), path).toBeTruthy();
    expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    return res;
  }
  const formPost = (
    fields: Record<string, string>,
    as?: TestSession,
  ): RequestInit & { as?: TestSession } => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    as,
  });
  const jsonPost = (body: string, as?: TestSession): RequestInit & { as?: TestSession } => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    as,
  });

  it("answers a DEL in a return path sanely, and a crafted sign-in link still signs in", async () => {
    const page = await send("/sign-in?next=/%7F");
    expect(page.status).toBe(400);
    const vote = await send("/tools/cursor/vote", formPost({ value: "ship", return_to: "/\u007f" }, reader));
    expect(vote.status).toBe(400);
    const json = await send(
      "/tools/cursor/vote",
      jsonPost('{"value":"ship","return_to":"/\\u007f"}', reader),
    );
    expect(json.status).toBe(400);
    // a return path outside the path characters (here a C1 control) falls back to the home page
    const asked = await send("/sign-in", formPost({ email: "crafted@example.com", next: "/\u0085" }));
    expect(asked.status).toBe(303);
    const token = /token=([\w-]+)/.exec(t.mail.at(-1)?.text ?? "")?.[1] ?? "";
    const confirmed = await send("/sign-in/confirm", formPost({ token }));
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("location")).toBe("/");
    expect(cookieFrom(confirmed, SESSION_COOKIE)).toBeTruthy();
  });

  it("ends a response node cannot write in the error page, with the security headers", async () => {
    const res = await fetch(`${base}/test/unwritable`, { redirect: "manual" });
    expect(res.status).toBe(500);
    expect(res.headers.get("content-security-policy")).toBeTruthy();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("Something went wrong on our side");
  });

  it("refuses NUL and other control characters in addresses, forms and JSON with a 400", async () => {
    for (const path of [
      "/tools?q=a%00b",
      "/tools/cur%00sor",
      "/categories/a%7F",
      "/newsletter?category=%00",
      "/tools?q=%0a",
    ]) {
      const res = await send(path);
      expect(res.status, path).toBe(400);
      expect(await res.text()).toContain("control characters");
    }
    for (const init of [
      formPost({ value: "ship", return_to: "/tools\u0000" }, reader),
      jsonPost('{"value":"ship","return_to":"/tools\\u0000"}', reader),
      formPost({ email: "a\u0000@example.com" }),
      formPost({ reason: "spam\u0001", _csrf: admin.csrf }, admin),
    ]) {
      const res = await send(String(init.body).includes("email") ? "/sign-in" : "/tools/cursor/vote", init);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("control characters");
    }
    // tabs and line breaks stay allowed in text
    const ok = await send(
      "/tools/cursor/vote",
      formPost({ value: "ship", return_to: "/tools", note: "a\tb\r\nc" }, reader),
    );
    expect(ok.status).toBe(303);
  });

  it("answers ids beyond the integer range with 404 (paths) or 400 (queries)", async () => {
    const big = "99999999999999999999";
    expect((await send(`/account/sessions/${big}/end`, formPost({}, reader))).status).toBe(404);
    expect((await send("/account/sessions/2147483648/end", formPost({}, reader))).status).toBe(404);
    expect((await send(`/admin/accounts/${big}`, { as: admin })).status).toBe(404);
    for (const action of ["block", "unblock", "votes/remove"]) {
      const res = await send(
        `/admin/accounts/2147483648/${action}`,
        formPost({ reason: "testing ids" }, admin),
      );
      expect(res.status).toBe(404);
    }
    expect((await send(`/admin/audit?before=${big}`, { as: admin })).status).toBe(400);
    expect((await send(`/newsletter/issues/${big}`)).status).toBe(404);
    expect((await send(`/admin/newsletter/issues/${big}`, { as: admin })).status).toBe(404);
    const judged = await send(
      "/admin/predictions",
      formPost({ prediction: big, outcome: "held", note: "x" }, admin),
    );
    expect(judged.status).toBe(400);
  });

  it("refuses lone surrogates in JSON bodies with a 400", async () => {
    for (const [path, body] of [
      ["/tools/cursor/vote", '{"value":"ship","return_to":"/\\ud800"}'],
      ["/tools/cursor/bookmark", '{"bookmarked":"yes","return_to":"/tools\\udfff"}'],
      ["/compare/cursor-vs-github-copilot/pick", '{"winner":"cursor\\ud800"}'],
      ["/admin/newsletter/preview", '{"intro":"Hello \\ud83d"}'],
    ] as const) {
      const res = await send(path, jsonPost(body, path.startsWith("/admin") ? admin : reader));
      expect(res.status, path).toBe(400);
      expect(await res.text()).toContain("well-formed Unicode");
    }
    // a paired surrogate (an emoji) is fine
    const ok = await send(
      "/tools/cursor/vote",
      jsonPost('{"value":"ship","return_to":"/tools","x":"\\ud83d\\ude00"}', reader),
    );
    expect(ok.status).toBe(303);
  });
});
