/**
 * The client's address, for rate limits. X-Forwarded-For is trusted only as far as the
 * configured number of proxies: each proxy appends the address it saw, so the entry that
 * many places from the right is the one our outermost proxy received the request from.
 * Anything further left was written by the client and could be anything.
 */
import type { Context } from "hono";

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/** The address rate limits key on. */
export function clientAddress(c: Context, trustProxy: number): string {
  const socket = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? "local";
  if (trustProxy === 0) return socket;
  const hops = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  // the socket peer is the nearest proxy; the list holds what the proxies saw before it
  return hops[hops.length - trustProxy] ?? socket;
}
