/** Bookmarks: an account's saved tools, and the signed-out ones kept in a browser cookie. */

import { prepared } from "../../db/prepared.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import { findToolRefs, type ToolRef } from "../tools/index.ts";

/** At most this many bookmarks are kept in a signed-out browser. */
const MAX_BROWSER_BOOKMARKS = 50;

/** Adds or removes one bookmark of an account. */
export async function setBookmark(
  db: Db,
  opts: { userId: number; toolId: number; on: boolean; now?: number },
): Promise<void> {
  if (opts.on) {
    await db
      .insertInto("bookmarks")
      .values({
        user_id: opts.userId,
        tool_id: opts.toolId,
        created_at: iso(opts.now),
      })
      .onConflict((oc) => oc.columns(["user_id", "tool_id"]).doNothing())
      .execute();
  } else {
    await db
      .deleteFrom("bookmarks")
      .where("user_id", "=", opts.userId)
      .where("tool_id", "=", opts.toolId)
      .execute();
  }
}

/** An account's bookmarked tools, newest first. */
export async function bookmarksOf(db: Db, userId: number): Promise<ToolRef[]> {
  return bookmarksOfAccount(db, userId);
}

/** Read on every page a signed-in reader sees, so built once (db/prepared.ts). */
const bookmarksOfAccount = prepared(1, (db, userId: number) =>
  db
    .selectFrom("bookmarks")
    .innerJoin("tools", "tools.id", "bookmarks.tool_id")
    .select(["tools.id", "tools.slug", "tools.name"])
    .where("bookmarks.user_id", "=", userId)
    .orderBy("bookmarks.created_at", "desc")
    .orderBy("tools.name"),
);

/** An account's bookmarks with the date each was added, newest first (the API lists these). */
export async function bookmarkListOf(
  db: Db,
  userId: number,
): Promise<{ slug: string; name: string; bookmarkedAt: string }[]> {
  const rows = await db
    .selectFrom("bookmarks")
    .innerJoin("tools", "tools.id", "bookmarks.tool_id")
    .select(["tools.slug", "tools.name", "bookmarks.created_at"])
    .where("bookmarks.user_id", "=", userId)
    .orderBy("bookmarks.created_at", "desc")
    .orderBy("tools.name")
    .execute();
  return rows.map((r) => ({ slug: r.slug, name: r.name, bookmarkedAt: r.created_at }));
}

/** Moves a browser's bookmarks into an account on sign-in; returns how many were new. */
export async function mergeBookmarks(
  db: Db,
  opts: { userId: number; slugs: string[]; now?: number },
): Promise<number> {
  const tools = await findToolRefs(db, opts.slugs.slice(0, MAX_BROWSER_BOOKMARKS));
  if (tools.length === 0) return 0;
  const at = iso(opts.now);
  const r = await db
    .insertInto("bookmarks")
    .values(tools.map((t) => ({ user_id: opts.userId, tool_id: t.id, created_at: at })))
    .onConflict((oc) => oc.columns(["user_id", "tool_id"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

/** Reads the signed-out bookmark cookie: slugs separated by dots, newest first. */
export function parseBrowserBookmarks(cookie: string | undefined): string[] {
  if (!cookie) return [];
  const slugs = cookie.split(".").filter((s) => /^[a-z0-9-]{1,80}$/.test(s));
  return [...new Set(slugs)].slice(0, MAX_BROWSER_BOOKMARKS);
}

/** Writes the signed-out bookmark list with one slug added or removed. */
export function toggleBrowserBookmark(slugs: string[], slug: string, on: boolean): string[] {
  const rest = slugs.filter((s) => s !== slug);
  return (on ? [slug, ...rest] : rest).slice(0, MAX_BROWSER_BOOKMARKS);
}
