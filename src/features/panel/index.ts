/** What the panel feature offers the rest of the app. */
export {
  anySignal,
  createLlmClient,
  type LlmClientOptions,
  messageScrubber,
  redactEndpoint,
} from "./drafting/client.ts";
export { draftingRoutes } from "./drafting/routes.tsx";
export {
  type DraftingDeps,
  draftAllMissing,
  draftPanel,
  type PersonaOutcome,
  parsePersonaNames,
  type ToolDraftReport,
  tally,
} from "./drafting/service.ts";
export { panelRoutes } from "./routes.tsx";
export { publishRevision } from "./store.ts";
export { recomputePanel, type VerdictHistory, verdictHistory } from "./verdicts.ts";
