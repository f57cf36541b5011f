/** The leaderboard pages: boards, pair matrices, and the rating section of a tool page. */
import { comparePath } from "../../domain/compare-path.ts";
import {
  DISCOUNT_REASONS,
  type DiscountReason,
  formatRank,
  MIN_OPPONENTS,
  MIN_PICKS,
} from "../../domain/leaderboard/index.ts";
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import { TableScroll } from "../../ui/components.tsx";
import { formatDate, plural } from "../../ui/labels.ts";
import { Layout } from "../../ui/layout.tsx";
import { type BoardEntryData, OVERALL, type StoredBoard } from "./board-data.ts";
import type { AsOfDay, CategoryName, Contrast, LeaderboardData, ToolStanding } from "./service.ts";

/** Why picks were not counted, as a count of picks: one pick, then many (the CSV uses the codes). */
const REASON_PICKS: Record<DiscountReason, readonly [one: string, many: string]> = {
  "waiting-period": [
    "pick from an account still in its waiting period",
    "picks from accounts still in their waiting period",
  ],
  "account-daily-cap": ["pick over an account's daily cap", "picks over an account's daily cap"],
  "network-daily-cap": ["pick over a network's daily cap", "picks over a network's daily cap"],
  "flagged-account": [
    "pick from an account flagged by the outlier test",
    "picks from accounts flagged by the outlier test",
  ],
};

/** Why picks were not counted, in words, for a count shown beside it (the API's label). */
export const REASON_LABELS: Record<DiscountReason, string> = Object.fromEntries(
  Object.entries(REASON_PICKS).map(([reason, [, many]]) => [reason, many]),
) as Record<DiscountReason, string>;

/** "1 pick over an account's daily cap", "60 picks from accounts flagged by the outlier test". */
export function discountedPicks(reason: DiscountReason, n: number): string {
  const [one, many] = REASON_PICKS[reason];
  return plural(n, one, many);
}

/**
 * The rank rule in plain words, as every leaderboard page states it. Overlapping intervals alone do
 * not share a rank: a tool can overlap a tool ranked "=1" and still be 2.
 */
export const RANK_RULE =
  "A tool's rank is 1 plus the number of tools clearly ahead of it (whose whole 95% interval lies above its own). Tools with the same rank are statistically tied (shown “=1”).";

/** Columns a board can be sorted by, with the direction each sorts in. */
export const SORTS = {
  rank: { label: "Rank", dir: "ascending" },
  tool: { label: "Tool", dir: "ascending" },
  rating: { label: "Rating (95% interval)", dir: "descending" },
  picks: { label: "Picks", dir: "descending" },
  opponents: { label: "Opponents", dir: "descending" },
  wins: { label: "Win rate", dir: "descending" },
  panel: { label: "Panel score", dir: "descending" },
  community: { label: "Community", dir: "descending" },
} as const;
export type SortKey = keyof typeof SORTS;
export type SortDir = "ascending" | "descending";
/** A board's order: a column and a direction (each column's own direction unless reversed with "-col"). */
export interface BoardSort {
  col: SortKey;
  dir: SortDir;
}

/** The ?sort= value of an order: "col" in the column's own direction, "-col" reversed; "" for rank order. */
export function sortParam(sort: BoardSort): string {
  const reversed = sort.dir !== SORTS[sort.col].dir;
  if (sort.col === "rank" && !reversed) return "";
  return `${reversed ? "-" : ""}${sort.col}`;
}

/** Reads a ?sort= value ("col" or "-col"); undefined when it names no column. */
export function parseSort(raw: string): BoardSort | undefined {
  const reversed = raw.startsWith("-");
  const col = reversed ? raw.slice(1) : raw;
  if (!Object.hasOwn(SORTS, col)) return undefined;
  const own = SORTS[col as SortKey].dir;
  return { col: col as SortKey, dir: reversed ? (own === "ascending" ? "descending" : "ascending") : own };
}

const boardPath = (scope: string) => (scope === OVERALL ? "/leaderboard" : `/leaderboard/${scope}`);
const pairsPath = (scope: string) =>
  scope === OVERALL ? "/leaderboard/pairs" : `/leaderboard/${scope}/pairs`;

/** Orders entries by a column, either way; ties keep the board's own order (by rating). */
export function sortEntries(
  entries: readonly BoardEntryData[],
  sort: BoardSort,
  contrast: Record<string, Contrast>,
): BoardEntryData[] {
  const key: Record<SortKey, (e: BoardEntryData) => number | string> = {
    rank: (e) => e.rank ?? Number.POSITIVE_INFINITY,
    tool: (e) => e.name.toLowerCase(),
    rating: (e) => -e.rating,
    picks: (e) => -e.picks,
    opponents: (e) => -e.opponents,
    wins: (e) => -(e.winRate ?? -1),
    panel: (e) => -(contrast[e.slug]?.panelScore ?? -1),
    community: (e) => -(contrast[e.slug]?.communityShip ?? -1),
  };
  const f = key[sort.col];
  // the keys above order each column its own way; reversing it flips the comparison, not the ties
  const sign = sort.dir === SORTS[sort.col].dir ? 1 : -1;
  return entries
    .map((e, i) => ({ e, i }))
    .sort((x, y) => {
      const a = f(x.e);
      const b = f(y.e);
      if (a < b) return -sign;
      if (a > b) return sign;
      return x.i - y.i;
    })
    .map((x) => x.e);
}

const round = (n: number) => Math.round(n);
const percent = (r: number | null) => (r === null ? "–" : `${Math.round(100 * r)}%`);

/** The scale every interval bar of a board shares: its lowest lower bound to its highest upper bound. */
function barScale(entries: readonly BoardEntryData[]) {
  const lo = Math.min(...entries.map((e) => e.lower));
  const hi = Math.max(...entries.map((e) => e.upper));
  const span = hi - lo || 1;
  return (v: number) => Math.max(0, Math.min(100, ((v - lo) / span) * 100));
}

/** The 95% interval as a bar with a mark at the rating; the numbers are in the cell's text. */
function IntervalBar(props: { entry: BoardEntryData; x: (v: number) => number }) {
  const { entry, x } = props;
  const from = x(entry.lower);
  const width = Math.max(0.8, x(entry.upper) - from);
  return (
    <svg class="lb-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <rect class="lb-bar-track" x="0" y="4" width="100" height="2" />
      <rect class="lb-bar-range" x={from.toFixed(2)} y="2" width={width.toFixed(2)} height="6" rx="1" />
      <rect
        class="lb-bar-point"
        x={Math.max(0, x(entry.rating) - 0.6).toFixed(2)}
        y="0"
        width="1.2"
        height="10"
      />
    </svg>
  );
}

/** A column header that sorts the board through the URL; the sorted one shows its direction and reverses on a click. */
function SortHeader(props: { col: SortKey; sort: BoardSort; base: string; num?: boolean }) {
  const active = props.col === props.sort.col;
  const { label, dir } = SORTS[props.col];
  const next: BoardSort = active
    ? { col: props.col, dir: props.sort.dir === "ascending" ? "descending" : "ascending" }
    : { col: props.col, dir };
  const param = sortParam(next);
  const href = param ? `${props.base}${props.base.includes("?") ? "&" : "?"}sort=${param}` : props.base;
  const classes = [props.num ? "num" : "", active ? "sorted" : ""].filter(Boolean).join(" ");
  return (
    <th scope="col" class={classes || undefined} aria-sort={active ? props.sort.dir : undefined}>
      <a href={href}>
        {label}
        {active ? (
          <>
            <span aria-hidden="true"> {props.sort.dir === "ascending" ? "▲" : "▼"}</span>
            <span class="skip-link">
              {" "}
              (sorted {props.sort.dir}; activate to sort{" "}
              {props.sort.dir === "ascending" ? "descending" : "ascending"})
            </span>
          </>
        ) : null}
      </a>
    </th>
  );
}

function RankCell(props: { entry: BoardEntryData }) {
  const { entry } = props;
  if (entry.rank === null) return <td>–</td>;
  return (
    <td class="num">
      {formatRank({ rank: entry.rank, tied: entry.tied })}
      {entry.tied ? <span class="lb-tied"> statistically tied</span> : null}
    </td>
  );
}

/** One table of ranked tools. */
function BoardTable(props: {
  entries: readonly BoardEntryData[];
  contrast: Record<string, Contrast>;
  sort: BoardSort;
  base: string;
  caption: string;
  x: (v: number) => number;
}) {
  const rows = sortEntries(props.entries, props.sort, props.contrast);
  const head = (col: SortKey, num = false) => (
    <SortHeader col={col} sort={props.sort} base={props.base} num={num} />
  );
  return (
    <TableScroll label={props.caption}>
      <table class="lb-table">
        <caption class="skip-link">{props.caption}</caption>
        <thead>
          <tr>
            {head("rank", true)}
            {head("tool")}
            {head("rating")}
            {head("picks", true)}
            {head("opponents", true)}
            {head("wins", true)}
            {head("panel", true)}
            {head("community", true)}
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const c = props.contrast[e.slug];
            return (
              <tr>
                <RankCell entry={e} />
                <th scope="row">
                  <a href={`/tools/${e.slug}`}>{e.name}</a>
                </th>
                <td class="lb-rating">
                  <span class="score">{round(e.rating)}</span>{" "}
                  <span class="muted small">
                    ({round(e.lower)}–{round(e.upper)})
                  </span>
                  <IntervalBar entry={e} x={props.x} />
                </td>
                <td class="num">{e.picks.toLocaleString("en-US")}</td>
                <td class="num">{e.opponents}</td>
                <td class="num">{percent(e.winRate)}</td>
                <td class="num">{c?.panelScore ?? "–"}</td>
                <td class="num">
                  {c && c.communityShip !== null ? `${c.communityShip}% ship` : "–"}
                  {c && c.communityVotes > 0 ? (
                    <span class="muted small"> ({plural(c.communityVotes, "vote")})</span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Counted and discounted picks, by reason. */
function PickTally(props: { board: StoredBoard }) {
  const { board } = props;
  const discounted = DISCOUNT_REASONS.map((r) => ({ r, n: board.discounted[r] ?? 0 })).filter((d) => d.n > 0);
  const total = discounted.reduce((s, d) => s + d.n, 0);
  return (
    <p class="lb-tally">
      Counted {plural(board.counted, "pick")}
      {total === 0 ? (
        "; none discounted."
      ) : (
        <>
          ; discounted {total.toLocaleString("en-US")}:{" "}
          {discounted.map((d, i) => (
            <>
              {i > 0 ? "; " : ""}
              {discountedPicks(d.r, d.n)}
            </>
          ))}
          . <a href="/methodology#integrity">Why picks are discounted</a>
        </>
      )}
    </p>
  );
}

/** Tools that do not have enough picks or opponents yet, each saying what it still needs. */
function ProvisionalList(props: { entries: readonly BoardEntryData[] }) {
  if (props.entries.length === 0) return null;
  const started = props.entries.filter((e) => e.picks > 0);
  const none = props.entries.filter((e) => e.picks === 0);
  return (
    <section class="lb-provisional" aria-labelledby="provisional-heading">
      <h3 id="provisional-heading">Provisional: not ranked yet</h3>
      <p class="muted small">
        A tool is ranked once it has {MIN_PICKS} counted picks against at least {MIN_OPPONENTS} different
        tools (or every other tool of a smaller category).
      </p>
      {started.length > 0 ? (
        <ul class="list-plain lb-needs">
          {started.map((e) => (
            <li>
              <a href={`/tools/${e.slug}`}>{e.name}</a>: {plural(e.picks, "counted pick")} against{" "}
              {plural(e.opponents, "tool")} (rating so far {round(e.rating)}). Needs{" "}
              {[
                e.needs.picks > 0 ? plural(e.needs.picks, "more pick") : "",
                e.needs.opponents > 0 ? plural(e.needs.opponents, "more opponent") : "",
              ]
                .filter(Boolean)
                .join(" and ")}
              .
            </li>
          ))}
        </ul>
      ) : null}
      {none.length > 0 ? (
        <p>
          No counted picks yet ({none.length === 1 ? "needs" : "each needs"} {MIN_PICKS} picks against{" "}
          {MIN_OPPONENTS} tools):{" "}
          {none.map((e, i) => (
            <>
              {i > 0 ? ", " : ""}
              <a href={`/tools/${e.slug}`}>{e.name}</a>
            </>
          ))}
          .
        </p>
      ) : null}
    </section>
  );
}

/** Until there are picks: how to contribute, instead of empty tables. */
function NoPicksYet(props: { board?: StoredBoard }) {
  return (
    <div class="callout">
      <p>
        <strong>
          No picks yet{props.board && props.board.scope !== OVERALL ? ` in ${props.board.title}` : ""}.
        </strong>{" "}
        The ratings are built from readers' head-to-head picks: open any <a href="/compare">comparison</a>,
        sign in, and say which of the two tools you would ship with. Each pick counts once per reader and
        pair.
      </p>
    </div>
  );
}

/** A whole board: tally, ranked table(s), separate groups, provisional tools. */
function BoardSection(props: { data: LeaderboardData; sort: BoardSort; base: string }) {
  const { board, contrast } = props.data;
  const ranked = [...board.entries, ...board.separate];
  const hasPicks = board.counted > 0 || Object.values(board.discounted).some((n) => n > 0);
  if (!hasPicks) return <NoPicksYet board={board} />;
  const x = barScale(ranked.length > 0 ? ranked : board.provisional);
  const groups = new Map<number, BoardEntryData[]>();
  for (const e of board.separate) {
    const list = groups.get(e.component ?? -1) ?? [];
    list.push(e);
    groups.set(e.component ?? -1, list);
  }
  return (
    <>
      <PickTally board={board} />
      {board.entries.length === 0 ? (
        <p>
          No tool has enough picks to be ranked yet; the provisional tools below say what each still needs.
        </p>
      ) : (
        <BoardTable
          entries={board.entries}
          contrast={contrast}
          sort={props.sort}
          base={props.base}
          caption={`${board.title}: ranked tools`}
          x={x}
        />
      )}
      {groups.size > 0 ? (
        <div class="callout mt-2">
          <p>
            <strong>Not one connected board.</strong> Some tools have only been compared among themselves,
            never with the tools above, so their ratings cannot be placed on the same scale. Each group below
            is ranked on its own.
          </p>
        </div>
      ) : null}
      {[...groups].map(([component, entries], i) => (
        <section aria-label={`Separate group ${i + 2}`}>
          <h3>Group {i + 2}: never compared with the tools above</h3>
          <BoardTable
            entries={entries}
            contrast={contrast}
            sort={props.sort}
            base={props.base}
            caption={`${board.title}: separate group ${component + 1}`}
            x={barScale(entries)}
          />
        </section>
      ))}
      <ProvisionalList entries={board.provisional} />
    </>
  );
}

/** The as-of picker: a date field that asks for a past day's snapshot through the URL; says what is wrong with a refused day. */
function AsOfForm(props: { action: string; asOf?: string; days: readonly string[]; error?: string }) {
  const first = props.days[0];
  const last = props.days.at(-1);
  return (
    <form class="lb-asof" method="get" action={props.action}>
      <label for="as-of">Show the board as it stood on</label>
      {props.error ? (
        <p id="as-of-error" class="field-error">
          {props.error}
        </p>
      ) : null}
      <input
        id="as-of"
        type="date"
        name="as_of"
        value={props.asOf ?? ""}
        min={first}
        max={last}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? "as-of-error as-of-hint" : "as-of-hint"}
      />
      <button type="submit" class="button secondary">
        Show
      </button>
      <p id="as-of-hint" class="muted small">
        {first && last
          ? `Snapshots are kept once a day (UTC), from ${formatDate(first)} to ${formatDate(last)}.`
          : "Snapshots are kept once a day (UTC); there are none yet."}
        {props.asOf ? (
          <>
            {" "}
            <a href={props.action}>Back to the current board</a>
          </>
        ) : null}
      </p>
    </form>
  );
}

export interface BoardPageProps {
  scope: string;
  title: string;
  data: LeaderboardData | undefined;
  sort: BoardSort;
  asOf?: string;
  /** Set with as_of: the snapshot day shown (the day asked or the nearest earlier one). */
  day?: AsOfDay;
  /** Set when as_of was refused (a day still to come): said on the form, answered with a 400. */
  asOfError?: string;
  days: readonly string[];
  categories: readonly CategoryName[];
  canonical: string;
}

/** /leaderboard/:category (and the overall board when it stands alone). */
export function BoardPage(props: BoardPageProps) {
  const base = boardPath(props.scope) + (props.asOf ? `?as_of=${props.asOf}` : "");
  return (
    <Layout
      title={`${props.title}: head-to-head leaderboard`}
      section="leaderboard"
      canonical={props.canonical}
      description={`Which ${props.title} tools readers would ship with, head to head: ratings with 95% intervals.`}
    >
      <Breadcrumb trail={[{ href: "/leaderboard", label: "Leaderboard" }]} current={props.title} />
      <h1>{props.title}: head to head</h1>
      <p class="lede">
        Ratings from readers' picks on comparisons, with their 95% intervals. {RANK_RULE}{" "}
        <a href="/methodology#leaderboard">How the ratings are computed</a>.
      </p>
      <BoardBody {...props} base={base} />
      <p class="mt-2">
        <a href={pairsPath(props.scope) + (props.asOf ? `?as_of=${props.asOf}` : "")}>
          Every pair, picks each way
        </a>{" "}
        · <a href="/leaderboard.csv">The current boards as CSV</a> ·{" "}
        <a href="/leaderboard/picks.csv">Every pick as CSV</a>
      </p>
      <AsOfForm action={boardPath(props.scope)} asOf={props.asOf} days={props.days} error={props.asOfError} />
    </Layout>
  );
}

function BoardBody(props: BoardPageProps & { base: string }) {
  if (props.asOfError) return <RefusedDay error={props.asOfError} action={boardPath(props.scope)} form />;
  if (props.day && !props.day.shown)
    return <BeforeSnapshots {...props.day} action={boardPath(props.scope)} />;
  if (!props.data) return <NoPicksYet />;
  return (
    <>
      {props.day ? (
        <AsOfNotice day={props.day} />
      ) : (
        <p class="muted small">Computed {props.data.board.computedAt.slice(0, 16).replace("T", " ")} UTC.</p>
      )}
      <BoardSection data={props.data} sort={props.sort} base={props.base} />
    </>
  );
}

/** Which day's snapshot is shown: the day asked, or calmly, the nearest earlier one. */
function AsOfNotice(props: { day: AsOfDay }) {
  const { asked, shown } = props.day;
  if (!shown) return null;
  return (
    <p class="callout notice-info" role="status">
      {shown === asked
        ? `As it stood at the end of ${formatDate(shown)} (UTC), not as it stands now.`
        : `No board was saved on ${formatDate(asked)}; showing ${formatDate(shown)}, the nearest earlier day (as it stood at the end of that day, UTC).`}
    </p>
  );
}

/** A day before the first snapshot: nothing to show, and why. */
function BeforeSnapshots(props: { asked: string; first?: string; action: string }) {
  return (
    <div class="callout notice-info" role="status">
      <p>
        <strong>No board had been saved by {formatDate(props.asked)}.</strong>{" "}
        {props.first ? (
          <>
            The first snapshot is from{" "}
            <a href={`${props.action}?as_of=${props.first}`}>{formatDate(props.first)}</a>.
          </>
        ) : (
          "No snapshot has been saved yet: one is kept each day once readers have picked."
        )}{" "}
        <a href={props.action}>See the current board</a>.
      </p>
    </div>
  );
}

/** An as_of day that was refused: the message, pointing at the form below. */
function RefusedDay(props: { error: string; action: string; form?: boolean }) {
  return (
    <div class="callout notice-error">
      <p>
        {props.error}{" "}
        {props.form ? (
          <>
            <a href="#as-of">Choose another day</a> or{" "}
          </>
        ) : null}
        <a href={props.action}>{props.form ? "see" : "See"} the current board</a>.
      </p>
    </div>
  );
}

/** /leaderboard: the overall board, then a short summary of each category's board. */
export function LeaderboardIndexPage(props: BoardPageProps & { summaries: readonly StoredBoard[] }) {
  const base = `/leaderboard${props.asOf ? `?as_of=${props.asOf}` : ""}`;
  const byScope = new Map(props.summaries.map((b) => [b.scope, b]));
  return (
    <Layout
      title="Head-to-head leaderboard"
      section="leaderboard"
      canonical={props.canonical}
      description="Which AI tools readers would ship with, head to head: Bradley–Terry ratings with 95% intervals, per category and overall."
    >
      <h1>Head-to-head leaderboard</h1>
      <p class="lede">
        Every pick a reader makes on a comparison counts as one match. The ratings are fitted to all of them,
        with 95% intervals. {RANK_RULE} <a href="/methodology#leaderboard">The method</a> ·{" "}
        <a href="/methodology#integrity">The integrity rules</a>
      </p>
      <h2>All categories</h2>
      <BoardBody {...props} base={base} />
      <p class="mt-2">
        <a href={`/leaderboard/pairs${props.asOf ? `?as_of=${props.asOf}` : ""}`}>
          Every pair, picks each way
        </a>{" "}
        · <a href="/leaderboard.csv">The current boards as CSV</a> ·{" "}
        <a href="/leaderboard/picks.csv">Every pick as CSV</a>
      </p>
      <AsOfForm action="/leaderboard" asOf={props.asOf} days={props.days} error={props.asOfError} />
      <h2>By category</h2>
      <ul class="list-plain lb-categories">
        {props.categories.map((c) => {
          const b = byScope.get(c.slug);
          const top = b?.entries.slice(0, 3) ?? [];
          return (
            <li>
              <a href={`/leaderboard/${c.slug}${props.asOf ? `?as_of=${props.asOf}` : ""}`}>
                <strong>{c.name}</strong>
              </a>
              <span class="muted small">
                {" "}
                ·{" "}
                {props.asOfError || (props.day && !props.day.shown)
                  ? "no board saved for that day"
                  : !b || b.counted === 0
                    ? "no counted picks yet"
                    : `${plural(b.counted, "counted pick")}, ${plural(b.entries.length + b.separate.length, "ranked tool")}`}
              </span>
              {top.length > 0 ? (
                <ul class="lb-top">
                  {top.map((e) => (
                    <li>
                      {formatRank({ rank: e.rank ?? 0, tied: e.tied })}
                      {e.tied ? " (tied)" : ""} {e.name}, {round(e.rating)}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ul>
    </Layout>
  );
}

/** Boards with at most this many tools with picks get a grid as well as the list of pairs. */
const MATRIX_MAX_TOOLS = 8;

/** The pair matrix of a small board: each cell is the row tool's picks against the column tool's, linked to the comparison. */
function PairMatrix(props: { board: StoredBoard }) {
  const { board } = props;
  const slugs = board.tools.map((t) => t.slug).filter((s) => board.pairs.some((p) => p.a === s || p.b === s));
  if (slugs.length < 2 || slugs.length > MATRIX_MAX_TOOLS) return null;
  const names = new Map(board.tools.map((t) => [t.slug, t.name]));
  const name = (s: string) => names.get(s) ?? s;
  const cell = (row: string, col: string) => {
    const p = board.pairs.find((x) => (x.a === row && x.b === col) || (x.a === col && x.b === row));
    if (!p) return null;
    return p.a === row ? { won: p.aWins, lost: p.bWins } : { won: p.bWins, lost: p.aWins };
  };
  return (
    <>
      <h2>The matrix</h2>
      <p class="muted small">
        Each cell: counted picks for the row's tool, then for the column's tool. A dash means the pair has no
        counted picks yet.
      </p>
      <TableScroll label="Counted picks between each pair of tools">
        <table class="lb-matrix">
          <caption class="skip-link">Counted picks for the row's tool against the column's tool</caption>
          <thead>
            <tr>
              <td />
              {slugs.map((s) => (
                <th scope="col">{name(s)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {slugs.map((row) => (
              <tr>
                <th scope="row">{name(row)}</th>
                {slugs.map((col) => {
                  if (row === col) return <td class="num muted">·</td>;
                  const c = cell(row, col);
                  return (
                    <td class="num">
                      {c ? (
                        <a href={comparePath(row, col)}>
                          <span class="skip-link">
                            {name(row)} against {name(col)}:{" "}
                          </span>
                          {c.won}–{c.lost}
                        </a>
                      ) : (
                        <a href={comparePath(row, col)}>
                          <span class="skip-link">
                            {name(row)} against {name(col)}: no picks yet
                          </span>
                          <span aria-hidden="true">–</span>
                        </a>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/** /leaderboard/…/pairs: for every pair with picks, how they split, each linked to the comparison. */
export function PairsPage(props: {
  scope: string;
  title: string;
  board: StoredBoard | undefined;
  asOf?: string;
  day?: AsOfDay;
  asOfError?: string;
  canonical: string;
}) {
  const { board } = props;
  const names = new Map(board?.tools.map((t) => [t.slug, t.name]) ?? []);
  const name = (s: string) => names.get(s) ?? s;
  const action = pairsPath(props.scope);
  return (
    <Layout
      title={`${props.title}: every pair`}
      section="leaderboard"
      canonical={props.canonical}
      description={`Head-to-head picks on every pair of ${props.title} tools.`}
    >
      <Breadcrumb
        trail={[
          { href: "/leaderboard", label: "Leaderboard" },
          ...(props.scope === OVERALL ? [] : [{ href: boardPath(props.scope), label: props.title }]),
        ]}
        current="Every pair"
      />
      <h1>{props.title}: every pair</h1>
      <p class="lede">
        Counted picks on each pair, each way. Each pair links to its comparison, where you can add yours.
      </p>
      {props.day?.shown ? <AsOfNotice day={props.day} /> : null}
      {props.asOfError ? (
        <RefusedDay error={props.asOfError} action={action} />
      ) : props.day && !props.day.shown ? (
        <BeforeSnapshots {...props.day} action={action} />
      ) : !board || board.pairs.length === 0 ? (
        <NoPicksYet board={board} />
      ) : (
        <>
          <PairMatrix board={board} />
          <h2>Every pair</h2>
          <div class="table-scroll">
            <table class="lb-pairs">
              <caption class="skip-link">Counted picks on every pair</caption>
              <thead>
                <tr>
                  <th scope="col">Pair</th>
                  <th scope="col" class="num">
                    Picks for the first
                  </th>
                  <th scope="col" class="num">
                    Picks for the second
                  </th>
                  <th scope="col" class="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {board.pairs.map((p) => (
                  <tr>
                    <th scope="row">
                      <a href={comparePath(p.a, p.b)}>
                        {name(p.a)} vs {name(p.b)}
                      </a>
                    </th>
                    <td class="num">
                      {name(p.a)}: {p.aWins}
                    </td>
                    <td class="num">
                      {name(p.b)}: {p.bWins}
                    </td>
                    <td class="num">{p.aWins + p.bWins}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p class="mt-2">
        <a href={boardPath(props.scope)}>Back to the board</a>
      </p>
    </Layout>
  );
}

/** The rating over time: a band for the interval, a line for the rating, dates on the axis. */
function RatingChart(props: { points: ToolStanding["history"] }) {
  const pts = props.points;
  const gutter = 34;
  const w = 300;
  const h = 110;
  const pad = { top: 8, bottom: 20 };
  const lo = Math.min(...pts.map((p) => p.lower));
  const hi = Math.max(...pts.map((p) => p.upper));
  const span = hi - lo || 1;
  const y = (v: number) => pad.top + (1 - (v - lo) / span) * (h - pad.top - pad.bottom);
  const x = (i: number) =>
    gutter + (pts.length === 1 ? (w - gutter) / 2 : (i / (pts.length - 1)) * (w - gutter - 6));
  const band = [
    ...pts.map((p, i) => `${x(i).toFixed(1)},${y(p.upper).toFixed(1)}`),
    ...pts.map((p, i) => `${x(i).toFixed(1)},${y(p.lower).toFixed(1)}`).reverse(),
  ].join(" ");
  const line = pts.map((p, i) => `${x(i).toFixed(1)},${y(p.rating).toFixed(1)}`).join(" ");
  const last = pts.length - 1;
  const first = pts[0];
  const end = pts[last];
  if (!first || !end) return null;
  const short = (day: string) => formatDate(day).replace(/ \d{4}$/, "");
  return (
    <svg class="history-chart" viewBox={`0 0 ${w} ${h}`} aria-hidden="true" focusable="false">
      {[hi, lo].map((v) => (
        <>
          <text class="history-label" x={String(gutter - 4)} y={String(y(v) + 3)} text-anchor="end">
            {round(v)}
          </text>
          <line class="history-grid" x1={String(gutter)} x2={String(w)} y1={String(y(v))} y2={String(y(v))} />
        </>
      ))}
      <polygon class="lb-band" points={band} />
      <polyline class="history-line" points={line} />
      {pts.map((p, i) => (
        <circle class="history-dot" cx={x(i).toFixed(1)} cy={y(p.rating).toFixed(1)} r="2.5" />
      ))}
      <text
        class="history-label"
        x={x(0).toFixed(1)}
        y={String(h - 4)}
        text-anchor={last === 0 ? "middle" : "start"}
      >
        {short(first.day)}
      </text>
      {last > 0 ? (
        <text class="history-label" x={x(last).toFixed(1)} y={String(h - 4)} text-anchor="end">
          {short(end.day)}
        </text>
      ) : null}
    </svg>
  );
}

/** The tool page's head-to-head section: rating now, over time, best and worst pairs. */
export function ToolLeaderboardSection(props: {
  tool: { slug: string; name: string };
  standing?: ToolStanding;
}) {
  const { standing, tool } = props;
  const current = standing?.current;
  const line = (r: { slug: string; name: string; wins: number; losses: number }) => (
    <li>
      <a href={comparePath(tool.slug, r.slug)}>vs {r.name}</a>: won {r.wins} of {r.wins + r.losses}
    </li>
  );
  return (
    <section aria-labelledby="h2h-rating-heading">
      <h2 id="h2h-rating-heading">Head-to-head rating</h2>
      {!standing || !current || current.picks === 0 ? (
        <p>
          No counted head-to-head picks yet.{" "}
          <a href={`/compare?a=${encodeURIComponent(tool.slug)}`}>Compare {tool.name}</a> with another tool
          and pick the one you would ship with.
        </p>
      ) : (
        <>
          <p>
            {current.rank === null ? (
              <>Provisional on the overall board</>
            ) : (
              <>
                Overall rank {formatRank({ rank: current.rank, tied: current.tied })}
                {current.tied ? " (statistically tied)" : ""} on the{" "}
                <a href="/leaderboard">board of all categories</a>
              </>
            )}
            : rating {round(current.rating)} (95% interval {round(current.lower)}–{round(current.upper)}),
            from {plural(current.picks, "counted pick")} against {plural(current.opponents, "tool")}.
            {current.rank === null ? (
              <>
                {" "}
                <a href="/leaderboard">See the board</a>.
              </>
            ) : null}
          </p>
          {standing.category ? (
            <p class="muted small">
              Within its category, on the{" "}
              <a href={`/leaderboard/${standing.category.scope}`}>{standing.category.title} board</a>:{" "}
              {standing.category.entry.rank === null
                ? "provisional"
                : `rank ${formatRank({ rank: standing.category.entry.rank, tied: standing.category.entry.tied })}${standing.category.entry.tied ? " (statistically tied)" : ""}`}
              , rating {round(standing.category.entry.rating)} from{" "}
              {plural(standing.category.entry.picks, "counted pick")} (a separate fit on that category's picks
              alone).
            </p>
          ) : null}
          {standing.history.length > 0 ? (
            <>
              <p class="muted small">
                Overall rating over time (
                {standing.history.length === 1
                  ? "one daily snapshot"
                  : `${standing.history.length} daily snapshots`}
                ):{" "}
                {standing.history
                  .slice(-6)
                  .map((p) => `${formatDate(p.day)} ${round(p.rating)}`)
                  .join(" → ")}
                .
              </p>
              <RatingChart points={standing.history} />
            </>
          ) : null}
        </>
      )}
      {standing && (standing.best.length > 0 || standing.worst.length > 0) ? (
        <div class="lb-records">
          {standing.best.length > 0 ? (
            <div>
              <h3>Best head-to-heads (all categories)</h3>
              <ul class="list-plain">{standing.best.map(line)}</ul>
            </div>
          ) : null}
          {standing.worst.length > 0 ? (
            <div>
              <h3>Worst head-to-heads (all categories)</h3>
              <ul class="list-plain">{standing.worst.map(line)}</ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
