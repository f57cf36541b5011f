/** Comparisons: two tools side by side, and the featured pairs. */
import { comparePath } from "../../domain/compare-path.ts";
import { type Db, getTools, listToolNames, type ToolDetail, toolsInCategory } from "../catalog/service.ts";

export const REFERENCE_PAIR = ["gemini-2-5-flash-native-audio-output", "smolvlm2-2b"] as const;

export interface FeaturedPair {
  a: { slug: string; name: string };
  b: { slug: string; name: string };
  category: string;
  path: string;
}

/** Both tools of a comparison, or undefined for each one missing. */
export async function getComparison(
  db: Db,
  a: string,
  b: string,
): Promise<[ToolDetail | undefined, ToolDetail | undefined]> {
  const tools = await getTools(db, [a, b]);
  return [tools.get(a), tools.get(b)];
}

/** The reference pair first, then the top two tools by panel score in each category. */
export async function featuredPairs(db: Db): Promise<FeaturedPair[]> {
  const names = await listToolNames(db);
  const pairs: FeaturedPair[] = [];
  const bySlug = new Map(names.map((n) => [n.slug, n]));
  const [ra, rb] = REFERENCE_PAIR.map((s) => bySlug.get(s));
  if (ra && rb)
    pairs.push({ a: ra, b: rb, category: "Developer Tools", path: comparePath(ra.slug, rb.slug) });
  const categories = [...new Set(names.map((n) => n.category))].sort();
  for (const cat of categories) {
    const [first, second] = await toolsInCategory(db, cat);
    if (!first || !second) continue;
    const path = comparePath(first.slug, second.slug);
    if (pairs.some((p) => p.path === path)) continue;
    pairs.push({ a: first, b: second, category: first.category.name, path });
  }
  return pairs;
}
