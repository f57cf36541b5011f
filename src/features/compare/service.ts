/** Comparisons: two tools side by side, and the featured pairs. */

import type { Db } from "../../db/types.ts";
import { comparePath } from "../../domain/compare-path.ts";
import { toolsByScore } from "../catalog/index.ts";
import type { ToolSummary } from "../tools/index.ts";

export const REFERENCE_PAIR = ["gemini-2-5-flash-native-audio-output", "smolvlm2-2b"] as const;

export interface FeaturedPair {
  a: { slug: string; name: string };
  b: { slug: string; name: string };
  category: string;
  path: string;
  /** Head-to-head picks on the pair, for popular pairs. */
  picks?: number;
}

/** The reference pair first, then the top two tools by panel score in each category. */
export async function featuredPairs(db: Db): Promise<FeaturedPair[]> {
  const ranked = await toolsByScore(db);
  const pairs: FeaturedPair[] = [];
  const add = (a: ToolSummary | undefined, b: ToolSummary | undefined) => {
    if (!a || !b) return;
    const path = comparePath(a.slug, b.slug);
    if (!pairs.some((p) => p.path === path)) pairs.push({ a, b, category: a.category.name, path });
  };
  const [refA, refB] = REFERENCE_PAIR;
  add(
    ranked.find((t) => t.slug === refA),
    ranked.find((t) => t.slug === refB),
  );
  const categories = [...new Set(ranked.map((t) => t.category.slug))].sort();
  for (const cat of categories) {
    const [first, second] = ranked.filter((t) => t.category.slug === cat);
    add(first, second);
  }
  return pairs;
}

/** The home page's comparisons: the most picked pairs, or the featured ones until readers pick. */
export async function homePairs(db: Db, limit: number): Promise<{ popular: boolean; pairs: FeaturedPair[] }> {
  const popular = await popularPairs(db, limit);
  if (popular.length > 0) return { popular: true, pairs: popular };
  return { popular: false, pairs: (await featuredPairs(db)).slice(0, limit) };
}

/** The pairs readers pick on most. */
async function popularPairs(db: Db, limit: number): Promise<FeaturedPair[]> {
  const rows = await db
    .selectFrom("picks")
    .innerJoin("tools as a", "a.id", "picks.low_tool_id")
    .innerJoin("tools as b", "b.id", "picks.high_tool_id")
    .innerJoin("categories", "categories.id", "a.category_id")
    .select((eb) => [
      "a.slug as a_slug",
      "a.name as a_name",
      "b.slug as b_slug",
      "b.name as b_name",
      "categories.name as category",
      eb.fn.countAll<number>().as("n"),
    ])
    .groupBy(["a.slug", "a.name", "b.slug", "b.name", "categories.name"])
    .orderBy("n", "desc")
    .orderBy("a.slug")
    .orderBy("b.slug")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    a: { slug: r.a_slug, name: r.a_name },
    b: { slug: r.b_slug, name: r.b_name },
    category: r.category,
    path: comparePath(r.a_slug, r.b_slug),
    picks: Number(r.n),
  }));
}
