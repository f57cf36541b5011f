import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { form, signIn, type TestSession } from "../../../test/support/session.ts";

reportSkippedPostgres("community votes, picks and bookmarks");

const REFERENCE = "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b";

/** The community figure of a tool as a page shows it. */
function figure(html: string, slug: string): string | undefined {
  return new RegExp(`data-swap="community:${slug}">([^<]*)<`).exec(html)?.[1];
}

describe.each(testEngines())("community on %s", (engine) => {
  let t: TestApp;
  let readers: TestSession[];
  beforeAll(async () => {
    t = await createTestApp(engine, { VOTE_RATE_LIMIT: "1000" });
    readers = [];
    for (let i = 0; i < 50; i++) readers.push(await signIn(t, `reader${i}@example.com`));
  });
  afterAll(() => t.dispose());

  const page = async (path: string) => (await t.request(path)).text();
  const votesOn = async (slug: string) =>
    t.db.db
      .selectFrom("votes")
      .innerJoin("tools", "tools.id", "votes.tool_id")
      .select(["votes.user_id", "votes.value"])
      .where("tools.slug", "=", slug)
      .execute();

  it("counts 50 concurrent votes from 50 accounts exactly 50 times, everywhere the figure shows", async () => {
    const results = await Promise.all(readers.map((r) => r.post("/tools/cursor/vote", { value: "ship" })));
    expect(results.map((r) => r.status)).toEqual(readers.map(() => 303));
    expect(await votesOn("cursor")).toHaveLength(50);
    expect(figure(await page("/tools/cursor"), "cursor")).toBe("100% ship · 50 votes");
    expect(figure(await page("/tools?q=cursor"), "cursor")).toBe("100% ship · 50 votes");
    expect(figure(await page("/compare/cursor-vs-github-copilot"), "cursor")).toBe("100% ship · 50 votes");
  });

  it("does not count a repeated vote twice, and a changed vote moves the figure", async () => {
    const [a] = readers as [TestSession];
    await a.post("/tools/aider/vote", { value: "ship" });
    await a.post("/tools/aider/vote", { value: "ship" });
    expect(figure(await page("/tools/aider"), "aider")).toBe("100% ship · 1 vote");
    await a.post("/tools/aider/vote", { value: "skip" });
    expect(figure(await page("/tools/aider"), "aider")).toBe("0% ship · 1 vote");
    const html = await (await a.get("/tools/aider")).text();
    expect(html).toMatch(/value="skip" class="toggle toggle-skip" aria-pressed="true"/);
  });

  it("leaves no trace of a withdrawn vote", async () => {
    const b = readers[1] as TestSession;
    await b.post("/tools/ollama/vote", { value: "ship" });
    expect(figure(await page("/tools/ollama"), "ollama")).toBe("100% ship · 1 vote");
    const res = await b.post("/tools/ollama/vote", { value: "none" });
    expect(res.status).toBe(303);
    expect(figure(await page("/tools/ollama"), "ollama")).toBe("No community votes yet");
    expect(await votesOn("ollama")).toHaveLength(0);
    const row = await t.db.db
      .selectFrom("tools")
      .select(["community_ship", "community_skip", "community_wilson"])
      .where("slug", "=", "ollama")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ community_ship: 0, community_skip: 0, community_wilson: 0 });
  });

  it("withdraws with DELETE and casts with PUT and JSON too", async () => {
    const c = readers[2] as TestSession;
    const headers = { cookie: c.cookie, "x-csrf-token": c.csrf, "content-type": "application/json" };
    const put = await t.request("/tools/vllm/vote", {
      method: "PUT",
      headers,
      body: JSON.stringify({ value: "skip" }),
    });
    expect(put.status).toBe(303);
    expect(figure(await page("/tools/vllm"), "vllm")).toBe("0% ship · 1 vote");
    const del = await t.request("/tools/vllm/vote", { method: "DELETE", headers });
    expect(del.status).toBe(303);
    expect(figure(await page("/tools/vllm"), "vllm")).toBe("No community votes yet");
  });

  it("refuses a bad vote value or an unknown tool with a clear message and changes nothing", async () => {
    const d = readers[3] as TestSession;
    const bad = await d.post("/tools/qdrant/vote", { value: "maybe" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("A vote is “ship” or “skip”");
    const unknown = await d.post("/tools/no-such-tool/vote", { value: "ship" });
    expect(unknown.status).toBe(404);
    expect(await votesOn("qdrant")).toHaveLength(0);
    const json = await d.post(
      "/tools/qdrant/vote",
      { value: "maybe" },
      { headers: { accept: "application/json" } },
    );
    expect(json.headers.get("content-type")).toBe("application/problem+json");
    expect(await json.json()).toMatchObject({
      status: 400,
      title: expect.any(String),
      detail: expect.any(String),
    });
  });

  it("sends signed-out voters to sign in and back, counting nothing", async () => {
    const res = await t.request("/tools/qdrant/vote", form({ value: "ship", return_to: "/tools?page=2" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sign-in?next=%2Ftools%3Fpage%3D2&reason=vote");
    expect(await votesOn("qdrant")).toHaveLength(0);
  });

  it("never redirects a form to another site", async () => {
    const e = readers[4] as TestSession;
    for (const evil of ["https://evil.example/", "//evil.example/", "/\\evil.example"]) {
      const res = await e.post("/tools/qdrant/vote", { value: "ship", return_to: evil });
      expect(res.headers.get("location")).toBe("/tools/qdrant");
    }
  });

  it("answers the in-place updater with fresh fragments", async () => {
    const f = readers[5] as TestSession;
    const res = await f.post(
      "/tools/langfuse/vote",
      { value: "ship" },
      { headers: { "x-requested-with": "fetch", "x-page-path": "/tools" } },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-swap="vote:langfuse"');
    expect(figure(html, "langfuse")).toBe("100% ship · 1 vote");
    expect(html).toContain('name="return_to" value="/tools"');
  });

  it("ranks the catalog's community sort by the Wilson lower bound, not the raw share", async () => {
    // pinecone: 1 of 1 ship (100%); helicone: 9 of 10 ship (90%) — more evidence wins
    await (readers[6] as TestSession).post("/tools/pinecone/vote", { value: "ship" });
    for (let i = 10; i < 20; i++) {
      await (readers[i] as TestSession).post("/tools/helicone/vote", { value: i === 10 ? "skip" : "ship" });
    }
    const html = await page("/tools?sort=community");
    const order = [...html.matchAll(/<h3><a href="\/tools\/([a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(order.indexOf("helicone")).toBeLessThan(order.indexOf("pinecone"));
    expect(order[0]).toBe("cursor");
  });

  it("keeps cached anonymous pages fresh after a vote", async () => {
    const before = await page("/tools/crewai");
    expect(figure(before, "crewai")).toBe("No community votes yet");
    expect(figure(await page("/tools/crewai"), "crewai")).toBe("No community votes yet"); // now cached
    await (readers[7] as TestSession).post("/tools/crewai/vote", { value: "skip" });
    expect(figure(await page("/tools/crewai"), "crewai")).toBe("0% ship · 1 vote");
  });

  it("takes one head-to-head pick per account per pair, changeable, and shows the split", async () => {
    const [p1, p2, p3] = readers.slice(20, 23) as [TestSession, TestSession, TestSession];
    await p1.post(`${REFERENCE}/pick`, { winner: "smolvlm2-2b" });
    await p1.post(`${REFERENCE}/pick`, { winner: "smolvlm2-2b" });
    // the reverse address is the same pair
    await p2.post("/compare/smolvlm2-2b-vs-gemini-2-5-flash-native-audio-output/pick", {
      winner: "smolvlm2-2b",
    });
    await p3.post(`${REFERENCE}/pick`, { winner: "gemini-2-5-flash-native-audio-output" });
    let html = await page(REFERENCE);
    expect(html).toContain("Which would you ship with?");
    expect(html).toMatch(
      /Gemini 2\.5 Flash Native Audio Output<\/strong> 33% · <strong>SmolVLM2-2B<\/strong> 67% · 3 picks/,
    );
    await p3.post(`${REFERENCE}/pick`, { winner: "smolvlm2-2b" });
    html = await page(REFERENCE);
    expect(html).toMatch(/ 0% · <strong>SmolVLM2-2B<\/strong> 100% · 3 picks/);
    const mine = await (await p3.get(REFERENCE)).text();
    expect(mine).toMatch(/value="smolvlm2-2b" class="toggle" aria-pressed="true"/);
    await p3.post(`${REFERENCE}/pick`, { winner: "none" });
    expect(await page(REFERENCE)).toMatch(/100% · 2 picks/);
  });

  it("refuses a pick for a tool outside the pair", async () => {
    const res = await (readers[23] as TestSession).post(`${REFERENCE}/pick`, { winner: "cursor" });
    expect(res.status).toBe(400);
    const none = await page(REFERENCE);
    expect(none).toMatch(/100% · 2 picks/);
  });

  it("keeps bookmarks in the account, on /bookmarks and in the comparison's panel", async () => {
    const g = readers[24] as TestSession;
    expect(await (await g.get("/bookmarks")).text()).toContain("No bookmarks yet");
    await g.post("/tools/qdrant/bookmark", { bookmarked: "yes" });
    await g.post("/tools/qdrant/bookmark", { bookmarked: "yes" });
    await g.post("/tools/pgvector/bookmark", { bookmarked: "yes" });
    const list = await (await g.get("/bookmarks")).text();
    expect([...list.matchAll(/<h3><a href="\/tools\/([a-z0-9-]+)">/g)].map((m) => m[1])).toEqual([
      "pgvector",
      "qdrant",
    ]);
    const panel = await (await g.get(REFERENCE)).text();
    expect(panel).toMatch(/<a href="\/tools\/qdrant">Qdrant<\/a>/);
    const toolPage = await (await g.get("/tools/qdrant")).text();
    expect(toolPage).toMatch(/aria-pressed="true"><span aria-hidden="true">★/);
    await g.post("/tools/qdrant/bookmark", { bookmarked: "no" });
    const after = await (await g.get("/bookmarks")).text();
    expect(after).not.toContain('href="/tools/qdrant">Qdrant</a></h3>');
    const bad = await g.post("/tools/qdrant/bookmark", { bookmarked: "perhaps" });
    expect(bad.status).toBe(400);
  });

  it("keeps signed-out bookmarks in the browser and merges them into the account on sign-in", async () => {
    const res = await t.request("/tools/langchain/bookmark", form({ bookmarked: "yes" }));
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("sos_bookmarks="));
    expect(cookie).toMatch(/^sos_bookmarks=langchain;.*HttpOnly/);
    const jar = "sos_bookmarks=langchain.not-a-tool.llamaindex";
    expect(await (await t.request("/bookmarks", { headers: { cookie: jar } })).text()).toContain(
      'href="/tools/llamaindex">LlamaIndex</a>',
    );
    const { createSignInLink } = await import("../accounts/service.ts");
    const { confirmLink } = await import("../../../test/support/session.ts");
    const token = await createSignInLink(t.db.db, { email: "merger@example.com", returnTo: "/bookmarks" });
    const signedIn = await confirmLink(t, token, jar);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.getSetCookie().some((c) => c.startsWith("sos_bookmarks=;"))).toBe(true);
    const rows = await t.db.db
      .selectFrom("bookmarks")
      .innerJoin("users", "users.id", "bookmarks.user_id")
      .innerJoin("tools", "tools.id", "bookmarks.tool_id")
      .select("tools.slug")
      .where("users.email", "=", "merger@example.com")
      .orderBy("tools.slug")
      .execute();
    expect(rows.map((r) => r.slug)).toEqual(["langchain", "llamaindex"]);
  });
});

describe("vote rate limit", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("sqlite", { VOTE_RATE_LIMIT: "3" });
  });
  afterAll(() => t.dispose());

  it("answers 429 with RateLimit headers and Retry-After past the per-account limit", async () => {
    const r = await signIn(t, "eager@example.com");
    const ok = await r.post("/tools/cursor/vote", { value: "ship" });
    expect(ok.headers.get("ratelimit-policy")).toBe('"votes";q=3;w=60');
    expect(ok.headers.get("ratelimit")).toMatch(/^"votes";r=2;t=\d+$/);
    await r.post("/tools/cursor/vote", { value: "skip" });
    await r.post("/tools/cursor/vote", { value: "ship" });
    const refused = await r.post("/tools/cursor/vote", { value: "skip" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("ratelimit")).toMatch(/^"votes";r=0;t=\d+$/);
    expect(await refused.text()).toContain("Try again in");
    const html = await (await t.request("/tools/cursor")).text();
    expect(figure(html, "cursor")).toBe("100% ship · 1 vote");
    // another account has its own allowance
    const other = await signIn(t, "calm@example.com");
    expect((await other.post("/tools/cursor/vote", { value: "ship" })).status).toBe(303);
  });
});

describe("popular comparisons", () => {
  it("lists the most-picked pairs on the home page once readers pick", async () => {
    const t = await createTestApp("sqlite");
    expect(await (await t.request("/")).text()).toContain("<h2>Featured comparisons</h2>");
    const readers = [await signIn(t, "p1@example.com"), await signIn(t, "p2@example.com")];
    for (const r of readers) await r.post("/compare/ollama-vs-vllm/pick", { winner: "vllm" });
    await (readers[0] as TestSession).post("/compare/cursor-vs-aider/pick", { winner: "aider" });
    const html = await (await t.request("/")).text();
    expect(html).toContain("<h2>Popular comparisons</h2>");
    const order = [...html.matchAll(/<a href="(\/compare\/[a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(order.slice(0, 2)).toEqual(["/compare/ollama-vs-vllm", "/compare/aider-vs-cursor"]);
    expect(html).toContain("2 picks");
    await t.dispose();
  });
});
