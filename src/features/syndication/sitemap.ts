/**
 * /sitemap.xml (sitemaps.org 0.9) and /robots.txt. Each lastmod is the date the page's content
 * last changed (a published revision, a catalog edit, an issue going out), never the time of the
 * request; a page with no such date (the methodology) has none.
 */
import type { Db } from "../../db/types.ts";
import { escapeXml } from "../../ui/xml.ts";
import { featuredPairs, homePairs } from "../compare/index.ts";
import { issuePath, listSentIssues } from "../newsletter/index.ts";
import { categorySlugs, toolChanges } from "./service.ts";

export const SITEMAP_PATH = "/sitemap.xml";
export const SITEMAP_CONTENT_TYPE = "application/xml; charset=utf-8";

/** Pages about one reader, and pages that only lead to them: crawlers have no business there. */
export const DISALLOWED_PATHS = ["/account", "/bookmarks", "/admin", "/panel", "/sign-in"] as const;

/** How many popular comparisons the sitemap lists beside the featured ones. */
const POPULAR_PAIRS = 50;
/** Every sent issue: a weekly issue for twenty years. */
const ISSUE_LIMIT = 1040;

export interface SitemapUrl {
  /** Site-relative path. */
  path: string;
  /** ISO-8601 instant, when known. */
  lastmod?: string;
}

const latest = (dates: (string | undefined)[]): string | undefined =>
  dates
    .filter((d): d is string => d !== undefined)
    .sort()
    .at(-1);

/** Every public page worth crawling, with the date it last changed. */
export async function sitemapUrls(db: Db): Promise<SitemapUrl[]> {
  const [tools, categories, featured, popular, issues] = await Promise.all([
    toolChanges(db),
    categorySlugs(db),
    featuredPairs(db),
    homePairs(db, POPULAR_PAIRS),
    listSentIssues(db, { limit: ISSUE_LIMIT }),
  ]);
  const toolDate = new Map(tools.map((t) => [t.slug, t.changedAt]));
  const catalogDate = latest(tools.map((t) => t.changedAt));
  const categoryDate = (slug: string) =>
    latest(tools.filter((t) => t.categorySlug === slug).map((t) => t.changedAt));
  const issueDate = (i: { sentAt: string | null; createdAt: string }) => i.sentAt ?? i.createdAt;
  const newsletterDate = latest(issues.map(issueDate));

  const pairs = new Map<string, string | undefined>();
  for (const p of [...featured, ...(popular.popular ? popular.pairs : [])]) {
    pairs.set(p.path, latest([toolDate.get(p.a.slug), toolDate.get(p.b.slug)]));
  }

  return [
    { path: "/", lastmod: latest([catalogDate, newsletterDate]) },
    { path: "/tools", lastmod: catalogDate },
    ...tools.map((t) => ({ path: `/tools/${t.slug}`, lastmod: t.changedAt })),
    { path: "/categories", lastmod: catalogDate },
    ...categories.map((slug) => ({ path: `/categories/${slug}`, lastmod: categoryDate(slug) })),
    ...[...pairs].map(([path, lastmod]) => ({ path, lastmod })),
    // the leaderboard's pages (its own feature) rank tools by their figures, so they change when tools do
    { path: "/leaderboard", lastmod: catalogDate },
    ...categories.map((slug) => ({ path: `/leaderboard/${slug}`, lastmod: categoryDate(slug) })),
    { path: "/newsletter/issues", lastmod: newsletterDate },
    ...issues.map((i) => ({ path: issuePath(i.number), lastmod: issueDate(i) })),
    { path: "/methodology" },
  ];
}

/** The sitemap document: absolute URLs under the site's address. */
export function sitemapXml(urls: SitemapUrl[], siteUrl: string): string {
  const entries = urls.map((u) => {
    const loc = `    <loc>${escapeXml(`${siteUrl}${u.path === "/" ? "/" : u.path}`)}</loc>`;
    const lastmod = u.lastmod ? `\n    <lastmod>${escapeXml(u.lastmod)}</lastmod>` : "";
    return `  <url>\n${loc}${lastmod}\n  </url>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${entries.join("\n")}
</urlset>
`;
}

/** robots.txt: everything public may be crawled; personal and admin pages may not; where the sitemap is. */
export function robotsTxt(siteUrl: string): string {
  return [
    "User-agent: *",
    ...DISALLOWED_PATHS.map((p) => `Disallow: ${p}`),
    "Allow: /",
    "",
    `Sitemap: ${siteUrl}${SITEMAP_PATH}`,
    "",
  ].join("\n");
}
