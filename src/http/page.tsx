/** Sends rendered pages and fragments, with the viewer's votes and bookmarks in context. */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type PageTemplate, renderPage } from "../ui/personal.tsx";
import { ANONYMOUS, type PageViewer } from "../ui/viewer-context.ts";
import type { PageScope } from "./page-cache.ts";
import { safeReturnPath } from "./return-path.ts";
import { maskToken } from "./tokens.ts";
import { SIGNED_OUT } from "./viewer.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** The page just rendered, so the cache middleware need not read the body back. */
    pageHtml: string;
    /** What the page shows, for the page cache; every page changes it when not said. */
    pageShows: PageScope;
    /** The page just rendered with its personal parts as holes (ui/personal.tsx). */
    pageTemplate: PageTemplate;
    /** Set by readersShareThisPage: the template is the same for every reader. */
    pageSharedWithReaders: boolean;
  }
}

/**
 * Says what this request's page shows (its tools, pairs, categories and lists), so the page
 * cache drops it only when a write touches one of them. A page that does not say is dropped by
 * every write. Say too little and readers see stale pages: name everything the page reads.
 */
export function pageShows(c: Context, scope: PageScope): void {
  c.set("pageShows", scope);
}

/**
 * Says this request's page differs between readers only in its <Personal> parts: the route and
 * its components read the viewer nowhere else. The page cache then keeps the page's template
 * beside the anonymous page, and a signed-in reader's request is answered by filling in their
 * parts (src/http/reader-pages.ts) instead of running the route. Say it only when it is true:
 * a route that reads the viewer itself would show a signed-in reader the anonymous version.
 */
export function readersShareThisPage(c: Context): void {
  c.set("pageSharedWithReaders", true);
}

/** The page path a form on this request's page should return to. */
function pagePath(c: Context): string {
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

/** The viewer with what pages show of them (votes, bookmarks), loaded by the app's readerState. */
async function loadPageViewer(c: Context): Promise<PageViewer> {
  const viewer = c.get("viewer") ?? SIGNED_OUT;
  const deps = c.get("deps");
  const path = pagePath(c);
  if (!deps) return { ...ANONYMOUS, path };
  const state = await deps.readerState(c, viewer);
  // masked afresh for every response, so compressed pages do not leak it (tokens.ts maskToken)
  const csrfToken = viewer.csrfToken ? maskToken(viewer.csrfToken) : "";
  return { ...ANONYMOUS, user: viewer.user, csrfToken, ...state, path };
}

/** Renders a JSX page to the response. */
export async function sendPage(
  c: Context,
  page: Child,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const viewer = await loadPageViewer(c);
  const shared = c.get("pageSharedWithReaders") === true;
  const { html, template } = await renderPage(page, viewer, { prefix: "<!doctype html>", shared });
  c.set("pageHtml", html);
  c.set("pageTemplate", template);
  return c.html(html, status);
}

/** Renders pieces of a page for the in-place update script; each carries data-swap. */
export async function sendFragment(c: Context, fragment: Child): Promise<Response> {
  const viewer = await loadPageViewer(c);
  viewer.path = safeReturnPath(c.req.header("x-page-path"), viewer.path);
  const { html } = await renderPage(fragment, viewer);
  return c.html(html, 200, {
    "cache-control": "no-store",
  });
}
