/** The HTTP server: page-cache hits straight from node:http, everything else through the app. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { PageCache } from "./http/page-cache.ts";

/** Starts listening; resolves with the server and its base URL once bound. */
export function startServer(opts: {
  app: Hono;
  cache: PageCache;
  port: number;
  host: string;
}): Promise<{ server: Server; url: string }> {
  const listener = getRequestListener(opts.app.fetch);
  const server = createServer((req, res) => {
    if (opts.cache.tryServe(req, res)) return;
    void listener(req, res);
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = opts.host === "0.0.0.0" || opts.host === "::" ? "localhost" : opts.host;
      resolve({ server, url: `http://${host}:${port}` });
    });
  });
}
