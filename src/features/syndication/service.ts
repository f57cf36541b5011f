/**
 * What feeds, badges and the sitemap read: published revisions, pricing edits from the audit
 * log, a tool's panel figures and the dates things last changed. Narrow projections only: no
 * audit actor, reason or account ever leaves this file.
 */
import { z } from "zod";
import { readJson } from "../../db/json.ts";
import type { Db } from "../../db/types.ts";
import { PERSONAS } from "../../domain/catalog-schema.ts";
import type { PanelVerdict } from "../../domain/panel.ts";
import {
  type FeedEvent,
  type FeedRevision,
  type FeedTool,
  newestEvents,
  type PricingEdit,
  toolEvents,
  verdictEvents,
} from "../../domain/syndication.ts";

/** How many entries a feed carries: a few months of changes at the catalog's pace. */
export const FEED_LIMIT = 50;

/** Which tools a verdict feed covers. */
export type FeedScope =
  | { kind: "site" }
  | { kind: "category"; slug: string }
  | { kind: "tool"; tool: FeedTool };

/** Every published revision in scope, grouped by tool. */
async function revisionsByTool(
  db: Db,
  scope: FeedScope,
): Promise<Map<number, { tool: FeedTool; revisions: FeedRevision[] }>> {
  let q = db
    .selectFrom("review_revisions")
    .innerJoin("tools", "tools.id", "review_revisions.tool_id")
    .select([
      "review_revisions.id",
      "review_revisions.persona",
      "review_revisions.revision",
      "review_revisions.score",
      "review_revisions.verdict",
      "review_revisions.summary",
      "review_revisions.published_at",
      "tools.id as tool_id",
      "tools.slug",
      "tools.name",
    ])
    .where("review_revisions.persona", "in", [...PERSONAS]);
  if (scope.kind === "tool") q = q.where("tools.id", "=", scope.tool.id);
  if (scope.kind === "category") {
    q = q
      .innerJoin("categories", "categories.id", "tools.category_id")
      .where("categories.slug", "=", scope.slug);
  }
  const out = new Map<number, { tool: FeedTool; revisions: FeedRevision[] }>();
  for (const r of await q.execute()) {
    let group = out.get(r.tool_id);
    if (!group) {
      group = { tool: { id: r.tool_id, slug: r.slug, name: r.name }, revisions: [] };
      out.set(r.tool_id, group);
    }
    group.revisions.push({
      id: r.id,
      persona: r.persona,
      revision: r.revision,
      score: r.score,
      verdict: r.verdict,
      summary: r.summary,
      publishedAt: r.published_at,
    });
  }
  return out;
}

/** The catalog editor's audit detail, as much of it as a pricing change needs. */
const editDetailSchema = z.object({
  fields: z.array(z.string()).default([]),
  changes: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

/** The tool's saved catalog edits that touched a pricing field, newest first. */
async function pricingEdits(db: Db, slug: string): Promise<PricingEdit[]> {
  // the subject names the slug at the time of the edit (see catalog-admin's save)
  const rows = await db
    .selectFrom("audit_log")
    .select(["id", "at", "detail"])
    .where("action", "=", "tool.update")
    .where("subject", "=", `tool:${slug}`)
    .orderBy("id", "desc")
    .limit(FEED_LIMIT * 2)
    .execute();
  const edits: PricingEdit[] = [];
  for (const r of rows) {
    const detail = readJson(editDetailSchema, r.detail, { table: "audit_log", column: "detail", row: r.id });
    const changes = detail.fields
      .filter((f) => f.startsWith("pricing."))
      .map((f) => ({ field: f.slice("pricing.".length), ...(detail.changes[f] ?? {}) }));
    if (changes.length > 0) edits.push({ id: r.id, at: r.at, changes });
  }
  return edits;
}

/** The tool a feed or badge is about, or undefined for an unknown slug. */
export async function findTool(
  db: Db,
  slug: string,
): Promise<
  | (FeedTool & {
      category: { slug: string; name: string };
      panel: { verdict: PanelVerdict; score: number | null; published: number };
    })
  | undefined
> {
  const row = await db
    .selectFrom("tools")
    .innerJoin("categories", "categories.id", "tools.category_id")
    .select([
      "tools.id",
      "tools.slug",
      "tools.name",
      "tools.panel_verdict",
      "tools.panel_score",
      "tools.panel_published",
      "categories.slug as category_slug",
      "categories.name as category_name",
    ])
    .where("tools.slug", "=", slug)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    category: { slug: row.category_slug, name: row.category_name },
    panel: { verdict: row.panel_verdict, score: row.panel_score, published: row.panel_published },
  };
}

/** The newest events of a feed's scope. */
export async function feedEvents(db: Db, scope: FeedScope): Promise<FeedEvent[]> {
  const groups = await revisionsByTool(db, scope);
  if (scope.kind === "tool") {
    const { tool } = scope;
    const revisions = groups.get(tool.id)?.revisions ?? [];
    return newestEvents(toolEvents(tool, revisions, await pricingEdits(db, tool.slug)), FEED_LIMIT);
  }
  const events = [...groups.values()].flatMap((g) => verdictEvents(g.tool, g.revisions));
  return newestEvents(events, FEED_LIMIT);
}

/** When each tool last changed: its latest published revision or catalog edit, by slug. */
export interface ToolChange {
  slug: string;
  categorySlug: string;
  /** ISO-8601 instant. */
  changedAt: string;
}

/**
 * Every tool with the date it last changed, for the sitemap: its latest published revision or
 * saved catalog edit, else the day it was added. Not tools.updated_at, which a seed or an import
 * sets to the time it ran rather than to when the tool's page changed.
 */
export async function toolChanges(db: Db): Promise<ToolChange[]> {
  const [tools, published, edited] = await Promise.all([
    db
      .selectFrom("tools")
      .innerJoin("categories", "categories.id", "tools.category_id")
      .select(["tools.id", "tools.slug", "tools.added_at", "categories.slug as category_slug"])
      .orderBy("tools.slug")
      .execute(),
    db
      .selectFrom("review_revisions")
      .select((eb) => ["tool_id", eb.fn.max("published_at").as("at")])
      .groupBy("tool_id")
      .execute(),
    db
      .selectFrom("audit_log")
      .select((eb) => ["subject", eb.fn.max("at").as("at")])
      .where("action", "in", ["tool.create", "tool.update"])
      .groupBy("subject")
      .execute(),
  ]);
  const revisionAt = new Map(published.map((r) => [r.tool_id, String(r.at)]));
  const editAt = new Map(edited.map((r) => [r.subject, String(r.at)]));
  return tools.map((t) => {
    const dates = [revisionAt.get(t.id), editAt.get(`tool:${t.slug}`)].filter((d) => d !== undefined);
    return {
      slug: t.slug,
      categorySlug: t.category_slug,
      changedAt: dates.sort().at(-1) ?? `${t.added_at}T00:00:00.000Z`,
    };
  });
}

/** Every category's slug, for the sitemap (tool-less ones too: their pages exist). */
export async function categorySlugs(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("categories").select("slug").orderBy("slug").execute();
  return rows.map((r) => r.slug);
}
