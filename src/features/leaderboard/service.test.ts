import { describe, expect, it } from "vitest";
import { bestAndWorst } from "./service.ts";

const rec = (slug: string, wins: number, losses: number) => ({ slug, name: slug, wins, losses });

describe("best and worst head-to-heads", () => {
  it("puts a pair with many picks ahead of a perfect record from two", () => {
    const { best, worst } = bestAndWorst([
      rec("lucky", 2, 0),
      rec("solid", 70, 30),
      rec("even", 5, 5),
      rec("unlucky", 0, 2),
      rec("beaten", 20, 80),
    ]);
    expect(best.map((r) => r.slug)).toEqual(["solid", "lucky"]);
    expect(worst.map((r) => r.slug)).toEqual(["beaten", "unlucky"]);
  });

  it("keeps at most three each", () => {
    const many = Array.from({ length: 6 }, (_, i) => rec(`t${i}`, 10 + i, 1));
    expect(bestAndWorst(many).best.map((r) => r.slug)).toEqual(["t5", "t4", "t3"]);
  });
});
