import type { Server } from "node:http";
import { connect } from "node:net";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { PageCache } from "./http/page-cache.ts";
import { startServer } from "./server.ts";

/** Opens a raw connection, sends `data`, and resolves with what came back once the server closes it. */
function sendAndWaitForClose(url: string, data: string): Promise<{ reply: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(data));
    let reply = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      reply += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ reply, ms: Date.now() - started }));
  });
}

describe("server timeouts", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function start(): Promise<string> {
    const app = new Hono().post("/echo", async (c) => c.text(await c.req.text()));
    // the body read fails when the server cuts the client off; nobody is left to answer
    app.onError((_err, c) => c.text("aborted", 400));
    const started = await startServer({
      app,
      cache: new PageCache(false),
      port: 0,
      host: "127.0.0.1",
      timeouts: { requestMs: 1000, headersMs: 500, keepAliveMs: 500 },
    });
    server = started.server;
    return started.url;
  }

  it("cuts off a client that sends headers but never the body", async () => {
    const url = await start();
    const { reply, ms } = await sendAndWaitForClose(
      url,
      "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nabc",
    );
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(4000);
  });

  it("cuts off a client that never finishes its headers", async () => {
    const url = await start();
    const { reply, ms } = await sendAndWaitForClose(url, "GET / HTTP/1.1\r\nHost: localhost\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(4000);
  });

  it("still answers a request that arrives in time", async () => {
    const url = await start();
    const res = await fetch(`${url}/echo`, { method: "POST", body: "hello" });
    expect(await res.text()).toBe("hello");
  });
});
