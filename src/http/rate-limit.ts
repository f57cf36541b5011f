/**
 * Fixed-window rate limits. The counters live in process by default and in Redis when
 * REDIS_URL is set, so every instance shares them. Answers carry RateLimit headers; a
 * refusal is a 429 with Retry-After.
 *
 * Limits on what sends mail are checked first and counted only once the mail is sent
 * (`checkRateLimits`): a request some other rule refuses must not use up a limit that
 * protects an inbox, or a stranger could spend it to lock the owner out.
 *
 * The headers follow the IETF httpapi draft "RateLimit header fields for HTTP": each rule is
 * a named policy, `RateLimit-Policy: "votes";q=30;w=60`, and its state for this request,
 * `RateLimit: "votes";r=29;t=60` (r remaining, t seconds to the window's end). A request that
 * meets several rules lists each, comma-separated.
 */
import type { Context } from "hono";
import { HttpError } from "./errors.ts";

export interface RateRule {
  /** Names the counter, e.g. "sign-in-address". */
  name: string;
  limit: number;
  windowMs: number;
  /** What the reader is told when refused. */
  message: string;
}

export interface WindowCount {
  count: number;
  /** When this window ends, in epoch milliseconds. */
  resetAt: number;
}

/** Where the counters live. */
export interface RateLimitStore {
  /** Counts one hit on a key and returns the window's count so far. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** Reads a key's count in its current window without counting (0 when no window is open). */
  check(key: string, windowMs: number): Promise<WindowCount>;
}

/** Counters in this process; fine for one instance. */
export class MemoryRateLimitStore implements RateLimitStore {
  private windows = new Map<string, WindowCount>();
  private hits = 0;
  private readonly now: () => number;

  /** `now` is the clock windows are measured by (epoch milliseconds); tests pass their own. */
  constructor(opts: { now?: () => number } = {}) {
    this.now = opts.now ?? Date.now;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    if (++this.hits % 1000 === 0) this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { ...w };
  }

  async check(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) return { count: 0, resetAt: now + windowMs };
    return { ...w };
  }

  private sweep(now: number) {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

/**
 * Counts a hit against a rule; sets the RateLimit headers, or throws a 429 when over the limit.
 * `now` (epoch milliseconds) should be read on the store's clock.
 */
export async function enforceRateLimit(
  c: Context,
  store: RateLimitStore,
  rule: RateRule,
  key: string,
  now: () => number = Date.now,
): Promise<void> {
  const { count, resetAt } = await store.hit(`${rule.name}:${key}`, rule.windowMs);
  answer(c, rule, count, resetAt, now);
}

/** One rule applied to one key. */
export interface RateCharge {
  rule: RateRule;
  key: string;
}

/**
 * Checks each rule without counting, in order: throws a 429 for the first whose limit is
 * reached, else sets the RateLimit headers (counting this request as if it will be counted).
 * Returns what to call once the limited thing has really happened: it counts one hit on each.
 */
export async function checkRateLimits(
  c: Context,
  store: RateLimitStore,
  charges: readonly RateCharge[],
  now: () => number = Date.now,
): Promise<() => Promise<void>> {
  for (const { rule, key } of charges) {
    const { count, resetAt } = await store.check(`${rule.name}:${key}`, rule.windowMs);
    answer(c, rule, count + 1, resetAt, now);
  }
  return async () => {
    await Promise.all(charges.map(({ rule, key }) => store.hit(`${rule.name}:${key}`, rule.windowMs)));
  };
}

/** The draft's two header values for one rule, e.g. `"votes";q=30;w=60` and `"votes";r=29;t=60`. */
export function rateLimitFields(
  rule: Pick<RateRule, "name" | "limit" | "windowMs">,
  remaining: number,
  resetSeconds: number,
): { policy: string; state: string } {
  // the name is a structured-field string: the rule names are plain ASCII words and hyphens
  const name = `"${rule.name.replace(/[\\"]/g, "")}"`;
  return {
    policy: `${name};q=${rule.limit};w=${Math.round(rule.windowMs / 1000)}`,
    state: `${name};r=${Math.max(0, remaining)};t=${resetSeconds}`,
  };
}

/** Sets the RateLimit headers for a request that makes a window's `count`, or throws a 429 past the limit. */
function answer(c: Context, rule: RateRule, count: number, resetAt: number, now: () => number): void {
  const resetSeconds = Math.max(1, Math.ceil((resetAt - now()) / 1000));
  const { policy, state } = rateLimitFields(rule, rule.limit - count, resetSeconds);
  if (count > rule.limit) {
    throw new HttpError(
      429,
      "Too many requests",
      `${rule.message} Try again in ${waitPhrase(resetSeconds)}.`,
      [],
      { "RateLimit-Policy": policy, RateLimit: state, "Retry-After": String(resetSeconds) },
    );
  }
  // appended: a request another rule has counted already lists that rule's policy too
  c.header("RateLimit-Policy", policy, { append: true });
  c.header("RateLimit", state, { append: true });
}

function waitPhrase(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
