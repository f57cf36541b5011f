/** What the predictions feature offers the rest of the app. */
export { clearPagesAtMidnight, predictionRoutes } from "./routes.tsx";
export {
  currentThesisStatus,
  type PredictionsOverview,
  predictionsOverview,
  type ThesisStatus,
} from "./service.ts";
export { OUTCOME_LABELS, PredictionsSection } from "./views.tsx";
