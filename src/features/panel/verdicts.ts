/** A tool's panel figures, recomputed from its published reviews, and its verdict history. */
import type { Db } from "../../db/types.ts";
import { PERSONAS, type Persona, type Verdict } from "../../domain/catalog-schema.ts";
import { type PanelSummary, summarizePanel } from "../../domain/panel.ts";
import { type PanelPoint, panelTimeline } from "../../domain/verdict-history.ts";

/** Recomputes a tool's panel figures from its published reviews; call inside the write's transaction. */
export async function recomputePanel(db: Db, toolId: number): Promise<PanelSummary> {
  const rows = await db
    .selectFrom("reviews")
    .select(["score", "verdict"])
    .where("tool_id", "=", toolId)
    .where("status", "=", "published")
    .where("persona", "in", [...PERSONAS])
    .execute();
  const panel = summarizePanel(rows.map((r) => ({ score: r.score, verdict: r.verdict })));
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
    persona: r.persona,
    revision: r.revision,
    score: r.score,
    verdict: r.verdict,
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
