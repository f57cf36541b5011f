/** Sends rendered pages and fragments, with the viewer's votes and bookmarks in context. */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { bookmarksOf, parseBrowserBookmarks } from "../features/bookmarks/service.ts";
import { findToolRefs, type ToolRef } from "../features/catalog/service.ts";
import { votesOf } from "../features/community/service.ts";
import { ANONYMOUS, type PageViewer, ViewerContext } from "../ui/viewer-context.ts";
import { safeReturnPath } from "./return-path.ts";
import { SIGNED_OUT } from "./viewer.ts";

export const BOOKMARK_COOKIE = "sos_bookmarks";

declare module "hono" {
  interface ContextVariableMap {
    /** The page just rendered, so the cache middleware need not read the body back. */
    pageHtml: string;
    /** The viewer's bookmarks as this request already loaded them (or just changed them, newer than the cookie). */
    bookmarkRefs: ToolRef[];
  }
}

/** The page path a form on this request's page should return to. */
function pagePath(c: Context): string {
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

/** The viewer with what pages show of them: votes and bookmarks. */
async function loadPageViewer(c: Context): Promise<PageViewer> {
  const viewer = c.get("viewer") ?? SIGNED_OUT;
  const deps = c.get("deps");
  const path = pagePath(c);
  if (!deps) return { ...ANONYMOUS, path };
  const loaded = c.get("bookmarkRefs");
  if (viewer.user) {
    const [votes, bookmarks] = await Promise.all([
      votesOf(deps.db, viewer.user.id),
      loaded ?? bookmarksOf(deps.db, viewer.user.id),
    ]);
    return { user: viewer.user, csrfToken: viewer.csrfToken, votes, bookmarks, path };
  }
  const bookmarks =
    loaded ?? (await findToolRefs(deps.db, parseBrowserBookmarks(getCookie(c, BOOKMARK_COOKIE))));
  return { ...ANONYMOUS, bookmarks, path };
}

/** Renders a JSX page to the response. */
export async function sendPage(
  c: Context,
  page: Child,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const viewer = await loadPageViewer(c);
  const html = `<!doctype html>${await (<ViewerContext.Provider value={viewer}>{page}</ViewerContext.Provider>).toString()}`;
  c.set("pageHtml", html);
  return c.html(html, status);
}

/** Renders pieces of a page for the in-place update script; each carries data-swap. */
export async function sendFragment(c: Context, fragment: Child): Promise<Response> {
  const viewer = await loadPageViewer(c);
  viewer.path = safeReturnPath(c.req.header("x-page-path"), viewer.path);
  const html = await (<ViewerContext.Provider value={viewer}>{fragment}</ViewerContext.Provider>).toString();
  return c.html(html, 200, {
    "cache-control": "no-store",
  });
}
