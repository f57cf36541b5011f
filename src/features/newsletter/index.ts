/** What the newsletter feature offers the rest of the app. */
export { newsletterAdminRoutes } from "./admin-routes.tsx";
export { newsletterArchiveRoutes } from "./archive-routes.tsx";
export { DeliveryAbortedError, type DeliveryProgress } from "./delivery.ts";
export { createProgressWriter, type ProgressWriter } from "./progress.ts";
export { parseSchedule } from "./schedule.ts";
export { startNewsletterJobs } from "./scheduler.ts";
export { createBulkMailer, resumeSends, sendNewIssue } from "./send.ts";
export { newsletterSubscribeRoutes } from "./subscribe-routes.tsx";
