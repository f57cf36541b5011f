/**
 * Redis suites run against TEST_REDIS_URL. Without it they are skipped with a reason, except in
 * CI, where it is required. Each run works under its own key prefix and channel, so parallel
 * runs on one server do not collide, and deletes its keys afterwards.
 */
import { randomBytes } from "node:crypto";
import { createClient } from "@redis/client";

/** The Redis URL for a suite, or undefined (with a printed reason) to skip it; throws in CI. */
export function testRedisUrl(suite: string): string | undefined {
  const url = process.env.TEST_REDIS_URL;
  if (url) return url;
  if (process.env.CI) throw new Error(`CI must run the ${suite} suite: set TEST_REDIS_URL (see .ci/run).`);
  console.warn(
    `[skipped] ${suite}: TEST_REDIS_URL is not set. Start Redis and set it, e.g. TEST_REDIS_URL=redis://127.0.0.1:6379`,
  );
  return undefined;
}

/** A prefix no other run uses, e.g. "sos:test:3f9a…:"; keys and channels go under it. */
export function testNamespace(): string {
  return `sos:test:${randomBytes(6).toString("hex")}:`;
}

/** Deletes every key under a prefix. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}
