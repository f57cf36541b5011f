/**
 * The small controls a reader uses on any tool, wherever it shows: the community vote and
 * figure, the bookmark button and the bookmarks panel. They need only the viewer and the tool's
 * slug and name; the routes they post to belong to the community and bookmarks features.
 */
import { type CommunitySummary, communityLabel } from "../domain/community.ts";
import { FormBasics } from "./forms.tsx";
import { isBookmarked, useViewer } from "./viewer-context.ts";

/** "64% ship · 25 votes": one element per place it shows, all refreshed together after a vote. */
export function CommunityFigure(props: { slug: string; community: CommunitySummary }) {
  return <span data-swap={`community:${props.slug}`}>{communityLabel(props.community)}</span>;
}

/** Ship / Skip buttons for one tool, showing and changing the viewer's vote. */
export function VoteControl(props: { slug: string; name: string }) {
  const viewer = useViewer();
  const mine = viewer.votes.get(props.slug);
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

/** Bookmark or un-bookmark one tool; works signed out too (kept in this browser). */
export function BookmarkButton(props: { slug: string; name: string }) {
  const viewer = useViewer();
  const on = isBookmarked(viewer, props.slug);
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

/** The reader's bookmarked tools, beside a comparison or a tool. */
export function BookmarksPanel() {
  const viewer = useViewer();
  return (
    <section class="callout bookmarks-panel" aria-labelledby="bookmarks-heading" data-swap="bookmarks-panel">
      <h2 id="bookmarks-heading">Your bookmarks</h2>
      {viewer.bookmarks.length === 0 ? (
        <p>No bookmarks yet. Bookmark a tool to keep it here for your next comparison.</p>
      ) : (
        <>
          <ul class="chips">
            {viewer.bookmarks.slice(0, 12).map((b) => (
              <li>
                <a href={`/tools/${b.slug}`}>{b.name}</a>
              </li>
            ))}
          </ul>
          <p class="small m-0 mt-1">
            <a href="/bookmarks">All bookmarks ({viewer.bookmarks.length})</a>
          </p>
        </>
      )}
    </section>
  );
}
