/**
 * Atom 1.0 documents (RFC 4287) for the verdict feeds, written by the `feed` library. It writes
 * entry titles and summaries as type="html" in CDATA sections (which it splits safely around
 * "]]>"), so plain text is HTML-escaped first; it passes characters XML 1.0 cannot carry through
 * untouched, so those are dropped first. See docs/decisions/015-feeds-badges-sitemap.md.
 */
import { Feed } from "feed";
import type { FeedEvent } from "../../domain/syndication.ts";

export const ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8";

/** The `updated` of a feed with no entry yet: fixed, so its ETag stays put. */
const EMPTY_FEED_UPDATED = "2026-01-01T00:00:00.000Z";
/** The date in every entry id's tag: URI (RFC 4151); fixed forever, so the ids are. */
const TAG_DATE = "2026";

/** Whether XML 1.0 can carry a code point (most control characters and lone surrogates it cannot). */
function xmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    cp >= 0x10000
  );
}

/** Text with the characters XML 1.0 cannot carry removed (iterating by code point drops lone surrogates). */
export function xmlText(text: string): string {
  let out = "";
  for (const ch of text) if (xmlChar(ch.codePointAt(0) as number)) out += ch;
  return out;
}

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
