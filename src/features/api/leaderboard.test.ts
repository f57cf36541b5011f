/**
 * GET /api/v1/leaderboard and the tool detail's headToHead on every engine, from an empty board
 * to boards fitted from picks in two categories never compared with each other; every answer
 * checked against the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../../../test/support/api.ts";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { insertRoundRobin, makeAccounts, toolSlugs } from "../../../test/support/picks.ts";
import { leaderboardData, leaderboardJobs } from "../leaderboard/index.ts";
import type { HeadToHeadPayload, LeaderboardPayload } from "./schemas.ts";

reportSkippedPostgres("the API's leaderboard");

const STRENGTHS = [1.2, 0.6, 0, -0.6, -1.2];
const problem = (body: unknown) =>
  body as { type: string; detail: string; errors?: { name: string }[]; suggestions?: { slug: string }[] };

describe.each(testEngines())("the API's leaderboard on %s", (engine) => {
  let t: TestApp;
  let api: Awaited<ReturnType<typeof apiClient>>;
  let coding: string[];
  beforeAll(async () => {
    t = await createTestApp(engine, { API_RATE_LIMIT: "100000" });
    api = await apiClient(t);
    coding = await toolSlugs(t.db.db, "coding-assistants");
  });
  afterAll(() => t?.dispose());

  const board = async (query = "") => {
    const { status, body } = await api.get(`/api/v1/leaderboard${query}`);
    expect(status).toBe(200);
    return body as LeaderboardPayload;
  };

  it("answers an honest empty board, with how to fill it, before and after a recompute without picks", async () => {
    const before = await board();
    expect(before).toMatchObject({ board: "overall", category: null, computedAt: null, counted: 0 });
    expect(before.entries).toEqual([]);
    expect(before.message).toContain("Pick a winner on any comparison");
    expect((await leaderboardJobs(t.deps).runNow()).status).toBe("done");
    const after = await board("?category=coding-assistants");
    expect(after.category).toEqual({ slug: "coding-assistants", name: expect.any(String) });
    expect(after.computedAt).not.toBeNull();
    expect(after.entries).toEqual([]);
    expect(after.message).toContain("No picks have been counted");
    expect(after.discounted.every((d) => d.picks === 0)).toBe(true);
    expect(after.method).toMatchObject({ model: "bradley-terry", ratingBase: 1000, ratingScale: 400 });
  });

  it("refuses an unknown category with the closest slugs and a bad or future as_of naming it", async () => {
    const unknown = await api.get("/api/v1/leaderboard?category=coding-asistants");
    expect(unknown.status).toBe(404);
    expect(problem(unknown.body).suggestions?.[0]?.slug).toBe("coding-assistants");
    for (const day of ["2026-13-01", "2026-02-30", "yesterday", "3000-01-01"]) {
      const bad = await api.get(`/api/v1/leaderboard?as_of=${day}`);
      expect(bad.status, day).toBe(400);
      expect(problem(bad.body).errors?.map((e) => e.name)).toEqual(["as_of"]);
    }
    const stray = await api.get("/api/v1/leaderboard?scope=overall");
    expect(stray.status).toBe(400);
  });

  describe("with picks in two categories never compared across", () => {
    let others: string[];
    beforeAll(async () => {
      // five tools from outside coding assistants, never picked against any of them
      others = (await toolSlugs(t.db.db)).filter((s) => !coding.includes(s)).slice(0, 5);
      const fans = await makeAccounts(t.db.db, 20, "board-fan");
      await insertRoundRobin(t.db.db, { users: fans, slugs: coding, strengths: STRENGTHS, seed: 11 });
      await insertRoundRobin(t.db.db, { users: fans, slugs: others, strengths: STRENGTHS, seed: 12 });
      // accounts made a moment ago: kept, but discounted until their waiting period ends
      const fresh = await makeAccounts(t.db.db, 2, "board-new", 60_000);
      await insertRoundRobin(t.db.db, { users: fresh, slugs: coding, strengths: STRENGTHS, seed: 13 });
      expect((await leaderboardJobs(t.deps).runNow()).status).toBe("done");
    });

    it("ranks a category's tools with intervals, picks, opponents and win rates, as the stored board has them", async () => {
      const body = await board("?category=coding-assistants");
      const stored = await leaderboardData(t.db.db, "coding-assistants");
      expect(body.message).toBeNull();
      expect(body.connected).toBe(true);
      expect(body.components).toEqual([]);
      expect(body.entries.map((e) => e.slug)).toEqual(stored?.board.entries.map((e) => e.slug));
      expect(body.entries).toHaveLength(5);
      // the strongest truth leads, and ranks never go down the list
      expect(body.entries[0]?.slug).toBe(coding[0]);
      const ranks = body.entries.map((e) => e.rank as number);
      expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
      for (const e of body.entries) {
        expect(e.interval.lower).toBeLessThanOrEqual(e.rating);
        expect(e.interval.upper).toBeGreaterThanOrEqual(e.rating);
        expect(e.picks).toBe(80);
        expect(e.opponents).toBe(4);
        expect(e.winRate).toBeCloseTo(e.wins / e.picks, 2);
        expect(e.provisional).toBe(false);
        expect(e.needs).toBeNull();
        expect(e.links.page).toBe(`http://localhost:3000/tools/${e.slug}`);
      }
      // tied flags follow shared ranks
      for (const e of body.entries) expect(e.tied).toBe(ranks.filter((r) => r === e.rank).length > 1);
      expect(body.counted).toBe(200);
      expect(body.discounted.find((d) => d.reason === "waiting-period")?.picks).toBe(20);
      expect(body.links.page).toBe("http://localhost:3000/leaderboard/coding-assistants");
    });

    it("shows the overall board's groups when they were never compared across", async () => {
      const body = await board();
      expect(body.connected).toBe(false);
      expect(body.components.map((g) => [...g.slugs].sort())).toEqual(
        expect.arrayContaining([[...coding].sort(), [...others].sort()]),
      );
      expect(body.entries).toHaveLength(5);
      expect(body.separate).toHaveLength(5);
      expect(new Set([...body.entries, ...body.separate].map((e) => e.component)).size).toBe(2);
    });

    it("serves today's snapshot with as_of, and an empty board that says so for a day without one", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const snap = await board(`?category=coding-assistants&as_of=${today}`);
      expect(snap.asOf).toBe(today);
      expect(snap.entries.map((e) => e.slug)).toEqual(
        (await board("?category=coding-assistants")).entries.map((e) => e.slug),
      );
      const old = await board("?as_of=2020-01-01");
      expect(old.entries).toEqual([]);
      expect(old.message).toBe(
        `No board had been saved by 2020-01-01: this board's first snapshot is from ${today}. Leave out as_of for the current board.`,
      );
      // a day without a snapshot after an earlier one: the nearest earlier snapshot, as the page shows
      const threeBack = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
      const oneBack = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const move = (from: string, to: string) =>
        t.db.db.updateTable("leaderboard_snapshots").set({ day: to }).where("day", "=", from).execute();
      await move(today, threeBack);
      try {
        const gap = await board(`?category=coding-assistants&as_of=${oneBack}`);
        expect(gap.asOf).toBe(threeBack);
        expect(gap.message).toBe(
          `No board was saved on ${oneBack}; this is ${threeBack}, the nearest earlier day with a snapshot.`,
        );
        expect(gap.entries.map((e) => e.slug)).toEqual(snap.entries.map((e) => e.slug));
      } finally {
        await move(threeBack, today);
      }
    });

    it("gives a rated tool its headToHead in the tool detail, and a tool without picks null", async () => {
      const overall = await board();
      const top = [...overall.entries, ...overall.separate].find((e) => e.slug === coding[0]);
      const { status, body } = await api.get(`/api/v1/tools/${coding[0]}`);
      expect(status).toBe(200);
      const h2h = (body as { headToHead: HeadToHeadPayload | null }).headToHead;
      expect(h2h).toMatchObject({
        board: "overall",
        rating: top?.rating,
        interval: top?.interval,
        rank: top?.rank,
        tied: top?.tied,
        provisional: false,
        picks: 80,
        opponents: 4,
      });
      expect(h2h?.history.map((p) => p.day)).toEqual([new Date().toISOString().slice(0, 10)]);
      const unrated = (await toolSlugs(t.db.db)).find((s) => !coding.includes(s) && !others.includes(s));
      const other = await api.get(`/api/v1/tools/${unrated}`);
      expect((other.body as { headToHead: unknown }).headToHead).toBeNull();
    });
  });
});
