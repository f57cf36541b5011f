/**
 * The client's address, for rate limits. X-Forwarded-For is trusted only as far as the
 * configured number of proxies: each proxy appends the address it saw, so the entry that
 * many places from the right is the one our outermost proxy received the request from.
 * Anything further left was written by the client and could be anything.
 */
import { isIPv6 } from "node:net";
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

/**
 * The network a client address stands for when counting requests: an IPv4 address itself,
 * an IPv6 address's /64 (one household or server usually holds a whole /64, so counting
 * single IPv6 addresses would let one client rotate past any limit).
 */
export function clientNetwork(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(address)) return address;
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array(missing).fill("0"), ...right].map((g) => g.replace(/^0+(?=.)/, ""));
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/**
 * The network picks are capped by (the leaderboard's integrity rules): an IPv4 address's /24,
 * an IPv6 address's /64. Wider than clientNetwork for IPv4 because one household or office
 * rarely holds a whole /24 but a rigger with a few addresses of one provider often does.
 */
export function pickNetwork(address: string): string {
  const network = clientNetwork(address);
  const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(network);
  return v4 ? `${v4[1]}.0/24` : network;
}
