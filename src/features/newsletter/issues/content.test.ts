import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../../test/support/db.ts";
import { signIn } from "../../../../test/support/session.ts";
import type { Db } from "../../../db/types.ts";
import type { Persona } from "../../../domain/catalog-schema.ts";
import type { VoteValue } from "../../../domain/community.ts";
import type { ReviewStatus } from "../../../domain/panel.ts";
import { toolsByScore } from "../../catalog/index.ts";
import {
  buildIssueContent,
  type CatalogTool,
  type IssuePeriod,
  inPeriod,
  issueHeadline,
  issueSummaryLine,
  mostComparedPair,
  newComparisons,
  orderVerdicts,
  rankMovers,
  shapeIssueContent,
  toVerdict,
  type VoteActivity,
} from "./content.ts";
import { createIssue, getIssue, listSentIssues, markIssueSent, previewIssue } from "./store.ts";
import type { IssueContent } from "./types.ts";

reportSkippedPostgres("newsletter issue content");

const P: IssuePeriod = { since: "2027-03-01T00:00:00.000Z", until: "2027-03-08T00:00:00.000Z" };

function tool(id: number, over: Partial<CatalogTool> & { score?: number | null } = {}): CatalogTool {
  const { score = 70, ...rest } = over;
  return {
    id,
    slug: `tool-${id}`,
    name: `Tool ${id}`,
    bestFor: "testing",
    addedAt: "2026-01-01",
    category: { slug: "cat-a", name: "Category A" },
    panel: { ship: 4, skip: 0, published: 4, score, verdict: "ship" },
    ...rest,
  };
}

const votes = (toolId: number, v: Partial<VoteActivity>): VoteActivity => ({
  toolId,
  beforeShip: 0,
  beforeTotal: 0,
  nowShip: 0,
  nowTotal: 0,
  votesInPeriod: 0,
  ...v,
});

const empty: IssueContent = {
  periodStart: P.since,
  periodEnd: P.until,
  verdicts: [],
  comparisons: [],
  movers: [],
  mostCompared: null,
};

describe("issue content shaping", () => {
  it("reads the period as half-open, with bare dates at their UTC midnight", () => {
    expect(inPeriod(P.since, P)).toBe(true);
    expect(inPeriod("2027-03-01", P)).toBe(true);
    expect(inPeriod("2027-03-07T23:59:59.999Z", P)).toBe(true);
    expect(inPeriod(P.until, P)).toBe(false);
    expect(inPeriod("2027-03-08", P)).toBe(false);
    expect(inPeriod("2027-02-28T23:59:59.999Z", P)).toBe(false);
  });

  it("labels a verdict from the panel columns", () => {
    expect(toVerdict(tool(1, { score: 80 }))).toMatchObject({
      verdictLabel: "Ship",
      panelShipLabel: "100% panel ship",
      score: 80,
    });
    const partial = tool(2, { panel: { ship: 1, skip: 1, published: 2, score: 50, verdict: "in-progress" } });
    expect(toVerdict(partial)).toMatchObject({
      verdictLabel: "Panel in progress (2/4)",
      panelShipLabel: "50% panel ship",
    });
  });

  it("orders verdicts: finished panels first, then by score, then by name", () => {
    const pending = tool(1, {
      score: 99,
      panel: { ship: 1, skip: 0, published: 1, score: 99, verdict: "in-progress" },
    });
    const ordered = orderVerdicts([
      pending,
      tool(2, { score: 60, name: "Beta" }),
      tool(3, { score: 80 }),
      tool(4, { score: 60, name: "Alpha" }),
      tool(5, { score: null }),
    ]);
    expect(ordered.map((t) => t.id)).toEqual([3, 4, 2, 5, 1]);
  });

  it("finds pairs first picked in the period and pairs new tools with their category's top tool", () => {
    const tools = [
      tool(1, { slug: "zeta", name: "Zeta", score: 90 }),
      tool(2, { slug: "alpha", name: "Alpha", score: 60 }),
      tool(3, { slug: "new-one", name: "New One", score: 95, addedAt: "2027-03-03" }),
      tool(4, {
        slug: "other",
        name: "Other",
        category: { slug: "cat-b", name: "B" },
        addedAt: "2027-03-02",
      }),
      tool(5, { slug: "late", name: "Late", addedAt: "2027-03-08" }),
    ];
    const out = newComparisons({
      period: P,
      tools,
      pairs: [
        { lowId: 1, highId: 2, firstPickAt: "2027-03-02T10:00:00.000Z", picksInPeriod: 1 },
        { lowId: 2, highId: 3, firstPickAt: "2027-03-04T10:00:00.000Z", picksInPeriod: 5 },
        // first picked before the period: busy, but not new
        { lowId: 1, highId: 3, firstPickAt: "2027-02-01T10:00:00.000Z", picksInPeriod: 9 },
      ],
    });
    expect(out.map((c) => [c.path, c.picks])).toEqual([
      ["/compare/alpha-vs-new-one", 5],
      ["/compare/alpha-vs-zeta", 1],
      // the new tool is the category's best, so it meets the runner-up: already picked, counted once
      ["/compare/new-one-vs-zeta", 9],
    ]);
    // names follow the canonical path's order
    expect(out[0]).toMatchObject({ a: { slug: "alpha" }, b: { slug: "new-one" } });
  });

  it("picks the most compared pair by picks in the period, or none", () => {
    const tools = [tool(1, { slug: "b" }), tool(2, { slug: "a" }), tool(3, { slug: "c" })];
    expect(mostComparedPair(tools, [])).toBeNull();
    expect(
      mostComparedPair(tools, [{ lowId: 1, highId: 2, firstPickAt: P.since, picksInPeriod: 0 }]),
    ).toBeNull();
    const most = mostComparedPair(tools, [
      { lowId: 1, highId: 3, firstPickAt: P.since, picksInPeriod: 3 },
      { lowId: 1, highId: 2, firstPickAt: P.since, picksInPeriod: 3 },
      { lowId: 2, highId: 3, firstPickAt: P.since, picksInPeriod: 2 },
    ]);
    expect(most).toMatchObject({ path: "/compare/a-vs-b", picks: 3 });
  });

  it("ranks movers by absolute change, then activity; first votes after measured moves; no-moves left out", () => {
    const tools = [1, 2, 3, 4, 5, 6].map((id) => tool(id));
    const movers = rankMovers({
      tools,
      votes: [
        votes(1, { beforeShip: 1, beforeTotal: 2, nowShip: 3, nowTotal: 4, votesInPeriod: 2 }), // 50 → 75
        votes(2, { beforeShip: 4, beforeTotal: 4, nowShip: 4, nowTotal: 8, votesInPeriod: 4 }), // 100 → 50
        votes(3, { nowShip: 5, nowTotal: 5, votesInPeriod: 5 }), // first votes
        votes(4, { beforeShip: 1, beforeTotal: 1, nowShip: 1, nowTotal: 1, votesInPeriod: 1 }), // no move
        votes(5, { beforeShip: 2, beforeTotal: 4, nowShip: 1, nowTotal: 4, votesInPeriod: 9 }), // 50 → 25
        votes(6, { nowShip: 1, nowTotal: 1, votesInPeriod: 1 }), // first votes, less activity
      ],
    });
    expect(movers.map((m) => [m.slug, m.shipPercentBefore, m.shipPercentNow])).toEqual([
      ["tool-2", 100, 50],
      ["tool-5", 50, 25],
      ["tool-1", 50, 75],
      ["tool-3", null, 100],
      ["tool-6", null, 100],
    ]);
    expect(
      rankMovers({ tools, votes: [votes(1, { nowShip: 1, nowTotal: 1, votesInPeriod: 1 })], limit: 0 }),
    ).toEqual([]);
  });

  it("keeps at most five movers", () => {
    const tools = Array.from({ length: 8 }, (_, i) => tool(i + 1));
    const movers = rankMovers({
      tools,
      votes: tools.map((t) =>
        votes(t.id, { beforeShip: 0, beforeTotal: 10, nowShip: t.id, nowTotal: 10, votesInPeriod: 1 }),
      ),
    });
    expect(movers.map((m) => m.slug)).toEqual(["tool-8", "tool-7", "tool-6", "tool-5", "tool-4"]);
  });

  it("writes a short headline and summary from the strongest item", () => {
    const content = shapeIssueContent({
      period: P,
      tools: [tool(1, { name: "Aardvark", score: 90 }), tool(2, { score: 50 })],
      publishedToolIds: [1, 2],
      pairs: [],
      votes: [],
    });
    expect(issueHeadline(content)).toBe("Aardvark gets a Ship verdict, plus 1 more");
    expect(issueSummaryLine(content)).toBe("2 new verdicts.");
    expect(issueHeadline(empty)).toBe("A quiet week in the catalog");
    expect(issueSummaryLine(empty)).toBe("Nothing new was published this week.");
    const long = shapeIssueContent({
      period: P,
      tools: [tool(1, { name: "X".repeat(200) })],
      publishedToolIds: [1],
      pairs: [],
      votes: [],
    });
    expect(issueHeadline(long).length).toBeLessThanOrEqual(90);
    const picked = {
      ...empty,
      mostCompared: {
        path: "/compare/a-vs-b",
        a: { slug: "a", name: "A" },
        b: { slug: "b", name: "B" },
        category: { slug: "c", name: "C" },
        picks: 2,
      },
    };
    expect(issueHeadline(picked)).toBe("A vs B leads the week");
    expect(issueSummaryLine({ ...picked, movers: [{} as never, {} as never] })).toBe(
      "2 community movers and the most compared pair of the week.",
    );
  });
});

/** Counts the statements a database handle runs. */
function counting(db: Db): { db: Db; count: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), count: () => n };
}

describe.each(testEngines())("issue content from the database on %s", (engine) => {
  let t: TestApp;
  let db: Db;
  const ids = new Map<string, number>();
  const users: number[] = [];
  const id = (slug: string) => ids.get(slug) as number;

  const at = (day: number, hour = 12) => `2027-03-${String(day).padStart(2, "0")}T${hour}:00:00.000Z`;
  const vote = (user: number, slug: string, value: VoteValue, created: string, updated = created) =>
    db
      .insertInto("votes")
      .values({ user_id: user, tool_id: id(slug), value, created_at: created, updated_at: updated })
      .execute();
  const pick = (user: number, a: string, b: string, created: string, updated = created) => {
    const [low, high] = [id(a), id(b)].sort((x, y) => x - y) as [number, number];
    return db
      .insertInto("picks")
      .values({
        user_id: user,
        low_tool_id: low,
        high_tool_id: high,
        winner_tool_id: id(a),
        created_at: created,
        updated_at: updated,
      })
      .execute();
  };
  const publish = (
    slug: string,
    publishedAt: string,
    opts: { persona?: Persona; status?: ReviewStatus } = {},
  ) => {
    let q = db
      .updateTable("reviews")
      .set({ published_at: publishedAt, ...(opts.status ? { status: opts.status } : {}) })
      .where("tool_id", "=", id(slug));
    if (opts.persona) q = q.where("persona", "=", opts.persona);
    return q.execute();
  };

  beforeAll(async () => {
    t = await createTestApp(engine, { VOTE_RATE_LIMIT: "1000" });
    db = t.db.db;
    for (const r of await db.selectFrom("tools").select(["id", "slug"]).execute()) ids.set(r.slug, r.id);
    for (let i = 0; i < 10; i++) {
      const row = await db
        .insertInto("users")
        .values({
          email: `content${i}@example.com`,
          created_at: "2027-01-01T00:00:00.000Z",
          last_sign_in_at: null,
          blocked_at: null,
          blocked_reason: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      users.push(row.id);
    }
    const [u1, u2, u3, u4, u5, u6, u7, u8] = users as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];

    // verdicts: one review published at the period's first instant, a full panel inside it,
    // a review published at its end (outside), a draft inside it (not published)
    await publish("aider", P.since, { persona: "builder" });
    await publish("gpt-4o", at(3));
    await publish("helicone", at(5), { persona: "skeptic" });
    await publish("crewai", P.until);
    await publish("midjourney", at(4), { status: "draft" });

    // tools added: one inside the period, one on the day it ends
    await db
      .updateTable("tools")
      .set({ added_at: "2027-03-02" })
      .where("slug", "=", "paligemma-3b")
      .execute();
    await db.updateTable("tools").set({ added_at: "2027-03-08" }).where("slug", "=", "devin").execute();

    // picks: a pair first picked in the period; a busier pair first picked before it
    await pick(u1, "cursor", "aider", at(2));
    await pick(u2, "aider", "cursor", at(3));
    await pick(u1, "qdrant", "pinecone", "2027-02-01T12:00:00.000Z");
    await pick(u2, "qdrant", "pinecone", "2027-02-01T12:00:00.000Z", at(2));
    for (const u of [u3, u4, u5]) await pick(u, "pinecone", "qdrant", at(4));
    await pick(u1, "ollama", "vllm", P.until);

    // votes: langfuse 50% → 75%; langsmith 50% → 67% (one vote changed, one new); flux-1's first
    // votes; midjourney untouched in the period; qwen2-5 re-cast to the same value
    const before = "2027-02-10T12:00:00.000Z";
    await vote(u1, "langfuse", "ship", before);
    await vote(u2, "langfuse", "ship", before);
    await vote(u3, "langfuse", "skip", before);
    await vote(u4, "langfuse", "skip", before);
    for (const u of [u5, u6, u7, u8]) await vote(u, "langfuse", "ship", at(3));
    await vote(u1, "langsmith", "ship", before, at(2));
    await vote(u2, "langsmith", "skip", before);
    await vote(u3, "langsmith", "ship", at(6));
    for (const u of [u1, u2, u3]) await vote(u, "flux-1", "ship", at(4));
    await vote(u4, "flux-1", "skip", P.until);
    await vote(u1, "midjourney", "ship", before);
    await vote(u1, "qwen2-5", "ship", before, at(5));
  });
  afterAll(() => t.dispose());

  it("lists the verdicts published in the period, with labels from the panel columns", async () => {
    const content = await buildIssueContent(db, P);
    expect(content.periodStart).toBe(P.since);
    expect(content.periodEnd).toBe(P.until);
    expect(content.verdicts.map((v) => v.slug)).toEqual(["aider", "gpt-4o", "helicone"]);
    const gpt = await db
      .selectFrom("tools")
      .select(["panel_ship", "panel_published", "panel_verdict", "panel_score"])
      .where("slug", "=", "gpt-4o")
      .executeTakeFirstOrThrow();
    const v = content.verdicts[1];
    expect(v).toMatchObject({
      name: "GPT-4o",
      category: { slug: "foundation-models" },
      score: gpt.panel_score,
      panelShipLabel: `${Math.round((100 * gpt.panel_ship) / gpt.panel_published)}% panel ship`,
    });
    expect(["Ship", "Skip", "Split"]).toContain(v?.verdictLabel);
    expect(v?.verdictLabel.toLowerCase()).toBe(gpt.panel_verdict);
  });

  it("finds new comparisons: first picked in the period, and a new tool against its category's best", async () => {
    const content = await buildIssueContent(db, P);
    const [top] = (await toolsByScore(db, "developer-tools")).filter((x) => x.slug !== "paligemma-3b");
    expect(content.comparisons.map((c) => [c.path, c.picks])).toEqual([
      ["/compare/aider-vs-cursor", 2],
      [`/compare/${top?.slug}-vs-paligemma-3b`, 0],
    ]);
    expect(content.comparisons[0]).toMatchObject({
      a: { slug: "aider", name: "Aider" },
      b: { slug: "cursor", name: "Cursor" },
      category: { slug: "coding-assistants" },
    });
  });

  it("names the most compared pair by picks created or changed in the period", async () => {
    const content = await buildIssueContent(db, P);
    expect(content.mostCompared).toMatchObject({
      path: "/compare/pinecone-vs-qdrant",
      picks: 4,
      category: { slug: "vector-databases" },
    });
  });

  it("ranks the community movers from the votes table", async () => {
    const content = await buildIssueContent(db, P);
    expect(
      content.movers.map((m) => [m.slug, m.shipPercentBefore, m.shipPercentNow, m.votesInPeriod]),
    ).toEqual([
      ["langfuse", 50, 75, 4],
      ["langsmith", 50, 67, 2],
      ["flux-1", null, 100, 3],
    ]);
  });

  it("reads the database in four queries, busy week or quiet one", async () => {
    const busy = counting(db);
    await buildIssueContent(busy.db, P);
    expect(busy.count()).toBe(4);
    const quiet = counting(db);
    const content = await buildIssueContent(quiet.db, {
      since: "2031-01-01T00:00:00.000Z",
      until: "2031-01-08T00:00:00.000Z",
    });
    expect(quiet.count()).toBe(4);
    expect(content).toEqual({
      ...empty,
      periodStart: "2031-01-01T00:00:00.000Z",
      periodEnd: "2031-01-08T00:00:00.000Z",
    });
  });

  it("sees votes and picks made through the site's own routes", async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const reader = await signIn(t, "router@example.com");
    const other = await signIn(t, "router2@example.com");
    expect((await reader.post("/tools/cartesia-sonic/vote", { value: "ship" })).status).toBe(303);
    expect((await other.post("/tools/cartesia-sonic/vote", { value: "skip" })).status).toBe(303);
    const pair = "/compare/llama-cpp-vs-ollama";
    expect((await reader.post(`${pair}/pick`, { winner: "ollama" })).status).toBe(303);
    expect((await other.post(`${pair}/pick`, { winner: "llama-cpp" })).status).toBe(303);
    const until = new Date(Date.now() + 60_000).toISOString();
    const content = await buildIssueContent(db, { since, until });
    expect(content.movers).toEqual([
      {
        slug: "cartesia-sonic",
        name: expect.any(String),
        category: { slug: "speech-audio", name: expect.any(String) },
        shipPercentBefore: null,
        shipPercentNow: 50,
        votesInPeriod: 2,
      },
    ]);
    expect(content.comparisons.map((c) => c.path)).toEqual([pair]);
    expect(content.mostCompared).toMatchObject({ path: pair, picks: 2 });
  });
});

describe.each(testEngines())("newsletter issues on %s", (engine) => {
  let t: TestApp;
  let db: Db;
  beforeAll(async () => {
    t = await createTestApp(engine);
    db = t.db.db;
  });
  afterAll(() => t.dispose());

  it("numbers issues, chains their periods and freezes their content", async () => {
    const first = Date.parse("2027-05-10T09:00:00.000Z");
    const preview = await previewIssue(db, { intro: " Hello ", now: first });
    expect(preview.number).toBe(1);
    expect(preview.intro).toBe("Hello");
    expect(preview.content.periodStart).toBe("2027-05-03T09:00:00.000Z");
    expect(await getIssue(db, 1)).toBeUndefined();

    const a = await createIssue(db, { intro: "Hello", createdBy: "admin@example.com", now: first });
    expect(a.created).toBe(true);
    expect(a.issue).toMatchObject({ number: 1, status: "sending", sentAt: null, intro: "Hello" });
    expect(a.issue.subject).toBe(`Weekly AI Tool Verdicts #1: ${issueHeadline(a.issue.content)}`);
    expect(a.issue.subject).toBe(preview.subject);
    expect(a.issue.content).toEqual(preview.content);

    // something happens after the first issue: the second one reports it, the first does not change
    const row = await db
      .selectFrom("tools")
      .select("id")
      .where("slug", "=", "qdrant")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("reviews")
      .set({ published_at: "2027-05-12T10:00:00.000Z" })
      .where("tool_id", "=", row.id)
      .execute();
    const b = await createIssue(db, {
      intro: "",
      createdBy: "cli",
      now: Date.parse("2027-05-17T09:00:00.000Z"),
    });
    expect(b.issue.number).toBe(2);
    expect(b.issue.content.periodStart).toBe("2027-05-10T09:00:00.000Z");
    expect(b.issue.content.periodEnd).toBe("2027-05-17T09:00:00.000Z");
    expect(b.issue.content.verdicts.map((v) => v.slug)).toEqual(["qdrant"]);
    expect(b.issue.subject).toMatch(/^Weekly AI Tool Verdicts #2: Qdrant gets a \w+ verdict$/);
    expect((await getIssue(db, 1))?.content).toEqual(a.issue.content);
  });

  it("creates one issue per schedule slot, however often it is asked", async () => {
    const slot = "2027-05-24T08:00:00.000Z";
    const now = Date.parse(slot);
    const runs = await Promise.all(
      [1, 2, 3].map(() => createIssue(db, { intro: "", createdBy: "schedule", now, scheduledFor: slot })),
    );
    expect(runs.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(runs.map((r) => r.issue.id)).size).toBe(1);
    const again = await createIssue(db, { intro: "", createdBy: "schedule", now, scheduledFor: slot });
    expect(again).toMatchObject({ created: false, issue: { number: runs[0]?.issue.number } });
    const count = await db
      .selectFrom("newsletter_issues")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("scheduled_for", "=", slot)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it("marks an issue sent once and lists sent issues newest first", async () => {
    expect(await listSentIssues(db, { limit: 10 })).toEqual([]);
    const one = (await getIssue(db, 1))!;
    const two = (await getIssue(db, 2))!;
    expect(await markIssueSent(db, one.id, Date.parse("2027-05-10T09:30:00.000Z"))).toBe(true);
    expect(await markIssueSent(db, one.id, Date.parse("2027-06-01T00:00:00.000Z"))).toBe(false);
    expect(await markIssueSent(db, two.id, Date.parse("2027-05-17T09:30:00.000Z"))).toBe(true);
    const sent = await listSentIssues(db, { limit: 10 });
    expect(sent.map((i) => [i.number, i.status, i.sentAt])).toEqual([
      [2, "sent", "2027-05-17T09:30:00.000Z"],
      [1, "sent", "2027-05-10T09:30:00.000Z"],
    ]);
    expect(await listSentIssues(db, { limit: 1 })).toHaveLength(1);
  });
});
