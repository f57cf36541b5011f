/**
 * The parts of a page that differ from one reader to the next: the account links in the header,
 * a form's CSRF token, the reader's vote, bookmark and pick. A page wraps each such part in
 * <Personal>, and every page renders in two steps (renderPage): once with each personal part
 * left as a numbered hole, giving a PageTemplate that holds nothing of the reader, then each hole
 * filled for this reader (fillTemplate). A page that reads the reader nowhere else is the same
 * template for everyone, so the page cache keeps it beside the anonymous page and a signed-in
 * reader's request fills its holes instead of running the route and rendering the whole page
 * (src/http/reader-pages.ts; docs/decisions/021-personal-parts.md).
 */

import { raw } from "hono/html";
import type { Child, FC } from "hono/jsx";
import { jsx } from "hono/jsx";
import type { SessionUser } from "../domain/account.ts";
import { renderHtml } from "./render.ts";
import { ANONYMOUS, type PageViewer, useViewer, ViewerContext } from "./viewer-context.ts";

/**
 * A personal part: the component, its props, what it picks from the viewer and loads for the
 * reader, and its renders so far. A part's HTML is a function of its props, what it picked and
 * loaded, the page path and the CSRF token; nothing else of the reader reaches it (fillTemplate
 * renders parts for a viewer that holds only those). So a render can be kept and reused for
 * every reader who picks and loads the same, with the token put in afterwards.
 */
export interface PersonalPart {
  // biome-ignore lint/suspicious/noExplicitAny: each part keeps its own component's props
  readonly of: FC<any>;
  readonly with: object;
  readonly pick?: (viewer: PageViewer) => object;
  readonly load?: (user: SessionUser | null) => Promise<object>;
  /** Renders so far, by what was picked and loaded, split where the CSRF token goes. */
  rendered?: Map<string, readonly string[]>;
}

/** A rendered page with its personal parts as holes: parts.length === holes.length + 1. */
export interface PageTemplate {
  readonly parts: readonly string[];
  readonly holes: readonly PersonalPart[];
}

/** Where a hole was left, unique to this process so no page text can look like one. */
const NONCE = Math.random().toString(36).slice(2, 10);
const HOLE = new RegExp(`<!--personal:${NONCE}:(\\d+)-->`);
/** Between the parts when fillTemplate renders them together. */
const BETWEEN = `<!--part:${NONCE}-->`;
/** Stands for the CSRF token in a kept render (letters only, so escaping leaves it alone). */
const TOKEN = `csrf${NONCE}token`;
/**
 * How many renders a part keeps (a vote control has three states, the header four: signed out
 * and three roles); a part whose inputs vary more (a reader's bookmarks) starts over when full.
 */
const RENDERS_KEPT = 8;

/** The viewer while a page is being recorded: the real one, plus where the holes go. */
interface RecordingViewer extends PageViewer {
  holes?: PersonalPart[];
}

/**
 * A part of the page that differs per reader. `of` renders it from `with`, plus what `pick`
 * takes from the viewer (their vote on this tool, say) and what `load` returns for them (their
 * pick on a pair). It may read the viewer's CSRF token and path (FormBasics does); everything
 * else it shows of the reader must come through `pick` or `load`, as plain JSON values (strings,
 * numbers, arrays, plain objects): kept renders are found by those values' JSON, in which a Map
 * or a class instance would all look alike.
 */
export function Personal<
  P extends object,
  S extends object = Record<never, never>,
  L extends object = Record<never, never>,
>(props: {
  of: FC<NoInfer<P & S & L>>;
  with: P;
  pick?: (viewer: PageViewer) => S;
  load?: (user: SessionUser | null) => Promise<L>;
}): Child {
  const holes = (useViewer() as RecordingViewer).holes;
  if (holes) {
    holes.push({ of: props.of, with: props.with, pick: props.pick, load: props.load });
    return raw(`<!--personal:${NONCE}:${holes.length - 1}-->`);
  }
  // inside a part being filled (the CSRF field of a vote form): rendered in place, and since the
  // viewer here holds only the token and the path, it may pick and load nothing
  if (props.pick || props.load) throw new Error("a Personal part inside another may not pick or load");
  return jsx(props.of, props.with as P & S & L);
}

/**
 * Fills a template's holes for one reader: each part's data picked and loaded, kept renders
 * reused, the others rendered together in one pass, and the reader's CSRF token put in.
 */
export async function fillTemplate(template: PageTemplate, viewer: PageViewer): Promise<string> {
  const { holes, parts } = template;
  if (holes.length === 0) return parts[0] ?? "";
  const loaded = await Promise.all(holes.map((part) => part.load?.(viewer.user)));
  const signedIn = viewer.csrfToken !== "";
  const inputs = holes.map((part, i) => ({ ...part.pick?.(viewer), ...loaded[i] }));
  const keys = inputs.map((input) => JSON.stringify([signedIn, viewer.path, input]));
  const pieces = holes.map((part, i) => part.rendered?.get(keys[i] ?? ""));
  const missing = pieces.flatMap((p, i) => (p ? [] : [i]));
  if (missing.length > 0) {
    // the part sees the path and (a stand-in for) the token, nothing else of the reader
    const seen: PageViewer = { ...ANONYMOUS, path: viewer.path, csrfToken: signedIn ? TOKEN : "" };
    const rendered = await renderHtml(
      <ViewerContext.Provider value={seen}>
        {missing.map((i) => [jsx(holes[i]!.of, { ...holes[i]!.with, ...inputs[i] }), raw(BETWEEN)])}
      </ViewerContext.Provider>,
    );
    const outputs = rendered.split(BETWEEN);
    missing.forEach((i, j) => {
      const part = holes[i]!;
      const split = (outputs[j] ?? "").split(TOKEN);
      pieces[i] = split;
      part.rendered ??= new Map();
      if (part.rendered.size >= RENDERS_KEPT) part.rendered.clear();
      part.rendered.set(keys[i] ?? "", split);
    });
  }
  let html = parts[0] ?? "";
  for (let i = 0; i < holes.length; i++)
    html += (pieces[i] ?? []).join(viewer.csrfToken) + (parts[i + 1] ?? "");
  return html;
}

/**
 * Renders a page for a viewer: first with its personal parts as holes (the template), then
 * filled for this viewer. `prefix` goes before the page (the doctype). A page readers share
 * (`shared`) is recorded for an anonymous viewer, so its template holds nothing of this one
 * even where a component reads the viewer outside a part by mistake: the worst a slip can do
 * is show a signed-in reader the anonymous version of that bit, never show it to others.
 */
export async function renderPage(
  node: Child,
  viewer: PageViewer,
  opts: { prefix?: string; shared?: boolean } = {},
): Promise<{ html: string; template: PageTemplate }> {
  const holes: PersonalPart[] = [];
  const recording: RecordingViewer = opts.shared
    ? { ...ANONYMOUS, path: viewer.path, holes }
    : { ...viewer, holes };
  const prefix = opts.prefix ?? "";
  const marked = await renderHtml(<ViewerContext.Provider value={recording}>{node}</ViewerContext.Provider>);
  // split() with a capture group alternates text and hole numbers: text, 0, text, 1, text …
  const pieces = (prefix + marked).split(HOLE);
  const parts: string[] = [];
  const ordered: PersonalPart[] = [];
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) parts.push(pieces[i] ?? "");
    else {
      const part = holes[Number(pieces[i])];
      if (!part) throw new Error(`renderPage found a hole it did not leave (${pieces[i]})`);
      ordered.push(part);
    }
  }
  const template = { parts, holes: ordered };
  return { html: await fillTemplate(template, viewer), template };
}
