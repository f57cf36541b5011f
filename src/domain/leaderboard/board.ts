/** computeBoard: the integrity rules, then fit–flag–refit, then the standings. One board per call. */
import { OUTLIER_PASSES, RIDGE } from "./constants.ts";
import { fitTally, tally } from "./fit.ts";
import { screenPicks, type TestedPick, testAccount, utcDay } from "./integrity.ts";
import { standingsFromCounts } from "./standings.ts";
import {
  type AccountFlag,
  type AccountId,
  type Board,
  type BoardInput,
  DISCOUNT_REASONS,
  type DiscountReason,
  type ModeratorDecision,
  type PickInput,
  type PickOutcome,
  type ToolId,
  type WinCount,
} from "./types.ts";

/** Merges picks (winner, other tool) into win counts, one per ordered (winner, loser). */
export function aggregatePicks(picks: readonly TestedPick[]): WinCount[] {
  // numeric keys while ids are small integers (every real tool id), strings otherwise
  const numeric = picks.every(
    (p) =>
      Number.isSafeInteger(p.winner) &&
      Number.isSafeInteger(p.loser) &&
      p.winner >= 0 &&
      p.loser >= 0 &&
      p.winner < 2 ** 26 &&
      p.loser < 2 ** 26,
  );
  const counts = new Map<number | string, WinCount>();
  for (const p of picks) {
    const key = numeric ? p.winner * 2 ** 26 + p.loser : `${p.winner}>${p.loser}`;
    const found = counts.get(key);
    if (found) found.count += 1;
    else counts.set(key, { winner: p.winner, loser: p.loser, count: 1 });
  }
  return [...counts.values()].sort((a, b) => a.winner - b.winner || a.loser - b.loser);
}

function asTested(pick: BoardInput["picks"][number]): TestedPick {
  return {
    winner: pick.winnerToolId,
    loser: pick.winnerToolId === pick.lowToolId ? pick.highToolId : pick.lowToolId,
  };
}

/**
 * The whole board for one set of tools (the overall board, or one category's tools and the
 * picks between them): every pick counted or given a reason, flagged accounts with evidence,
 * ratings with 95% intervals, ranks with ties, provisional tools and components.
 */
export function computeBoard(input: BoardInput): Board {
  const options = input.options ?? {};
  const tools = [...new Set(input.tools)];
  const known = new Set<ToolId>(tools);
  const decisions = input.decisions ?? new Map<AccountId, ModeratorDecision>();
  // Caps and the waiting period are properties of a pick, not of a board: they are decided
  // over every pick supplied (so a category board agrees with the overall one), and only then
  // are the picks outside this board's tools (or malformed) set aside.
  const valid = input.picks.filter(
    (p) =>
      p.lowToolId !== p.highToolId && (p.winnerToolId === p.lowToolId || p.winnerToolId === p.highToolId),
  );
  const integrity = options.integrity !== false;
  const screened: (DiscountReason | null)[] = integrity
    ? screenPicks(valid, input.accounts, decisions, input.now, options)
    : valid.map(() => null);
  const inherited = new Set((input.inheritedFlags ?? []).map((f) => f.userId));
  const picks: PickInput[] = [];
  const reasons: (DiscountReason | null)[] = [];
  valid.forEach((p, k) => {
    if (!known.has(p.lowToolId) || !known.has(p.highToolId)) return;
    picks.push(p);
    const cleared = decisions.get(p.userId) === "cleared";
    reasons.push(
      screened[k] ?? (integrity && inherited.has(p.userId) && !cleared ? "flagged-account" : null),
    );
  });

  const flags: AccountFlag[] = [];
  if (integrity) {
    const present = new Set(picks.map((p) => p.userId));
    for (const [userId, decision] of [...decisions.entries()].sort(([a], [b]) => a - b)) {
      if (decision !== "confirmed" || !present.has(userId)) continue;
      const own = picks.filter((p) => p.userId === userId).map(asTested);
      flags.push({
        userId,
        rules: ["moderator-confirmed"],
        evidence: testAccount(own, new Map()).evidence,
        pass: 0,
      });
    }
    for (const flag of input.inheritedFlags ?? []) {
      if (present.has(flag.userId) && decisions.get(flag.userId) === undefined) flags.push(flag);
    }
    const byAccount = new Map<AccountId, number[]>();
    picks.forEach((p, k) => {
      if (reasons[k] !== null || decisions.get(p.userId) === "cleared") return;
      if (!byAccount.has(p.userId)) byAccount.set(p.userId, []);
      byAccount.get(p.userId)!.push(k);
    });
    const flagged = new Set<AccountId>();
    const passes = options.outlierPasses ?? OUTLIER_PASSES;
    for (let pass = 1; pass <= passes; pass++) {
      const counted = picks.filter((_, k) => reasons[k] === null).map(asTested);
      const t = tally(tools, aggregatePicks(counted), options);
      const theta = fitTally(t, options.ridge ?? RIDGE).theta;
      const strengths = new Map<ToolId, number>(t.toolIds.map((id, k) => [id, theta[k]!]));
      // only a tool with counted picks has a rating of its own that a lift could move
      const rated = new Set<ToolId>(counted.flatMap((p) => [p.winner, p.loser]));
      let added = 0;
      for (const [userId, indexes] of [...byAccount.entries()].sort(([a], [b]) => a - b)) {
        if (flagged.has(userId)) continue;
        const test = testAccount(
          indexes.map((k) => asTested(picks[k]!)),
          strengths,
          rated,
        );
        if (test.rules.length === 0) continue;
        flagged.add(userId);
        flags.push({ userId, rules: test.rules, evidence: test.evidence, pass });
        for (const k of indexes) reasons[k] = "flagged-account";
        added++;
      }
      if (added === 0) break;
    }
  }

  const outcomes: PickOutcome[] = picks.map((p, k) => ({
    userId: p.userId,
    lowToolId: p.lowToolId,
    highToolId: p.highToolId,
    winnerToolId: p.winnerToolId,
    day: utcDay(p.updatedAt),
    counted: reasons[k] === null,
    reason: reasons[k]!,
  }));
  const discounted = Object.fromEntries(DISCOUNT_REASONS.map((r) => [r, 0])) as Record<
    DiscountReason,
    number
  >;
  for (const r of reasons) if (r !== null) discounted[r]++;
  const wins = aggregatePicks(picks.filter((_, k) => reasons[k] === null).map(asTested));
  const standings = standingsFromCounts(tools, wins, options);
  return {
    ...standings,
    counted: reasons.filter((r) => r === null).length,
    discounted,
    flags,
    outcomes,
    wins,
  };
}
