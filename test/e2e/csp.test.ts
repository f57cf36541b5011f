/**
 * The site's CSP has `style-src 'self'`, so a browser silently drops every inline style
 * attribute: spacing written that way never shows. These tests keep pages free of anything
 * the policy refuses, cheaply in-process and for real in Chromium (which reports refusals).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.ts";
import { browserAvailable, useLiveBrowser } from "../support/browser.ts";
import { signIn } from "../support/session.ts";

const REF = "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b";
const PAGES = [
  "/",
  "/tools",
  "/tools/smolvlm2-2b",
  REF,
  "/categories",
  "/categories/developer-tools",
  "/methodology",
  "/sign-in",
  "/bookmarks",
  // the error page is a view of its own
  "/tools/no-such-tool",
];

/** The opening tags that carry a style attribute, for a readable failure. */
function inlineStyles(html: string): string[] {
  return html.match(/<[a-z][^>]*\sstyle=[^>]*>/gi) ?? [];
}

describe("pages carry no inline style attributes", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.dispose());

  it.each(PAGES)("%s", async (path) => {
    const html = await (await t.request(path)).text();
    expect(inlineStyles(html)).toEqual([]);
  });

  // the bookmarks panel, a comparison's pick split and the account page render only with state
  it("nor do pages a signed-in reader with bookmarks and a pick sees", async () => {
    const reader = await signIn(t, "csp@example.com");
    expect((await reader.post("/tools/smolvlm2-2b/bookmark", { bookmarked: "yes" })).status).toBe(303);
    expect((await reader.post(`${REF}/pick`, { winner: "smolvlm2-2b" })).status).toBe(303);
    for (const path of ["/tools/smolvlm2-2b", REF, "/bookmarks", "/account"]) {
      const html = await (await reader.get(path)).text();
      expect(inlineStyles(html), path).toEqual([]);
    }
  });
});

describe.runIf(browserAvailable())("browser: no Content Security Policy violations", () => {
  const live = useLiveBrowser();

  // bypassCSP stays off and nothing is injected: the page must satisfy the policy on its own
  it.each(PAGES)("%s loads without a CSP refusal", async (path) => {
    const context = await live.browser.newContext();
    const page = await context.newPage();
    const refusals: string[] = [];
    page.on("console", (msg) => {
      const text = msg.text();
      if (/Content Security Policy|Refused to/i.test(text)) refusals.push(text);
    });
    await page.goto(live.site.url + path, { waitUntil: "load" });
    // the bookmark toggle swaps in fresh markup, which must satisfy the policy too
    if (path === "/tools/smolvlm2-2b") {
      await page.getByRole("button", { name: /^Bookmark\b/ }).click();
      await page.getByRole("link", { name: "SmolVLM2-2B", exact: true }).waitFor();
      await page.reload({ waitUntil: "load" });
    }
    expect(refusals).toEqual([]);
    await context.close();
  });
});
