/** In Chromium: an admin judges a thesis through the form, and both pages pass axe and fit 320 px. */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations } from "../support/axe.ts";
import { browserAvailable, signInThroughOutbox, useLiveBrowser } from "../support/browser.ts";

describe.runIf(browserAvailable())("browser: judging a prediction", () => {
  const live = useLiveBrowser({ env: { NODE_ENV: "development", ADMIN_EMAILS: "admin@example.com" } });

  it("lets an admin mark a thesis held, shown at once on the methodology page", async () => {
    // axe is injected as an inline script, which the site's CSP rightly forbids
    const context = await live.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/sign-in`);
    await signInThroughOutbox(page, "admin@example.com");

    // the anonymous page first, so the page cache holds it before the judgement
    const anonymous = await live.browser.newContext();
    const visitor = await anonymous.newPage();
    await visitor.goto(`${live.site.url}/methodology`);
    const pgvectorEntry = (p: Page) =>
      p.locator("li.prediction", { has: p.getByRole("link", { name: "pgvector", exact: true }) });
    expect(await pgvectorEntry(visitor).locator(".badge").textContent()).toBe("Awaiting judgement");

    await page.goto(`${live.site.url}/admin/predictions`);
    expect(await axeViolations(page)).toEqual([]);
    const entry = pgvectorEntry(page);
    // submitting with no outcome shows the error next to the field and keeps the note
    await entry.getByLabel("Note").fill("All three managed services list pgvector 0.8.");
    await entry.getByRole("button", { name: "Save judgement" }).click();
    await page.getByText("Choose an outcome: held, failed or unclear.").waitFor();
    expect(await pgvectorEntry(page).getByLabel("Note").inputValue()).toBe(
      "All three managed services list pgvector 0.8.",
    );
    expect(await axeViolations(page)).toEqual([]);

    await pgvectorEntry(page).getByLabel("Held").check();
    await pgvectorEntry(page).getByRole("button", { name: "Save judgement" }).click();
    await page.getByText("Judgement on pgvector saved.").waitFor();

    // a plain reload: the browser revalidates, and the server must not answer from a stale cache
    await visitor.reload();
    expect(await pgvectorEntry(visitor).locator(".badge").textContent()).toBe("Held");
    expect(await visitor.getByText("Hit rate: 1 of 1 (100%).").count()).toBe(1);
    await anonymous.close();

    await page.goto(`${live.site.url}/methodology`);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  for (const path of ["/methodology", "/admin/predictions"]) {
    it(`${path} fits a 320 px screen and passes axe in the dark scheme`, async () => {
      const context = await live.browser.newContext({
        viewport: { width: 320, height: 640 },
        colorScheme: "dark",
        bypassCSP: true,
      });
      const page = await context.newPage();
      await page.goto(`${live.site.url}/sign-in`);
      await signInThroughOutbox(page, "admin@example.com");
      await page.goto(live.site.url + path);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    }, 60_000);
  }
});
