/** What the catalog feature offers the rest of the app. */
export {
  latestVerdicts,
  listCategories,
  listToolNames,
  listTools,
  type Sort,
  type ToolFilters,
  toolsByScore,
} from "./listing.ts";
export { catalogFilterFields, MAX_QUERY_LENGTH } from "./query.ts";
export { catalogRoutes } from "./routes.tsx";
export { ToolCard } from "./tool-card.tsx";
