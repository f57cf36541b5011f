/**
 * Fixed-window rate limits in Redis, shared by every instance. One Lua script counts the hit and
 * reads the window's remaining time, so concurrent hits from any instance are counted exactly
 * and a window's expiry is set once, by its first hit.
 *
 * A second script reads a window without counting, for limits counted only once a mail is sent.
 *
 * When Redis cannot answer, the store fails open to counters in this process (with one warning
 * per outage): a Redis outage must not lock everyone out of signing in, and per-instance limits
 * still slow an abuser down until Redis is back.
 */
import { createHash } from "node:crypto";
import { MemoryRateLimitStore, type RateLimitStore, type WindowCount } from "./rate-limit.ts";
import type { RedisClient, Warn } from "./redis-client.ts";

// PTTL is negative for a new key (-1: no expiry yet), or if an expiry was ever lost; either
// way this hit starts the window, so a key can never outlive its window.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;
const HIT_SHA = createHash("sha1").update(HIT_SCRIPT).digest("hex");

// Reads a window without counting: a missing key is an empty window that would start now.
const CHECK_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;
const CHECK_SHA = createHash("sha1").update(CHECK_SCRIPT).digest("hex");

interface Script {
  source: string;
  sha: string;
}
const HIT: Script = { source: HIT_SCRIPT, sha: HIT_SHA };
const CHECK: Script = { source: CHECK_SCRIPT, sha: CHECK_SHA };

/** Where rate-limit keys live unless told otherwise. */
const DEFAULT_RATE_LIMIT_PREFIX = "sos:rl:";

/** Counters in Redis, shared by every instance; counts in process while Redis is unreachable. */
export class RedisRateLimitStore implements RateLimitStore {
  private fallback: MemoryRateLimitStore;
  private failing = false;
  private readonly prefix: string;
  private readonly warn: Warn;
  private readonly now: () => number;

  /** `now` turns Redis's remaining window time into `resetAt` (epoch milliseconds); tests pass their own. */
  constructor(
    private readonly redis: RedisClient,
    opts: { prefix?: string; warn?: Warn; now?: () => number } = {},
  ) {
    this.prefix = opts.prefix ?? DEFAULT_RATE_LIMIT_PREFIX;
    this.warn = opts.warn ?? console.warn;
    this.now = opts.now ?? Date.now;
    this.fallback = new MemoryRateLimitStore({ now: this.now });
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    return this.count(HIT, key, windowMs, () => this.fallback.hit(key, windowMs));
  }

  async check(key: string, windowMs: number): Promise<WindowCount> {
    return this.count(CHECK, key, windowMs, () => this.fallback.check(key, windowMs));
  }

  /** Runs a counting script on a key's window, or asks the in-process fallback while Redis is away. */
  private async count(
    script: Script,
    key: string,
    windowMs: number,
    fallback: () => Promise<WindowCount>,
  ): Promise<WindowCount> {
    let reply: unknown;
    try {
      reply = await this.run(script, this.prefix + key, Math.max(1, Math.round(windowMs)));
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        this.warn(`Rate limits are counted per instance: Redis did not answer (${(err as Error).message}).`);
      }
      return fallback();
    }
    if (this.failing) {
      this.failing = false;
      // Counts from the outage would otherwise come back stale at the next outage.
      this.fallback = new MemoryRateLimitStore({ now: this.now });
      this.warn("Rate limits are shared through Redis again.");
    }
    const [count, ttl] = reply as [number, number];
    return { count: Number(count), resetAt: this.now() + Number(ttl) };
  }

  private async run(script: Script, key: string, windowMs: number): Promise<unknown> {
    const args = { keys: [key], arguments: [String(windowMs)] };
    try {
      return await this.redis.evalSha(script.sha, args);
    } catch (err) {
      // The server forgets scripts on restart or SCRIPT FLUSH; EVAL loads it again.
      if (!(err as Error).message?.startsWith("NOSCRIPT")) throw err;
      return await this.redis.eval(script.source, args);
    }
  }
}
