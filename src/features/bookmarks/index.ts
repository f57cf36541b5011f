/** Bookmarks: the routes, and the reader's bookmarks for every page. */
export { adoptBrowserBookmarks, viewerBookmarks } from "./reader.ts";
export { bookmarkRoutes } from "./routes.tsx";
export { bookmarkListOf, bookmarksOf, setBookmark } from "./service.ts";
