/**
 * A personal API token end to end: created on /account in a real browser, shown once, then
 * used from outside the browser (as curl would) to cast a vote that the tool's page shows.
 */
import { describe, expect, it } from "vitest";
import { axeViolations } from "../support/axe.ts";
import { accountNav, browserAvailable, signInThroughOutbox, useLiveBrowser } from "../support/browser.ts";

describe.runIf(browserAvailable())("browser: API tokens", () => {
  const live = useLiveBrowser({ env: { NODE_ENV: "development" } });

  it("creates a token on /account, shows it once, and the token casts a vote", async () => {
    // bypassCSP: axe is injected as an inline script
    const context = await live.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/sign-in`);
    await signInThroughOutbox(page, "builder@example.com");
    await accountNav(page).getByRole("link", { name: "Account" }).click();

    const tokens = page.getByRole("region", { name: "API tokens" });
    expect(await tokens.textContent()).toContain("You have no API tokens.");
    await tokens.getByLabel("Name").fill("vote script");
    await tokens.getByLabel("What it may do").selectOption("write");
    await tokens.getByRole("button", { name: "Create token" }).click();

    const shown = page.getByRole("status").filter({ hasText: "Your new token" });
    await shown.waitFor();
    expect(await shown.textContent()).toContain("the only time it is shown");
    const token = (await page.locator("#new-token").textContent()) ?? "";
    expect(token).toMatch(/^sos_[0-9A-Za-z]{40}$/);
    const row = tokens.getByRole("listitem").filter({ hasText: "vote script" });
    expect(await row.textContent()).toContain("Read and write");
    expect(await row.textContent()).toContain("Never");
    expect(await axeViolations(page)).toEqual([]);

    // the page never shows it again
    await page.goto(`${live.site.url}/account`);
    expect(await page.content()).not.toContain(token);

    // from outside the browser, as curl would: no cookie, just the token
    const res = await fetch(`${live.site.url}/api/v1/tools/cursor/vote`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ value: "ship" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ vote: "ship", community: { ship: 1, total: 1 } });

    await page.goto(`${live.site.url}/tools/cursor`);
    expect(
      await page
        .getByRole("form", { name: "Community vote on Cursor" })
        .getByRole("button", { name: "Ship Cursor" })
        .getAttribute("aria-pressed"),
    ).toBe("true");
    await page.goto(`${live.site.url}/account`);
    expect(await row.textContent()).not.toContain("Never");

    // revoked in the browser (a second step, then the button naming it), the token stops working at once
    await row.getByText("Revoke…").click();
    await row.getByRole("button", { name: "Revoke “vote script”" }).click();
    await page.getByText("You have no API tokens.").waitFor();
    expect(await page.getByRole("status").first().textContent()).toContain(
      "Revoked “vote script”. Programs using it are refused from now on.",
    );
    const after = await fetch(`${live.site.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
    await context.close();
  });

  it("reloading the page that shows a new token creates no second one", async () => {
    const context = await live.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${live.site.url}/sign-in`);
    await signInThroughOutbox(page, "reloader@example.com");
    await page.goto(`${live.site.url}/account`);
    const tokens = page.getByRole("region", { name: "API tokens" });
    await tokens.getByLabel("Name").fill("walk-d");
    await tokens.getByRole("button", { name: "Create token" }).click();
    await page.getByRole("status").filter({ hasText: "Your new token" }).waitFor();
    const token = (await page.locator("#new-token").textContent()) ?? "";

    // a reload sends the form again: the answer keeps the secret to itself
    await page.reload();
    await page.getByText("This token was already created").waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await tokens.getByRole("listitem").filter({ hasText: "walk-d" }).count()).toBe(1);
    await context.close();
  });

  for (const width of [320, 390]) {
    it(`lists tokens on a ${width} px phone with every Revoke on screen`, async () => {
      // bypassCSP: axe is injected as an inline script
      const context = await live.browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${live.site.url}/sign-in`);
      await signInThroughOutbox(page, `phone-${width}@example.com`);
      const tokens = page.getByRole("region", { name: "API tokens" });
      for (const name of ["walk-a laptop script", "walk-b"]) {
        await page.goto(`${live.site.url}/account`);
        await tokens.getByLabel("Name").fill(name);
        await tokens.getByRole("button", { name: "Create token" }).click();
        await page.getByRole("status").filter({ hasText: "Your new token" }).waitFor();
      }
      await page.goto(`${live.site.url}/account`);
      for (const summary of await tokens.getByText("Revoke…").all()) await summary.click();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBe(0);
      const buttons = await tokens.getByRole("button", { name: /^Revoke/ }).all();
      expect(buttons).toHaveLength(2);
      for (const b of buttons) {
        const box = await b.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= width).toBe(true);
      }
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  }
});
