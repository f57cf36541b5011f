/**
 * What an issue says: the verdicts, comparisons, community movers and most compared pair of one
 * period, read in four queries however busy the week was, then shaped by pure functions.
 */
import { sql } from "kysely";
import type { Db } from "../../../db/types.ts";
import { sharePercent } from "../../../domain/community.ts";
import { comparePath } from "../../../domain/compare-path.ts";
import { type PanelVerdict, panelShipLabel, panelVerdictLabel } from "../../../domain/panel.ts";
import type { IssueComparison, IssueContent, IssueMover, IssueVerdict, NamedRef } from "./types.ts";

/** A half-open period [since, until) of ISO-8601 instants. */
export interface IssuePeriod {
  since: string;
  until: string;
}

/** Caps that keep one issue readable in an inbox, even after a bulk catalog import. */
const MAX_VERDICTS = 12;
const MAX_COMPARISONS = 8;
const MAX_MOVERS = 5;

/** A catalog tool as the issue needs it. */
export interface CatalogTool {
  id: number;
  slug: string;
  name: string;
  bestFor: string;
  /** "YYYY-MM-DD" (starter catalog) or a full ISO instant; a bare date means its UTC midnight. */
  addedAt: string;
  category: NamedRef;
  panel: { ship: number; skip: number; published: number; score: number | null; verdict: PanelVerdict };
}

/** Head-to-head activity on one pair of tools (ids as stored: low < high). */
export interface PairActivity {
  lowId: number;
  highId: number;
  /** The earliest pick still on record for the pair (a withdrawn pick is deleted, so it no longer counts). */
  firstPickAt: string;
  /** Picks created or changed in the period. */
  picksInPeriod: number;
}

/** One tool's community votes at the start of the period, at its end, and in between. */
export interface VoteActivity {
  toolId: number;
  beforeShip: number;
  beforeTotal: number;
  nowShip: number;
  nowTotal: number;
  votesInPeriod: number;
}

/** Whether an ISO instant (or a bare date, read as its UTC midnight) falls in [since, until). */
export function inPeriod(at: string, period: IssuePeriod): boolean {
  // toISOString() strings order as their instants; a bare "YYYY-MM-DD" would sort just before
  // its own midnight, so it is completed first
  const instant = at.length === 10 ? `${at}T00:00:00.000Z` : at;
  return instant >= period.since && instant < period.until;
}

function byScoreThenName(a: CatalogTool, b: CatalogTool): number {
  const sa = a.panel.score ?? Number.NEGATIVE_INFINITY;
  const sb = b.panel.score ?? Number.NEGATIVE_INFINITY;
  if (sa !== sb) return sb - sa;
  return a.name.localeCompare(b.name, "en") || a.slug.localeCompare(b.slug);
}

/** The issue's view of a tool's panel. */
export function toVerdict(tool: CatalogTool): IssueVerdict {
  const { ship, published, score, verdict } = tool.panel;
  return {
    slug: tool.slug,
    name: tool.name,
    category: tool.category,
    bestFor: tool.bestFor,
    verdictLabel: panelVerdictLabel({ verdict, published }),
    panelShipLabel: panelShipLabel({ shipPercent: sharePercent(ship, published) }),
    score,
  };
}

/** Verdicts to lead with: finished panels before those in progress, then by score, then by name. */
export function orderVerdicts(tools: CatalogTool[]): CatalogTool[] {
  const finished = (t: CatalogTool) => (t.panel.verdict === "in-progress" ? 1 : 0);
  return [...tools].sort((a, b) => finished(a) - finished(b) || byScoreThenName(a, b));
}

/** The comparison of two tools, named in the canonical (alphabetical) order of its path. */
function toComparison(x: CatalogTool, y: CatalogTool, picks: number): IssueComparison {
  const [a, b] = x.slug <= y.slug ? [x, y] : [y, x];
  return {
    path: comparePath(a.slug, b.slug),
    a: { slug: a.slug, name: a.name },
    b: { slug: b.slug, name: b.name },
    category: a.category,
    picks,
  };
}

/**
 * New comparisons: pairs first picked in the period (most picked first), then each tool added in
 * the period against the top-scored other tool of its category; each pair once.
 */
export function newComparisons(input: {
  period: IssuePeriod;
  tools: CatalogTool[];
  pairs: PairActivity[];
  limit?: number;
}): IssueComparison[] {
  const byId = new Map(input.tools.map((t) => [t.id, t]));
  const picksOn = new Map(input.pairs.map((p) => [`${p.lowId}:${p.highId}`, p.picksInPeriod]));
  const out: IssueComparison[] = [];
  const seen = new Set<string>();
  const add = (c: IssueComparison) => {
    if (seen.has(c.path)) return;
    seen.add(c.path);
    out.push(c);
  };

  const firstPicked = input.pairs
    .filter((p) => inPeriod(p.firstPickAt, input.period))
    .flatMap((p) => {
      const x = byId.get(p.lowId);
      const y = byId.get(p.highId);
      return x && y ? [toComparison(x, y, p.picksInPeriod)] : [];
    })
    .sort((a, b) => b.picks - a.picks || a.path.localeCompare(b.path));
  for (const c of firstPicked) add(c);

  const added = input.tools
    .filter((t) => inPeriod(t.addedAt, input.period))
    .sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.name.localeCompare(b.name, "en"));
  for (const tool of added) {
    const top = input.tools
      .filter((t) => t.category.slug === tool.category.slug && t.id !== tool.id)
      .sort(byScoreThenName)[0];
    if (!top) continue;
    const key = tool.id < top.id ? `${tool.id}:${top.id}` : `${top.id}:${tool.id}`;
    add(toComparison(tool, top, picksOn.get(key) ?? 0));
  }
  return out.slice(0, input.limit ?? MAX_COMPARISONS);
}

/** The pair with the most picks created or changed in the period, or null when nobody picked. */
export function mostComparedPair(tools: CatalogTool[], pairs: PairActivity[]): IssueComparison | null {
  const byId = new Map(tools.map((t) => [t.id, t]));
  const ranked = pairs
    .filter((p) => p.picksInPeriod > 0 && byId.has(p.lowId) && byId.has(p.highId))
    .map((p) => toComparison(byId.get(p.lowId)!, byId.get(p.highId)!, p.picksInPeriod))
    .sort((a, b) => b.picks - a.picks || a.path.localeCompare(b.path));
  return ranked[0] ?? null;
}

/** How far a mover moved, in percentage points; a tool with no votes before moved 0 (it only started). */
function moverChange(m: Pick<IssueMover, "shipPercentBefore" | "shipPercentNow">): number {
  if (m.shipPercentBefore === null || m.shipPercentNow === null) return 0;
  return Math.abs(m.shipPercentNow - m.shipPercentBefore);
}

/**
 * The biggest community movers: by absolute change in ship %, then by votes in the period.
 * Tools voted on for the first time come after every measured move; a tool whose share did not
 * move at all is left out, whatever its activity.
 */
export function rankMovers(input: {
  tools: CatalogTool[];
  votes: VoteActivity[];
  limit?: number;
}): IssueMover[] {
  const byId = new Map(input.tools.map((t) => [t.id, t]));
  return input.votes
    .filter((v) => v.votesInPeriod > 0 && byId.has(v.toolId))
    .map((v): IssueMover => {
      const tool = byId.get(v.toolId)!;
      return {
        slug: tool.slug,
        name: tool.name,
        category: tool.category,
        shipPercentBefore: sharePercent(v.beforeShip, v.beforeTotal),
        shipPercentNow: sharePercent(v.nowShip, v.nowTotal),
        votesInPeriod: v.votesInPeriod,
      };
    })
    .filter((m) => m.shipPercentNow !== null)
    .filter((m) => m.shipPercentBefore === null || m.shipPercentBefore !== m.shipPercentNow)
    .sort(
      (a, b) =>
        moverChange(b) - moverChange(a) ||
        b.votesInPeriod - a.votesInPeriod ||
        a.name.localeCompare(b.name, "en"),
    )
    .slice(0, input.limit ?? MAX_MOVERS);
}

/** Shapes what the four reads returned into the issue's content. */
export function shapeIssueContent(input: {
  period: IssuePeriod;
  tools: CatalogTool[];
  /** Tools with a review published in the period. */
  publishedToolIds: number[];
  pairs: PairActivity[];
  votes: VoteActivity[];
}): IssueContent {
  const published = new Set(input.publishedToolIds);
  return {
    periodStart: input.period.since,
    periodEnd: input.period.until,
    verdicts: orderVerdicts(input.tools.filter((t) => published.has(t.id)))
      .slice(0, MAX_VERDICTS)
      .map(toVerdict),
    comparisons: newComparisons(input),
    movers: rankMovers(input),
    mostCompared: mostComparedPair(input.tools, input.pairs),
  };
}

const HEADLINE_MAX = 90;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The short headline after "Weekly AI Tool Verdicts #N: ", taken from the issue's strongest item. */
export function issueHeadline(content: IssueContent): string {
  const [first] = content.verdicts;
  if (first) {
    const lead = first.verdictLabel.startsWith("Panel in progress")
      ? `${first.name} gets its first panel reviews`
      : `${first.name} gets a ${first.verdictLabel} verdict`;
    const more = content.verdicts.length - 1;
    return clip(more > 0 ? `${lead}, plus ${more} more` : lead, HEADLINE_MAX);
  }
  if (content.mostCompared) {
    return clip(
      `${content.mostCompared.a.name} vs ${content.mostCompared.b.name} leads the week`,
      HEADLINE_MAX,
    );
  }
  const [comparison] = content.comparisons;
  if (comparison) return clip(`New matchup: ${comparison.a.name} vs ${comparison.b.name}`, HEADLINE_MAX);
  const [mover] = content.movers;
  if (mover) return clip(`${mover.name} is the community's biggest mover`, HEADLINE_MAX);
  return "A quiet week in the catalog";
}

/** One line counting what the issue holds, e.g. "2 new verdicts, 3 comparisons and 1 community mover". */
export function issueSummaryLine(content: IssueContent): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [
    content.verdicts.length > 0 ? count(content.verdicts.length, "new verdict", "new verdicts") : null,
    content.comparisons.length > 0
      ? count(content.comparisons.length, "new comparison", "new comparisons")
      : null,
    content.movers.length > 0 ? count(content.movers.length, "community mover", "community movers") : null,
    content.mostCompared ? "the most compared pair of the week" : null,
  ].filter((p): p is string => p !== null);
  if (parts.length === 0) return "Nothing new was published this week.";
  const last = parts.pop() as string;
  return `${parts.length > 0 ? `${parts.join(", ")} and ${last}` : last}.`;
}

/** Whether an issue (or the part of it one reader follows) has anything to say at all. */
export function isEmptyContent(
  content: Pick<IssueContent, "verdicts" | "comparisons" | "movers" | "mostCompared">,
): boolean {
  return (
    content.verdicts.length === 0 &&
    content.comparisons.length === 0 &&
    content.movers.length === 0 &&
    content.mostCompared === null
  );
}

/** SQL: whether a timestamp column falls in the period. */
function inPeriodSql(column: string, period: IssuePeriod) {
  const ref = sql.ref(column);
  return sql<boolean>`(${ref} >= ${period.since} and ${ref} < ${period.until})`;
}

/** SQL: whether a vote or pick row (by table alias) was cast or changed in the period. */
function touchedIn(alias: string, period: IssuePeriod) {
  return sql<boolean>`(${inPeriodSql(`${alias}.created_at`, period)} or ${inPeriodSql(`${alias}.updated_at`, period)})`;
}

/** Builds an issue's content for [since, until) from the database: four queries in all. */
export async function buildIssueContent(db: Db, period: IssuePeriod): Promise<IssueContent> {
  // The catalog is curated (tens to a few thousand tools): one narrow read of all of it names
  // every tool the other reads mention and ranks each category, with no query per tool.
  const toolRows = await db
    .selectFrom("tools")
    .innerJoin("categories", "categories.id", "tools.category_id")
    .select([
      "tools.id",
      "tools.slug",
      "tools.name",
      "tools.best_for",
      "tools.added_at",
      "tools.panel_ship",
      "tools.panel_skip",
      "tools.panel_published",
      "tools.panel_score",
      "tools.panel_verdict",
      "categories.slug as category_slug",
      "categories.name as category_name",
    ])
    .execute();
  const tools: CatalogTool[] = toolRows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    bestFor: r.best_for,
    addedAt: r.added_at,
    category: { slug: r.category_slug, name: r.category_name },
    panel: {
      ship: r.panel_ship,
      skip: r.panel_skip,
      published: r.panel_published,
      score: r.panel_score,
      verdict: r.panel_verdict,
    },
  }));

  const publishedRows = await db
    .selectFrom("reviews")
    .select("tool_id")
    .distinct()
    .where("status", "=", "published")
    .where("published_at", ">=", period.since)
    .where("published_at", "<", period.until)
    .execute();

  const pairRows = await db
    .selectFrom("picks as p")
    .select([
      "p.low_tool_id",
      "p.high_tool_id",
      (eb) => eb.fn.min("p.created_at").as("first_at"),
      sql<number>`sum(case when ${touchedIn("p", period)} then 1 else 0 end)`.as("active"),
    ])
    // only pairs someone picked on in the period; a pair first picked then has such a pick too
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("picks as q")
          .select(sql`1`.as("one"))
          .whereRef("q.low_tool_id", "=", "p.low_tool_id")
          .whereRef("q.high_tool_id", "=", "p.high_tool_id")
          .where(touchedIn("q", period)),
      ),
    )
    .groupBy(["p.low_tool_id", "p.high_tool_id"])
    .execute();

  // "Before" counts the votes cast before the period with the values they hold now: a changed
  // vote's earlier value is not kept (votes has one row per account and tool), and a vote
  // withdrawn in the period is gone, so neither can be counted as it was.
  const voteRows = await db
    .selectFrom("votes as v")
    .select([
      "v.tool_id",
      sql<number>`sum(case when v.created_at < ${period.since} and v.value = 'ship' then 1 else 0 end)`.as(
        "before_ship",
      ),
      sql<number>`sum(case when v.created_at < ${period.since} then 1 else 0 end)`.as("before_total"),
      sql<number>`sum(case when v.created_at < ${period.until} and v.value = 'ship' then 1 else 0 end)`.as(
        "now_ship",
      ),
      sql<number>`sum(case when v.created_at < ${period.until} then 1 else 0 end)`.as("now_total"),
      sql<number>`sum(case when ${touchedIn("v", period)} then 1 else 0 end)`.as("active"),
    ])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("votes as w")
          .select(sql`1`.as("one"))
          .whereRef("w.tool_id", "=", "v.tool_id")
          .where(touchedIn("w", period)),
      ),
    )
    .groupBy("v.tool_id")
    .execute();

  return shapeIssueContent({
    period,
    tools,
    publishedToolIds: publishedRows.map((r) => r.tool_id),
    // PostgreSQL returns sums as strings (bigint); Number() reads both engines alike
    pairs: pairRows.map((r) => ({
      lowId: r.low_tool_id,
      highId: r.high_tool_id,
      firstPickAt: String(r.first_at),
      picksInPeriod: Number(r.active),
    })),
    votes: voteRows.map((r) => ({
      toolId: r.tool_id,
      beforeShip: Number(r.before_ship),
      beforeTotal: Number(r.before_total),
      nowShip: Number(r.now_ship),
      nowTotal: Number(r.now_total),
      votesInPeriod: Number(r.active),
    })),
  });
}
