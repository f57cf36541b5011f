/** Finds the catalog entries closest to what a reader typed, for helpful 404 pages. */

/** Levenshtein edit distance between two strings. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function normalize(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/**
 * Ranks candidates by closeness to `query`: a shared prefix or substring ranks first,
 * then relative edit distance against slug and name.
 */
export function closest<T extends { slug: string; name: string }>(
  query: string,
  candidates: readonly T[],
  limit = 5,
): T[] {
  const q = normalize(query).slice(0, 100);
  if (!q) return candidates.slice(0, limit);
  const scored = candidates.map((c) => {
    const keys = [normalize(c.slug), normalize(c.name)];
    let best = Number.POSITIVE_INFINITY;
    for (const k of keys) {
      if (k.includes(q) || q.includes(k)) best = Math.min(best, 0);
      else if (k.startsWith(q.slice(0, 4)) && q.length >= 4) best = Math.min(best, 0.2);
      best = Math.min(best, editDistance(q, k) / Math.max(q.length, k.length));
    }
    return { c, best };
  });
  return scored
    .sort((x, y) => x.best - y.best || x.c.name.localeCompare(y.c.name))
    .slice(0, limit)
    .map((s) => s.c);
}
