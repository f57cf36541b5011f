/**
 * Which cached pages a write drops, seen through the whole app: a vote drops its tool's pages
 * at once and the lists' figures on the timer, a pick drops its comparison only, an admin edit
 * drops the tool, its category and the lists (docs/decisions/016-invalidation-by-scope.md).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { signIn, type TestSession } from "../../../test/support/session.ts";
import { formFields } from "../../../test/support/tool-form.ts";
import { FIGURES_REFRESH_MS } from "../../http/page-cache.ts";

reportSkippedPostgres("invalidation by scope");

const ADMIN = "scope-admin@example.com";
/** X and a tool in its category (coding assistants); Y and another in a different category. */
const X = "cursor";
const SAME_CATEGORY = "aider";
const Y = "ollama";
const PAGES = {
  x: `/tools/${X}`,
  sameCategory: `/tools/${SAME_CATEGORY}`,
  y: `/tools/${Y}`,
  withX: `/compare/${SAME_CATEGORY}-vs-${X}`,
  withoutX: `/compare/${Y}-vs-vllm`,
  xCategory: "/categories/coding-assistants",
  catalog: "/tools",
  search: `/tools?q=${X}`,
  home: "/",
} as const;
type Page = keyof typeof PAGES;

/** The community figure of a tool as a page shows it. */
function figure(html: string, slug: string): string | undefined {
  return new RegExp(`data-swap="community:${slug}">([^<]*)<`).exec(html)?.[1];
}

describe.each(testEngines())("invalidation by scope on %s", (engine) => {
  let t: TestApp;
  let voter: TestSession;
  let picker: TestSession;
  let admin: TestSession;
  beforeAll(async () => {
    t = await createTestApp(engine, { ADMIN_EMAILS: ADMIN });
    // signing in writes nothing a page shows, but do it before any page is cached anyway
    voter = await signIn(t, "scope-voter@example.com");
    picker = await signIn(t, "scope-picker@example.com");
    admin = await signIn(t, ADMIN);
  });
  afterAll(() => t?.dispose());
  beforeEach(() => {
    // the figures refresh runs on a timer the test moves; nothing else here waits on one
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    t.deps.cache.close();
    vi.useRealTimers();
  });

  /** Renders every page anonymously, so each is cached as a reader left it. */
  async function cacheEveryPage(): Promise<void> {
    t.deps.cache.clearLocal();
    for (const path of Object.values(PAGES)) {
      expect((await t.request(path)).status, path).toBe(200);
      expect(t.deps.cache.has(path), path).toBe(true);
    }
  }
  /** The pages still cached, by name. */
  const cached = (): Page[] => (Object.keys(PAGES) as Page[]).filter((name) => t.deps.cache.has(PAGES[name]));

  it("a vote drops its tool's page and comparisons at once, and the lists' figures only after the refresh", async () => {
    await cacheEveryPage();
    const before = figure(t.deps.cache.get(PAGES.search)?.body.toString() ?? "", X);
    expect(before).toBeDefined();

    const vote = await voter.post(`/tools/${X}/vote`, { value: "ship" });
    expect(vote.status).toBe(303);
    expect(cached()).toEqual(["sameCategory", "y", "withoutX", "xCategory", "catalog", "search", "home"]);
    expect(t.deps.cache.refreshingFigures).toBe(true);
    // the lists may show the old figure until the refresh
    expect(figure(t.deps.cache.get(PAGES.search)?.body.toString() ?? "", X)).toBe(before);
    // the tool's own page shows the vote at once
    expect(figure(await (await t.request(PAGES.x)).text(), X)).toBe("100% ship · 1 vote");

    vi.advanceTimersByTime(FIGURES_REFRESH_MS - 1);
    expect(cached()).toEqual([
      "x",
      "sameCategory",
      "y",
      "withoutX",
      "xCategory",
      "catalog",
      "search",
      "home",
    ]);
    vi.advanceTimersByTime(1);
    // every page showing many tools' figures is gone; the comparison of two other tools shows no
    // figure of X (it may still be refreshed with the standings it shows: either is right)
    expect(cached().filter((name) => name !== "withoutX")).toEqual([]);
    expect(figure(await (await t.request(PAGES.search)).text(), X)).toBe("100% ship · 1 vote");
  });

  it("a pick on a pair drops that comparison only (its figures elsewhere follow on the timer)", async () => {
    await cacheEveryPage();
    const pick = await picker.post(`${PAGES.withX}/pick`, { winner: X });
    expect(pick.status).toBe(303);
    expect(cached()).toEqual([
      "x",
      "sameCategory",
      "y",
      "withoutX",
      "xCategory",
      "catalog",
      "search",
      "home",
    ]);
    expect(t.deps.cache.refreshingFigures).toBe(true);
    // picked the other way round, the pair is the same
    await cacheEveryPage();
    const again = await picker.post(`/compare/${X}-vs-${SAME_CATEGORY}/pick`, { winner: SAME_CATEGORY });
    expect(again.status).toBe(303);
    expect(cached()).not.toContain("withX");
    expect(cached()).toContain("withoutX");
  });

  it("an admin edit drops the tool's page, its category's pages and the lists, and keeps another category's tool", async () => {
    await cacheEveryPage();
    const opened = await admin.get(`/admin/tools/${X}/edit`);
    expect(opened.status).toBe(200);
    const saved = await admin.post(`/admin/tools/${X}/edit`, {
      ...formFields(await opened.text()),
      "pricing.entry": "Free while scopes are tested",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/admin/tools?saved=${X}&result=update`);
    expect(cached()).toEqual(["y", "withoutX"]);
    // an edit changes no community figure: nothing more is dropped later
    expect(t.deps.cache.refreshingFigures).toBe(false);
    expect(await (await t.request(PAGES.x)).text()).toContain("Free while scopes are tested");
  });
});
