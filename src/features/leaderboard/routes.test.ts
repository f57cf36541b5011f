import type { Server } from "node:http";
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { DAY_MS, insertRoundRobin, makeAccounts, pairsOf, toolSlugs } from "../../../test/support/picks.ts";
import { form, signIn, type TestSession } from "../../../test/support/session.ts";
import { createApp } from "../../app.tsx";
import { iso } from "../../db/time.ts";
import { comparePath } from "../../domain/compare-path.ts";
import {
  ACCOUNT_DAILY_CAP,
  NETWORK_DAILY_CAP,
  standingsFromCounts,
  WAITING_PERIOD_HOURS,
  type WinCount,
} from "../../domain/leaderboard/index.ts";
import { PageCache } from "../../http/page-cache.ts";
import { startServer } from "../../server.ts";
import { formatDate } from "../../ui/labels.ts";
import { leaderboardJobs } from "./index.ts";
import { releaseLease, takeLease } from "./store.ts";

reportSkippedPostgres("the leaderboard's pages, recompute and open data");

/** A pick through the real route, from a client address. */
async function pick(t: TestApp, who: TestSession, address: string, a: string, b: string, winner: string) {
  const res = await t.requestFrom(
    address,
    `${comparePath(a, b)}/pick`,
    form({ _csrf: who.csrf, winner }, { cookie: who.cookie }),
  );
  expect(res.status).toBe(303);
}

function csvRows(text: string): Record<string, string>[] {
  return parseCsv(text, { columns: true, skip_empty_lines: true });
}

/** The tool slugs of a board table in page order, from its row headers. */
function rowOrder(html: string): string[] {
  const table = /<table class="lb-table">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
  return [...table.matchAll(/<th scope="row"><a href="\/tools\/([a-z0-9-]+)"/g)].map((m) => m[1] as string);
}

describe.each(testEngines())("leaderboard integrity through HTTP on %s", (engine) => {
  let t: TestApp;
  let pairs: [string, string][];
  beforeAll(async () => {
    t = await createTestApp(engine);
    pairs = pairsOf(await toolSlugs(t.db.db));
  });
  afterAll(() => t.dispose());

  it("says until the first pick how to contribute, instead of empty tables", async () => {
    await leaderboardJobs(t.deps).runNow();
    for (const path of ["/leaderboard", "/leaderboard/coding-assistants", "/leaderboard/pairs"]) {
      const html = await (await t.request(path)).text();
      expect(html).toContain("No picks yet");
      expect(html).toContain('href="/compare"');
      expect(html).not.toContain("<table");
    }
  });

  it("counts within the caps and the waiting period, tells the reader why a pick does not count, and tallies every reason", async () => {
    const db = t.db.db;
    const old = await signIn(t, "steady@example.com");
    const crowd: TestSession[] = [];
    for (let i = 0; i < 5; i++) crowd.push(await signIn(t, `office${i}@example.com`));
    const fresh = await signIn(t, "fresh@example.com");
    // everyone but "fresh" signed up days ago
    await db
      .updateTable("users")
      .set({ created_at: iso(Date.now() - 3 * DAY_MS) })
      .where("email", "!=", "fresh@example.com")
      .execute();

    // the winner is always the first of the pair: one consistent order, which no outlier test questions
    let next = 0;
    const take = () => pairs[next++] as [string, string];
    const over = ACCOUNT_DAILY_CAP + 5;
    for (let i = 0; i < over; i++) {
      const [a, b] = take();
      await pick(t, old, "198.51.100.7", a, b, a);
    }
    const capped = pairs[over - 1] as [string, string];
    let html = await (await old.get(comparePath(...capped))).text();
    expect(html).toContain("does not count on the leaderboard yet");
    expect(html).toContain(`${ACCOUNT_DAILY_CAP} counted picks per day`);
    // a notice, not a success: the neutral information style
    expect(html).toContain('<p class="callout notice-info pick-notice" role="status">');
    // a pick within the cap says nothing of the kind
    expect(await (await old.get(comparePath(...(pairs[0] as [string, string])))).text()).not.toContain(
      "does not count on the leaderboard",
    );

    // five accounts on one /24 share the network's cap
    const each = Math.ceil((NETWORK_DAILY_CAP + 10) / crowd.length);
    for (const [k, who] of crowd.entries()) {
      for (let i = 0; i < each; i++) {
        const [a, b] = take();
        await pick(t, who, `203.0.113.${10 + k}`, a, b, a);
      }
    }
    const networkCapped = crowd.length * each - NETWORK_DAILY_CAP;
    html = await (
      await (crowd.at(-1) as TestSession).get(comparePath(...(pairs[next - 1] as [string, string])))
    ).text();
    expect(html).toContain("readers on yours have used today");

    const waiting: [string, string][] = [];
    for (let i = 0; i < 3; i++) {
      const [a, b] = take();
      waiting.push([a, b]);
      await pick(t, fresh, "192.0.2.50", a, b, b);
    }
    // the script's in-place update says the same as the page
    const [wa, wb] = waiting[2] as [string, string];
    const fragment = await t.requestFrom(
      "192.0.2.50",
      `${comparePath(wa, wb)}/pick`,
      form({ _csrf: fresh.csrf, winner: wb }, { cookie: fresh.cookie, "x-requested-with": "fetch" }),
    );
    expect(fragment.status).toBe(200);
    expect(await fragment.text()).toContain(`New accounts wait ${WAITING_PERIOD_HOURS} hours`);
    html = await (await fresh.get(comparePath(...(waiting[0] as [string, string])))).text();
    expect(html).toContain(`New accounts wait ${WAITING_PERIOD_HOURS} hours`);
    expect(html).toMatch(/This pick will count from \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);

    // no address is stored, only a keyed hash of its network
    const stored = await db.selectFrom("picks").select("network").distinct().execute();
    expect(stored.map((r) => r.network).every((n) => n !== null && !n.includes("."))).toBe(true);
    expect(new Set(stored.map((r) => r.network)).size).toBe(3);

    expect((await leaderboardJobs(t.deps).runNow()).status).toBe("done");
    const counted = ACCOUNT_DAILY_CAP + NETWORK_DAILY_CAP;
    html = await (await t.request("/leaderboard")).text();
    expect(html.replaceAll("&#39;", "'")).toContain(
      `Counted ${counted} picks; discounted ${5 + networkCapped + 3}: 3 picks from accounts still in their waiting period; 5 picks over an account's daily cap; ${networkCapped} picks over a network's daily cap.`,
    );
    // every pick stays stored, with its outcome
    const outcomes = await db
      .selectFrom("picks")
      .select(["outcome", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("outcome")
      .execute();
    expect(Object.fromEntries(outcomes.map((o) => [o.outcome, Number(o.n)]))).toEqual({
      counted,
      "account-daily-cap": 5,
      "network-daily-cap": networkCapped,
      "waiting-period": 3,
    });
    // the split on a comparison counts every pick, so it says how many of them the leaderboard counts
    const cappedPage = await (await t.request(comparePath(...capped))).text();
    expect(cappedPage.replace(/<[^>]+>/g, "").replace(/\s+/g, " ")).toContain(
      "1 pick, of which 0 count toward the leaderboard",
    );
    expect(await (await t.request(comparePath(...(pairs[0] as [string, string])))).text()).not.toContain(
      "count toward the leaderboard",
    );
    const csv = csvRows(await (await t.request("/leaderboard/picks.csv")).text());
    expect(csv).toHaveLength(counted + 5 + networkCapped + 3);
    expect(Object.keys(csv[0] ?? {})).toEqual(["tool_a", "tool_b", "winner", "day", "outcome"]);
    expect(csv.filter((r) => r.outcome === "waiting-period")).toHaveLength(3);
  });

  it("counts a new account's picks once its waiting period is over, and keeps yesterday's board as a snapshot", async () => {
    const today = iso().slice(0, 10);
    const later = Date.now() + (WAITING_PERIOD_HOURS + 1) * 3_600_000;
    expect((await leaderboardJobs(t.deps).runNow(later)).status).toBe("done");
    const tomorrow = iso(later).slice(0, 10);
    const counted = ACCOUNT_DAILY_CAP + NETWORK_DAILY_CAP;
    expect(await (await t.request("/leaderboard")).text()).toContain(`Counted ${counted + 3} picks`);

    const past = await (await t.request(`/leaderboard?as_of=${today}`)).text();
    expect(past).toContain(`Counted ${counted} picks`);
    expect(past).toContain("not as it stands now");
    expect(past).toContain('name="as_of"');
    // the categories listed under a past board are that day's too
    expect(past).toContain(`href="/leaderboard/coding-assistants?as_of=${today}"`);
    expect(past).toMatch(/\d+ counted picks?,/);
    // a day still to come is refused on the form, as the API refuses it
    const future = await t.request(`/leaderboard?as_of=${tomorrow}`);
    expect(future.status).toBe(400);
    const futureHtml = await future.text();
    expect(futureHtml).toContain("has not happened yet: choose today or an earlier day.");
    expect(futureHtml).toContain('aria-invalid="true"');
    expect((await t.request(`/leaderboard/pairs?as_of=${tomorrow}`)).status).toBe(400);

    // move today's snapshots three days back: the two days after have none
    const threeBack = iso(Date.now() - 3 * DAY_MS).slice(0, 10);
    const oneBack = iso(Date.now() - DAY_MS).slice(0, 10);
    await t.db.db
      .updateTable("leaderboard_snapshots")
      .set({ day: threeBack })
      .where("day", "=", today)
      .execute();
    const gap = await t.request(`/leaderboard?as_of=${oneBack}`);
    expect(gap.status).toBe(200);
    const gapHtml = await gap.text();
    expect(gapHtml).toContain(
      `No board was saved on ${formatDate(oneBack)}; showing ${formatDate(threeBack)}, the nearest earlier day`,
    );
    expect(gapHtml).not.toContain("notice-error");
    expect(gapHtml).toContain(`Counted ${counted} picks`);
    // the category summaries are read from that same snapshot day, not "no counted picks yet"
    expect(gapHtml).toMatch(
      /Coding Assistants<\/strong><\/a><span class="muted small"> · \d+ counted picks?,/,
    );
    const gapPairs = await (await t.request(`/leaderboard/pairs?as_of=${oneBack}`)).text();
    expect(gapPairs).toContain(`showing ${formatDate(threeBack)}, the nearest earlier day`);

    const missing = await t.request("/leaderboard?as_of=2001-01-01");
    expect(missing.status).toBe(200);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain(
      `No board had been saved by 1 January 2001.</strong> The first snapshot is from <a href="/leaderboard?as_of=${threeBack}">`,
    );
    expect(missingHtml).not.toContain("notice-error");
    expect((await t.request("/leaderboard?as_of=2026-02-30")).status).toBe(400);
    expect((await t.request("/leaderboard?as_of=yesterday")).status).toBe(400);
  });
});

describe.each(testEngines())("a board with ranked tools on %s", (engine) => {
  let t: TestApp;
  let coding: string[];
  let speech: string[];
  let rigger: number;
  beforeAll(async () => {
    t = await createTestApp(engine);
    const db = t.db.db;
    coding = await toolSlugs(db, "coding-assistants");
    speech = await toolSlugs(db, "speech-audio");
    const users = await makeAccounts(db, 60, "fan");
    // two categories never compared across: the overall board has two groups
    await insertRoundRobin(db, { users, slugs: coding, strengths: [1.2, 0.6, 0, -0.6, -1.2], seed: 7 });
    await insertRoundRobin(db, { users, slugs: speech, strengths: [-1, -0.5, 0, 0.5, 1], seed: 8 });
    [rigger] = (await makeAccounts(db, 1, "rigger")) as [number];
    await insertRoundRobin(db, {
      users: [rigger],
      slugs: coding,
      strengths: [1.2, 0.6, 0, -0.6, -1.2],
      seed: 9,
      against: true,
    });
    await insertRoundRobin(db, {
      users: [rigger],
      slugs: speech,
      strengths: [-1, -0.5, 0, 0.5, 1],
      seed: 9,
      against: true,
    });
    expect((await leaderboardJobs(t.deps).runNow()).status).toBe("done");
  });
  afterAll(() => t.dispose());

  it("ranks the category's tools with their intervals, and each row links to the tool", async () => {
    const html = await (await t.request("/leaderboard/coding-assistants")).text();
    expect(rowOrder(html)).toEqual(coding);
    expect(html).toContain('class="lb-bar"');
    expect(html).toMatch(/<span class="score">\d+<\/span> <span class="muted small">\(\d+–\d+\)<\/span>/);
    expect(html).toContain('aria-sort="ascending"');
    // the panel score and community figure sit beside the rating
    expect(html).toContain("Panel score");
    expect(html).toContain("Community");
  });

  it("sorts by each column through the URL, marking the sorted header", async () => {
    const html = await (await t.request("/leaderboard/coding-assistants?sort=tool")).text();
    const names = [...html.matchAll(/<th scope="row"><a href="\/tools\/[a-z0-9-]+">([^<]+)<\/a>/g)].map(
      (m) => m[1] as string,
    );
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(html).toMatch(
      /<th scope="col" class="sorted" aria-sort="ascending"><a href="\/leaderboard\/coding-assistants\?sort=-tool">Tool/,
    );
    const byRating = rowOrder(await (await t.request("/leaderboard/coding-assistants?sort=rating")).text());
    expect(byRating).toEqual(coding);
    const byWorst = await (await t.request("/leaderboard/coding-assistants?sort=wins")).text();
    expect(byWorst).toMatch(/aria-sort="descending"><a href="[^"]*sort=-wins">Win rate/);
    for (const key of ["picks", "opponents", "panel", "community"]) {
      expect((await t.request(`/leaderboard/coding-assistants?sort=${key}`)).status).toBe(200);
    }
    expect((await t.request("/leaderboard/coding-assistants?sort=bogus")).status).toBe(400);
    expect((await t.request("/leaderboard/coding-assistants?sort=--rating")).status).toBe(400);
  });

  it("shows the sorted column with an arrow and reverses it from its header, on every board page alike", async () => {
    const html = await (await t.request("/leaderboard/coding-assistants?sort=rating")).text();
    // the sorted header: bold by class, an arrow a sighted reader sees, a link that reverses it
    expect(html).toMatch(
      /<th scope="col" class="sorted" aria-sort="descending"><a href="\/leaderboard\/coding-assistants\?sort=-rating">Rating \(95% interval\)<span aria-hidden="true"> ▼<\/span>/,
    );
    const reversed = await t.request("/leaderboard/coding-assistants?sort=-rating");
    expect(reversed.status).toBe(200);
    const reversedHtml = await reversed.text();
    expect(rowOrder(reversedHtml)).toEqual([...coding].reverse());
    expect(reversedHtml).toMatch(
      /<th scope="col" class="sorted" aria-sort="ascending"><a href="\/leaderboard\/coding-assistants\?sort=rating">Rating \(95% interval\)<span aria-hidden="true"> ▲<\/span>/,
    );
    // rank order is the canonical URL without sort; its header reverses to -rank
    const byRank = await (await t.request("/leaderboard/coding-assistants")).text();
    expect(byRank).toMatch(
      /<th scope="col" class="num sorted" aria-sort="ascending"><a href="\/leaderboard\/coding-assistants\?sort=-rank">Rank<span aria-hidden="true"> ▲/,
    );
    // reversed rank order: worst rank first (tools sharing a rank keep the board's order among themselves)
    const byRankReversed = await (await t.request("/leaderboard/coding-assistants?sort=-rank")).text();
    const ranks = [...byRankReversed.matchAll(/<tr><td class="num">=?(\d+)/g)].map((m) => Number(m[1]));
    expect(ranks).toHaveLength(coding.length);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(ranks[0]).toBeGreaterThan(ranks.at(-1) as number);
    // an unknown sort is a 400 on the pairs pages too, not silently ignored
    expect((await t.request("/leaderboard/pairs?sort=total")).status).toBe(400);
    expect((await t.request("/leaderboard/coding-assistants/pairs?sort=total")).status).toBe(400);
    expect((await t.request("/leaderboard?sort=total")).status).toBe(400);
  });

  it("states the rank rule as the board applies it, on the index and on a category's board", async () => {
    for (const path of ["/leaderboard", "/leaderboard/coding-assistants"]) {
      const text = (await (await t.request(path)).text()).replaceAll("&#39;", "'").replace(/\s+/g, " ");
      expect(text).toContain(
        "A tool's rank is 1 plus the number of tools clearly ahead of it (whose whole 95% interval lies above its own). Tools with the same rank are statistically tied",
      );
      // overlapping intervals alone do not share a rank, so no page may say they do
      expect(text).not.toMatch(/overlap\w* share a rank/);
    }
  });

  it("shows a disconnected graph as separate groups, not one ranking", async () => {
    const html = await (await t.request("/leaderboard")).text();
    expect(html).toContain("Not one connected board");
    expect(html).toContain("Group 2: never compared with the tools above");
  });

  it("flags the account that always picks the underdog, discounts its picks and reports them", async () => {
    const flag = await t.db.db
      .selectFrom("leaderboard_flags")
      .selectAll()
      .where("user_id", "=", rigger)
      .executeTakeFirst();
    expect(flag?.status).toBe("open");
    const outcomes = await t.db.db
      .selectFrom("picks")
      .select("outcome")
      .where("user_id", "=", rigger)
      .execute();
    expect(new Set(outcomes.map((o) => o.outcome))).toEqual(new Set(["flagged-account"]));
    expect(await (await t.request("/leaderboard")).text()).toContain(
      "20 picks from accounts flagged by the outlier test",
    );
  });

  it("publishes picks from which anyone recomputes the same board", async () => {
    const picks = csvRows(await (await t.request("/leaderboard/picks.csv")).text());
    const board = csvRows(await (await t.request("/leaderboard.csv")).text());
    expect(picks.some((p) => "user" in p || "user_id" in p || "email" in p)).toBe(false);
    for (const scope of ["overall", "coding-assistants", "speech-audio"]) {
      const rows = board.filter((r) => r.board === scope);
      const slugs = rows.map((r) => r.tool as string).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const id = new Map(slugs.map((s, k) => [s, k + 1]));
      const counts = new Map<string, WinCount>();
      for (const p of picks) {
        if (p.outcome !== "counted" || !id.has(p.tool_a as string) || !id.has(p.tool_b as string)) continue;
        const winner = id.get(p.winner as string) as number;
        const loser = id.get((p.winner === p.tool_a ? p.tool_b : p.tool_a) as string) as number;
        const key = `${winner}>${loser}`;
        const found = counts.get(key) ?? { winner, loser, count: 0 };
        found.count++;
        counts.set(key, found);
      }
      const standings = standingsFromCounts([...id.values()], [...counts.values()]);
      const all = [...standings.entries, ...standings.separate, ...standings.provisional];
      expect(all).toHaveLength(rows.length);
      for (const row of rows) {
        const mine = all.find((e) => e.toolId === id.get(row.tool as string));
        expect(mine, row.tool).toBeDefined();
        expect(mine?.rating.toFixed(3)).toBe(row.rating);
        expect(mine?.lower.toFixed(3)).toBe(row.lower);
        expect(mine?.upper.toFixed(3)).toBe(row.upper);
        expect(String(mine?.rank ?? "")).toBe(row.rank);
        expect(String(mine?.tied)).toBe(row.tied);
        expect(String(mine?.provisional)).toBe(row.provisional);
      }
    }
  });

  it("lists every pair with picks each way, each linked to its comparison", async () => {
    const html = await (await t.request("/leaderboard/coding-assistants/pairs")).text();
    const links = [...html.matchAll(/<th scope="row"><a href="(\/compare\/[a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(links).toEqual(pairsOf(coding).map(([a, b]) => comparePath(a, b)));
    const totals = [...html.matchAll(/<td class="num">(\d+)<\/td>\s*<\/tr>/g)].map((m) => Number(m[1]));
    expect(totals).toEqual(pairsOf(coding).map(() => 60));
    // the grid: every ordered pair of the five tools links to its comparison, and the two cells of a pair mirror each other
    const matrix = /<table class="lb-matrix">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
    const cells = [
      ...matrix.matchAll(
        /<a href="(\/compare\/[a-z0-9-]+)"><span class="skip-link">([^<]+) against ([^<]+): <\/span>(\d+)–(\d+)<\/a>/g,
      ),
    ];
    expect(cells).toHaveLength(coding.length * (coding.length - 1));
    for (const c of cells) {
      const mirror = cells.find((d) => d[2] === c[3] && d[3] === c[2]);
      expect([mirror?.[1], mirror?.[4], mirror?.[5]]).toEqual([c[1], c[5], c[4]]);
      expect(Number(c[4]) + Number(c[5])).toBe(60);
    }
    expect((await t.request("/leaderboard/pairs")).status).toBe(200);
    expect((await t.request("/leaderboard/no-such-category/pairs")).status).toBe(404);
    expect((await t.request("/leaderboard/no-such-category")).status).toBe(404);
  });

  it("shows a tool's rating over time and its best and worst head-to-heads on its page", async () => {
    const html = await (await t.request(`/tools/${coding[0]}`)).text();
    expect(html).toContain("Head-to-head rating");
    expect(html).toMatch(/Overall rank =?1/);
    expect(html).toContain('class="lb-band"');
    expect(html).toContain("Best head-to-heads");
    expect(html).toContain(`href="${comparePath(coding[0] as string, coding[1] as string)}"`);
    const worst = await (await t.request(`/tools/${coding.at(-1)}`)).text();
    expect(worst).toContain("Worst head-to-heads");
  });

  it("gives a tool page the overall board's rating, rank and picks (the figures /leaderboard and the API show), with its category rank labelled apart", async () => {
    const board = csvRows(await (await t.request("/leaderboard.csv")).text());
    const slug = coding[1] as string;
    const overall = board.find((r) => r.board === "overall" && r.tool === slug);
    const inCategory = board.find((r) => r.board === "coding-assistants" && r.tool === slug);
    const html = await (await t.request(`/tools/${slug}`)).text();
    const section = /<section aria-labelledby="h2h-rating-heading">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    const text = section.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");
    expect(text).toContain(
      `Overall rank ${overall?.tied === "true" ? "=" : ""}${overall?.rank}${overall?.tied === "true" ? " (statistically tied)" : ""} on the board of all categories: rating ${Math.round(Number(overall?.rating))} `,
    );
    expect(text).toContain(`from ${overall?.picks} counted picks against ${overall?.opponents} tools`);
    expect(text).toMatch(/Within its category, on the Coding Assistants board: (rank|provisional)/);
    expect(text).toContain(
      `rating ${Math.round(Number(inCategory?.rating))} from ${inCategory?.picks} counted picks`,
    );
    expect(text).toContain("Overall rating over time");
    // every listed head-to-head is one of the opponents counted beside the figure
    const listed = [...section.matchAll(/>vs [^<]+<\/a>: won (\d+) of (\d+)/g)];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThanOrEqual(Number(overall?.opponents));
    expect(listed.reduce((n, m) => n + Number(m[2]), 0)).toBeLessThanOrEqual(Number(overall?.picks));
  });

  it("serves the leaderboard from the page cache on the second anonymous request, until a recompute", async () => {
    // the test app's cache may be off (PAGE_CACHE is off in tests): an app with it on, behind the real server
    const cache = new PageCache(true);
    const cached = createApp({ db: t.db.db, config: { ...t.deps.config, pageCache: true }, cache });
    let hits = 0;
    const tryServe = cache.tryServe.bind(cache);
    cache.tryServe = (req, res) => {
      const served = tryServe(req, res);
      if (served) hits++;
      return served;
    };
    const { server, url } = await startServer({ app: cached.app, cache, port: 0, host: "127.0.0.1" });
    try {
      for (const path of [
        "/leaderboard",
        "/leaderboard/coding-assistants?sort=picks",
        "/leaderboard/pairs",
      ]) {
        const before = hits;
        const first = await fetch(url + path);
        const body = await first.text();
        expect(hits).toBe(before);
        const second = await fetch(url + path);
        expect(hits).toBe(before + 1);
        expect(await second.text()).toBe(body);
        expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
      }
      // a recompute drops the boards' pages
      await leaderboardJobs(cached.deps).runNow();
      expect(cache.get("/leaderboard")).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => (server as Server).close(() => resolve()));
    }
  });
});

describe.each(testEngines())("one recompute at a time on %s", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t.dispose());

  it("lets a second app on the same database wait while the first holds the lease, then take over", async () => {
    const other = createApp({ db: t.db.db, config: t.deps.config });
    const now = Date.now();
    expect(await takeLease(t.db.db, "instance-a", now, 60_000)).toBe(true);
    expect(await takeLease(t.db.db, "instance-b", now, 60_000)).toBe(false);
    const busy = await leaderboardJobs(other.deps).runNow(now);
    expect(busy.status).toBe("busy");
    expect(await t.db.db.selectFrom("leaderboard_boards").select("board").execute()).toEqual([]);
    // a lease that ran out (its holder died) is taken over
    expect((await leaderboardJobs(other.deps).runNow(now + 61_000)).status).toBe("done");
    await releaseLease(t.db.db, "instance-a");

    // two apps asking at once: never two recomputes together, and the boards are written
    const results = await Promise.all([
      leaderboardJobs(t.deps).runNow(),
      leaderboardJobs(other.deps).runNow(),
    ]);
    expect(results.map((r) => r.status)).toContain("done");
    const state = await t.db.db.selectFrom("leaderboard_state").selectAll().executeTakeFirstOrThrow();
    expect(state.lease_holder).toBeNull();
    await leaderboardJobs(other.deps).stop();
  });
});
