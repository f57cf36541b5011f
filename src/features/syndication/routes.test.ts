import { Readable } from "node:stream";
import FeedParser from "feedparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { descendants, parseXml, type XmlElement } from "../../../test/support/xml.ts";
import type { ReviewInput } from "../../domain/catalog-schema.ts";
import { startServer } from "../../server.ts";
import { loadProfile, saveToolProfiles } from "../catalog-admin/index.ts";
import { createIssue } from "../newsletter/issues/index.ts";
import { publishRevision, recomputePanel } from "../panel/index.ts";

reportSkippedPostgres("feeds, badges and the sitemap");

const SITE = "https://ship.example";
const EVIL = 'Evil <script>alert(1)</script> & "Co" ]]>';
/** Fixed instants in the past, after the seeded reviews: what the feed and sitemap must report. */
const FLIP_AT = Date.parse("2026-11-20T10:00:00.000Z");
const PRICE_AT = Date.parse("2026-11-25T10:00:00.000Z");
const ISSUE_AT = Date.parse("2026-11-27T08:00:00.000Z");

/** Parses a feed with a real feed parser in strict mode: any well-formedness error rejects. */
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

/** An entry's title exactly as the feed says it (feedparser strips markup from its normalized title). */
const titleOf = (item: FeedParser.Item) => item.title;

/** The shields.io endpoint format (https://shields.io/badges/endpoint-badge). */
const endpointSchema = z.strictObject({
  schemaVersion: z.literal(1),
  label: z.string(),
  message: z.string().min(1),
  color: z.string().regex(/^([0-9a-f]{3}|[0-9a-f]{6})$/),
  labelColor: z.string().regex(/^([0-9a-f]{3}|[0-9a-f]{6})$/),
});

const htmlEscaped = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

const child = (el: XmlElement, name: string) => el.children.find((c) => c.name === name);

describe.each(testEngines())("feeds, badges and the sitemap on %s", (engine) => {
  let t: TestApp;
  const get = (path: string, headers: Record<string, string> = {}) => t.request(path, { headers });
  const text = async (path: string) => (await get(path)).text();
  const db = () => t.db.db;

  /** Publishes a new revision of one persona's review with another verdict and score. */
  async function republish(
    slug: string,
    persona: "founder",
    verdict: "ship" | "skip",
    score: number,
    now: number,
  ) {
    await db()
      .transaction()
      .execute(async (trx) => {
        const tool = await trx
          .selectFrom("tools")
          .select("id")
          .where("slug", "=", slug)
          .executeTakeFirstOrThrow();
        const current = await trx
          .selectFrom("review_revisions")
          .select(["summary", "answers"])
          .where("tool_id", "=", tool.id)
          .where("persona", "=", persona)
          .orderBy("revision", "desc")
          .executeTakeFirstOrThrow();
        await publishRevision(trx, {
          toolId: tool.id,
          persona,
          review: {
            score,
            verdict,
            summary: current.summary,
            answers: JSON.parse(current.answers),
          } as ReviewInput,
          author: "Test panelist",
          authorId: null,
          provenance: "panelist",
          modelName: null,
          now,
        });
        await recomputePanel(trx, tool.id);
      });
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { SITE_URL: SITE });
  });
  afterAll(() => t.dispose());

  describe("Atom feeds", () => {
    it("serves the site feed as strict Atom with stable tag: ids, real dates and absolute tool links", async () => {
      const res = await get("/feed.xml");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
      const xml = await res.text();
      const { meta, items } = await parseFeed(xml);
      expect(meta["#type"]).toBe("atom");
      expect(meta.title).toBe("Ship or Skip: new and changed verdicts");
      expect(meta.xmlurl).toBe(`${SITE}/feed.xml`);
      expect(items.length).toBeGreaterThan(10);
      expect(items.length).toBeLessThanOrEqual(50);
      const ids = items.map((i) => i.guid);
      expect(new Set(ids).size).toBe(ids.length);
      for (const item of items) {
        expect(item.guid).toMatch(/^tag:ship\.example,2026:/);
        expect(item.link).toMatch(/^https:\/\/ship\.example\/tools\/[a-z0-9-]+$/);
        expect(item.date?.getTime()).toBeLessThanOrEqual(Date.now());
        expect(titleOf(item)).toMatch(
          /^.+: (the panel (now )?(says (ship|skip)|is (now )?split)|\w+ now says (ship|skip)) \(\d+\)/,
        );
        expect(item.summary).toBeTruthy();
      }
      // newest first
      const dates = items.map((i) => i.date?.getTime() ?? 0);
      expect([...dates].sort((a, b) => b - a)).toEqual(dates);
      // the same bytes on every render until something changes: ETag and 304
      const etag = res.headers.get("etag") ?? "";
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect((await get("/feed.xml")).headers.get("etag")).toBe(etag);
      const again = await get("/feed.xml", { "if-none-match": etag });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
    });

    it("shows a persona's changed verdict in the site, category and tool feeds, and not in another category's", async () => {
      const before = await parseFeed(await text("/tools/aider/feed.xml"));
      // Aider's panel is split 2–2 in the seed; its Founder says skip (40)
      expect(before.items.map(titleOf)).toContain("Aider: Founder says skip (40)");
      await republish("aider", "founder", "ship", 66, FLIP_AT);

      const site = await parseFeed(await text("/feed.xml"));
      const siteTitles = site.items.slice(0, 2).map(titleOf);
      expect(siteTitles).toContain("Aider: Founder now says ship (66), was skip");
      expect(siteTitles.some((s) => /^Aider: the panel now says ship \(\d+\), was split$/.test(s))).toBe(
        true,
      );
      expect(site.items[0]?.date?.toISOString()).toBe(new Date(FLIP_AT).toISOString());
      expect(site.meta.date?.toISOString()).toBe(new Date(FLIP_AT).toISOString());

      const aiderCategory = await db()
        .selectFrom("tools")
        .innerJoin("categories", "categories.id", "tools.category_id")
        .select("categories.slug")
        .where("tools.slug", "=", "aider")
        .executeTakeFirstOrThrow();
      const other = await db()
        .selectFrom("categories")
        .select("slug")
        .where("slug", "!=", aiderCategory.slug)
        .executeTakeFirstOrThrow();
      const inCategory = await parseFeed(await text(`/categories/${aiderCategory.slug}/feed.xml`));
      expect(inCategory.items.map(titleOf)).toContain("Aider: Founder now says ship (66), was skip");
      const elsewhere = await parseFeed(await text(`/categories/${other.slug}/feed.xml`));
      expect(elsewhere.items.map(titleOf).some((s) => s.startsWith("Aider:"))).toBe(false);

      const tool = await parseFeed(await text("/tools/aider/feed.xml"));
      const titles = tool.items.map(titleOf);
      expect(titles).toContain("Aider: Founder now says ship (66), was skip");
      // the first review stays, under the same id as before
      expect(titles).toContain("Aider: Founder says skip (40)");
      const firstId = (f: typeof tool) =>
        f.items.find((i) => titleOf(i) === "Aider: Founder says skip (40)")?.guid;
      expect(firstId(tool)).toBe(firstId(before));
      expect(tool.items.every((i) => i.link === `${SITE}/tools/aider`)).toBe(true);
    });

    it("lists a pricing change in the tool's feed without the editor's address or reason", async () => {
      const profile = await loadProfile(db(), "aider");
      if (!profile) throw new Error("aider is seeded");
      const oldEntry = profile.pricing.entry;
      const result = await saveToolProfiles(db(), {
        actor: { id: null, email: "editor-secret@example.com" },
        profiles: [
          {
            ...profile,
            pricing: { ...profile.pricing, entry: "$9/mo", freeTier: !profile.pricing.freeTier },
          },
        ],
        mode: "update",
        reason: "a private note about the vendor",
        now: PRICE_AT,
      });
      expect(result.ok).toBe(true);
      const xml = await text("/tools/aider/feed.xml");
      const { items } = await parseFeed(xml);
      const entry = items[0];
      expect(titleOf(entry as FeedParser.Item)).toBe(`Aider: entry price now $9/mo, was ${oldEntry}`);
      expect(entry?.summary).toContain(`Entry price: ${oldEntry} → $9/mo`);
      expect(entry?.date?.toISOString()).toBe(new Date(PRICE_AT).toISOString());
      expect(xml).not.toContain("editor-secret");
      expect(xml).not.toContain("private note");
      // the site feed is about verdicts: prices stay out of it
      expect(await text("/feed.xml")).not.toContain("entry price");
    });

    it("keeps hostile tool names as text in feeds and in the embed snippets", async () => {
      await db().updateTable("tools").set({ name: EVIL }).where("slug", "=", "cursor").execute();
      const xml = await text("/tools/cursor/feed.xml");
      expect(xml).not.toContain("<script");
      const { meta, items } = await parseFeed(xml);
      // feedparser strips markup from the titles it normalizes: read the raw elements
      expect(meta["atom:title"]?.["#"]).toBe(`${EVIL} on Ship or Skip: verdicts, reviews and pricing`);
      expect(items.length).toBeGreaterThan(0);
      // entry titles are type="html": the name arrives HTML-escaped, so a reader shows it as text
      for (const item of items)
        expect(item["atom:title"]?.["#"]?.startsWith(`${htmlEscaped(EVIL)}:`)).toBe(true);

      const page = await text("/tools/cursor");
      expect(page).not.toContain("<script>alert");
      // the HTML snippet escapes the name for the reader's page, and the textarea escapes it again for ours
      expect(page).toContain(
        "alt=&quot;Ship or Skip verdict for Evil &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
      );
      await db().updateTable("tools").set({ name: "Cursor" }).where("slug", "=", "cursor").execute();
    });

    it("answers 404 for an unknown tool or category", async () => {
      expect((await get("/tools/no-such-tool/feed.xml")).status).toBe(404);
      expect((await get("/categories/no-such-category/feed.xml")).status).toBe(404);
    });

    it("is announced in the head of the home, category and tool pages", async () => {
      const link = (href: string, title: string) =>
        `<link rel="alternate" type="application/atom+xml" title="${title}" href="${href}"/>`;
      expect(await text("/")).toContain(link(`${SITE}/feed.xml`, "Ship or Skip: new and changed verdicts"));
      const category = await db().selectFrom("categories").select(["slug", "name"]).executeTakeFirstOrThrow();
      expect(await text(`/categories/${category.slug}`)).toContain(
        link(`${SITE}/categories/${category.slug}/feed.xml`, `Ship or Skip: ${category.name} verdicts`),
      );
      expect(await text("/tools/aider")).toContain(
        link(`${SITE}/tools/aider/feed.xml`, "Aider on Ship or Skip: verdicts, reviews and pricing"),
      );
    });

    it("is stored in the page cache for anonymous readers only, with its own headers", async () => {
      t.deps.cache.invalidate();
      await get("/feed.xml", { cookie: "bookmarks=aider" });
      expect(t.deps.cache.get("/feed.xml")).toBeUndefined();
      const res = await get("/feed.xml");
      const stored = t.deps.cache.get("/feed.xml");
      expect(stored?.etag).toBe(res.headers.get("etag"));
      expect(stored?.headers["content-type"]).toBe("application/atom+xml; charset=utf-8");
      expect(stored?.headers["x-content-type-options"]).toBe("nosniff");
    });

    it("is answered from the page cache at the socket with its own headers until a write", async () => {
      const { server, url } = await startServer({
        app: t.app,
        cache: t.deps.cache,
        port: 0,
        host: "127.0.0.1",
      });
      try {
        t.deps.cache.invalidate();
        const first = await fetch(`${url}/badge/claude-code.svg`);
        const body = await first.text();
        // changed behind the app's back (no invalidation): a cache hit still has the old bytes
        await db().updateTable("tools").set({ panel_score: 1 }).where("slug", "=", "claude-code").execute();
        const hit = await fetch(`${url}/badge/claude-code.svg`);
        expect(await hit.text()).toBe(body);
        expect(hit.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
        expect(hit.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
        expect(hit.headers.get("content-security-policy")).toContain("sandbox");
        expect(hit.headers.get("cache-control")).toBe("public, max-age=300");
        const feed = await fetch(`${url}/feed.xml`);
        await feed.text();
        const feedHit = await fetch(`${url}/feed.xml`, {
          headers: { "if-none-match": feed.headers.get("etag") ?? "" },
        });
        expect(feedHit.status).toBe(304);
        expect(feedHit.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
        // a write clears it: the next request renders afresh
        t.deps.cache.invalidate();
        expect(await (await fetch(`${url}/badge/claude-code.svg`)).text()).not.toBe(body);
      } finally {
        await recomputePanel(
          db(),
          (
            await db()
              .selectFrom("tools")
              .select("id")
              .where("slug", "=", "claude-code")
              .executeTakeFirstOrThrow()
          ).id,
        );
        t.deps.cache.invalidate();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  describe("badges", () => {
    async function panelOf(slug: string) {
      return db()
        .selectFrom("tools")
        .select(["panel_verdict", "panel_score"])
        .where("slug", "=", slug)
        .executeTakeFirstOrThrow();
    }

    it("draws a 20 px SVG badge with the verdict, the score, a title and role=img", async () => {
      const { panel_verdict, panel_score } = await panelOf("claude-code");
      const res = await get("/badge/claude-code.svg");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(res.headers.get("content-security-policy")).toContain("sandbox");
      expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
      expect(res.headers.get("cache-control")).toBe("public, max-age=300");
      const svg = parseXml(await res.text());
      expect(svg.name).toBe("svg");
      expect(svg.attributes.height).toBe("20");
      expect(svg.attributes.role).toBe("img");
      const expected = `ship or skip: ${panel_verdict} · ${Math.round(panel_score ?? 0)}`;
      expect(child(svg, "title")?.text).toBe(expected);
      expect(svg.attributes["aria-label"]).toBe(expected);
      expect(descendants(svg, "text").map((e) => e.text)).toContain(
        `${panel_verdict} · ${Math.round(panel_score ?? 0)}`,
      );
      const etag = res.headers.get("etag") ?? "";
      expect((await get("/badge/claude-code.svg", { "if-none-match": etag })).status).toBe(304);
    });

    it("follows the panel: the badge changes when a verdict does", async () => {
      // Aider's Founder turned ship above, so its split panel now says ship
      const svg = parseXml(await text("/badge/aider.svg"));
      expect(child(svg, "title")?.text).toMatch(/^ship or skip: ship · \d+$/);
    });

    it("draws a larger variant with ?size=large", async () => {
      const res = await get("/badge/claude-code.svg?size=large");
      expect(res.status).toBe(200);
      const svg = parseXml(await res.text());
      expect(svg.attributes.height).toBe("28");
      expect(svg.attributes.role).toBe("img");
      expect(child(svg, "title")?.text).toMatch(/^SHIP OR SKIP: (SHIP|SKIP|SPLIT) · \d+$/);
    });

    it("answers errors with an image, never a page", async () => {
      const unknown = await get("/badge/no-such-tool.svg");
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
      expect(child(parseXml(await unknown.text()), "title")?.text).toBe("ship or skip: unknown tool");
      const badSize = await get("/badge/aider.svg?size=huge");
      expect(badSize.status).toBe(400);
      expect(badSize.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
      parseXml(await badSize.text());
    });

    it("offers the shields.io endpoint format as JSON", async () => {
      const { panel_verdict, panel_score } = await panelOf("claude-code");
      const res = await get("/badge/claude-code.json");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      const body = endpointSchema.parse(await res.json());
      expect(body.message).toBe(`${panel_verdict} · ${Math.round(panel_score ?? 0)}`);
      const unknown = await get("/badge/no-such-tool.json");
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get("content-type")).toBe("application/problem+json");
      expect(await unknown.json()).toMatchObject({ status: 404, instance: "/badge/no-such-tool.json" });
      expect((await get("/badge/claude-code.png")).status).toBe(404);
    });

    it("puts an 'Embed this verdict' block with HTML and Markdown snippets on the tool page", async () => {
      const html = await text("/tools/claude-code");
      const block = /<details class="embed-verdict[^"]*">([\s\S]*?)<\/details>/.exec(html)?.[1] ?? "";
      expect(block).toContain("<summary>Embed this verdict</summary>");
      expect(block).toContain('<img src="/badge/claude-code.svg"');
      // shown as text inside the textareas, so escaped once for our page
      expect(block).toContain(
        `&lt;a href=&quot;${SITE}/tools/claude-code&quot;&gt;&lt;img src=&quot;${SITE}/badge/claude-code.svg&quot; alt=&quot;Ship or Skip verdict for Claude Code&quot; height=&quot;20&quot;&gt;&lt;/a&gt;`,
      );
      expect(block).toContain(
        `[![Ship or Skip verdict for Claude Code](${SITE}/badge/claude-code.svg)](${SITE}/tools/claude-code)`,
      );
    });
  });

  describe("sitemap and robots.txt", () => {
    it("lists every public page once, each answering 200, with real change dates", async () => {
      const issue = (
        await createIssue(db(), { intro: "Hello.", createdBy: "admin@example.com", now: ISSUE_AT })
      ).issue;
      await db()
        .updateTable("newsletter_issues")
        .set({ status: "sent", sent_at: new Date(ISSUE_AT).toISOString() })
        .where("id", "=", issue.id)
        .execute();

      const res = await get("/sitemap.xml");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
      const root = parseXml(await res.text());
      expect(root.name).toBe("urlset");
      expect(root.attributes.xmlns).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
      const urls = root.children.map((u) => ({
        loc: child(u, "loc")?.text ?? "",
        lastmod: child(u, "lastmod")?.text,
      }));
      const paths = urls.map((u) => {
        expect(u.loc.startsWith(`${SITE}/`)).toBe(true);
        return u.loc.slice(SITE.length);
      });
      expect(new Set(paths).size).toBe(paths.length);

      const tools = await db().selectFrom("tools").select("slug").execute();
      const categories = await db().selectFrom("categories").select("slug").execute();
      for (const { slug } of tools) expect(paths).toContain(`/tools/${slug}`);
      for (const { slug } of categories) {
        expect(paths).toContain(`/categories/${slug}`);
        expect(paths).toContain(`/leaderboard/${slug}`);
      }
      expect(paths).toContain("/leaderboard");
      expect(paths).toContain(`/newsletter/issues/${issue.number}`);
      expect(paths.filter((p) => p.startsWith("/compare/")).length).toBeGreaterThan(3);

      const now = Date.now();
      for (const u of urls) {
        if (u.lastmod === undefined) continue;
        expect(u.lastmod).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(Date.parse(u.lastmod)).toBeLessThanOrEqual(now);
      }
      const lastmod = (path: string) => urls.find((u) => u.loc === `${SITE}${path}`)?.lastmod;
      // the pricing edit above is Aider's latest change; a tool untouched since the seed has its latest review's date
      expect(lastmod("/tools/aider")).toBe(new Date(PRICE_AT).toISOString());
      const seeded = await db()
        .selectFrom("review_revisions")
        .innerJoin("tools", "tools.id", "review_revisions.tool_id")
        .select((eb) => eb.fn.max("review_revisions.published_at").as("at"))
        .where("tools.slug", "=", "claude-code")
        .executeTakeFirstOrThrow();
      expect(lastmod("/tools/claude-code")).toBe(String(seeded.at));
      expect(lastmod(`/newsletter/issues/${issue.number}`)).toBe(new Date(ISSUE_AT).toISOString());

      // every listed address answers, the leaderboards included
      expect(paths.filter((p) => /^\/leaderboard(\/|$)/.test(p)).length).toBe(categories.length + 1);
      for (const path of paths) {
        const page = await get(path);
        expect(page.status, path).toBe(200);
      }
    });

    it("points robots.txt at the sitemap and keeps crawlers out of personal and admin pages", async () => {
      const res = await get("/robots.txt");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      const body = await res.text();
      expect(body).toContain(`Sitemap: ${SITE}/sitemap.xml`);
      for (const path of ["/account", "/bookmarks", "/admin", "/panel", "/sign-in"]) {
        expect(body.split("\n")).toContain(`Disallow: ${path}`);
      }
    });
  });
});
