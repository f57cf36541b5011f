import { describe, expect, it } from "vitest";
import { panelTimeline, type RevisionMark, timelineGeometry } from "./verdict-history.ts";

const SEED = "2026-01-12T09:00:00.000Z";

function seeded(): RevisionMark[] {
  return [
    { persona: "builder", revision: 1, score: 80, verdict: "ship", publishedAt: SEED },
    { persona: "skeptic", revision: 1, score: 40, verdict: "skip", publishedAt: SEED },
    { persona: "futurist", revision: 1, score: 70, verdict: "ship", publishedAt: SEED },
    { persona: "founder", revision: 1, score: 50, verdict: "skip", publishedAt: SEED },
  ];
}

describe("panelTimeline", () => {
  it("makes one point of a panel published all at once", () => {
    expect(panelTimeline(seeded())).toEqual([
      { at: SEED, score: 60, verdict: "split", ship: 2, skip: 2, published: 4 },
    ]);
  });

  it("replays revisions in time order, each replacing its persona's earlier score", () => {
    const later = "2026-03-01T10:00:00.000Z";
    const latest = "2026-05-01T10:00:00.000Z";
    const points = panelTimeline([
      { persona: "skeptic", revision: 3, score: 60, verdict: "ship", publishedAt: latest },
      ...seeded(),
      { persona: "skeptic", revision: 2, score: 20, verdict: "skip", publishedAt: later },
    ]);
    expect(points.map((p) => [p.at, p.score, p.verdict])).toEqual([
      [SEED, 60, "split"],
      [later, 55, "split"],
      [latest, 65, "ship"],
    ]);
  });

  it("shows a panel in progress until all four have published", () => {
    const points = panelTimeline([
      { persona: "builder", revision: 1, score: 90, verdict: "ship", publishedAt: "2026-01-01T00:00:00Z" },
      { persona: "founder", revision: 1, score: 30, verdict: "skip", publishedAt: "2026-01-02T00:00:00Z" },
    ]);
    expect(points.map((p) => [p.score, p.verdict, p.published])).toEqual([
      [90, "in-progress", 1],
      [60, "in-progress", 2],
    ]);
  });

  it("is empty without revisions", () => {
    expect(panelTimeline([])).toEqual([]);
  });
});

describe("timelineGeometry", () => {
  it("spreads time across the width and the score up the height", () => {
    const g = timelineGeometry(
      [
        { at: "2026-01-01T00:00:00Z", score: 100, verdict: "ship", ship: 4, skip: 0, published: 4 },
        { at: "2026-01-03T00:00:00Z", score: 50, verdict: "ship", ship: 4, skip: 0, published: 4 },
        { at: "2026-01-05T00:00:00Z", score: 0, verdict: "skip", ship: 0, skip: 4, published: 4 },
      ],
      { width: 120, height: 60, pad: 10 },
    );
    expect(g.dots).toEqual([
      { x: 10, y: 10 },
      { x: 60, y: 30 },
      { x: 110, y: 50 },
    ]);
    expect(g.line).toBe("10,10 60,30 110,50");
  });

  it("centres a single instant", () => {
    const g = timelineGeometry(
      [{ at: "2026-01-01T00:00:00Z", score: 75, verdict: "ship", ship: 4, skip: 0, published: 4 }],
      { width: 100, height: 50, pad: 5 },
    );
    expect(g.dots).toEqual([{ x: 50, y: 15 }]);
  });
});
