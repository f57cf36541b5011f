/**
 * The leaderboard bench: 100 tools with spread strengths, 1,000,000 seeded picks on random
 * pairs, then the fit with bootstrap intervals and ranks (standingsFromCounts) as the board's
 * recompute runs it. Prints the time of aggregation and of the fit with intervals; no assertion.
 * Alone: `npx tsx bench/leaderboard-fit.ts`; in the suite: `npm run bench -- leaderboard`.
 */
import { pathToFileURL } from "node:url";
import {
  aggregatePicks,
  BOOTSTRAP_ROUNDS,
  kendallTau,
  seededRandom,
  standingsFromCounts,
  type TestedPick,
} from "../src/domain/leaderboard/index.ts";

const TOOLS = 100;
const PICKS = 1_000_000;

/** Runs the bench once and prints its figures. */
export async function runLeaderboardFit(): Promise<void> {
  const random = seededRandom(12);
  const toolIds = Array.from({ length: TOOLS }, (_, k) => k + 1);
  const strength = toolIds.map(() => (random() - 0.5) * 4);
  const picks: TestedPick[] = new Array(PICKS);
  for (let k = 0; k < PICKS; k++) {
    const a = Math.floor(random() * TOOLS);
    let b = Math.floor(random() * (TOOLS - 1));
    if (b >= a) b++;
    const aWins = random() < 1 / (1 + Math.exp(strength[b]! - strength[a]!));
    picks[k] = aWins ? { winner: a + 1, loser: b + 1 } : { winner: b + 1, loser: a + 1 };
  }
  const t0 = performance.now();
  const wins = aggregatePicks(picks);
  const t1 = performance.now();
  const standings = standingsFromCounts(toolIds, wins);
  const t2 = performance.now();
  const fitted = toolIds.map((id) => standings.fit.ratings.get(id)!);
  const all = [...standings.entries, ...standings.separate, ...standings.provisional];
  const width = all.reduce((sum, e) => sum + (e.upper - e.lower), 0) / all.length;
  console.log(
    `\nLeaderboard fit: ${TOOLS} tools, ${PICKS.toLocaleString("en")} picks, ${wins.length} win counts`,
  );
  console.log(`aggregate picks into win counts   ${(t1 - t0).toFixed(0).padStart(6)} ms`);
  console.log(
    `fit + ${BOOTSTRAP_ROUNDS} bootstrap rounds + ranks ${(t2 - t1).toFixed(0).padStart(6)} ms (${standings.fit.iterations} Newton steps for the point fit)`,
  );
  console.log(
    `mean 95% interval width ${width.toFixed(1)} points; Kendall τ to the truth ${kendallTau(fitted, strength).toFixed(3)}`,
  );
  console.log("Aim: fit with intervals under 2 s.");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runLeaderboardFit().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
