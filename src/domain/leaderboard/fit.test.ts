import { describe, expect, it } from "vitest";
import {
  bootstrapIntervals,
  computeBoard,
  connectedComponents,
  fitBradleyTerry,
  formatRank,
  kendallTau,
  MIN_PICKS,
  RATING_BASE,
  rankWithTies,
  ratingFromStrength,
  seededRandom,
  standingsFromCounts,
  type WinCount,
  winProbability,
} from "./index.ts";
import { simulateWins, spacedStrengths } from "./simulation.ts";

const ids = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("the Bradley–Terry fit on simulated picks", () => {
  // 12 tools spread over 3 natural-log units (about 520 rating points), 5,000 picks on random pairs
  const truth = spacedStrengths(12, 3);
  const tools = [...truth.keys()];

  it("recovers the true order (Kendall τ ≥ 0.9) and centres the ratings on 1000", () => {
    const fit = fitBradleyTerry(tools, simulateWins(truth, 5000, 7));
    expect(fit.converged).toBe(true);
    const fitted = tools.map((id) => fit.ratings.get(id)!);
    expect(kendallTau(fitted, [...truth.values()])).toBeGreaterThanOrEqual(0.9);
    expect(mean(fitted)).toBeCloseTo(RATING_BASE, 6);
  });

  it("gives 95% intervals that contain the true centred rating 90–99% of the time over 100 data sets", () => {
    let inside = 0;
    let total = 0;
    for (let set = 0; set < 100; set++) {
      const wins = simulateWins(truth, 5000, 1000 + set);
      const intervals = bootstrapIntervals(tools, wins, { seed: 5000 + set });
      for (const id of tools) {
        const rating = ratingFromStrength(truth.get(id)!);
        const { lower, upper } = intervals.get(id)!;
        if (lower <= rating && rating <= upper) inside++;
        total++;
      }
    }
    const coverage = inside / total;
    expect(coverage).toBeGreaterThanOrEqual(0.9);
    expect(coverage).toBeLessThanOrEqual(0.99);
  });

  it("is deterministic: the same counts give the same ratings and intervals", () => {
    const wins = simulateWins(truth, 2000, 3);
    const a = standingsFromCounts(tools, wins);
    const b = standingsFromCounts(tools, [...wins].reverse());
    expect(b.entries).toEqual(a.entries);
  });

  it("weights popular pairs down when asked, and only then", () => {
    // one pair picked 1,000 times drowns the rest unless weighted
    const wins: WinCount[] = [
      { winner: 1, loser: 2, count: 600 },
      { winner: 2, loser: 1, count: 400 },
      { winner: 2, loser: 3, count: 10 },
      { winner: 3, loser: 2, count: 2 },
      { winner: 3, loser: 1, count: 18 },
      { winner: 1, loser: 3, count: 2 },
    ];
    const plain = fitBradleyTerry([1, 2, 3], wins);
    const weighted = fitBradleyTerry([1, 2, 3], wins, { weighting: "inverse-pair-frequency" });
    // pair totals 1,000, 12 and 20: the median is 20, so the popular pair weighs 20/1,000
    const scaled = fitBradleyTerry(
      [1, 2, 3],
      wins.map((w) => (w.winner + w.loser === 3 ? { ...w, count: (w.count * 20) / 1000 } : w)),
    );
    for (const id of [1, 2, 3]) expect(weighted.ratings.get(id)).toBeCloseTo(scaled.ratings.get(id)!, 6);
    expect(weighted.ratings.get(1)).not.toBeCloseTo(plain.ratings.get(1)!, 0);
  });
});

describe("the worked example of the decision record", () => {
  // A beats B 3–1, B and C split 2–2, A beats C 2–0
  const wins: WinCount[] = [
    { winner: 1, loser: 2, count: 3 },
    { winner: 2, loser: 1, count: 1 },
    { winner: 2, loser: 3, count: 2 },
    { winner: 3, loser: 2, count: 2 },
    { winner: 1, loser: 3, count: 2 },
  ];

  it("rates A 1178.1, B 933.1, C 888.8", () => {
    const fit = fitBradleyTerry([1, 2, 3], wins);
    expect(fit.ratings.get(1)).toBeCloseTo(1178.1, 1);
    expect(fit.ratings.get(2)).toBeCloseTo(933.1, 1);
    expect(fit.ratings.get(3)).toBeCloseTo(888.8, 1);
  });

  it("satisfies the optimality condition: wins − expected wins = λ·θ for every tool", () => {
    const fit = fitBradleyTerry([1, 2, 3], wins);
    const r = (id: number) => fit.ratings.get(id)!;
    const expectedA = 4 * winProbability(r(1), r(2)) + 2 * winProbability(r(1), r(3));
    expect(5 - expectedA).toBeCloseTo(0.1 * fit.strengths.get(1)!, 8);
  });
});

describe("edge cases", () => {
  it("no picks: every tool at 1000, provisional, no component", () => {
    const s = standingsFromCounts([1, 2, 3], []);
    expect(s.entries).toEqual([]);
    expect(s.provisional.map((e) => e.rating)).toEqual([1000, 1000, 1000]);
    expect(s.provisional.every((e) => e.winRate === null && e.component === null)).toBe(true);
    expect(s.components).toEqual([]);
    expect(s.connected).toBe(true);
  });

  it("one pick: the winner above the loser, finite, both provisional", () => {
    const s = standingsFromCounts([1, 2], [{ winner: 2, loser: 1, count: 1 }]);
    const [first, second] = s.provisional;
    expect(first!.toolId).toBe(2);
    expect(first!.rating).toBeGreaterThan(second!.rating);
    expect(Number.isFinite(first!.rating)).toBe(true);
    expect(first!.needs).toEqual({ picks: MIN_PICKS - 1, opponents: 0 });
    expect(first!.rating + second!.rating).toBeCloseTo(2000, 6);
  });

  it("a tool that always wins or always loses gets a finite rating and a finite interval of some width", () => {
    const random = seededRandom(4);
    const wins: WinCount[] = [];
    for (const other of [2, 3, 4, 5]) wins.push({ winner: 1, loser: other, count: 20 });
    for (const other of [1, 2, 3, 4]) wins.push({ winner: other, loser: 6, count: 20 });
    for (const [a, b] of [
      [2, 3],
      [3, 4],
      [4, 5],
      [2, 5],
    ] as const) {
      const aWins = 10 + Math.floor(random() * 10);
      wins.push({ winner: a, loser: b, count: aWins }, { winner: b, loser: a, count: 20 - aWins });
    }
    const s = standingsFromCounts(ids(6), wins);
    const all = [...s.entries, ...s.provisional];
    const best = all.find((e) => e.toolId === 1)!;
    const worst = all.find((e) => e.toolId === 6)!;
    for (const e of [best, worst]) {
      expect(Number.isFinite(e.lower) && Number.isFinite(e.upper)).toBe(true);
      expect(e.upper - e.lower).toBeGreaterThan(10);
      expect(e.lower).toBeLessThanOrEqual(e.rating);
      expect(e.upper).toBeGreaterThanOrEqual(e.rating);
    }
    expect(best.rank).toBe(1);
    expect(best.rating).toBeLessThan(2500);
    expect(worst.rating).toBeGreaterThan(-500);
    expect(Math.max(...all.map((e) => e.rating))).toBe(best.rating);
    expect(Math.min(...all.map((e) => e.rating))).toBe(worst.rating);
  });

  it("ties in counts: identical records give identical ratings and a shared rank", () => {
    const wins: WinCount[] = [
      { winner: 1, loser: 3, count: 30 },
      { winner: 3, loser: 1, count: 10 },
      { winner: 2, loser: 3, count: 30 },
      { winner: 3, loser: 2, count: 10 },
      { winner: 1, loser: 2, count: 20 },
      { winner: 2, loser: 1, count: 20 },
    ];
    const s = standingsFromCounts([1, 2, 3], wins, { minOpponents: 2 });
    const [a, b, c] = s.entries;
    expect(a!.rating).toBeCloseTo(b!.rating, 9);
    expect([a!.rank, b!.rank]).toEqual([1, 1]);
    expect(a!.tied && b!.tied).toBe(true);
    expect(c!.toolId).toBe(3);
  });

  it("a disconnected graph: components found, ranks within the largest, the rest listed apart, each centred", () => {
    const wins: WinCount[] = [
      ...[
        [1, 2],
        [2, 3],
        [1, 3],
      ].flatMap(([a, b]) => [
        { winner: a!, loser: b!, count: 30 },
        { winner: b!, loser: a!, count: 20 },
      ]),
      { winner: 4, loser: 5, count: 40 },
      { winner: 5, loser: 4, count: 20 },
    ];
    expect(connectedComponents(ids(6), wins)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    const s = standingsFromCounts(ids(6), wins, { minOpponents: 1 });
    expect(s.connected).toBe(false);
    expect(s.components.map((c) => c.toolIds)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(s.components.map((c) => c.picks)).toEqual([150, 60]);
    expect(s.entries.map((e) => e.toolId)).toEqual([1, 2, 3]);
    expect(s.separate.map((e) => [e.toolId, e.component, e.rank])).toEqual([
      [4, 1, 1],
      [5, 1, 2],
    ]);
    expect(mean(s.entries.map((e) => e.rating))).toBeCloseTo(1000, 6);
    expect(mean(s.separate.map((e) => e.rating))).toBeCloseTo(1000, 6);
    // tool 6 has no picks: provisional, in no component
    expect(s.provisional.map((e) => [e.toolId, e.component])).toEqual([[6, null]]);
  });

  it("a category of two tools: one opponent is enough, and the board ranks them", () => {
    const board = computeBoard({
      tools: [10, 20],
      picks: [],
      accounts: [],
      now: "2026-12-07T00:00:00.000Z",
    });
    expect(board.provisional.map((e) => e.needs.opponents)).toEqual([1, 1]);
    const s = standingsFromCounts(
      [10, 20],
      [
        { winner: 10, loser: 20, count: 45 },
        { winner: 20, loser: 10, count: 15 },
      ],
    );
    expect(s.provisional).toEqual([]);
    expect(s.entries.map((e) => [e.toolId, e.rank, e.tied])).toEqual([
      [10, 1, false],
      [20, 2, false],
    ]);
  });
});

describe("ranks with ties", () => {
  it("counts only the tools whose lower bound clears this tool's upper bound", () => {
    const ranks = rankWithTies([
      { toolId: 1, rating: 1150, lower: 1100, upper: 1200 },
      { toolId: 2, rating: 1100, lower: 1050, upper: 1150 },
      { toolId: 3, rating: 950, lower: 900, upper: 1000 },
      { toolId: 4, rating: 800, lower: 700, upper: 1060 },
    ]);
    expect(ranks.get(1)).toEqual({ rank: 1, tied: true });
    expect(ranks.get(2)).toEqual({ rank: 1, tied: true });
    expect(ranks.get(3)).toEqual({ rank: 3, tied: false });
    expect(ranks.get(4)).toEqual({ rank: 2, tied: false });
    expect(formatRank(ranks.get(1)!)).toBe("=1");
    expect(formatRank(ranks.get(3)!)).toBe("3");
  });
});

describe("Kendall's τ", () => {
  it("is 1 for the same order, −1 for the reverse, and handles ties", () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(kendallTau([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 9);
    expect(kendallTau([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 9);
  });
});
