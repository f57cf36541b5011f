/**
 * The rendered-page cache. Anonymous GETs of HTML pages (and feeds, badges, API reads) are kept
 * as bytes with an ETag, each with the scope of what it shows: the tools, pairs, categories and
 * lists on it. A write names the scope it changed, and only the pages whose scope it touches are
 * dropped, here and (through onInvalidate) on every other instance. Community figures on pages
 * that list many tools are the exception: they are refreshed on a short timer instead of on
 * every vote (FIGURES_REFRESH_MS; docs/decisions/016-invalidation-by-scope.md). Hits are
 * answered straight from node:http, before the router runs; concurrent misses for one address
 * wait for a single render (renderOnce).
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PageTemplate } from "../ui/personal.tsx";
import {
  encodeVariants,
  heldTag,
  pickVariant,
  sameEntity,
  type Variant,
  type Variants,
} from "./compression.ts";

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
 * What a page shows, or what a write changed: the same shape on both sides, so a write drops
 * the pages whose scope it touches. Absent fields are empty.
 */
export interface PageScope {
  /** Tools shown in full (their page, a comparison of them), by slug; "all" for every tool. */
  tools?: readonly string[] | "all";
  /** Lists of many tools shown (names, scores, categories). */
  lists?: readonly PageList[];
  /** Categories whose tool lists are shown (a tool page's "same category" list), by slug. */
  categories?: readonly string[] | "all";
  /** Head-to-head pairs whose pick split is shown, as "a-vs-b" with the slugs in order (pairKey). */
  pairs?: readonly string[] | "all";
  /**
   * Community figures and head-to-head standings of many tools: on a page, that it shows such
   * figures of tools beyond its `tools`; on a write, that it changed some. Pages showing them
   * are refreshed within FIGURES_REFRESH_MS of such a write rather than at once.
   */
  figures?: boolean;
  /** Everything: for writes whose reach is the whole site, and pages that never said what they show. */
  everything?: boolean;
}

/** Every page: for writes whose reach is the whole site (an import, a newsletter issue). */
export const EVERY_PAGE: PageScope = { everything: true };

/**
 * How stale the community figures and standings on list pages (home, catalog, categories,
 * leaderboard) may get: a vote drops its own tool's pages at once, and these at most this long
 * after. Short enough that a reader who votes and then looks at a list sees it soon; long
 * enough that steady voting costs each list one render per interval instead of one per vote.
 */
export const FIGURES_REFRESH_MS = 5000;

/** The key of a head-to-head pair for PageScope.pairs: the two slugs in order. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}-vs-${b}` : `${b}-vs-${a}`;
}

/** A scope as tags, ready for matching. */
export interface CompiledScope {
  readonly everything: boolean;
  readonly figures: boolean;
  /** Exact tags: "tool:cursor", "list:home", "category:coding", "pair:a-vs-b". */
  readonly tags: ReadonlySet<string>;
  /** The kinds among `tags` ("tool:", "category:"), for matching against a wildcard. */
  readonly kinds: ReadonlySet<string>;
  /** Kinds given as "all" ("tool:" for tools: "all"). */
  readonly wildcards: ReadonlySet<string>;
}

/** Turns a scope into tags once, so matching is set lookups. */
export function compileScope(scope: PageScope): CompiledScope {
  const tags = new Set<string>();
  const wildcards = new Set<string>();
  const add = (kind: string, values: readonly string[] | "all" | undefined) => {
    if (values === "all") wildcards.add(kind);
    else for (const v of values ?? []) tags.add(kind + v);
  };
  add("tool:", scope.tools);
  add("list:", scope.lists);
  add("category:", scope.categories);
  add("pair:", scope.pairs);
  const kinds = new Set([...tags].map((t) => t.slice(0, t.indexOf(":") + 1)));
  return { everything: scope.everything === true, figures: scope.figures === true, tags, kinds, wildcards };
}

/**
 * True when a change to `changed` makes what `shown` shows stale at once: they share a tag, one
 * names every member of a kind the other has, or either is everything. Figures alone do not
 * count here (see figuresTouch).
 */
export function scopesTouch(changed: CompiledScope, shown: CompiledScope): boolean {
  if (changed.everything || shown.everything) return true;
  for (const tag of changed.tags) {
    if (shown.tags.has(tag) || shown.wildcards.has(tag.slice(0, tag.indexOf(":") + 1))) return true;
  }
  for (const kind of changed.wildcards) if (shown.kinds.has(kind) || shown.wildcards.has(kind)) return true;
  return false;
}

/** True when a change to community figures or standings makes a page's figures stale (on the timer). */
export function figuresTouch(changed: CompiledScope, shown: CompiledScope): boolean {
  return changed.figures && (shown.figures || shown.everything);
}

const EVERYTHING = compileScope(EVERY_PAGE);
const FIGURES_FLUSH = compileScope({ figures: true });

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
  // the admins' account lookup (/admin/accounts?email=; an admin page, so never stored)
  "email",
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
  /**
   * A page every reader shares but for its personal parts (readersShareThisPage): the page with
   * those parts as holes, which src/http/reader-pages.ts fills for a signed-in reader.
   */
  template?: PageTemplate;
  /** The route pattern that rendered it ("/tools/:slug"), for a hit's log line and metrics. */
  route?: string;
}

/** What tryServe reports of a hit to its caller (src/http/request-log.ts), in an object the caller reuses. */
export interface HitReport {
  /** Sent as X-Request-Id when set. */
  id: string | undefined;
  route: string | undefined;
  /** Bytes of the body sent. */
  bytes: number;
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

/** A stored page with what it shows, and its answers' header blocks made once, not per hit. */
interface Entry {
  page: CachedPage;
  shows: CompiledScope;
  /** Flat [name, value, …] header lists for a 200 in each coding (identity under ""). */
  heads: Map<string, string[]>;
  /** The same for a 304, by the ETag it confirms (the identity's or a coding's). */
  notModified: Map<string, string[]>;
}

/** Headers that differ by coding, so headFor sets them itself. */
const OWN_HEADERS = new Set(["etag", "content-encoding", "content-length"]);

/**
 * The stored headers as a flat list, without those each answer sets itself (some stores keep
 * the identity ETag among them: each coding, and each 304, sends its own).
 */
function sharedHead(page: CachedPage): string[] {
  const head: string[] = [];
  for (const [name, value] of Object.entries(page.headers)) {
    if (!OWN_HEADERS.has(name.toLowerCase())) head.push(name, value);
  }
  return head;
}

/** The header list a 200 of one coding sends: the stored headers, its ETag, coding and length. */
function headFor(page: CachedPage, variant: Variant | undefined): string[] {
  const head = sharedHead(page);
  head.push("etag", variant?.etag ?? page.etag);
  if (variant) head.push("content-encoding", variant.encoding);
  head.push("content-length", String((variant?.body ?? page.body).length));
  return head;
}

/** The header lists of a page's 200s, identity and each stored coding. */
function headsOf(page: CachedPage): Map<string, string[]> {
  const heads = new Map([["", headFor(page, undefined)]]);
  for (const variant of Object.values(page.variants ?? {})) {
    if (variant) heads.set(variant.encoding, headFor(page, variant));
  }
  return heads;
}

/**
 * A stored header list with the request's id after it, in a list kept for the purpose: a hit
 * would otherwise copy its header list to add one header. Safe to reuse because writeHead reads
 * the list before it returns.
 */
const idSlots = new WeakMap<string[], string[]>();
function withRequestId(head: string[], id: string): string[] {
  let slot = idSlots.get(head);
  if (!slot) {
    slot = [...head, "x-request-id", ""];
    idSlots.set(head, slot);
  }
  slot[slot.length - 1] = id;
  return slot;
}

/** The header list of a 304 confirming `tag`: the stored headers and that ETag. */
function notModifiedHead(page: CachedPage, tag: string): string[] {
  return [...sharedHead(page), "etag", tag];
}

/** A stored page's 304 header list for a tag, made now if it is not one of the kept ones. */
function notModifiedFor(entry: Entry, tag: string): string[] {
  return entry.notModified.get(tag) ?? notModifiedHead(entry.page, tag);
}

/** The header lists of a page's 304s, one per ETag a client may hold. */
function notModifiedHeadsOf(page: CachedPage): Map<string, string[]> {
  const tags = [page.etag, ...Object.values(page.variants ?? {}).map((v) => v?.etag ?? page.etag)];
  return new Map(tags.map((tag) => [tag, notModifiedHead(page, tag)]));
}

/** A change heard by subscribers: what it touched, to test against what they keep. */
export interface PageChange {
  /** True when the change makes something showing `scope` stale now. */
  touches(scope: CompiledScope): boolean;
}

/** How many recent changes are remembered to judge renders that were under way during them. */
const RECENT_CHANGES = 256;

/** Rendered pages of this process; see the file comment. */
export class PageCache {
  private pages = new Map<string, Entry>();
  private generation = 0;
  /** The last RECENT_CHANGES changes, oldest first, with the generation each one started. */
  private recent: { generation: number; scope: CompiledScope }[] = [];
  private listeners = new Set<(change: PageChange) => void>();
  private figuresTimer: NodeJS.Timeout | undefined;
  private rendering = new Map<string, Promise<void>>();
  /**
   * Runs after every invalidate() (not invalidateLocal()) with its scope, e.g. to tell other
   * instances; set by the cache bus so this class needs no knowledge of Redis.
   */
  onInvalidate: ((scope: PageScope) => void) | undefined;

  constructor(
    readonly enabled: boolean,
    private readonly maxEntries = 2000,
    private readonly figuresRefreshMs = FIGURES_REFRESH_MS,
  ) {}

  /** Whether a request may be served from or stored into the cache. */
  static cacheable(method: string | undefined, cookie: string | null | undefined): boolean {
    return (method === "GET" || method === "HEAD") && !cookie;
  }

  get(key: string): CachedPage | undefined {
    return this.enabled ? this.pages.get(key)?.page : undefined;
  }

  /**
   * Compresses a page once in each coding worth it and stores it as set() does, resolving with
   * the encoded variants so the miss that stored it answers from the same bytes. Nothing is
   * compressed when the page would not be stored (the cache is off, or a change touched what it
   * shows since `since`). `contentType` defaults to the stored headers' own.
   */
  async keep(
    key: string,
    page: Omit<CachedPage, "variants">,
    opts: { since: number; shows?: PageScope; contentType?: string },
  ): Promise<Variants | undefined> {
    const shows = opts.shows ?? EVERY_PAGE;
    if (
      !this.enabled ||
      !this.unchangedSince(opts.since, shows === EVERY_PAGE ? EVERYTHING : compileScope(shows))
    ) {
      return undefined;
    }
    const variants = await encodeVariants(
      page.body,
      page.etag,
      opts.contentType ?? page.headers["content-type"],
    );
    this.set(key, { ...page, variants }, opts.since, shows);
    return variants;
  }

  /**
   * The page stored under a raw request target (as tryServe looks pages up) when readers share
   * it, with its template; undefined otherwise.
   */
  sharedPage(target: string): (CachedPage & { template: PageTemplate }) | undefined {
    const page = this.enabled ? this.pages.get(target)?.page : undefined;
    return page?.template ? (page as CachedPage & { template: PageTemplate }) : undefined;
  }

  /** Whether a page is stored under this key. */
  has(key: string): boolean {
    return this.pages.has(key);
  }

  /**
   * Stores a page showing `shows` (everything when not said), unless a change that touches it
   * happened since its render began at `generationAtStart`: its bytes may predate that change.
   */
  set(key: string, page: CachedPage, generationAtStart: number, shows: PageScope = EVERY_PAGE): void {
    if (!this.enabled) return;
    const scope = shows === EVERY_PAGE ? EVERYTHING : compileScope(shows);
    if (!this.unchangedSince(generationAtStart, scope)) return;
    if (!this.pages.has(key) && this.pages.size >= this.maxEntries) {
      const oldest = this.pages.keys().next().value;
      if (oldest !== undefined) this.pages.delete(oldest);
    }
    this.pages.set(key, { page, shows: scope, heads: headsOf(page), notModified: notModifiedHeadsOf(page) });
  }

  /**
   * True when no change since `generationAtStart` touched `scope`, nor a figures refresh
   * dropped what shows figures, so something computed from the database since then may be
   * kept; false when unsure (the changes since then are no longer remembered).
   */
  unchangedSince(generationAtStart: number, scope: CompiledScope): boolean {
    if (generationAtStart === this.generation) return true;
    const oldest = this.recent[0];
    if (!oldest || oldest.generation > generationAtStart) return false;
    for (const change of this.recent) {
      if (change.generation < generationAtStart) continue;
      if (scopesTouch(change.scope, scope)) return false;
      // a figures change alone does not make it stale: the flush it scheduled will drop it; a
      // flush since the read began would not, so that one refuses
      if (change.scope === FIGURES_FLUSH && figuresTouch(change.scope, scope)) return false;
    }
    return true;
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
   * Hears every change, local or from another instance, after the pages it touched are gone;
   * for in-process read models that must go stale with the pages. Returns the unsubscriber.
   */
  subscribe(listener: (change: PageChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the pages a committed write made stale, and tells onInvalidate (other instances). */
  invalidate(scope: PageScope = EVERY_PAGE): void {
    this.invalidateLocal(scope);
    this.onInvalidate?.(scope);
  }

  /** As invalidate(), in this process only; for changes heard from other instances. */
  invalidateLocal(scope: PageScope = EVERY_PAGE): void {
    const compiled = scope === EVERY_PAGE ? EVERYTHING : compileScope(scope);
    this.remember(compiled);
    if (compiled.everything) this.pages.clear();
    else {
      for (const [key, entry] of this.pages) if (scopesTouch(compiled, entry.shows)) this.pages.delete(key);
    }
    if (compiled.figures && this.enabled) this.refreshFiguresSoon();
    const change: PageChange = { touches: (shown) => scopesTouch(compiled, shown) };
    for (const listener of this.listeners) listener(change);
  }

  /** Notes a change among the recent ones and moves the generation on, so renders begun before it are judged. */
  private remember(scope: CompiledScope): void {
    this.recent.push({ generation: this.generation, scope });
    if (this.recent.length > RECENT_CHANGES) this.recent.shift();
    this.generation++;
  }

  /** Forgets every page in this process only: when changes from elsewhere may have been missed. */
  clearLocal(): void {
    this.invalidateLocal(EVERY_PAGE);
  }

  /** Drops the pages showing many tools' figures once the refresh interval has passed. */
  private refreshFiguresSoon(): void {
    if (this.figuresTimer) return;
    this.figuresTimer = setTimeout(() => {
      this.figuresTimer = undefined;
      // a render under way now may have read figures older than the change: judged in set()
      this.remember(FIGURES_FLUSH);
      for (const [key, entry] of this.pages)
        if (figuresTouch(FIGURES_FLUSH, entry.shows)) this.pages.delete(key);
    }, this.figuresRefreshMs);
    this.figuresTimer.unref();
  }

  /** Whether pages showing figures are due to be dropped (a figures change is waiting for the timer). */
  get refreshingFigures(): boolean {
    return this.figuresTimer !== undefined;
  }

  /** Stops the figures timer; for tests and shutdown. */
  close(): void {
    clearTimeout(this.figuresTimer);
    this.figuresTimer = undefined;
  }

  /**
   * Runs `render` for a miss, unless a render of the same address is already under way: then
   * waits for it and answers from the cache, rendering only if that one was not stored. So 32
   * readers arriving at a dropped page cost one render, not 32. When that render was not stored
   * (a redirect, a 404), the waiters render side by side. `render` must end the response.
   */
  renderOnce(req: IncomingMessage, res: ServerResponse, render: () => void, report?: HitReport): void {
    // the API keeps its reads under keys of its own, and answers with a token differ per caller
    const key =
      this.enabled && PageCache.cacheable(req.method, req.headers.cookie) && !req.url?.startsWith("/api/")
        ? cacheKey(req.url ?? "")
        : undefined;
    if (key === undefined) {
      render();
      return;
    }
    const under = this.rendering.get(key);
    if (under) {
      // not stored (a redirect, a 404, a write in between): every waiter renders its own, at once
      void under.then(() => {
        if (!this.tryServe(req, res, report)) render();
      });
      return;
    }
    const done = new Promise<void>((resolve) => {
      const finish = () => {
        if (this.rendering.get(key) === done) this.rendering.delete(key);
        resolve();
      };
      res.once("finish", finish);
      res.once("close", finish);
    });
    this.rendering.set(key, done);
    render();
  }

  /**
   * Answers a request from the cache at the node:http level; false when it cannot. A hit fills
   * in `report` (route, bytes) and sends its id as X-Request-Id.
   */
  tryServe(req: IncomingMessage, res: ServerResponse, report?: HitReport): boolean {
    if (!this.enabled || !PageCache.cacheable(req.method, req.headers.cookie)) return false;
    // only addresses that cacheKey() accepted are ever stored, so the raw target looks up the
    // same page without parsing its query on every hit
    const entry = this.pages.get(req.url ?? "");
    if (!entry) return false;
    const { page } = entry;
    const ifNoneMatch = req.headers["if-none-match"];
    // a browser sends back exactly the tag it holds: that string is a key of notModified itself
    const exact = ifNoneMatch === undefined ? undefined : entry.notModified.get(ifNoneMatch);
    if (exact || etagMatches(ifNoneMatch, page.etag)) {
      const held = exact ?? notModifiedFor(entry, heldTag(ifNoneMatch, page.etag));
      res.writeHead(304, report?.id ? withRequestId(held, report.id) : held);
      res.end();
      if (report) {
        report.route = page.route;
        report.bytes = 0;
      }
      return true;
    }
    // whoever stored the page put Vary: Accept-Encoding among its headers (compressible types)
    const variant = pickVariant(req.headers["accept-encoding"], page.variants);
    const head = entry.heads.get(variant?.encoding ?? "") ?? headFor(page, variant);
    res.writeHead(page.status, report?.id ? withRequestId(head, report.id) : head);
    const body = req.method === "HEAD" ? undefined : (variant?.body ?? page.body);
    res.end(body);
    if (report) {
      report.route = page.route;
      report.bytes = body?.length ?? 0;
    }
    return true;
  }
}
