/** Bookmarking tools (in the account, or in a browser cookie when signed out) and /bookmarks. */
import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { clientAddress, clientNetwork } from "../../http/client-address.ts";
import type { Deps } from "../../http/deps.ts";
import { badRequest, notFound } from "../../http/errors.ts";
import { isEnhanced, readFields } from "../../http/form.ts";
import { BOOKMARK_COOKIE, sendFragment, sendPage } from "../../http/page.tsx";
import { enforceRateLimit } from "../../http/rate-limit.ts";
import { WRITES_PER_VIEWER } from "../../http/rate-rules.ts";
import { safeReturnPath } from "../../http/return-path.ts";
import { requireUser, secureCookies } from "../../http/viewer.ts";
import { BookmarkButton, BookmarksPanel } from "../../ui/tool-controls.tsx";
import { findToolRefs, getTools } from "../catalog/service.ts";
import { bookmarksOf, parseBrowserBookmarks, setBookmark, toggleBrowserBookmark } from "./service.ts";
import { BookmarksPage } from "./views.tsx";

const YEAR_SECONDS = 365 * 24 * 3600;

/** The bookmark routes. */
export function bookmarkRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  app.on(["POST", "PUT", "DELETE"], "/tools/:slug/bookmark", async (c) => {
    const slug = c.req.param("slug");
    const fields = await readFields(c);
    const returnTo = safeReturnPath(fields.return_to, `/tools/${slug}`);
    const [tool] = await findToolRefs(db, [slug]);
    if (!tool) throw notFound(`There is no tool called “${slug.slice(0, 100)}” to bookmark.`);
    const wanted = c.req.method === "DELETE" ? "no" : c.req.method === "PUT" ? "yes" : fields.bookmarked;
    if (wanted !== "yes" && wanted !== "no") {
      throw badRequest("Say whether to bookmark the tool: bookmarked=yes or bookmarked=no.");
    }
    const on = wanted === "yes";
    const viewer = c.get("viewer");
    const who = viewer.user
      ? `user:${viewer.user.id}`
      : `client:${clientNetwork(clientAddress(c, config.trustProxy))}`;
    await enforceRateLimit(c, deps.rateLimits, WRITES_PER_VIEWER, who);
    if (viewer.user) {
      const user = requireUser(c, "bookmark:edit");
      await setBookmark(db, { userId: user.id, toolId: tool.id, on });
    } else {
      const next = toggleBrowserBookmark(parseBrowserBookmarks(getCookie(c, BOOKMARK_COOKIE)), tool.slug, on);
      setCookie(c, BOOKMARK_COOKIE, next.join("."), {
        path: "/",
        httpOnly: true,
        sameSite: "Lax",
        secure: secureCookies(config),
        maxAge: next.length === 0 ? 0 : YEAR_SECONDS,
      });
      // the fragment below shows the list as the browser will send it next time
      if (isEnhanced(c)) c.set("bookmarkRefs", await findToolRefs(db, next));
    }
    // anonymous pages never show bookmarks, so the page cache stays as it is
    if (!isEnhanced(c)) return c.redirect(returnTo, 303);
    return sendFragment(
      c,
      <>
        <BookmarkButton slug={tool.slug} name={tool.name} />
        <BookmarksPanel />
      </>,
    );
  });

  app.get("/bookmarks", async (c) => {
    const viewer = c.get("viewer");
    const refs = viewer.user
      ? await bookmarksOf(db, viewer.user.id)
      : await findToolRefs(db, parseBrowserBookmarks(getCookie(c, BOOKMARK_COOKIE)));
    // the page viewer reuses these instead of reading the bookmarks again
    c.set("bookmarkRefs", refs);
    const slugs = refs.map((b) => b.slug);
    const details = await getTools(db, slugs);
    const tools = slugs.flatMap((s) => details.get(s) ?? []);
    return sendPage(c, <BookmarksPage tools={tools} />);
  });

  return app;
}
