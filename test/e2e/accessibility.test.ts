/** axe-core in Chromium over the main pages, light and dark, and a 320 px wide layout check. */
import { describe, expect, it } from "vitest";
import { axeViolations } from "../support/axe.ts";
import { accountNav, browserAvailable, signInThroughOutbox, useLiveBrowser } from "../support/browser.ts";

const PAGES = [
  "/",
  "/tools",
  "/tools/smolvlm2-2b",
  "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b",
  "/compare",
  "/methodology",
  "/sign-in",
  "/bookmarks",
  "/newsletter",
  "/newsletter/issues",
  "/api",
  "/privacy",
];

describe.runIf(browserAvailable())("browser: accessibility and small screens", () => {
  const live = useLiveBrowser();

  for (const scheme of ["light", "dark"] as const) {
    it.each(PAGES)(`%s has no serious or critical axe violation (${scheme})`, async (path) => {
      // axe is injected as an inline script, which the site's CSP rightly forbids
      const context = await live.browser.newContext({ colorScheme: scheme, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(live.site.url + path);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  }

  it.each(PAGES)("%s fits a 320 px screen without sideways scrolling", async (path) => {
    const context = await live.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(live.site.url + path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});

const SIGNED_IN_PAGES = [
  "/account",
  "/bookmarks",
  "/tools/cursor",
  "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b",
  "/admin/moderation",
  "/admin/moderation/tools/cursor",
  "/admin/accounts/1",
  "/admin/audit",
  "/admin/newsletter",
  "/panel",
  "/panel/tools/cursor",
  "/panel/tools/cursor/futurist",
];

describe.runIf(browserAvailable())("browser: accessibility of signed-in and admin pages", () => {
  const live = useLiveBrowser({ env: { NODE_ENV: "development", ADMIN_EMAILS: "admin@example.com" } });

  it("has no serious or critical axe violation with votes, picks and bookmarks in place", async () => {
    const setup = await live.browser.newContext();
    const page = await setup.newPage();
    await page.goto(`${live.site.url}/sign-in`);
    await signInThroughOutbox(page, "admin@example.com");
    await page.goto(`${live.site.url}/tools/cursor`);
    await page.getByRole("button", { name: "Ship Cursor" }).click();
    await page.getByRole("button", { name: "Bookmark Cursor" }).click();
    await page.getByRole("button", { name: "Bookmarked Cursor" }).waitFor();
    await page.goto(`${live.site.url}${SIGNED_IN_PAGES[3]}`);
    await page.getByRole("button", { name: "SmolVLM2-2B", exact: true }).click();
    await page.getByText(/% · 1 pick$/).waitFor();
    const storageState = await setup.storageState();
    await setup.close();
    for (const scheme of ["light", "dark"] as const) {
      // axe is injected as an inline script, which the site's CSP rightly forbids
      const context = await live.browser.newContext({ colorScheme: scheme, bypassCSP: true, storageState });
      const view = await context.newPage();
      for (const path of SIGNED_IN_PAGES) {
        const res = await view.goto(live.site.url + path);
        // still signed in as the admin: no redirect to the sign-in page
        expect(new URL(view.url()).pathname).toBe(path);
        expect(res?.status()).toBe(200);
        expect({ path, scheme, violations: await axeViolations(view) }).toEqual({
          path,
          scheme,
          violations: [],
        });
      }
      await context.close();
    }
  }, 120_000);

  it("lines the signed-in header up: the main links, the account links and Sign out on one line", async () => {
    const context = await live.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/sign-in`);
    await signInThroughOutbox(page, "admin@example.com");
    await page.goto(`${live.site.url}/tools`);
    const middle = async (box: Promise<{ y: number; height: number } | null>) => {
      const b = await box;
      if (!b) throw new Error("not on the page");
      return b.y + b.height / 2;
    };
    const main = page.getByRole("navigation", { name: "Main" });
    const account = accountNav(page);
    const middles = [
      await middle(main.getByRole("link", { name: "Tools" }).boundingBox()),
      await middle(account.getByRole("link", { name: "Account" }).boundingBox()),
      await middle(account.getByRole("button", { name: "Sign out" }).boundingBox()),
    ];
    expect(Math.max(...middles) - Math.min(...middles)).toBeLessThanOrEqual(2);
    await context.close();
  });
});
