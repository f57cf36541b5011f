import { describe, expect, it } from "vitest";
import type { Persona, Verdict } from "./catalog-schema.ts";
import {
  type FuturistRevision,
  isOutcome,
  isPastDue,
  predictionsFrom,
  type ResolvedPrediction,
  shareLabel,
  trackRecords,
  utcDay,
  type VerdictRevision,
  verdictAt,
} from "./predictions.ts";

let nextId = 1;
function rev(
  toolId: number,
  revision: number,
  thesis: string | null,
  thesisDate: string | null,
  publishedAt = `2026-0${revision}-01T09:00:00.000Z`,
): FuturistRevision {
  return { id: nextId++, toolId, revision, thesis, thesisDate, publishedAt };
}

describe("predictionsFrom", () => {
  it("keeps one prediction when a revision repeats the thesis and only edits other answers", () => {
    const first = rev(1, 1, "By 2027, half of X will use Y.", "2027-06-30");
    const second = rev(1, 2, "By 2027, half of X will use Y.", "2027-06-30");
    const third = rev(1, 3, "  By 2027,  half of X\nwill use Y. ", "2027-06-30");
    const out = predictionsFrom([third, first, second]);
    expect(out).toEqual([
      {
        revisionId: first.id,
        toolId: 1,
        thesis: "By 2027, half of X will use Y.",
        thesisDate: "2027-06-30",
        statedAt: first.publishedAt,
        current: true,
      },
    ]);
  });

  it("starts a new prediction when the text changes, and another when only the date changes", () => {
    const a = rev(1, 1, "Thesis A", "2026-06-30");
    const b = rev(1, 2, "Thesis B", "2026-06-30");
    const c = rev(1, 3, "Thesis B", "2026-12-31");
    const out = predictionsFrom([a, b, c]);
    expect(out.map((p) => [p.revisionId, p.thesis, p.thesisDate, p.current])).toEqual([
      [a.id, "Thesis A", "2026-06-30", false],
      [b.id, "Thesis B", "2026-06-30", false],
      [c.id, "Thesis B", "2026-12-31", true],
    ]);
  });

  it("compares each revision with the previous one of the same tool only", () => {
    const one = rev(1, 1, "Same words", "2027-01-31");
    const two = rev(2, 1, "Same words", "2027-01-31");
    const back = rev(1, 2, "Other words", "2027-01-31");
    const again = rev(1, 3, "Same words", "2027-01-31");
    const out = predictionsFrom([one, two, back, again]);
    expect(out.map((p) => p.revisionId)).toEqual([one.id, back.id, again.id, two.id]);
    expect(out.filter((p) => p.current).map((p) => p.revisionId)).toEqual([again.id, two.id]);
  });

  it("skips revisions that state no thesis or no date", () => {
    const none = rev(3, 1, null, null);
    const empty = rev(3, 2, "   ", "2027-01-31");
    const stated = rev(3, 3, "Now a thesis", "2027-01-31");
    expect(predictionsFrom([none, empty, stated]).map((p) => p.revisionId)).toEqual([stated.id]);
  });
});

describe("isPastDue", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");

  it("is past due only once the date is before today (UTC)", () => {
    expect(isPastDue("2026-11-23", now)).toBe(true);
    expect(isPastDue("2026-11-24", now)).toBe(false);
    expect(isPastDue("2026-11-25", now)).toBe(false);
    expect(isPastDue("2026-06-30", now)).toBe(true);
  });

  it("turns over at midnight UTC, whatever the local time zone", () => {
    expect(utcDay(Date.parse("2026-11-24T23:59:59.999Z"))).toBe("2026-11-24");
    expect(isPastDue("2026-11-24", Date.parse("2026-11-24T23:59:59.999Z"))).toBe(false);
    expect(isPastDue("2026-11-24", Date.parse("2026-11-25T00:00:00.000Z"))).toBe(true);
    expect(isPastDue("2026-11-24", Date.parse("2026-11-25T01:00:00+02:00"))).toBe(false);
  });
});

function verdictRev(
  toolId: number,
  persona: Persona,
  revision: number,
  verdict: Verdict,
  publishedAt: string,
): VerdictRevision {
  return { toolId, persona, revision, verdict, publishedAt };
}

describe("verdictAt", () => {
  const revisions = [
    verdictRev(1, "builder", 1, "skip", "2026-01-01T09:00:00.000Z"),
    verdictRev(1, "builder", 2, "ship", "2026-03-01T09:00:00.000Z"),
    verdictRev(1, "builder", 3, "skip", "2026-05-01T09:00:00.000Z"),
    verdictRev(2, "builder", 1, "ship", "2026-01-01T09:00:00.000Z"),
    verdictRev(1, "skeptic", 1, "ship", "2026-04-01T09:00:00.000Z"),
  ];

  it("reads the latest revision published at or before the moment", () => {
    expect(verdictAt(revisions, 1, "builder", "2026-02-15T00:00:00.000Z")).toBe("skip");
    expect(verdictAt(revisions, 1, "builder", "2026-03-01T09:00:00.000Z")).toBe("ship");
    expect(verdictAt(revisions, 1, "builder", "2026-04-30T23:59:59.000Z")).toBe("ship");
    expect(verdictAt(revisions, 1, "builder", "2026-12-01T00:00:00.000Z")).toBe("skip");
  });

  it("has no verdict before the persona's first review of that tool", () => {
    expect(verdictAt(revisions, 1, "skeptic", "2026-03-31T00:00:00.000Z")).toBeUndefined();
    expect(verdictAt(revisions, 1, "founder", "2026-12-01T00:00:00.000Z")).toBeUndefined();
    expect(verdictAt(revisions, 3, "builder", "2026-12-01T00:00:00.000Z")).toBeUndefined();
  });
});

describe("trackRecords", () => {
  const at = "2026-02-01T09:00:00.000Z";
  const panel = (toolId: number, verdicts: Record<Persona, Verdict>) =>
    Object.entries(verdicts).map(([persona, verdict]) =>
      verdictRev(toolId, persona as Persona, 1, verdict, at),
    );

  it("has no rates when nothing is resolved", () => {
    const r = trackRecords(
      [],
      panel(1, { builder: "ship", skeptic: "ship", futurist: "ship", founder: "ship" }),
    );
    expect(r.futurist).toEqual({ held: 0, failed: 0, unclear: 0, decided: 0, hitRate: null });
    expect(r.personas.map((p) => [p.persona, p.agreed, p.judged, p.rate])).toEqual([
      ["builder", 0, 0, null],
      ["skeptic", 0, 0, null],
      ["futurist", 0, 0, null],
      ["founder", 0, 0, null],
    ]);
  });

  it("counts held against failed for the hit rate, and unclear for nobody", () => {
    const verdicts = [
      ...panel(1, { builder: "ship", skeptic: "skip", futurist: "ship", founder: "ship" }),
      ...panel(2, { builder: "ship", skeptic: "skip", futurist: "skip", founder: "skip" }),
      ...panel(3, { builder: "skip", skeptic: "skip", futurist: "ship", founder: "skip" }),
    ];
    const resolved: ResolvedPrediction[] = [
      { toolId: 1, statedAt: at, outcome: "held" },
      { toolId: 2, statedAt: at, outcome: "failed" },
      { toolId: 3, statedAt: at, outcome: "unclear" },
    ];
    const r = trackRecords(resolved, verdicts);
    expect(r.futurist).toEqual({ held: 1, failed: 1, unclear: 1, decided: 2, hitRate: 0.5 });
    const byPersona = Object.fromEntries(r.personas.map((p) => [p.persona, [p.agreed, p.judged]]));
    // tool 1 held: ship agrees; tool 2 failed: skip agrees; tool 3 unclear: counts for nobody
    expect(byPersona).toEqual({
      builder: [1, 2],
      skeptic: [1, 2],
      futurist: [2, 2],
      founder: [2, 2],
    });
  });

  it("gives a hit rate of 0 when every decided thesis failed, not null", () => {
    const r = trackRecords(
      [
        { toolId: 1, statedAt: at, outcome: "failed" },
        { toolId: 1, statedAt: at, outcome: "unclear" },
      ],
      [],
    );
    expect(r.futurist.hitRate).toBe(0);
    expect(r.futurist.decided).toBe(1);
  });

  it("reads each persona's verdict as it stood when the thesis was made", () => {
    const verdicts = [
      verdictRev(1, "builder", 1, "skip", "2026-01-01T09:00:00.000Z"),
      // the builder changes its mind after the thesis: that must not count
      verdictRev(1, "builder", 2, "ship", "2026-06-01T09:00:00.000Z"),
      // the skeptic reviews only after the thesis: left out
      verdictRev(1, "skeptic", 1, "ship", "2026-06-01T09:00:00.000Z"),
      verdictRev(1, "futurist", 1, "ship", "2026-03-01T09:00:00.000Z"),
    ];
    const r = trackRecords([{ toolId: 1, statedAt: "2026-03-01T09:00:00.000Z", outcome: "held" }], verdicts);
    const byPersona = Object.fromEntries(r.personas.map((p) => [p.persona, [p.agreed, p.judged]]));
    expect(byPersona).toEqual({ builder: [0, 1], skeptic: [0, 0], futurist: [1, 1], founder: [0, 0] });
  });
});

describe("labels and outcomes", () => {
  it("always shows a share with its counts", () => {
    expect(shareLabel(3, 4)).toBe("3 of 4 (75%)");
    expect(shareLabel(2, 3)).toBe("2 of 3 (67%)");
    expect(shareLabel(0, 2)).toBe("0 of 2 (0%)");
    expect(shareLabel(0, 0)).toBeNull();
  });

  it("knows the three outcomes and nothing else", () => {
    expect(isOutcome("held")).toBe(true);
    expect(isOutcome("unclear")).toBe(true);
    expect(isOutcome("Held")).toBe(false);
    expect(isOutcome("")).toBe(false);
  });
});
