/** Routes of the catalog: /tools, /tools/:slug, /categories, /categories/:slug. */
import { Hono } from "hono";
import { closest } from "../../domain/suggest.ts";
import type { Deps } from "../../http/deps.ts";
import { badRequest, notFound } from "../../http/errors.ts";
import { pageShows, readersShareThisPage, sendPage } from "../../http/page.tsx";
import { toolStanding } from "../leaderboard/index.ts";
import { verdictHistory } from "../panel/index.ts";
import { currentThesisStatus } from "../predictions/index.ts";
import { readTool } from "../tools/index.ts";
import { listCategories, listToolNames, listTools, toolsByScore } from "./listing.ts";
import { parseToolQuery } from "./query.ts";
import { CategoriesPage, CategoryPage, ToolPageView, ToolsPage } from "./views.tsx";

/** 404 for an unknown tool slug, suggesting the closest tools by name. */
export async function unknownTool(deps: Deps, slug: string) {
  const names = await listToolNames(deps.db);
  const near = closest(slug, names, 5);
  return notFound(
    `There is no tool called “${slug.slice(0, 100)}” in the catalog. Did you mean one of these?`,
    [
      ...near.map((t) => ({ href: `/tools/${t.slug}`, label: t.name })),
      { href: "/tools", label: "Browse every tool" },
    ],
  );
}

/** The catalog's routes. */
export function catalogRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  app.get("/tools", async (c) => {
    pageShows(c, { lists: ["catalog"], figures: true });
    readersShareThisPage(c);
    const filters = parseToolQuery(c.req.query());
    const categories = await listCategories(db);
    if (filters.category && !categories.some((cat) => cat.slug === filters.category)) {
      throw badRequest(
        `There is no category “${filters.category}”.`,
        categories.map((cat) => ({ href: `/tools?category=${cat.slug}`, label: cat.name })),
      );
    }
    const result = await listTools(db, filters);
    if (filters.page > result.pages) {
      throw notFound(
        `There is no page ${filters.page}: these results have ${result.pages} ${result.pages === 1 ? "page" : "pages"}.`,
        [{ href: "/tools", label: "Back to the first page" }],
      );
    }
    return sendPage(
      c,
      <ToolsPage
        filters={filters}
        result={result}
        categories={categories}
        canonical={`${config.siteUrl}/tools`}
      />,
    );
  });

  app.get("/tools/:slug", async (c) => {
    const slug = c.req.param("slug");
    const tool = await readTool(deps, slug);
    if (!tool) throw await unknownTool(deps, slug);
    // its own profile and panel, its category's list, and its standing on the boards
    pageShows(c, { tools: [tool.slug], categories: [tool.category.slug], figures: true });
    readersShareThisPage(c);
    const [sameCategory, history, thesisStatus, standing] = await Promise.all([
      toolsByScore(db, tool.category.slug),
      verdictHistory(db, tool.slug),
      // "past due" turns at midnight UTC without a write: the predictions' midnight timer clears the cached page
      currentThesisStatus(db, { slug: tool.slug, now: Date.now() }),
      toolStanding(db, { slug: tool.slug, categorySlug: tool.category.slug }),
    ]);
    return sendPage(
      c,
      <ToolPageView
        tool={tool}
        sameCategory={sameCategory}
        history={history}
        thesisStatus={thesisStatus}
        standing={standing}
        canonical={`${config.siteUrl}/tools/${tool.slug}`}
        siteUrl={config.siteUrl}
      />,
    );
  });

  app.get("/categories", async (c) => {
    pageShows(c, { lists: ["categories"], figures: true });
    readersShareThisPage(c);
    const categories = await listCategories(db);
    return sendPage(c, <CategoriesPage categories={categories} canonical={`${config.siteUrl}/categories`} />);
  });

  app.get("/categories/:slug", async (c) => {
    const slug = c.req.param("slug");
    const categories = await listCategories(db);
    const category = categories.find((cat) => cat.slug === slug);
    if (!category) {
      throw notFound(
        `There is no category “${slug.slice(0, 100)}”.`,
        closest(slug, categories, 10).map((cat) => ({ href: `/categories/${cat.slug}`, label: cat.name })),
      );
    }
    const tools = await toolsByScore(db, slug);
    pageShows(c, { lists: ["categories"], categories: [slug], figures: true });
    readersShareThisPage(c);
    return sendPage(
      c,
      <CategoryPage
        category={category}
        tools={tools}
        canonical={`${config.siteUrl}/categories/${slug}`}
        siteUrl={config.siteUrl}
      />,
    );
  });

  return app;
}
