/**
 * A tool's verdict over time, replayed from its published revisions: after each publication,
 * what the panel's score and verdict were. Pure; the chart geometry is here so it is testable.
 */
import type { Persona, Verdict } from "./catalog-schema.ts";
import { type PanelVerdict, summarizePanel } from "./panel.ts";

/** One published revision, as much of it as the replay needs. */
export interface RevisionMark {
  persona: Persona;
  revision: number;
  score: number;
  verdict: Verdict;
  /** ISO-8601 instant. */
  publishedAt: string;
}

/** The panel as it stood right after a publication. */
export interface PanelPoint {
  at: string;
  /** Mean of the current persona scores. */
  score: number;
  verdict: PanelVerdict;
  ship: number;
  skip: number;
  published: number;
}

/**
 * The panel after each publication, oldest first. Publications at the same instant (a seeded
 * panel, an import) make one point, since nobody could have seen the panel in between.
 */
export function panelTimeline(revisions: readonly RevisionMark[]): PanelPoint[] {
  const ordered = [...revisions].sort((a, b) =>
    a.publishedAt === b.publishedAt ? a.revision - b.revision : a.publishedAt < b.publishedAt ? -1 : 1,
  );
  const current = new Map<Persona, { score: number; verdict: Verdict }>();
  const points: PanelPoint[] = [];
  for (const r of ordered) {
    current.set(r.persona, { score: r.score, verdict: r.verdict });
    const p = summarizePanel([...current.values()]);
    const point: PanelPoint = {
      at: r.publishedAt,
      score: p.score ?? 0,
      verdict: p.verdict,
      ship: p.ship,
      skip: p.skip,
      published: p.published,
    };
    if (points.at(-1)?.at === r.publishedAt) points[points.length - 1] = point;
    else points.push(point);
  }
  return points;
}

export interface ChartGeometry {
  width: number;
  height: number;
  /** The SVG polyline's points attribute. */
  line: string;
  dots: { x: number; y: number }[];
}

/** A chart box: `pad` units are kept clear at every edge for the dots. */
export interface ChartBox {
  width: number;
  height: number;
  pad: number;
}

/** Where a score (0–100, clamped) sits up a chart box: 100 at the top pad, 0 at the bottom one. */
export function scoreY(score: number, box: ChartBox): number {
  return box.pad + (1 - Math.min(100, Math.max(0, score)) / 100) * (box.height - 2 * box.pad);
}

/**
 * Places the timeline in a width × height box: time runs left to right (evenly by instant),
 * the score 0–100 bottom to top, with `pad` units kept clear at every edge for the dots.
 */
export function timelineGeometry(points: readonly PanelPoint[], box: ChartBox): ChartGeometry {
  const { width, height, pad } = box;
  const times = points.map((p) => Date.parse(p.at));
  const first = Math.min(...times);
  const span = Math.max(...times) - first;
  const round = (n: number) => Math.round(n * 10) / 10;
  const dots = points.map((p, i) => ({
    x: round(span > 0 ? pad + (((times[i] ?? first) - first) / span) * (width - 2 * pad) : width / 2),
    y: round(scoreY(p.score, box)),
  }));
  return { width, height, line: dots.map((d) => `${d.x},${d.y}`).join(" "), dots };
}
