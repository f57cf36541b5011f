/** Ranks with statistical ties, and Kendall's τ for comparing orders. */
import type { Rank, RankInput, ToolId } from "./types.ts";

/**
 * Rank = 1 + the number of tools whose lower bound is above this tool's upper bound, so a tool
 * is placed below only the tools it is clearly worse than; tools sharing a rank are tied.
 */
export function rankWithTies(rows: readonly RankInput[]): Map<ToolId, Rank> {
  const ranks = rows.map((row) => 1 + rows.filter((other) => other.lower > row.upper).length);
  const shared = new Map<number, number>();
  for (const r of ranks) shared.set(r, (shared.get(r) ?? 0) + 1);
  const result = new Map<ToolId, Rank>();
  rows.forEach((row, k) => {
    result.set(row.toolId, { rank: ranks[k]!, tied: shared.get(ranks[k]!)! > 1 });
  });
  return result;
}

/** How a rank is shown: "=2" when tied, "2" otherwise. */
export function formatRank(rank: Rank): string {
  return rank.tied ? `=${rank.rank}` : String(rank.rank);
}

/** Kendall's τ-b between two score lists of the same items (1 = same order, −1 = reversed). */
export function kendallTau(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error("kendallTau: lists of different lengths");
  let concordant = 0;
  let discordant = 0;
  let tiedA = 0;
  let tiedB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign(a[i]! - a[j]!);
      const db = Math.sign(b[i]! - b[j]!);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiedA++;
      else if (db === 0) tiedB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiedA) * (concordant + discordant + tiedB));
  return denominator === 0 ? 0 : (concordant - discordant) / denominator;
}
