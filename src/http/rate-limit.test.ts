import { Hono } from "hono";
import { beforeEach, describe, expect, it } from "vitest";
import { HttpError } from "./errors.ts";
import {
  checkRateLimits,
  enforceRateLimit,
  MemoryRateLimitStore,
  type RateLimitStore,
  type RateRule,
} from "./rate-limit.ts";

const START = Date.parse("2026-06-01T10:00:00Z");
let clock: number;
const now = () => clock;

beforeEach(() => {
  clock = START;
});

describe("MemoryRateLimitStore", () => {
  it("counts hits in a window that ends windowMs after its first hit", async () => {
    const store = new MemoryRateLimitStore({ now });
    expect(await store.hit("k", 60_000)).toEqual({ count: 1, resetAt: START + 60_000 });
    clock += 59_999;
    expect(await store.hit("k", 60_000)).toEqual({ count: 2, resetAt: START + 60_000 });
  });

  it("starts a new window at the old one's end", async () => {
    const store = new MemoryRateLimitStore({ now });
    await store.hit("k", 60_000);
    await store.hit("k", 60_000);
    clock = START + 60_000;
    expect(await store.hit("k", 60_000)).toEqual({ count: 1, resetAt: START + 120_000 });
  });

  it("keeps a window per key", async () => {
    const store = new MemoryRateLimitStore({ now });
    await store.hit("a", 60_000);
    await store.hit("a", 60_000);
    clock += 1_000;
    expect(await store.hit("b", 60_000)).toEqual({ count: 1, resetAt: START + 61_000 });
    expect((await store.hit("a", 60_000)).count).toBe(3);
  });

  it("hands out copies: changing an answer does not change the count", async () => {
    const store = new MemoryRateLimitStore({ now });
    const first = await store.hit("k", 60_000);
    first.count = 100;
    expect((await store.hit("k", 60_000)).count).toBe(2);
  });

  it("still counts right after sweeping expired windows", async () => {
    const store = new MemoryRateLimitStore({ now });
    await store.hit("live", 600_000);
    for (let i = 0; i < 998; i++) await store.hit(`gone-${i}`, 1_000);
    clock += 2_000;
    // the 1000th hit sweeps the expired windows, and must keep the live one
    expect((await store.hit("live", 600_000)).count).toBe(2);
  });

  it("checks a window without counting, and sees an expired window as empty", async () => {
    const store = new MemoryRateLimitStore({ now });
    expect(await store.check("k", 60_000)).toEqual({ count: 0, resetAt: START + 60_000 });
    await store.hit("k", 60_000);
    clock += 1_000;
    expect(await store.check("k", 60_000)).toEqual({ count: 1, resetAt: START + 60_000 });
    expect(await store.check("k", 60_000)).toEqual({ count: 1, resetAt: START + 60_000 });
    clock = START + 60_000;
    expect(await store.check("k", 60_000)).toEqual({ count: 0, resetAt: START + 120_000 });
    expect((await store.hit("k", 60_000)).count).toBe(1);
  });
});

describe("checkRateLimits", () => {
  const INBOX: RateRule = { name: "inbox", limit: 2, windowMs: 60_000, message: "Inbox full." };

  /** A route that checks VOTES per ?who= and INBOX, and counts only when ?send=1. */
  function mailing(store: RateLimitStore) {
    const app = new Hono();
    app.post("/", async (c) => {
      const sent = await checkRateLimits(
        c,
        store,
        [
          { rule: VOTES, key: c.req.query("who") ?? "anyone" },
          { rule: INBOX, key: "inbox" },
        ],
        now,
      );
      if (c.req.query("send") === "1") await sent();
      return c.text("ok");
    });
    app.onError((err, c) => c.text((err as HttpError).detail, (err as HttpError).status));
    return (who: string, send: boolean) =>
      app.request(`/?who=${who}&send=${send ? 1 : 0}`, { method: "POST" });
  }

  it("counts nothing until told the limited thing happened", async () => {
    const store = new MemoryRateLimitStore({ now });
    const post = mailing(store);
    for (let i = 0; i < 10; i++) expect((await post("alice", false)).status).toBe(200);
    expect((await store.check("votes:alice", 60_000)).count).toBe(0);
    expect((await store.check("inbox:inbox", 60_000)).count).toBe(0);
  });

  it("refuses on the first rule whose limit is reached, counting nothing on any", async () => {
    const store = new MemoryRateLimitStore({ now });
    const post = mailing(store);
    // both rules' state, in the order they were checked
    expect((await post("alice", true)).headers.get("RateLimit")).toBe('"votes";r=2;t=60, "inbox";r=1;t=60');
    expect((await post("bob", true)).status).toBe(200);
    const refused = await post("carol", true);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain("Inbox full.");
    expect((await store.check("votes:carol", 60_000)).count).toBe(0);
    expect((await store.check("inbox:inbox", 60_000)).count).toBe(2);
  });
});

const VOTES: RateRule = { name: "votes", limit: 3, windowMs: 60_000, message: "That is a lot of votes." };
const SIGN_IN: RateRule = { name: "sign-in", limit: 1, windowMs: 15 * 60_000, message: "Too many sign-ins." };

/** A route that counts each request against `rule` for the key in ?who=, on the test clock. */
function appWith(store: RateLimitStore, rule: RateRule = VOTES) {
  const app = new Hono();
  app.post("/", async (c) => {
    await enforceRateLimit(c, store, rule, c.req.query("who") ?? "anyone", now);
    return c.text("counted");
  });
  app.onError((err, c) => {
    if (!(err instanceof HttpError)) throw err;
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.text(err.detail, err.status);
  });
  return (who = "anyone") => app.request(`/?who=${encodeURIComponent(who)}`, { method: "POST" });
}

function rateHeaders(res: Response) {
  return Object.fromEntries(
    ["RateLimit", "RateLimit-Policy", "Retry-After"].map((h) => [h, res.headers.get(h)]),
  );
}

describe("enforceRateLimit", () => {
  it("lets hits up to the limit through, saying how many remain and when the window ends", async () => {
    const post = appWith(new MemoryRateLimitStore({ now }));
    const first = await post();
    expect(first.status).toBe(200);
    expect(rateHeaders(first)).toEqual({
      RateLimit: '"votes";r=2;t=60',
      "RateLimit-Policy": '"votes";q=3;w=60',
      "Retry-After": null,
    });
    // 29.4 s left: the reset rounds up
    clock += 30_600;
    expect(rateHeaders(await post())).toMatchObject({ RateLimit: '"votes";r=1;t=30' });
    clock = START + 59_999;
    const third = await post();
    expect(third.status).toBe(200);
    expect(rateHeaders(third)).toMatchObject({ RateLimit: '"votes";r=0;t=1' });
  });

  it("refuses the hit over the limit with a 429, Retry-After and the rule's message", async () => {
    const post = appWith(new MemoryRateLimitStore({ now }));
    for (let i = 0; i < 3; i++) await post();
    clock += 15_000;
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(await refused.text()).toBe("That is a lot of votes. Try again in 45 seconds.");
    expect(rateHeaders(refused)).toEqual({
      RateLimit: '"votes";r=0;t=45',
      "RateLimit-Policy": '"votes";q=3;w=60',
      "Retry-After": "45",
    });
    // refusals count too: the window does not start over
    expect((await post()).status).toBe(429);
  });

  it("lets hits through again once the window has ended", async () => {
    const post = appWith(new MemoryRateLimitStore({ now }));
    for (let i = 0; i < 4; i++) await post();
    clock = START + 59_999;
    expect((await post()).status).toBe(429);
    clock = START + 60_000;
    const again = await post();
    expect(again.status).toBe(200);
    expect(rateHeaders(again)).toMatchObject({ RateLimit: '"votes";r=2;t=60' });
  });

  it("never says the reset is 0 seconds away, even when the store's window ends right now", async () => {
    const endingNow: RateLimitStore = {
      hit: async () => ({ count: 1, resetAt: clock }),
      check: async () => ({ count: 1, resetAt: clock }),
    };
    expect((await appWith(endingNow)()).headers.get("RateLimit")).toBe('"votes";r=2;t=1');
  });

  it("counts each key on its own", async () => {
    const post = appWith(new MemoryRateLimitStore({ now }));
    for (let i = 0; i < 4; i++) await post("alice");
    expect((await post("alice")).status).toBe(429);
    const bob = await post("bob");
    expect(bob.status).toBe(200);
    expect(bob.headers.get("RateLimit")).toBe('"votes";r=2;t=60');
  });

  it("counts each rule on its own, even for the same key in the same store", async () => {
    const store = new MemoryRateLimitStore({ now });
    const vote = appWith(store, VOTES);
    const signIn = appWith(store, SIGN_IN);
    for (let i = 0; i < 3; i++) expect((await vote("alice")).status).toBe(200);
    expect((await signIn("alice")).status).toBe(200);
    expect((await signIn("alice")).status).toBe(429);
    expect((await vote("alice")).status).toBe(429);
  });

  it("speaks of minutes when the wait is 90 seconds or more", async () => {
    const post = appWith(new MemoryRateLimitStore({ now }), SIGN_IN);
    await post();
    const refused = await post();
    expect(await refused.text()).toBe("Too many sign-ins. Try again in 15 minutes.");
    expect(rateHeaders(refused)).toMatchObject({
      "Retry-After": "900",
      "RateLimit-Policy": '"sign-in";q=1;w=900',
    });
    clock = START + 15 * 60_000 - 90_000;
    expect(await (await post()).text()).toBe("Too many sign-ins. Try again in 2 minutes.");
    clock += 1_000;
    expect(await (await post()).text()).toBe("Too many sign-ins. Try again in 89 seconds.");
  });
});
