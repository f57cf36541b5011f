/**
 * State that must agree across instances: rate-limit counters and page-cache invalidation.
 * In process when REDIS_URL is unset (one instance); through Redis when it is set.
 */
import type { Config } from "../config.ts";
import { PageCache } from "./page-cache.ts";
import { MemoryRateLimitStore, type RateLimitStore } from "./rate-limit.ts";
import { type CacheBus, connectCacheBus } from "./redis-cache-bus.ts";
import { closeRedisClient, createRedisClient, redactUrl, type Warn, waitUntilReady } from "./redis-client.ts";
import { RedisRateLimitStore } from "./redis-rate-limit.ts";

/** What createApp takes as `cache` and `rateLimits`, plus how to let go of it. */
export interface SharedState {
  /** "redis" when REDIS_URL is set, even while Redis is unreachable. */
  kind: "memory" | "redis";
  rateLimits: RateLimitStore;
  cache: PageCache;
  /** True while Redis answers commands; absent without REDIS_URL. */
  redisReady?: () => boolean;
  close(): Promise<void>;
}

/** Knobs for tests; production uses the defaults. */
export interface SharedStateOptions {
  /** Rate-limit key prefix (default "sos:rl:"). */
  keyPrefix?: string;
  /** Invalidation channel (default "sos:cache:invalidate"). */
  channel?: string;
  /** How long startup waits for Redis before going on without it (it keeps retrying). */
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  warn?: Warn;
}

/** Builds the shared state for this config; never fails because Redis is down. */
export async function createSharedState(
  config: Pick<Config, "redisUrl" | "pageCache">,
  opts: SharedStateOptions = {},
): Promise<SharedState> {
  const cache = new PageCache(config.pageCache);
  if (!config.redisUrl) {
    return { kind: "memory", rateLimits: new MemoryRateLimitStore(), cache, close: async () => {} };
  }
  const warn = opts.warn ?? console.warn;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
  const clientOpts = { connectTimeoutMs, commandTimeoutMs: opts.commandTimeoutMs, warn };
  const commands = createRedisClient(config.redisUrl, { ...clientOpts, role: "commands" });
  // Only the bus needs a subscriber; with the page cache off there is nothing to invalidate.
  const subscriber = config.pageCache
    ? createRedisClient(config.redisUrl, { ...clientOpts, role: "subscriber" })
    : undefined;
  const ready = await Promise.all(
    [commands, subscriber].map((c) => (c ? waitUntilReady(c, connectTimeoutMs) : true)),
  );
  if (ready.includes(false)) {
    warn(
      `Redis at ${redactUrl(config.redisUrl)} is not reachable yet: until it is, rate limits count per instance and page-cache invalidation stays local.`,
    );
  }
  const rateLimits = new RedisRateLimitStore(commands, { prefix: opts.keyPrefix, warn });
  const bus: CacheBus | undefined = subscriber
    ? await connectCacheBus(cache, { publisher: commands, subscriber, channel: opts.channel, warn })
    : undefined;
  return {
    kind: "redis",
    redisReady: () => commands.isReady,
    rateLimits,
    cache,
    close: async () => {
      await bus?.close();
      await Promise.all([commands, subscriber].map((c) => (c ? closeRedisClient(c) : undefined)));
    },
  };
}
