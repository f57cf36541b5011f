/**
 * The reader's bookmarks as a request sees them: the account's when signed in, else the
 * browser cookie's; and the cookie's bookmarks moved into the account at sign-in.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import type { Db } from "../../db/types.ts";
import type { ToolRef } from "../../domain/tool.ts";
import { findToolRefs } from "../tools/index.ts";
import { bookmarksOf, mergeBookmarks, parseBrowserBookmarks } from "./service.ts";

export const BOOKMARK_COOKIE = "sos_bookmarks";

declare module "hono" {
  interface ContextVariableMap {
    /** The viewer's bookmarks as this request already loaded them (or just changed them, newer than the cookie). */
    bookmarkRefs: ToolRef[];
  }
}

/** The viewer's bookmarks, reusing what this request already loaded. */
export async function viewerBookmarks(c: Context, db: Db): Promise<ToolRef[]> {
  const loaded = c.get("bookmarkRefs");
  if (loaded) return loaded;
  const user = c.get("viewer")?.user;
  if (user) return bookmarksOf(db, user.id);
  return findToolRefs(db, parseBrowserBookmarks(getCookie(c, BOOKMARK_COOKIE)));
}

/** At sign-in: moves the browser's bookmarks into the account and clears the cookie. */
export async function adoptBrowserBookmarks(c: Context, db: Db, userId: number): Promise<void> {
  const browserBookmarks = parseBrowserBookmarks(getCookie(c, BOOKMARK_COOKIE));
  if (browserBookmarks.length === 0) return;
  await mergeBookmarks(db, { userId, slugs: browserBookmarks });
  deleteCookie(c, BOOKMARK_COOKIE, { path: "/" });
}
