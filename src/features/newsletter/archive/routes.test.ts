import { Readable } from "node:stream";
import FeedParser from "feedparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../../test/support/db.ts";
import { escapeXml } from "../../../ui/xml.ts";
import { createIssue, type Issue, markIssueSent } from "../issues/index.ts";
import { atomFeed } from "./feed.ts";

reportSkippedPostgres("newsletter archive and feed");

const SITE = "http://localhost:3000";
const EVIL = "Evil <script>alert(1)</script> & Co";

/**
 * Parses a feed with a real feed parser, strict XML: any well-formedness error rejects.
 * feedparser strips tags from the titles it normalizes, so exact text is read from the raw
 * "atom:title" element it keeps alongside.
 */
async function parseFeed(xml: string): Promise<{ meta: FeedParser.Meta; items: FeedParser.Item[] }> {
  return new Promise((resolve, reject) => {
    const parser = new FeedParser({ strict: true, normalize: true });
    const items: FeedParser.Item[] = [];
    parser.on("error", reject);
    parser.on("readable", function (this: FeedParser) {
      for (let item = this.read(); item; item = this.read()) items.push(item);
    });
    parser.on("end", () => resolve({ meta: parser.meta, items }));
    Readable.from([xml]).pipe(parser);
  });
}

/** An entry's title exactly as the feed says it, entities decoded. */
function rawTitle(item: FeedParser.Item | undefined): string | undefined {
  return item?.["atom:title"]?.["#"];
}

describe("the Atom document", () => {
  it("escapes XML and drops characters XML cannot carry", () => {
    expect(escapeXml(`<a b="c">'&'</a>\u0001\u0000ok\uD800`)).toBe(
      "&lt;a b=&quot;c&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;ok",
    );
    expect(escapeXml("😀 tab\tnew\nline")).toBe("😀 tab\tnew\nline");
  });

  it("is a valid feed with no entries before the first issue, with a fixed updated date", async () => {
    const xml = atomFeed({ issues: [], siteUrl: SITE });
    const { meta, items } = await parseFeed(xml);
    expect(meta["#type"]).toBe("atom");
    expect(items).toEqual([]);
    expect(xml).toBe(atomFeed({ issues: [], siteUrl: SITE }));
    expect(xml).toMatch(/<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z<\/updated>/);
  });

  it("survives hostile intro text: markup, CDATA ends and control characters", async () => {
    const issue: Issue = {
      id: 1,
      number: 1,
      subject: `Weekly AI Tool Verdicts #1: ${EVIL}`,
      intro: "Look <b>here</b> ]]> & there\u0001\u000b!",
      content: {
        periodStart: "2027-01-01T00:00:00.000Z",
        periodEnd: "2027-01-08T00:00:00.000Z",
        verdicts: [],
        comparisons: [],
        movers: [],
        mostCompared: null,
      },
      status: "sent",
      createdAt: "2027-01-08T00:00:00.000Z",
      sentAt: "2027-01-08T00:05:00.000Z",
    };
    const xml = atomFeed({ issues: [issue], siteUrl: SITE });
    expect(xml).not.toContain("<script");
    const { items } = await parseFeed(xml);
    expect(rawTitle(items[0])).toBe(`Weekly AI Tool Verdicts #1: ${EVIL}`);
    expect(items[0]?.summary).toBe("Look <b>here</b> ]]> & there!");
    // the content is HTML: the intro's markup arrives escaped inside it
    expect(items[0]?.description).toContain("Look &lt;b&gt;here&lt;/b&gt; ]]&gt; &amp; there!");
  });
});

describe.each(testEngines())("newsletter archive and feed on %s", (engine) => {
  let t: TestApp;
  let first: Issue;
  let second: Issue;

  const get = (path: string, headers: Record<string, string> = {}) => t.request(path, { headers });
  const text = async (path: string) => (await get(path)).text();

  beforeAll(async () => {
    t = await createTestApp(engine, { SITE_URL: SITE });
    const db = t.db.db;
    const aider = await db
      .selectFrom("tools")
      .select("id")
      .where("slug", "=", "aider")
      .executeTakeFirstOrThrow();
    await db.updateTable("tools").set({ name: EVIL }).where("id", "=", aider.id).execute();
    await db
      .updateTable("reviews")
      .set({ published_at: "2027-04-06T10:00:00.000Z" })
      .where("tool_id", "=", aider.id)
      .execute();
  });
  afterAll(() => t.dispose());

  it("shows an empty archive and an empty feed before any issue is sent", async () => {
    const res = await get("/newsletter/issues");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("No issue has gone out yet");
    const feed = await parseFeed(await text("/newsletter/feed.xml"));
    expect(feed.items).toHaveLength(0);
    expect((await get("/newsletter/issues/1")).status).toBe(404);
  });

  it("publishes an issue once it is sent, and not while it is still sending", async () => {
    first = (
      await createIssue(t.db.db, {
        intro: "Welcome to the first issue.\n\nThanks for <reading> & sharing.",
        createdBy: "admin@example.com",
        now: Date.parse("2027-04-12T09:00:00.000Z"),
      })
    ).issue;
    expect(first.content.verdicts.map((v) => v.slug)).toEqual(["aider"]);
    expect((await get("/newsletter/issues/1")).status).toBe(404);
    expect(await text("/newsletter/issues")).not.toContain(first.subject.slice(0, 30));

    expect(await markIssueSent(t.db.db, first.id, Date.parse("2027-04-12T09:10:00.000Z"))).toBe(true);
    // delivery invalidates the page cache when it marks an issue sent; so does this test
    t.deps.cache.invalidate();
    second = (
      await createIssue(t.db.db, {
        intro: "The second one.",
        createdBy: "admin@example.com",
        now: Date.parse("2027-04-19T09:00:00.000Z"),
      })
    ).issue;

    const list = await text("/newsletter/issues");
    expect(list).toContain('href="/newsletter/issues/1"');
    expect(list).not.toContain('href="/newsletter/issues/2"');
    expect(list).toContain("Weekly AI Tool Verdicts #1: Evil &lt;script&gt;");
    expect(list).not.toContain("<script>alert");
    expect(list).toContain("12 April 2027");
    expect(list).toContain('href="/newsletter"');
    expect(list).toContain('href="/newsletter/feed.xml"');
    expect(list).toContain(`<link rel="alternate" type="application/atom+xml"`);
    expect(list).toContain(`href="${SITE}/newsletter/feed.xml"`);

    const page = await get("/newsletter/issues/1");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(
      "<h1>Weekly AI Tool Verdicts #1: Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co",
    );
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("Welcome to the first issue.");
    expect(html).toContain("Thanks for &lt;reading&gt; &amp; sharing.");
    expect(html).toContain("New panel verdicts");
    expect(html).toContain('href="/tools/aider"');
    expect(html).toContain("5–12 Apr 2027");
    expect(html).toContain(`<link rel="canonical" href="${SITE}/newsletter/issues/1"`);
    expect(html).toContain(`<link rel="alternate" type="application/atom+xml"`);
    // no personal links on a public page
    expect(html).not.toContain("unsubscribe?token");

    const sending = await get("/newsletter/issues/2");
    expect(sending.status).toBe(404);
    expect(await sending.text()).toContain("Issue #2 has not been sent yet.");
  });

  it("answers unknown and malformed issue numbers with a helpful 404", async () => {
    for (const path of [
      "/newsletter/issues/999",
      "/newsletter/issues/abc",
      "/newsletter/issues/0",
      "/newsletter/issues/1.5",
      "/newsletter/issues/-1",
      "/newsletter/issues/01",
      "/newsletter/issues/99999999999999999999",
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html, path).toContain('href="/newsletter/issues"');
      expect(html, path).toContain('href="/newsletter"');
    }
    expect(await text("/newsletter/issues/999")).toContain("Issue #999 has not been sent yet.");
    expect(await text("/newsletter/issues/abc")).toContain("/newsletter/issues/1");
  });

  it("serves a valid Atom 1.0 feed of the sent issues", async () => {
    const res = await get("/newsletter/feed.xml");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await res.text();
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(xml).not.toContain("<script");
    const { meta, items } = await parseFeed(xml);
    expect(meta["#type"]).toBe("atom");
    expect(meta["#version"]).toBe("1.0");
    expect(meta.title).toBe("Weekly AI Tool Verdicts · Ship or Skip");
    expect(meta.link).toBe(`${SITE}/newsletter/issues`);
    expect(meta.xmlurl).toBe(`${SITE}/newsletter/feed.xml`);
    expect(meta.author).toBe("Ship or Skip");
    expect(meta.date?.toISOString()).toBe("2027-04-12T09:10:00.000Z");
    expect(meta["atom:id"]?.["#"]).toBe(`${SITE}/newsletter/issues`);

    expect(items).toHaveLength(1);
    const [entry] = items as [FeedParser.Item];
    expect(rawTitle(entry)).toBe(first.subject);
    expect(rawTitle(entry)).toContain(EVIL);
    expect(entry["atom:title"]?.["@"]?.type).toBe("text");
    expect(entry.link).toBe(`${SITE}/newsletter/issues/1`);
    expect(entry.guid).toBe(`${SITE}/newsletter/issues/1`);
    expect(entry.pubdate?.toISOString()).toBe("2027-04-12T09:10:00.000Z");
    expect(entry.date?.toISOString()).toBe("2027-04-12T09:10:00.000Z");
    expect(entry.summary).toBe("Welcome to the first issue.");
    expect(entry["atom:content"]?.["@"]?.type).toBe("html");
    expect(entry.description).toContain(`<a href="${SITE}/tools/aider">Evil &lt;script&gt;`);
    expect(entry.description).toContain("<h2>New panel verdicts</h2>");
  });

  it("lists every sent issue, newest first, in the archive and the feed", async () => {
    expect(await markIssueSent(t.db.db, second.id, Date.parse("2027-04-19T09:05:00.000Z"))).toBe(true);
    t.deps.cache.invalidate();
    const list = await text("/newsletter/issues");
    expect(list.indexOf('href="/newsletter/issues/2"')).toBeGreaterThan(-1);
    expect(list.indexOf('href="/newsletter/issues/2"')).toBeLessThan(
      list.indexOf('href="/newsletter/issues/1"'),
    );
    expect((await get("/newsletter/issues/2")).status).toBe(200);

    const { meta, items } = await parseFeed(await text("/newsletter/feed.xml"));
    expect(items.map((i) => i.link)).toEqual([`${SITE}/newsletter/issues/2`, `${SITE}/newsletter/issues/1`]);
    expect(items.map(rawTitle)).toEqual([second.subject, first.subject]);
    expect(items[0]?.summary).toBe("The second one.");
    expect(meta.date?.toISOString()).toBe("2027-04-19T09:05:00.000Z");
  });

  it("answers an unchanged feed with 304, and a changed one in full", async () => {
    const res = await get("/newsletter/feed.xml");
    const etag = res.headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await get("/newsletter/feed.xml", { "if-none-match": etag as string });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const third = await createIssue(t.db.db, {
      intro: "",
      createdBy: "cli",
      now: Date.parse("2027-04-26T09:00:00.000Z"),
    });
    await markIssueSent(t.db.db, third.issue.id, Date.parse("2027-04-26T09:01:00.000Z"));
    const changed = await get("/newsletter/feed.xml", { "if-none-match": etag as string });
    expect(changed.status).toBe(200);
    const { items } = await parseFeed(await changed.text());
    expect(items).toHaveLength(3);
    // an issue with no intro is summed up by what it holds
    expect(items[0]?.summary).toMatch(/\.$/);
  });
});
