/**
 * The head-to-head leaderboard, pure: Bradley–Terry ratings with bootstrap intervals, ranks
 * with ties, provisional tools, components, and the integrity rules applied to every pick.
 * docs/decisions/014-leaderboard-method.md describes the method.
 */
export { aggregatePicks, computeBoard } from "./board.ts";
export {
  ACCOUNT_DAILY_CAP,
  BOOTSTRAP_ROUNDS,
  BOOTSTRAP_SEED,
  INTERVAL_LEVEL,
  LIFT_ODDS,
  MIN_OPPONENTS,
  MIN_PICKS,
  NETWORK_DAILY_CAP,
  OUTLIER_ALPHA,
  OUTLIER_CLAMP,
  OUTLIER_PASSES,
  RATING_BASE,
  RATING_SCALE,
  RIDGE,
  WAITING_PERIOD_HOURS,
} from "./constants.ts";
export {
  bootstrapIntervals,
  connectedComponents,
  fitBradleyTerry,
  ratingFromStrength,
  winProbability,
} from "./fit.ts";
export {
  type AccountTest,
  consensusThreshold,
  liftThreshold,
  type ScreenOptions,
  screenPicks,
  type TestedPick,
  testAccount,
  utcDay,
} from "./integrity.ts";
export { binomialDraw, normalDraw, seededRandom } from "./random.ts";
export { formatRank, kendallTau, rankWithTies } from "./ranks.ts";
export { standingsFromCounts, toolCounts } from "./standings.ts";
export * from "./types.ts";
