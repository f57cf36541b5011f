/** The read operations on every engine, every answer checked against the OpenAPI document. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../../../test/support/api.ts";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { createIssue, markIssueSent } from "../newsletter/issues/store.ts";

reportSkippedPostgres("API reads");

type Obj = Record<string, unknown>;
const items = (body: unknown) => (body as { items: Obj[] }).items;
const slugs = (list: Obj[]) => list.map((t) => t.slug as string);
const problem = (body: unknown) =>
  body as { type: string; detail: string; errors?: Obj[]; suggestions?: Obj[] };
/** The bad parameters a 400 names. */
const named = (body: unknown) => (problem(body).errors ?? []).map((e) => e.name);

describe.each(testEngines())("API reads on %s", (engine) => {
  let t: TestApp;
  let api: Awaited<ReturnType<typeof apiClient>>;
  beforeAll(async () => {
    // a generous limit: these tests count reads, not refusals
    t = await createTestApp(engine, { API_RATE_LIMIT: "100000" });
    api = await apiClient(t);
  });
  afterAll(() => t?.dispose());

  describe("GET /api/v1/tools", () => {
    it("pages through the whole catalog by cursor, each tool once, in the catalog's score order", async () => {
      const first = await api.get("/api/v1/tools?limit=7");
      expect(first.status).toBe(200);
      const body = first.body as { items: Obj[]; total: number; limit: number; next: string | null };
      expect(body.total).toBe(36);
      expect(body.limit).toBe(7);
      expect(body.items).toHaveLength(7);
      expect(first.res.headers.get("link")).toBe(`<${body.next}>; rel="next"`);
      // a repeat answered from the cache keeps its Link header
      expect((await api.get("/api/v1/tools?limit=7")).res.headers.get("link")).toBe(
        `<${body.next}>; rel="next"`,
      );
      const seen = slugs(body.items);
      let next = body.next;
      let pages = 1;
      while (next) {
        expect(next.startsWith("http://localhost:3000/api/v1/tools?")).toBe(true);
        const page = await api.get(next.slice("http://localhost:3000".length));
        expect(page.status).toBe(200);
        seen.push(...slugs(items(page.body)));
        next = (page.body as { next: string | null }).next;
        pages++;
      }
      expect(pages).toBe(6);
      expect(new Set(seen).size).toBe(36);
      // the same order as the site's catalog, sorted by panel score
      const html = await (await t.request("/tools")).text();
      const onPage = [...html.matchAll(/<h3><a href="\/tools\/([a-z0-9-]+)">/g)].map((m) => m[1]);
      expect(seen.slice(0, 12)).toEqual(onPage);
    });

    it("answers 20 compact summaries by default, with the verdict, score, community figure and links", async () => {
      const { body } = await api.get("/api/v1/tools");
      const list = items(body);
      expect(list).toHaveLength(20);
      const top = list[0] as Obj;
      expect(Object.keys(top).sort()).toEqual(
        [
          "addedAt",
          "bestFor",
          "category",
          "community",
          "deployment",
          "links",
          "name",
          "panel",
          "pricing",
          "slug",
          "vendor",
        ].sort(),
      );
      expect(top.links).toEqual({
        self: `http://localhost:3000/api/v1/tools/${top.slug}`,
        page: `http://localhost:3000/tools/${top.slug}`,
      });
      const scores = list.map((t) => (t.panel as { score: number | null }).score ?? -1);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it("filters, searches and sorts as /tools does", async () => {
      const coding = items((await api.get("/api/v1/tools?category=coding-assistants&limit=100")).body);
      expect(coding.length).toBe(5);
      expect(coding.every((t) => (t.category as Obj).slug === "coding-assistants")).toBe(true);
      const byName = items((await api.get("/api/v1/tools?sort=name&limit=100")).body).map((t) =>
        String(t.name),
      );
      expect(byName).toEqual([...byName].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
      const found = items((await api.get("/api/v1/tools?q=cursor")).body);
      expect(slugs(found)).toContain("cursor");
      const selfHosted = items((await api.get("/api/v1/tools?deployment=self-hosted&limit=100")).body);
      expect(selfHosted.length).toBeGreaterThan(0);
      expect(selfHosted.every((t) => (t.deployment as string[]).includes("self-hosted"))).toBe(true);
      const ships = items((await api.get("/api/v1/tools?verdict=ship&pricing=open-source&limit=100")).body);
      expect(
        ships.every((t) => (t.panel as Obj).verdict === "ship" && (t.pricing as Obj).model === "open-source"),
      ).toBe(true);
      // an empty value is an absent one, as on the site's filter form
      expect((await api.get("/api/v1/tools?category=&q=")).status).toBe(200);
    });

    it.each([
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=ten", "limit"],
      ["limit=-1", "limit"],
      ["cursor=not-a-cursor", "cursor"],
      ["cursor=eyJ2IjoyfQ", "cursor"],
      ["sort=popular", "sort"],
      ["verdict=maybe", "verdict"],
      ["category=no-such-category", "category"],
      ["page=2", "page"],
      ["q=a&q=b", "q"],
    ])("answers ?%s with a 400 naming %s", async (query, name) => {
      const { status, body } = await api.get(`/api/v1/tools?${query}`);
      expect(status).toBe(400);
      expect(problem(body).type).toBe("http://localhost:3000/api#problem-invalid-parameters");
      expect(named(body)).toEqual([name]);
      expect(problem(body).detail).toContain(`"${name}"`);
    });

    it("refuses a cursor with other filters than those it was given with", async () => {
      const { body } = await api.get("/api/v1/tools?limit=5&sort=name");
      const next = new URL((body as { next: string }).next);
      const cursor = next.searchParams.get("cursor") as string;
      expect((await api.get(`/api/v1/tools?limit=5&sort=name&cursor=${cursor}`)).status).toBe(200);
      // another limit is fine: the cursor counts tools, not pages
      expect((await api.get(`/api/v1/tools?limit=9&sort=name&cursor=${cursor}`)).status).toBe(200);
      const other = await api.get(`/api/v1/tools?limit=5&sort=score&cursor=${cursor}`);
      expect(other.status).toBe(400);
      expect(named(other.body)).toEqual(["cursor"]);
      expect(problem(other.body).detail).toContain("other filters");
    });

    it("lists every bad parameter at once", async () => {
      const { status, body } = await api.get("/api/v1/tools?limit=0&colour=red&sort=up");
      expect(status).toBe(400);
      expect(named(body).sort()).toEqual(["colour", "limit", "sort"]);
      expect(problem(body).errors?.every((e) => e.in === "query")).toBe(true);
    });
  });

  describe("GET /api/v1/tools/{slug}", () => {
    it("answers the tool in full: pricing, four reviews with lens answers and bylines, history", async () => {
      const { status, body } = await api.get("/api/v1/tools/cursor");
      expect(status).toBe(200);
      const tool = body as Obj & {
        reviews: (Obj & { lenses: Obj[]; byline: Obj })[];
        pricing: Obj;
        verdictHistory: { revisions: Obj[]; timeline: Obj[] };
      };
      expect(tool.slug).toBe("cursor");
      expect(tool.headToHead).toBeNull();
      expect(tool.reviews.map((r) => r.persona)).toEqual(["builder", "skeptic", "futurist", "founder"]);
      const builder = tool.reviews[0] as (typeof tool.reviews)[number];
      expect(builder.lenses.map((l) => l.key)).toEqual(["primitive", "dxBet", "momentOfTruth", "decision"]);
      expect(builder.lenses[0]?.question).toBe("What is the primitive?");
      expect(builder.byline).toMatchObject({
        author: "Sample panel",
        provenance: "panelist",
        text: "By the sample panel",
      });
      expect(Object.keys(tool.pricing).sort()).toEqual(
        ["asOf", "detail", "entryPrice", "freeTier", "license", "model", "units"].sort(),
      );
      expect(tool.verdictHistory.revisions).toHaveLength(4);
      expect(tool.verdictHistory.timeline.length).toBeGreaterThan(0);
      // no database id anywhere
      expect(JSON.stringify(body)).not.toMatch(/"(id|toolId|tool_id)":/);
    });

    it("answers an unknown slug with a 404 problem listing the closest slugs", async () => {
      const { status, body } = await api.get("/api/v1/tools/curzor");
      expect(status).toBe(404);
      expect(problem(body).type).toBe("http://localhost:3000/api#problem-not-found");
      expect(problem(body).suggestions?.[0]).toEqual({ slug: "cursor", name: "Cursor" });
    });

    it("answers a slug too long to be one with a 400 naming it", async () => {
      const { status, body } = await api.get(`/api/v1/tools/${"a".repeat(101)}`);
      expect(status).toBe(400);
      expect(problem(body).errors).toEqual([
        { name: "slug", in: "path", detail: "A slug is at most 100 characters." },
      ]);
    });
  });

  describe("GET /api/v1/compare", () => {
    it("compares two tools: decision table, scorecard, one pair's split and pricing read", async () => {
      const { status, body } = await api.get("/api/v1/compare?tools=cursor,github-copilot");
      expect(status).toBe(200);
      const c = body as {
        tools: Obj[];
        decisionTable: Obj[];
        scorecard: Obj[];
        pairs: (Obj & { reviewerSplit: Obj; pricingRead: string[] })[];
      };
      expect(slugs(c.tools)).toEqual(["cursor", "github-copilot"]);
      expect(slugs(c.decisionTable)).toEqual(["cursor", "github-copilot"]);
      expect(c.scorecard).toHaveLength(4);
      expect(c.pairs).toHaveLength(1);
      expect(c.pairs[0]).toMatchObject({
        a: "cursor",
        b: "github-copilot",
        links: { page: "http://localhost:3000/compare/cursor-vs-github-copilot" },
      });
      expect(String(c.pairs[0]?.reviewerSplit.line)).toMatch(/\.$/);
      expect(c.pairs[0]?.pricingRead.at(-1)).toMatch(/^Prices as of/);
      // the page says the same
      const html = await (await t.request("/compare/cursor-vs-github-copilot")).text();
      expect(html).toContain(String(c.pairs[0]?.reviewerSplit.line).replaceAll("'", "&#39;"));
    });

    it("compares four tools pair by pair, in the order given", async () => {
      const { status, body } = await api.get("/api/v1/compare?tools=aider,cursor,claude-code,github-copilot");
      expect(status).toBe(200);
      const pairs = (body as { pairs: Obj[] }).pairs.map((p) => `${p.a}/${p.b}`);
      expect(pairs).toEqual([
        "aider/cursor",
        "aider/claude-code",
        "aider/github-copilot",
        "cursor/claude-code",
        "cursor/github-copilot",
        "claude-code/github-copilot",
      ]);
      const leans = (
        body as { pairs: { reviewerSplit: { rows: Obj[] } }[] }
      ).pairs[0]?.reviewerSplit.rows.map((r) => r.leans);
      expect(leans?.every((l) => l === null || l === "aider" || l === "cursor" || l === "even")).toBe(true);
    });

    it.each([
      ["tools=cursor", "Compare two to four tools; 1 was given."],
      ["tools=a,b,c,d,e", "Compare two to four tools; 5 were given."],
      ["tools=cursor,cursor", '"cursor" is given twice; compare different tools.'],
      ["tools=cursor,Not%20A%20Slug", "Name each tool by its slug, separated by commas: tools=a,b."],
      ["tools=cursor,", "Name each tool by its slug, separated by commas: tools=a,b."],
      ["", "Invalid input: expected string, received undefined"],
    ])("answers ?%s with a 400 naming tools", async (query, detail) => {
      const { status, body } = await api.get(`/api/v1/compare?${query}`);
      expect(status).toBe(400);
      expect(problem(body).errors).toEqual([{ name: "tools", in: "query", detail }]);
    });

    it("answers unknown slugs with a 404 naming them and the closest slugs", async () => {
      const { status, body } = await api.get("/api/v1/compare?tools=cursor,github-copilt,aidr");
      expect(status).toBe(404);
      expect(problem(body).detail).toBe(
        '"github-copilt" and "aidr" are not in the catalog. See "suggestions" for the closest slugs.',
      );
      expect(slugs(problem(body).suggestions ?? [])).toEqual(
        expect.arrayContaining(["github-copilot", "aider"]),
      );
    });
  });

  describe("categories", () => {
    it("lists every category with its tool count and links", async () => {
      const { status, body } = await api.get("/api/v1/categories");
      expect(status).toBe(200);
      const list = items(body);
      expect(list).toHaveLength(10);
      expect(list.reduce((n, c) => n + Number(c.toolCount), 0)).toBe(36);
      expect(list.find((c) => c.slug === "coding-assistants")?.links).toEqual({
        self: "http://localhost:3000/api/v1/categories/coding-assistants",
        page: "http://localhost:3000/categories/coding-assistants",
      });
    });

    it("answers a category with its tools, best panel score first", async () => {
      const { status, body } = await api.get("/api/v1/categories/coding-assistants");
      expect(status).toBe(200);
      const c = body as { category: Obj; tools: Obj[] };
      expect(c.category.name).toBe("Coding Assistants");
      expect(c.tools).toHaveLength(5);
      const scores = c.tools.map((t) => Number((t.panel as Obj).score));
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it("answers an unknown category with a 404 and the closest ones", async () => {
      const { status, body } = await api.get("/api/v1/categories/coding-asistants");
      expect(status).toBe(404);
      expect(problem(body).suggestions?.[0]?.slug).toBe("coding-assistants");
    });
  });

  describe("predictions and newsletter issues", () => {
    it("answers the theses and track records /methodology shows", async () => {
      const { status, body } = await api.get("/api/v1/predictions");
      expect(status).toBe(200);
      const p = body as { pastDue: Obj[]; trackRecords: { personas: Obj[] } };
      expect(p.trackRecords.personas.map((r) => r.persona)).toEqual([
        "builder",
        "skeptic",
        "futurist",
        "founder",
      ]);
      const html = await (await t.request("/methodology")).text();
      for (const item of p.pastDue) expect(html).toContain(String((item.tool as Obj).name));
    });

    it("lists sent issues only, newest first", async () => {
      expect(items((await api.get("/api/v1/newsletter/issues")).body)).toEqual([]);
      const { issue } = await createIssue(t.db.db, { intro: "First words.", createdBy: "test" });
      const unsent = await api.get("/api/v1/newsletter/issues");
      expect(items(unsent.body)).toEqual([]);
      await markIssueSent(t.db.db, issue.id);
      // as the delivery's last message would (a send ends with a page-cache invalidation)
      t.deps.cache.invalidate();
      const sent = items((await api.get("/api/v1/newsletter/issues")).body);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        number: issue.number,
        intro: "First words.",
        links: { page: `http://localhost:3000/newsletter/issues/${issue.number}` },
      });
    });
  });

  it("answers every public operation's documented example with a 200", async () => {
    const paths = api.doc.paths as Record<
      string,
      Record<string, { "x-codeSamples": { source: string }[]; security: unknown[] }>
    >;
    // the operations that need a token have tests of their own (src/features/api-account)
    const examples = Object.values(paths).flatMap((item) =>
      Object.values(item)
        .filter((op) => op.security.length === 0)
        .map((op) => /'http:\/\/localhost:3000([^']+)'/.exec(op["x-codeSamples"][0]?.source ?? "")?.[1]),
    );
    expect(examples.length).toBe(9);
    for (const path of examples) expect([path, (await api.get(path as string)).status]).toEqual([path, 200]);
  });
});
