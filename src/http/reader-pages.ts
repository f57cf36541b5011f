/**
 * Signed-in readers' pages from the page cache. A page every reader shares but for its personal
 * parts (readersShareThisPage) is stored with its template, the page with those parts as holes;
 * a signed-in GET of it is answered here, at the node:http level like a cache hit, by looking up
 * the reader (session, votes, bookmarks) and filling the holes, without running the route or
 * rendering the page. Anything unusual (no session cookie, an unknown session, a failure) goes
 * to the app, which answers as it always has. docs/decisions/021-personal-parts.md.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { fillTemplate, type PageTemplate } from "../ui/personal.tsx";
import type { PageViewer } from "../ui/viewer-context.ts";
import { compress, MIN_COMPRESS_BYTES, negotiate } from "./compression.ts";
import type { HitReport, PageCache } from "./page-cache.ts";

/**
 * The signed-in reader a Cookie header names, with what pages show of them, for a page at
 * `path`. Undefined, at once, when the header holds no session cookie; a promise of undefined
 * when the session is unknown or over.
 */
export type ReaderLookup = (cookie: string, path: string) => Promise<PageViewer | undefined> | undefined;

export class ReaderPages {
  /** Header list of every answer, made once: the app's page headers, private to this reader. */
  private readonly head: string[];

  constructor(
    private readonly cache: PageCache,
    private readonly lookup: ReaderLookup,
    /** The headers the app sends with a page for a signed-in reader, content type included. */
    headers: Record<string, string>,
    /** Told of a failure before the app answers instead, so a broken part does not go unseen. */
    private readonly onError: (err: unknown, fields: Record<string, unknown>) => void = () => {},
  ) {
    this.head = Object.entries(headers).flat();
  }

  /**
   * Takes a GET with a session cookie for a page stored with its template, and answers it;
   * false when it does not (the caller goes on to the app). `fallback` sends the request to
   * the app after all, when the cookie names no live session or filling fails. `report` (the
   * request log's record) is told the page's route and the bytes sent.
   */
  tryServe(req: IncomingMessage, res: ServerResponse, fallback: () => void, report?: HitReport): boolean {
    const cookie = req.headers.cookie;
    if (req.method !== "GET" || !cookie) return false;
    const target = req.url ?? "";
    const page = this.cache.sharedPage(target);
    if (!page) return false;
    const reader = this.lookup(cookie, target);
    if (!reader) return false;
    if (report) report.route = page.route;
    this.answer(req, res, page.template, reader, report).then(
      (answered) => answered || fallback(),
      // logged here, then the app answers (with its own page, or its error page)
      (err: unknown) => {
        this.onError(err, { reqId: report?.id, route: page.route });
        if (!res.headersSent) fallback();
      },
    );
    return true;
  }

  /** Fills the template for the reader and sends it; false when the cookie names no live session. */
  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    template: PageTemplate,
    reader: Promise<PageViewer | undefined>,
    report: HitReport | undefined,
  ): Promise<boolean> {
    const viewer = await reader;
    if (!viewer) return false;
    const html = Buffer.from(await fillTemplate(template, viewer));
    const encoding =
      html.length >= MIN_COMPRESS_BYTES ? negotiate(req.headers["accept-encoding"]) : undefined;
    const body = encoding ? await compress(html, encoding, "perRequest") : html;
    const head = encoding ? [...this.head, "content-encoding", encoding] : [...this.head];
    head.push("content-length", String(body.length));
    if (report) report.bytes = body.length;
    res.writeHead(200, head);
    res.end(body);
    return true;
  }
}
