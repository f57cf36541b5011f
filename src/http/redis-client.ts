/**
 * Redis connections for state shared across instances. An outage never crashes the process: a
 * client reconnects in the background, refuses commands at once while disconnected (callers fall
 * back), and reports an outage once rather than on every retry.
 */
import { createClient } from "@redis/client";

/** A connected (or reconnecting) node-redis client. */
export type RedisClient = ReturnType<typeof openClient>;

/** Where warnings go; console.warn in production, a spy in tests. */
export type Warn = (message: string) => void;

/** How a client connects and reports trouble. */
export interface RedisClientOptions {
  /** Shown in CLIENT LIST, e.g. "commands" or "subscriber". */
  role: string;
  /** How long one connection attempt may take before it counts as failed. */
  connectTimeoutMs?: number;
  /** How long a command may wait for its reply; requests wait at most this long on a slow Redis. */
  commandTimeoutMs?: number;
  warn?: Warn;
}

/** Opens a client and starts connecting without waiting; see waitUntilReady. */
export function createRedisClient(url: string, opts: RedisClientOptions): RedisClient {
  const warn = opts.warn ?? console.warn;
  const client = openClient(url, opts);
  let down = false;
  // node-redis emits an error for every failed retry; one line per outage is enough.
  client.on("error", (err: Error) => {
    if (down) return;
    down = true;
    warn(
      `Redis (${opts.role}) at ${redactUrl(url)} is unavailable: ${err.message}. Retrying in the background.`,
    );
  });
  client.on("ready", () => {
    if (down) warn(`Redis (${opts.role}) at ${redactUrl(url)} is back.`);
    down = false;
  });
  // A rejected connect() means the client was closed or gave up; the error event already said why.
  client.connect().catch(() => {});
  return client;
}

/** Resolves true once the client is ready, or false after timeoutMs (it keeps trying). */
export function waitUntilReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.isReady) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    client.once("ready", onReady);
  });
}

/** Closes a client: lets replies in flight arrive (up to graceMs), then drops the socket. */
export async function closeRedisClient(client: RedisClient, graceMs = 1000): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady) {
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      client.close().then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (closed) return;
  }
  // Ends a close() that is still draining, or a client still trying to connect.
  client.destroy();
}

/** The URL without its password, for log lines. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

function openClient(url: string, opts: RedisClientOptions) {
  return createClient({
    url,
    name: `ship-or-skip-${opts.role}`,
    // Queuing while offline would make requests wait for an outage to end; refusing lets
    // callers fall back at once.
    disableOfflineQueue: true,
    commandOptions: { timeout: opts.commandTimeoutMs ?? 500 },
    socket: {
      connectTimeout: opts.connectTimeoutMs ?? 2000,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5000),
    },
  });
}
