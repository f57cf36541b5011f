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
    const row = page.getByRole("row", { name: /vote script/ });
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
    expect(await page.getByRole("row", { name: /vote script/ }).textContent()).not.toContain("Never");

    // revoked in the browser, the token stops working at once
    await page
      .getByRole("row", { name: /vote script/ })
      .getByRole("button", { name: /Revoke/ })
      .click();
    await page.getByText("You have no API tokens.").waitFor();
    const after = await fetch(`${live.site.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
    await context.close();
  });
});
