/** The head-to-head on comparisons: which of the pair readers would ship with. */
import { FormBasics } from "../../ui/forms.tsx";
import type { PickSplit } from "./service.ts";

type Named = { slug: string; name: string };

/** "Which would you ship with?": one pick per account per pair, and how the picks split. */
export function HeadToHead(props: {
  a: Named;
  b: Named;
  path: string;
  split: PickSplit & { mine: string | null };
}) {
  const { a, b, split } = props;
  const pct = (t: Named) =>
    split.total === 0 ? 0 : Math.round((100 * (split.counts[t.slug] ?? 0)) / split.total);
  const mine = split.mine;
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
        </div>
      )}
    </section>
  );
}
