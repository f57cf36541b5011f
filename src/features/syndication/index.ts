/** What the syndication feature offers the rest of the app: feeds, badges, the sitemap and robots.txt. */
export { syndicationRoutes } from "./routes.ts";
