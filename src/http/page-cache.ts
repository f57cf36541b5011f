/**
 * The rendered-page cache. Anonymous GETs of HTML pages are kept as bytes with an ETag; any
 * write invalidates everything (the catalog is small and writes are rare, so precision is not
 * worth the bookkeeping). Hits are answered straight from node:http, before the router runs.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { heldTag, pickVariant, sameEntity, type Variants } from "./compression.ts";

/** Families of pages that list many tools, named so a write can say which ones it touches. */
export type PageList =
  | "home"
  | "catalog"
  | "categories"
  | "comparisons"
  | "methodology"
  | "newsletter"
  | "leaderboard";

/**
 * What a write makes stale: the pages of some tools (by slug, or all of them) and some lists.
 * Today invalidate() still clears every page; the scope says what a finer cache would drop.
 */
export interface PageScope {
  tools: readonly string[] | "all";
  lists: readonly PageList[];
}

/** Every page: for writes whose reach is the whole site (an import, a newsletter issue). */
export const EVERY_PAGE: PageScope = {
  tools: "all",
  lists: ["home", "catalog", "categories", "comparisons", "methodology", "newsletter", "leaderboard"],
};

/**
 * Every query parameter some page reads (grep `c.req.query(` under src/features; the catalog
 * reads its filters through parseToolQuery). A page's output depends on no other parameter
 * except through the return path its forms carry, which echoes the whole address.
 */
const PAGE_QUERY_PARAMS: ReadonlySet<string> = new Set([
  // the catalog's filters (features/catalog/query.ts)
  "q",
  "category",
  "pricing",
  "verdict",
  "deployment",
  "sort",
  "page",
  // comparisons
  "a",
  "b",
  // the leaderboard: a past day's snapshot (sort is the catalog's too)
  "as_of",
  // sign-in
  "next",
  "reason",
  "token",
  // confirmations after a write: "saved", "done" and the like
  "saved",
  "result",
  "done",
  "n",
  "p",
  "confirmed",
  // admin and panel pages
  "before",
  "persona",
  "revision",
  "intro",
  // a tool's verdict badge (/badge/{slug}.svg?size=large)
  "size",
]);

/** The parameter names behind PAGE_QUERY_PARAMS, for the test that keeps it complete. */
export const pageQueryParams: readonly string[] = [...PAGE_QUERY_PARAMS];

/**
 * The cache key for a request target ("/path?query"), or undefined when the page must not be
 * stored or served from the cache: its address names a parameter no page reads. Such requests
 * are still answered, just rendered each time, so made-up parameters cannot fill the cache and
 * push popular pages out. The key is the target as sent, not re-ordered: a page's forms echo
 * its address back as their return path, so two spellings are two different pages' bytes.
 */
export function cacheKey(target: string): string | undefined {
  const q = target.indexOf("?");
  if (q === -1) return target;
  for (const name of new URLSearchParams(target.slice(q + 1)).keys()) {
    if (!PAGE_QUERY_PARAMS.has(name)) return undefined;
  }
  return target;
}

export interface CachedPage {
  status: number;
  body: Buffer;
  etag: string;
  headers: Record<string, string>;
  /** The body compressed once per coding when stored (docs/decisions/017), so a hit compresses nothing. */
  variants?: Variants;
}

/** A strong ETag for a body: a short content hash. */
export function etagFor(body: Buffer | string): string {
  return `"${createHash("sha1").update(body).digest("base64url").slice(0, 22)}"`;
}

/** True when an If-None-Match header names this ETag, one of its encoded variants' tags, or "*". */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((t) => sameEntity(t.trim().replace(/^W\//, ""), etag));
}

/** Rendered pages of this process; see the file comment. */
export class PageCache {
  private pages = new Map<string, CachedPage>();
  private generation = 0;
  /**
   * Runs after every invalidate() (not clearLocal()), e.g. to tell other instances; set by the
   * cache bus so this class needs no knowledge of Redis.
   */
  onInvalidate: (() => void) | undefined;

  constructor(
    readonly enabled: boolean,
    private readonly maxEntries = 2000,
  ) {}

  /** Whether a request may be served from or stored into the cache. */
  static cacheable(method: string | undefined, cookie: string | null | undefined): boolean {
    return (method === "GET" || method === "HEAD") && !cookie;
  }

  get(key: string): CachedPage | undefined {
    return this.enabled ? this.pages.get(key) : undefined;
  }

  /** Stores a page unless a write happened since the render began (its generation moved on). */
  set(key: string, page: CachedPage, generationAtStart: number): void {
    if (!this.enabled || generationAtStart !== this.generation) return;
    if (this.pages.size >= this.maxEntries) {
      const oldest = this.pages.keys().next().value;
      if (oldest !== undefined) this.pages.delete(oldest);
    }
    this.pages.set(key, page);
  }

  /** How many pages are stored. */
  get size(): number {
    return this.pages.size;
  }

  /** The current generation; renders note it before they read the database. */
  get currentGeneration(): number {
    return this.generation;
  }

  /**
   * Forgets the pages a committed write made stale (today: every page, whatever the scope).
   * Also tells onInvalidate.
   */
  invalidate(_scope: PageScope = EVERY_PAGE): void {
    this.clearLocal();
    this.onInvalidate?.();
  }

  /** Forgets every page in this process only; for invalidations heard from other instances. */
  clearLocal(): void {
    this.generation++;
    this.pages.clear();
  }

  /** Answers a request from the cache at the node:http level; false when it cannot. */
  tryServe(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.enabled || !PageCache.cacheable(req.method, req.headers.cookie)) return false;
    // only addresses that cacheKey() accepted are ever stored, so the raw target looks up the
    // same page without parsing its query on every hit
    const page = this.pages.get(req.url ?? "");
    if (!page) return false;
    const ifNoneMatch = req.headers["if-none-match"];
    if (etagMatches(ifNoneMatch, page.etag)) {
      res.writeHead(304, { ...page.headers, etag: heldTag(ifNoneMatch, page.etag) });
      res.end();
      return true;
    }
    // whoever stored the page put Vary: Accept-Encoding among its headers (compressible types)
    const variant = pickVariant(req.headers["accept-encoding"], page.variants);
    const body = variant?.body ?? page.body;
    res.writeHead(page.status, {
      ...page.headers,
      etag: variant?.etag ?? page.etag,
      ...(variant ? { "content-encoding": variant.encoding } : {}),
      "content-length": String(body.length),
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
}
