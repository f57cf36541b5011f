/**
 * Which names a request may use for this site. A page that rebinds its own name to 127.0.0.1
 * (DNS rebinding) reaches a local server with its own name in `Host` and `Origin`, so neither
 * may be trusted just because the request claims it: only SITE_URL's origin, and in
 * development this machine's loopback names on PORT, count as this site.
 */
import type { Context } from "hono";
import type { Config } from "../config.ts";

/** The names this machine answers to on loopback. */
export const LOOPBACK_HOSTNAMES = ["localhost", "127.0.0.1", "[::1]"];

/** The origins a form on this site is posted from: SITE_URL's, plus the loopback ones in development. */
export function siteOrigins(config: Pick<Config, "siteUrl" | "env" | "port">): string[] {
  const site = new URL(config.siteUrl).origin;
  if (config.env !== "development") return [site];
  const local = LOOPBACK_HOSTNAMES.map((name) => `http://${name}:${config.port}`);
  return [site, ...local.filter((o) => o !== site)];
}

/**
 * Whether the request names this machine or SITE_URL's host in `Host`: for pages only this
 * machine may read (the development outbox). A loopback name may come without a port.
 */
export function namesThisMachine(c: Context, config: Pick<Config, "siteUrl" | "port">): boolean {
  const host = (c.req.header("host") ?? new URL(c.req.url).host).toLowerCase();
  if (host === new URL(config.siteUrl).host) return true;
  return LOOPBACK_HOSTNAMES.some((name) => host === name || host === `${name}:${config.port}`);
}
