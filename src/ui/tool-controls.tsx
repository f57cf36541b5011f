/**
 * The small controls a reader uses on any tool, wherever it shows: the community vote and
 * figure, the bookmark button and the bookmarks panel. They need only the viewer and the tool's
 * slug and name; the routes they post to belong to the community and bookmarks features.
 */
import { type CommunitySummary, communityLabel, type VoteValue } from "../domain/community.ts";
import { FormBasics } from "./forms.tsx";
import { Personal } from "./personal.tsx";
import { isBookmarked, type PageViewer } from "./viewer-context.ts";

/** "64% ship · 25 votes": one element per place it shows, all refreshed together after a vote. */
export function CommunityFigure(props: { slug: string; community: CommunitySummary }) {
  return <span data-swap={`community:${props.slug}`}>{communityLabel(props.community)}</span>;
}

type Named = { slug: string; name: string };

/** Ship / Skip buttons for one tool, showing and changing the viewer's vote (a personal part). */
export function VoteControl(props: Named) {
  return (
    <Personal
      of={VoteButtons}
      with={props}
      pick={(v: PageViewer) => ({ mine: v.votes.get(props.slug) ?? null })}
    />
  );
}

function VoteButtons(props: Named & { mine: VoteValue | null }) {
  const { mine } = props;
  const announce = mine ? `Your vote on ${props.name}: ${mine}` : `No vote on ${props.name}`;
  return (
    <form
      class="vote"
      action={`/tools/${props.slug}/vote`}
      method="post"
      data-enhance
      data-swap={`vote:${props.slug}`}
      data-announce={announce}
      aria-label={`Community vote on ${props.name}`}
    >
      <FormBasics />
      <span class="vote-label">{mine ? "Your vote" : "Vote"}</span>
      <button
        type="submit"
        name="value"
        value="ship"
        class="toggle toggle-ship"
        aria-pressed={mine === "ship" ? "true" : "false"}
      >
        Ship<span class="skip-link"> {props.name}</span>
      </button>
      <button
        type="submit"
        name="value"
        value="skip"
        class="toggle toggle-skip"
        aria-pressed={mine === "skip" ? "true" : "false"}
      >
        Skip<span class="skip-link"> {props.name}</span>
      </button>
      {mine ? (
        <button type="submit" name="value" value="none" class="link-button">
          Withdraw<span class="skip-link"> my vote on {props.name}</span>
        </button>
      ) : null}
    </form>
  );
}

/** Bookmark or un-bookmark one tool; works signed out too (kept in this browser). A personal part. */
export function BookmarkButton(props: Named) {
  return (
    <Personal
      of={BookmarkToggle}
      with={props}
      pick={(v: PageViewer) => ({ on: isBookmarked(v, props.slug) })}
    />
  );
}

function BookmarkToggle(props: Named & { on: boolean }) {
  const { on } = props;
  return (
    <form
      class="bookmark"
      action={`/tools/${props.slug}/bookmark`}
      method="post"
      data-enhance
      data-swap={`bookmark:${props.slug}`}
      data-announce={on ? `${props.name} bookmarked` : `${props.name} removed from bookmarks`}
    >
      <FormBasics />
      <input type="hidden" name="bookmarked" value={on ? "no" : "yes"} />
      <button type="submit" class="secondary" aria-pressed={on ? "true" : "false"}>
        <span aria-hidden="true">{on ? "★" : "☆"}&nbsp;</span>
        {on ? "Bookmarked" : "Bookmark"}
        <span class="skip-link"> {props.name}</span>
      </button>
    </form>
  );
}

/** The reader's bookmarked tools, beside a comparison or a tool. A personal part. */
export function BookmarksPanel() {
  return (
    <Personal
      of={BookmarkList}
      with={{}}
      pick={(v: PageViewer) => ({
        bookmarks: v.bookmarks.slice(0, 12).map((b) => ({ slug: b.slug, name: b.name })),
        count: v.bookmarks.length,
      })}
    />
  );
}

function BookmarkList(props: { bookmarks: readonly { slug: string; name: string }[]; count: number }) {
  return (
    <section class="callout bookmarks-panel" aria-labelledby="bookmarks-heading" data-swap="bookmarks-panel">
      <h2 id="bookmarks-heading">Your bookmarks</h2>
      {props.count === 0 ? (
        <p>No bookmarks yet. Bookmark a tool to keep it here for your next comparison.</p>
      ) : (
        <>
          <ul class="chips">
            {props.bookmarks.map((b) => (
              <li>
                <a href={`/tools/${b.slug}`}>{b.name}</a>
              </li>
            ))}
          </ul>
          <p class="small m-0 mt-1">
            <a href="/bookmarks">All bookmarks ({props.count})</a>
          </p>
        </>
      )}
    </section>
  );
}
