/**
 * Browser tests drive Debian's Chromium through playwright-core against a real server on
 * loopback. Without Chromium the suite is skipped with a reason, except in CI, where it fails.
 */
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { createApp } from "../../src/app.tsx";
import { loadConfig } from "../../src/config.ts";
import { startServer } from "../../src/server.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Whether the browser suite can run here; throws in CI when it cannot. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI)
    throw new Error(`CI must run the browser suite, but ${CHROMIUM} is missing (.ci/run installs it).`);
  console.warn(`[skipped] browser suite: ${CHROMIUM} not found. Install it with: apt-get install chromium`);
  return false;
}

/** Launches headless Chromium with the flags this machine needs. */
export function launchBrowser(): Promise<Browser> {
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
  close(): Promise<void>;
}

/** Serves the app on a free loopback port over a fresh seeded SQLite copy. */
export async function startLiveSite(): Promise<LiveSite> {
  const db: TestDatabase = await createTestDatabase("sqlite");
  const config = loadConfig({ NODE_ENV: "test", SITE_URL: "http://127.0.0.1" });
  const { app, deps } = createApp({ db: db.db, config });
  const { server, url } = await startServer({ app, cache: deps.cache, port: 0, host: "127.0.0.1" });
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => (server as Server).close(() => resolve()));
      await db.dispose();
    },
  };
}

/** Inside a describe: a live site and a browser for its tests, closed afterwards. */
export function useLiveBrowser(): { site: LiveSite; browser: Browser } {
  const ctx = {} as { site: LiveSite; browser: Browser };
  beforeAll(async () => {
    [ctx.site, ctx.browser] = await Promise.all([startLiveSite(), launchBrowser()]);
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.site?.close();
  });
  return ctx;
}
