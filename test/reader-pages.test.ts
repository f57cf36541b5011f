/**
 * Signed-in readers' pages from the page cache (src/http/reader-pages.ts): a page readers share
 * is stored with its template, and a signed-in GET of it is answered by filling in the reader's
 * own parts, without running the route. Over a real server on loopback, as npm start runs it;
 * every answer is checked against the app's own full render of the same page for the same reader.
 */

import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.tsx";
import { loadConfig } from "../src/config.ts";
import { unmaskToken } from "../src/http/tokens.ts";
import { startServer } from "../src/server.ts";
import { createTestDatabase, reportSkippedPostgres, type TestDatabase, testEngines } from "./support/db.ts";
import { signIn, type TestSession } from "./support/session.ts";

reportSkippedPostgres("signed-in pages from the cache");

const A = "gemini-2-5-flash-native-audio-output";
const B = "smolvlm2-2b";
const PAIR = `/compare/${A}-vs-${B}`;

/** The CSRF fields of a page, unmasked, and the page with them blanked (each answer masks anew). */
function splitTokens(html: string): { tokens: string[]; page: string } {
  const tokens: string[] = [];
  const page = html.replace(/name="_csrf" value="([^"]+)"/g, (_, t: string) => {
    tokens.push(unmaskToken(t));
    return 'name="_csrf" value=""';
  });
  return { tokens, page };
}

describe.each(testEngines())("signed-in pages from the cache on %s", (engine) => {
  let t: TestDatabase;
  let server: Server;
  let url: string;
  let app: ReturnType<typeof createApp>["app"];
  let deps: ReturnType<typeof createApp>["deps"];
  /** How many pages the app itself rendered for a reader (its route ran): the slow path. */
  let appRenders = 0;
  let ada: TestSession;
  let bo: TestSession;

  /** A request to the running server; redirects are kept, as a form post's 303 is checked. */
  const request = (path: string, init?: RequestInit) =>
    fetch(`${url}${path}`, { ...init, redirect: "manual" });

  /** The page as the app renders it in full for this reader (in process, never from a template). */
  const fullRender = async (session: TestSession, path: string) =>
    (await app.request(path, { headers: { cookie: session.cookie } })).text();

  /** A signed-in GET through the server, and whether the app's route had to run for it. */
  async function get(session: TestSession, path: string) {
    const before = appRenders;
    const res = await request(path, { headers: { cookie: session.cookie } });
    return { res, html: await res.text(), fromTemplate: appRenders === before };
  }

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    const config = loadConfig({
      NODE_ENV: "test",
      SITE_URL: "http://127.0.0.1",
      DATA_DIR: mkdtempSync(join(tmpdir(), "sos-readers-")),
      ADMIN_EMAILS: "chief@example.com",
    });
    const built = createApp({ db: t.db, config });
    ({ app, deps } = built);
    const readerState = deps.readerState;
    deps.readerState = (c, viewer) => {
      if (viewer.user) appRenders++;
      return readerState(c, viewer);
    };
    ({ server, url } = await startServer({
      app,
      cache: deps.cache,
      readers: built.readers,
      port: 0,
      host: "127.0.0.1",
    }));
    ada = await signIn({ request, db: t }, "ada@example.com");
    bo = await signIn({ request, db: t }, "bo@example.com");
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    deps.mailer.close();
    await t.dispose();
  });

  it("answers a reader from the stored page, with their vote, bookmark and pick, as the app would render it", async () => {
    expect((await ada.post(`/tools/${A}/vote`, { value: "ship" })).status).toBe(303);
    expect((await ada.post(`/tools/${B}/bookmark`, { bookmarked: "yes" })).status).toBe(303);
    expect((await ada.post(`${PAIR}/pick`, { winner: A })).status).toBe(303);
    // the writes dropped the comparison; an anonymous view stores it again, with its template
    expect((await request(PAIR)).status).toBe(200);
    expect(deps.cache.sharedPage(PAIR)).toBeDefined();

    const { res, html, fromTemplate } = await get(ada, PAIR);
    expect(fromTemplate).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("content-security-policy")).toBeTruthy();
    const mine = splitTokens(html);
    expect(mine.page).toBe(splitTokens(await fullRender(ada, PAIR)).page);
    // every form carries this reader's token
    expect(mine.tokens.length).toBeGreaterThan(3);
    expect(new Set(mine.tokens)).toEqual(new Set([ada.csrf]));
    expect(html).toMatch(
      new RegExp(`action="/tools/${A}/vote"[^]*?value="ship" class="toggle toggle-ship" aria-pressed="true"`),
    );
    expect(html).toMatch(new RegExp(`action="/tools/${B}/bookmark"[^]*?aria-pressed="true"`));
    expect(html).toMatch(new RegExp(`name="winner" value="${A}" class="toggle" aria-pressed="true"`));
    expect(html).toContain('action="/sign-out"');
    expect(html).not.toContain('href="/sign-in"');
  });

  it("gives each reader their own parts from one template", async () => {
    expect((await bo.post(`/tools/${A}/vote`, { value: "skip" })).status).toBe(303);
    await request(PAIR);
    const first = await get(ada, PAIR);
    const second = await get(bo, PAIR);
    expect([first.fromTemplate, second.fromTemplate]).toEqual([true, true]);
    expect(second.html).toMatch(/value="skip" class="toggle toggle-skip" aria-pressed="true"/);
    expect(second.html).not.toMatch(
      new RegExp(`name="winner" value="${A}" class="toggle" aria-pressed="true"`),
    );
    expect(new Set(splitTokens(second.html).tokens)).toEqual(new Set([bo.csrf]));
    expect(splitTokens(second.html).page).toBe(splitTokens(await fullRender(bo, PAIR)).page);
    expect(splitTokens(first.html).page).toBe(splitTokens(await fullRender(ada, PAIR)).page);
  });

  it("shows a reader's own vote at once on a page whose figures wait for the refresh", async () => {
    const home = await (await request("/")).text();
    expect(deps.cache.sharedPage("/")).toBeDefined();
    // a tool the home page shows with a vote control
    const slug = home.match(/action="\/tools\/([a-z0-9-]+)\/vote"/)?.[1];
    expect(slug).toBeDefined();
    expect((await ada.post(`/tools/${slug}/vote`, { value: "skip" })).status).toBe(303);
    // the home page keeps its figures for a few seconds after a vote (FIGURES_REFRESH_MS)…
    expect(deps.cache.sharedPage("/")).toBeDefined();
    // …but the reader's own vote is read for every answer
    const { html, fromTemplate } = await get(ada, "/");
    expect(fromTemplate).toBe(true);
    expect(html).toMatch(
      new RegExp(
        `action="/tools/${slug}/vote"[^]*?value="skip" class="toggle toggle-skip" aria-pressed="true"`,
      ),
    );
  });

  it("sends a cookie that names no live session to the app, which clears it; a signed-out session is not served", async () => {
    await request(PAIR);
    const bogus = await request(PAIR, { headers: { cookie: "sos_session=not-a-session-token" } });
    expect(bogus.status).toBe(200);
    expect(bogus.headers.get("set-cookie")).toMatch(/sos_session=;/);
    expect(await bogus.text()).toContain('href="/sign-in"');

    const leaving = await signIn({ request, db: t }, "leaving@example.com");
    expect((await get(leaving, PAIR)).fromTemplate).toBe(true);
    expect((await leaving.post("/sign-out", { return_to: "/" })).status).toBe(303);
    const after = await request(PAIR, { headers: { cookie: leaving.cookie } });
    const html = await after.text();
    expect(html).toContain('href="/sign-in"');
    expect(html).not.toContain('action="/sign-out"');
  });

  it("leaves to the app every page that does not say readers share it, and every HEAD", async () => {
    await request("/newsletter");
    expect(deps.cache.sharedPage("/newsletter")).toBeUndefined();
    expect((await get(ada, "/newsletter")).fromTemplate).toBe(false);
    const before = appRenders;
    const head = await request(PAIR, { method: "HEAD", headers: { cookie: ada.cookie } });
    expect(head.status).toBe(200);
    expect(appRenders).toBe(before + 1);
  });

  it("stores every shared page from an admin's render as the anonymous page, and fills it as the app renders it", async () => {
    const chief = await signIn({ request, db: t }, "chief@example.com");
    expect((await chief.post(`/tools/${A}/vote`, { value: "skip" })).status).toBe(303);
    expect((await chief.post(`/tools/${A}/bookmark`, { bookmarked: "yes" })).status).toBe(303);
    expect((await chief.post(`${PAIR}/pick`, { winner: B })).status).toBe(303);
    const category = (await (await app.request(`/tools/${A}`)).text()).match(
      /href="(\/categories\/[a-z0-9-]+)"/,
    )?.[1];
    expect(category).toBeDefined();
    const shared = [
      "/",
      "/tools",
      "/tools?sort=name",
      `/tools/${A}`,
      PAIR,
      "/compare",
      "/categories",
      `${category}`,
    ];
    for (const path of [...shared, "/leaderboard", "/methodology"]) {
      deps.cache.invalidate();
      // rendered by the app for the admin, and stored: the anonymous page, nothing of them
      expect([path, (await get(chief, path)).fromTemplate]).toEqual([path, false]);
      const stored = deps.cache.get(path)?.body.toString() ?? "";
      expect([path, stored]).toEqual([path, await (await app.request(path)).text()]);
      for (const own of ['href="/panel"', 'action="/sign-out"', 'name="_csrf"', "Bookmarked<"]) {
        expect([path, stored.includes(own)]).toEqual([path, false]);
      }
      // then answered from the template, as the app renders it for them
      const answer = await get(chief, path);
      expect([path, answer.fromTemplate]).toEqual([path, true]);
      expect([path, splitTokens(answer.html).page]).toEqual([
        path,
        splitTokens(await fullRender(chief, path)).page,
      ]);
      expect(answer.html).toContain('href="/panel"');
    }
  });

  it("masks the reader's token afresh in every answer", async () => {
    await request(PAIR);
    const tokens = async () =>
      [...(await get(ada, PAIR)).html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);
    const [first, second] = [await tokens(), await tokens()];
    // one masking per answer, shared by its forms; never the same twice
    expect(first.length).toBeGreaterThan(1);
    expect([new Set(first).size, new Set(second).size]).toEqual([1, 1]);
    expect(first[0]).not.toBe(second[0]);
  });
});
