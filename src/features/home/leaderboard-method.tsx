/**
 * /methodology#leaderboard and #integrity: the head-to-head method in words, every constant
 * read from the domain module, and a worked example computed by the same fit when the page renders.
 */
import {
  ACCOUNT_DAILY_CAP,
  BOOTSTRAP_ROUNDS,
  BOOTSTRAP_SEED,
  consensusThreshold,
  formatRank,
  INTERVAL_LEVEL,
  LIFT_ODDS,
  MIN_OPPONENTS,
  MIN_PICKS,
  NETWORK_DAILY_CAP,
  OUTLIER_ALPHA,
  OUTLIER_CLAMP,
  OUTLIER_PASSES,
  RATING_BASE,
  RATING_SCALE,
  RIDGE,
  standingsFromCounts,
  WAITING_PERIOD_HOURS,
  type WinCount,
  winProbability,
} from "../../domain/leaderboard/index.ts";
import { TableScroll } from "../../ui/components.tsx";

/** The worked example's tools and picks: three tools, twenty picks on each pair. */
const EXAMPLE_TOOLS = [
  { id: 1, name: "Tool A" },
  { id: 2, name: "Tool B" },
  { id: 3, name: "Tool C" },
];
const EXAMPLE_WINS: WinCount[] = [
  { winner: 1, loser: 2, count: 14 },
  { winner: 2, loser: 1, count: 6 },
  { winner: 2, loser: 3, count: 12 },
  { winner: 3, loser: 2, count: 8 },
  { winner: 1, loser: 3, count: 16 },
  { winner: 3, loser: 1, count: 4 },
];

const percentText = (level: number) => `${Math.round(level * 100)}%`;

function WorkedExample() {
  const standings = standingsFromCounts(
    EXAMPLE_TOOLS.map((t) => t.id),
    EXAMPLE_WINS,
  );
  const rows = [...standings.entries, ...standings.separate, ...standings.provisional];
  const name = (id: number) => EXAMPLE_TOOLS.find((t) => t.id === id)?.name ?? String(id);
  const rating = (id: number) => rows.find((r) => r.toolId === id)?.rating ?? RATING_BASE;
  const ab = winProbability(rating(1), rating(2));
  const fixed = (n: number) => n.toFixed(0);
  return (
    <>
      <p>
        Three tools, twenty picks on each pair: A beat B 14 times to 6, B beat C 12 to 8, and A beat C 16 to
        4. The fit gives:
      </p>
      <TableScroll label="The worked example's ratings">
        <table>
          <caption class="skip-link">The worked example's ratings</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col" class="num">
                Rating
              </th>
              <th scope="col">{percentText(INTERVAL_LEVEL)} interval</th>
              <th scope="col" class="num">
                Rank
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <th scope="row">{name(r.toolId)}</th>
                <td class="num">{fixed(r.rating)}</td>
                <td>
                  {fixed(r.lower)}–{fixed(r.upper)}
                </td>
                <td class="num">
                  {r.rank === null ? "provisional" : formatRank({ rank: r.rank, tied: r.tied })}
                  {r.tied ? " (statistically tied)" : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <p>
        Check: with A at {fixed(rating(1))} and B at {fixed(rating(2))}, the formula gives A a{" "}
        {Math.round(ab * 100)}% chance against B, close to the 70% of picks A won: the fit weighs all three
        pairs at once, and the ridge pulls every rating slightly towards {RATING_BASE}, so no single pair is
        matched exactly.
      </p>
    </>
  );
}

/** The method and the integrity rules, for the methodology page. */
export function LeaderboardMethod() {
  return (
    <>
      <h2 id="leaderboard">The head-to-head leaderboard</h2>
      <p>
        Every pick on a comparison is one match between two tools. The <a href="/leaderboard">leaderboard</a>{" "}
        fits one rating per tool to all the counted picks, overall and per category (a category's board uses
        its own tools and the picks between them).
      </p>
      <dl>
        <dt>
          <strong>The model</strong>
        </dt>
        <dd>
          <p>
            Bradley–Terry: the chance that tool i is picked over tool j is 1 ÷ (1 + 10
            <sup>(Rj − Ri) ÷ {RATING_SCALE}</sup>
            ), so a tool rated {RATING_SCALE} points above another is picked ten times as often. Ratings are{" "}
            {RATING_BASE} + {RATING_SCALE} × log<sub>10</sub> of each tool's strength, centred so the tools
            average {RATING_BASE}.
          </p>
        </dd>
        <dt>
          <strong>The fit</strong>
        </dt>
        <dd>
          <p>
            Maximum likelihood with a small ridge penalty (λ = {RIDGE} on the natural-log strengths), so a
            tool that has won every pick still gets a finite rating. Picks are not weighted: every counted
            pick weighs the same.
          </p>
        </dd>
        <dt>
          <strong>Intervals</strong>
        </dt>
        <dd>
          <p>
            {percentText(INTERVAL_LEVEL)} intervals by a parametric bootstrap: {BOOTSTRAP_ROUNDS} times, every
            pair's picks are drawn again from the fitted chances and the model refitted; the interval runs
            from the 2.5th to the 97.5th percentile of a tool's ratings. The random draws start from a fixed
            seed ({BOOTSTRAP_SEED}), so the same picks always give the same board.
          </p>
        </dd>
        <dt>
          <strong>Ranks and ties</strong>
        </dt>
        <dd>
          <p>
            A tool's rank is 1 plus the number of tools clearly ahead of it: tools whose whole 95% interval
            lies above its own (their lower bound is above its upper bound). Tools with the same rank are
            statistically tied, shown as “=2”: the picks so far cannot tell them apart. Overlapping intervals
            alone do not make a tie: a tool whose interval overlaps that of a tool ranked “=1” still ranks 2
            when another tool is clearly ahead of it.
          </p>
        </dd>
        <dt>
          <strong>Provisional tools</strong>
        </dt>
        <dd>
          <p>
            A tool is ranked once it has {MIN_PICKS} counted picks against at least {MIN_OPPONENTS} different
            tools (or every other tool, in a category of fewer than {MIN_OPPONENTS + 1}). Until then it is
            listed apart, with what it still needs.
          </p>
        </dd>
        <dt>
          <strong>Separate groups</strong>
        </dt>
        <dd>
          <p>
            When some tools have only ever been compared among themselves, their ratings cannot be put on one
            scale with the others. Each such group is shown and ranked on its own, never merged into one list.
          </p>
        </dd>
        <dt>
          <strong>History and open data</strong>
        </dt>
        <dd>
          <p>
            Each board is kept as it stood at the end of every day (UTC); any board can be shown as of a past
            day, and a tool's page charts its rating over time.{" "}
            <a href="/leaderboard/picks.csv">Every pick</a> (pair, winner, day, counted or why not; nothing
            that identifies a reader) and <a href="/leaderboard.csv">every board</a> are published as CSV:
            fitting the counted picks with the formula above, tools in slug order, gives the same board.
          </p>
        </dd>
      </dl>
      <h3>A worked example</h3>
      <WorkedExample />

      <h2 id="integrity">Picks that are hard to rig</h2>
      <p>
        Every pick is kept, and every board says how many it counted and how many it did not, by reason. The
        rules apply to every pick the same way:
      </p>
      <ul>
        <li>
          <strong>Daily cap per account:</strong> {ACCOUNT_DAILY_CAP} counted picks per account per day (UTC);
          later picks that day are kept but not counted. A pick counts on the day it was last changed.
        </li>
        <li>
          <strong>Daily cap per network:</strong> {NETWORK_DAILY_CAP} counted picks per day from one network
          (an IPv4 /24 or an IPv6 /64), whoever makes them. Only a keyed hash of the network is stored, never
          an address.
        </li>
        <li>
          <strong>Waiting period:</strong> a new account's picks count once the account is{" "}
          {WAITING_PERIOD_HOURS} hours old; until then they are kept, and the comparison page says when they
          will count.
        </li>
        <li>
          <strong>Outlier test:</strong> after the caps, the model is fitted and every account's picks are
          tested against it, all of them, not only those on one tool's pairs (rigging works through pairs that
          do not include the target). Two sequential likelihood-ratio tests: one for picks improbably often
          against the consensus (model chances clamped to {OUTLIER_CLAMP}–{1 - OUTLIER_CLAMP}, flagged beyond
          ln(1/α) = {consensusThreshold().toFixed(1)}), and one for picks that keep helping one tool (as if it
          were {LIFT_ODDS} times stronger, flagged beyond ln(k/α) for a board of k tools; only a tool with
          counted picks can be the one helped). With α = {OUTLIER_ALPHA}, an honest account is flagged with a
          chance below {OUTLIER_ALPHA * 100}% per test, however many picks it makes. Flagged accounts are left
          out and the model refitted, up to {OUTLIER_PASSES} times.
        </li>
        <li>
          <strong>Moderators decide:</strong> a flagged account's picks are not counted until a moderator
          looks at the evidence and clears it (its picks count again) or confirms it (they stay discounted).
          Every decision is kept in the audit log.
        </li>
      </ul>
    </>
  );
}
