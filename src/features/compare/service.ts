/** Comparisons: two tools side by side, and the featured pairs. */
import { comparePath } from "../../domain/compare-path.ts";
import { type Db, type ToolSummary, toolsByScore } from "../catalog/service.ts";

export const REFERENCE_PAIR = ["gemini-2-5-flash-native-audio-output", "smolvlm2-2b"] as const;

export interface FeaturedPair {
  a: { slug: string; name: string };
  b: { slug: string; name: string };
  category: string;
  path: string;
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
