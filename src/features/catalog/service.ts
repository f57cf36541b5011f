/** Catalog reads and the panel recompute: tools, categories and persona reviews. */
import { sql } from "kysely";
import type { Db } from "../../db/types.ts";
import {
  type Deployment,
  PERSONAS,
  type Persona,
  type PricingModel,
  type Timing,
  type Verdict,
} from "../../domain/catalog-schema.ts";
import { type CommunitySummary, sharePercent, summarizeCommunity } from "../../domain/community.ts";
import { type PanelSummary, type PanelVerdict, summarizePanel } from "../../domain/panel.ts";
import type { Pricing } from "../../domain/pricing-read.ts";
import { type PanelPoint, panelTimeline } from "../../domain/verdict-history.ts";

/** A tool as writes refer to it: id for the database, slug and name for people. */
export interface ToolRef {
  id: number;
  slug: string;
  name: string;
}

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

export interface CategoryRef {
  slug: string;
  name: string;
}

export interface Category extends CategoryRef {
  description: string;
  toolCount: number;
}

export interface ToolSummary {
  slug: string;
  name: string;
  vendor: string;
  category: CategoryRef;
  bestFor: string;
  description: string;
  addedAt: string;
  pricingModel: PricingModel;
  entryPrice: string;
  deployment: Deployment[];
  panel: PanelSummary;
  community: CommunitySummary;
}

export interface ReviewAnswer {
  question: string;
  answer: string;
}

export interface Review {
  persona: Persona;
  score: number;
  verdict: Verdict;
  summary: string;
  answers: ReviewAnswer[];
  thesisDate: string | null;
  timing: Timing | null;
  author: string;
  provenance: "panelist" | "model";
  modelName: string | null;
  publishedAt: string | null;
}

export interface Competitor {
  name: string;
  /** Set when the competitor is in the catalog. */
  slug: string | null;
}

export interface ToolDetail extends ToolSummary {
  homepage: string;
  pricing: Pricing;
  competitors: Competitor[];
  reviews: Partial<Record<Persona, Review>>;
}

export const SORTS = ["score", "community", "newest", "name"] as const;
export type Sort = (typeof SORTS)[number];

export interface ToolFilters {
  q?: string;
  category?: string;
  pricing?: PricingModel;
  verdict?: PanelVerdict;
  deployment?: Deployment;
  sort: Sort;
  page: number;
  perPage: number;
}

export interface ToolPage {
  items: ToolSummary[];
  total: number;
  page: number;
  pages: number;
}

const summaryColumns = [
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

function baseToolQuery(db: Db) {
  return db.selectFrom("tools").innerJoin("categories", "categories.id", "tools.category_id");
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof selectSummaries>["execute"]>>[number];

function selectSummaries(db: Db) {
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
    list.push(r.deployment as Deployment);
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
    pricingModel: row.pricing_model as PricingModel,
    entryPrice: row.pricing_entry,
    deployment,
    panel: {
      ship: row.panel_ship,
      skip: row.panel_skip,
      published: row.panel_published,
      shipPercent: sharePercent(row.panel_ship, row.panel_published),
      score: row.panel_score,
      verdict: row.panel_verdict as PanelVerdict,
    },
    community: summarizeCommunity(row.community_ship, row.community_skip),
  };
}

async function summaries(db: Db, rows: SummaryRow[]): Promise<ToolSummary[]> {
  const deps = await deploymentsFor(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toSummary(r, deps.get(r.id) ?? []));
}

/** Escapes LIKE wildcards so a reader's "%" or "_" matches literally. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** One page of the catalog, filtered, searched and sorted. */
export async function listTools(db: Db, f: ToolFilters): Promise<ToolPage> {
  let q = baseToolQuery(db);
  if (f.q) {
    const pattern = likePattern(f.q);
    q = q.where((eb) =>
      eb.or(
        (["tools.name", "tools.vendor", "tools.best_for", "tools.description"] as const).map(
          (col) => sql<boolean>`lower(${sql.ref(col)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  if (f.category) q = q.where("categories.slug", "=", f.category);
  if (f.pricing) q = q.where("tools.pricing_model", "=", f.pricing);
  if (f.verdict) q = q.where("tools.panel_verdict", "=", f.verdict);
  if (f.deployment) {
    const d = f.deployment;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("tool_deployments")
          .select("tool_deployments.tool_id")
          .whereRef("tool_deployments.tool_id", "=", "tools.id")
          .where("tool_deployments.deployment", "=", d),
      ),
    );
  }
  const countRow = await q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
  const total = Number(countRow?.n ?? 0);

  let listing = q.select(summaryColumns);
  if (f.sort === "score") {
    listing = listing.orderBy("tools.panel_score", (ob) => ob.desc().nullsLast()).orderBy("tools.name");
  } else if (f.sort === "community") {
    // Wilson lower bound: a tool with 9 of 10 ship votes outranks one with 1 of 1
    listing = listing
      .orderBy("tools.community_wilson", "desc")
      .orderBy(sql`tools.community_ship + tools.community_skip`, "desc")
      .orderBy("tools.name");
  } else if (f.sort === "newest") {
    listing = listing.orderBy("tools.added_at", "desc").orderBy("tools.name");
  } else {
    listing = listing.orderBy(sql`lower(tools.name)`).orderBy("tools.slug");
  }
  const rows = await listing
    .limit(f.perPage)
    .offset((f.page - 1) * f.perPage)
    .execute();
  return {
    items: await summaries(db, rows),
    total,
    page: f.page,
    pages: Math.max(1, Math.ceil(total / f.perPage)),
  };
}

/** Every tool's slug and name, alphabetical: pickers and "did you mean" suggestions. */
export async function listToolNames(db: Db): Promise<{ slug: string; name: string; category: string }[]> {
  const rows = await baseToolQuery(db)
    .select(["tools.slug", "tools.name", "categories.slug as category"])
    .orderBy(sql`lower(tools.name)`)
    .execute();
  return rows;
}

/** The tools with the most recently published panels: the home page's latest verdicts. */
export async function latestVerdicts(db: Db, limit: number): Promise<ToolSummary[]> {
  const rows = await selectSummaries(db)
    .where("tools.panel_published", ">", 0)
    .orderBy("tools.added_at", "desc")
    .orderBy("tools.name")
    .limit(limit)
    .execute();
  return summaries(db, rows);
}

/** Tools, best panel score first: the whole catalog, or one category. */
export async function toolsByScore(db: Db, categorySlug?: string): Promise<ToolSummary[]> {
  let q = selectSummaries(db);
  if (categorySlug) q = q.where("categories.slug", "=", categorySlug);
  const rows = await q
    .orderBy("tools.panel_score", (ob) => ob.desc().nullsLast())
    .orderBy("tools.name")
    .execute();
  return summaries(db, rows);
}

/** Every category with its tool count, by name. */
export async function listCategories(db: Db): Promise<Category[]> {
  const rows = await db
    .selectFrom("categories")
    .leftJoin("tools", "tools.category_id", "categories.id")
    .select((eb) => [
      "categories.slug",
      "categories.name",
      "categories.description",
      eb.fn.count<number>("tools.id").as("toolCount"),
    ])
    .groupBy(["categories.id", "categories.slug", "categories.name", "categories.description"])
    .orderBy("categories.name")
    .execute();
  return rows.map((r) => ({ ...r, toolCount: Number(r.toolCount) }));
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
export function pricingOf(row: {
  pricing_model: string;
  pricing_entry: string;
  pricing_free_tier: number;
  pricing_license: string;
  pricing_units: string;
  pricing_detail: string;
  pricing_as_of: string;
}): Pricing {
  return {
    model: row.pricing_model as PricingModel,
    entry: row.pricing_entry,
    freeTier: row.pricing_free_tier === 1,
    license: row.pricing_license,
    units: JSON.parse(row.pricing_units),
    detail: row.pricing_detail,
    asOf: row.pricing_as_of,
  };
}

/** A tool in full for a view, and its ref for the writes and reads that go by id. */
export interface ToolWithRef {
  ref: ToolRef;
  tool: ToolDetail;
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
    const persona = r.persona as Persona;
    let review = forTool[persona];
    if (!review) {
      review = {
        persona,
        score: r.score,
        verdict: r.verdict as Verdict,
        summary: r.summary,
        answers: [],
        thesisDate: r.thesis_date,
        timing: null,
        author: r.author,
        provenance: r.provenance as "panelist" | "model",
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

/** Recomputes a tool's panel figures from its published reviews; call inside the write's transaction. */
export async function recomputePanel(db: Db, toolId: number): Promise<PanelSummary> {
  const rows = await db
    .selectFrom("reviews")
    .select(["score", "verdict"])
    .where("tool_id", "=", toolId)
    .where("status", "=", "published")
    .where("persona", "in", [...PERSONAS])
    .execute();
  const panel = summarizePanel(rows.map((r) => ({ score: r.score, verdict: r.verdict as Verdict })));
  await db
    .updateTable("tools")
    .set({
      panel_ship: panel.ship,
      panel_skip: panel.skip,
      panel_published: panel.published,
      panel_score: panel.score,
      panel_verdict: panel.verdict,
    })
    .where("id", "=", toolId)
    .execute();
  return panel;
}

/** One published revision of a persona review, as the verdict history lists it. */
export interface HistoryRevision {
  persona: Persona;
  revision: number;
  score: number;
  verdict: Verdict;
  author: string;
  provenance: "panelist" | "model";
  modelName: string | null;
  publishedAt: string;
}

/** A tool's verdict over time: every revision, and the panel's score and verdict after each publication. */
export interface VerdictHistory {
  /** Newest first within each persona, personas in panel order. */
  revisions: HistoryRevision[];
  /** Oldest first. */
  timeline: PanelPoint[];
}

/** The verdict history of a tool, read in one query (empty for an unknown slug). */
export async function verdictHistory(db: Db, slug: string): Promise<VerdictHistory> {
  const rows = await db
    .selectFrom("review_revisions")
    .innerJoin("tools", "tools.id", "review_revisions.tool_id")
    .select([
      "review_revisions.persona",
      "review_revisions.revision",
      "review_revisions.score",
      "review_revisions.verdict",
      "review_revisions.author",
      "review_revisions.provenance",
      "review_revisions.model_name",
      "review_revisions.published_at",
    ])
    .where("tools.slug", "=", slug)
    .where("review_revisions.persona", "in", [...PERSONAS])
    .execute();
  const revisions: HistoryRevision[] = rows.map((r) => ({
    persona: r.persona as Persona,
    revision: r.revision,
    score: r.score,
    verdict: r.verdict as Verdict,
    author: r.author,
    provenance: r.provenance === "model" ? "model" : "panelist",
    modelName: r.model_name,
    publishedAt: r.published_at,
  }));
  revisions.sort(
    (a, b) => PERSONAS.indexOf(a.persona) - PERSONAS.indexOf(b.persona) || b.revision - a.revision,
  );
  return { revisions, timeline: panelTimeline(revisions) };
}
