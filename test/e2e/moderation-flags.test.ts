/** The flagged-accounts page in Chromium: the evidence reads as label and value, wide and at 320 px. */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { recomputeBoards } from "../../src/features/leaderboard/index.ts";
import { axeViolations } from "../support/axe.ts";
import { browserAvailable, signInThroughOutbox, useLiveBrowser } from "../support/browser.ts";
import { insertRoundRobin, makeAccounts, toolSlugs } from "../support/picks.ts";

const STRENGTHS = [1.2, 0.6, 0, -0.6, -1.2];

/** Each evidence label and its value, with their boxes, plus the list's own left edge. */
async function evidenceBoxes(page: Page) {
  return page.evaluate(() => {
    const dl = document.querySelector("section.card dl")!;
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { left: Math.round(r.left), top: Math.round(r.top), bottom: Math.round(r.bottom) };
    };
    const rows = Array.from(dl.querySelectorAll("dt")).map((dt) => ({
      label: dt.textContent,
      dt: box(dt),
      dd: box(dt.nextElementSibling!),
    }));
    return { left: box(dl).left, rows };
  });
}

describe.runIf(browserAvailable())("browser: the flagged-accounts page", () => {
  const live = useLiveBrowser({ env: { NODE_ENV: "development", ADMIN_EMAILS: "admin@example.com" } });
  let storageState: Awaited<ReturnType<import("playwright-core").BrowserContext["storageState"]>>;

  beforeAll(async () => {
    const db = live.site.db;
    const slugs = await toolSlugs(db, "coding-assistants");
    await insertRoundRobin(db, {
      users: await makeAccounts(db, 40, "fan"),
      slugs,
      strengths: STRENGTHS,
      seed: 3,
    });
    const riggers = await makeAccounts(db, 2, "rigger");
    await insertRoundRobin(db, { users: riggers, slugs, strengths: STRENGTHS, seed: 4, against: true });
    expect((await recomputeBoards(db)).status).toBe("done");
    const setup = await live.browser.newContext();
    const page = await setup.newPage();
    await page.goto(`${live.site.url}/sign-in`);
    await signInThroughOutbox(page, "admin@example.com");
    storageState = await setup.storageState();
    await setup.close();
  }, 60_000);

  it("sets each label beside its value at desktop width, every label starting its own row", async () => {
    const context = await live.browser.newContext({ viewport: { width: 1280, height: 900 }, storageState });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/admin/moderation/flags`);
    const { left, rows } = await evidenceBoxes(page);
    expect(rows.map((r) => r.label)).toContain("Lifting one tool");
    for (const r of rows) {
      expect([r.label, r.dt.left]).toEqual([r.label, left]);
      expect([r.label, r.dd.top]).toEqual([r.label, r.dt.top]);
      expect(r.dd.left).toBeGreaterThan(r.dt.left);
    }
    // the values line up in one column
    expect(new Set(rows.map((r) => r.dd.left)).size).toBe(1);
    await context.close();
  });

  it("stacks each label above its value at 320 px, without sideways scrolling", async () => {
    const context = await live.browser.newContext({ viewport: { width: 320, height: 640 }, storageState });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/admin/moderation/flags`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    const { left, rows } = await evidenceBoxes(page);
    for (const r of rows) {
      expect([r.label, r.dt.left, r.dd.left]).toEqual([r.label, left, left]);
      expect(r.dd.top).toBeGreaterThanOrEqual(r.dt.bottom);
    }
    await context.close();
  });

  for (const scheme of ["light", "dark"] as const) {
    it(`has no serious or critical axe violation with flags listed (${scheme})`, async () => {
      // axe is injected as an inline script, which the site's CSP rightly forbids
      const context = await live.browser.newContext({ colorScheme: scheme, bypassCSP: true, storageState });
      const page = await context.newPage();
      await page.goto(`${live.site.url}/admin/moderation/flags`);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  }
});
