/**
 * Getting issues to subscribers: the durable delivery queue, sending a new issue or finishing
 * interrupted ones, and the weekly schedule. The admin page, the server's boot and the
 * `newsletter:send` command use it through here.
 */
export {
  type DeliveryProgress,
  deliveryCountsByState,
  deliveryProgress,
  deliveryProgressOf,
} from "./queue.ts";
export { DeliveryAbortedError } from "./run.ts";
export { startNewsletterJobs } from "./scheduler.ts";
export { createBulkMailer, type NewsletterSendDeps, resumeSends, sendNewIssue } from "./send.ts";
