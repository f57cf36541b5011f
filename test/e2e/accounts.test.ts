/**
 * A reader's account in a real browser: sign in through the development outbox, vote, pick,
 * bookmark and sign out, with and without JavaScript, and bookmarks moving into the account.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accountNav, browserAvailable, signInThroughOutbox, useLiveBrowser } from "../support/browser.ts";

const REF = "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b";

/** Sets a value on window: it survives in-place updates and is gone after any page load. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { marker?: string }).marker = "still here";
  });
}

async function marker(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (window as unknown as { marker?: string }).marker);
}

async function cookieNamed(context: BrowserContext, name: string) {
  return (await context.cookies()).find((c) => c.name === name);
}

describe.runIf(browserAvailable())("browser: reader accounts", () => {
  // development, so /dev/outbox exists; the outbox is in the live site's temp DATA_DIR
  const live = useLiveBrowser({ env: { NODE_ENV: "development" } });

  it("signs in by email, votes and picks in place, bookmarks and signs out", async () => {
    const context = await live.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${live.site.url}/`);
    await accountNav(page).getByRole("link", { name: "Sign in" }).click();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    const link = await signInThroughOutbox(page, "ada@example.com");
    expect(link.startsWith(`${live.site.url}/sign-in/confirm?token=`)).toBe(true);
    expect(new URL(page.url()).pathname).toBe("/");

    // Chromium keeps Secure cookies on http://127.0.0.1 (a potentially trustworthy origin)
    const session = await cookieNamed(context, "sos_session");
    expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax", path: "/" });

    // the link is spent: opened again elsewhere it says so, not "Sign me in"
    const other = await live.browser.newContext();
    const again = await other.newPage();
    const reopened = await again.goto(link);
    expect(reopened?.status()).toBe(400);
    expect(await again.getByRole("main").textContent()).toContain("already been used");
    await other.close();

    await page.goto(`${live.site.url}/tools/cursor`);
    const figure = page.locator('[data-swap="community:cursor"]').first();
    expect(await figure.textContent()).toBe("No community votes yet");
    await markPage(page);
    const vote = page.getByRole("form", { name: "Community vote on Cursor" });
    await vote.getByRole("button", { name: "Ship Cursor" }).click();
    await page.locator('[data-swap="community:cursor"]', { hasText: "100% ship · 1 vote" }).first().waitFor();
    expect(await marker(page)).toBe("still here");
    expect(new URL(page.url()).pathname).toBe("/tools/cursor");
    expect(
      await page
        .getByRole("form", { name: "Community vote on Cursor" })
        .getByRole("button", { name: "Ship Cursor" })
        .getAttribute("aria-pressed"),
    ).toBe("true");
    expect(await page.locator("#live").textContent()).toBe("Your vote on Cursor: ship");

    await page.goto(live.site.url + REF);
    await markPage(page);
    const h2h = page.getByRole("region", { name: "Which would you ship with?" });
    expect(await h2h.textContent()).toContain("No picks yet");
    await h2h.getByRole("button", { name: "SmolVLM2-2B", exact: true }).click();
    await page
      .getByRole("region", { name: "Which would you ship with?" })
      .getByText(/% · 1 pick$/)
      .waitFor();
    const split = await page.getByRole("region", { name: "Which would you ship with?" }).textContent();
    expect(split).toContain("SmolVLM2-2B 100%");
    expect(split).toContain("Gemini 2.5 Flash Native Audio Output 0%");
    expect(await marker(page)).toBe("still here");
    expect(new URL(page.url()).pathname).toBe(REF);
    expect(
      await page
        .getByRole("region", { name: "Which would you ship with?" })
        .getByRole("button", { name: "SmolVLM2-2B", exact: true })
        .getAttribute("aria-pressed"),
    ).toBe("true");

    await page.goto(`${live.site.url}/tools/cursor`);
    await markPage(page);
    await page.getByRole("button", { name: "Bookmark Cursor", exact: true }).click();
    const bookmarked = page.getByRole("button", { name: "Bookmarked Cursor", exact: true });
    await bookmarked.waitFor();
    expect(await bookmarked.getAttribute("aria-pressed")).toBe("true");
    expect(await marker(page)).toBe("still here");
    await accountNav(page).getByRole("link", { name: "Bookmarks" }).click();
    expect(new URL(page.url()).pathname).toBe("/bookmarks");
    expect(await page.getByRole("main").textContent()).toContain("kept in your account");
    expect(await page.getByRole("article").count()).toBe(1);
    await page.getByRole("article", { name: "Cursor" }).waitFor();

    await accountNav(page).getByRole("button", { name: "Sign out" }).click();
    await accountNav(page).getByRole("link", { name: "Sign in" }).waitFor();
    expect(await accountNav(page).getByRole("link", { name: "Account" }).count()).toBe(0);
    expect(await cookieNamed(context, "sos_session")).toBeUndefined();
    await context.close();
  });

  it("votes and bookmarks without JavaScript, as plain posts that come back to the page", async () => {
    const context = await live.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/sign-in`);
    await signInThroughOutbox(page, "grace@example.com");

    const tool = `${live.site.url}/tools/moondream2`;
    await page.goto(tool);
    const voted = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/vote"));
    await page
      .getByRole("form", { name: "Community vote on moondream2" })
      .getByRole("button", { name: "Skip moondream2" })
      .click();
    const voteResponse = await voted;
    expect(voteResponse.status()).toBe(303);
    expect(voteResponse.headers().location).toBe("/tools/moondream2");
    await page
      .locator('[data-swap="community:moondream2"]', { hasText: "0% ship · 1 vote" })
      .first()
      .waitFor();
    expect(page.url()).toBe(tool);
    expect(
      await page
        .getByRole("form", { name: "Community vote on moondream2" })
        .getByRole("button", { name: "Skip moondream2" })
        .getAttribute("aria-pressed"),
    ).toBe("true");

    const saved = page.waitForResponse(
      (r) => r.request().method() === "POST" && r.url().endsWith("/bookmark"),
    );
    await page.getByRole("button", { name: "Bookmark moondream2", exact: true }).click();
    const bookmarkResponse = await saved;
    expect(bookmarkResponse.status()).toBe(303);
    expect(bookmarkResponse.headers().location).toBe("/tools/moondream2");
    await page.getByRole("button", { name: "Bookmarked moondream2", exact: true }).waitFor();
    expect(page.url()).toBe(tool);

    await page.goto(`${live.site.url}/bookmarks`);
    await page.getByRole("article", { name: "moondream2" }).waitFor();
    expect(await page.getByRole("article").count()).toBe(1);
    await context.close();
  });

  it("keeps a signed-out bookmark in a cookie and moves it into the account on sign-in", async () => {
    const context = await live.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${live.site.url}/tools/aider`);
    await markPage(page);
    await page.getByRole("button", { name: "Bookmark Aider", exact: true }).click();
    await page.getByRole("button", { name: "Bookmarked Aider", exact: true }).waitFor();
    expect(await marker(page)).toBe("still here");
    const stored = await cookieNamed(context, "sos_bookmarks");
    expect(stored).toMatchObject({ value: "aider", secure: true, httpOnly: true, sameSite: "Lax" });

    await page.goto(`${live.site.url}/bookmarks`);
    expect(await page.getByRole("main").textContent()).toContain("kept in this browser");
    await page.getByRole("article", { name: "Aider" }).waitFor();

    await page.getByRole("main").getByRole("link", { name: "Sign in" }).click();
    expect(new URL(page.url()).searchParams.get("next")).toBe("/bookmarks");
    await signInThroughOutbox(page, "linus@example.com");
    expect(new URL(page.url()).pathname).toBe("/bookmarks");
    expect(await page.getByRole("main").textContent()).toContain("kept in your account");
    await page.getByRole("article", { name: "Aider" }).waitFor();
    expect(await page.getByRole("article").count()).toBe(1);
    // the account holds it now, so the browser's copy is dropped
    expect(await cookieNamed(context, "sos_bookmarks")).toBeUndefined();
    await context.close();
  });
});
