/** axe-core in Chromium over the main pages, light and dark, and a 320 px wide layout check. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { browserAvailable, useLiveBrowser } from "../support/browser.ts";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PAGES = [
  "/",
  "/tools",
  "/tools/smolvlm2-2b",
  "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b",
  "/compare",
  "/methodology",
  "/sign-in",
  "/bookmarks",
];

describe.runIf(browserAvailable())("browser: accessibility and small screens", () => {
  const live = useLiveBrowser();

  for (const scheme of ["light", "dark"] as const) {
    it.each(PAGES)(`%s has no serious or critical axe violation (${scheme})`, async (path) => {
      // axe is injected as an inline script, which the site's CSP rightly forbids
      const context = await live.browser.newContext({ colorScheme: scheme, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(live.site.url + path);
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        // biome-ignore lint/suspicious/noExplicitAny: axe is injected at run time
        const result = await (window as any).axe.run(document, { resultTypes: ["violations"] });
        return result.violations
          .filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical")
          .map(
            (v: { id: string; nodes: { target: string[] }[] }) =>
              `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
          );
      });
      expect(violations).toEqual([]);
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
