/** The /bookmarks page. */
import { Layout } from "../../ui/layout.tsx";
import { useViewer } from "../../ui/viewer-context.ts";
import { ToolCard } from "../catalog/index.ts";
import type { ToolSummary } from "../tools/index.ts";

/** /bookmarks: the bookmarked tools as cards, with a note on where they are kept. */
export function BookmarksPage(props: { tools: ToolSummary[] }) {
  const viewer = useViewer();
  return (
    <Layout title="Bookmarks">
      <h1>Your bookmarks</h1>
      {viewer.user ? (
        <p class="lede">Tools you bookmarked, newest first. They are kept in your account.</p>
      ) : (
        <p class="lede">
          These bookmarks are kept in this browser. <a href="/sign-in?next=/bookmarks">Sign in</a> to keep
          them on every device: they move into your account when you do.
        </p>
      )}
      {props.tools.length === 0 ? (
        <p>
          No bookmarks yet. Use the ☆ Bookmark button on any tool in <a href="/tools">the catalog</a>.
        </p>
      ) : (
        <div class="grid mt-2">
          {props.tools.map((t) => (
            <ToolCard tool={t} />
          ))}
        </div>
      )}
    </Layout>
  );
}
