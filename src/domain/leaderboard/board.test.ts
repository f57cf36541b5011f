import { describe, expect, it } from "vitest";
import {
  ACCOUNT_DAILY_CAP,
  type Board,
  computeBoard,
  consensusThreshold,
  liftThreshold,
  NETWORK_DAILY_CAP,
  type PickInput,
  screenPicks,
  standingsFromCounts,
  testAccount,
  WAITING_PERIOD_HOURS,
} from "./index.ts";
import { honestPopulation, type Population, riggingRing, spacedStrengths } from "./simulation.ts";

const NOW = "2026-12-07T12:00:00.000Z";
const HOUR = 3_600_000;

/** All 66 pairs of 12 tools, for picks that must be on distinct pairs. */
const PAIRS: [number, number][] = [];
for (let a = 1; a <= 12; a++) for (let b = a + 1; b <= 12; b++) PAIRS.push([a, b]);

function pick(userId: number, pair: [number, number], at: string, network: string | null): PickInput {
  return {
    userId,
    lowToolId: pair[0],
    highToolId: pair[1],
    winnerToolId: pair[0],
    createdAt: at,
    updatedAt: at,
    network,
  };
}

const minutesAfter = (start: string, minutes: number) =>
  new Date(Date.parse(start) + minutes * 60_000).toISOString();

describe("daily caps", () => {
  const old = { createdAt: "2026-01-01T00:00:00.000Z" };

  it("discounts an account's picks beyond its daily cap, in time order, and starts again the next day", () => {
    const picks = PAIRS.slice(0, ACCOUNT_DAILY_CAP + 5).map((pair, k) =>
      pick(1, pair, minutesAfter("2026-12-05T08:00:00.000Z", k), "net-a"),
    );
    picks.push(pick(1, PAIRS[60]!, "2026-12-06T08:00:00.000Z", "net-a"));
    const reasons = screenPicks([...picks].reverse(), [{ id: 1, ...old }], new Map(), NOW).reverse();
    expect(reasons.slice(0, ACCOUNT_DAILY_CAP).every((r) => r === null)).toBe(true);
    expect(reasons.slice(ACCOUNT_DAILY_CAP, ACCOUNT_DAILY_CAP + 5)).toEqual(
      Array(5).fill("account-daily-cap"),
    );
    expect(reasons.at(-1)).toBe(null);
  });

  it("counts a category board's cap over all of the account's picks that day", () => {
    // 30 picks outside tools 11–12 first, then one between them: capped on the category board too
    const picks = PAIRS.filter(([a, b]) => !(a === 11 && b === 12))
      .slice(0, ACCOUNT_DAILY_CAP)
      .map((pair, k) => pick(1, pair, minutesAfter("2026-12-05T08:00:00.000Z", k), null));
    picks.push(pick(1, [11, 12], "2026-12-05T20:00:00.000Z", null));
    const b = computeBoard({
      tools: [11, 12],
      picks,
      accounts: [{ id: 1, ...old }],
      now: NOW,
      options: { rounds: 5 },
    });
    expect(b.outcomes.map((o) => o.reason)).toEqual(["account-daily-cap"]);
  });

  it("discounts a network's picks beyond its daily cap; picks without a network are not capped by network", () => {
    const accounts = Array.from({ length: 6 }, (_, k) => ({ id: k + 1, ...old }));
    const picks: PickInput[] = [];
    // six accounts, 25 picks each, all on one network the same day: 150 > NETWORK_DAILY_CAP
    for (let k = 0; k < 25; k++) {
      for (const a of accounts)
        picks.push(pick(a.id, PAIRS[k]!, minutesAfter("2026-12-05T08:00:00.000Z", k * 6 + a.id), "office"));
    }
    for (let k = 0; k < 25; k++)
      picks.push(pick(7, PAIRS[k]!, minutesAfter("2026-12-05T08:00:00.000Z", k), null));
    const board = computeBoard({
      tools: Array.from({ length: 12 }, (_, k) => k + 1),
      picks,
      accounts: [...accounts, { id: 7, ...old }],
      now: NOW,
      options: { rounds: 10 },
    });
    expect(board.discounted["network-daily-cap"]).toBe(150 - NETWORK_DAILY_CAP);
    expect(board.discounted["account-daily-cap"]).toBe(0);
    // the picks were made in input order, so the last ones of the day are the ones discounted
    const capped = board.outcomes.flatMap((o, k) => (o.reason === "network-daily-cap" ? [k] : []));
    expect(capped).toEqual(Array.from({ length: 150 - NETWORK_DAILY_CAP }, (_, k) => NETWORK_DAILY_CAP + k));
    expect(board.outcomes.filter((o) => o.userId === 7).every((o) => o.counted)).toBe(true);
    expect(board.counted + Object.values(board.discounted).reduce((a, b) => a + b, 0)).toBe(picks.length);
  });
});

describe("the waiting period and moderator decisions", () => {
  const picks = [pick(1, [1, 2], "2026-12-07T10:00:00.000Z", null)];
  const accounts = [{ id: 1, createdAt: "2026-12-07T09:00:00.000Z" }];

  it("counts a new account's picks only once it is older than the waiting period at recompute time", () => {
    expect(screenPicks(picks, accounts, new Map(), NOW)).toEqual(["waiting-period"]);
    const later = new Date(Date.parse(accounts[0]!.createdAt) + WAITING_PERIOD_HOURS * HOUR).toISOString();
    expect(screenPicks(picks, accounts, new Map(), later)).toEqual([null]);
    // an account the caller does not know is treated as new
    expect(screenPicks(picks, [], new Map(), later)).toEqual(["waiting-period"]);
  });

  it("always discounts a confirmed account and lists it with the moderator's rule", () => {
    const board = computeBoard({
      tools: [1, 2],
      picks,
      accounts: [{ id: 1, createdAt: "2026-01-01T00:00:00.000Z" }],
      decisions: new Map([[1, "confirmed"]]),
      now: NOW,
    });
    expect(board.outcomes[0]).toMatchObject({ counted: false, reason: "flagged-account", day: "2026-12-07" });
    expect(board.flags.map((f) => [f.userId, f.rules, f.pass])).toEqual([[1, ["moderator-confirmed"], 0]]);
  });
});

describe("the outlier tests on one account", () => {
  // 12 tools 0.3 apart (natural log), tool 1 strongest
  const model = new Map(Array.from({ length: 12 }, (_, k) => [k + 1, 1.65 - 0.3 * k] as [number, number]));

  it("leaves an account alone that picks the favourite", () => {
    const picks = PAIRS.slice(0, 20).map(([a, b]) => ({ winner: a, loser: b }));
    const test = testAccount(picks, model);
    expect(test.rules).toEqual([]);
    expect(test.evidence.underdogPicks).toBe(0);
    expect(test.evidence.againstConsensusLlr).toBeLessThan(0);
  });

  it("catches a lift that mostly agrees with the consensus: the target beating weaker tools, its betters losing", () => {
    // tool 6 beats all eleven others (the favourite against six of them), and three pairs
    // without it have a tool above 6 lose to one below: 14 picks, fewer than half underdog picks
    const picks = [
      ...[1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12].map((loser) => ({ winner: 6, loser })),
      { winner: 7, loser: 5 },
      { winner: 7, loser: 4 },
      { winner: 8, loser: 5 },
    ];
    const test = testAccount(picks, model);
    expect(test.evidence.againstConsensusLlr).toBeLessThan(consensusThreshold());
    expect(test.rules).toEqual(["lifts-one-tool"]);
    expect(test.evidence.lift).toMatchObject({ toolId: 6, helpfulPicks: 14 });
    expect(test.evidence.lift!.llr).toBeGreaterThanOrEqual(liftThreshold(12));
    // with two fewer picks the evidence is not enough: the tests need a dozen-odd picks
    expect(testAccount(picks.slice(0, 12), model).rules).toEqual([]);
  });
});

describe("rigging for a mid-table tool", () => {
  // 12 tools over ~520 rating points; 400 honest readers with 12 picks each; a ring of 30 new
  // accounts making 10 picks each for tool 7 (seventh of twelve): it beats its betters, and its
  // betters lose to tools below it.
  const truth = spacedStrengths(12, 3);
  const tools = [...truth.keys()];
  const TARGET = 7;
  const honest = honestPopulation(truth, 400, 12, NOW, 11);
  const options = { rounds: 50 };

  function board(ring: Population | null, integrity = true, now = NOW): Board {
    return computeBoard({
      tools,
      picks: [...honest.picks, ...(ring?.picks ?? [])],
      accounts: [...honest.accounts, ...(ring?.accounts ?? [])],
      now,
      options: { ...options, integrity },
    });
  }
  const place = (b: Board) => b.entries.findIndex((e) => e.toolId === TARGET) + 1;
  const before = place(board(null));

  it("moves the target by two places or more when no rule applies (so the next tests can fail)", () => {
    const ring = riggingRing(truth, TARGET, 30, 10, NOW, 72, 12, 10_001);
    expect(ring.picks).toHaveLength(300);
    expect(before - place(board(ring, false))).toBeGreaterThanOrEqual(2);
  });

  it("while the ring is new: the waiting period discounts all 300 picks and the target stays within one place", () => {
    const ring = riggingRing(truth, TARGET, 30, 10, NOW, 2, 12, 10_001);
    const b = board(ring);
    expect(b.discounted["waiting-period"]).toBe(300);
    expect(Math.abs(place(b) - before)).toBeLessThanOrEqual(1);
  });

  it("once the waiting period has passed: the outlier test flags the ring with evidence, and the target stays within one place", () => {
    const ring = riggingRing(truth, TARGET, 30, 10, NOW, 72, 12, 10_001);
    const b = board(ring);
    expect(b.discounted["waiting-period"]).toBe(0);
    const ringFlags = b.flags.filter((f) => f.userId > 10_000);
    expect(ringFlags.length).toBeGreaterThanOrEqual(27);
    expect(b.discounted["flagged-account"]).toBeGreaterThanOrEqual(270);
    expect(b.flags.filter((f) => f.userId <= 10_000).length).toBeLessThanOrEqual(4);
    const evidence = ringFlags[0]!.evidence;
    expect(evidence.underdogPicks).toBeGreaterThan(evidence.expectedUnderdogPicks);
    expect(evidence.lift?.toolId).toBe(TARGET);
    expect(Math.abs(place(b) - before)).toBeLessThanOrEqual(1);
  });

  it("a cleared account is never flagged, even in the ring", () => {
    const ring = riggingRing(truth, TARGET, 30, 10, NOW, 72, 12, 10_001);
    const b = computeBoard({
      tools,
      picks: [...honest.picks, ...ring.picks],
      accounts: [...honest.accounts, ...ring.accounts],
      decisions: new Map([[10_001, "cleared"]]),
      now: NOW,
      options,
    });
    expect(b.flags.some((f) => f.userId === 10_001)).toBe(false);
    expect(b.outcomes.filter((o) => o.userId === 10_001).every((o) => o.counted)).toBe(true);
  });

  it("a category board agrees with the overall one: caps over all picks, flags inherited", () => {
    const ring = riggingRing(truth, TARGET, 30, 10, NOW, 72, 12, 10_001);
    const overall = board(ring);
    const category = [5, 6, 7, 8, 9];
    const b = computeBoard({
      tools: category,
      picks: [...honest.picks, ...ring.picks],
      accounts: [...honest.accounts, ...ring.accounts],
      inheritedFlags: overall.flags,
      now: NOW,
      options,
    });
    const inCategory = (o: { lowToolId: number; highToolId: number }) =>
      category.includes(o.lowToolId) && category.includes(o.highToolId);
    expect(b.outcomes).toHaveLength([...honest.picks, ...ring.picks].filter(inCategory).length);
    const flagged = new Set(overall.flags.map((f) => f.userId));
    for (const o of b.outcomes) {
      if (flagged.has(o.userId)) expect(o.reason).toBe("flagged-account");
    }
    expect(b.outcomes.some((o) => o.userId > 10_000)).toBe(true);
  });

  it("does not depend on the order the picks come in", () => {
    const ring = riggingRing(truth, TARGET, 30, 10, NOW, 72, 12, 10_001);
    const a = board(ring);
    const b = computeBoard({
      tools,
      picks: [...honest.picks, ...ring.picks].reverse(),
      accounts: [...honest.accounts, ...ring.accounts],
      now: NOW,
      options,
    });
    expect(b.entries).toEqual(a.entries);
    expect(b.flags.map((f) => f.userId).sort()).toEqual(a.flags.map((f) => f.userId).sort());
    expect(b.discounted).toEqual(a.discounted);
  });

  it("reports what it counted: the board recomputed from the counted win counts alone is the same", () => {
    const ring = riggingRing(truth, TARGET, 30, 10, NOW, 72, 12, 10_001);
    const b = board(ring);
    const again = standingsFromCounts(tools, b.wins, options);
    expect(again.entries).toEqual(b.entries);
    expect(b.wins.reduce((sum, w) => sum + w.count, 0)).toBe(b.counted);
  });
});

describe("the lift test's evidence in a catalog with tools nobody has picked yet", () => {
  // The walkthrough's case: twelve picked tools (ids 11..22) and four catalog tools with no picks
  // at all (ids 1..4). Unpicked tools sit mid-table at the prior's rating, so every pick across
  // the middle straddles them; the evidence must still name the tool the ring lifted.
  const shifted = new Map([...spacedStrengths(12, 3)].map(([id, s]) => [id + 10, s] as [number, number]));
  const tools = [1, 2, 3, 4, ...shifted.keys()];
  const TARGET = 17;
  const honest = honestPopulation(shifted, 400, 12, NOW, 11);

  it("names the lifted tool, never a tool without counted picks", () => {
    const ring = riggingRing(shifted, TARGET, 2, 16, NOW, 72, 12, 10_001);
    const b = computeBoard({
      tools,
      picks: [...honest.picks, ...ring.picks],
      accounts: [...honest.accounts, ...ring.accounts],
      now: NOW,
      options: { rounds: 50 },
    });
    const ringFlags = b.flags.filter((f) => f.userId > 10_000);
    expect(ringFlags.length).toBeGreaterThan(0);
    for (const flag of b.flags) expect([1, 2, 3, 4]).not.toContain(flag.evidence.lift?.toolId);
    for (const flag of ringFlags) expect(flag.evidence.lift?.toolId).toBe(TARGET);
  });

  it("gives equal evidence to the tool the picks make the winner, not to the lowest id", () => {
    // tool 9 beats tools 1 and 2; tool 3 is rated between them, so both picks straddle it with
    // the same model probability: the two tools' lift evidence is identical
    const model = new Map<number, number>([
      [1, 2],
      [2, 1],
      [3, 0],
      [9, -0.5],
    ]);
    const picks = [
      { winner: 9, loser: 1 },
      { winner: 9, loser: 2 },
    ];
    const test = testAccount(picks, model);
    expect(test.evidence.lift).toMatchObject({ toolId: 9, relevantPicks: 2, helpfulPicks: 2 });
  });
});
