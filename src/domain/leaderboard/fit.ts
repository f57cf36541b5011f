/**
 * The Bradley–Terry fit: P(i beats j) = σ(θi − θj), θ by penalized maximum likelihood with
 * Newton's method, ratings 1000 + 400·log10(e^θ); percentile intervals from a seeded
 * parametric bootstrap redrawing each pair's picks; connected components of the pick graph.
 */
import {
  BOOTSTRAP_ROUNDS,
  BOOTSTRAP_SEED,
  INTERVAL_LEVEL,
  RATING_BASE,
  RATING_SCALE,
  RIDGE,
} from "./constants.ts";
import { binomialDraw, seededRandom } from "./random.ts";
import type { Fit, FitOptions, Interval, IntervalOptions, ToolId, WinCount } from "./types.ts";

const POINTS_PER_NAT = RATING_SCALE / Math.LN10;
const MAX_ITERATIONS = 100;
/** Newton stops once its step moves no strength by more than this (in nats; 2·10⁻⁵ rating points). */
const TOLERANCE = 1e-7;

/** Rating points of a natural-log strength difference. */
export function ratingFromStrength(theta: number): number {
  return RATING_BASE + theta * POINTS_PER_NAT;
}

/** The probability that a tool rated `a` is picked over one rated `b`. */
export function winProbability(a: number, b: number): number {
  return 1 / (1 + 10 ** ((b - a) / RATING_SCALE));
}

/** The picks of one unordered pair, by index into the tool list (i < j). */
interface Pair {
  i: number;
  j: number;
  /** Raw counts (as given). */
  winsI: number;
  winsJ: number;
  /** Multiplier of both counts in the fit (1 unless weighted). */
  weight: number;
}

/** The fit's working form of the counts: tools by index, pairs merged, weights set. */
export interface Tally {
  toolIds: ToolId[];
  pairs: Pair[];
  /** Component index of each tool (by index into toolIds); tools without picks get their own. */
  componentOf: Int32Array;
  componentCount: number;
}

/** Merges win counts into one entry per unordered pair (ignoring tools not listed), with weights. */
export function tally(
  toolIds: readonly ToolId[],
  wins: readonly WinCount[],
  options: FitOptions = {},
): Tally {
  const index = new Map<ToolId, number>();
  toolIds.forEach((id, k) => {
    if (!index.has(id)) index.set(id, k);
  });
  const ids = [...index.keys()];
  const byKey = new Map<number, Pair>();
  const n = ids.length;
  for (const w of wins) {
    const a = index.get(w.winner);
    const b = index.get(w.loser);
    if (a === undefined || b === undefined || a === b || !(w.count > 0)) continue;
    const i = Math.min(a, b);
    const j = Math.max(a, b);
    const key = i * n + j;
    let pair = byKey.get(key);
    if (!pair) {
      pair = { i, j, winsI: 0, winsJ: 0, weight: 1 };
      byKey.set(key, pair);
    }
    if (a === i) pair.winsI += w.count;
    else pair.winsJ += w.count;
  }
  const pairs = [...byKey.values()].sort((x, y) => x.i - y.i || x.j - y.j);
  if (options.weighting === "inverse-pair-frequency" && pairs.length > 0) {
    // Pairs above the median count weigh as if they had the median: popular pairs stop
    // dominating, and a rare pair is never inflated beyond its own picks.
    const totals = pairs.map((p) => p.winsI + p.winsJ).sort((x, y) => x - y);
    const median = totals[Math.floor((totals.length - 1) / 2)]!;
    for (const p of pairs) p.weight = Math.min(1, median / (p.winsI + p.winsJ));
  }
  const { componentOf, componentCount } = componentsOf(n, pairs);
  return { toolIds: ids, pairs, componentOf, componentCount };
}

function componentsOf(
  n: number,
  pairs: readonly Pair[],
): { componentOf: Int32Array; componentCount: number } {
  const parent = Int32Array.from({ length: n }, (_, k) => k);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (const p of pairs) {
    const a = find(p.i);
    const b = find(p.j);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const label = new Map<number, number>();
  const componentOf = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const root = find(k);
    if (!label.has(root)) label.set(root, label.size);
    componentOf[k] = label.get(root)!;
  }
  return { componentOf, componentCount: label.size };
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** log σ(x), stable for large |x|. */
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

function objective(
  theta: Float64Array,
  pairs: readonly Pair[],
  wi: Float64Array,
  wj: Float64Array,
  ridge: number,
) {
  let value = 0;
  for (let k = 0; k < pairs.length; k++) {
    const p = pairs[k]!;
    const d = theta[p.i]! - theta[p.j]!;
    value += wi[k]! * logSigmoid(d) + wj[k]! * logSigmoid(-d);
  }
  for (let k = 0; k < theta.length; k++) value -= 0.5 * ridge * theta[k]! ** 2;
  return value;
}

/** Solves H x = g in place (H symmetric positive definite, n×n row-major) by Cholesky; g becomes x. */
function choleskySolve(h: Float64Array, g: Float64Array, n: number): void {
  choleskyFactor(h, n);
  solveFactored(h, g, n);
}

/** Replaces the lower triangle of H (symmetric positive definite) by its Cholesky factor L. */
function choleskyFactor(h: Float64Array, n: number): void {
  for (let c = 0; c < n; c++) {
    const rc = c * n;
    let diag = h[rc + c]!;
    for (let k = 0; k < c; k++) diag -= h[rc + k]! ** 2;
    const l = Math.sqrt(Math.max(diag, 1e-300));
    h[rc + c] = l;
    for (let r = c + 1; r < n; r++) {
      const rr = r * n;
      let s = h[rr + c]!;
      for (let k = 0; k < c; k++) s -= h[rr + k]! * h[rc + k]!;
      h[rr + c] = s / l;
    }
  }
}

/** Solves L·Lᵀ x = g in place for a factor from choleskyFactor; g becomes x. */
function solveFactored(l: Float64Array, g: Float64Array, n: number): void {
  for (let r = 0; r < n; r++) {
    let s = g[r]!;
    for (let k = 0; k < r; k++) s -= l[r * n + k]! * g[k]!;
    g[r] = s / l[r * n + r]!;
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = g[r]!;
    for (let k = r + 1; k < n; k++) s -= l[k * n + r]! * g[k]!;
    g[r] = s / l[r * n + r]!;
  }
}

/** The gradient alone, for the bootstrap's fixed-Hessian iteration. */
function gradient(
  n: number,
  pairs: readonly Pair[],
  wi: Float64Array,
  wj: Float64Array,
  ridge: number,
  theta: Float64Array,
  g: Float64Array,
): void {
  for (let k = 0; k < n; k++) g[k] = -ridge * theta[k]!;
  for (let k = 0; k < pairs.length; k++) {
    const p = pairs[k]!;
    const residual = wi[k]! - (wi[k]! + wj[k]!) * sigmoid(theta[p.i]! - theta[p.j]!);
    g[p.i] = g[p.i]! + residual;
    g[p.j] = g[p.j]! - residual;
  }
}

/** Most rounds of the bootstrap's fixed-Hessian iteration converge in a few steps; past this, Newton takes over. */
const CHORD_STEPS = 40;

/** Gradient g and negated Hessian h (n×n) of the penalized log-likelihood at θ. */
function derivatives(
  n: number,
  pairs: readonly Pair[],
  wi: Float64Array,
  wj: Float64Array,
  ridge: number,
  theta: Float64Array,
  g: Float64Array,
  h: Float64Array,
): void {
  h.fill(0);
  for (let k = 0; k < n; k++) {
    g[k] = -ridge * theta[k]!;
    h[k * n + k] = ridge;
  }
  for (let k = 0; k < pairs.length; k++) {
    const p = pairs[k]!;
    const total = wi[k]! + wj[k]!;
    const s = sigmoid(theta[p.i]! - theta[p.j]!);
    const residual = wi[k]! - total * s;
    g[p.i] = g[p.i]! + residual;
    g[p.j] = g[p.j]! - residual;
    const info = total * s * (1 - s);
    h[p.i * n + p.i] = h[p.i * n + p.i]! + info;
    h[p.j * n + p.j] = h[p.j * n + p.j]! + info;
    h[p.i * n + p.j] = h[p.i * n + p.j]! - info;
    h[p.j * n + p.i] = h[p.j * n + p.i]! - info;
  }
}

/**
 * Newton's method on the penalized log-likelihood from θ (modified in place). The objective is
 * strictly concave (the ridge makes the Hessian definite), so a step is accepted when the
 * gradient at its end still points along it (concavity then guarantees an increase) or the
 * objective rose; otherwise it is halved. Converges in a handful of steps from anywhere.
 */
function newton(
  n: number,
  pairs: readonly Pair[],
  wi: Float64Array,
  wj: Float64Array,
  ridge: number,
  theta: Float64Array,
): { iterations: number; converged: boolean } {
  const h = new Float64Array(n * n);
  const g = new Float64Array(n);
  const delta = new Float64Array(n);
  const trial = new Float64Array(n);
  let current: number | null = null;
  derivatives(n, pairs, wi, wj, ridge, theta, g, h);
  for (let iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
    choleskySolve(h, g, n);
    delta.set(g);
    let largest = 0;
    for (let k = 0; k < n; k++) largest = Math.max(largest, Math.abs(delta[k]!));
    let step = 1;
    let reached: number | null = null;
    for (let halvings = 0; ; halvings++) {
      for (let k = 0; k < n; k++) trial[k] = theta[k]! + step * delta[k]!;
      derivatives(n, pairs, wi, wj, ridge, trial, g, h);
      let slope = 0;
      for (let k = 0; k < n; k++) slope += g[k]! * delta[k]!;
      if (slope >= 0 || halvings >= 30) break;
      current ??= objective(theta, pairs, wi, wj, ridge);
      reached = objective(trial, pairs, wi, wj, ridge);
      if (reached >= current) break;
      reached = null;
      step /= 2;
    }
    theta.set(trial);
    // the objective is only known at θ when the step was accepted by comparing it
    current = reached;
    if (largest * step < TOLERANCE) return { iterations: iteration, converged: true };
  }
  return { iterations: MAX_ITERATIONS, converged: false };
}

/** θ centred to mean 0 within each component (the ridge optimum already is, up to rounding). */
function centre(theta: Float64Array, t: Tally): void {
  const sum = new Float64Array(t.componentCount);
  const count = new Float64Array(t.componentCount);
  for (let k = 0; k < theta.length; k++) {
    sum[t.componentOf[k]!] = sum[t.componentOf[k]!]! + theta[k]!;
    count[t.componentOf[k]!] = count[t.componentOf[k]!]! + 1;
  }
  for (let k = 0; k < theta.length; k++)
    theta[k] = theta[k]! - sum[t.componentOf[k]!]! / count[t.componentOf[k]!]!;
}

function weighted(t: Tally): { wi: Float64Array; wj: Float64Array } {
  const wi = Float64Array.from(t.pairs, (p) => p.winsI * p.weight);
  const wj = Float64Array.from(t.pairs, (p) => p.winsJ * p.weight);
  return { wi, wj };
}

/** Fits strengths to a tally; θ by tool index, centred. */
export function fitTally(t: Tally, ridge: number, start?: Float64Array) {
  const theta = start ? Float64Array.from(start) : new Float64Array(t.toolIds.length);
  const { wi, wj } = weighted(t);
  const result = newton(t.toolIds.length, t.pairs, wi, wj, ridge, theta);
  centre(theta, t);
  return { theta, ...result };
}

/** Bradley–Terry ratings by penalized maximum likelihood from win counts (deterministic). */
export function fitBradleyTerry(
  toolIds: readonly ToolId[],
  wins: readonly WinCount[],
  options: FitOptions = {},
): Fit {
  const t = tally(toolIds, wins, options);
  const { theta, iterations, converged } = fitTally(t, options.ridge ?? RIDGE);
  const ratings = new Map<ToolId, number>();
  const strengths = new Map<ToolId, number>();
  t.toolIds.forEach((id, k) => {
    strengths.set(id, theta[k]!);
    ratings.set(id, ratingFromStrength(theta[k]!));
  });
  return { toolIds: t.toolIds, ratings, strengths, iterations, converged };
}

/** The q-quantile of sorted values, interpolating between order statistics. */
function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/**
 * Percentile intervals of every tool's rating from a parametric bootstrap: each round redraws
 * every pair's picks as Binomial(n, fitted probability), refits and re-centres. Seeded, so the
 * same counts always give the same intervals.
 */
export function bootstrapIntervals(
  toolIds: readonly ToolId[],
  wins: readonly WinCount[],
  options: IntervalOptions = {},
): Map<ToolId, Interval> {
  const t = tally(toolIds, wins, options);
  const ridge = options.ridge ?? RIDGE;
  const rounds = Math.max(1, Math.floor(options.rounds ?? BOOTSTRAP_ROUNDS));
  const level = options.level ?? INTERVAL_LEVEL;
  const random = seededRandom(options.seed ?? BOOTSTRAP_SEED);
  const n = t.toolIds.length;
  const fitted = fitTally(t, ridge).theta;
  const probability = t.pairs.map((p) => sigmoid(fitted[p.i]! - fitted[p.j]!));
  const totals = t.pairs.map((p) => Math.round(p.winsI + p.winsJ));
  const draws = Array.from({ length: n }, () => new Float64Array(rounds));
  const wi = new Float64Array(t.pairs.length);
  const wj = new Float64Array(t.pairs.length);
  const theta = new Float64Array(n);
  // The Hessian depends on each pair's total and on θ, not on who won, and every round keeps
  // the totals: so one factor of the Hessian at the point fit serves every round (a chord
  // iteration θ += H₀⁻¹·g(θ)), converging in a few cheap steps. A round that does not
  // converge that way is refitted by Newton.
  const h0 = new Float64Array(n * n);
  const g = new Float64Array(n);
  for (let k = 0; k < t.pairs.length; k++) {
    wi[k] = totals[k]! * t.pairs[k]!.weight * probability[k]!;
    wj[k] = totals[k]! * t.pairs[k]!.weight * (1 - probability[k]!);
  }
  derivatives(n, t.pairs, wi, wj, ridge, fitted, g, h0);
  choleskyFactor(h0, n);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < t.pairs.length; k++) {
      const drawn = binomialDraw(totals[k]!, probability[k]!, random);
      wi[k] = drawn * t.pairs[k]!.weight;
      wj[k] = (totals[k]! - drawn) * t.pairs[k]!.weight;
    }
    theta.set(fitted);
    let converged = false;
    let previous = Number.POSITIVE_INFINITY;
    for (let step = 0; step < CHORD_STEPS && !converged; step++) {
      gradient(n, t.pairs, wi, wj, ridge, theta, g);
      solveFactored(h0, g, n);
      let largest = 0;
      for (let k = 0; k < n; k++) largest = Math.max(largest, Math.abs(g[k]!));
      if (largest > previous) break;
      for (let k = 0; k < n; k++) theta[k] = theta[k]! + g[k]!;
      previous = largest;
      converged = largest < TOLERANCE;
    }
    if (!converged) {
      theta.set(fitted);
      newton(n, t.pairs, wi, wj, ridge, theta);
    }
    centre(theta, t);
    for (let k = 0; k < n; k++) draws[k]![round] = ratingFromStrength(theta[k]!);
  }
  const intervals = new Map<ToolId, Interval>();
  const tail = (1 - level) / 2;
  t.toolIds.forEach((id, k) => {
    const sorted = draws[k]!.sort();
    intervals.set(id, { lower: quantile(sorted, tail), upper: quantile(sorted, 1 - tail) });
  });
  return intervals;
}

/** Connected components of the graph of pairs with picks, largest first; tools without picks are left out. */
export function connectedComponents(toolIds: readonly ToolId[], wins: readonly WinCount[]): ToolId[][] {
  const t = tally(toolIds, wins);
  const withPicks = new Set<number>();
  const picks = new Float64Array(t.componentCount);
  for (const p of t.pairs) {
    withPicks.add(p.i);
    withPicks.add(p.j);
    picks[t.componentOf[p.i]!] = picks[t.componentOf[p.i]!]! + p.winsI + p.winsJ;
  }
  const groups = new Map<number, ToolId[]>();
  t.toolIds.forEach((id, k) => {
    if (!withPicks.has(k)) return;
    const c = t.componentOf[k]!;
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c)!.push(id);
  });
  return [...groups.entries()]
    .sort(
      ([ca, a], [cb, b]) => b.length - a.length || picks[cb]! - picks[ca]! || Math.min(...a) - Math.min(...b),
    )
    .map(([, ids]) => ids);
}
