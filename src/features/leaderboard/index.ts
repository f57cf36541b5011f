/**
 * The head-to-head leaderboard: stored boards, their recompute, pages and open data. For the
 * JSON API: leaderboardData(db, "overall" | categorySlug, { asOf? }) returns a stored board as
 * plain data (undefined before the first recompute), boardCategories lists the valid slugs.
 */
import type { Deps } from "../../http/deps.ts";
import { LeaderboardJobs } from "./jobs.ts";

export type { BoardEntryData, PairData, StoredBoard } from "./board-data.ts";
export { OVERALL } from "./board-data.ts";
export { decideFlag, type FlaggedAccount, flaggedAccounts } from "./flags.ts";
export { type RecomputeResult, recomputeBoards } from "./recompute.ts";
export { leaderboardRoutes } from "./routes.tsx";
export {
  type AsOfDay,
  boardCategories,
  type CategoryName,
  type Contrast,
  type LeaderboardData,
  leaderboardAsOf,
  leaderboardData,
  type ToolStanding,
  todayUtc,
  toolStanding,
} from "./service.ts";
export { REASON_LABELS, ToolLeaderboardSection } from "./views.tsx";

const jobs = new WeakMap<Deps, LeaderboardJobs>();

/**
 * The recompute schedule of one app (made on first use): routes schedule a recompute after a
 * pick or a moderator's decision, the server starts its timers, tests and the CLI await runNow().
 */
export function leaderboardJobs(
  deps: Deps,
  opts: { onError?: (err: unknown) => void } = {},
): LeaderboardJobs {
  let found = jobs.get(deps);
  if (!found) {
    // the first caller (the app) names where a failed background recompute is logged
    found = new LeaderboardJobs({ db: deps.db, cache: deps.cache, onError: opts.onError });
    jobs.set(deps, found);
  }
  return found;
}
