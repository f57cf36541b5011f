/**
 * The API's wire shapes built from what the features return: explicit projections, field by
 * field, so nothing reaches a client by accident (no ids, no rows). The MCP server reuses
 * these for its structured output, so a tool reads the same over HTTP and MCP.
 */
import { reviewBylineSentence } from "../../domain/byline.ts";
import { PERSONAS } from "../../domain/catalog-schema.ts";
import { communityLabel } from "../../domain/community.ts";
import { comparePath } from "../../domain/compare-path.ts";
import {
  ACCOUNT_DAILY_CAP,
  BOOTSTRAP_ROUNDS,
  BOOTSTRAP_SEED,
  DISCOUNT_REASONS,
  INTERVAL_LEVEL,
  MIN_OPPONENTS,
  MIN_PICKS,
  NETWORK_DAILY_CAP,
  RATING_BASE,
  RATING_SCALE,
  RIDGE,
  WAITING_PERIOD_HOURS,
} from "../../domain/leaderboard/index.ts";
import { questionLabel } from "../../domain/lenses.ts";
import { type PanelSummary, panelVerdictLine } from "../../domain/panel.ts";
import { pricingRead } from "../../domain/pricing-read.ts";
import { personaName, reviewerSplit } from "../../domain/reviewer-split.ts";
import type { Category, Review, ToolDetail, ToolSummary } from "../../domain/tool.ts";
import {
  type AsOfDay,
  type BoardEntryData,
  type CategoryName,
  type LeaderboardData,
  OVERALL,
  REASON_LABELS,
  type ToolStanding,
} from "../leaderboard/index.ts";
import type { Issue } from "../newsletter/index.ts";
import type { VerdictHistory } from "../panel/index.ts";
import type { PredictionsOverview, ThesisStatus } from "../predictions/index.ts";
import { API_BASE } from "./framework.ts";
import type {
  CategoryPayload,
  ComparisonPayload,
  HeadToHeadPayload,
  LeaderboardEntryPayload,
  LeaderboardPayload,
  NewsletterIssuePayload,
  PredictionsPayload,
  ToolDetailPayload,
  ToolSummaryPayload,
} from "./schemas.ts";

/** Where links point: the site's absolute address (config.siteUrl), no trailing slash. */
export interface PayloadContext {
  siteUrl: string;
}

/** The panel's figures; the score to one decimal, as the site shows it. */
function panelFigures(p: PanelSummary): ToolSummaryPayload["panel"] {
  return {
    verdict: p.verdict,
    score: p.score === null ? null : Math.round(p.score * 10) / 10,
    ship: p.ship,
    skip: p.skip,
    published: p.published,
    shipPercent: p.shipPercent,
  };
}

function toolLinks(ctx: PayloadContext, slug: string): ToolSummaryPayload["links"] {
  return { self: `${ctx.siteUrl}${API_BASE}/tools/${slug}`, page: `${ctx.siteUrl}/tools/${slug}` };
}

/** A tool as lists show it. */
export function toolSummaryPayload(ctx: PayloadContext, t: ToolSummary): ToolSummaryPayload {
  return {
    slug: t.slug,
    name: t.name,
    vendor: t.vendor,
    category: { slug: t.category.slug, name: t.category.name },
    bestFor: t.bestFor,
    panel: panelFigures(t.panel),
    community: {
      ship: t.community.ship,
      skip: t.community.skip,
      total: t.community.total,
      shipPercent: t.community.shipPercent,
      wilsonLower: t.community.wilsonLower,
    },
    pricing: { model: t.pricingModel, entryPrice: t.entryPrice },
    deployment: [...t.deployment],
    addedAt: t.addedAt,
    links: toolLinks(ctx, t.slug),
  };
}

function reviewPayload(r: Review): ToolDetailPayload["reviews"][number] {
  return {
    persona: r.persona,
    personaName: personaName(r.persona),
    score: r.score,
    verdict: r.verdict,
    summary: r.summary,
    lenses: r.answers.map((a) => ({
      key: a.question,
      question: questionLabel(r.persona, a.question),
      answer: a.answer,
    })),
    thesisDate: r.thesisDate,
    timing: r.timing,
    byline: {
      author: r.author,
      provenance: r.provenance,
      modelName: r.modelName,
      text: reviewBylineSentence(r),
    },
    publishedAt: r.publishedAt,
  };
}

function thesisPayload(s: ThesisStatus | null): ToolDetailPayload["prediction"] {
  if (!s) return null;
  if (s.state === "judged") {
    return {
      state: s.state,
      thesisDate: s.thesisDate,
      outcome: s.outcome,
      note: s.note,
      judgedOn: s.judgedOn,
    };
  }
  return { state: s.state, thesisDate: s.thesisDate, outcome: null, note: null, judgedOn: null };
}

/** What a tool's page says, as data, with its head-to-head standing on the overall board when it has one. */
export function toolDetailPayload(
  ctx: PayloadContext,
  t: ToolDetail,
  extra: { history: VerdictHistory; thesis: ThesisStatus | null; standing?: ToolStanding },
): ToolDetailPayload {
  const summary = toolSummaryPayload(ctx, t);
  return {
    slug: t.slug,
    name: t.name,
    vendor: t.vendor,
    category: summary.category,
    bestFor: t.bestFor,
    description: t.description,
    homepage: t.homepage,
    addedAt: t.addedAt,
    deployment: summary.deployment,
    pricing: {
      model: t.pricing.model,
      entryPrice: t.pricing.entry,
      freeTier: t.pricing.freeTier,
      license: t.pricing.license,
      units: t.pricing.units.map((u) => ({ label: u.label, usd: u.usd, unit: u.unit })),
      detail: t.pricing.detail,
      asOf: t.pricing.asOf,
    },
    competitors: t.competitors.map((c) => ({ name: c.name, slug: c.slug })),
    panel: summary.panel,
    reviews: PERSONAS.flatMap((p) => {
      const r = t.reviews[p];
      return r ? [reviewPayload(r)] : [];
    }),
    community: summary.community,
    headToHead: extra.standing ? headToHeadPayload(ctx, extra.standing) : null,
    prediction: thesisPayload(extra.thesis),
    verdictHistory: {
      revisions: extra.history.revisions.map((r) => ({
        persona: r.persona,
        revision: r.revision,
        score: r.score,
        verdict: r.verdict,
        author: r.author,
        provenance: r.provenance,
        modelName: r.modelName,
        publishedAt: r.publishedAt,
      })),
      timeline: extra.history.timeline.map((p) => ({
        at: p.at,
        score: Math.round(p.score * 10) / 10,
        verdict: p.verdict,
        ship: p.ship,
        skip: p.skip,
        published: p.published,
      })),
    },
    links: summary.links,
  };
}

/**
 * Two to four tools side by side: the decision table, each persona's scorecard, and for every
 * pair (in the order asked) the reviewer split and the pricing read. The site's comparison page
 * shows one pair; the domain's split and pricing read stay pairwise, so more tools give more pairs.
 */
export function comparisonPayload(ctx: PayloadContext, tools: readonly ToolDetail[]): ComparisonPayload {
  const pairs: ComparisonPayload["pairs"] = [];
  for (let i = 0; i < tools.length; i++) {
    for (let j = i + 1; j < tools.length; j++) {
      const a = tools[i] as ToolDetail;
      const b = tools[j] as ToolDetail;
      const split = reviewerSplit(a, b);
      pairs.push({
        a: a.slug,
        b: b.slug,
        reviewerSplit: {
          line: split.line,
          rows: split.rows.map((r) => ({
            persona: r.persona,
            diff: r.diff,
            verdictsDiffer: r.verdictsDiffer,
            leans: r.leans === "a" ? a.slug : r.leans === "b" ? b.slug : r.leans,
          })),
        },
        pricingRead: pricingRead(a, b),
        links: { page: `${ctx.siteUrl}${comparePath(a.slug, b.slug)}` },
      });
    }
  }
  return {
    tools: tools.map((t) => toolSummaryPayload(ctx, t)),
    decisionTable: tools.map((t) => ({
      slug: t.slug,
      panelVerdict: panelVerdictLine(t.panel),
      community: communityLabel(t.community),
      pricing: t.pricing.detail,
      bestFor: t.bestFor,
      category: { slug: t.category.slug, name: t.category.name },
    })),
    scorecard: PERSONAS.map((persona) => ({
      persona,
      personaName: personaName(persona),
      tools: tools.map((t) => {
        const r = t.reviews[persona];
        return {
          slug: t.slug,
          score: r?.score ?? null,
          verdict: r?.verdict ?? null,
          summary: r?.summary ?? null,
        };
      }),
    })),
    pairs,
  };
}

/** A category with its links. */
export function categoryPayload(ctx: PayloadContext, c: Category): CategoryPayload {
  return {
    slug: c.slug,
    name: c.name,
    description: c.description,
    toolCount: c.toolCount,
    links: {
      self: `${ctx.siteUrl}${API_BASE}/categories/${c.slug}`,
      page: `${ctx.siteUrl}/categories/${c.slug}`,
    },
  };
}

/** The Futurist's theses and the track records, as /methodology shows them. */
export function predictionsPayload(o: PredictionsOverview): PredictionsPayload {
  return {
    pastDue: o.pastDue.map((p) => ({
      id: p.id,
      tool: { slug: p.tool.slug, name: p.tool.name },
      thesis: p.thesis,
      thesisDate: p.thesisDate,
      statedOn: p.statedOn,
      futuristVerdict: p.futuristVerdict,
      current: p.current,
      outcome: p.outcome,
      note: p.note,
      resolvedAt: p.resolvedAt,
    })),
    awaiting: o.awaiting,
    upcoming: o.upcoming,
    nextDue: o.nextDue,
    trackRecords: {
      futurist: { ...o.records.futurist },
      personas: o.records.personas.map((r) => ({
        persona: r.persona,
        agreed: r.agreed,
        judged: r.judged,
        rate: r.rate,
      })),
    },
  };
}

/** A sent newsletter issue, with what it reported. */
export function newsletterIssuePayload(
  ctx: PayloadContext,
  issue: Issue,
  summary: string,
  path: string,
): NewsletterIssuePayload {
  return {
    number: issue.number,
    subject: issue.subject,
    intro: issue.intro,
    summary,
    periodStart: issue.content.periodStart,
    periodEnd: issue.content.periodEnd,
    sentAt: issue.sentAt,
    verdicts: issue.content.verdicts.map((v) => ({
      slug: v.slug,
      name: v.name,
      verdict: v.verdictLabel,
      score: v.score === null ? null : Math.round(v.score * 10) / 10,
    })),
    comparisons: issue.content.comparisons.map((c) => ({ a: c.a.slug, b: c.b.slug, picks: c.picks })),
    links: { page: `${ctx.siteUrl}${path}` },
  };
}

/** Ratings and bounds to one decimal, shares to three: what a reader can tell apart. */
const oneDecimal = (x: number) => Math.round(x * 10) / 10;
const threeDecimals = (x: number) => Math.round(x * 1000) / 1000;

function boardPath(scope: string): string {
  return scope === OVERALL ? "/leaderboard" : `/leaderboard/${scope}`;
}

/** A tool's overall head-to-head rating and its history, from its standing on the overall board; null without counted picks. */
export function headToHeadPayload(ctx: PayloadContext, standing: ToolStanding): HeadToHeadPayload | null {
  const e = standing.current;
  if (!e || e.picks === 0) return null;
  return {
    board: OVERALL,
    rating: oneDecimal(e.rating),
    interval: { lower: oneDecimal(e.lower), upper: oneDecimal(e.upper) },
    rank: e.rank,
    tied: e.tied,
    provisional: e.provisional,
    picks: e.picks,
    wins: e.wins,
    opponents: e.opponents,
    winRate: e.winRate === null ? null : threeDecimals(e.winRate),
    history: standing.history.map((h) => ({
      day: h.day,
      rating: oneDecimal(h.rating),
      interval: { lower: oneDecimal(h.lower), upper: oneDecimal(h.upper) },
      provisional: h.provisional,
    })),
    links: { board: `${ctx.siteUrl}${API_BASE}/leaderboard` },
  };
}

function leaderboardEntryPayload(
  ctx: PayloadContext,
  e: BoardEntryData,
  contrast: LeaderboardData["contrast"],
): LeaderboardEntryPayload {
  const c = contrast[e.slug];
  return {
    rank: e.rank,
    tied: e.tied,
    slug: e.slug,
    name: e.name,
    rating: oneDecimal(e.rating),
    interval: { lower: oneDecimal(e.lower), upper: oneDecimal(e.upper) },
    picks: e.picks,
    wins: e.wins,
    opponents: e.opponents,
    winRate: e.winRate === null ? null : threeDecimals(e.winRate),
    provisional: e.provisional,
    needs: e.provisional ? { picks: e.needs.picks, opponents: e.needs.opponents } : null,
    component: e.component,
    panelScore: c?.panelScore ?? null,
    communityShip: c?.communityShip ?? null,
    links: toolLinks(ctx, e.slug),
  };
}

/**
 * A board as data: its ranked, separate and provisional tools, the picks counted and discounted
 * by reason, its groups when disconnected, and the method's constants. Without a stored board
 * (before the first recompute, or no snapshot that day) it is an empty board that says why.
 */
export function leaderboardPayload(
  ctx: PayloadContext,
  opts: {
    scope: string;
    category: CategoryName | null;
    asOf: string | null;
    data: LeaderboardData | undefined;
    /** With as_of: the snapshot day actually served (the day asked or the nearest earlier). */
    day?: AsOfDay;
  },
): LeaderboardPayload {
  const { scope, category, data, day } = opts;
  // the day served, so a client reading asOf knows which snapshot it holds
  const asOf = day?.shown ?? opts.asOf;
  const board = data?.board;
  const contrast = data?.contrast ?? {};
  const entry = (e: BoardEntryData) => leaderboardEntryPayload(ctx, e, contrast);
  const query = asOf ? `?as_of=${asOf}` : "";
  const ranked = board ? board.entries.length + board.separate.length : 0;
  let message: string | null = null;
  if (day && day.shown !== day.asked) {
    message = day.shown
      ? `No board was saved on ${day.asked}; this is ${day.shown}, the nearest earlier day with a snapshot.`
      : day.first
        ? `No board had been saved by ${day.asked}: this board's first snapshot is from ${day.first}. Leave out as_of for the current board.`
        : `No board had been saved by ${day.asked}: this board has no snapshot yet (one is kept each day once readers have picked). Leave out as_of for the current board.`;
  }
  if (!board) {
    message ??=
      "No picks have been counted on this board yet. Pick a winner on any comparison (/compare) and the board fills in after the next recompute.";
  } else if (ranked === 0 && message === null) {
    message =
      board.counted === 0
        ? "No picks have been counted on this board yet. Pick a winner on any comparison (/compare) and the board fills in after the next recompute."
        : `No tool has enough counted picks to be ranked yet: each needs ${MIN_PICKS} picks against ${MIN_OPPONENTS} different tools. See "provisional" for what each still needs.`;
  }
  return {
    board: scope,
    title: board?.title ?? (category ? category.name : "All categories"),
    category: category ? { slug: category.slug, name: category.name } : null,
    asOf,
    computedAt: board?.computedAt ?? null,
    message,
    counted: board?.counted ?? 0,
    discounted: DISCOUNT_REASONS.map((reason) => ({
      reason,
      label: REASON_LABELS[reason],
      picks: board?.discounted[reason] ?? 0,
    })),
    connected: board?.connected ?? true,
    entries: (board?.entries ?? []).map(entry),
    separate: (board?.separate ?? []).map(entry),
    provisional: (board?.provisional ?? []).map(entry),
    components:
      board && !board.connected
        ? board.components.map((g) => ({ index: g.index, slugs: [...g.slugs], picks: g.picks }))
        : [],
    method: {
      model: "bradley-terry",
      ratingBase: RATING_BASE,
      ratingScale: RATING_SCALE,
      ridge: RIDGE,
      interval: "bootstrap",
      intervalLevel: INTERVAL_LEVEL,
      bootstrapRounds: BOOTSTRAP_ROUNDS,
      bootstrapSeed: BOOTSTRAP_SEED,
      minPicks: MIN_PICKS,
      minOpponents: MIN_OPPONENTS,
      accountDailyCap: ACCOUNT_DAILY_CAP,
      networkDailyCap: NETWORK_DAILY_CAP,
      waitingPeriodHours: WAITING_PERIOD_HOURS,
    },
    links: {
      self: `${ctx.siteUrl}${API_BASE}/leaderboard${scope === OVERALL ? query : `?category=${scope}${asOf ? `&as_of=${asOf}` : ""}`}`,
      page: `${ctx.siteUrl}${boardPath(scope)}${query}`,
      csv: `${ctx.siteUrl}/leaderboard/picks.csv`,
    },
  };
}
