/** From win counts to a board: fit, intervals, components, provisional status and ranks. */
import { MIN_OPPONENTS, MIN_PICKS } from "./constants.ts";
import { bootstrapIntervals, connectedComponents, fitBradleyTerry } from "./fit.ts";
import { rankWithTies } from "./ranks.ts";
import type { BoardEntry, Component, Standings, StandingsOptions, ToolId, WinCount } from "./types.ts";

/** Per tool: counted picks, wins and distinct opponents. */
export function toolCounts(
  toolIds: readonly ToolId[],
  wins: readonly WinCount[],
): Map<ToolId, { picks: number; wins: number; opponents: number }> {
  const known = new Set(toolIds);
  const picks = new Map<ToolId, number>();
  const won = new Map<ToolId, number>();
  const opponents = new Map<ToolId, Set<ToolId>>();
  for (const id of known) {
    picks.set(id, 0);
    won.set(id, 0);
    opponents.set(id, new Set());
  }
  for (const w of wins) {
    if (!known.has(w.winner) || !known.has(w.loser) || w.winner === w.loser || !(w.count > 0)) continue;
    picks.set(w.winner, picks.get(w.winner)! + w.count);
    picks.set(w.loser, picks.get(w.loser)! + w.count);
    won.set(w.winner, won.get(w.winner)! + w.count);
    opponents.get(w.winner)!.add(w.loser);
    opponents.get(w.loser)!.add(w.winner);
  }
  const result = new Map<ToolId, { picks: number; wins: number; opponents: number }>();
  for (const id of known) {
    result.set(id, { picks: picks.get(id)!, wins: won.get(id)!, opponents: opponents.get(id)!.size });
  }
  return result;
}

/**
 * The board from counted win counts alone (no integrity rules): what computeBoard returns
 * after discounting, and what a test can rebuild from the published picks.
 */
export function standingsFromCounts(
  toolIds: readonly ToolId[],
  wins: readonly WinCount[],
  options: StandingsOptions = {},
): Standings {
  const ids = [...new Set(toolIds)];
  const fit = fitBradleyTerry(ids, wins, options);
  const intervals = bootstrapIntervals(ids, wins, options);
  const counts = toolCounts(ids, wins);
  const minPicks = options.minPicks ?? MIN_PICKS;
  // A board of k tools cannot ask for more than k − 1 opponents (a category of two tools).
  const minOpponents = Math.min(options.minOpponents ?? MIN_OPPONENTS, Math.max(0, ids.length - 1));

  const groups = connectedComponents(ids, wins);
  const componentOf = new Map<ToolId, number>();
  const components: Component[] = groups.map((members, index) => {
    for (const id of members) componentOf.set(id, index);
    const picks = members.reduce((sum, id) => sum + counts.get(id)!.picks, 0) / 2;
    return { index, toolIds: [...members].sort((a, b) => a - b), picks };
  });

  const all: BoardEntry[] = ids.map((toolId) => {
    const c = counts.get(toolId)!;
    const needs = {
      picks: Math.max(0, Math.ceil(minPicks - c.picks)),
      opponents: Math.max(0, minOpponents - c.opponents),
    };
    const interval = intervals.get(toolId)!;
    return {
      toolId,
      rating: fit.ratings.get(toolId)!,
      lower: interval.lower,
      upper: interval.upper,
      rank: null,
      tied: false,
      provisional: needs.picks > 0 || needs.opponents > 0 || c.picks === 0,
      needs,
      picks: c.picks,
      wins: c.wins,
      opponents: c.opponents,
      winRate: c.picks > 0 ? c.wins / c.picks : null,
      component: componentOf.get(toolId) ?? null,
    };
  });

  // Ranks only among the non-provisional tools of one component: ratings of different
  // components share no scale, and a provisional interval would crowd the ranks.
  for (const component of components) {
    const ranked = all.filter((e) => e.component === component.index && !e.provisional);
    const ranks = rankWithTies(ranked);
    for (const entry of ranked) {
      const r = ranks.get(entry.toolId)!;
      entry.rank = r.rank;
      entry.tied = r.tied;
    }
  }

  const byRating = (a: BoardEntry, b: BoardEntry) => b.rating - a.rating || a.toolId - b.toolId;
  const entries = all.filter((e) => !e.provisional && e.component === 0).sort(byRating);
  const separate = all
    .filter((e) => !e.provisional && e.component !== 0)
    .sort((a, b) => (a.component ?? 0) - (b.component ?? 0) || byRating(a, b));
  const provisional = all.filter((e) => e.provisional).sort(byRating);
  return { entries, separate, provisional, components, connected: components.length <= 1, fit };
}
