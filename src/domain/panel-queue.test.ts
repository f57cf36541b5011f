import { describe, expect, it } from "vitest";
import type { Persona } from "./catalog-schema.ts";
import { classifyPanel, compareQueueEntries, isStale } from "./panel-queue.ts";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const DAY = 24 * 3600_000;
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

function reviews(entries: [Persona, number][]) {
  return entries.map(([persona, days]) => ({ persona, publishedAt: ago(days) }));
}

describe("classifyPanel", () => {
  it("calls a tool with no published review missing", () => {
    const c = classifyPanel({ reviews: [], now: NOW, staleDays: 180 });
    expect(c).toEqual({ state: "missing", published: 0, stalePersonas: [], oldestAt: null });
  });

  it("calls one to three published personas partial, and still marks the old ones stale", () => {
    for (const n of [1, 2, 3]) {
      const list = reviews(
        (["builder", "skeptic", "futurist"] as const).slice(0, n).map((p) => [p, 10] as [Persona, number]),
      );
      expect(classifyPanel({ reviews: list, now: NOW, staleDays: 180 }).state).toBe("partial");
    }
    const old = classifyPanel({
      reviews: reviews([
        ["builder", 400],
        ["founder", 5],
      ]),
      now: NOW,
      staleDays: 180,
    });
    expect(old.state).toBe("partial");
    expect(old.published).toBe(2);
    expect(old.stalePersonas).toEqual(["builder"]);
    expect(old.oldestAt).toBe(ago(400));
  });

  it("calls a full panel stale when its oldest review is older than the stale age", () => {
    const c = classifyPanel({
      reviews: reviews([
        ["builder", 10],
        ["skeptic", 181],
        ["futurist", 3],
        ["founder", 200],
      ]),
      now: NOW,
      staleDays: 180,
    });
    expect(c.state).toBe("stale");
    expect(c.stalePersonas).toEqual(["skeptic", "founder"]);
    expect(c.oldestAt).toBe(ago(200));
  });

  it("calls a full, fresh panel complete; exactly the stale age is not yet stale", () => {
    const c = classifyPanel({
      reviews: reviews([
        ["builder", 180],
        ["skeptic", 0],
        ["futurist", 90],
        ["founder", 179],
      ]),
      now: NOW,
      staleDays: 180,
    });
    expect(c.state).toBe("complete");
    expect(c.stalePersonas).toEqual([]);
  });

  it("follows the configured stale age", () => {
    const list = reviews([
      ["builder", 40],
      ["skeptic", 1],
      ["futurist", 1],
      ["founder", 1],
    ]);
    expect(classifyPanel({ reviews: list, now: NOW, staleDays: 30 }).state).toBe("stale");
    expect(classifyPanel({ reviews: list, now: NOW, staleDays: 60 }).state).toBe("complete");
  });

  it("counts each persona once and ignores unknown personas", () => {
    const c = classifyPanel({
      reviews: [
        { persona: "builder", publishedAt: ago(300) },
        { persona: "builder", publishedAt: ago(2) },
        { persona: "critic" as Persona, publishedAt: ago(1) },
      ],
      now: NOW,
      staleDays: 180,
    });
    expect(c.published).toBe(1);
    expect(c.stalePersonas).toEqual([]);
  });
});

describe("isStale", () => {
  it("treats an unreadable date as stale, so someone looks", () => {
    expect(isStale("not a date", NOW, 180)).toBe(true);
    expect(isStale(ago(1), NOW, 180)).toBe(false);
  });
});

describe("compareQueueEntries", () => {
  it("orders missing, partial, stale, then the longest-waiting first, then by name", () => {
    const entry = (name: string, list: [Persona, number][]) => ({
      name,
      panel: classifyPanel({ reviews: reviews(list), now: NOW, staleDays: 180 }),
    });
    const full = (days: number): [Persona, number][] => [
      ["builder", days],
      ["skeptic", days],
      ["futurist", days],
      ["founder", days],
    ];
    const sorted = [
      entry("Stale newer", full(200)),
      entry("Partial", [["builder", 1]]),
      entry("Stale older", full(300)),
      entry("beta missing", []),
      entry("Alpha missing", []),
    ].sort(compareQueueEntries);
    expect(sorted.map((e) => e.name)).toEqual([
      "Alpha missing",
      "beta missing",
      "Partial",
      "Stale older",
      "Stale newer",
    ]);
  });
});
