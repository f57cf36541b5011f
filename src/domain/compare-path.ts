/** Comparison URLs: one canonical path per pair, whichever order a reader typed. */

/** The canonical path for a pair: slugs in alphabetical order, joined by "-vs-". */
export function comparePath(slugA: string, slugB: string): string {
  const [first, second] = slugA <= slugB ? [slugA, slugB] : [slugB, slugA];
  return `/compare/${first}-vs-${second}`;
}

/** Every slug that some split of "a-vs-b" could name (at most 16 splits are considered). */
export function candidateSlugs(pair: string): string[] {
  const out = new Set<string>();
  let at = pair.indexOf("-vs-");
  for (let n = 0; at > 0 && n < 16; n++) {
    out.add(pair.slice(0, at));
    out.add(pair.slice(at + 4));
    at = pair.indexOf("-vs-", at + 1);
  }
  return [...out].filter((s) => s.length > 0 && s.length <= 80);
}

/**
 * Splits "a-vs-b" into the two slugs. Slugs may themselves contain "-vs-", so every split
 * point is tried and the first where both halves are known wins; failing that, the first split.
 */
export function parsePair(pair: string, isKnown: (slug: string) => boolean): { a: string; b: string } | null {
  const splits: { a: string; b: string }[] = [];
  let at = pair.indexOf("-vs-");
  while (at > 0) {
    const a = pair.slice(0, at);
    const b = pair.slice(at + 4);
    if (b.length > 0) splits.push({ a, b });
    at = pair.indexOf("-vs-", at + 1);
  }
  return splits.find((s) => isKnown(s.a) && isKnown(s.b)) ?? splits[0] ?? null;
}
