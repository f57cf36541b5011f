/**
 * What the leaderboard pages, the CSVs, the tool pages and the API read: stored boards (never
 * a fit), with the panel and community figures of today beside them for contrast.
 */
import type { Db } from "../../db/types.ts";
import { sharePercent, wilsonLowerBound } from "../../domain/community.ts";
import { type BoardEntryData, OVERALL, type PairData, type StoredBoard } from "./board-data.ts";
import { readBoard, readBoards, readSnapshot, snapshotDays, snapshotsOf, snapshotsOfDay } from "./store.ts";

/** The panel's and the community's figures of a tool, shown beside its head-to-head rating. */
export interface Contrast {
  /** Average published persona score, 0–100; null before any review. */
  panelScore: number | null;
  /** Ship share of community votes, in percent; null without votes. */
  communityShip: number | null;
  communityVotes: number;
}

/** A board with its contrast figures: what the API serves as JSON and the pages render. */
export interface LeaderboardData {
  board: StoredBoard;
  contrast: Record<string, Contrast>;
}

export interface CategoryName {
  slug: string;
  name: string;
}

/** Every category, by name: the boards there can be. */
export async function boardCategories(db: Db): Promise<CategoryName[]> {
  return db.selectFrom("categories").select(["slug", "name"]).orderBy("name").execute();
}

async function contrastFor(db: Db, slugs: readonly string[]): Promise<Record<string, Contrast>> {
  if (slugs.length === 0) return {};
  const rows = await db
    .selectFrom("tools")
    .select(["slug", "panel_score", "community_ship", "community_skip"])
    .where("slug", "in", [...slugs])
    .execute();
  return Object.fromEntries(
    rows.map((r) => [
      r.slug,
      {
        panelScore: r.panel_score === null ? null : Math.round(r.panel_score),
        communityShip: sharePercent(r.community_ship, r.community_ship + r.community_skip),
        communityVotes: r.community_ship + r.community_skip,
      },
    ]),
  );
}

/**
 * A stored board as plain data ("overall" or a category's slug), the current one or a day's
 * snapshot (YYYY-MM-DD); undefined when there is none. For pages and the JSON API.
 */
export async function leaderboardData(
  db: Db,
  scope: string = OVERALL,
  opts: { asOf?: string } = {},
): Promise<LeaderboardData | undefined> {
  const board = opts.asOf ? await readSnapshot(db, scope, opts.asOf) : await readBoard(db, scope);
  if (!board) return undefined;
  return {
    board,
    contrast: await contrastFor(
      db,
      board.tools.map((t) => t.slug),
    ),
  };
}

/** What an as_of day resolves to: the snapshot day shown (the day asked or the nearest earlier), or none before any. */
export interface AsOfDay {
  asked: string;
  /** The day whose snapshot is shown; undefined when no snapshot is that old. */
  shown: string | undefined;
  /** The board's first snapshot day, for the empty state; undefined when it has none. */
  first: string | undefined;
}

/** Today as a UTC day (YYYY-MM-DD): an as_of after it is a day that has not happened yet. */
export function todayUtc(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

/**
 * A board as it stood on a past day: that day's snapshot, or when none was saved that day the
 * nearest earlier one (the board had not changed since as far as anyone can tell); the page and
 * the API both answer this way.
 */
export async function leaderboardAsOf(
  db: Db,
  scope: string,
  asked: string,
): Promise<{ day: AsOfDay; data: LeaderboardData | undefined }> {
  const days = await snapshotDays(db, scope);
  const shown = days.filter((d) => d <= asked).at(-1);
  const data = shown ? await leaderboardData(db, scope, { asOf: shown }) : undefined;
  return { day: { asked, shown, first: days[0] }, data };
}

/** Every current board (or every board of a day's snapshots), overall first then categories by title. */
export async function allBoards(db: Db, opts: { asOf?: string } = {}): Promise<StoredBoard[]> {
  const boards = opts.asOf
    ? new Map((await snapshotsOfDay(db, opts.asOf)).map((b) => [b.scope, b]))
    : await readBoards(db);
  const overall = boards.get(OVERALL);
  const rest = [...boards.values()]
    .filter((b) => b.scope !== OVERALL)
    .sort((a, b) => a.title.localeCompare(b.title));
  return overall ? [overall, ...rest] : rest;
}

/** The days a board has snapshots for, oldest first. */
export async function boardDays(db: Db, scope: string): Promise<string[]> {
  return snapshotDays(db, scope);
}

export interface PickCsvRow {
  a: string;
  b: string;
  winner: string;
  day: string;
  outcome: string;
}

/**
 * Every pick for the open data: the pair (slugs in order), the winner, the UTC day of the pick
 * as it stands, and counted or the reason not ("pending" until the next recompute judges it).
 * No account, network or time finer than the day.
 */
export async function picksForCsv(db: Db): Promise<PickCsvRow[]> {
  const rows = await db
    .selectFrom("picks")
    .innerJoin("tools as low", "low.id", "picks.low_tool_id")
    .innerJoin("tools as high", "high.id", "picks.high_tool_id")
    .innerJoin("tools as win", "win.id", "picks.winner_tool_id")
    .select([
      "low.slug as low",
      "high.slug as high",
      "win.slug as winner",
      "picks.updated_at",
      "picks.outcome",
    ])
    // the order says nothing about who picked: by day, then pair and winner
    .orderBy("picks.updated_at")
    .orderBy("low.slug")
    .orderBy("high.slug")
    .orderBy("win.slug")
    .execute();
  const out = rows.map((r) => {
    const [a, b] = [r.low, r.high].sort() as [string, string];
    return { a, b, winner: r.winner, day: r.updated_at.slice(0, 10), outcome: r.outcome ?? "pending" };
  });
  // within a day, sorted by content rather than time, so the order leaks nothing finer than the day
  return out.sort(
    (x, y) =>
      x.day.localeCompare(y.day) ||
      x.a.localeCompare(y.a) ||
      x.b.localeCompare(y.b) ||
      x.winner.localeCompare(y.winner),
  );
}

/** A tool's head-to-head over time and its best and worst pairs, for its catalog page. */
export interface ToolStanding {
  /** The board every figure below is read from: always the overall board, as on /leaderboard and in the API. */
  scope: string;
  title: string;
  current: BoardEntryData | undefined;
  /** One point per overall snapshot day in which the tool had counted picks. */
  history: { day: string; rating: number; lower: number; upper: number; provisional: boolean }[];
  /** Pairs with counted picks on the overall board, the surest wins (or losses) first (at most three each). */
  best: HeadToHeadRecord[];
  worst: HeadToHeadRecord[];
  /** The tool's line on its category's board, a second figure labelled as such; undefined without one. */
  category?: { scope: string; title: string; entry: BoardEntryData };
}

export interface HeadToHeadRecord {
  slug: string;
  name: string;
  wins: number;
  losses: number;
}

/**
 * The tool's standing on the overall board (the figure /leaderboard and the API show), its
 * history and best and worst head-to-heads on that same board, and its category line beside it.
 */
export async function toolStanding(
  db: Db,
  tool: { slug: string; categorySlug: string },
): Promise<ToolStanding | undefined> {
  const withCategory = tool.categorySlug !== OVERALL;
  const [overall, category] = await Promise.all([
    readBoard(db, OVERALL),
    withCategory ? readBoard(db, tool.categorySlug) : Promise.resolve(undefined),
  ]);
  if (!overall) return undefined;
  const snapshots = await snapshotsOf(db, [OVERALL]);
  const history = snapshots.flatMap(({ day, board }) => {
    const e = findEntry(board, tool.slug);
    return e && e.picks > 0
      ? [{ day, rating: e.rating, lower: e.lower, upper: e.upper, provisional: e.provisional }]
      : [];
  });
  const { best, worst } = bestAndWorst(recordsOf(overall, tool.slug));
  const categoryEntry = category ? findEntry(category, tool.slug) : undefined;
  return {
    scope: OVERALL,
    title: overall.title,
    current: findEntry(overall, tool.slug),
    history,
    best,
    worst,
    category:
      category && categoryEntry && categoryEntry.picks > 0
        ? { scope: category.scope, title: category.title, entry: categoryEntry }
        : undefined,
  };
}

/**
 * The best and worst head-to-heads, at most three each. Ordered by the Wilson lower bound (95%)
 * of the share won (best) or lost (worst), not the raw share: 2 of 2 must not outrank 70 of 100,
 * so pairs with enough picks to mean something come first.
 */
export function bestAndWorst(records: readonly HeadToHeadRecord[]): {
  best: HeadToHeadRecord[];
  worst: HeadToHeadRecord[];
} {
  const total = (r: HeadToHeadRecord) => r.wins + r.losses;
  const surest = (part: (r: HeadToHeadRecord) => number) => (x: HeadToHeadRecord, y: HeadToHeadRecord) =>
    wilsonLowerBound(part(y), total(y)) - wilsonLowerBound(part(x), total(x)) || total(y) - total(x);
  const best = records
    .filter((r) => r.wins > r.losses)
    .sort(surest((r) => r.wins))
    .slice(0, 3);
  const worst = records
    .filter((r) => r.losses > r.wins)
    .sort(surest((r) => r.losses))
    .slice(0, 3);
  return { best, worst };
}

/** A tool's line on a board, wherever it is listed. */
export function findEntry(board: StoredBoard, slug: string): BoardEntryData | undefined {
  return [...board.entries, ...board.separate, ...board.provisional].find((e) => e.slug === slug);
}

function recordsOf(board: StoredBoard, slug: string): HeadToHeadRecord[] {
  const names = new Map(board.tools.map((t) => [t.slug, t.name]));
  return board.pairs.flatMap((p: PairData) => {
    if (p.a !== slug && p.b !== slug) return [];
    const other = p.a === slug ? p.b : p.a;
    const wins = p.a === slug ? p.aWins : p.bWins;
    const losses = p.a === slug ? p.bWins : p.aWins;
    return wins + losses > 0 ? [{ slug: other, name: names.get(other) ?? other, wins, losses }] : [];
  });
}
