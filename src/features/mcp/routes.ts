/**
 * /mcp: the MCP server over Streamable HTTP, through the SDK's web-standard handler, which
 * serves the stateless 2026-07-28 revision and, for 2025-era clients, a stateless fallback.
 *
 * The handler does no validation of its own, so this route refuses, in JSON-RPC's words:
 * - an `Origin` other than the site's own (a web page elsewhere must not drive it from a
 *   reader's browser); clients outside browsers send none;
 * - a `Host` that is neither SITE_URL's host nor a loopback name (DNS rebinding: a page whose
 *   name was rebound to this machine still sends its own name).
 * It reads no cookie and changes nothing, so the site's CSRF check and form limit are not
 * applied to it (app.tsx); it is rate-limited per client network like any other write.
 */
import {
  createMcpHandler,
  localhostAllowedHostnames,
  validateHostHeader,
} from "@modelcontextprotocol/server";
import { type Context, Hono } from "hono";
import type { Deps } from "../../http/deps.ts";
import { mcpRequestsPerClient } from "../../http/rate-rules.ts";
import { siteOrigins } from "../../http/site-origin.ts";
import { write } from "../../http/write.ts";
import { createMcpServer } from "./server.ts";

/** The path the MCP endpoint is mounted at; app.tsx keeps the form middleware off it. */
export const MCP_PATH = "/mcp";

/** JSON-RPC requests are small; this bounds what the handler reads before parsing. */
const MAX_MCP_BODY_BYTES = 64 * 1024;

function refused(message: string): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code: -32000, message }, id: null },
    { status: 403, headers: { "content-type": "application/json" } },
  );
}

/** The MCP routes; `onError` hears of failures inside tools (the caller sees a plain message). */
export function mcpRoutes(deps: Deps, opts: { onError?: (err: unknown) => void } = {}) {
  const { db, config } = deps;
  const origins = new Set(siteOrigins(config));
  const hosts = [...new Set([new URL(config.siteUrl).hostname, ...localhostAllowedHostnames()])];
  const handler = createMcpHandler(
    () => createMcpServer({ db, siteUrl: config.siteUrl, onError: opts.onError }),
    // no `onerror`: the handler reports every refused request there (bad JSON, a wrong media
    // type), which is the client's mistake and already answered, not a failure to log
    { maxRequestBodySize: MAX_MCP_BODY_BYTES },
  );

  const serve = async (c: Context) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && !origins.has(origin)) {
      return refused(
        `Origin ${origin.slice(0, 200)} may not use this MCP server; only ${[...origins][0]} may.`,
      );
    }
    const host = validateHostHeader(c.req.header("host") ?? new URL(c.req.url).host, hosts);
    if (!host.ok) return refused(`Host not allowed: ${host.message}`);
    const res = await handler.fetch(c.req.raw);
    // keep what the declaration set before the handler ran (the RateLimit headers)
    const headers = new Headers(res.headers);
    c.res.headers.forEach((value, name) => {
      if (!headers.has(name)) headers.set(name, value);
    });
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };

  const declared = write(deps, {
    permission: "anyone",
    rate: mcpRequestsPerClient(config.mcpRateLimit),
    invalidates: "nothing",
  });
  const app = new Hono();
  app.post(MCP_PATH, declared, serve);
  // 2025-era session operations; the stateless handler answers them 405 with the methods it serves
  app.delete(MCP_PATH, declared, serve);
  app.get(MCP_PATH, serve);
  return app;
}
