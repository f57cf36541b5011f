/** The panel's numbers, defined once: verdict, ship percentage and score (docs/product.md). */
import type { Verdict } from "./catalog-schema.ts";
import { sharePercent } from "./community.ts";

export const PANEL_SIZE = 4;

export type PanelVerdict = "ship" | "skip" | "split" | "in-progress";

/** Where a review came from: a panelist's own words, or a model's draft a panelist edited. */
export type Provenance = "panelist" | "model";

/** A persona review's state in the current-review table; only published ones are shown. */
export type ReviewStatus = "draft" | "published";

export interface PanelVote {
  score: number;
  verdict: Verdict;
}

export interface PanelSummary {
  ship: number;
  skip: number;
  published: number;
  /** round(100 × ship / published); null with no published review. */
  shipPercent: number | null;
  /** Mean of the published scores; null with no published review. */
  score: number | null;
  verdict: PanelVerdict;
}

/** Sums up the published persona reviews of one tool. */
export function summarizePanel(reviews: readonly PanelVote[]): PanelSummary {
  const ship = reviews.filter((r) => r.verdict === "ship").length;
  const skip = reviews.length - ship;
  const published = reviews.length;
  const shipPercent = sharePercent(ship, published);
  const score = published === 0 ? null : reviews.reduce((sum, r) => sum + r.score, 0) / published;
  let verdict: PanelVerdict = "in-progress";
  if (published >= PANEL_SIZE) verdict = ship > skip ? "ship" : skip > ship ? "skip" : "split";
  return { ship, skip, published, shipPercent, score, verdict };
}

/** The badge word: "Ship", "Skip", "Split" or "Panel in progress (n/4)". */
export function panelVerdictLabel(p: Pick<PanelSummary, "verdict" | "published">): string {
  switch (p.verdict) {
    case "ship":
      return "Ship";
    case "skip":
      return "Skip";
    case "split":
      return "Split";
    default:
      return `Panel in progress (${Math.min(p.published, PANEL_SIZE)}/${PANEL_SIZE})`;
  }
}

/** The decision-table line, e.g. "Ship · 4 ship / 0 skip". */
export function panelVerdictLine(p: PanelSummary): string {
  return `${panelVerdictLabel(p)} · ${p.ship} ship / ${p.skip} skip`;
}

/** "100% panel ship", or "No published reviews yet". */
export function panelShipLabel(p: Pick<PanelSummary, "shipPercent">): string {
  return p.shipPercent === null ? "No published reviews yet" : `${p.shipPercent}% panel ship`;
}

/** A score shown to readers: one decimal only when it is not whole. */
export function formatScore(score: number | null): string {
  if (score === null) return "–";
  const rounded = Math.round(score * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}
