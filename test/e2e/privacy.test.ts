/**
 * A reader's data in a real browser: /privacy reached from the footer, the download offered on
 * /account, and deleting the account through its confirmation page, ending signed out.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { axeViolations } from "../support/axe.ts";
import { accountNav, browserAvailable, signInThroughOutbox, useLiveBrowser } from "../support/browser.ts";

describe.runIf(browserAvailable())("browser: privacy, download and deletion", () => {
  const live = useLiveBrowser({ env: { NODE_ENV: "development" } });

  it("reaches /privacy from the footer, and the page has no serious or critical axe violation", async () => {
    const context = await live.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/tools`);
    await page.getByRole("contentinfo").getByRole("link", { name: "Privacy" }).click();
    expect(new URL(page.url()).pathname).toBe("/privacy");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Privacy");
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it("downloads the data from /account, then deletes the account after typing the address", async () => {
    const context = await live.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/sign-in`);
    await signInThroughOutbox(page, "leaving-by-browser@example.com");
    await page.goto(`${live.site.url}/account`);

    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download my data" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^shiporskip-data-\d{4}-\d{2}-\d{2}\.json$/);
    const path = await download.path();
    expect(JSON.parse(readFileSync(path, "utf8")).account.email).toBe("leaving-by-browser@example.com");

    await page.getByRole("link", { name: "Delete my account" }).click();
    expect(new URL(page.url()).pathname).toBe("/account/delete");
    expect(await axeViolations(page)).toEqual([]);
    // a wrong address deletes nothing and says why
    await page.getByLabel(/To confirm, type your email address/).fill("someone-else@example.com");
    await page.getByRole("button", { name: "Delete my account" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("Nothing was deleted");
    await page.getByLabel(/To confirm, type your email address/).fill("leaving-by-browser@example.com");
    await page.getByRole("button", { name: "Delete my account" }).click();
    expect(new URL(page.url()).pathname).toBe("/account/deleted");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Your account is deleted");
    expect((await context.cookies()).find((c) => c.name === "sos_session")).toBeUndefined();
    expect(await accountNav(page).getByRole("link", { name: "Sign in" }).count()).toBe(1);
    await context.close();
  });
});
