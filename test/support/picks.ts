/** Picks for leaderboard tests: accounts and round-robin picks written straight into the tables. */
import { iso } from "../../src/db/time.ts";
import type { Db } from "../../src/db/types.ts";
import { seededRandom } from "../../src/domain/leaderboard/index.ts";

export const DAY_MS = 86_400_000;

/** Every tool slug, in code-unit order (the order the recompute fits them in). */
export async function toolSlugs(db: Db, category?: string): Promise<string[]> {
  let q = db
    .selectFrom("tools")
    .innerJoin("categories", "categories.id", "tools.category_id")
    .select("tools.slug");
  if (category) q = q.where("categories.slug", "=", category);
  const rows = await q.execute();
  return rows.map((r) => r.slug).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** All unordered pairs of a list, in order. */
export function pairsOf<T>(list: readonly T[]): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++) out.push([list[i] as T, list[j] as T]);
  return out;
}

/** Accounts made directly, already past the waiting period (or not), for picks inserted in bulk. */
export async function makeAccounts(db: Db, n: number, prefix: string, ageMs = 3 * DAY_MS): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = await db
      .insertInto("users")
      .values({ email: `${prefix}${i}@example.com`, created_at: iso(Date.now() - ageMs) })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

/** Picks written straight into the table (as setPick stores them), winners drawn from known strengths. */
export async function insertRoundRobin(
  db: Db,
  opts: { users: number[]; slugs: string[]; strengths: number[]; seed: number; against?: boolean },
): Promise<void> {
  const tools = await db.selectFrom("tools").select(["id", "slug"]).where("slug", "in", opts.slugs).execute();
  const id = (s: string) => tools.find((t) => t.slug === s)?.id as number;
  const random = seededRandom(opts.seed);
  const at = iso(Date.now() - 60_000);
  const rows = [];
  for (const user of opts.users) {
    for (const [i, j] of pairsOf(opts.slugs.map((_, k) => k))) {
      const p = 1 / (1 + Math.exp((opts.strengths[j] as number) - (opts.strengths[i] as number)));
      // a rigger picks the underdog every time
      const iWins = opts.against ? p < 0.5 : random() < p;
      const a = id(opts.slugs[i] as string);
      const b = id(opts.slugs[j] as string);
      rows.push({
        user_id: user,
        low_tool_id: Math.min(a, b),
        high_tool_id: Math.max(a, b),
        winner_tool_id: iWins ? a : b,
        created_at: at,
        updated_at: at,
        network: null,
        outcome: null,
      });
    }
  }
  for (let k = 0; k < rows.length; k += 200)
    await db
      .insertInto("picks")
      .values(rows.slice(k, k + 200))
      .execute();
}
