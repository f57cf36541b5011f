/** "Embed this verdict": a tool's badge with copyable HTML and Markdown snippets, folded away in a <details>. */
import { badgeJsonPath, badgeSvgPath, toolFeedPath } from "../domain/syndication.ts";

const HTML_ATTR_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Text for an HTML attribute value inside a snippet the reader pastes into their own page. */
function htmlAttr(text: string): string {
  return text.replace(/[&<>"]/g, (c) => HTML_ATTR_ESCAPES[c] as string);
}

/** Text for a Markdown image's alt text: brackets and backslashes would end or bend it. */
function markdownAlt(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/** The HTML snippet that shows a tool's badge, linked to its page. */
export function badgeHtmlSnippet(opts: { siteUrl: string; slug: string; name: string }): string {
  const alt = htmlAttr(`Ship or Skip verdict for ${opts.name}`);
  return `<a href="${opts.siteUrl}/tools/${opts.slug}"><img src="${opts.siteUrl}${badgeSvgPath(opts.slug)}" alt="${alt}" height="20"></a>`;
}

/** The Markdown snippet that shows a tool's badge, linked to its page. */
export function badgeMarkdownSnippet(opts: { siteUrl: string; slug: string; name: string }): string {
  const alt = markdownAlt(`Ship or Skip verdict for ${opts.name}`);
  return `[![${alt}](${opts.siteUrl}${badgeSvgPath(opts.slug)})](${opts.siteUrl}/tools/${opts.slug})`;
}

/** The embed block of a tool page. */
export function EmbedVerdict(props: { siteUrl: string; slug: string; name: string }) {
  const { siteUrl, slug, name } = props;
  return (
    <details class="embed-verdict mt-3">
      <summary>Embed this verdict</summary>
      <p>
        Show {name}'s panel verdict and score on your own site or README. The badge updates when the panel
        does.
      </p>
      <p class="embed-previews">
        <img src={badgeSvgPath(slug)} alt={`Ship or Skip verdict for ${name}`} height="20" />
        <img src={badgeSvgPath(slug, "large")} alt={`Ship or Skip verdict for ${name}, large`} height="28" />
      </p>
      <div class="field">
        <label for="embed-html">HTML</label>
        <textarea id="embed-html" readonly rows={3} spellcheck={false}>
          {badgeHtmlSnippet(props)}
        </textarea>
      </div>
      <div class="field">
        <label for="embed-markdown">Markdown</label>
        <textarea id="embed-markdown" readonly rows={2} spellcheck={false}>
          {badgeMarkdownSnippet(props)}
        </textarea>
      </div>
      <p class="muted small">
        For the larger badge, add <code>?size=large</code> to the image address. For shields.io, use the
        endpoint <code>{`${siteUrl}${badgeJsonPath(slug)}`}</code>. To follow {name}'s reviews, verdict and
        price changes in a feed reader: <a href={toolFeedPath(slug)}>its Atom feed</a>.
      </p>
    </details>
  );
}
