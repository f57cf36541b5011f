/** The JSON API: its routes, the framework other features declare operations with, and the wire shapes the MCP server reuses. */
export {
  API_BASE,
  type ApiOperation,
  type ApiPrincipal,
  type ApiScope,
  type ApiTag,
  type Authorizer,
  type BuiltApi,
  curlExample,
  defineOperation,
  type OpenApiDocument,
  problemSchema,
} from "./framework.ts";
export { closestTools, loadComparison, loadToolDetail, type UnknownSlugs } from "./loaders.ts";
export {
  categoryPayload,
  comparisonPayload,
  headToHeadPayload,
  leaderboardPayload,
  newsletterIssuePayload,
  type PayloadContext,
  predictionsPayload,
  toolDetailPayload,
  toolSummaryPayload,
} from "./payloads.ts";
export { DEFAULT_LIMIT, MAX_LIMIT } from "./reads.ts";
export { type ApiRoutes, type ApiRoutesOptions, apiRoutes } from "./routes.ts";
export * from "./schemas.ts";
