/**
 * A panelist in a real browser: signs in, sets a byline, picks a tool from the panel's queue,
 * writes and publishes one persona review, and finds it on the public tool page.
 */
import { describe, expect, it } from "vitest";
import { CLI_ACTOR } from "../../src/features/audit/log.ts";
import { grantRoleAudited } from "../../src/features/moderation/service.ts";
import { browserAvailable, signInThroughOutbox, useLiveBrowser } from "../support/browser.ts";

describe.runIf(browserAvailable())("browser: the panel's workflow", () => {
  const live = useLiveBrowser({ env: { NODE_ENV: "development" } });

  it("writes and publishes a review that the tool page shows at once", async () => {
    // a panelist, as an operator makes one: may write and publish reviews, not edit the catalog
    await grantRoleAudited(live.site.db, {
      actor: CLI_ACTOR,
      email: "edith@example.com",
      role: "panelist",
      reason: "joins the panel",
    });
    const context = await live.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${live.site.url}/panel`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await signInThroughOutbox(page, "edith@example.com");
    expect(new URL(page.url()).pathname).toBe("/panel");
    await page.getByRole("heading", { level: 1, name: "The panel's queue" }).waitFor();

    // a byline first: publishing needs one
    await page.getByRole("textbox", { name: "Byline" }).fill("  Edith   Editor ");
    await page.getByRole("button", { name: "Save byline" }).click();
    await page.getByRole("status").getByText("your reviews will be published as “Edith Editor”").waitFor();

    // the starter panels are older than the stale age: Cursor waits in the stale list
    const stale = page.getByRole("region", { name: /Stale panels/ });
    await stale.getByRole("link", { name: "Cursor", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Cursor: the panel" }).waitFor();
    await page.getByRole("link", { name: "Revise the review (Builder)" }).click();
    await page.getByRole("heading", { level: 1, name: "Builder review of Cursor" }).waitFor();
    expect(await page.getByText("Revision 1 is published").count()).toBe(1);

    const answers = {
      "What is the primitive?": "An editor that treats the model as a collaborator on every file.",
      "What is the developer-experience bet?": "Inline edits beat a chat window on the side.",
      "What is the moment of truth?": "The first refactor across a dozen files that compiles.",
      "Which technical decision earns or loses the ship?": "Indexing the whole repository for context.",
    };
    for (const [label, text] of Object.entries(answers)) await page.getByLabel(label).fill(text);
    await page.getByLabel("Score (0–100)").fill("38");
    await page.getByRole("radio", { name: "Skip" }).check();
    await page.getByLabel("Summary").fill("Fast, but the pricing changes keep teams guessing.");
    await page.getByRole("button", { name: "Publish" }).click();

    const notice = page.getByRole("status");
    await notice.getByText("Published revision 2 of the Builder review.").waitFor();
    await notice.getByRole("link", { name: "See it on the tool page" }).click();
    expect(new URL(page.url()).pathname).toBe("/tools/cursor");

    const builder = page.getByRole("article", { name: "Builder" });
    const text = (await builder.textContent()) ?? "";
    expect(text).toContain("38/100");
    expect(text).toContain("Fast, but the pricing changes keep teams guessing.");
    expect(text).toContain("By Edith Editor, published");
    const history = page.getByRole("region", { name: "Verdict history" });
    const rows = history.getByRole("row").filter({ hasText: "by Edith Editor" });
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("38");
    expect(await history.getByRole("row").filter({ hasText: "by the sample panel" }).count()).toBe(4);

    // a signed-out visitor gets the fresh page, not a cached copy from before
    const visitor = await live.browser.newContext();
    const anon = await visitor.newPage();
    await anon.goto(`${live.site.url}/tools/cursor`);
    expect(await anon.getByRole("article", { name: "Builder" }).textContent()).toContain("38/100");
    await visitor.close();

    // the catalog is the admins': the panelist is turned away
    const refused = await page.goto(`${live.site.url}/admin/tools`);
    expect(refused?.status()).toBe(403);
    await context.close();
  }, 60_000);
});
