/** The bookmark control and the bookmarks panel, shown on cards and pages across the site. */
import { FormBasics } from "../../ui/forms.tsx";
import { isBookmarked, useViewer } from "../../ui/viewer-context.ts";

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
