/**
 * The study behind MIN_PICKS and MIN_OPPONENTS (docs/decisions/014-leaderboard-method.md):
 * twelve established tools with 6,000 picks among them, plus a newcomer with k picks spread over
 * m opponents. Real preferences are not exactly Bradley–Terry, so every pair gets its own fixed
 * offset (normal, sd 0.3 natural-log units). For each (k, m) over 150 seeded replicates it prints
 * the newcomer's mean 95% interval width, the RMS error of its rating against the truth, and how
 * often its place in the rating order is within one of its true place.
 * `npx tsx bench/leaderboard-thresholds.ts` (a minute or two; not part of npm run bench).
 */
import {
  normalDraw,
  ratingFromStrength,
  seededRandom,
  standingsFromCounts,
  type WinCount,
} from "../src/domain/leaderboard/index.ts";
import { spacedStrengths } from "../src/domain/leaderboard/simulation.ts";

const REPLICATES = 150;
const PAIR_SD = 0.3;
const NEW = 13;

function study(k: number, m: number, replicate: number) {
  const random = seededRandom(1_000_003 * k + 1009 * m + replicate);
  const truth = spacedStrengths(12, 3);
  // the newcomer's true strength anywhere in the field
  truth.set(NEW, (random() - 0.5) * 3);
  const offsets = new Map<string, number>();
  const offset = (a: number, b: number) => {
    const key = `${Math.min(a, b)}-${Math.max(a, b)}`;
    if (!offsets.has(key)) offsets.set(key, PAIR_SD * normalDraw(random));
    return a < b ? offsets.get(key)! : -offsets.get(key)!;
  };
  const wins: WinCount[] = [];
  const play = (a: number, b: number) => {
    const p = 1 / (1 + Math.exp(-(truth.get(a)! - truth.get(b)! + offset(a, b))));
    wins.push(random() < p ? { winner: a, loser: b, count: 1 } : { winner: b, loser: a, count: 1 });
  };
  for (let n = 0; n < 6000; n++) {
    const a = 1 + Math.floor(random() * 12);
    let b = 1 + Math.floor(random() * 11);
    if (b >= a) b++;
    play(a, b);
  }
  // m opponents drawn at random, the newcomer's picks spread evenly over them
  const pool = Array.from({ length: 12 }, (_, i) => i + 1);
  const opponents: number[] = [];
  while (opponents.length < m) opponents.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  for (let n = 0; n < k; n++) play(NEW, opponents[n % m]!);
  const tools = [...truth.keys()];
  const s = standingsFromCounts(tools, wins, { minPicks: 0, minOpponents: 0 });
  const entry = [...s.entries, ...s.separate, ...s.provisional].find((e) => e.toolId === NEW)!;
  // the truth, centred like the fit
  const mean = [...truth.values()].reduce((x, y) => x + y, 0) / truth.size;
  const trueRating = ratingFromStrength(truth.get(NEW)! - mean);
  const truePlace = 1 + [...truth.values()].filter((v) => v > truth.get(NEW)!).length;
  const place = 1 + s.entries.filter((e) => e.rating > entry.rating).length;
  return {
    width: entry.upper - entry.lower,
    error: entry.rating - trueRating,
    near: Math.abs(place - truePlace) <= 1,
  };
}

console.log(`newcomer with k picks over m opponents; ${REPLICATES} replicates per cell`);
console.log(
  `${"k".padStart(4)} ${"m".padStart(3)} ${"width".padStart(7)} ${"rmse".padStart(6)} ${"±1 place".padStart(9)}`,
);
for (const k of [10, 20, 30, 40, 60, 100]) {
  for (const m of [1, 2, 3, 5]) {
    let width = 0;
    let squared = 0;
    let near = 0;
    for (let r = 0; r < REPLICATES; r++) {
      const result = study(k, m, r);
      width += result.width;
      squared += result.error ** 2;
      near += result.near ? 1 : 0;
    }
    console.log(
      `${String(k).padStart(4)} ${String(m).padStart(3)} ${(width / REPLICATES).toFixed(0).padStart(7)} ${Math.sqrt(
        squared / REPLICATES,
      )
        .toFixed(0)
        .padStart(6)} ${((100 * near) / REPLICATES).toFixed(0).padStart(8)}%`,
    );
  }
}
