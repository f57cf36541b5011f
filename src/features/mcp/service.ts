/**
 * What the MCP tools answer, read through the catalog, tools and leaderboard features
 * and the JSON API's loaders, and shaped by its payload builders. Each function returns the
 * tool's structured content, or throws a `ToolAnswerError` whose message tells the calling model what to do next (the closest slugs, the allowed count).
 */

import type { z } from "zod";
import type { Db } from "../../db/types.ts";
import {
  type Candidate,
  emptyRankingHint,
  panelReasons,
  rankCandidates,
  triableFree,
} from "../../domain/recommend.ts";
import { closest } from "../../domain/suggest.ts";
import { comparisonPayload, leaderboardPayload, loadToolDetail, toolSummaryPayload } from "../api/index.ts";
import { listCategories, listToolNames, listTools } from "../catalog/index.ts";
import { leaderboardData, OVERALL } from "../leaderboard/index.ts";
import { getTools, selectSummaries, type ToolSummary, toolSummaries } from "../tools/index.ts";
import type {
  CompareOutput,
  compareInput,
  LeaderboardOutput,
  RecommendOutput,
  recommendInput,
  SearchOutput,
  searchInput,
  VerdictOutput,
} from "./schemas.ts";

const SLUG = /^[a-z0-9-]{1,80}$/;

/** A refusal the model can act on; its message is shown to the model as the tool's error text. */
export class ToolAnswerError extends Error {}

/** The error for slugs that name no tool, with the closest slugs for each. */
async function unknownSlugs(db: Db, slugs: string[], next: string): Promise<ToolAnswerError> {
  const names = await listToolNames(db);
  const parts = slugs.map((s) => {
    const near = closest(s, names, 5).map((t) => `${t.slug} (${t.name})`);
    return `No tool has the slug "${s.slice(0, 80)}". The closest slugs are: ${near.join(", ")}.`;
  });
  return new ToolAnswerError(`${parts.join(" ")} ${next}`);
}

/** The category a slug names, or an error listing the closest ones. */
async function categoryOf(db: Db, slug: string): Promise<{ slug: string; name: string }> {
  const all = await listCategories(db);
  const found = all.find((c) => c.slug === slug);
  if (found) return { slug: found.slug, name: found.name };
  const near = closest(slug, all, 5).map((c) => `${c.slug} (${c.name})`);
  throw new ToolAnswerError(
    `No category has the slug "${slug.slice(0, 80)}". The closest are: ${near.join(", ")}. Call again with one of them, or leave category out.`,
  );
}

/** search_tools: the catalog as /tools filters it, one page at a time. */
export async function searchTools(
  db: Db,
  siteUrl: string,
  input: z.infer<typeof searchInput>,
): Promise<SearchOutput> {
  if (input.category) await categoryOf(db, input.category);
  const page = await listTools(db, {
    q: input.query || undefined,
    category: input.category,
    pricing: input.pricing,
    verdict: input.verdict,
    deployment: input.deployment,
    sort: input.sort,
    page: input.page,
    perPage: input.limit,
  });
  const params = new URLSearchParams();
  if (input.query) params.set("q", input.query);
  for (const k of ["category", "pricing", "verdict", "deployment"] as const) {
    const v = input[k];
    if (v) params.set(k, v);
  }
  if (input.sort !== "score") params.set("sort", input.sort);
  const qs = params.toString();
  return {
    total: page.total,
    page: page.page,
    pages: page.pages,
    tools: page.items.map((t) => toolSummaryPayload({ siteUrl }, t)),
    url: `${siteUrl}/tools${qs ? `?${qs}` : ""}`,
  };
}

/** get_verdict: one tool as the API's tool detail (panel, personas and lens answers, pricing, community, history). */
export async function verdictFor(db: Db, siteUrl: string, slug: string): Promise<VerdictOutput> {
  // a resource URI can carry anything; only a slug-shaped one is worth a query
  const found = SLUG.test(slug) ? await loadToolDetail(db, { siteUrl }, slug) : undefined;
  if (!found || "unknown" in found) {
    throw await unknownSlugs(
      db,
      [slug],
      "Call get_verdict with one of them, or search_tools to find the tool.",
    );
  }
  return found.tool;
}

/** compare_tools: the API's comparison of 2–4 tools: decision table, scorecard, every pair's split and pricing read. */
export async function compareTools(
  db: Db,
  siteUrl: string,
  input: z.infer<typeof compareInput>,
): Promise<CompareOutput> {
  const slugs = input.slugs;
  const twice = slugs.find((s, i) => slugs.indexOf(s) !== i);
  if (twice !== undefined) {
    throw new ToolAnswerError(
      `"${twice}" is named twice. Give 2 to 4 different tool slugs; a tool is not compared with itself.`,
    );
  }
  const found = await getTools(db, slugs);
  const missing = slugs.filter((s) => !found.has(s));
  if (missing.length > 0) {
    throw await unknownSlugs(db, missing, "Call compare_tools again with 2 to 4 slugs from the catalog.");
  }
  return comparisonPayload(
    { siteUrl },
    slugs.map((s) => found.get(s)!),
  );
}

/** Every tool (or one category's) as the ranking needs it: the summary plus the pricing columns it filters on. */
async function candidates(db: Db, category?: string): Promise<(Candidate & { summary: ToolSummary })[]> {
  let q = selectSummaries(db).select(["tools.pricing_free_tier", "tools.pricing_license"]);
  if (category) q = q.where("categories.slug", "=", category);
  const rows = await q.execute();
  const summaries = await toolSummaries(db, rows);
  return summaries.map((t, i) => {
    const row = rows[i]!;
    return {
      slug: t.slug,
      name: t.name,
      vendor: t.vendor,
      category: t.category,
      bestFor: t.bestFor,
      description: t.description,
      deployment: t.deployment,
      pricing: {
        model: t.pricingModel,
        entry: t.entryPrice,
        freeTier: row.pricing_free_tier === 1,
        license: row.pricing_license,
      },
      panel: { score: t.panel.score, verdict: t.panel.verdict },
      communityWilson: t.community.wilsonLower,
      summary: t,
    };
  });
}

/** recommend_tool: ranked candidates for a need, with the panel's reasons. */
export async function recommend(
  db: Db,
  siteUrl: string,
  input: z.infer<typeof recommendInput>,
): Promise<RecommendOutput> {
  const category = input.category ? await categoryOf(db, input.category) : null;
  const pool = await candidates(db, category?.slug);
  const ranking = rankCandidates(input.need, pool, input.constraints, { anyMatch: category !== null });
  const top = ranking.ranked.slice(0, input.limit);
  const details = await getTools(
    db,
    top.map((c) => c.tool.slug),
  );
  const out: RecommendOutput = {
    need: input.need,
    terms: ranking.terms,
    category,
    candidates: top.map((c, i) => ({
      position: i + 1,
      tool: toolSummaryPayload({ siteUrl }, c.tool.summary),
      fit: Math.round(c.fit * 1000) / 1000,
      score: Math.round(c.rank * 1000) / 1000,
      matched: c.matched,
      meets: c.meets,
      freeTier: triableFree(c.tool.pricing),
      license: c.tool.pricing.license,
      reasons: panelReasons(details.get(c.tool.slug)?.reviews ?? {}),
    })),
  };
  if (top.length === 0) out.hint = emptyRankingHint(ranking, input.constraints);
  else if (top.length < input.limit && !category) {
    out.hint = "Only these tools fit. Loosen a constraint or describe the need more broadly for more.";
  }
  return out;
}

/**
 * leaderboard: the stored head-to-head board (overall or a category's) as the API's payload, so
 * a model reads the same ranks, intervals, provisional tools and counts as GET /api/v1/leaderboard.
 */
export async function leaderboard(
  db: Db,
  siteUrl: string,
  categorySlug?: string,
): Promise<LeaderboardOutput> {
  const category = categorySlug ? await categoryOf(db, categorySlug) : null;
  const scope = category?.slug ?? OVERALL;
  const data = await leaderboardData(db, scope);
  return leaderboardPayload({ siteUrl }, { scope, category, asOf: null, data });
}
