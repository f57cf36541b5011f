import { describe, expect, it } from "vitest";
import {
  badgeText,
  type FeedRevision,
  newestEvents,
  panelEvents,
  parseBadgeSize,
  pricingEvent,
  reviewEvents,
  toolEvents,
  verdictEvents,
} from "./syndication.ts";

const TOOL = { id: 7, slug: "cursor", name: "Cursor" };
const T0 = "2027-01-01T09:00:00.000Z";
const T1 = "2027-02-01T09:00:00.000Z";
const T2 = "2027-03-01T09:00:00.000Z";

let nextId = 1;
function rev(
  persona: FeedRevision["persona"],
  revision: number,
  verdict: "ship" | "skip",
  score: number,
  at: string,
) {
  return {
    id: nextId++,
    persona,
    revision,
    verdict,
    score,
    summary: `${persona} ${revision}`,
    publishedAt: at,
  };
}

/** A full panel at T0 (3 ship, 1 skip), then the Skeptic turning skip → ship at T1, then the Builder and Founder turning skip at T2. */
const HISTORY: FeedRevision[] = [
  rev("builder", 1, "ship", 80, T0),
  rev("skeptic", 1, "skip", 58, T0),
  rev("futurist", 1, "ship", 70, T0),
  rev("founder", 1, "ship", 75, T0),
  rev("skeptic", 2, "ship", 61, T1),
  rev("builder", 2, "skip", 40, T2),
  rev("founder", 2, "skip", 45, T2),
];

describe("badge words", () => {
  it("says the verdict and the rounded panel score", () => {
    expect(badgeText({ verdict: "ship", score: 81.6, published: 4 })).toEqual({
      label: "ship or skip",
      message: "ship · 82",
      tone: "ship",
    });
    expect(badgeText({ verdict: "split", score: 55, published: 4 }).message).toBe("split · 55");
    expect(badgeText({ verdict: "in-progress", score: 60, published: 2 })).toMatchObject({
      message: "in progress · 2/4",
      tone: "pending",
    });
  });

  it("reads the size parameter strictly", () => {
    expect(parseBadgeSize(undefined)).toBe("small");
    expect(parseBadgeSize("large")).toBe("large");
    expect(parseBadgeSize("huge")).toBeUndefined();
  });
});

describe("feed events", () => {
  it("names a first review, a changed verdict and a kept one in plain words", () => {
    const titles = reviewEvents(TOOL, HISTORY).map((e) => e.title);
    expect(titles).toContain("Cursor: Skeptic says skip (58)");
    expect(titles).toContain("Cursor: Skeptic now says ship (61), was skip");
    expect(titles).toContain("Cursor: Builder now says skip (40), was ship");
    const kept = reviewEvents(TOOL, [rev("founder", 1, "ship", 70, T0), rev("founder", 2, "ship", 74, T1)]);
    expect(kept.map((e) => e.title)).toContain("Cursor: Founder revised the review, still ship (74, was 70)");
  });

  it("reports the panel's verdict when it appears and each time it changes, not while it holds", () => {
    const events = panelEvents(TOOL, HISTORY);
    // T0: ship (3/1); T1: ship (4/0) holds; T2: 2 ship / 2 skip is a split
    expect(events.map((e) => [e.at, e.title])).toEqual([
      [T0, "Cursor: the panel says ship (71)"],
      [T2, "Cursor: the panel is now split (54), was ship"],
    ]);
    // an incomplete panel has no verdict to report
    expect(panelEvents(TOOL, HISTORY.slice(0, 3))).toEqual([]);
  });

  it("keeps the site feed to verdicts, and gives every event a stable, unique key", () => {
    const site = verdictEvents(TOOL, HISTORY);
    expect(site.every((e) => e.kind === "panel" || e.kind === "verdict-change")).toBe(true);
    const all = toolEvents(TOOL, HISTORY, []);
    expect(new Set(all.map((e) => e.key)).size).toBe(all.length);
    expect(toolEvents(TOOL, HISTORY, []).map((e) => e.key)).toEqual(all.map((e) => e.key));
  });

  it("turns a pricing edit into an entry, but not a mere re-check of the date", () => {
    const event = pricingEvent(TOOL, {
      id: 12,
      at: T1,
      changes: [
        { field: "entry", before: "$20/mo", after: "$40/mo" },
        { field: "freeTier", before: true, after: false },
        { field: "units", before: [], after: [{ label: "x", usd: 1, unit: "call" }] },
        { field: "asOf", before: "2027-01-01", after: "2027-02-01" },
      ],
    });
    expect(event?.title).toBe("Cursor: entry price now $40/mo, was $20/mo");
    expect(event?.summary).toBe(
      "Entry price: $20/mo → $40/mo; free tier: yes → no; unit prices changed; date checked: 2027-01-01 → 2027-02-01.",
    );
    expect(event?.key).toBe("catalog-edit/12");
    expect(
      pricingEvent(TOOL, { id: 13, at: T1, changes: [{ field: "asOf", after: "2027-03-01" }] }),
    ).toBeUndefined();
    expect(pricingEvent(TOOL, { id: 14, at: T1, changes: [{ field: "detail", after: "new" }] })?.title).toBe(
      "Cursor: pricing changed",
    );
  });

  it("orders the newest first, ties by key, and cuts at the limit", () => {
    const events = newestEvents(toolEvents(TOOL, HISTORY, []), 3);
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.at === T2)).toBe(true);
    expect(events[0]?.kind).toBe("panel");
  });
});
