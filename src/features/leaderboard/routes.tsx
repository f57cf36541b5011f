/** The leaderboard's pages and open data; every one reads stored boards only. */

import { type Context, Hono } from "hono";
import { type CachedBody, cachedGet } from "../../http/cached-get.ts";
import type { Deps } from "../../http/deps.ts";
import { badRequest, notFound } from "../../http/errors.ts";
import { pageShows, readersShareThisPage, sendPage } from "../../http/page.tsx";
import type { PageScope } from "../../http/page-cache.ts";
import { formatDate } from "../../ui/labels.ts";
import { OVERALL, type StoredBoard } from "./board-data.ts";
import {
  type AsOfDay,
  allBoards,
  boardCategories,
  boardDays,
  type LeaderboardData,
  leaderboardAsOf,
  leaderboardData,
  picksForCsv,
  todayUtc,
} from "./service.ts";
import {
  BoardPage,
  type BoardPageProps,
  type BoardSort,
  LeaderboardIndexPage,
  PairsPage,
  parseSort,
  SORTS,
} from "./views.tsx";

const SLUG = /^[a-z0-9-]{1,80}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The order from ?sort= ("col", or "-col" reversed), rank when absent; an unknown one is a 400 naming the choices. */
function sortOf(c: Context, back: string): BoardSort {
  const raw = c.req.query("sort");
  if (raw === undefined || raw === "") return { col: "rank", dir: "ascending" };
  const found = parseSort(raw);
  if (found) return found;
  throw badRequest(
    `A board sorts by one of: ${Object.keys(SORTS).join(", ")}; put a minus before one (such as -rating) to reverse it.`,
    [{ href: back, label: "The board in rank order" }],
  );
}

/** The pairs pages have one order: any ?sort= there is refused as an unknown one is on the boards. */
function refuseSort(c: Context, back: string): void {
  const raw = c.req.query("sort");
  if (raw === undefined || raw === "") return;
  throw badRequest("The list of pairs has one order and cannot be sorted; leave out “sort”.", [
    { href: back, label: "Every pair" },
  ]);
}

/** The day from ?as_of=YYYY-MM-DD, undefined when absent; a malformed or impossible date is a 400. */
function asOfOf(c: Context, back: string): string | undefined {
  const raw = c.req.query("as_of");
  if (raw === undefined || raw === "") return undefined;
  const valid = DAY.test(raw) && new Date(`${raw}T00:00:00Z`).toISOString().startsWith(raw);
  if (!valid) {
    throw badRequest("“as_of” is a date written YYYY-MM-DD, such as 2026-12-07.", [
      { href: back, label: "The current board" },
    ]);
  }
  return raw;
}

/** One CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string | number | boolean | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document, cached like a page (ETag, 304, the page cache) until the next write. */
function csv(
  name: string,
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | null)[])[],
): CachedBody {
  return {
    body: `${[header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n")}\r\n`,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `inline; filename="${name}"`,
      "cache-control": "no-cache",
    },
  };
}

/** The rows of /leaderboard.csv for one board: ranked, separate groups, then provisional tools. */
function boardRows(board: StoredBoard) {
  return [...board.entries, ...board.separate, ...board.provisional].map((e) => [
    board.scope,
    e.rank,
    e.tied,
    e.provisional,
    e.component,
    e.slug,
    e.name,
    e.rating.toFixed(3),
    e.lower.toFixed(3),
    e.upper.toFixed(3),
    e.picks,
    e.wins,
    e.opponents,
    e.winRate === null ? null : e.winRate.toFixed(4),
  ]);
}

/** What a board's pages and files show: the boards, and the tools' names, scores and figures. */
const ON_A_BOARD: PageScope = { lists: ["leaderboard"], figures: true };

/** The leaderboard routes. */
export function leaderboardRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  /**
   * The board of a scope now, or as it stood on an as_of day (that day's snapshot or the nearest
   * earlier one). A day after today is refused with a message for the form: the API answers 400 too.
   */
  async function boardAt(
    asOf: string | undefined,
    scope: string,
  ): Promise<{ data: LeaderboardData | undefined; day?: AsOfDay; asOfError?: string }> {
    if (!asOf) return { data: await leaderboardData(db, scope) };
    if (asOf > todayUtc()) {
      return {
        data: undefined,
        asOfError: `${formatDate(asOf)} has not happened yet: choose today or an earlier day.`,
      };
    }
    return leaderboardAsOf(db, scope, asOf);
  }

  /** The board page's props for a scope, the current board or an as_of day's snapshot. */
  async function boardProps(c: Context, scope: string, title: string, path: string): Promise<BoardPageProps> {
    pageShows(c, ON_A_BOARD);
    readersShareThisPage(c);
    const sort = sortOf(c, path);
    const asOf = asOfOf(c, path);
    const [at, days, categories] = await Promise.all([
      boardAt(asOf, scope),
      boardDays(db, scope),
      boardCategories(db),
    ]);
    return {
      scope,
      title,
      ...at,
      sort,
      asOf,
      days,
      categories,
      canonical: `${config.siteUrl}${path}`,
    };
  }

  /** 400 when the as_of day was refused, so the page says so to browsers and crawlers alike. */
  const statusOf = (props: { asOfError?: string }) => (props.asOfError ? 400 : 200);

  app.get("/leaderboard", async (c) => {
    const props = await boardProps(c, OVERALL, "All categories", "/leaderboard");
    // the category summaries come from the same snapshot day as the board above them
    const summaries =
      props.asOfError || (props.day && !props.day.shown)
        ? []
        : await allBoards(db, { asOf: props.day?.shown });
    return sendPage(c, <LeaderboardIndexPage {...props} summaries={summaries} />, statusOf(props));
  });

  app.get(
    "/leaderboard.csv",
    cachedGet(async () => {
      const boards = await allBoards(db);
      return csv(
        "leaderboard.csv",
        [
          "board",
          "rank",
          "tied",
          "provisional",
          "group",
          "tool",
          "name",
          "rating",
          "lower",
          "upper",
          "picks",
          "wins",
          "opponents",
          "win_rate",
        ],
        boards.flatMap(boardRows),
      );
    }),
  );

  app.get(
    "/leaderboard/picks.csv",
    cachedGet(async () => {
      const picks = await picksForCsv(db);
      return csv(
        "picks.csv",
        ["tool_a", "tool_b", "winner", "day", "outcome"],
        picks.map((p) => [p.a, p.b, p.winner, p.day, p.outcome]),
      );
    }),
  );

  /** A category by slug, or a 404 pointing at the leaderboard. */
  async function category(slug: string) {
    const found = SLUG.test(slug) ? (await boardCategories(db)).find((k) => k.slug === slug) : undefined;
    if (!found) {
      throw notFound(`There is no category called “${slug.slice(0, 100)}”.`, [
        { href: "/leaderboard", label: "Every board" },
      ]);
    }
    return found;
  }

  async function pairsPage(c: Context, scope: string, title: string, path: string) {
    pageShows(c, ON_A_BOARD);
    readersShareThisPage(c);
    refuseSort(c, path);
    const asOf = asOfOf(c, path);
    const at = await boardAt(asOf, scope);
    return sendPage(
      c,
      <PairsPage
        scope={scope}
        title={title}
        board={at.data?.board}
        asOf={asOf}
        day={at.day}
        asOfError={at.asOfError}
        canonical={`${config.siteUrl}${path}`}
      />,
      statusOf(at),
    );
  }

  app.get("/leaderboard/pairs", (c) => pairsPage(c, OVERALL, "All categories", "/leaderboard/pairs"));

  app.get("/leaderboard/:category", async (c) => {
    const k = await category(c.req.param("category"));
    const path = `/leaderboard/${k.slug}`;
    const props = await boardProps(c, k.slug, k.name, path);
    return sendPage(c, <BoardPage {...props} />, statusOf(props));
  });

  app.get("/leaderboard/:category/pairs", async (c) => {
    const k = await category(c.req.param("category"));
    return pairsPage(c, k.slug, k.name, `/leaderboard/${k.slug}/pairs`);
  });

  return app;
}
