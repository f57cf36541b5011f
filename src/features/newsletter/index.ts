/** The weekly newsletter, as the rest of the app uses it: its routes and its delivery jobs. */
export { newsletterAdminRoutes } from "./admin/index.ts";
export { newsletterArchiveRoutes } from "./archive/index.ts";
export {
  createBulkMailer,
  DeliveryAbortedError,
  type DeliveryProgress,
  deliveryCountsByState,
  resumeSends,
  sendNewIssue,
  startNewsletterJobs,
} from "./delivery/index.ts";
export { type Issue, issuePath, issueSummaryLine, listSentIssues } from "./issues/index.ts";
export { CONFIRM_TTL_MS, newsletterSubscribeRoutes } from "./subscriptions/index.ts";
