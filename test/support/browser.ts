/**
 * Browser tests drive Debian's Chromium through playwright-core against a real server on
 * loopback. Without Chromium the suite is skipped with a reason, except in CI, where it fails.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { createApp } from "../../src/app.tsx";
import { loadConfig } from "../../src/config.ts";
import { PageCache } from "../../src/http/page-cache.ts";
import { startServer } from "../../src/server.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Whether the browser suite can run here; throws in CI when it cannot. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI)
    throw new Error(`CI must run the browser suite, but ${CHROMIUM} is missing (.ci/run installs it).`);
  console.warn(`[skipped] browser suite: ${CHROMIUM} not found. Install it with: apt-get install chromium`);
  return false;
}

/** Launches headless Chromium with the flags this machine needs. */
function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

export interface LiveSite {
  url: string;
  /** The site's private DATA_DIR (its outbox is `outbox/` inside), removed on close. */
  dataDir: string;
  /** The site's database, for setting up what a test needs (a role, a record). */
  db: TestDatabase["db"];
  close(): Promise<void>;
}

export interface LiveSiteOptions {
  /** Environment for loadConfig, over the defaults (NODE_ENV=test, SITE_URL, a temp DATA_DIR). */
  env?: Record<string, string>;
}

/** Serves the app on a free loopback port over a fresh seeded SQLite copy. */
async function startLiveSite(opts: LiveSiteOptions = {}): Promise<LiveSite> {
  const db: TestDatabase = await createTestDatabase("sqlite");
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-live-"));
  // SITE_URL must name the real port (sign-in links, the CSRF origin check), which is known
  // only once the server is bound: bind first with a forwarder, then build the app behind it.
  const env = (url: string) => ({ NODE_ENV: "test", SITE_URL: url, DATA_DIR: dataDir, ...opts.env });
  const cache = new PageCache(loadConfig(env("http://127.0.0.1")).pageCache);
  let inner: Hono | undefined;
  const forwarder = new Hono().all("*", (c) => {
    if (!inner) return c.text("starting", 503);
    return inner.fetch(c.req.raw, c.env);
  });
  const { server, url } = await startServer({ app: forwarder, cache, port: 0, host: "127.0.0.1" });
  const config = loadConfig(env(url));
  const { app, deps } = createApp({ db: db.db, config, cache });
  inner = app;
  return {
    url,
    dataDir,
    db: db.db,
    close: async () => {
      await new Promise<void>((resolve) => (server as Server).close(() => resolve()));
      deps.mailer.close();
      await db.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Inside a describe: a live site and a browser for its tests, closed afterwards. */
export function useLiveBrowser(opts: LiveSiteOptions = {}): { site: LiveSite; browser: Browser } {
  const ctx = {} as { site: LiveSite; browser: Browser };
  beforeAll(async () => {
    [ctx.site, ctx.browser] = await Promise.all([startLiveSite(opts), launchBrowser()]);
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.site?.close();
  });
  return ctx;
}

/** The header's account navigation (Bookmarks, Sign in / Account, Sign out). */
export const accountNav = (page: Page) => page.getByRole("navigation", { name: "Account" });

/** From the sign-in form to signed in: the mail is read in /dev/outbox, as a developer would. */
export async function signInThroughOutbox(page: Page, email: string): Promise<string> {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.getByRole("heading", { level: 1, name: "Check your email" }).waitFor();
  await page.getByRole("link", { name: "the outbox", exact: true }).click();
  const newest = page.getByRole("main").getByRole("listitem").first();
  const summary = (await newest.textContent()) ?? "";
  if (!summary.includes(`to ${email}`))
    throw new Error(`newest outbox message is not to ${email}: ${summary}`);
  await newest.getByRole("link").click();
  const link = page.getByRole("main").getByRole("link", { name: /\/sign-in\/confirm\?token=/ });
  const href = await link.getAttribute("href");
  await link.click();
  await page.getByRole("button", { name: "Sign me in" }).click();
  await accountNav(page).getByRole("link", { name: "Account" }).waitFor();
  return href ?? "";
}
