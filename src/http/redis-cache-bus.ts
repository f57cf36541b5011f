/**
 * Page-cache invalidation across instances. Every invalidate() is published on one channel with
 * its scope; every instance subscribes and drops the pages that scope touches from its own cache
 * (invalidateLocal), which also keeps a render that began before another instance's write from
 * being stored.
 *
 * Messages are JSON `{ from, scope }`: the sender's id, so an instance ignores its own echo (it
 * dropped its pages already, and dropping again would lose pages rendered after the write), and
 * the PageScope. A message that cannot be read clears every page, to be safe. While the subscriber is
 * disconnected, invalidations from other instances are missed, so the cache is cleared whenever
 * the subscription comes back.
 */
import { randomUUID } from "node:crypto";
import type { PageCache, PageScope } from "./page-cache.ts";
import type { RedisClient, Warn } from "./redis-client.ts";

/** The channel invalidations travel on unless told otherwise. */
const DEFAULT_INVALIDATE_CHANNEL = "sos:cache:invalidate";

/** The two connections a bus uses, and where it talks. */
export interface CacheBusOptions {
  /** Sends the PUBLISH; may be shared with other commands. */
  publisher: RedisClient;
  /** Dedicated to this bus: a subscribed connection is kept for it. */
  subscriber: RedisClient;
  channel?: string;
  warn?: Warn;
}

/** A cache wired to its peers; close() unhooks it. */
export interface CacheBus {
  /** This instance's id in messages. */
  readonly instanceId: string;
  close(): Promise<void>;
}

/** Hooks a PageCache to Redis pub/sub; resolves once subscribed, or at once if Redis is not ready. */
export async function connectCacheBus(cache: PageCache, opts: CacheBusOptions): Promise<CacheBus> {
  const channel = opts.channel ?? DEFAULT_INVALIDATE_CHANNEL;
  const warn = opts.warn ?? console.warn;
  const instanceId = randomUUID();
  const { publisher, subscriber } = opts;
  let publishFailing = false;

  cache.onInvalidate = (scope) => {
    publisher.publish(channel, JSON.stringify({ from: instanceId, scope })).then(
      () => {
        publishFailing = false;
      },
      (err: Error) => {
        if (publishFailing) return;
        publishFailing = true;
        warn(
          `Other instances may serve stale pages: publishing a cache invalidation failed (${err.message}).`,
        );
      },
    );
  };

  const onMessage = (message: string) => {
    let heard: unknown;
    try {
      heard = JSON.parse(message);
    } catch {
      heard = undefined;
    }
    // JSON null or a bare value carries neither field: unreadable, like text that is not JSON
    const { from, scope } = (typeof heard === "object" && heard !== null ? heard : {}) as {
      from?: unknown;
      scope?: unknown;
    };
    if (from === instanceId) return;
    const readable = readScope(scope);
    if (readable) cache.invalidateLocal(readable);
    else cache.clearLocal();
  };
  let subscribing: Promise<void> | undefined;
  let subscribed = false;
  const subscribe = (): Promise<void> => {
    subscribing ??= subscriber.subscribe(channel, onMessage).then(
      () => {
        subscribed = true;
      },
      (err: Error) => {
        subscribing = undefined;
        warn(`Could not subscribe to ${channel}: ${err.message}. Retrying when Redis reconnects.`);
      },
    );
    return subscribing;
  };
  // node-redis resubscribes by itself on reconnect, before "ready"; until the first subscription
  // succeeds it is ours to retry.
  const onReady = () => {
    cache.clearLocal();
    if (!subscribed) void subscribe();
  };
  subscriber.on("ready", onReady);
  if (subscriber.isReady) await subscribe();

  return {
    instanceId,
    close: async () => {
      cache.onInvalidate = undefined;
      subscriber.off("ready", onReady);
      if (subscribed && subscriber.isReady) await subscriber.unsubscribe(channel, onMessage).catch(() => {});
    },
  };
}

/**
 * The PageScope a message carries, or undefined when it is not one: a list given as a bare
 * string would be read letter by letter and drop the wrong pages, so it counts as unreadable.
 */
function readScope(value: unknown): PageScope | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const scope = value as Record<keyof PageScope, unknown>;
  const names = (v: unknown) => Array.isArray(v) && v.every((name) => typeof name === "string");
  const namesOrAll = (v: unknown) => v === undefined || v === "all" || names(v);
  const flag = (v: unknown) => v === undefined || typeof v === "boolean";
  const readable =
    namesOrAll(scope.tools) &&
    namesOrAll(scope.categories) &&
    namesOrAll(scope.pairs) &&
    (scope.lists === undefined || names(scope.lists)) &&
    flag(scope.figures) &&
    flag(scope.everything);
  return readable ? (scope as PageScope) : undefined;
}
