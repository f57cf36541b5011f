/** The head-to-head on comparisons: which of the pair readers would ship with. */
import {
  ACCOUNT_DAILY_CAP,
  NETWORK_DAILY_CAP,
  WAITING_PERIOD_HOURS,
} from "../../domain/leaderboard/index.ts";
import { FormBasics } from "../../ui/forms.tsx";
import { formatUtcMinute } from "../../ui/labels.ts";
import type { PickSplit, PickStanding } from "./service.ts";

type Named = { slug: string; name: string };

/** "Which would you ship with?": one pick per account per pair, and how the picks split. */
export function HeadToHead(props: {
  a: Named;
  b: Named;
  path: string;
  split: PickSplit;
  /** The reader's own pick (a slug), if any. */
  mine: string | null;
  /** Whether the reader's own pick counts on the leaderboard (signed in, with a pick). */
  standing?: PickStanding | null;
}) {
  const { a, b, split } = props;
  const pct = (t: Named) =>
    split.total === 0 ? 0 : Math.round((100 * (split.counts[t.slug] ?? 0)) / split.total);
  const mine = props.mine;
  const announce = mine ? `You would ship with ${mine === a.slug ? a.name : b.name}` : "No pick";
  return (
    <section
      class="callout h2h"
      aria-labelledby="h2h-heading"
      data-swap={`pick:${props.path}`}
      data-announce={announce}
    >
      <h2 id="h2h-heading">Which would you ship with?</h2>
      <form class="vote" action={`${props.path}/pick`} method="post" data-enhance>
        <FormBasics />
        {[a, b].map((t) => (
          <button
            type="submit"
            name="winner"
            value={t.slug}
            class="toggle"
            aria-pressed={mine === t.slug ? "true" : "false"}
          >
            {t.name}
          </button>
        ))}
        {mine ? (
          <button type="submit" name="winner" value="none" class="link-button">
            Withdraw my pick
          </button>
        ) : null}
      </form>
      {mine && props.standing?.reason ? <PickNotice standing={props.standing} /> : null}
      {split.total === 0 ? (
        <p class="muted">No picks yet. Be the first to say which one you would ship with.</p>
      ) : (
        <div class="split">
          <svg
            class="split-bar"
            viewBox="0 0 100 4"
            preserveAspectRatio="none"
            aria-hidden="true"
            focusable="false"
          >
            <rect class="split-b" width="100" height="4" />
            <rect class="split-a" width={pct(a)} height="4" />
          </svg>
          <p>
            <strong>{a.name}</strong> {pct(a)}% · <strong>{b.name}</strong> {pct(b)}% · {split.total}{" "}
            {split.total === 1 ? "pick" : "picks"}
          </p>
          {split.counted !== split.total ? (
            // the split counts every pick; the leaderboard's pairs page only the counted ones
            <p class="muted small">
              {split.total} {split.total === 1 ? "pick" : "picks"}, of which {split.counted}{" "}
              {split.counted === 1 ? "counts" : "count"} toward the{" "}
              <a href="/leaderboard/pairs">leaderboard</a>; the rest wait for its next recompute or{" "}
              <a href="/methodology#integrity">do not count</a>.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}

/** Says plainly why the reader's saved pick does not count on the leaderboard yet, and when it will. */
function PickNotice(props: { standing: PickStanding }) {
  const { reason, from } = props.standing;
  const when = from ? `${formatUtcMinute(from)} UTC` : "";
  return (
    <p class="callout notice-info pick-notice" role="status">
      <strong>Your pick is saved, but it does not count on the leaderboard yet.</strong>{" "}
      {reason === "waiting-period"
        ? `New accounts wait ${WAITING_PERIOD_HOURS} hours before their picks count, so that nobody can sway the board with freshly made accounts. This pick will count from ${when}; you need not do anything.`
        : reason === "account-daily-cap"
          ? `Each account has ${ACCOUNT_DAILY_CAP} counted picks per day (UTC), and you have used today's. Pick again on this pair after ${when} and it will count.`
          : `Each network (a home or office connection) has ${NETWORK_DAILY_CAP} counted picks per day (UTC), and readers on yours have used today's. Pick again on this pair after ${when} and it will count.`}{" "}
      <a href="/methodology#integrity">The rules</a>
    </p>
  );
}
