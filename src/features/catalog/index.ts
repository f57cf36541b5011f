/** What the catalog feature offers the rest of the app. */
export {
  latestVerdicts,
  listCategories,
  listToolNames,
  listTools,
  SORTS,
  type Sort,
  type ToolFilters,
  type ToolPage,
  toolsByScore,
} from "./listing.ts";
export { catalogFilterFields, MAX_QUERY_LENGTH } from "./query.ts";
export { catalogRoutes, unknownTool } from "./routes.tsx";
export { ToolCard } from "./tool-card.tsx";
