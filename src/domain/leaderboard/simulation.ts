/**
 * Seeded synthetic pick data for the leaderboard's tests, bench and threshold study: honest
 * readers picking from known strengths, and a ring of new accounts rigging for one tool.
 */

import type { TestedPick } from "./integrity.ts";
import { seededRandom } from "./random.ts";
import type { AccountInput, PickInput, ToolId, WinCount } from "./types.ts";

/** Evenly spaced true strengths (natural log), centred, for tools 1..n, strongest first. */
export function spacedStrengths(n: number, spread: number): Map<ToolId, number> {
  const strengths = new Map<ToolId, number>();
  for (let k = 0; k < n; k++) strengths.set(k + 1, n === 1 ? 0 : spread / 2 - (spread * k) / (n - 1));
  return strengths;
}

/** `count` picks on uniformly random pairs, each won as the model says. */
export function simulateWins(
  strengths: ReadonlyMap<ToolId, number>,
  count: number,
  seed: number,
): WinCount[] {
  const random = seededRandom(seed);
  const ids = [...strengths.keys()];
  const wins = new Map<string, WinCount>();
  for (let k = 0; k < count; k++) {
    const { winner, loser } = drawPick(ids, strengths, random);
    const key = `${winner}>${loser}`;
    const found = wins.get(key);
    if (found) found.count++;
    else wins.set(key, { winner, loser, count: 1 });
  }
  return [...wins.values()];
}

function drawPick(
  ids: readonly ToolId[],
  strengths: ReadonlyMap<ToolId, number>,
  random: () => number,
): TestedPick {
  const a = ids[Math.floor(random() * ids.length)]!;
  const ai = ids.indexOf(a);
  let bi = Math.floor(random() * (ids.length - 1));
  if (bi >= ai) bi++;
  const b = ids[bi]!;
  const p = 1 / (1 + Math.exp(strengths.get(b)! - strengths.get(a)!));
  return random() < p ? { winner: a, loser: b } : { winner: b, loser: a };
}

export interface Population {
  accounts: AccountInput[];
  picks: PickInput[];
}

const DAY = 86_400_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Honest readers: accounts created well before `now`, each picking `picksEach` distinct random
 * pairs over the past days as the model says, each from its own network.
 */
export function honestPopulation(
  strengths: ReadonlyMap<ToolId, number>,
  accounts: number,
  picksEach: number,
  now: string,
  seed: number,
  firstUserId = 1,
): Population {
  const random = seededRandom(seed);
  const ids = [...strengths.keys()];
  const nowMs = Date.parse(now);
  const result: Population = { accounts: [], picks: [] };
  for (let a = 0; a < accounts; a++) {
    const userId = firstUserId + a;
    const created = nowMs - (10 + Math.floor(random() * 100)) * DAY;
    result.accounts.push({ id: userId, createdAt: iso(created) });
    const seen = new Set<string>();
    for (let k = 0; k < picksEach; k++) {
      const pick = drawPick(ids, strengths, random);
      const low = Math.min(pick.winner, pick.loser);
      const high = Math.max(pick.winner, pick.loser);
      if (seen.has(`${low}-${high}`)) continue;
      seen.add(`${low}-${high}`);
      const at = iso(created + DAY + Math.floor(random() * (nowMs - created - 2 * DAY)));
      result.picks.push({
        userId,
        lowToolId: low,
        highToolId: high,
        winnerToolId: pick.winner,
        createdAt: at,
        updatedAt: at,
        network: `net-${userId}`,
      });
    }
  }
  return result;
}

/**
 * A rigging ring: `accounts` accounts created `ageHours` before `now`, each making `picksEach`
 * picks for `target`: the target beating tools stronger than it, and (through pairs without it)
 * tools stronger than it losing to tools weaker than it. Each account on its own network.
 */
export function riggingRing(
  strengths: ReadonlyMap<ToolId, number>,
  target: ToolId,
  accounts: number,
  picksEach: number,
  now: string,
  ageHours: number,
  seed: number,
  firstUserId: number,
): Population {
  const random = seededRandom(seed);
  const nowMs = Date.parse(now);
  const t = strengths.get(target)!;
  const above = [...strengths.keys()].filter((id) => strengths.get(id)! > t);
  const below = [...strengths.keys()].filter((id) => strengths.get(id)! < t);
  const options: TestedPick[] = [
    ...above.map((r) => ({ winner: target, loser: r })),
    ...above.flatMap((r) => below.map((b) => ({ winner: b, loser: r }))),
  ];
  const result: Population = { accounts: [], picks: [] };
  for (let a = 0; a < accounts; a++) {
    const userId = firstUserId + a;
    const created = nowMs - ageHours * 3_600_000;
    result.accounts.push({ id: userId, createdAt: iso(created) });
    // half the picks for the target directly, half against its betters through other pairs
    const direct = options.slice(0, above.length);
    const indirect = options.slice(above.length);
    const chosen = new Set<TestedPick>();
    while (chosen.size < Math.min(picksEach, options.length)) {
      const pool = chosen.size % 2 === 0 && chosen.size / 2 < direct.length ? direct : indirect;
      chosen.add(pool[Math.floor(random() * pool.length)]!);
    }
    let at = created + 60_000;
    for (const pick of chosen) {
      at += Math.floor(random() * 600_000);
      result.picks.push({
        userId,
        lowToolId: Math.min(pick.winner, pick.loser),
        highToolId: Math.max(pick.winner, pick.loser),
        winnerToolId: pick.winner,
        createdAt: iso(at),
        updatedAt: iso(at),
        network: `ring-${userId}`,
      });
    }
  }
  return result;
}
