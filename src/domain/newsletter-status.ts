/** The states the newsletter's rows move through, as the database stores them. */

/** pending (awaiting confirmation), confirmed, unsubscribed, or bounced (a permanent delivery failure). */
export type SubscriberStatus = "pending" | "confirmed" | "unsubscribed" | "bounced";

/** An issue is sending from its creation until every delivery is settled, then sent. */
export type IssueStatus = "sending" | "sent";

/** pending, sending (leased by a sender), sent, failed (gave up after retries) or bounced. */
export type DeliveryStatus = "pending" | "sending" | "sent" | "failed" | "bounced";
