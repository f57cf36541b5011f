/** A reader in a real browser: the reference comparison, and catalog → tool → compare. */
import { describe, expect, it } from "vitest";
import { browserAvailable, useLiveBrowser } from "../support/browser.ts";

const REF = "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b";

describe.runIf(browserAvailable())("browser: comparing tools", () => {
  const live = useLiveBrowser();

  it("shows the reference comparison's cards, decision table and scorecard", async () => {
    const page = await live.browser.newPage();
    await page.goto(live.site.url + REF);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain(
      "Gemini 2.5 Flash Native Audio Output vs SmolVLM2-2B",
    );
    expect(await page.getByRole("article").count()).toBe(2);
    await expect(
      page.getByRole("article", { name: "SmolVLM2-2B" }).getByText("100% panel ship").isVisible(),
    ).resolves.toBe(true);
    const decision = page.getByRole("table", { name: "Decision table" });
    expect(await decision.getByRole("rowheader").allTextContents()).toEqual([
      "Panel verdict",
      "Community",
      "Pricing",
      "Best for",
      "Category",
    ]);
    const scorecard = page.getByRole("table", { name: "Reviewer scorecard" });
    expect(await scorecard.getByRole("row").count()).toBe(5);
    const cells = await scorecard.locator("td").allTextContents();
    expect(cells.map((c) => c.match(/\d+\/100/)?.[0])).toEqual([
      "82/100",
      "85/100",
      "76/100",
      "78/100",
      "84/100",
      "82/100",
      "78/100",
      "72/100",
    ]);
    await page.close();
  });

  it("makes no third-party request and weighs under 60 KB", async () => {
    const page = await live.browser.newPage();
    const origins = new Set<string>();
    const sizes: Promise<number>[] = [];
    page.on("request", (r) => origins.add(new URL(r.url()).origin));
    page.on("response", (r) => {
      sizes.push(
        r.body().then(
          (b) => b.length,
          () => 0,
        ),
      );
    });
    await page.goto(live.site.url + REF, { waitUntil: "networkidle" });
    // bodies arrive asynchronously: add them up only once every one is in
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    expect([...origins]).toEqual([new URL(live.site.url).origin]);
    expect(bytes).toBeGreaterThan(5_000);
    expect(bytes).toBeLessThan(60 * 1024);
    await page.close();
  });

  it("goes from the catalog to a tool to a comparison", async () => {
    const page = await live.browser.newPage();
    await page.goto(`${live.site.url}/tools`);
    await page.getByLabel("Search name, vendor, best-for or description").fill("smolvlm");
    await page.getByRole("button", { name: "Show tools" }).click();
    await page.getByRole("link", { name: "SmolVLM2-2B", exact: true }).click();
    expect(new URL(page.url()).pathname).toBe("/tools/smolvlm2-2b");
    await page.getByRole("link", { name: "Compare SmolVLM2-2B with moondream2" }).click();
    expect(new URL(page.url()).pathname).toBe("/compare/moondream2-vs-smolvlm2-2b");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain(
      "moondream2 vs SmolVLM2-2B",
    );
    await page.close();
  });

  it("picks two tools on /compare without JavaScript", async () => {
    const context = await live.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${live.site.url}/compare`);
    await page.getByLabel("First tool").selectOption("smolvlm2-2b");
    await page.getByLabel("Second tool").selectOption("gemini-2-5-flash-native-audio-output");
    await page.getByRole("button", { name: "Compare" }).click();
    expect(new URL(page.url()).pathname).toBe(REF);
    await context.close();
  });
});
