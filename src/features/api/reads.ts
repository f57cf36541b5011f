/**
 * The API's read operations: the catalog, a tool, comparisons, categories, predictions and the
 * newsletter archive. Each is built from the owning feature's exported services and shaped by
 * payloads.ts; none reads another feature's tables.
 */
import type { Context } from "hono";
import { z } from "zod";
import { closest } from "../../domain/suggest.ts";
import type { Deps } from "../../http/deps.ts";
import { invalidParameters, unknownSlug } from "../../http/problem.ts";
import { catalogFilterFields, listCategories, listTools, toolsByScore } from "../catalog/index.ts";
import {
  boardCategories,
  leaderboardAsOf,
  leaderboardData,
  OVERALL,
  todayUtc,
} from "../leaderboard/index.ts";
import { issuePath, issueSummaryLine, listSentIssues } from "../newsletter/index.ts";
import { predictionsOverview } from "../predictions/index.ts";
import { decodeCursor, encodeCursor, fingerprint } from "./cursor.ts";
import { API_BASE, type ApiOperation, type ApiTag, defineOperation } from "./framework.ts";
import { loadComparison, loadToolDetail, type UnknownSlugs } from "./loaders.ts";
import {
  categoryPayload,
  leaderboardPayload,
  newsletterIssuePayload,
  predictionsPayload,
  toolSummaryPayload,
} from "./payloads.ts";
import {
  categoryDetailSchema,
  categoryListSchema,
  comparisonSchema,
  leaderboardSchema,
  newsletterIssueListSchema,
  predictionsSchema,
  toolDetailSchema,
  toolListSchema,
} from "./schemas.ts";

/** The groups the reference page shows operations in. */
export const READ_TAGS: ApiTag[] = [
  { name: "Tools", description: "The catalog and each tool's verdict." },
  { name: "Comparisons", description: "Two to four tools side by side." },
  { name: "Categories", description: "The catalog by category." },
  {
    name: "Leaderboard",
    description: "Head-to-head ratings from readers' picks, overall and per category, with their intervals.",
  },
  { name: "Predictions", description: "The Futurist's dated theses and the panel's track records." },
  { name: "Newsletter", description: "The weekly issues sent so far." },
  { name: "Meta", description: "The API's own description." },
];

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** A newsletter every week for twenty years fits in one answer, as on the archive page. */
const ISSUES_LIMIT = 1040;

const limitMessage = `A whole number from 1 to ${MAX_LIMIT}.`;
const SLUG_PARAM = z
  .string()
  .min(1)
  .max(100, "A slug is at most 100 characters.")
  .meta({ description: "A catalog slug.", example: "cursor" });

/** The catalog's filter fields, described for the reference. */
const toolListQuery = z.object({
  q: catalogFilterFields.q.meta({
    description: "Search words, matched in name, vendor, best-for line and description.",
    example: "code review",
  }),
  category: catalogFilterFields.category.meta({
    description: "A category slug.",
    example: "coding-assistants",
  }),
  pricing: catalogFilterFields.pricing.meta({ description: "A pricing model." }),
  verdict: catalogFilterFields.verdict.meta({ description: "The panel's verdict." }),
  deployment: catalogFilterFields.deployment.meta({ description: "Where it runs." }),
  sort: catalogFilterFields.sort.meta({
    description:
      "score: panel score, best first; community: Wilson lower bound; newest: added to the catalog; name: A to Z.",
  }),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, limitMessage)
    .transform(Number)
    .pipe(z.int().min(1, limitMessage).max(MAX_LIMIT, limitMessage))
    .optional()
    .meta({
      description: `Tools per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`,
      type: "integer",
      minimum: 1,
      maximum: MAX_LIMIT,
      default: DEFAULT_LIMIT,
    }),
  cursor: z
    .string()
    .optional()
    .meta({ description: "Opaque: the cursor from a previous page's `next` link, with the same filters." }),
});

const leaderboardQuery = z.object({
  category: z
    .string()
    .min(1)
    .max(100, "A category slug is at most 100 characters.")
    .optional()
    .meta({ description: "A category slug; the overall board when absent.", example: "coding-assistants" }),
  as_of: z
    .string()
    .refine(
      (v) =>
        /^\d{4}-\d{2}-\d{2}$/.test(v) &&
        !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
        new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
      "A date written YYYY-MM-DD, such as 2026-12-07.",
    )
    .optional()
    .meta({
      description: "A past day (UTC): the board as its snapshot that day stood.",
      example: "2026-12-07",
    }),
});

const compareQuery = z.object({
  tools: z
    .string()
    .transform((raw, ctx) => {
      const slugs = raw.split(",").map((s) => s.trim());
      if (slugs.some((s) => !/^[a-z0-9-]{1,80}$/.test(s))) {
        ctx.addIssue({
          code: "custom",
          message: "Name each tool by its slug, separated by commas: tools=a,b.",
        });
        return z.NEVER;
      }
      if (slugs.length < 2 || slugs.length > 4) {
        ctx.addIssue({
          code: "custom",
          message: `Compare two to four tools; ${slugs.length} ${slugs.length === 1 ? "was" : "were"} given.`,
        });
        return z.NEVER;
      }
      const twice = slugs.find((s, i) => slugs.indexOf(s) !== i);
      if (twice) {
        ctx.addIssue({ code: "custom", message: `"${twice}" is given twice; compare different tools.` });
        return z.NEVER;
      }
      return slugs;
    })
    .meta({
      description: "Two to four tool slugs, comma-separated, each once.",
      example: "cursor,github-copilot",
      type: "string",
    }),
});

/** The 404 for unknown tool slugs, with the closest ones. */
function unknownTools({ unknown, suggestions }: UnknownSlugs) {
  const named = unknown.map((u) => `"${u.slice(0, 100)}"`).join(" and ");
  return unknownSlug(
    `${named} ${unknown.length === 1 ? "is" : "are"} not in the catalog. See "suggestions" for the closest slugs.`,
    suggestions,
  );
}

const ctxOf = (deps: Deps) => ({ siteUrl: deps.config.siteUrl });

/** The read operations, bound to the app's dependencies. */
export function readOperations(deps: Deps): ApiOperation[] {
  const { db } = deps;
  const ctx = ctxOf(deps);

  const listToolsOp = defineOperation({
    operationId: "listTools",
    method: "get",
    path: "/tools",
    tag: "Tools",
    summary: "List and search the catalog",
    description:
      "The catalog with the same search, filters and sorts as the /tools page, a page at a time. Follow `next` (also sent as a Link header) for the next page until it is null.",
    query: toolListQuery,
    response: toolListSchema,
    responseDescription: "A page of tools, with the total and the next page's link.",
    example: { path: "/tools?category=coding-assistants&sort=score&limit=5" },
    handle: async (c: Context, { query }) => {
      const filters = {
        q: query.q || undefined,
        category: query.category,
        pricing: query.pricing,
        verdict: query.verdict,
        deployment: query.deployment,
        sort: query.sort,
      };
      if (filters.category) {
        const categories = await listCategories(db);
        if (!categories.some((cat) => cat.slug === filters.category)) {
          throw invalidParameters([
            {
              name: "category",
              in: "query",
              detail: `Unknown category "${filters.category}". Categories: ${categories.map((cat) => cat.slug).join(", ")}.`,
            },
          ]);
        }
      }
      const print = fingerprint(filters);
      let offset = 0;
      if (query.cursor !== undefined) {
        const decoded = decodeCursor(query.cursor, print);
        if ("problem" in decoded)
          throw invalidParameters([{ name: "cursor", in: "query", detail: decoded.problem }]);
        offset = decoded.offset;
      }
      const limit = query.limit ?? DEFAULT_LIMIT;
      const page = await listTools(db, { ...filters, page: 1, perPage: limit, offset });
      let next: string | null = null;
      if (offset + page.items.length < page.total) {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(filters)) if (v !== undefined) params.set(k, v);
        params.set("limit", String(limit));
        params.set("cursor", encodeCursor(offset + page.items.length, print));
        next = `${ctx.siteUrl}${API_BASE}/tools?${params}`;
        c.header("Link", `<${next}>; rel="next"`);
      }
      return { items: page.items.map((t) => toolSummaryPayload(ctx, t)), total: page.total, limit, next };
    },
  });

  const getToolOp = defineOperation({
    operationId: "getTool",
    method: "get",
    path: "/tools/{slug}",
    tag: "Tools",
    summary: "A tool's verdict in full",
    description:
      "Profile, structured pricing, every persona's published review (score, verdict, summary, lens answers, byline and provenance), the community figure, where the Futurist's thesis stands, and the verdict's history. An unknown slug is a 404 whose `suggestions` lists the closest ones.",
    params: z.object({ slug: SLUG_PARAM }),
    response: toolDetailSchema,
    responseDescription: "The tool.",
    example: { path: "/tools/cursor" },
    handle: async (_c, { params }) => {
      const found = await loadToolDetail(db, ctx, params.slug);
      if ("unknown" in found) throw unknownTools(found);
      return found.tool;
    },
  });

  const compareOp = defineOperation({
    operationId: "compareTools",
    method: "get",
    path: "/compare",
    tag: "Comparisons",
    summary: "Compare two to four tools",
    description:
      "The comparison page's data for two to four tools: their summaries, the decision table, each persona's scorecard, and for every pair (in the order given) the reviewer split and the pricing read.",
    query: compareQuery,
    response: comparisonSchema,
    responseDescription: "The comparison.",
    problems: [404],
    example: { path: "/compare?tools=cursor,github-copilot" },
    handle: async (_c, { query }) => {
      const found = await loadComparison(db, ctx, query.tools);
      if ("unknown" in found) throw unknownTools(found);
      return found.comparison;
    },
  });

  const listCategoriesOp = defineOperation({
    operationId: "listCategories",
    method: "get",
    path: "/categories",
    tag: "Categories",
    summary: "List the categories",
    description: "Every category with its tool count, by name.",
    response: categoryListSchema,
    responseDescription: "The categories.",
    example: { path: "/categories" },
    handle: async () => ({ items: (await listCategories(db)).map((cat) => categoryPayload(ctx, cat)) }),
  });

  const getCategoryOp = defineOperation({
    operationId: "getCategory",
    method: "get",
    path: "/categories/{slug}",
    tag: "Categories",
    summary: "A category and its tools",
    description:
      "The category and its tools, best panel score first. An unknown slug is a 404 with the closest ones.",
    params: z.object({
      slug: SLUG_PARAM.meta({ description: "A category slug.", example: "coding-assistants" }),
    }),
    response: categoryDetailSchema,
    responseDescription: "The category.",
    example: { path: "/categories/coding-assistants" },
    handle: async (_c, { params }) => {
      const categories = await listCategories(db);
      const category = categories.find((cat) => cat.slug === params.slug);
      if (!category) {
        throw unknownSlug(
          `There is no category "${params.slug.slice(0, 100)}". See "suggestions" for the closest ones.`,
          closest(params.slug, categories, 5),
        );
      }
      const tools = await toolsByScore(db, category.slug);
      return {
        category: categoryPayload(ctx, category),
        tools: tools.map((t) => toolSummaryPayload(ctx, t)),
      };
    },
  });

  const leaderboardOp = defineOperation({
    operationId: "getLeaderboard",
    method: "get",
    path: "/leaderboard",
    tag: "Leaderboard",
    summary: "A head-to-head board",
    description:
      "Bradley–Terry ratings fitted to readers' counted picks, overall or for one category: each tool's rank (1 plus the number of tools whose whole 95% interval lies above its own; equal ranks are statistically tied), rating with its 95% interval, picks, opponents and win rate; provisional tools apart with what they still need; the groups when the comparison graph is disconnected; picks counted and discounted by reason; and the method's constants. `as_of` gives a past day's snapshot. A board without picks is an empty answer whose `message` says how to fill it. An unknown category is a 404 with the closest slugs.",
    query: leaderboardQuery,
    response: leaderboardSchema,
    responseDescription: "The board.",
    problems: [404],
    example: { path: "/leaderboard?category=coding-assistants" },
    handle: async (_c, { query }) => {
      let category: { slug: string; name: string } | null = null;
      if (query.category !== undefined) {
        const categories = await boardCategories(db);
        category = categories.find((cat) => cat.slug === query.category) ?? null;
        if (!category) {
          throw unknownSlug(
            `There is no category "${query.category.slice(0, 100)}". See "suggestions" for the closest ones, or leave out category for the overall board.`,
            closest(query.category, categories, 5),
          );
        }
      }
      const asOf = query.as_of ?? null;
      if (asOf && asOf > todayUtc()) {
        throw invalidParameters([
          { name: "as_of", in: "query", detail: `${asOf} has not happened yet; give today or a past day.` },
        ]);
      }
      const scope = category?.slug ?? OVERALL;
      // a past day without a snapshot answers with the nearest earlier one, as the page does
      const at = asOf ? await leaderboardAsOf(db, scope, asOf) : { data: await leaderboardData(db, scope) };
      return leaderboardPayload(ctx, {
        scope,
        category,
        asOf,
        data: at.data,
        day: "day" in at ? at.day : undefined,
      });
    },
  });

  const predictionsOp = defineOperation({
    operationId: "getPredictions",
    method: "get",
    path: "/predictions",
    tag: "Predictions",
    summary: "The Futurist's theses and track records",
    description:
      "Past-due theses with their outcomes (held, failed, unclear, or awaiting judgement), how many are still to come and when the next falls due, and each persona's track record, as /methodology shows them.",
    response: predictionsSchema,
    responseDescription: "The predictions.",
    example: { path: "/predictions" },
    handle: async () => predictionsPayload(await predictionsOverview(db, { now: Date.now() })),
  });

  const issuesOp = defineOperation({
    operationId: "listNewsletterIssues",
    method: "get",
    path: "/newsletter/issues",
    tag: "Newsletter",
    summary: "The newsletter issues sent so far",
    description:
      "Every sent issue, newest first: subject, intro, period, and the verdicts and comparisons it reported.",
    response: newsletterIssueListSchema,
    responseDescription: "The issues.",
    example: { path: "/newsletter/issues" },
    handle: async () => ({
      items: (await listSentIssues(db, { limit: ISSUES_LIMIT })).map((issue) =>
        newsletterIssuePayload(ctx, issue, issueSummaryLine(issue.content), issuePath(issue.number)),
      ),
    }),
  });

  return [
    listToolsOp,
    getToolOp,
    compareOp,
    listCategoriesOp,
    getCategoryOp,
    leaderboardOp,
    predictionsOp,
    issuesOp,
  ];
}
