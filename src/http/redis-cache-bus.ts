/**
 * Page-cache invalidation across instances. Every invalidate() is published on one channel;
 * every instance subscribes and clears its own cache, which also bumps its generation, so a
 * render that began before another instance's write is not stored either.
 *
 * Messages carry the sender's id so an instance ignores its own echo (it cleared already, and
 * clearing again would drop pages rendered after the write). While the subscriber is
 * disconnected, invalidations from other instances are missed, so the cache is cleared whenever
 * the subscription comes back.
 */
import { randomUUID } from "node:crypto";
import type { PageCache } from "./page-cache.ts";
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

  cache.onInvalidate = () => {
    publisher.publish(channel, instanceId).then(
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
    if (message !== instanceId) cache.clearLocal();
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
