/**
 * Feeds and badges, as rules with no I/O: their addresses (pages link to them without knowing
 * the feature that serves them), the words of a badge, and how a tool's published revisions
 * and pricing edits become feed entries.
 */
import type { Persona, Verdict } from "./catalog-schema.ts";
import { LENSES } from "./lenses.ts";
import { PANEL_SIZE, type PanelVerdict } from "./panel.ts";
import { panelTimeline } from "./verdict-history.ts";

/** The site-wide feed of new and changed verdicts. */
export const SITE_FEED_PATH = "/feed.xml";

/** A tool's feed: its reviews, verdict changes and pricing changes. */
export function toolFeedPath(slug: string): string {
  return `/tools/${slug}/feed.xml`;
}

/** A category's feed of new and changed verdicts. */
export function categoryFeedPath(slug: string): string {
  return `/categories/${slug}/feed.xml`;
}

/** The feeds' titles, the same in the document and in the pages that announce it. */
export const SITE_FEED_TITLE = "Ship or Skip: new and changed verdicts";

/** A category's feed title. */
export function categoryFeedTitle(categoryName: string): string {
  return `Ship or Skip: ${categoryName} verdicts`;
}

/** A tool's feed title. */
export function toolFeedTitle(toolName: string): string {
  return `${toolName} on Ship or Skip: verdicts, reviews and pricing`;
}

export type BadgeSize = "small" | "large";

/** A tool's verdict badge as SVG; the large one is asked for with ?size=large. */
export function badgeSvgPath(slug: string, size: BadgeSize = "small"): string {
  return `/badge/${slug}.svg${size === "large" ? "?size=large" : ""}`;
}

/** A tool's verdict in the shields.io endpoint format. */
export function badgeJsonPath(slug: string): string {
  return `/badge/${slug}.json`;
}

/** The size a ?size= value names: absent is the usual badge; anything but "large" is undefined. */
export function parseBadgeSize(value: string | undefined): BadgeSize | undefined {
  if (value === undefined || value === "small") return "small";
  return value === "large" ? "large" : undefined;
}

/** What a badge says, and the tone its colour comes from. */
export interface BadgeText {
  label: string;
  message: string;
  tone: "ship" | "skip" | "split" | "pending";
}

export const BADGE_LABEL = "ship or skip";

/** The badge's words for a panel: "ship · 82", "skip · 41", "split · 55" or "in progress · 2/4". */
export function badgeText(panel: {
  verdict: PanelVerdict;
  score: number | null;
  published: number;
}): BadgeText {
  const score = panel.score === null ? "–" : String(Math.round(panel.score));
  switch (panel.verdict) {
    case "ship":
    case "skip":
    case "split":
      return { label: BADGE_LABEL, message: `${panel.verdict} · ${score}`, tone: panel.verdict };
    default:
      return {
        label: BADGE_LABEL,
        message: `in progress · ${Math.min(panel.published, PANEL_SIZE)}/${PANEL_SIZE}`,
        tone: "pending",
      };
  }
}

/** One published revision of a persona review, as much of it as a feed needs. */
export interface FeedRevision {
  /** The revision row's id: stable, so the entry's id is too. */
  id: number;
  persona: Persona;
  revision: number;
  score: number;
  verdict: Verdict;
  summary: string;
  /** ISO-8601 instant. */
  publishedAt: string;
}

/** The tool an event is about: id for stable entry ids, slug and name for readers. */
export interface FeedTool {
  id: number;
  slug: string;
  name: string;
}

/** One change of a pricing field, as the catalog editor's audit entry recorded it. */
export interface PricingFieldChange {
  /** The field without its "pricing." prefix: model, entry, freeTier, license, units, detail, asOf. */
  field: string;
  before?: unknown;
  after?: unknown;
}

/** A saved catalog edit that touched the tool's pricing. */
export interface PricingEdit {
  /** The audit entry's id. */
  id: number;
  at: string;
  changes: PricingFieldChange[];
}

export type FeedEventKind = "review" | "verdict-change" | "revision" | "panel" | "pricing";

/** Something that happened to a tool, in words, ready to become a feed entry. */
export interface FeedEvent {
  kind: FeedEventKind;
  /** Unique and stable across renders: becomes the entry id's tail. */
  key: string;
  /** ISO-8601 instant. */
  at: string;
  title: string;
  summary: string;
  slug: string;
}

const personaName = (p: Persona) => LENSES[p].name;
const roundScore = (n: number) => String(Math.round(n));

/**
 * One event per published revision: a persona's first review, a changed verdict ("now says"),
 * or a revision that keeps the verdict.
 */
export function reviewEvents(tool: FeedTool, revisions: readonly FeedRevision[]): FeedEvent[] {
  const byPersona = new Map<Persona, FeedRevision[]>();
  for (const r of revisions) byPersona.set(r.persona, [...(byPersona.get(r.persona) ?? []), r]);
  const events: FeedEvent[] = [];
  for (const [persona, list] of byPersona) {
    const ordered = [...list].sort((a, b) => a.revision - b.revision);
    ordered.forEach((r, i) => {
      const prev = ordered[i - 1];
      const who = `${tool.name}: ${personaName(persona)}`;
      const base = { key: `review-revision/${r.id}`, at: r.publishedAt, summary: r.summary, slug: tool.slug };
      if (!prev) {
        events.push({ ...base, kind: "review", title: `${who} says ${r.verdict} (${roundScore(r.score)})` });
      } else if (prev.verdict !== r.verdict) {
        events.push({
          ...base,
          kind: "verdict-change",
          title: `${who} now says ${r.verdict} (${roundScore(r.score)}), was ${prev.verdict}`,
        });
      } else {
        events.push({
          ...base,
          kind: "revision",
          title: `${who} revised the review, still ${r.verdict} (${roundScore(r.score)}, was ${roundScore(prev.score)})`,
        });
      }
    });
  }
  return events;
}

function panelPhrase(verdict: Exclude<PanelVerdict, "in-progress">, changed: boolean): string {
  if (verdict === "split") return changed ? "the panel is now split" : "the panel is split";
  return changed ? `the panel now says ${verdict}` : `the panel says ${verdict}`;
}

/**
 * One event each time the panel's verdict appears or changes, replayed from the revisions
 * (publications at one instant count once, as on the tool page's chart).
 */
export function panelEvents(tool: FeedTool, revisions: readonly FeedRevision[]): FeedEvent[] {
  const points = panelTimeline(revisions);
  const events: FeedEvent[] = [];
  let before: PanelVerdict = "in-progress";
  for (const p of points) {
    if (p.verdict !== before && p.verdict !== "in-progress") {
      const changed = before !== "in-progress";
      events.push({
        kind: "panel",
        key: `tool/${tool.id}/panel/${p.at}`,
        at: p.at,
        title: `${tool.name}: ${panelPhrase(p.verdict, changed)} (${roundScore(p.score)})${changed ? `, was ${before}` : ""}`,
        summary: `The four personas stand at ${p.ship} ship and ${p.skip} skip; the panel score is ${roundScore(p.score)} of 100.`,
        slug: tool.slug,
      });
    }
    before = p.verdict;
  }
  return events;
}

const PRICING_FIELD_NAMES: Record<string, string> = {
  model: "pricing model",
  entry: "entry price",
  freeTier: "free tier",
  license: "licence",
  units: "unit prices",
  detail: "pricing notes",
  asOf: "date checked",
};

function shown(value: unknown): string | undefined {
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" || typeof value === "number") return String(value);
  return undefined;
}

/** "entry price: $20/mo → $40/mo", or just the field's name when the values are long or lists. */
function describeChange(c: PricingFieldChange): string {
  const name = PRICING_FIELD_NAMES[c.field] ?? c.field;
  const [before, after] = [shown(c.before), shown(c.after)];
  if (c.field === "detail" || after === undefined) return `${name} changed`;
  return before === undefined ? `${name}: ${after}` : `${name}: ${before} → ${after}`;
}

/**
 * The event for a pricing edit, or undefined when only the date checked moved (the price was
 * confirmed, not changed).
 */
export function pricingEvent(tool: FeedTool, edit: PricingEdit): FeedEvent | undefined {
  const real = edit.changes.filter((c) => c.field !== "asOf" && c.field in PRICING_FIELD_NAMES);
  if (real.length === 0) return undefined;
  const entry = real.find((c) => c.field === "entry");
  const [was, now] = [shown(entry?.before), shown(entry?.after)];
  const title =
    now !== undefined && was !== undefined
      ? `${tool.name}: entry price now ${now}, was ${was}`
      : `${tool.name}: pricing changed`;
  return {
    kind: "pricing",
    key: `catalog-edit/${edit.id}`,
    at: edit.at,
    title,
    summary: `${edit.changes.map(describeChange).join("; ")}.`.replace(/^./, (ch) => ch.toUpperCase()),
    slug: tool.slug,
  };
}

/** The newest events first (ties by key, so the feed's bytes and ETag stay put), at most `limit`. */
export function newestEvents(events: readonly FeedEvent[], limit: number): FeedEvent[] {
  return [...events]
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
    .slice(0, limit);
}

/** The site's and a category's feed: panel verdicts appearing or changing, and personas changing their verdict. */
export function verdictEvents(tool: FeedTool, revisions: readonly FeedRevision[]): FeedEvent[] {
  return [
    ...panelEvents(tool, revisions),
    ...reviewEvents(tool, revisions).filter((e) => e.kind === "verdict-change"),
  ];
}

/** A tool's own feed: every review and revision, the panel's verdict changes and its pricing changes. */
export function toolEvents(
  tool: FeedTool,
  revisions: readonly FeedRevision[],
  pricingEdits: readonly PricingEdit[],
): FeedEvent[] {
  return [
    ...panelEvents(tool, revisions),
    ...reviewEvents(tool, revisions),
    ...pricingEdits.flatMap((e) => pricingEvent(tool, e) ?? []),
  ];
}
