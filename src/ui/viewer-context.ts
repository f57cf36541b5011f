/** The viewer as pages see it, passed down through a JSX context instead of every prop list. */
import { createContext, useContext } from "hono/jsx";
import type { VoteValue } from "../domain/community.ts";
import type { SessionUser } from "../features/accounts/service.ts";
import type { ToolRef } from "../features/catalog/service.ts";

export interface PageViewer {
  user: SessionUser | null;
  csrfToken: string;
  /** The viewer's community votes, by tool slug. */
  votes: ReadonlyMap<string, VoteValue>;
  /** Bookmarked tools, newest first: the account's, or the browser's when signed out. */
  bookmarks: readonly ToolRef[];
  /** The page's own path and query, where forms send the reader back to. */
  path: string;
}

export const ANONYMOUS: PageViewer = {
  user: null,
  csrfToken: "",
  votes: new Map(),
  bookmarks: [],
  path: "/",
};

export const ViewerContext = createContext<PageViewer>(ANONYMOUS);

/** The current page's viewer. */
export function useViewer(): PageViewer {
  return useContext(ViewerContext);
}

/** Whether the viewer has bookmarked a tool. */
export function isBookmarked(viewer: PageViewer, slug: string): boolean {
  return viewer.bookmarks.some((b) => b.slug === slug);
}
