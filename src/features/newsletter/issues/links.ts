/** Addresses every newsletter message and page links to. */
import { parseId } from "../../../http/ids.ts";

/** The unsubscribe address of a subscriber: a page with a button (GET) and RFC 8058 one-click (POST). */
export function unsubscribeUrl(siteUrl: string, token: string): string {
  return `${siteUrl}/newsletter/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** Where a subscriber picks the categories their issue leads with. */
export function preferencesUrl(siteUrl: string, token: string): string {
  return `${siteUrl}/newsletter/preferences?token=${encodeURIComponent(token)}`;
}

/** The confirmation (double opt-in) address sent to a new subscriber. */
export function confirmUrl(siteUrl: string, token: string): string {
  return `${siteUrl}/newsletter/confirm?token=${encodeURIComponent(token)}`;
}

/** An archived issue's public page. */
export function issuePath(number: number): string {
  return `/newsletter/issues/${number}`;
}

/** An issue number as it appears in an address ("1", "42"), or undefined for anything else. */
export function parseIssueNumber(raw: string): number | undefined {
  return parseId(raw);
}
