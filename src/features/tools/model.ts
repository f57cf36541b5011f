/**
 * The tool model: how a tool is read from and written to the database. Refs and lookups by
 * slug, the one mapping from a tools row to a summary or a detail, and the one mapping from
 * a profile to a tools row (used by the seed and catalog admin).
 */

import type { Selectable } from "kysely";
import { z } from "zod";
import { readJson } from "../../db/json.ts";
import type { ToolsTable } from "../../db/schema.ts";
import type { Db } from "../../db/types.ts";
import {
  type Deployment,
  type Persona,
  type Timing,
  type ToolProfileInput,
  unitPriceSchema,
} from "../../domain/catalog-schema.ts";
import { sharePercent, summarizeCommunity } from "../../domain/community.ts";
import type { Pricing } from "../../domain/pricing-read.ts";
import type { Competitor, Review, ToolDetail, ToolRef, ToolSummary, ToolWithRef } from "../../domain/tool.ts";

/** The catalog tools among some slugs, in the order given; unknown slugs are dropped. */
export async function findToolRefs(db: Db, slugs: string[]): Promise<ToolRef[]> {
  if (slugs.length === 0) return [];
  const rows = await db
    .selectFrom("tools")
    .select(["id", "slug", "name"])
    .where("slug", "in", slugs)
    .execute();
  const bySlug = new Map(rows.map((r) => [r.slug, r]));
  return slugs.flatMap((s) => bySlug.get(s) ?? []);
}

/** The columns a ToolSummary is made from. */
export const summaryColumns = [
  "tools.id",
  "tools.slug",
  "tools.name",
  "tools.vendor",
  "tools.best_for",
  "tools.description",
  "tools.added_at",
  "tools.pricing_model",
  "tools.pricing_entry",
  "tools.panel_ship",
  "tools.panel_skip",
  "tools.panel_published",
  "tools.panel_score",
  "tools.panel_verdict",
  "tools.community_ship",
  "tools.community_skip",
  "categories.slug as category_slug",
  "categories.name as category_name",
] as const;

/** Tools joined with their category: every listing starts here. */
export function baseToolQuery(db: Db) {
  return db.selectFrom("tools").innerJoin("categories", "categories.id", "tools.category_id");
}

/** A row of summaryColumns. */
export type SummaryRow = Awaited<ReturnType<ReturnType<typeof selectSummaries>["execute"]>>[number];

/** Tools with the columns a summary needs. */
export function selectSummaries(db: Db) {
  return baseToolQuery(db).select(summaryColumns);
}

/** Each tool's deployments, by tool id, alphabetical (a tool without any is absent). */
export async function deploymentsFor(db: Db, ids: number[]): Promise<Map<number, Deployment[]>> {
  const map = new Map<number, Deployment[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom("tool_deployments")
    .select(["tool_id", "deployment"])
    .where("tool_id", "in", ids)
    .orderBy("deployment")
    .execute();
  for (const r of rows) {
    const list = map.get(r.tool_id) ?? [];
    list.push(r.deployment);
    map.set(r.tool_id, list);
  }
  return map;
}

function toSummary(row: SummaryRow, deployment: Deployment[]): ToolSummary {
  return {
    slug: row.slug,
    name: row.name,
    vendor: row.vendor,
    category: { slug: row.category_slug, name: row.category_name },
    bestFor: row.best_for,
    description: row.description,
    addedAt: row.added_at,
    pricingModel: row.pricing_model,
    entryPrice: row.pricing_entry,
    deployment,
    panel: {
      ship: row.panel_ship,
      skip: row.panel_skip,
      published: row.panel_published,
      shipPercent: sharePercent(row.panel_ship, row.panel_published),
      score: row.panel_score,
      verdict: row.panel_verdict,
    },
    community: summarizeCommunity(row.community_ship, row.community_skip),
  };
}

/** Summaries of summary rows, their deployments read in one query. */
export async function toolSummaries(db: Db, rows: SummaryRow[]): Promise<ToolSummary[]> {
  const deps = await deploymentsFor(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toSummary(r, deps.get(r.id) ?? []));
}

/** A tool with its pricing, competitors and published persona reviews, or undefined. */
export async function getTool(db: Db, slug: string): Promise<ToolDetail | undefined> {
  return (await getTools(db, [slug])).get(slug);
}

/** Several tools in full, by slug, in a fixed number of queries however many are asked for. */
export async function getTools(db: Db, slugs: string[]): Promise<Map<string, ToolDetail>> {
  const found = await getToolsWithRefs(db, slugs);
  return new Map([...found].map(([slug, { tool }]) => [slug, tool]));
}

/** The pricing columns of a tools row, as the structured pricing they store. */
export function pricingOf(
  row: Pick<
    Selectable<ToolsTable>,
    | "slug"
    | "pricing_model"
    | "pricing_entry"
    | "pricing_free_tier"
    | "pricing_license"
    | "pricing_units"
    | "pricing_detail"
    | "pricing_as_of"
  >,
): Pricing {
  return {
    model: row.pricing_model,
    entry: row.pricing_entry,
    freeTier: row.pricing_free_tier === 1,
    license: row.pricing_license,
    units: readJson(z.array(unitPriceSchema), row.pricing_units, {
      table: "tools",
      column: "pricing_units",
      row: row.slug,
    }),
    detail: row.pricing_detail,
    asOf: row.pricing_as_of,
  };
}

/** As getTools, with each tool's ref alongside, so ids stay out of what views are handed. */
export async function getToolsWithRefs(db: Db, slugs: string[]): Promise<Map<string, ToolWithRef>> {
  const out = new Map<string, ToolWithRef>();
  if (slugs.length === 0) return out;
  const rows = await baseToolQuery(db)
    .select([
      ...summaryColumns,
      "tools.homepage",
      "tools.pricing_free_tier",
      "tools.pricing_license",
      "tools.pricing_units",
      "tools.pricing_detail",
      "tools.pricing_as_of",
    ])
    .where("tools.slug", "in", slugs)
    .execute();
  if (rows.length === 0) return out;
  const ids = rows.map((r) => r.id);
  const deps = await deploymentsFor(db, ids);
  const competitors = await competitorsFor(db, ids);
  const reviews = await publishedReviews(db, ids);
  for (const row of rows) {
    const tool: ToolDetail = {
      ...toSummary(row, deps.get(row.id) ?? []),
      homepage: row.homepage,
      pricing: pricingOf(row),
      competitors: competitors.get(row.id) ?? [],
      reviews: reviews.get(row.id) ?? {},
    };
    out.set(row.slug, { ref: { id: row.id, slug: row.slug, name: row.name }, tool });
  }
  return out;
}

/** Each tool's competitors, by tool id, in their listed order (a tool without any is absent). */
export async function competitorsFor(db: Db, ids: number[]): Promise<Map<number, Competitor[]>> {
  const map = new Map<number, Competitor[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom("tool_competitors")
    .leftJoin("tools", "tools.id", "tool_competitors.competitor_tool_id")
    .select(["tool_competitors.tool_id", "tool_competitors.name", "tools.slug"])
    .where("tool_competitors.tool_id", "in", ids)
    .orderBy("tool_competitors.tool_id")
    .orderBy("tool_competitors.position")
    .execute();
  for (const r of rows) {
    const list = map.get(r.tool_id) ?? [];
    list.push({ name: r.name, slug: r.slug ?? null });
    map.set(r.tool_id, list);
  }
  return map;
}

async function publishedReviews(
  db: Db,
  toolIds: number[],
): Promise<Map<number, Partial<Record<Persona, Review>>>> {
  const out = new Map<number, Partial<Record<Persona, Review>>>();
  // one row per answer: reviews joined with their answers, in question order
  const rows = await db
    .selectFrom("reviews")
    .innerJoin("review_answers", "review_answers.review_id", "reviews.id")
    .select([
      "reviews.id",
      "reviews.tool_id",
      "reviews.persona",
      "reviews.score",
      "reviews.verdict",
      "reviews.summary",
      "reviews.thesis_date",
      "reviews.author",
      "reviews.provenance",
      "reviews.model_name",
      "reviews.published_at",
      "review_answers.question",
      "review_answers.answer",
    ])
    .where("reviews.tool_id", "in", toolIds)
    .where("reviews.status", "=", "published")
    .orderBy("reviews.id")
    .orderBy("review_answers.position")
    .execute();
  for (const r of rows) {
    const forTool = out.get(r.tool_id) ?? {};
    out.set(r.tool_id, forTool);
    const persona = r.persona;
    let review = forTool[persona];
    if (!review) {
      review = {
        persona,
        score: r.score,
        verdict: r.verdict,
        summary: r.summary,
        answers: [],
        thesisDate: r.thesis_date,
        timing: null,
        author: r.author,
        provenance: r.provenance,
        modelName: r.model_name,
        publishedAt: r.published_at,
      };
      forTool[persona] = review;
    }
    if (r.question === "timing") review.timing = r.answer as Timing;
    else review.answers.push({ question: r.question, answer: r.answer });
  }
  return out;
}

/** The tools table's profile columns for a profile: what the seed and catalog admin write. */
export function toolRowOf(p: ToolProfileInput, categoryId: number) {
  return {
    slug: p.slug,
    name: p.name,
    vendor: p.vendor,
    category_id: categoryId,
    best_for: p.bestFor,
    description: p.description,
    homepage: p.homepage,
    added_at: p.addedAt,
    pricing_model: p.pricing.model,
    pricing_entry: p.pricing.entry,
    pricing_free_tier: p.pricing.freeTier ? 1 : 0,
    pricing_license: p.pricing.license,
    pricing_units: JSON.stringify(p.pricing.units),
    pricing_detail: p.pricing.detail,
    pricing_as_of: p.pricing.asOf,
  };
}
