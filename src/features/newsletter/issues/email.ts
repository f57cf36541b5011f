/**
 * An issue as email: HTML built for mail clients (one table layout, inline styles, no scripts,
 * no images, no stylesheet) and a plain-text part with the same content and links.
 */

import { html, raw } from "hono/html";
import { formatScore } from "../../../domain/panel.ts";
import { type Markup, markupText } from "../../../mail/html.ts";
import { isEmptyContent, issueSummaryLine } from "./content.ts";
import { preferencesUrl, unsubscribeUrl } from "./links.ts";
import type {
  IssueComparison,
  IssueContent,
  IssueMover,
  IssueVerdict,
  Recipient,
  RenderedIssue,
} from "./types.ts";

// ---------------------------------------------------------------------------------------------
// Shaping shared by the email, the feed and the archive page.

/** The parts of an issue that one section shows. */
export interface IssueParts {
  verdicts: IssueVerdict[];
  comparisons: IssueComparison[];
  movers: IssueMover[];
  mostCompared: IssueComparison | null;
}

/**
 * Splits the content for a reader who follows categories: their categories' items lead (null
 * when they follow none), everything else follows, and nothing shows twice.
 */
export function splitByFollowed(
  content: IssueContent,
  followed: readonly string[],
): { followed: IssueParts | null; rest: IssueParts } {
  const all: IssueParts = {
    verdicts: content.verdicts,
    comparisons: content.comparisons,
    movers: content.movers,
    mostCompared: content.mostCompared,
  };
  if (followed.length === 0) return { followed: null, rest: all };
  const mine = new Set(followed);
  const isMine = (x: { category: { slug: string } }) => mine.has(x.category.slug);
  const most = content.mostCompared;
  return {
    followed: {
      verdicts: all.verdicts.filter(isMine),
      comparisons: all.comparisons.filter(isMine),
      movers: all.movers.filter(isMine),
      mostCompared: most && isMine(most) ? most : null,
    },
    rest: {
      verdicts: all.verdicts.filter((x) => !isMine(x)),
      comparisons: all.comparisons.filter((x) => !isMine(x)),
      movers: all.movers.filter((x) => !isMine(x)),
      mostCompared: most && !isMine(most) ? most : null,
    },
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "24 Nov 2026" (UTC): one date format for the email, the archive and the feed. */
function formatDay(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** The period an issue covers, e.g. "17–24 Nov 2026" or "28 Oct – 4 Nov 2026". */
export function formatPeriod(startIso: string, endIso: string): string {
  const s = new Date(startIso);
  const e = new Date(endIso);
  if (s.getUTCFullYear() !== e.getUTCFullYear()) return `${formatDay(startIso)} – ${formatDay(endIso)}`;
  if (s.getUTCMonth() !== e.getUTCMonth()) {
    return `${s.getUTCDate()} ${MONTHS[s.getUTCMonth()]} – ${formatDay(endIso)}`;
  }
  if (s.getUTCDate() === e.getUTCDate()) return formatDay(endIso);
  return `${s.getUTCDate()}–${formatDay(endIso)}`;
}

/** "3 picks", "1 pick". */
function picksLabel(n: number): string {
  return `${n} ${n === 1 ? "pick" : "picks"}`;
}

/** A verdict's figures in one line: category, panel ship share and score. */
export function verdictFacts(v: IssueVerdict): string {
  const score = v.score === null ? null : `panel score ${formatScore(v.score)}`;
  return [v.category.name, v.panelShipLabel, score].filter(Boolean).join(" · ");
}

/** How a mover moved, e.g. "40% → 65% ship" or "first votes: 80% ship". */
export function moverMove(m: IssueMover): string {
  if (m.shipPercentBefore === null) return `first votes: ${m.shipPercentNow}% ship`;
  return `${m.shipPercentBefore}% → ${m.shipPercentNow}% ship`;
}

/** The votes behind a move, e.g. "12 votes this week". */
export function moverVotes(m: IssueMover): string {
  return `${m.votesInPeriod} ${m.votesInPeriod === 1 ? "vote" : "votes"} cast or changed this week`;
}

/** A comparison's figures: category and the picks it drew in the period. */
export function comparisonFacts(c: IssueComparison): string {
  return c.picks > 0 ? `${c.category.name} · ${picksLabel(c.picks)} this week` : c.category.name;
}

/** The intro as paragraphs: blank lines separate them, single line breaks stay. */
export function introParagraphs(intro: string): string[][] {
  return intro
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => p.split("\n").map((l) => l.trim()));
}

export const SECTION_TITLES = {
  followed: "From the categories you follow",
  verdicts: "New panel verdicts",
  comparisons: "New comparisons",
  movers: "Community movers",
  mostCompared: "Most compared pair of the week",
} as const;

// ---------------------------------------------------------------------------------------------
// HTML: one centred table, 600 px wide at most, every style inline.

const FONT = "Arial, Helvetica, sans-serif";
const INK = "#1f2328";
const MUTED = "#57606a";
const LINK = "#1f4fbf";
const RULE = "#d8dee4";

const BADGE_COLORS: Record<string, { bg: string; fg: string }> = {
  Ship: { bg: "#dafbe1", fg: "#116329" },
  Skip: { bg: "#ffebe9", fg: "#a40e26" },
  Split: { bg: "#fff8c5", fg: "#7d4e00" },
};
const BADGE_PENDING = { bg: "#eaeef2", fg: "#424a53" };

function badge(label: string): Markup {
  const c = BADGE_COLORS[label] ?? BADGE_PENDING;
  return html`<span style="display:inline-block;padding:2px 8px;border-radius:10px;background-color:${c.bg};color:${c.fg};font-size:13px;font-weight:bold;line-height:18px">${label}</span>`;
}

function link(href: string, text: string, style = ""): Markup {
  return html`<a href="${href}" style="color:${LINK};text-decoration:underline;${style}">${text}</a>`;
}

function row(content: Markup, style = ""): Markup {
  return html`<tr><td style="padding:0 24px;${style}">${content}</td></tr>`;
}

function heading(text: string, level: 2 | 3 = 2): Markup {
  const size = level === 2 ? "20px" : "17px";
  const tag = raw(`h${level}`);
  return row(
    html`<${tag} style="margin:28px 0 8px;font-family:${FONT};font-size:${size};line-height:1.3;color:${INK}">${text}</${tag}>`,
  );
}

function item(body: Markup): Markup {
  return row(
    html`<div style="padding:12px 0;border-top:1px solid ${RULE};font-family:${FONT};font-size:16px;line-height:1.5;color:${INK}">${body}</div>`,
  );
}

function small(text: string | Markup): Markup {
  return html`<span style="font-size:14px;color:${MUTED}">${text}</span>`;
}

function verdictHtml(v: IssueVerdict, siteUrl: string): Markup {
  return item(
    html`${link(`${siteUrl}/tools/${v.slug}`, v.name, "font-weight:bold")} ${badge(v.verdictLabel)}<br>${small(verdictFacts(v))}<br>Best for: ${v.bestFor}`,
  );
}

function comparisonHtml(c: IssueComparison, siteUrl: string): Markup {
  return item(
    html`${link(`${siteUrl}${c.path}`, `${c.a.name} vs ${c.b.name}`, "font-weight:bold")}<br>${small(comparisonFacts(c))}`,
  );
}

function moverHtml(m: IssueMover, siteUrl: string): Markup {
  return item(
    html`${link(`${siteUrl}/tools/${m.slug}`, m.name, "font-weight:bold")}: ${moverMove(m)}<br>${small(`${m.category.name} · ${moverVotes(m)}`)}`,
  );
}

function partsHtml(p: IssueParts, siteUrl: string, level: 2 | 3): Markup[] {
  const out: Markup[] = [];
  if (p.verdicts.length > 0) {
    out.push(heading(SECTION_TITLES.verdicts, level), ...p.verdicts.map((v) => verdictHtml(v, siteUrl)));
  }
  if (p.comparisons.length > 0) {
    out.push(
      heading(SECTION_TITLES.comparisons, level),
      ...p.comparisons.map((c) => comparisonHtml(c, siteUrl)),
    );
  }
  if (p.movers.length > 0) {
    out.push(heading(SECTION_TITLES.movers, level), ...p.movers.map((m) => moverHtml(m, siteUrl)));
  }
  if (p.mostCompared) {
    out.push(heading(SECTION_TITLES.mostCompared, level), comparisonHtml(p.mostCompared, siteUrl));
  }
  return out;
}

function paragraph(body: Markup | string, style = ""): Markup {
  return row(
    html`<p style="margin:0 0 14px;font-family:${FONT};font-size:16px;line-height:1.55;color:${INK};${style}">${body}</p>`,
  );
}

/** The links at the foot of a message, as [label, url] pairs, the same in both parts. */
function footerLinks(siteUrl: string, recipient: Recipient | undefined): [string, string][] {
  const links: [string, string][] = [["Past issues", `${siteUrl}/newsletter/issues`]];
  if (recipient) {
    links.push(
      ["Choose your categories", preferencesUrl(siteUrl, recipient.unsubscribeToken)],
      ["Unsubscribe", unsubscribeUrl(siteUrl, recipient.unsubscribeToken)],
    );
  } else {
    links.push(["Subscribe", `${siteUrl}/newsletter`]);
  }
  return links;
}

function footerNote(recipient: Recipient | undefined): string {
  return recipient
    ? `You get this email because ${recipient.email} subscribed to Weekly AI Tool Verdicts from Ship or Skip. Unsubscribing takes one click and no sign-in.`
    : "Weekly AI Tool Verdicts comes from Ship or Skip once a week.";
}

export interface RenderIssueInput {
  issue: { number: number; subject: string; intro: string; content: IssueContent };
  /** Absent for the archive and the admin preview: then the message has no personal links. */
  recipient?: Recipient;
  siteUrl: string;
}

function htmlPart(input: RenderIssueInput, split: ReturnType<typeof splitByFollowed>): string {
  const { issue, recipient, siteUrl } = input;
  const body: Markup[] = [];
  body.push(
    row(
      html`<p style="margin:24px 0 4px;font-family:${FONT};font-size:13px;letter-spacing:1px;text-transform:uppercase;color:${MUTED}">${link(siteUrl, "Ship or Skip", `color:${MUTED};text-decoration:none`)} · Issue #${issue.number} · ${formatPeriod(issue.content.periodStart, issue.content.periodEnd)}</p>`,
    ),
    row(
      html`<h1 style="margin:0 0 16px;font-family:${FONT};font-size:26px;line-height:1.25;color:${INK}">Weekly AI Tool Verdicts</h1>`,
    ),
  );
  for (const lines of introParagraphs(issue.intro)) {
    body.push(paragraph(html`${lines.map((l, i) => (i === 0 ? html`${l}` : html`<br>${l}`))}`));
  }
  if (isEmptyContent(issue.content)) {
    body.push(
      paragraph("A quiet week: no new verdicts, comparisons or community moves since the last issue."),
    );
  }
  if (split.followed) {
    body.push(
      row(
        html`<h2 style="margin:28px 0 4px;font-family:${FONT};font-size:22px;line-height:1.3;color:${INK}">${SECTION_TITLES.followed}</h2>`,
      ),
    );
    if (isEmptyContent(split.followed)) {
      body.push(
        paragraph(small("Nothing new in your categories this week; the rest of the catalog follows.")),
      );
    } else {
      body.push(...partsHtml(split.followed, siteUrl, 3));
    }
    if (!isEmptyContent(split.rest)) {
      body.push(
        row(
          html`<h2 style="margin:32px 0 4px;font-family:${FONT};font-size:22px;line-height:1.3;color:${INK}">Across the catalog</h2>`,
        ),
        ...partsHtml(split.rest, siteUrl, 3),
      );
    }
  } else {
    body.push(...partsHtml(split.rest, siteUrl, 2));
  }
  const links = footerLinks(siteUrl, recipient).map(([label, href], i) =>
    i === 0 ? link(href, label, `color:${MUTED}`) : html` · ${link(href, label, `color:${MUTED}`)}`,
  );
  body.push(
    row(
      html`<p style="margin:32px 0 0;padding-top:16px;border-top:1px solid ${RULE};font-family:${FONT};font-size:13px;line-height:1.5;color:${MUTED}">${footerNote(recipient)}</p><p style="margin:8px 0 24px;font-family:${FONT};font-size:13px;line-height:1.5;color:${MUTED}">${links}</p>`,
    ),
  );

  return `<!DOCTYPE html>
${markupText(html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${issue.subject}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${issueSummaryLine(issue.content)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;background-color:#f3f4f6">
<tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid ${RULE};border-radius:8px">
${body}
</table>
</td></tr>
</table>
</body>
</html>`)}`;
}

// ---------------------------------------------------------------------------------------------
// Plain text: the same sections, items and links.

function textParts(p: IssueParts, siteUrl: string, marker: string): string[] {
  const out: string[] = [];
  const section = (title: string, items: string[]) => {
    out.push("", `${marker} ${title}`, "", ...items);
  };
  if (p.verdicts.length > 0) {
    section(
      SECTION_TITLES.verdicts,
      p.verdicts.map(
        (v) =>
          `* ${v.name}: ${v.verdictLabel}\n  ${verdictFacts(v)}\n  Best for: ${v.bestFor}\n  ${siteUrl}/tools/${v.slug}\n`,
      ),
    );
  }
  const comparison = (c: IssueComparison) =>
    `* ${c.a.name} vs ${c.b.name}\n  ${comparisonFacts(c)}\n  ${siteUrl}${c.path}\n`;
  if (p.comparisons.length > 0) section(SECTION_TITLES.comparisons, p.comparisons.map(comparison));
  if (p.movers.length > 0) {
    section(
      SECTION_TITLES.movers,
      p.movers.map(
        (m) =>
          `* ${m.name}: ${moverMove(m)}\n  ${m.category.name} · ${moverVotes(m)}\n  ${siteUrl}/tools/${m.slug}\n`,
      ),
    );
  }
  if (p.mostCompared) section(SECTION_TITLES.mostCompared, [comparison(p.mostCompared)]);
  return out;
}

function textPart(input: RenderIssueInput, split: ReturnType<typeof splitByFollowed>): string {
  const { issue, recipient, siteUrl } = input;
  const lines: string[] = [
    `WEEKLY AI TOOL VERDICTS · ISSUE #${issue.number}`,
    `${formatPeriod(issue.content.periodStart, issue.content.periodEnd)} · Ship or Skip · ${siteUrl}`,
  ];
  for (const p of introParagraphs(issue.intro)) lines.push("", p.join("\n"));
  if (isEmptyContent(issue.content)) {
    lines.push("", "A quiet week: no new verdicts, comparisons or community moves since the last issue.");
  }
  if (split.followed) {
    lines.push("", "", `== ${SECTION_TITLES.followed.toUpperCase()} ==`);
    if (isEmptyContent(split.followed)) {
      lines.push("", "Nothing new in your categories this week; the rest of the catalog follows.");
    } else {
      lines.push(...textParts(split.followed, siteUrl, "--"));
    }
    if (!isEmptyContent(split.rest)) {
      lines.push("", "", "== ACROSS THE CATALOG ==", ...textParts(split.rest, siteUrl, "--"));
    }
  } else {
    lines.push(...textParts(split.rest, siteUrl, "=="));
  }
  lines.push("", "-- ", footerNote(recipient), "");
  for (const [label, href] of footerLinks(siteUrl, recipient)) lines.push(`${label}: ${href}`);
  return `${lines.join("\n").replace(/\n{3,}/g, "\n\n")}\n`;
}

/** Renders one issue for one recipient (or for nobody: the archive and the admin preview). */
export function renderIssueEmail(input: RenderIssueInput): RenderedIssue {
  const split = splitByFollowed(input.issue.content, input.recipient?.followedCategories ?? []);
  return { subject: input.issue.subject, html: htmlPart(input, split), text: textPart(input, split) };
}
