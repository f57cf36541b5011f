/**
 * Compression end to end (docs/decisions/017-compression.md): through app.request, where the
 * bytes arrive as sent, and through the real server with node:http, which does not decode
 * them either; every encoded body is decoded with zlib and compared with the identity bytes.
 */
import { request as httpRequest, type Server } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { stream } from "hono/streaming";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/support/app.ts";
import { compressResponses } from "./http/compress-responses.ts";
import { variantTag } from "./http/compression.ts";
import { startServer } from "./server.ts";
import { script, stylesheet } from "./ui/assets.ts";

const PAGE = "/compare/cursor-vs-github-copilot";

function decode(encoding: string | null, body: Buffer): Buffer {
  if (encoding === "br") return brotliDecompressSync(body);
  if (encoding === "gzip") return gunzipSync(body);
  if (encoding === null) return body;
  throw new Error(`unexpected content-encoding ${encoding}`);
}

async function bytes(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

/** The identity bytes and ETag of an address, asked for with no Accept-Encoding. */
async function identity(t: TestApp, path: string, headers: Record<string, string> = {}) {
  const res = await t.request(path, { headers });
  expect(res.headers.get("content-encoding")).toBeNull();
  return { body: await bytes(res), etag: res.headers.get("etag") };
}

/** Asks for `path` in each coding and checks the body decodes to the identity bytes, with its own ETag. */
async function expectEncoded(t: TestApp, path: string, headers: Record<string, string> = {}) {
  const plain = await identity(t, path, headers);
  expect(plain.body.length).toBeGreaterThan(1024);
  for (const coding of ["br", "gzip"] as const) {
    const res = await t.request(path, { headers: { ...headers, "accept-encoding": coding } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe(coding);
    expect(res.headers.get("vary")).toContain("Accept-Encoding");
    const body = await bytes(res);
    // a length, when the answer states one, is the encoded body's
    const length = res.headers.get("content-length");
    if (length !== null) expect(Number(length)).toBe(body.length);
    expect(body.length).toBeLessThan(plain.body.length / 2);
    expect(decode(coding, body).equals(plain.body)).toBe(true);
    if (plain.etag) expect(res.headers.get("etag")).toBe(variantTag(plain.etag, coding));
  }
  return plain;
}

describe.each([
  ["with the page cache (stored variants)", "on"],
  ["without the page cache (compressed per request)", "off"],
])("through app.request %s", (_name, pageCache) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("sqlite", { PAGE_CACHE: pageCache });
  });
  afterAll(() => t.dispose());

  it("compresses an anonymous page, keeping Vary: Cookie", async () => {
    await expectEncoded(t, PAGE);
    const res = await t.request(PAGE, { headers: { "accept-encoding": "br" } });
    expect(res.headers.get("vary")).toBe("Cookie, Accept-Encoding");
  });

  it("compresses a page rendered for a reader with a cookie (never stored)", async () => {
    await expectEncoded(t, "/tools/cursor", { cookie: "sos_prefs=1" });
  });

  it("compresses the API's JSON, the Atom feed, the sitemap and a 404 page", async () => {
    await expectEncoded(t, "/api/v1/tools");
    await expectEncoded(t, "/feed.xml");
    await expectEncoded(t, "/sitemap.xml");
    const res = await t.request("/no-such-page", { headers: { "accept-encoding": "br" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(brotliDecompressSync(await bytes(res)).toString()).toContain("There is no page at this address");
  });

  it("leaves a small body alone (an API 404's problem JSON) but still says Vary", async () => {
    const res = await t.request("/api/v1/tools/no-such-tool", { headers: { "accept-encoding": "br, gzip" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("vary")).toContain("Accept-Encoding");
    const body = await bytes(res);
    expect(body.length).toBeLessThan(1024);
    expect(JSON.parse(body.toString()).status).toBe(404);
  });

  it("sends identity to a client that refuses every coding", async () => {
    const plain = await identity(t, PAGE);
    const res = await t.request(PAGE, { headers: { "accept-encoding": "br;q=0, gzip;q=0" } });
    expect(res.headers.get("content-encoding")).toBeNull();
    expect((await bytes(res)).equals(plain.body)).toBe(true);
  });

  it("answers HEAD with no body", async () => {
    const res = await t.request(PAGE, { method: "HEAD", headers: { "accept-encoding": "br" } });
    expect(res.status).toBe(200);
    expect((await bytes(res)).length).toBe(0);
    expect(res.headers.get("vary")).toContain("Accept-Encoding");
  });

  it.each([PAGE, "/api/v1/tools", "/feed.xml"])(
    "%s answers 304 to the encoded variant's ETag and confirms that tag",
    async (path) => {
      const first = await t.request(path, { headers: { "accept-encoding": "br" } });
      const tag = first.headers.get("etag") ?? "";
      expect(tag).toMatch(/-br"$/);
      const again = await t.request(path, { headers: { "accept-encoding": "br", "if-none-match": tag } });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(tag);
      expect(again.headers.get("vary")).toContain("Accept-Encoding");
      expect((await bytes(again)).length).toBe(0);
      // another body's variant tag is not current
      const stale = await t.request(path, {
        headers: { "accept-encoding": "br", "if-none-match": '"stale-br"' },
      });
      expect(stale.status).toBe(200);
    },
  );

  it("serves the assets' precompressed variants", async () => {
    for (const asset of [stylesheet]) {
      const res = await t.request(asset.path, { headers: { "accept-encoding": "gzip, br" } });
      expect(res.headers.get("content-encoding")).toBe("br");
      expect(res.headers.get("vary")).toBe("Accept-Encoding");
      expect(res.headers.get("cache-control")).toContain("immutable");
      expect(brotliDecompressSync(await bytes(res)).toString()).toBe(asset.body);
      const gzip = await t.request(asset.path, { headers: { "accept-encoding": "gzip" } });
      expect(gunzipSync(await bytes(gzip)).toString()).toBe(asset.body);
      expect((await bytes(await t.request(asset.path))).toString()).toBe(asset.body);
    }
    // the script is larger than the threshold too
    expect(Buffer.byteLength(script.body)).toBeGreaterThan(1024);
    const js = await t.request(script.path, { headers: { "accept-encoding": "gzip" } });
    expect(gunzipSync(await bytes(js)).toString()).toBe(script.body);
  });
});

/** A GET with node:http, which hands back the bytes as sent (fetch would decode them). */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("through the real server", () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  /** Requests tryServe answered at the socket, by address. */
  const hits: string[] = [];
  beforeAll(async () => {
    t = await createTestApp("sqlite", { PAGE_CACHE: "on" });
    const tryServe = t.deps.cache.tryServe.bind(t.deps.cache);
    t.deps.cache.tryServe = (req, res) => {
      const served = tryServe(req, res);
      if (served) hits.push(req.url ?? "");
      return served;
    };
    const started = await startServer({ app: t.app, cache: t.deps.cache, port: 0, host: "127.0.0.1" });
    server = started.server;
    base = started.url;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.dispose();
  });

  it.each([PAGE, "/feed.xml"])(
    "a cache hit on %s serves the stored encoded bytes with their headers",
    async (path) => {
      t.deps.cache.invalidate();
      hits.length = 0;
      // the miss renders through the app, stores the page and its variants, and sends one
      const miss = await rawGet(base + path, { "accept-encoding": "gzip, deflate, br" });
      expect(hits).toEqual([]);
      const plain = await rawGet(base + path);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      const hit = await rawGet(base + path, { "accept-encoding": "gzip, deflate, br" });
      expect(hits).toEqual([path, path]);
      for (const res of [miss, hit]) {
        expect(res.headers["content-encoding"]).toBe("br");
        expect(res.headers.vary).toContain("Accept-Encoding");
        expect(Number(res.headers["content-length"])).toBe(res.body.length);
        expect(brotliDecompressSync(res.body).equals(plain.body)).toBe(true);
        expect(res.headers.etag).toBe(variantTag(String(plain.headers.etag), "br"));
      }
      // the miss and the hit sent the same stored bytes
      expect(hit.body.equals(miss.body)).toBe(true);
      const gzip = await rawGet(base + path, { "accept-encoding": "gzip" });
      expect(gzip.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
      const head = await rawGet(base + path, { "accept-encoding": "br" }, "HEAD");
      expect(head.headers["content-encoding"]).toBe("br");
      expect(head.body.length).toBe(0);
      const notModified = await rawGet(base + path, {
        "accept-encoding": "br",
        "if-none-match": String(hit.headers.etag),
      });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.etag).toBe(hit.headers.etag);
      expect(hits).toEqual([path, path, path, path, path]);
    },
  );

  it("compresses an answer that does not come from the cache (a page for a reader with a cookie)", async () => {
    hits.length = 0;
    const plain = await rawGet(`${base}/tools/cursor`, { cookie: "sos_prefs=1" });
    const res = await rawGet(`${base}/tools/cursor`, { cookie: "sos_prefs=1", "accept-encoding": "br" });
    expect(hits).toEqual([]);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers.vary).toBe("Cookie, Accept-Encoding");
    expect(brotliDecompressSync(res.body).equals(plain.body)).toBe(true);
  });

  it("leaves the MCP endpoint's event stream unencoded, even one far over the threshold", async () => {
    const res = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "accept-encoding": "br, gzip",
        "mcp-protocol-version": "2025-06-18",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    });
    expect(res.status).toBe(200);
    // the SDK answers a POST that accepts both as a stream of events
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("content-encoding")).toBeNull();
    const text = await res.text();
    expect(text.length).toBeGreaterThan(10 * 1024);
    expect(text).toMatch(/^data: .*"tools"/m);
  });
});

describe("compressResponses and streams", () => {
  it("passes an event stream through unbuffered: the first event arrives before the stream ends", async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const app = new Hono();
    app.use(compressResponses());
    app.get("/events", (c) => {
      c.header("content-type", "text/event-stream");
      return stream(c, async (s) => {
        await s.write(`data: ${"x".repeat(4096)}\n\n`);
        // the stream ends only once the client has read the first event: were the middleware to
        // buffer the body, it would wait here for ever and the test would time out
        await released;
        await s.write("data: done\n\n");
      });
    });
    const res = await app.request("/events", { headers: { "accept-encoding": "br" } });
    expect(res.headers.get("content-encoding")).toBeNull();
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toMatch(/^data: x+/);
    release();
    let rest = "";
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      rest += new TextDecoder().decode(next.value);
    }
    expect(rest).toContain("data: done");
  });

  it("compresses the same body when it is JSON, so the stream test above can fail", async () => {
    const app = new Hono();
    app.use(compressResponses());
    app.get("/json", (c) => c.json({ data: "x".repeat(4096) }));
    const res = await app.request("/json", { headers: { "accept-encoding": "br" } });
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(JSON.parse(brotliDecompressSync(await bytes(res)).toString()).data).toHaveLength(4096);
  });
});
