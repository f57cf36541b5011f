/** Community vote figures and their ranking by the Wilson lower bound (docs/product.md). */

/** A reader's vote on a tool; a withdrawn vote is no value at all. */
export const VOTE_VALUES = ["ship", "skip"] as const;
export type VoteValue = (typeof VOTE_VALUES)[number];

export interface CommunitySummary {
  ship: number;
  skip: number;
  total: number;
  shipPercent: number | null;
  /** Lower bound of the 95% Wilson score interval for the ship share; 0 with no votes. */
  wilsonLower: number;
}

const Z95 = 1.959963984540054;

/** Lower bound of the Wilson score interval for `positive` successes out of `total`. */
export function wilsonLowerBound(positive: number, total: number, z = Z95): number {
  if (total <= 0) return 0;
  const p = positive / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const margin = z * Math.sqrt((p * (1 - p) + z2 / (4 * total)) / total);
  return Math.max(0, (centre - margin) / (1 + z2 / total));
}

/** round(100 × part / total), or null when there is nothing to share out: every "x% ship" on the site. */
export function sharePercent(part: number, total: number): number | null {
  return total === 0 ? null : Math.round((100 * part) / total);
}

/** Sums up a tool's community votes. */
export function summarizeCommunity(ship: number, skip: number): CommunitySummary {
  const total = ship + skip;
  return {
    ship,
    skip,
    total,
    shipPercent: sharePercent(ship, total),
    wilsonLower: wilsonLowerBound(ship, total),
  };
}

/** "64% ship · 25 votes", or "No community votes yet". */
export function communityLabel(c: CommunitySummary): string {
  if (c.total === 0) return "No community votes yet";
  return `${c.shipPercent}% ship · ${c.total} ${c.total === 1 ? "vote" : "votes"}`;
}
