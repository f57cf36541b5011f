/** The catalog's listings: the filtered, sorted catalog, names for pickers, categories. */
import { sql } from "kysely";
import type { Db } from "../../db/types.ts";
import type { Deployment, PricingModel } from "../../domain/catalog-schema.ts";
import type { PanelVerdict } from "../../domain/panel.ts";
import type { Category, ToolSummary } from "../../domain/tool.ts";
import { baseToolQuery, selectSummaries, summaryColumns, toolSummaries } from "../tools/index.ts";

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
  /** Rows to skip, when not whole pages: the API's cursors count in tools. */
  offset?: number;
}

export interface ToolPage {
  items: ToolSummary[];
  total: number;
  page: number;
  pages: number;
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
    .offset(f.offset ?? (f.page - 1) * f.perPage)
    .execute();
  return {
    items: await toolSummaries(db, rows),
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
  return toolSummaries(db, rows);
}

/** Tools, best panel score first: the whole catalog, or one category. */
export async function toolsByScore(db: Db, categorySlug?: string): Promise<ToolSummary[]> {
  let q = selectSummaries(db);
  if (categorySlug) q = q.where("categories.slug", "=", categorySlug);
  const rows = await q
    .orderBy("tools.panel_score", (ob) => ob.desc().nullsLast())
    .orderBy("tools.name")
    .execute();
  return toolSummaries(db, rows);
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
