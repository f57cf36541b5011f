/**
 * Atom 1.0 documents (RFC 4287) for the verdict feeds, written by the `feed` library. It writes
 * entry titles and summaries as type="html" in CDATA sections (which it splits safely around
 * "]]>"), so plain text is HTML-escaped first; it passes characters XML 1.0 cannot carry through
 * untouched, so those are dropped first. See docs/decisions/015-feeds-badges-sitemap.md.
 */

import { Feed } from "feed";
import type { FeedEvent } from "../../domain/syndication.ts";
import { xmlText } from "../../ui/xml.ts";

export const ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8";

/** The `updated` of a feed with no entry yet: fixed, so its ETag stays put. */
const EMPTY_FEED_UPDATED = "2026-01-01T00:00:00.000Z";
/** The date in every entry id's tag: URI (RFC 4151); fixed forever, so the ids are. */
const TAG_DATE = "2026";

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Plain text as HTML text, for the library's type="html" title and summary. */
function asHtml(text: string): string {
  return xmlText(text).replace(/[&<>"]/g, (c) => HTML_ESCAPES[c] as string);
}

/** The stable id of an entry: a tag: URI under the site's host name. */
export function entryId(siteUrl: string, key: string): string {
  return `tag:${new URL(siteUrl).hostname},${TAG_DATE}:${key}`;
}

export interface FeedDocument {
  siteUrl: string;
  /** The feed's own path, e.g. "/feed.xml". */
  path: string;
  /** The page the feed follows, e.g. "/" or "/tools/cursor". */
  pagePath: string;
  title: string;
  subtitle: string;
  /** Newest first. */
  events: FeedEvent[];
}

/** The Atom document for a feed's events. */
export function atomFeed(doc: FeedDocument): string {
  const { siteUrl } = doc;
  const updated =
    doc.events
      .map((e) => e.at)
      .sort()
      .at(-1) ?? EMPTY_FEED_UPDATED;
  const feed = new Feed({
    id: `${siteUrl}${doc.path}`,
    title: xmlText(doc.title),
    description: xmlText(doc.subtitle),
    updated: new Date(updated),
    link: `${siteUrl}${doc.pagePath}`,
    feed: `${siteUrl}${doc.path}`,
    author: { name: "Ship or Skip", link: siteUrl },
    generator: false,
  });
  for (const e of doc.events) {
    feed.addItem({
      id: entryId(siteUrl, e.key),
      title: asHtml(e.title),
      link: `${siteUrl}/tools/${e.slug}`,
      date: new Date(e.at),
      description: asHtml(e.summary),
    });
  }
  return `${feed.atom1()}\n`;
}
