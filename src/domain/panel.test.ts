import { describe, expect, it } from "vitest";
import { formatScore, panelShipLabel, panelVerdictLabel, panelVerdictLine, summarizePanel } from "./panel.ts";

const r = (score: number, verdict: "ship" | "skip") => ({ score, verdict });

describe("summarizePanel", () => {
  it("has no figures and is in progress with no reviews", () => {
    const p = summarizePanel([]);
    expect(p).toEqual({
      ship: 0,
      skip: 0,
      published: 0,
      shipPercent: null,
      score: null,
      verdict: "in-progress",
    });
    expect(panelVerdictLabel(p)).toBe("Panel in progress (0/4)");
    expect(panelShipLabel(p)).toBe("No published reviews yet");
  });

  it("stays in progress with a partial panel, but counts what is published", () => {
    const p = summarizePanel([r(80, "ship"), r(40, "skip"), r(70, "ship")]);
    expect(p.verdict).toBe("in-progress");
    expect(panelVerdictLabel(p)).toBe("Panel in progress (3/4)");
    expect(p.shipPercent).toBe(67);
    expect(p.score).toBeCloseTo(63.333, 2);
  });

  it("is Ship when ships outnumber skips", () => {
    const p = summarizePanel([r(82, "ship"), r(76, "ship"), r(84, "ship"), r(78, "ship")]);
    expect(p.verdict).toBe("ship");
    expect(p.score).toBe(80);
    expect(panelVerdictLine(p)).toBe("Ship · 4 ship / 0 skip");
    expect(panelShipLabel(p)).toBe("100% panel ship");
  });

  it("is Split on a two-two tie", () => {
    const p = summarizePanel([r(60, "ship"), r(61, "ship"), r(40, "skip"), r(41, "skip")]);
    expect(p.verdict).toBe("split");
    expect(p.shipPercent).toBe(50);
    expect(panelVerdictLine(p)).toBe("Split · 2 ship / 2 skip");
  });

  it("is Skip when skips outnumber ships, at the score extremes 0 and 100", () => {
    const p = summarizePanel([r(0, "skip"), r(0, "skip"), r(100, "ship"), r(0, "skip")]);
    expect(p.verdict).toBe("skip");
    expect(p.score).toBe(25);
    expect(p.shipPercent).toBe(25);
    expect(summarizePanel([r(100, "ship"), r(100, "ship"), r(100, "ship"), r(100, "ship")]).score).toBe(100);
    expect(summarizePanel([r(0, "skip"), r(0, "skip"), r(0, "skip"), r(0, "skip")]).score).toBe(0);
  });

  it("rounds the ship percentage half up", () => {
    // 1 of 8 = 12.5% → 13
    const reviews = [r(90, "ship"), ...Array.from({ length: 7 }, () => r(10, "skip"))];
    expect(summarizePanel(reviews).shipPercent).toBe(13);
  });
});

describe("formatScore", () => {
  it("shows whole numbers plainly and others to one decimal", () => {
    expect(formatScore(80)).toBe("80");
    expect(formatScore(78.25)).toBe("78.3");
    expect(formatScore(null)).toBe("–");
  });
});
