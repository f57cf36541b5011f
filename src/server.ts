/** The HTTP server: page-cache hits (and signed-in readers' shared pages) straight from node:http, everything else through the app (one render per missed page at a time). */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { PageCache } from "./http/page-cache.ts";
import type { ReaderPages } from "./http/reader-pages.ts";
import type { RequestObserver } from "./http/request-log.ts";

/** How long a connection may take over each part of its life; see SERVER_TIMEOUTS. */
export interface ServerTimeouts {
  /** The whole request, headers and body, must arrive within this. */
  requestMs: number;
  /** The request's headers must arrive within this. */
  headersMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
}

/**
 * Set on purpose rather than left to node's defaults (five minutes for a request), which let a
 * client that sends headers and then trickles or never finishes its body hold a connection and
 * its socket for that long. Forms here are at most 64 KB, so 30 s is ample even on a poor
 * link; headers are a few hundred bytes. Keep-alive is short because pages are few and small:
 * an idle socket is worth little. Behind a proxy that reuses connections, keepAliveMs must be
 * longer than the proxy's own idle timeout, or it may send on a socket node has just closed.
 */
export const SERVER_TIMEOUTS: ServerTimeouts = { requestMs: 30_000, headersMs: 15_000, keepAliveMs: 5_000 };

/** A listening server. */
export interface Listening {
  server: Server;
  url: string;
  /**
   * Stops accepting connections and lets the requests under way finish: idle keep-alive
   * connections are closed at once, and answers sent from now on close theirs. Resolves when
   * the last connection has closed, or after `graceMs`, when whatever is left is cut off.
   */
  drain(graceMs: number): Promise<void>;
}

/** Starts listening; resolves with the server and its base URL once bound. */
export function startServer(opts: {
  app: Hono;
  cache: PageCache;
  /** Signed-in readers' requests for pages they share, answered from the cache (createApp makes it). */
  readers?: ReaderPages;
  port: number;
  host: string;
  /** Tests shorten these; production uses SERVER_TIMEOUTS. */
  timeouts?: ServerTimeouts;
  /** Logs and measures every request, page-cache hits included (src/http/request-log.ts). */
  observer?: RequestObserver;
}): Promise<Listening> {
  const timeouts = opts.timeouts ?? SERVER_TIMEOUTS;
  const listener = getRequestListener(opts.app.fetch);
  const { observer } = opts;
  let draining = false;
  const server = createServer(
    {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // node checks the two timeouts above on this interval (30 s by default), so a deadline
      // would otherwise be overshot by up to that much
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    },
    (req, res) => {
      // shutting down: finish this answer, then close its connection rather than keep it alive
      if (draining) res.setHeader("connection", "close");
      // with an observer (every instance has one; some tests do without), each answer is timed,
      // counted and logged: a hit at once, anything else when it ends
      const started = observer?.start(req) ?? 0;
      if (opts.cache.tryServe(req, res, observer?.hitNote)) {
        observer?.hit(req, res, started);
        return;
      }
      const record = observer?.begin(req, res, started);
      // a miss renders once however many readers ask for the page at the same moment
      const toApp = () => opts.cache.renderOnce(req, res, () => void listener(req, res), record);
      if (opts.readers?.tryServe(req, res, toApp, record)) return;
      toApp();
    },
  );
  const drain = (graceMs: number) =>
    new Promise<void>((resolve) => {
      draining = true;
      const cutOff = setTimeout(() => server.closeAllConnections(), graceMs);
      // keep-alive connections that fall idle while others finish are closed as they do
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.close(() => {
        clearTimeout(cutOff);
        clearInterval(sweep);
        resolve();
      });
      server.closeIdleConnections();
    });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = opts.host === "0.0.0.0" || opts.host === "::" ? "localhost" : opts.host;
      resolve({ server, url: `http://${host}:${port}`, drain });
    });
  });
}
