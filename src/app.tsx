/** Composes middleware and every feature's routes into one Hono app. */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Config } from "./config.ts";
import type { Db } from "./db/types.ts";
import {
  accountRoutes,
  findSessionUser,
  findTokenCaller,
  sessionTokenIn,
  viewerMiddleware,
} from "./features/accounts/index.ts";
import { API_BASE, apiRoutes } from "./features/api/index.ts";
import { ACCOUNT_TAGS, accountOperations } from "./features/api-account/index.ts";
import {
  adoptBrowserBookmarks,
  bookmarkRoutes,
  bookmarksOf,
  viewerBookmarks,
} from "./features/bookmarks/index.ts";
import { catalogRoutes } from "./features/catalog/index.ts";
import { catalogAdminRoutes } from "./features/catalog-admin/index.ts";
import { communityRoutes, votesOf } from "./features/community/index.ts";
import { compareRoutes } from "./features/compare/index.ts";
import { homeRoutes } from "./features/home/index.ts";
import { leaderboardJobs, leaderboardRoutes } from "./features/leaderboard/index.ts";
import { MCP_PATH, mcpRoutes } from "./features/mcp/index.ts";
import { moderationRoutes } from "./features/moderation/index.ts";
import {
  deliveryCountsByState,
  newsletterAdminRoutes,
  newsletterArchiveRoutes,
  newsletterSubscribeRoutes,
} from "./features/newsletter/index.ts";
import { draftingRoutes, panelRoutes } from "./features/panel/index.ts";
import { clearPagesAtMidnight, predictionRoutes } from "./features/predictions/index.ts";
import { privacyRoutes } from "./features/privacy/index.ts";
import { syndicationRoutes } from "./features/syndication/index.ts";
import { tokenPrincipal } from "./http/api-auth.ts";
import { BackgroundWork } from "./http/background.ts";
import { compressResponses } from "./http/compress-responses.ts";
import { pickVariant, type Variants, varyWithEncoding } from "./http/compression.ts";
import { csrfProtection } from "./http/csrf.ts";
import { type Deps, provideDeps, type ReaderState } from "./http/deps.ts";
import { asHttpError, badRequest, HttpError, notFound } from "./http/errors.ts";
import { createLogger, ErrorLog, type Logger } from "./http/log.ts";
import { type AppMetrics, createMetrics } from "./http/metrics.ts";
import { operatorRoutes, type ReadinessSources } from "./http/operator-routes.ts";
import { sendPage } from "./http/page.tsx";
import { cacheKey, etagFor, etagMatches, PageCache } from "./http/page-cache.ts";
import { isApiPath, problemJson, wantsProblemJson } from "./http/problem.ts";
import { MemoryRateLimitStore, type RateLimitStore } from "./http/rate-limit.ts";
import { type ReaderLookup, ReaderPages } from "./http/reader-pages.ts";
import { noteRoute, requestId, routeLabel } from "./http/request-log.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { siteOrigins } from "./http/site-origin.ts";
import { textProblem } from "./http/text-input.ts";
import { csrfTokenFor, maskToken } from "./http/tokens.ts";
import { SIGNED_OUT, type Viewer } from "./http/viewer.ts";
import { unwritableHeader, withoutUnwritableHeaders } from "./http/writable-headers.ts";
import { createMailer, type Mailer } from "./mail/mailer.ts";
import { assets, assetVariants } from "./ui/assets.ts";
import { ErrorPage } from "./ui/error-page.tsx";
import { fillTemplate } from "./ui/personal.tsx";
import { ANONYMOUS } from "./ui/viewer-context.ts";

export interface AppOptions {
  db: Db;
  config: Config;
  cache?: PageCache;
  mailer?: Mailer;
  rateLimits?: RateLimitStore;
  /** Where failures are logged; a JSON-lines logger on stdout at config.logLevel by default. */
  log?: Logger;
  /** The app's metrics; a fresh registry by default (one per app, never prom-client's global one). */
  metrics?: AppMetrics;
  /** What /readyz reports beyond the database: Redis, the newsletter sender, a stop under way (the instance fills it). */
  readiness?: ReadinessSources;
}

const MAX_URL_LENGTH = 4096;
const MAX_FORM_BYTES = 16 * 1024;
/**
 * The editorial forms (a tool's profile, a persona's review) hold a few thousand characters,
 * and text in a non-Latin script grows up to twelvefold when form-encoded.
 */
const MAX_EDITORIAL_FORM_BYTES = 64 * 1024;
const EDITORIAL_PATHS = /^\/(?:panel|admin\/tools)(?:\/|$)/;
/** Pages about one reader: never stored by a browser or the page cache, whoever asks. */
const PERSONAL_PATHS = /^\/(?:account|bookmarks|admin|panel)(?:\/|$)/;

/** What every page shows of its reader: their votes (signed in) and bookmarks. */
async function readerState(c: Context, viewer: Viewer, db: Db): Promise<ReaderState> {
  const [votes, bookmarks] = await Promise.all([
    viewer.user ? votesOf(db, viewer.user.id) : new Map(),
    viewerBookmarks(c, db),
  ]);
  return { votes, bookmarks };
}

/**
 * The signed-in reader behind a Cookie header, as readerState and the viewer middleware would
 * load them, for the pages ReaderPages answers without the app.
 */
function readerLookup(db: Db): ReaderLookup {
  return (cookie, path) => {
    const token = sessionTokenIn(cookie);
    if (!token) return undefined;
    return (async () => {
      const user = await findSessionUser(db, token);
      if (!user) return undefined;
      const [votes, bookmarks] = await Promise.all([votesOf(db, user.id), bookmarksOf(db, user.id)]);
      // masked afresh for every response, as sendPage does (tokens.ts maskToken)
      return { user, csrfToken: maskToken(csrfTokenFor(token)), votes, bookmarks, path };
    })();
  };
}

/** Builds the app; the returned cache must be told of every write (declared writes do it; see src/http/write.ts). */
export function createApp(opts: AppOptions): { app: Hono; deps: Deps; readers: ReaderPages } {
  // made on first use: most apps built in tests never log anything
  let log: Logger | undefined;
  const logger = () => {
    log ??= opts.log ?? createLogger(opts.config);
    return log;
  };
  const deps: Deps = {
    db: opts.db,
    config: opts.config,
    cache: opts.cache ?? new PageCache(opts.config.pageCache),
    mailer:
      opts.mailer ??
      createMailer({
        smtpUrl: opts.config.smtpUrl,
        from: opts.config.mailFrom,
        outboxDir: opts.config.outboxDir,
      }),
    rateLimits: opts.rateLimits ?? new MemoryRateLimitStore(),
    readerState: (c, viewer) => readerState(c, viewer, opts.db),
    apiToken: (token) => findTokenCaller(opts.db, token),
    metrics: opts.metrics ?? createMetrics({ deliveries: () => deliveryCountsByState(opts.db) }),
    background: new BackgroundWork(),
    get log() {
      return logger();
    },
  };
  let errorLog: ErrorLog | undefined;
  const failures = () => {
    errorLog ??= new ErrorLog(logger());
    return errorLog;
  };
  // theses fall due at midnight UTC without a write, so the cached pages go stale then
  if (deps.cache.enabled) clearPagesAtMidnight(deps.cache);
  // the leaderboard recomputes in the background: its failures go to the same log as a request's
  leaderboardJobs(deps, {
    onError: (err) => failures().failure(err, {}, "leaderboard recompute failed"),
  });
  const headers = securityHeaders({ https: opts.config.siteUrl.startsWith("https://") });
  const pageHeaders: Record<string, string> = {
    ...headers,
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-cache",
    // pages differ by cookie (signed in, bookmarks) and by coding (br, gzip, none): shared
    // caches must keep them apart
    vary: varyWithEncoding("Cookie"),
  };
  // the assets are compressed once per process, now, rather than on their first request
  assetVariants();
  const app = new Hono();

  // the matched route pattern, for the request's log line and metrics (a no-op in app.request() tests)
  app.use(noteRoute);
  // outermost after that, so it compresses the final answer, whichever middleware or error handler made it
  app.use(compressResponses());

  app.use(async (c, next) => {
    await next();
    // node refuses to write some header values (a DEL, say): answer with the error page instead of its raw 500
    const bad = unwritableHeader(c.res.headers);
    if (bad) {
      c.res = undefined;
      c.res = withoutUnwritableHeaders(await errorResponse(new Error(`unwritable ${bad} header`), c));
    }
    // a route may answer with a header of its own (the newsletter's email preview needs a CSP with inline styles)
    for (const [k, v] of Object.entries(headers)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
    // a page rendered for one reader (error pages too) must not outlive their sign-out on disk
    const personal = c.get("viewer")?.user || PERSONAL_PATHS.test(c.req.path);
    const storable = !c.res.headers.get("cache-control")?.includes("no-store");
    if (personal && storable && c.res.headers.get("content-type")?.startsWith("text/html")) {
      c.res.headers.set("cache-control", "private, no-store");
    }
  });

  // the JSON API's CORS and per-network rate limit, on whatever answers under /api/; the
  // account's operations need a token: the API's bearer middleware finds it, tokenPrincipal checks its scope
  const api = apiRoutes(deps, {
    // an API pick asks for the same recompute as a form pick
    operations: accountOperations(deps, { onPick: () => leaderboardJobs(deps).schedule() }),
    tags: ACCOUNT_TAGS,
    authorize: tokenPrincipal,
  });
  app.use(...api.edge);

  // Reject addresses that are too long or not valid UTF-8 before any route reads them.
  app.use(async (c, next) => {
    const url = c.req.url;
    if (url.length > MAX_URL_LENGTH)
      throw badRequest("That address is too long. Shorten the search or remove some filters.");
    const rawTarget = url.slice(url.indexOf("/", url.indexOf("//") + 2));
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawTarget.replace(/\+/g, " "));
    } catch {
      throw badRequest(
        "The address contains bytes that are not valid UTF-8 text. Check the link, or type the search again.",
      );
    }
    // no path or search holds a control character (NUL, DEL, a newline): refuse them for every route at once
    if (textProblem(decoded, { lines: false })) {
      throw badRequest(
        "The address contains control characters (such as NUL or a line break). Check the link, or type the search again.",
      );
    }
    // one address per page: no trailing slash, lowercase slugs
    const q = rawTarget.indexOf("?");
    const path = q === -1 ? rawTarget : rawTarget.slice(0, q);
    const tidy =
      path.length > 1
        ? path
            // "//host" would leave the site when used as a Location; one leading slash only
            .replace(/^\/{2,}/, "/")
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
    // a page holding a secret (a sign-in link, the outbox) must not be replayed to anyone else
    if (c.res.headers.get("cache-control")?.includes("no-store")) return;
    const body = Buffer.from(html);
    const etag = etagFor(body);
    // a stored page is compressed once, by the cache, and its bytes serve this request and every hit
    let variants: Variants | undefined;
    const anonymous = PageCache.cacheable(method, c.req.header("cookie"));
    // a page readers share but for their own parts keeps its template for signed-in requests,
    // and can be stored from any reader's render: the template holds nothing of them
    const template = c.get("pageSharedWithReaders") ? c.get("pageTemplate") : undefined;
    if ((anonymous || template) && !c.res.headers.has("set-cookie") && !PERSONAL_PATHS.test(c.req.path)) {
      const url = new URL(c.req.url);
      const path = url.pathname + url.search;
      // the same key tryServe (src/server.ts's fast path) looks up; none for made-up parameters
      const key = cacheKey(path);
      if (key !== undefined) {
        const stored =
          anonymous || !template ? body : Buffer.from(await fillTemplate(template, { ...ANONYMOUS, path }));
        const kept = await deps.cache.keep(
          key,
          {
            status: 200,
            body: stored,
            etag: anonymous ? etag : etagFor(stored),
            headers: pageHeaders,
            template,
            route: routeLabel(c),
          },
          { since: generation, shows: c.get("pageShows") },
        );
        // the variants are the anonymous page's: this reader's own page is compressed per request
        if (anonymous) variants = kept;
      }
    }
    // keep what the route set (cookies, rate-limit headers) on the rebuilt response
    const out = new Headers(c.res.headers);
    for (const [k, v] of Object.entries({ ...pageHeaders, etag })) out.set(k, v);
    if (c.req.header("cookie")) out.set("cache-control", "private, no-cache");
    out.delete("content-length");
    // cleared first: assigning over a response makes Hono read the old one's body, which costs the
    // node adapter a full Response; `out` already holds its headers
    c.res = undefined;
    if (etagMatches(c.req.header("if-none-match"), etag)) {
      c.res = new Response(null, { status: 304, headers: out });
      return;
    }
    // other pages are compressed by compressResponses(), outside this middleware
    const variant = pickVariant(c.req.header("accept-encoding"), variants);
    if (variant) {
      out.set("content-encoding", variant.encoding);
      out.set("etag", variant.etag);
      out.set("content-length", String(variant.body.length));
    }
    const sent = variant?.body ?? body;
    c.res = new Response(method === "HEAD" ? null : sent, { status: 200, headers: out });
  });

  app.use(provideDeps(deps));
  // the API knows its callers by bearer token only (read by the API's own middleware): no
  // session is read there, so a cookie never authorises an API request, and CSRF (a cookie's
  // weakness) does not arise
  const viewer = viewerMiddleware(deps);
  app.use((c, next) => {
    if (!isApiPath(c.req.path)) return viewer(c, next);
    c.set("viewer", SIGNED_OUT);
    return next();
  });
  const tooLarge = () => {
    throw new HttpError(413, "That form is too large", "Forms on this site are small; send less text.");
  };
  const formLimit = bodyLimit({ maxSize: MAX_FORM_BYTES, onError: tooLarge });
  const editorialFormLimit = bodyLimit({ maxSize: MAX_EDITORIAL_FORM_BYTES, onError: tooLarge });
  // /mcp takes JSON-RPC, not forms: it bounds its own body, checks Origin and Host itself and
  // answers in JSON-RPC; it reads no cookie and changes nothing, so CSRF has nothing to guard there;
  // nor under /api/, where no cookie authorises anything
  app.use((c, next) => {
    // a GET has no body to bound; asking for one would make the node adapter build a full Request
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.path === MCP_PATH) return next();
    return (EDITORIAL_PATHS.test(c.req.path) ? editorialFormLimit : formLimit)(c, next);
  });
  const csrf = csrfProtection(siteOrigins(opts.config));
  app.use((c, next) => (isApiPath(c.req.path) || c.req.path === MCP_PATH ? next() : csrf(c, next)));

  // /healthz, /readyz and /metrics: no session, no page cache, no rate limit
  app.route("/", operatorRoutes(deps, opts.readiness ?? {}));

  app.get("/assets/:file", (c) => {
    const asset = assets.get(c.req.path);
    if (!asset) throw notFound("That file does not exist. It may be from an older version of the site.");
    const variant = pickVariant(c.req.header("accept-encoding"), assetVariants().get(asset.path));
    return c.body(variant ? variant.body : asset.body, 200, {
      "content-type": asset.contentType,
      "cache-control": "public, max-age=31536000, immutable",
      vary: "Accept-Encoding",
      ...(variant ? { "content-encoding": variant.encoding } : {}),
    });
  });

  app.route("/", homeRoutes(deps));
  app.route("/", catalogRoutes(deps));
  app.route("/", compareRoutes(deps));
  app.route("/", accountRoutes(deps, { onSignIn: (c, userId) => adoptBrowserBookmarks(c, deps.db, userId) }));
  // a pick asks for a recompute of the boards a few seconds later, outside the request
  app.route("/", communityRoutes(deps, { onPick: () => leaderboardJobs(deps).schedule() }));
  app.route("/", leaderboardRoutes(deps));
  app.route("/", bookmarkRoutes(deps));
  app.route("/", moderationRoutes(deps));
  app.route("/", privacyRoutes(deps));
  app.route("/", newsletterSubscribeRoutes(deps));
  app.route("/", newsletterArchiveRoutes(deps));
  app.route("/", newsletterAdminRoutes(deps));
  app.route("/", catalogAdminRoutes(deps));
  app.route("/", panelRoutes(deps));
  app.route("/", draftingRoutes(deps));
  app.route("/", predictionRoutes(deps));
  app.route("/", syndicationRoutes(deps));
  app.route(API_BASE, api.app);
  app.route("/", api.reference);
  app.route(
    "/",
    mcpRoutes(deps, { onError: (err) => failures().failure(err, { route: MCP_PATH }, "mcp failed") }),
  );

  app.notFound((c) => {
    if (isApiPath(c.req.path)) {
      return errorResponse(
        notFound("There is nothing at this address. The API's operations are listed at /api."),
        c,
      );
    }
    const error = notFound(
      "There is no page at this address. It may have moved, or the link may be mistyped.",
      [
        { href: "/tools", label: "Browse the catalog" },
        { href: "/compare", label: "Compare two tools" },
      ],
    );
    return sendPage(c, <ErrorPage error={error} />, 404);
  });

  /** The error page (or problem JSON) for a thrown error. */
  const errorResponse = async (err: Error, c: Context): Promise<Response> => {
    // an HTTPException's 4xx is a refusal to show as it is; anything else is a failure of ours
    let error = err instanceof HTTPException ? asHttpError(err) : null;
    if (!error) {
      // request data as fields, so a decoded "\n" in the path cannot start a forged line
      // the route pattern, not the path, which may hold a token; the id ties it to the request's line
      failures().failure(
        err,
        { reqId: requestId(c), method: c.req.method, route: routeLabel(c) },
        "request failed",
      );
      error = new HttpError(
        500,
        "Something went wrong on our side",
        "The error has been logged. Please try again in a moment.",
      );
    }
    for (const [k, v] of Object.entries(error.headers)) c.header(k, v);
    if (wantsProblemJson(c)) {
      return c.body(JSON.stringify(problemJson(error, c.req.path, opts.config.siteUrl)), error.status, {
        "content-type": "application/problem+json",
      });
    }
    return sendPage(c, <ErrorPage error={error} />, error.status);
  };
  app.onError(errorResponse);

  // a signed-in reader's page is private to them: the headers the middleware above gives it
  const readers = new ReaderPages(
    deps.cache,
    readerLookup(opts.db),
    { ...pageHeaders, "cache-control": "private, no-store" },
    (err, fields) => failures().failure(err, fields, "signed-in page from its template failed"),
  );
  return { app, deps, readers };
}
