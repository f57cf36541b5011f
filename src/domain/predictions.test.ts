import { describe, expect, it } from "vitest";
import type { Persona, Verdict } from "./catalog-schema.ts";
import {
  borneOut,
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
  verdict: Verdict | null = "ship",
): FuturistRevision {
  return { id: nextId++, toolId, revision, thesis, thesisDate, publishedAt, verdict };
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
        verdict: "ship",
      },
    ]);
  });

  it("keeps the verdict of the revision that stated the thesis, even if a later one flips it", () => {
    const stated = rev(1, 1, "By 2027 this is folded into X.", "2027-06-30", undefined, "skip");
    const flipped = rev(1, 2, "By 2027 this is folded into X.", "2027-06-30", undefined, "ship");
    const next = rev(1, 3, "Another thesis", "2027-06-30", undefined, "ship");
    expect(predictionsFrom([stated, flipped, next]).map((p) => [p.revisionId, p.verdict])).toEqual([
      [stated.id, "skip"],
      [next.id, "ship"],
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

describe("borneOut", () => {
  it("bears out the Futurist's verdict when the thesis held, the opposite when it failed", () => {
    expect(borneOut("ship", "held")).toBe("ship");
    expect(borneOut("skip", "held")).toBe("skip");
    expect(borneOut("ship", "failed")).toBe("skip");
    expect(borneOut("skip", "failed")).toBe("ship");
  });

  it("bears out neither when unclear, or when the Futurist's verdict is unknown", () => {
    expect(borneOut("ship", "unclear")).toBeNull();
    expect(borneOut("skip", "unclear")).toBeNull();
    expect(borneOut(null, "held")).toBeNull();
  });
});

describe("trackRecords", () => {
  const at = "2026-02-01T09:00:00.000Z";
  const panel = (toolId: number, verdicts: Record<Persona, Verdict>) =>
    Object.entries(verdicts).map(([persona, verdict]) =>
      verdictRev(toolId, persona as Persona, 1, verdict, at),
    );
  const byPersona = (r: ReturnType<typeof trackRecords>) =>
    Object.fromEntries(r.personas.map((p) => [p.persona, [p.agreed, p.judged]]));

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

  it("on a bullish thesis, credits ship when it held and skip when it failed", () => {
    const verdicts = panel(1, { builder: "ship", skeptic: "skip", futurist: "ship", founder: "ship" });
    const held = trackRecords(
      [{ toolId: 1, statedAt: at, outcome: "held", futuristVerdict: "ship" }],
      verdicts,
    );
    expect(byPersona(held)).toEqual({ builder: [1, 1], skeptic: [0, 1], futurist: [1, 1], founder: [1, 1] });
    const failed = trackRecords(
      [{ toolId: 1, statedAt: at, outcome: "failed", futuristVerdict: "ship" }],
      verdicts,
    );
    expect(byPersona(failed)).toEqual({
      builder: [0, 1],
      skeptic: [1, 1],
      futurist: [0, 1],
      founder: [0, 1],
    });
  });

  it("on a bearish thesis, credits skip when it held and ship when it failed", () => {
    // the Futurist says skip because "by 2027 this gets folded into X"
    const verdicts = panel(1, { builder: "ship", skeptic: "skip", futurist: "skip", founder: "ship" });
    const held = trackRecords(
      [{ toolId: 1, statedAt: at, outcome: "held", futuristVerdict: "skip" }],
      verdicts,
    );
    expect(byPersona(held)).toEqual({ builder: [0, 1], skeptic: [1, 1], futurist: [1, 1], founder: [0, 1] });
    const failed = trackRecords(
      [{ toolId: 1, statedAt: at, outcome: "failed", futuristVerdict: "skip" }],
      verdicts,
    );
    expect(byPersona(failed)).toEqual({
      builder: [1, 1],
      skeptic: [0, 1],
      futurist: [0, 1],
      founder: [1, 1],
    });
  });

  it("counts held against failed for the hit rate, unclear for nobody, and the Futurist's row equals it", () => {
    const verdicts = [
      ...panel(1, { builder: "ship", skeptic: "skip", futurist: "ship", founder: "ship" }),
      ...panel(2, { builder: "ship", skeptic: "skip", futurist: "skip", founder: "skip" }),
      ...panel(3, { builder: "skip", skeptic: "skip", futurist: "ship", founder: "skip" }),
      ...panel(4, { builder: "ship", skeptic: "ship", futurist: "skip", founder: "skip" }),
    ];
    const resolved: ResolvedPrediction[] = [
      // bullish, held: ship borne out
      { toolId: 1, statedAt: at, outcome: "held", futuristVerdict: "ship" },
      // bearish, failed: ship borne out
      { toolId: 2, statedAt: at, outcome: "failed", futuristVerdict: "skip" },
      // unclear: nothing borne out
      { toolId: 3, statedAt: at, outcome: "unclear", futuristVerdict: "ship" },
      // bearish, held: skip borne out
      { toolId: 4, statedAt: at, outcome: "held", futuristVerdict: "skip" },
    ];
    const r = trackRecords(resolved, verdicts);
    expect(r.futurist).toEqual({ held: 2, failed: 1, unclear: 1, decided: 3, hitRate: 2 / 3 });
    expect(byPersona(r)).toEqual({
      builder: [2, 3],
      skeptic: [0, 3],
      futurist: [2, 3],
      founder: [2, 3],
    });
  });

  it("gives a hit rate of 0 when every decided thesis failed, not null", () => {
    const r = trackRecords(
      [
        { toolId: 1, statedAt: at, outcome: "failed", futuristVerdict: "ship" },
        { toolId: 1, statedAt: at, outcome: "unclear", futuristVerdict: "ship" },
      ],
      [],
    );
    expect(r.futurist.hitRate).toBe(0);
    expect(r.futurist.decided).toBe(1);
  });

  it("reads each persona's verdict as it stood when the thesis was made", () => {
    const statedAt = "2026-03-01T09:00:00.000Z";
    const verdicts = [
      verdictRev(1, "builder", 1, "skip", "2026-01-01T09:00:00.000Z"),
      // the builder changes its mind after the thesis: that must not count
      verdictRev(1, "builder", 2, "ship", "2026-06-01T09:00:00.000Z"),
      // the skeptic reviews only after the thesis: left out
      verdictRev(1, "skeptic", 1, "ship", "2026-06-01T09:00:00.000Z"),
      verdictRev(1, "futurist", 1, "ship", statedAt),
      // published in the same instant as the stating revision: the stating one still counts
      verdictRev(1, "futurist", 2, "skip", statedAt),
    ];
    const r = trackRecords([{ toolId: 1, statedAt, outcome: "held", futuristVerdict: "ship" }], verdicts);
    expect(byPersona(r)).toEqual({ builder: [0, 1], skeptic: [0, 0], futurist: [1, 1], founder: [0, 0] });
  });

  it("judges no persona on a thesis whose Futurist verdict is unknown, but still counts its outcome", () => {
    const r = trackRecords(
      [{ toolId: 1, statedAt: at, outcome: "held", futuristVerdict: null }],
      panel(1, { builder: "ship", skeptic: "skip", futurist: "ship", founder: "ship" }),
    );
    expect(r.futurist.held).toBe(1);
    expect(r.personas.every((p) => p.judged === 0)).toBe(true);
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
