/** The newsletter archive as an Atom 1.0 feed (RFC 4287), one entry per sent issue. */

import { html } from "hono/html";
import { type Markup, markupText } from "../../../mail/html.ts";
import { escapeXml } from "../../../ui/xml.ts";
import {
  comparisonFacts,
  type Issue,
  type IssueComparison,
  type IssueParts,
  introParagraphs,
  isEmptyContent,
  issuePath,
  issueSummaryLine,
  moverMove,
  moverVotes,
  NEWSLETTER_NAME,
  SECTION_TITLES,
  verdictFacts,
} from "../issues/index.ts";

/** How many of the latest issues the feed carries. */
export const FEED_ENTRIES = 20;
/** The feed's `updated` before any issue has gone out: fixed, so the feed's ETag stays put. */
const FEED_EPOCH = "2026-01-01T00:00:00.000Z";

export const FEED_PATH = "/newsletter/feed.xml";
export const ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8";

function comparisonItem(c: IssueComparison, siteUrl: string): Markup {
  return html`<li><a href="${siteUrl}${c.path}">${c.a.name} vs ${c.b.name}</a> (${comparisonFacts(c)})</li>`;
}

/** An issue as a plain HTML fragment for feed readers: semantic markup, absolute links, no styles. */
function issueFragmentHtml(issue: Pick<Issue, "intro" | "content">, siteUrl: string): string {
  const p: IssueParts = issue.content;
  const parts: Markup[] = introParagraphs(issue.intro).map(
    (lines) => html`<p>${lines.map((l, i) => (i === 0 ? html`${l}` : html`<br>${l}`))}</p>`,
  );
  if (isEmptyContent(issue.content)) {
    parts.push(
      html`<p>A quiet week: no new verdicts, comparisons or community moves since the last issue.</p>`,
    );
  }
  if (p.verdicts.length > 0) {
    parts.push(
      html`<h2>${SECTION_TITLES.verdicts}</h2><ul>${p.verdicts.map(
        (v) =>
          html`<li><a href="${siteUrl}/tools/${v.slug}">${v.name}</a>: <strong>${v.verdictLabel}</strong> (${verdictFacts(v)}). Best for: ${v.bestFor}</li>`,
      )}</ul>`,
    );
  }
  if (p.comparisons.length > 0) {
    parts.push(
      html`<h2>${SECTION_TITLES.comparisons}</h2><ul>${p.comparisons.map((c) => comparisonItem(c, siteUrl))}</ul>`,
    );
  }
  if (p.movers.length > 0) {
    parts.push(
      html`<h2>${SECTION_TITLES.movers}</h2><ul>${p.movers.map(
        (m) =>
          html`<li><a href="${siteUrl}/tools/${m.slug}">${m.name}</a>: ${moverMove(m)} (${moverVotes(m)})</li>`,
      )}</ul>`,
    );
  }
  if (p.mostCompared) {
    parts.push(
      html`<h2>${SECTION_TITLES.mostCompared}</h2><ul>${comparisonItem(p.mostCompared, siteUrl)}</ul>`,
    );
  }
  return parts.map(markupText).join("\n");
}

/** The entry's summary: the intro's first paragraph, or a count of what the issue holds. */
function issueSummary(issue: Pick<Issue, "intro" | "content">): string {
  const first = introParagraphs(issue.intro)[0]?.join(" ");
  if (!first) return issueSummaryLine(issue.content);
  return first.length <= 280 ? first : `${first.slice(0, 279).trimEnd()}…`;
}

/** The feed document for the latest sent issues (newest first, as listSentIssues returns them). */
export function atomFeed(opts: { issues: Issue[]; siteUrl: string }): string {
  const { siteUrl } = opts;
  const x = escapeXml;
  const stamp = (i: Issue) => i.sentAt ?? i.createdAt;
  const updated = opts.issues.map(stamp).sort().at(-1) ?? FEED_EPOCH;
  const archiveUrl = `${siteUrl}/newsletter/issues`;
  const entries = opts.issues.map((issue) => {
    const url = `${siteUrl}${issuePath(issue.number)}`;
    return `  <entry>
    <id>${x(url)}</id>
    <title type="text">${x(issue.subject)}</title>
    <updated>${x(stamp(issue))}</updated>
    <published>${x(stamp(issue))}</published>
    <link rel="alternate" type="text/html" href="${x(url)}"/>
    <summary type="text">${x(issueSummary(issue))}</summary>
    <content type="html">${x(issueFragmentHtml(issue, siteUrl))}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>${x(archiveUrl)}</id>
  <title type="text">${x(NEWSLETTER_NAME)} · Ship or Skip</title>
  <subtitle type="text">New panel verdicts, new comparisons, community movers and the most compared pair, every week.</subtitle>
  <updated>${x(updated)}</updated>
  <link rel="self" type="application/atom+xml" href="${x(`${siteUrl}${FEED_PATH}`)}"/>
  <link rel="alternate" type="text/html" href="${x(archiveUrl)}"/>
  <author>
    <name>Ship or Skip</name>
    <uri>${x(siteUrl)}</uri>
  </author>
${entries.join("\n")}
</feed>
`;
}
