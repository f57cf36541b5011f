/** The leaderboard in Chromium: axe in light and dark, and a 320 px screen without sideways scrolling. */
import { beforeAll, describe, expect, it } from "vitest";
import { iso } from "../../src/db/time.ts";
import { recomputeBoards } from "../../src/features/leaderboard/index.ts";
import { axeViolations } from "../support/axe.ts";
import { browserAvailable, useLiveBrowser } from "../support/browser.ts";
import { insertRoundRobin, makeAccounts, toolSlugs } from "../support/picks.ts";

describe.runIf(browserAvailable())("browser: the leaderboard", () => {
  const live = useLiveBrowser();
  let pages: string[];

  beforeAll(async () => {
    const db = live.site.db;
    const coding = await toolSlugs(db, "coding-assistants");
    const speech = await toolSlugs(db, "speech-audio");
    const fans = await makeAccounts(db, 40, "fan");
    // ranked and tied tools, a second group never compared with the first, and provisional tools
    await insertRoundRobin(db, {
      users: fans,
      slugs: coding,
      strengths: [1.2, 0.6, 0.5, -0.6, -1.2],
      seed: 1,
    });
    await insertRoundRobin(db, { users: fans, slugs: speech, strengths: [-1, -0.5, 0, 0.5, 1], seed: 2 });
    await insertRoundRobin(db, {
      users: fans.slice(0, 3),
      slugs: await toolSlugs(db, "vector-databases"),
      strengths: [0, 0, 0],
      seed: 3,
    });
    expect((await recomputeBoards(db)).status).toBe("done");
    pages = [
      "/leaderboard",
      "/leaderboard/coding-assistants",
      "/leaderboard/vector-databases",
      "/leaderboard/coding-assistants/pairs",
      `/leaderboard?as_of=${iso().slice(0, 10)}`,
      "/leaderboard?as_of=2001-01-01",
      "/leaderboard?as_of=2999-01-01",
      "/leaderboard/coding-assistants?sort=-rating",
      `/tools/${coding[0]}`,
    ];
  });

  for (const scheme of ["light", "dark"] as const) {
    it(`has no serious or critical axe violation (${scheme})`, async () => {
      // axe is injected as an inline script, which the site's CSP rightly forbids
      const context = await live.browser.newContext({ colorScheme: scheme, bypassCSP: true });
      const page = await context.newPage();
      for (const path of pages) {
        await page.goto(live.site.url + path);
        expect([path, await axeViolations(page)]).toEqual([path, []]);
      }
      await context.close();
    });
  }

  it("fits a 320 px screen: only the tables scroll sideways, inside their own box", async () => {
    const context = await live.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    for (const path of pages) {
      await page.goto(live.site.url + path);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect([path, overflow]).toEqual([path, 0]);
    }
    if (process.env.LEADERBOARD_SCREENSHOTS) {
      await page.goto(`${live.site.url}/leaderboard/coding-assistants`);
      await page.screenshot({ path: `${process.env.LEADERBOARD_SCREENSHOTS}/board-320.png`, fullPage: true });
    }
    await context.close();
  });

  it("sorts through the column headers without JavaScript", async () => {
    const context = await live.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/leaderboard/coding-assistants`);
    await page.getByRole("link", { name: "Picks", exact: true }).click();
    await page.waitForURL(/sort=picks/);
    expect(await page.getByRole("columnheader", { name: /Picks/ }).first().getAttribute("aria-sort")).toBe(
      "descending",
    );
    // the sorted header reverses its column
    await page.getByRole("link", { name: /^Picks \(sorted descending/ }).click();
    await page.waitForURL(/sort=-picks/);
    expect(await page.getByRole("columnheader", { name: /Picks/ }).first().getAttribute("aria-sort")).toBe(
      "ascending",
    );
    if (process.env.LEADERBOARD_SCREENSHOTS) {
      await page.setViewportSize({ width: 1100, height: 900 });
      await page.goto(`${live.site.url}/leaderboard`);
      await page.screenshot({ path: `${process.env.LEADERBOARD_SCREENSHOTS}/overall.png`, fullPage: true });
      await page.goto(`${live.site.url}/leaderboard/coding-assistants/pairs`);
      await page.screenshot({ path: `${process.env.LEADERBOARD_SCREENSHOTS}/pairs.png`, fullPage: true });
      await page.goto(`${live.site.url}/tools/aider`);
      await page.screenshot({ path: `${process.env.LEADERBOARD_SCREENSHOTS}/tool.png`, fullPage: true });
    }
    await context.close();
  });
});
