/** Routes of feeds, badges, the sitemap and robots.txt: documents for programs, cached like pages. */
import { Hono } from "hono";
import { closest } from "../../domain/suggest.ts";
import {
  badgeText,
  categoryFeedPath,
  categoryFeedTitle,
  parseBadgeSize,
  SITE_FEED_PATH,
  SITE_FEED_TITLE,
  toolFeedPath,
  toolFeedTitle,
} from "../../domain/syndication.ts";
import { type CachedBody, cachedGet } from "../../http/cached-get.ts";
import type { Deps } from "../../http/deps.ts";
import { notFound } from "../../http/errors.ts";
import { problemJson } from "../../http/problem.ts";
import { listCategories, unknownTool } from "../catalog/index.ts";
import { ATOM_CONTENT_TYPE, atomFeed } from "./atom.ts";
import { badgeSvg, endpointBadge, unknownToolBadge } from "./badge.ts";
import { feedEvents, findTool } from "./service.ts";
import { robotsTxt, SITEMAP_CONTENT_TYPE, SITEMAP_PATH, sitemapUrls, sitemapXml } from "./sitemap.ts";

/** Feed readers poll: they revalidate every time and get a 304 while nothing changed, like pages. */
const FEED_HEADERS = {
  "content-type": ATOM_CONTENT_TYPE,
  "cache-control": "no-cache",
  // web-based feed readers fetch from their own origin
  "access-control-allow-origin": "*",
};

/**
 * Badges are embedded on other sites, where a 304 round trip per view would add up: a few
 * minutes fresh, then revalidated by ETag.
 */
const BADGE_CACHE = "public, max-age=300";

const BADGE_HEADERS = {
  "content-type": "image/svg+xml; charset=utf-8",
  "cache-control": BADGE_CACHE,
  // opened on its own, the SVG may run nothing and load nothing
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
  // other sites' <img> must be allowed to load it (the site-wide default is same-origin)
  "cross-origin-resource-policy": "cross-origin",
};

const BADGE_JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": BADGE_CACHE,
  "cross-origin-resource-policy": "cross-origin",
  "access-control-allow-origin": "*",
};

/** The routes of feeds, badges, the sitemap and robots.txt. */
export function syndicationRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;
  const siteUrl = config.siteUrl;

  app.get(
    SITE_FEED_PATH,
    cachedGet(async () => ({
      body: atomFeed({
        siteUrl,
        path: SITE_FEED_PATH,
        pagePath: "/",
        title: SITE_FEED_TITLE,
        subtitle:
          "Each time the four-persona panel reaches or changes a verdict, and each time a persona changes theirs.",
        events: await feedEvents(db, { kind: "site" }),
      }),
      headers: FEED_HEADERS,
    })),
  );

  app.get(
    "/categories/:slug/feed.xml",
    cachedGet(async (c) => {
      const slug = c.req.param("slug") ?? "";
      const categories = await listCategories(db);
      const category = categories.find((cat) => cat.slug === slug);
      if (!category) {
        throw notFound(
          `There is no category “${slug.slice(0, 100)}”.`,
          closest(slug, categories, 10).map((cat) => ({ href: `/categories/${cat.slug}`, label: cat.name })),
        );
      }
      return {
        body: atomFeed({
          siteUrl,
          path: categoryFeedPath(slug),
          pagePath: `/categories/${slug}`,
          title: categoryFeedTitle(category.name),
          subtitle: `New and changed panel verdicts on ${category.name} tools.`,
          events: await feedEvents(db, { kind: "category", slug }),
        }),
        headers: FEED_HEADERS,
      };
    }),
  );

  app.get(
    "/tools/:slug/feed.xml",
    cachedGet(async (c) => {
      const slug = c.req.param("slug") ?? "";
      const tool = await findTool(db, slug);
      if (!tool) throw await unknownTool(deps, slug);
      return {
        body: atomFeed({
          siteUrl,
          path: toolFeedPath(slug),
          pagePath: `/tools/${slug}`,
          title: toolFeedTitle(tool.name),
          subtitle: `Every review the panel publishes on ${tool.name}, its verdict changes and its pricing changes.`,
          events: await feedEvents(db, { kind: "tool", tool }),
        }),
        headers: FEED_HEADERS,
        shows: { tools: [slug] },
      };
    }),
  );

  app.get(
    "/badge/:file",
    cachedGet(async (c): Promise<CachedBody> => {
      const file = c.req.param("file") ?? "";
      const match = /^(.+)\.(svg|json)$/.exec(file);
      if (!match) {
        throw notFound("Badges live at /badge/{tool}.svg and /badge/{tool}.json.", [
          { href: "/tools", label: "Find the tool's page" },
        ]);
      }
      const [, slug = "", kind] = match;
      const size = parseBadgeSize(c.req.query("size"));
      // a badge inside someone's <img> must stay an image even when it is an error
      const errorHeaders = { ...BADGE_HEADERS, "cache-control": "no-cache" };
      if (kind === "svg" && size === undefined) {
        return { status: 400, body: badgeSvg(SIZE_PROBLEM, "small"), headers: errorHeaders };
      }
      const tool = await findTool(db, slug);
      if (!tool) {
        if (kind === "json") {
          // a program asked: problem JSON whatever its Accept header says
          const problem = problemJson(await unknownTool(deps, slug), c.req.path);
          return {
            status: 404,
            body: JSON.stringify(problem),
            headers: {
              ...BADGE_JSON_HEADERS,
              "content-type": "application/problem+json",
              "cache-control": "no-cache",
            },
          };
        }
        return { status: 404, body: unknownToolBadge(size ?? "small"), headers: errorHeaders };
      }
      const text = badgeText(tool.panel);
      // the panel's verdict of one tool: a vote elsewhere leaves it cached
      const shows = { tools: [slug] };
      if (kind === "json") {
        return { body: JSON.stringify(endpointBadge(text)), headers: BADGE_JSON_HEADERS, shows };
      }
      return { body: badgeSvg(text, size ?? "small"), headers: BADGE_HEADERS, shows };
    }),
  );
  app.get(
    SITEMAP_PATH,
    cachedGet(async () => ({
      body: sitemapXml(await sitemapUrls(db), siteUrl),
      headers: { "content-type": SITEMAP_CONTENT_TYPE, "cache-control": "no-cache" },
    })),
  );

  app.get(
    "/robots.txt",
    cachedGet(async () => ({
      body: robotsTxt(siteUrl),
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" },
    })),
  );

  return app;
}

/** What a badge asked for at a size that does not exist says. */
const SIZE_PROBLEM = { label: "badge size", message: "small or large", tone: "pending" } as const;
