import { describe, expect, it } from "vitest";
import { DISCOUNT_REASONS } from "../../domain/leaderboard/index.ts";
import { discountedPicks, REASON_LABELS } from "./views.tsx";

describe("discounted picks in words", () => {
  it("counts picks, never accounts, with the right plural", () => {
    expect(discountedPicks("waiting-period", 2)).toBe("2 picks from accounts still in their waiting period");
    expect(discountedPicks("waiting-period", 1)).toBe("1 pick from an account still in its waiting period");
    expect(discountedPicks("account-daily-cap", 12)).toBe("12 picks over an account's daily cap");
    expect(discountedPicks("account-daily-cap", 1)).toBe("1 pick over an account's daily cap");
    expect(discountedPicks("flagged-account", 1_200)).toBe(
      "1,200 picks from accounts flagged by the outlier test",
    );
    for (const reason of DISCOUNT_REASONS) {
      expect(discountedPicks(reason, 3)).toMatch(/^3 picks /);
      expect(REASON_LABELS[reason]).toMatch(/^picks /);
    }
  });
});
