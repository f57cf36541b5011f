/** What the catalog-admin feature offers the rest of the app. */
export {
  batchProblems,
  formatProblems,
  type ImportProblem,
  importFormatOf,
  parseImportText,
  planCounts,
  planLines,
  validateRows,
} from "./import.ts";
export { catalogAdminRoutes } from "./routes.tsx";
export { checkAgainstCatalog, loadProfile, planChangedAnything, saveToolProfiles } from "./service.ts";
