/**
 * Values read from the database and kept in process until a write touches them: the read model
 * behind pages that cannot come from the page cache (a signed-in reader's). Each value is kept
 * with the PageScope it was read from, and dropped by the same changes that drop cached pages,
 * on every instance (PageCache.subscribe hears local writes, Redis and the change stamp), so a
 * signed-in reader never sees older data than an anonymous one on the same instance; another
 * instance's write arrives over Redis at once, or within the stamp's poll without it. Off when the page cache is off,
 * so PAGE_CACHE=off still means "every request reads the database".
 */
import { type CompiledScope, compileScope, type PageCache, type PageScope } from "./page-cache.ts";

/** One kind of value, by key; see the file comment. */
export class ScopedMemo<T> {
  private entries = new Map<string, { value: T; scope: CompiledScope }>();

  constructor(
    private readonly cache: PageCache,
    private readonly maxEntries = 1000,
  ) {
    cache.subscribe((change) => {
      for (const [key, entry] of this.entries) if (change.touches(entry.scope)) this.entries.delete(key);
    });
  }

  /**
   * The value kept under `key`, or `read()`'s, kept unless a change touching `scope` happened
   * while it was read (it may predate that change). `scope` must name everything `read` reads.
   * `since` is the page cache's generation when the data `read` uses was read, if `read` works
   * from data read earlier (a rendering of tools read before); by default, when `read` starts.
   * `keep` may refuse values not worth a place (a lookup that found nothing).
   */
  async get(
    key: string,
    scope: PageScope,
    read: () => Promise<T>,
    opts: { since?: number; keep?: (value: T) => boolean } = {},
  ): Promise<T> {
    if (!this.cache.enabled) return read();
    const kept = this.entries.get(key);
    if (kept) {
      // the most used stay: a hit moves to the back of the eviction order
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept.value;
    }
    const generation = opts.since ?? this.cache.currentGeneration;
    const value = await read();
    const compiled = compileScope(scope);
    if ((opts.keep?.(value) ?? true) && this.cache.unchangedSince(generation, compiled)) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      this.entries.set(key, { value, scope: compiled });
    }
    return value;
  }

  /** How many values are kept. */
  get size(): number {
    return this.entries.size;
  }
}
