/** Bookmarking tools (in the account, or in a browser cookie when signed out) and /bookmarks. */
import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Deps } from "../../http/deps.ts";
import { badRequest, notFound } from "../../http/errors.ts";
import { isEnhanced, readFields } from "../../http/form.ts";
import { sendFragment, sendPage } from "../../http/page.tsx";
import { WRITES_PER_VIEWER } from "../../http/rate-rules.ts";
import { safeReturnPath } from "../../http/return-path.ts";
import { secureCookies, signedInUser } from "../../http/viewer.ts";
import { write } from "../../http/write.ts";
import { BookmarkButton, BookmarksPanel } from "../../ui/tool-controls.tsx";
import { findToolRefs, getTools } from "../tools/index.ts";
import { BOOKMARK_COOKIE, viewerBookmarks } from "./reader.ts";
import { parseBrowserBookmarks, setBookmark, toggleBrowserBookmark } from "./service.ts";
import { BookmarksPage } from "./views.tsx";

const YEAR_SECONDS = 365 * 24 * 3600;

/** The bookmark routes. */
export function bookmarkRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  const bookmarking = write(deps, {
    permission: "bookmark:edit",
    signedOut: "continue",
    rate: WRITES_PER_VIEWER,
    // anonymous pages never show bookmarks, so no cached page goes stale
    invalidates: "nothing",
  });

  app.on(["POST", "PUT", "DELETE"], "/tools/:slug/bookmark", bookmarking, async (c) => {
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
    if (c.get("viewer").user) {
      await setBookmark(db, { userId: signedInUser(c).id, toolId: tool.id, on });
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
    const refs = await viewerBookmarks(c, db);
    // the page viewer reuses these instead of reading the bookmarks again
    c.set("bookmarkRefs", refs);
    const slugs = refs.map((b) => b.slug);
    const details = await getTools(db, slugs);
    const tools = slugs.flatMap((s) => details.get(s) ?? []);
    return sendPage(c, <BookmarksPage tools={tools} />);
  });

  return app;
}
