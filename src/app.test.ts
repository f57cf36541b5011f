import { HTTPException } from "hono/http-exception";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../test/support/app.ts";
import { signIn } from "../test/support/session.ts";
import { declarationOf } from "./http/write.ts";
import { stylesheet } from "./ui/assets.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

describe("every page", () => {
  it.each([
    "/",
    "/tools",
    "/tools/cursor",
    "/compare",
    "/compare/cursor-vs-github-copilot",
    "/categories",
    "/categories/speech-audio",
    "/methodology",
  ])("%s renders with strict security headers", async (path) => {
    const res = await t.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<html lang="en">');
  });

  it("the home page has latest verdicts, popular comparisons, categories and the newsletter", async () => {
    const html = await (await t.request("/")).text();
    for (const part of ["Latest verdicts", "Featured comparisons", "Categories", "Weekly AI Tool Verdicts"]) {
      expect(html).toContain(part);
    }
    expect(html).toContain('href="/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b"');
  });

  it("the methodology explains every number", async () => {
    const html = await (await t.request("/methodology")).text();
    for (const part of [
      "Panel verdict",
      "Panel ship %",
      "Panel score",
      "Wilson",
      "Bradley–Terry",
      "Reviewer split",
      "Pricing read",
    ]) {
      expect(html).toContain(part);
    }
  });
});

describe("errors", () => {
  it("never redirects to another host when tidying an address", async () => {
    for (const path of ["//evil.example/", "///Evil.example//", "//evil.example/Tools"]) {
      const res = await t.request(path);
      const location = res.headers.get("location") ?? "";
      expect(location.startsWith("/")).toBe(true);
      expect(location.startsWith("//")).toBe(false);
    }
  });

  it("answers a form body that cannot be parsed with a 400, not a 500", async () => {
    const res = await t.request("/sign-in", {
      method: "POST",
      headers: { "content-type": "multipart/form-data" },
      body: "email=a@example.com",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("The form could not be read");
  });

  it("answers an unknown address with a helpful 404 page", async () => {
    const res = await t.request("/no/such/page");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("There is no page at this address");
    expect(res.headers.get("content-security-policy")).toBeTruthy();
  });

  it("answers a plain HTTPException from a route with its 4xx on the error page, not a logged 500", async () => {
    // a fresh app: routes can only be added before the first request
    const own = await createTestApp();
    own.app.get("/test/unsupported", () => {
      throw new HTTPException(415, { message: "Send the form as ordinary form fields." });
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await own.request("/test/unsupported");
      expect(res.status).toBe(415);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const html = await res.text();
      expect(html.startsWith("<!doctype html>")).toBe(true);
      expect(html).toContain("Error 415");
      expect(html).toContain("Unsupported Media Type");
      expect(html).toContain("Send the form as ordinary form fields.");

      const json = await own.request("/test/unsupported", { headers: { accept: "application/json" } });
      expect(json.status).toBe(415);
      expect(json.headers.get("content-type")).toBe("application/problem+json");
      expect(await json.json()).toMatchObject({
        status: 415,
        detail: "Send the form as ordinary form fields.",
      });
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
      await own.dispose();
    }
  });

  it("answers a database failure with a calm 500 page and no stack trace", async () => {
    const broken = await createTestApp();
    await sql`drop table tool_deployments`.execute(broken.db.db);
    const res = await broken.request("/tools");
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).toContain("Something went wrong on our side");
    expect(html).not.toMatch(/at .*\.ts:\d+/);
    expect(html).not.toContain("tool_deployments");
    await broken.dispose();
  });
});

describe("caching", () => {
  it("serves the stylesheet under a hashed, immutable path", async () => {
    const res = await t.request(stylesheet.path);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect((await t.request("/assets/styles.0000.css")).status).toBe(404);
  });

  it("gives pages an ETag and answers a matching If-None-Match with 304", async () => {
    const first = await t.request("/compare/cursor-vs-github-copilot");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await t.request("/compare/cursor-vs-github-copilot", {
      headers: { "if-none-match": etag ?? "" },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const other = await t.request("/compare/cursor-vs-github-copilot", {
      headers: { "if-none-match": '"stale"' },
    });
    expect(other.status).toBe(200);
  });

  it("keeps anonymous pages in the page cache and drops them on invalidation", async () => {
    await t.request("/tools/cursor");
    expect(t.deps.cache.get("/tools/cursor")).toBeDefined();
    await t.db.db.updateTable("tools").set({ name: "Cursor Renamed" }).where("slug", "=", "cursor").execute();
    t.deps.cache.invalidate();
    expect(t.deps.cache.get("/tools/cursor")).toBeUndefined();
    expect(await (await t.request("/tools/cursor")).text()).toContain("Cursor Renamed");
  });

  it("keeps only the anonymous page from a request with cookies, and tells shared caches its answer is private", async () => {
    t.deps.cache.invalidate();
    // a signed-out reader whose browser holds a bookmark: their page shows it, the stored one does not
    const res = await t.request("/tools/aider", { headers: { cookie: "sos_bookmarks=aider" } });
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    expect(res.headers.get("vary")).toBe("Cookie, Accept-Encoding");
    expect(await res.text()).toContain("Bookmarked<");
    const stored = t.deps.cache.get("/tools/aider");
    expect(stored?.body.toString()).toContain(">Bookmark<");
    expect(stored?.body.toString()).not.toContain("Bookmarked<");
    expect((await t.request("/tools/aider")).headers.get("cache-control")).toBe("no-cache");
    // a page that does not say readers share it is never stored from a request with cookies
    t.deps.cache.invalidate();
    await t.request("/newsletter", { headers: { cookie: "session=abc" } });
    expect(t.deps.cache.get("/newsletter")).toBeUndefined();
  });

  it("tells browsers to store no page rendered for a signed-in reader, nor any personal page", async () => {
    const own = await createTestApp("sqlite", { ADMIN_EMAILS: "chief@example.com" });
    const admin = await signIn(own, "chief@example.com");
    for (const path of [
      "/account",
      "/bookmarks",
      "/admin/moderation",
      "/tools/cursor",
      "/",
      "/no-such-page",
    ]) {
      const res = await admin.get(path);
      expect([path, res.headers.get("cache-control")]).toEqual([path, "private, no-store"]);
    }
    // an asset stays cacheable whoever asks for it
    expect((await admin.get(stylesheet.path)).headers.get("cache-control")).toContain("immutable");
    // signed out, personal pages are not kept either, while the rest stay cacheable
    const bookmarks = await own.request("/bookmarks");
    expect(bookmarks.status).toBe(200);
    expect(bookmarks.headers.get("cache-control")).toBe("private, no-store");
    expect(own.deps.cache.get("/bookmarks")).toBeUndefined();
    expect((await own.request("/tools/cursor")).headers.get("cache-control")).toBe("no-cache");
    await own.dispose();
  });

  it("does not store a page whose response sets a cookie (a stale session being cleared)", async () => {
    t.deps.cache.invalidate();
    const res = await t.request("/tools/qdrant", { headers: { cookie: "sos_session=expired-or-forged" } });
    expect(res.headers.getSetCookie().some((c) => c.startsWith("sos_session=;"))).toBe(true);
    expect(t.deps.cache.get("/tools/qdrant")).toBeUndefined();
  });

  it("answers HEAD without a body", async () => {
    const res = await t.request("/tools", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });
});

describe("form size limits", () => {
  let editorial: TestApp;
  beforeAll(async () => {
    editorial = await createTestApp("sqlite", { ADMIN_EMAILS: "editor@example.com" });
  });
  afterAll(() => editorial.dispose());

  // 600 characters of a non-Latin script: about 5.4 KB once form-encoded
  const longAnswer = "評".repeat(600);

  it("refuses an ordinary form over 16 KB with a 413 page", async () => {
    const reader = await signIn(editorial, "reader@example.com");
    const res = await reader.post("/tools/cursor/vote", { value: "ship", note: longAnswer.repeat(4) });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("That form is too large");
  });

  it("takes a full review in a non-Latin script on the panel's form", async () => {
    const editor = await signIn(editorial, "editor@example.com");
    const res = await editor.post("/panel/tools/aider/founder/save", {
      base_revision: "1",
      draft_stamp: "",
      answer_buyer: longAnswer,
      answer_moat: longAnswer,
      answer_tenXCheaper: longAnswer,
      answer_viability: longAnswer,
      summary: "評".repeat(400),
    });
    expect(res.status).toBe(303);
    const draft = await editorial.db.db
      .selectFrom("review_drafts")
      .select("fields")
      .where("persona", "=", "founder")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(draft.fields).answers.moat).toBe(longAnswer);
  });
});

describe("write routes", () => {
  it("every POST, PUT and DELETE route declares its permission, rate rule and invalidation", () => {
    const writes = t.app.routes.filter((r) => ["POST", "PUT", "DELETE"].includes(r.method));
    expect(writes.length).toBeGreaterThan(20);
    const declared = new Set(
      writes.filter((r) => declarationOf(r.handler)).map((r) => `${r.method} ${r.path}`),
    );
    const undeclared = [...new Set(writes.map((r) => `${r.method} ${r.path}`))].filter(
      (k) => !declared.has(k),
    );
    expect(undeclared, "mount these with write(deps, {...}) from src/http/write.ts").toEqual([]);
  });
});
