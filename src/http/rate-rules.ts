/** Every rate limit the site applies, in one place. Strictest on what sends email. */
import type { RateRule } from "./rate-limit.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Links for one address from one client network. The sign-in limits count only links sent
 * (see `checkRateLimits`), so a refused request uses up nobody's allowance.
 */
export const SIGN_IN_PER_ADDRESS: RateRule = {
  name: "sign-in-address",
  limit: 5,
  windowMs: HOUR,
  message: "Too many sign-in links were asked for this address.",
};

/**
 * Links mailed to one address from anywhere: a ceiling on mail to one inbox, counted only for
 * mails sent. One network sends an address at most SIGN_IN_PER_ADDRESS links an hour, fewer
 * than this, so it cannot reach the ceiling alone; and the window is short, so the owner
 * waits minutes at most for a link.
 */
export const SIGN_IN_PER_INBOX: RateRule = {
  name: "sign-in-inbox",
  limit: 10,
  windowMs: 10 * MINUTE,
  message: "Many sign-in links were sent to this address in the last few minutes.",
};

export const SIGN_IN_PER_CLIENT: RateRule = {
  name: "sign-in-client",
  limit: 20,
  windowMs: HOUR,
  message: "Too many sign-in links were asked for from your network.",
};

/** Votes per account per minute; the limit comes from VOTE_RATE_LIMIT. */
export function votesPerAccount(limit: number): RateRule {
  return { name: "votes", limit, windowMs: MINUTE, message: "You are voting faster than anyone reads." };
}

/** Picks and bookmarks, per account or (signed out) per client. */
export const WRITES_PER_VIEWER: RateRule = {
  name: "writes",
  limit: 120,
  windowMs: MINUTE,
  message: "Too many changes in a short time.",
};

/** Personal API tokens created per account: a handful a day is normal; a loop is not. */
export const API_TOKENS_PER_ACCOUNT: RateRule = {
  name: "api-tokens",
  limit: 20,
  windowMs: HOUR,
  message: "Too many API tokens were created in the last hour.",
};

/** Moderation actions per admin. */
export const MODERATION_PER_ADMIN: RateRule = {
  name: "moderation",
  limit: 60,
  windowMs: MINUTE,
  message: "Too many moderation actions in a short time.",
};

/**
 * Newsletter sign-ups for one address from one client network: each one mails that inbox (a
 * confirmation or an "already subscribed" notice), so this caps the mail a stranger can aim
 * at it. Like the sign-in limits, counted only for mails sent.
 */
export const NEWSLETTER_PER_ADDRESS: RateRule = {
  name: "newsletter-address",
  limit: 5,
  windowMs: HOUR,
  message: "Too many subscription requests were made for this address.",
};

/**
 * Newsletter mails to one address from anywhere: a ceiling one network cannot reach alone
 * (see NEWSLETTER_PER_ADDRESS), over a short window, so the owner can always subscribe
 * within minutes.
 */
export const NEWSLETTER_PER_INBOX: RateRule = {
  name: "newsletter-inbox",
  limit: 10,
  windowMs: 10 * MINUTE,
  message: "Many subscription mails were sent to this address in the last few minutes.",
};

/** Newsletter sign-ups from one client network, whatever the addresses. */
export const NEWSLETTER_PER_CLIENT: RateRule = {
  name: "newsletter-client",
  limit: 20,
  windowMs: HOUR,
  message: "Too many subscription requests came from your network.",
};

/**
 * Newsletter sends per admin: each one mails every subscriber, so a double click or a
 * stuck button must not turn into a stream of issues.
 */
export const NEWSLETTER_SEND_PER_ADMIN: RateRule = {
  name: "newsletter-send",
  limit: 5,
  windowMs: HOUR,
  message: "Too many newsletter issues were sent in the last hour.",
};

/** Judgements of the Futurist's theses per admin: a handful a day is normal. */
export const PREDICTIONS_PER_ADMIN: RateRule = {
  name: "predictions",
  limit: 30,
  windowMs: MINUTE,
  message: "Too many judgements in a short time.",
};

/** Panel writes per panelist: draft saves, publications, discards and byline changes. */
export const PANEL_WRITES_PER_ACCOUNT: RateRule = {
  name: "panel-writes",
  limit: 60,
  windowMs: MINUTE,
  message: "Too many panel changes in a short time.",
};

/**
 * "Draft with model" presses per panelist: each one sends up to four requests to a model that
 * may bill per token, so a stuck button or a script cannot run up the bill.
 */
export const MODEL_DRAFTS_PER_PANELIST: RateRule = {
  name: "model-drafts",
  limit: 10,
  windowMs: HOUR,
  message: "The model was asked for drafts too often in the last hour.",
};

/** Catalog saves (add or edit a tool) per admin. */
export const CATALOG_EDITS_PER_ADMIN: RateRule = {
  name: "catalog-edits",
  limit: 60,
  windowMs: MINUTE,
  message: "Too many catalog changes in a short time.",
};

/**
 * JSON API requests per client network (an IPv4 address, an IPv6 /64), whatever the path or
 * method, unknown paths and preflights included; the limit comes from API_RATE_LIMIT.
 */
export function apiRequestsPerClient(limit: number): RateRule {
  return {
    name: "api",
    limit,
    windowMs: MINUTE,
    message: "Too many API requests from your network in the last minute.",
  };
}

/**
 * MCP requests per client network (signed out) or account: every JSON-RPC message is one
 * request, and an agent may list, read and call several times for one question. The limit
 * comes from MCP_RATE_LIMIT.
 */
export function mcpRequestsPerClient(limit: number): RateRule {
  return {
    name: "mcp",
    limit,
    windowMs: MINUTE,
    message: "Too many MCP requests from your network in the last minute.",
  };
}
