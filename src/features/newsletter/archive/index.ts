/** The public archive of sent issues and its Atom feed: the app mounts these routes. */
export { newsletterArchiveRoutes } from "./routes.tsx";
