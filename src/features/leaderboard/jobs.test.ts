import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createTestDatabase,
  reportSkippedPostgres,
  type TestDatabase,
  testEngines,
} from "../../../test/support/db.ts";
import { insertRoundRobin, makeAccounts, toolSlugs } from "../../../test/support/picks.ts";
import { PageCache } from "../../http/page-cache.ts";
import { LeaderboardJobs } from "./jobs.ts";
import { boardsAreStale } from "./store.ts";

reportSkippedPostgres("the leaderboard's recompute schedule");

describe.each(testEngines())("the recompute schedule on %s", (engine) => {
  let db: TestDatabase;
  let cache: PageCache;
  let invalidations = 0;
  let jobs: LeaderboardJobs;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
    cache = new PageCache(true);
    cache.onInvalidate = () => invalidations++;
    jobs = new LeaderboardJobs({ db: db.db, cache, debounceMs: 30 });
  });
  afterAll(async () => {
    await jobs.stop();
    await db.dispose();
  });

  const computedAt = async () =>
    (await db.db.selectFrom("leaderboard_state").select("computed_at").executeTakeFirstOrThrow()).computed_at;

  it("turns a burst of requests into one recompute, after the debounce, and then drops the cached pages", async () => {
    expect(await boardsAreStale(db.db)).toBe(true);
    for (let i = 0; i < 10; i++) jobs.schedule();
    await vi.waitFor(async () => expect(await computedAt()).not.toBeNull(), {
      timeout: 10_000,
      interval: 20,
    });
    await vi.waitFor(() => expect(invalidations).toBe(1), { timeout: 5000, interval: 20 });
    expect(await boardsAreStale(db.db)).toBe(false);
  });

  it("recomputes when stale only: after a pick, a withdrawal, or on a new UTC day", async () => {
    expect(await jobs.refreshIfStale()).toBeUndefined();
    const [user] = (await makeAccounts(db.db, 1, "late")) as [number];
    await insertRoundRobin(db.db, {
      users: [user],
      slugs: (await toolSlugs(db.db, "coding-assistants")).slice(0, 2),
      strengths: [0, 0],
      seed: 1,
    });
    expect(await boardsAreStale(db.db)).toBe(true);
    expect((await jobs.refreshIfStale())?.status).toBe("done");
    expect(await jobs.refreshIfStale()).toBeUndefined();
    await db.db.deleteFrom("picks").where("user_id", "=", user).execute();
    expect((await jobs.refreshIfStale())?.status).toBe("done");
    expect(await jobs.refreshIfStale()).toBeUndefined();
    expect((await jobs.refreshIfStale(Date.now() + 86_400_000))?.status).toBe("done");
  });
});
