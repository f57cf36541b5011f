/**
 * GET routes that answer with a document other than a page (a feed, a badge, the sitemap) yet
 * should be as cheap as pages: a strong ETag and 304, and for anonymous requests a place in the
 * page cache, so repeat fetches are answered at the socket until a write touches what they show.
 */
import type { Context, Handler } from "hono";
import { compressible, pickVariant, type Variants, varyWithEncoding } from "./compression.ts";
import { cacheKey, etagFor, etagMatches, PageCache, type PageScope } from "./page-cache.ts";
import { routeLabel } from "./request-log.ts";
import { securityHeaders } from "./security-headers.ts";

/** What a cached route renders: the bytes and the headers that describe them (content type, cache control). */
export interface CachedBody {
  /** 200 unless said otherwise; only a 200 is kept in the page cache. */
  status?: 200 | 400 | 404;
  body: string;
  headers: Record<string, string>;
  /** What the document shows, for the page cache (see pageShows); every write drops it when not said. */
  shows?: PageScope;
}

/**
 * Wraps a render function as a GET handler with ETag/304 and the page cache. The body must not
 * depend on the reader (cookies, session): it is stored and replayed to every anonymous client.
 */
export function cachedGet(render: (c: Context) => Promise<CachedBody>): Handler {
  return async (c) => {
    const deps = c.get("deps");
    // noted before the database is read, so a write during the render keeps a stale body out
    const generation = deps.cache.currentGeneration;
    const out = await render(c);
    const body = Buffer.from(out.body);
    const etag = etagFor(body);
    const headers: Record<string, string> = {
      ...securityHeaders({ https: deps.config.siteUrl.startsWith("https://") }),
      ...out.headers,
      etag,
    };
    const contentType = headers["content-type"];
    // stored with the headers a hit replays: the coding may differ per client
    if (compressible(contentType)) headers.vary = varyWithEncoding(headers.vary);
    const status = out.status ?? 200;
    // a stored body is compressed once, by the cache; other answers by compressResponses() (app.tsx)
    let variants: Variants | undefined;
    if (status === 200 && PageCache.cacheable(c.req.method, c.req.header("cookie"))) {
      const url = new URL(c.req.url);
      const key = cacheKey(url.pathname + url.search);
      if (key !== undefined) {
        variants = await deps.cache.keep(
          key,
          { status: 200, body, etag, headers, route: routeLabel(c) },
          { since: generation, shows: out.shows },
        );
      }
    }
    if (etagMatches(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
    const variant = pickVariant(c.req.header("accept-encoding"), variants);
    const sent = variant ? { ...headers, etag: variant.etag, "content-encoding": variant.encoding } : headers;
    if (c.req.method === "HEAD") return c.body(null, status, sent);
    return c.body(variant?.body ?? body, status, sent);
  };
}
