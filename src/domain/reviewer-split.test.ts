import { describe, expect, it } from "vitest";
import { reviewerSplit } from "./reviewer-split.ts";

const panel = (
  b: number,
  s: number,
  f: number,
  o: number,
  verdicts: ("ship" | "skip")[] = ["ship", "ship", "ship", "ship"],
) => ({
  builder: { score: b, verdict: verdicts[0] ?? "ship" },
  skeptic: { score: s, verdict: verdicts[1] ?? "ship" },
  futurist: { score: f, verdict: verdicts[2] ?? "ship" },
  founder: { score: o, verdict: verdicts[3] ?? "ship" },
});

describe("reviewerSplit", () => {
  it("sums up the reference pair", () => {
    const split = reviewerSplit(
      { name: "Gemini", reviews: panel(82, 76, 84, 78) },
      { name: "SmolVLM2", reviews: panel(85, 78, 82, 72) },
    );
    expect(split.rows.map((r) => r.diff)).toEqual([-3, -2, 2, 6]);
    expect(split.line).toBe(
      "Futurist +2 and Founder +6 lean Gemini; Builder +3 and Skeptic +2 lean SmolVLM2; every persona gives both the same verdict.",
    );
  });

  it("names the personas whose verdicts differ and the level ones", () => {
    const split = reviewerSplit(
      { name: "A", reviews: panel(70, 40, 50, 50, ["ship", "skip", "ship", "ship"]) },
      { name: "B", reviews: panel(60, 70, 50, 50, ["ship", "ship", "ship", "ship"]) },
    );
    expect(split.rows.find((r) => r.persona === "skeptic")?.verdictsDiffer).toBe(true);
    expect(split.line).toContain("Futurist and Founder score them level");
    expect(split.line).toContain("Skeptic gives them different verdicts");
  });

  it("handles missing reviews", () => {
    expect(reviewerSplit({ name: "A", reviews: {} }, { name: "B", reviews: panel(1, 2, 3, 4) }).line).toBe(
      "No persona has reviewed both tools yet.",
    );
    const partial = reviewerSplit(
      { name: "A", reviews: { builder: { score: 100, verdict: "ship" } } },
      { name: "B", reviews: panel(0, 2, 3, 4) },
    );
    expect(partial.line).toBe(
      "Builder +100 leans A; every persona gives both the same verdict (3 of 4 personas not yet on both).",
    );
  });
});
