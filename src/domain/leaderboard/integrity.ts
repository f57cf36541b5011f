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
  // the common case, an instant already in UTC, needs no parsing
  if (instant.length >= 20 && instant.endsWith("Z") && instant[10] === "T") return instant.slice(0, 10);
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
  const times = Float64Array.from(picks, (p) => Date.parse(p.updatedAt) || 0);
  // time order; equal instants by account and pair, so the input's order never matters
  const order = Array.from({ length: picks.length }, (_, k) => k).sort((x, y) => {
    const byTime = times[x]! - times[y]!;
    if (byTime !== 0) return byTime;
    const a = picks[x]!;
    const b = picks[y]!;
    return a.userId - b.userId || a.lowToolId - b.lowToolId || a.highToolId - b.highToolId || x - y;
  });
  // picks come in time order, so the day's tallies start afresh whenever the UTC day changes
  const perAccount = new Map<AccountId, number>();
  const perNetwork = new Map<string, number>();
  let today = Number.NEGATIVE_INFINITY;
  for (const k of order) {
    const pick = picks[k]!;
    const day = Math.floor(times[k]! / 86_400_000);
    if (day !== today) {
      today = day;
      perAccount.clear();
      perNetwork.clear();
    }
    if (decisions.get(pick.userId) === "confirmed") {
      reasons[k] = "flagged-account";
      continue;
    }
    const born = createdAt.get(pick.userId);
    if (born === undefined || Number.isNaN(born) || nowMs - born < waitingMs) {
      reasons[k] = "waiting-period";
      continue;
    }
    const accountUsed = perAccount.get(pick.userId) ?? 0;
    if (accountUsed >= accountCap) {
      reasons[k] = "account-daily-cap";
      continue;
    }
    const network = pick.network;
    const networkUsed = network === null ? 0 : (perNetwork.get(network) ?? 0);
    if (network !== null && networkUsed >= networkCap) {
      reasons[k] = "network-daily-cap";
      continue;
    }
    perAccount.set(pick.userId, accountUsed + 1);
    if (network !== null) perNetwork.set(network, networkUsed + 1);
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

/** The model's tools in rating order, prepared once per model and shared by every account's test. */
interface RatingOrder {
  ids: ToolId[];
  theta: Float64Array;
  position: Map<ToolId, number>;
}

const orders = new WeakMap<ReadonlyMap<ToolId, number>, RatingOrder>();

function ratingOrder(theta: ReadonlyMap<ToolId, number>): RatingOrder {
  let order = orders.get(theta);
  if (!order) {
    const ids = [...theta.keys()].sort((a, b) => theta.get(a)! - theta.get(b)! || a - b);
    order = {
      ids,
      theta: Float64Array.from(ids, (id) => theta.get(id)!),
      position: new Map(ids.map((id, k) => [id, k])),
    };
    orders.set(theta, order);
  }
  return order;
}

/** The first position whose θ is above x (strictly when `strict`, else at or above). */
function firstAbove(sorted: Float64Array, x: number, strict: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (strict ? sorted[mid]! > x : sorted[mid]! >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The lift test for every tool at once. A pick adds to its two tools, and the same amount to
 * every tool rated strictly between them (a straddling pick), so the straddle parts are added
 * over ranges of the rating order with difference arrays: O(picks·log tools + tools).
 */
function bestLift(
  picks: readonly TestedPick[],
  model: ReadonlyMap<ToolId, number>,
  candidates: ReadonlySet<ToolId> | undefined,
): FlagEvidence["lift"] {
  const order = ratingOrder(model);
  const n = order.ids.length;
  if (n === 0) return null;
  // how often the account picked each tool as the winner: a tie between two tools' evidence goes
  // to the one its picks favour directly, not to whichever has the lower id
  const wins = new Map<ToolId, number>();
  for (const pick of picks) wins.set(pick.winner, (wins.get(pick.winner) ?? 0) + 1);
  const shift = Math.log(LIFT_ODDS);
  // four sums per tool: relevant, helpful, expected helpful, llr; direct (endpoints) and ranged (straddles)
  const direct = new Float64Array(4 * n);
  const ranged = new Float64Array(4 * (n + 1));
  const add = (into: Float64Array, at: number, logit: number, wasHelpful: boolean, sign: number) => {
    const q = sigmoid(logit);
    const q1 = sigmoid(logit + shift);
    into[4 * at] = into[4 * at]! + sign;
    into[4 * at + 1] = into[4 * at + 1]! + (wasHelpful ? sign : 0);
    into[4 * at + 2] = into[4 * at + 2]! + sign * q;
    into[4 * at + 3] =
      into[4 * at + 3]! + sign * (wasHelpful ? Math.log(q1 / q) : Math.log((1 - q1) / (1 - q)));
  };
  for (const pick of picks) {
    const w = model.get(pick.winner) ?? 0;
    const l = model.get(pick.loser) ?? 0;
    const pw = order.position.get(pick.winner);
    const pl = order.position.get(pick.loser);
    if (pw !== undefined) add(direct, pw, w - l, true, 1);
    if (pl !== undefined) add(direct, pl, l - w, false, 1);
    const low = Math.min(w, l);
    const high = Math.max(w, l);
    const from = firstAbove(order.theta, low, true);
    const to = firstAbove(order.theta, high, false);
    if (from < to) {
      // the tool below beating the one above helps every tool between them
      add(ranged, from, low - high, w < l, 1);
      add(ranged, to, low - high, w < l, -1);
    }
  }
  let best: FlagEvidence["lift"] = null;
  const running = [0, 0, 0, 0];
  for (let k = 0; k < n; k++) {
    for (let c = 0; c < 4; c++) running[c] = running[c]! + ranged[4 * k + c]!;
    const id = order.ids[k]!;
    // A tool without counted picks sits mid-table at the prior's rating, so every pick across the
    // middle straddles it: such a tool cannot be what the picks lift, and is never named.
    if (candidates !== undefined && !candidates.has(id)) continue;
    const relevant = Math.round(running[0]! + direct[4 * k]!);
    if (relevant === 0) continue;
    const llr = running[3]! + direct[4 * k + 3]!;
    const tied = best !== null && Math.abs(llr - best.llr) <= 1e-9;
    const winsHere = wins.get(id) ?? 0;
    const winsBest = best === null ? 0 : (wins.get(best.toolId) ?? 0);
    if (
      best === null ||
      (!tied && llr > best.llr) ||
      (tied && (winsHere > winsBest || (winsHere === winsBest && id < best.toolId)))
    ) {
      best = {
        toolId: id,
        relevantPicks: relevant,
        helpfulPicks: Math.round(running[1]! + direct[4 * k + 1]!),
        expectedHelpfulPicks: running[2]! + direct[4 * k + 2]!,
        llr,
      };
    }
  }
  return best;
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
 * divides α by the number of tools in θ. Given `liftCandidates` (the tools with counted picks),
 * only those can be named; equal evidence goes to the tool the account picked as winner most.
 */
export function testAccount(
  picks: readonly TestedPick[],
  theta: ReadonlyMap<ToolId, number>,
  liftCandidates?: ReadonlySet<ToolId>,
): AccountTest {
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
  const best = bestLift(picks, theta, liftCandidates);

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
