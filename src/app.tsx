/** Composes middleware and every feature's routes into one Hono app. */
import { Hono } from "hono";
import type { Config } from "./config.ts";
import { catalogRoutes } from "./features/catalog/routes.tsx";
import type { Db } from "./features/catalog/service.ts";
import { compareRoutes } from "./features/compare/routes.tsx";
import { homeRoutes } from "./features/home/routes.tsx";
import type { Deps } from "./http/deps.ts";
import { badRequest, HttpError, notFound } from "./http/errors.ts";
import { etagFor, etagMatches, PageCache } from "./http/page-cache.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { assets } from "./ui/assets.ts";
import { ErrorPage } from "./ui/error-page.tsx";
import { sendPage } from "./ui/render.ts";

export interface AppOptions {
  db: Db;
  config: Config;
  cache?: PageCache;
}

const MAX_URL_LENGTH = 4096;

/** Builds the app; the returned cache must be invalidated after every write. */
export function createApp(opts: AppOptions): { app: Hono; deps: Deps } {
  const deps: Deps = {
    db: opts.db,
    config: opts.config,
    cache: opts.cache ?? new PageCache(opts.config.pageCache),
  };
  const headers = securityHeaders({ https: opts.config.siteUrl.startsWith("https://") });
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  });

  // Reject addresses that are too long or not valid UTF-8 before any route reads them.
  app.use(async (c, next) => {
    const url = c.req.url;
    if (url.length > MAX_URL_LENGTH)
      throw badRequest("That address is too long. Shorten the search or remove some filters.");
    const at = url.indexOf("/", url.indexOf("//") + 2);
    try {
      decodeURIComponent(url.slice(at).replace(/\+/g, " "));
    } catch {
      throw badRequest(
        "The address contains bytes that are not valid UTF-8 text. Check the link, or type the search again.",
      );
    }
    // one address per page: no trailing slash, lowercase slugs
    const rawTarget = url.slice(at);
    const q = rawTarget.indexOf("?");
    const path = q === -1 ? rawTarget : rawTarget.slice(0, q);
    const tidy =
      path.length > 1
        ? path
            .replace(/\/+$/, "")
            .replace(/%[0-9A-Fa-f]{2}|[A-Z]+/g, (m) => (m.startsWith("%") ? m : m.toLowerCase()))
        : path;
    if (
      tidy !== path &&
      (c.req.method === "GET" || c.req.method === "HEAD") &&
      !path.startsWith("/assets/")
    ) {
      return c.redirect((tidy || "/") + (q === -1 ? "" : rawTarget.slice(q)), 301);
    }
    await next();
  });

  // Rendered pages: ETag and 304 on every HTML GET; anonymous ones kept in the page cache.
  app.use(async (c, next) => {
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD") return next();
    const generation = deps.cache.currentGeneration;
    await next();
    const html = c.get("pageHtml");
    if (c.res.status !== 200 || html === undefined) return;
    const body = Buffer.from(html);
    const etag = etagFor(body);
    const pageHeaders: Record<string, string> = {
      ...headers,
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
    };
    if (PageCache.cacheable(method, c.req.header("cookie"))) {
      const url = new URL(c.req.url);
      const key = url.pathname + url.search;
      deps.cache.set(key, { status: 200, body, etag, headers: pageHeaders }, generation);
    }
    if (etagMatches(c.req.header("if-none-match"), etag)) {
      c.res = new Response(null, { status: 304, headers: { ...pageHeaders, etag } });
      return;
    }
    c.res = new Response(method === "HEAD" ? null : body, { status: 200, headers: { ...pageHeaders, etag } });
  });

  app.get("/assets/:file", (c) => {
    const asset = assets.get(c.req.path);
    if (!asset) throw notFound("That file does not exist. It may be from an older version of the site.");
    return c.body(asset.body, 200, {
      "content-type": asset.contentType,
      "cache-control": "public, max-age=31536000, immutable",
    });
  });
  app.get("/robots.txt", (c) => c.text("User-agent: *\nAllow: /\n"));

  app.route("/", homeRoutes(deps));
  app.route("/", catalogRoutes(deps));
  app.route("/", compareRoutes(deps));

  app.notFound((c) => {
    const error = notFound(
      "There is no page at this address. It may have moved, or the link may be mistyped.",
      [
        { href: "/tools", label: "Browse the catalog" },
        { href: "/compare", label: "Compare two tools" },
      ],
    );
    return sendPage(c, <ErrorPage error={error} />, 404);
  });

  app.onError((err, c) => {
    if (err instanceof HttpError) return sendPage(c, <ErrorPage error={err} />, err.status);
    console.error(`${c.req.method} ${c.req.path} failed:`, err);
    const error = new HttpError(
      500,
      "Something went wrong on our side",
      "The error has been logged. Please try again in a moment.",
    );
    return sendPage(c, <ErrorPage error={error} />, 500);
  });

  return { app, deps };
}
