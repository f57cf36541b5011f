/** Comparison URLs: one canonical path per pair, whichever order a reader typed. */

/** The canonical path for a pair: slugs in alphabetical order, joined by "-vs-". */
export function comparePath(slugA: string, slugB: string): string {
  const [first, second] = slugA <= slugB ? [slugA, slugB] : [slugB, slugA];
  return `/compare/${first}-vs-${second}`;
}

const MAX_SPLITS = 16;

/** Every way to cut "a-vs-b" at a "-vs-" into two non-empty halves, left to right. */
function splits(pair: string): { a: string; b: string }[] {
  const out: { a: string; b: string }[] = [];
  let at = pair.indexOf("-vs-");
  while (at > 0 && out.length < MAX_SPLITS) {
    const b = pair.slice(at + 4);
    if (b.length > 0) out.push({ a: pair.slice(0, at), b });
    at = pair.indexOf("-vs-", at + 1);
  }
  return out;
}

/** Every slug that some split of "a-vs-b" could name. */
export function candidateSlugs(pair: string): string[] {
  const out = new Set(splits(pair).flatMap((s) => [s.a, s.b]));
  return [...out].filter((s) => s.length <= 80);
}

/**
 * Splits "a-vs-b" into the two slugs. Slugs may themselves contain "-vs-", so every split
 * point is tried and the first where both halves are known wins; failing that, the first split.
 */
export function parsePair(pair: string, isKnown: (slug: string) => boolean): { a: string; b: string } | null {
  const all = splits(pair);
  return all.find((s) => isKnown(s.a) && isKnown(s.b)) ?? all[0] ?? null;
}
