/**
 * Which panels need a panelist: a tool's panel is missing (nothing published), partial (some
 * personas published), stale (all four published, the oldest longer ago than the stale age)
 * or complete. Pure: the caller passes the reviews, the time and the stale age.
 */
import { PERSONAS, type Persona } from "./catalog-schema.ts";
import { PANEL_SIZE } from "./panel.ts";

const PANEL_STATES = ["missing", "partial", "stale", "complete"] as const;
export type PanelState = (typeof PANEL_STATES)[number];

const DAY_MS = 24 * 3600_000;

/** One published persona review as the queue sees it. */
export interface PublishedMark {
  persona: Persona;
  /** ISO-8601 instant of the current revision's publication. */
  publishedAt: string;
}

export interface PanelClassification {
  state: PanelState;
  /** How many of the four personas have a published review. */
  published: number;
  /** Personas whose current review is older than the stale age (may be set on a partial panel too). */
  stalePersonas: Persona[];
  /** The oldest current review's publication instant; null with nothing published. */
  oldestAt: string | null;
}

/** Whether a review published at `publishedAt` is older than `staleDays` at `now`. */
export function isStale(publishedAt: string, now: number, staleDays: number): boolean {
  const at = Date.parse(publishedAt);
  // an unreadable date cannot vouch for freshness: ask for a look
  if (Number.isNaN(at)) return true;
  return now - at > staleDays * DAY_MS;
}

/**
 * Classifies one tool's panel. Missing beats partial beats stale: a panel with a gap is
 * listed for the gap first, though its old reviews still show as stale per persona.
 */
export function classifyPanel(opts: {
  reviews: readonly PublishedMark[];
  now: number;
  staleDays: number;
}): PanelClassification {
  const byPersona = new Map<Persona, string>();
  for (const r of opts.reviews) {
    if (!(PERSONAS as readonly string[]).includes(r.persona)) continue;
    const seen = byPersona.get(r.persona);
    // one current review per persona is the rule; if handed more, the newest counts
    if (!seen || r.publishedAt > seen) byPersona.set(r.persona, r.publishedAt);
  }
  const published = byPersona.size;
  const stalePersonas = PERSONAS.filter((p) => {
    const at = byPersona.get(p);
    return at !== undefined && isStale(at, opts.now, opts.staleDays);
  });
  const dates = [...byPersona.values()].sort();
  const oldestAt = dates[0] ?? null;
  let state: PanelState;
  if (published === 0) state = "missing";
  else if (published < PANEL_SIZE) state = "partial";
  else if (stalePersonas.length > 0) state = "stale";
  else state = "complete";
  return { state, published, stalePersonas, oldestAt };
}

const STATE_ORDER: Record<PanelState, number> = { missing: 0, partial: 1, stale: 2, complete: 3 };

/**
 * Queue order: missing panels first, then partial, then stale; within a state the panel
 * waiting longest (oldest review) first, then by name.
 */
export function compareQueueEntries(
  a: { name: string; panel: PanelClassification },
  b: { name: string; panel: PanelClassification },
): number {
  const byState = STATE_ORDER[a.panel.state] - STATE_ORDER[b.panel.state];
  if (byState !== 0) return byState;
  const ao = a.panel.oldestAt ?? "";
  const bo = b.panel.oldestAt ?? "";
  if (ao !== bo) return ao < bo ? -1 : 1;
  return a.name.localeCompare(b.name, "en", { sensitivity: "base" });
}

/** The heading word of a queue state. */
export const PANEL_STATE_LABELS: Record<PanelState, string> = {
  missing: "Missing",
  partial: "Partial",
  stale: "Stale",
  complete: "Complete",
};
