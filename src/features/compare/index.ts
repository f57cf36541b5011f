/** What the compare feature offers the rest of the app. */
export { compareRoutes } from "./routes.tsx";
export { type FeaturedPair, featuredPairs, homePairs } from "./service.ts";
export { PairList } from "./views.tsx";
