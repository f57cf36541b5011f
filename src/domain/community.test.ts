import { describe, expect, it } from "vitest";
import { communityLabel, summarizeCommunity, wilsonLowerBound } from "./community.ts";

describe("community figures", () => {
  it("says so when nobody has voted", () => {
    const c = summarizeCommunity(0, 0);
    expect(communityLabel(c)).toBe("No community votes yet");
    expect(c.shipPercent).toBeNull();
    expect(c.wilsonLower).toBe(0);
  });

  it("shows the ship share and the count", () => {
    expect(communityLabel(summarizeCommunity(16, 9))).toBe("64% ship · 25 votes");
    expect(communityLabel(summarizeCommunity(1, 0))).toBe("100% ship · 1 vote");
  });

  it("ranks a large, slightly lower share above a tiny perfect one", () => {
    expect(wilsonLowerBound(90, 100)).toBeGreaterThan(wilsonLowerBound(5, 5));
  });

  it("matches the textbook Wilson lower bound", () => {
    // 8 of 10 at 95%: 0.4902
    expect(wilsonLowerBound(8, 10)).toBeCloseTo(0.4902, 3);
    expect(wilsonLowerBound(0, 10)).toBe(0);
    expect(wilsonLowerBound(10, 10)).toBeLessThan(1);
  });
});
