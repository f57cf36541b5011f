/** The public newsletter archive: /newsletter/issues, /newsletter/issues/:number and the Atom feed. */
import { Hono } from "hono";
import type { Deps } from "../../../http/deps.ts";
import { notFound } from "../../../http/errors.ts";
import { sendPage } from "../../../http/page.tsx";
import { etagFor, etagMatches } from "../../../http/page-cache.ts";
import { getIssue, listSentIssues, parseIssueNumber } from "../issues/index.ts";
import { ATOM_CONTENT_TYPE, atomFeed, FEED_ENTRIES, FEED_PATH } from "./feed.ts";
import { IssueListPage, IssuePage } from "./views.tsx";

/** A weekly issue every week for twenty years fits on the archive page. */
const ARCHIVE_LIMIT = 1040;

const ARCHIVE_SUGGESTIONS = [
  { href: "/newsletter/issues", label: "See every issue sent so far" },
  { href: "/newsletter", label: "Subscribe to get the next one" },
];

/** The archive pages and the feed; anonymous pages, so the page cache keeps them. */
export function newsletterArchiveRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;

  app.get("/newsletter/issues", async (c) => {
    const issues = await listSentIssues(db, { limit: ARCHIVE_LIMIT });
    return sendPage(c, <IssueListPage issues={issues} siteUrl={config.siteUrl} />);
  });

  app.get("/newsletter/issues/:number", async (c) => {
    const raw = c.req.param("number");
    const number = parseIssueNumber(raw);
    if (number === undefined) {
      throw notFound(
        "Issues are numbered 1, 2, 3 and so on: an issue's address looks like /newsletter/issues/1.",
        ARCHIVE_SUGGESTIONS,
      );
    }
    const issue = await getIssue(db, number);
    // an issue still going out stays private until its last message is delivered
    if (issue?.status !== "sent") {
      throw notFound(`Issue #${raw} has not been sent yet.`, ARCHIVE_SUGGESTIONS);
    }
    return sendPage(c, <IssuePage issue={issue} siteUrl={config.siteUrl} />);
  });

  app.get(FEED_PATH, async (c) => {
    const issues = await listSentIssues(db, { limit: FEED_ENTRIES });
    const body = Buffer.from(atomFeed({ issues, siteUrl: config.siteUrl }));
    const etag = etagFor(body);
    const headers = { "content-type": ATOM_CONTENT_TYPE, "cache-control": "no-cache", etag };
    // feed readers poll: answer an unchanged feed with 304 and no body
    if (etagMatches(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
    return c.body(body, 200, headers);
  });

  return app;
}
