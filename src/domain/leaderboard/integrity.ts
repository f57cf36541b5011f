/**
 * The integrity rules: daily caps per account and per network, a waiting period for new
 * accounts, and two sequential tests of an account's picks against the current model. Nothing
 * is deleted: every pick gets counted or a reason.
 */
import {
  ACCOUNT_DAILY_CAP,
  LIFT_ODDS,
  NETWORK_DAILY_CAP,
  OUTLIER_ALPHA,
  OUTLIER_CLAMP,
  WAITING_PERIOD_HOURS,
} from "./constants.ts";
import type {
  AccountId,
  AccountInput,
  DiscountReason,
  FlagEvidence,
  FlagRule,
  ModeratorDecision,
  PickInput,
  ToolId,
} from "./types.ts";

export interface ScreenOptions {
  accountDailyCap?: number;
  networkDailyCap?: number;
  waitingPeriodHours?: number;
}

/** The UTC day (YYYY-MM-DD) of an ISO instant. */
export function utcDay(instant: string): string {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? instant.slice(0, 10) : new Date(ms).toISOString().slice(0, 10);
}

/**
 * The rules that need no model, per pick (same order as `picks`): a moderator-confirmed account
 * → "flagged-account"; an account younger than the waiting period at `now` (or unknown) →
 * "waiting-period"; then, in time order within each UTC day, picks beyond the account's cap →
 * "account-daily-cap" and beyond the network's cap → "network-daily-cap". Only counted picks
 * use up a cap. Null means the pick passes.
 */
export function screenPicks(
  picks: readonly PickInput[],
  accounts: readonly AccountInput[],
  decisions: ReadonlyMap<AccountId, ModeratorDecision>,
  now: string,
  options: ScreenOptions = {},
): (DiscountReason | null)[] {
  const accountCap = options.accountDailyCap ?? ACCOUNT_DAILY_CAP;
  const networkCap = options.networkDailyCap ?? NETWORK_DAILY_CAP;
  const waitingMs = (options.waitingPeriodHours ?? WAITING_PERIOD_HOURS) * 3_600_000;
  const nowMs = Date.parse(now);
  const createdAt = new Map(accounts.map((a) => [a.id, Date.parse(a.createdAt)]));
  const reasons: (DiscountReason | null)[] = new Array(picks.length).fill(null);
  const times = picks.map((p) => Date.parse(p.updatedAt));
  const order = picks.map((_, k) => k);
  order.sort((x, y) => {
    const a = picks[x]!;
    const b = picks[y]!;
    return (
      (times[x]! || 0) - (times[y]! || 0) ||
      a.userId - b.userId ||
      a.lowToolId - b.lowToolId ||
      a.highToolId - b.highToolId ||
      x - y
    );
  });
  const perAccount = new Map<string, number>();
  const perNetwork = new Map<string, number>();
  for (const k of order) {
    const pick = picks[k]!;
    if (decisions.get(pick.userId) === "confirmed") {
      reasons[k] = "flagged-account";
      continue;
    }
    const born = createdAt.get(pick.userId);
    if (born === undefined || Number.isNaN(born) || nowMs - born < waitingMs) {
      reasons[k] = "waiting-period";
      continue;
    }
    const day = utcDay(pick.updatedAt);
    const accountKey = `${pick.userId}|${day}`;
    const accountUsed = perAccount.get(accountKey) ?? 0;
    if (accountUsed >= accountCap) {
      reasons[k] = "account-daily-cap";
      continue;
    }
    const networkKey = pick.network === null ? null : `${pick.network}|${day}`;
    const networkUsed = networkKey === null ? 0 : (perNetwork.get(networkKey) ?? 0);
    if (networkKey !== null && networkUsed >= networkCap) {
      reasons[k] = "network-daily-cap";
      continue;
    }
    perAccount.set(accountKey, accountUsed + 1);
    if (networkKey !== null) perNetwork.set(networkKey, networkUsed + 1);
  }
  return reasons;
}

/** One pick as the tests read it: the chosen winner and the other tool. */
export interface TestedPick {
  winner: ToolId;
  loser: ToolId;
}

export interface AccountTest {
  rules: FlagRule[];
  evidence: FlagEvidence;
}

/** ln(1/α): the against-consensus threshold. */
export function consensusThreshold(alpha = OUTLIER_ALPHA): number {
  return Math.log(1 / alpha);
}

/** ln(k/α): the lift threshold, Bonferroni over the k tools the lift could be aimed at. */
export function liftThreshold(tools: number, alpha = OUTLIER_ALPHA): number {
  return Math.log(Math.max(1, tools) / alpha);
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Tests one account's picks against the model θ (natural-log strengths by tool).
 *
 * Against consensus: Wald's likelihood ratio of "picks the model's underdog as often as an honest
 * reader picks the favourite" (P = 1 − p) over the model (P = p), p clamped to [c, 1 − c]. Under
 * the model the ratio is a martingale, so it ever reaches 1/α with probability at most α
 * (Ville), however many picks the account makes; picks between near-equal tools weigh ~0.
 *
 * Lifts one tool t: over the picks that can move t's standing (t in the pair, or a pair with one
 * tool rated above t and one below), the ratio of "picks the helpful side with odds LIFT_ODDS
 * times the model's" over the model. Rigging through pairs without t is caught here: a rival
 * above t losing to a tool below t is a helpful pick. The best t is reported; the threshold
 * divides α by the number of tools.
 */
export function testAccount(picks: readonly TestedPick[], theta: ReadonlyMap<ToolId, number>): AccountTest {
  const clamp = OUTLIER_CLAMP;
  let llr = 0;
  let underdog = 0;
  let expectedUnderdog = 0;
  for (const pick of picks) {
    const p = sigmoid((theta.get(pick.winner) ?? 0) - (theta.get(pick.loser) ?? 0));
    if (p < 0.5) underdog++;
    expectedUnderdog += Math.min(p, 1 - p);
    const pc = Math.min(1 - clamp, Math.max(clamp, p));
    llr += Math.log((1 - pc) / pc);
  }

  const tools = [...theta.keys()];
  const shift = Math.log(LIFT_ODDS);
  let best: FlagEvidence["lift"] = null;
  for (const t of tools) {
    const rt = theta.get(t)!;
    let relevant = 0;
    let helpful = 0;
    let expected = 0;
    let lift = 0;
    for (const pick of picks) {
      const w = theta.get(pick.winner) ?? 0;
      const l = theta.get(pick.loser) ?? 0;
      let logitHelpful: number;
      let wasHelpful: boolean;
      if (pick.winner === t || pick.loser === t) {
        const other = pick.winner === t ? l : w;
        logitHelpful = rt - other;
        wasHelpful = pick.winner === t;
      } else if ((w > rt && l < rt) || (w < rt && l > rt)) {
        // the tool below t beating the one above helps t
        logitHelpful = Math.min(w, l) - Math.max(w, l);
        wasHelpful = w < l;
      } else continue;
      const q = sigmoid(logitHelpful);
      const q1 = sigmoid(logitHelpful + shift);
      relevant++;
      expected += q;
      if (wasHelpful) {
        helpful++;
        lift += Math.log(q1 / q);
      } else lift += Math.log((1 - q1) / (1 - q));
    }
    if (relevant > 0 && (best === null || lift > best.llr)) {
      best = {
        toolId: t,
        relevantPicks: relevant,
        helpfulPicks: helpful,
        expectedHelpfulPicks: expected,
        llr: lift,
      };
    }
  }

  const rules: FlagRule[] = [];
  if (llr >= consensusThreshold()) rules.push("against-consensus");
  if (best !== null && best.llr >= liftThreshold(tools.length)) rules.push("lifts-one-tool");
  return {
    rules,
    evidence: {
      picks: picks.length,
      underdogPicks: underdog,
      expectedUnderdogPicks: expectedUnderdog,
      againstConsensusLlr: llr,
      lift: best,
    },
  };
}
