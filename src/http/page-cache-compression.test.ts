/** PageCache.tryServe with encoded variants: a hit replays stored compressed bytes, never compresses. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { encodeVariants, variantTag } from "./compression.ts";
import { etagFor, PageCache } from "./page-cache.ts";

const HTML = `<!doctype html><main>${"<p>Ship it: the panel agrees, the price is fair.</p>".repeat(60)}</main>`;
const ETAG = etagFor(HTML);
const HEADERS = { "content-type": "text/html; charset=utf-8", vary: "Cookie, Accept-Encoding" };

async function cached(): Promise<PageCache> {
  const cache = new PageCache(true);
  const body = Buffer.from(HTML);
  const variants = await encodeVariants(body, ETAG, HEADERS["content-type"]);
  cache.set("/tools", { status: 200, body, etag: ETAG, headers: HEADERS, variants }, cache.currentGeneration);
  return cache;
}

/** The headers of a recorded writeHead call as an object, whether sent as one or as a flat list. */
function headersSent(call: unknown[] | undefined): Record<string, unknown> {
  const headers = call?.[1];
  if (!Array.isArray(headers)) return (headers ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < headers.length; i += 2) out[String(headers[i])] = headers[i + 1];
  return out;
}

/** A request and a recording response, as node:http hands them to tryServe. */
function exchange(method: string, headers: Record<string, string> = {}) {
  const req = { method, url: "/tools", headers } as unknown as IncomingMessage;
  const res = { writeHead: vi.fn(), end: vi.fn() };
  return { req, res: res as typeof res & ServerResponse };
}

describe("PageCache.tryServe with compressed variants", () => {
  it("sends the stored brotli bytes, with their coding, own ETag, length and Vary, and compresses nothing", async () => {
    const cache = await cached();
    const { req, res } = exchange("GET", { "accept-encoding": "gzip, deflate, br" });
    expect(cache.tryServe(req, res)).toBe(true);
    const sent = res.end.mock.calls[0]?.[0] as Buffer;
    expect(brotliDecompressSync(sent).toString()).toBe(HTML);
    expect(res.writeHead.mock.calls[0]?.[0]).toBe(200);
    expect(headersSent(res.writeHead.mock.calls[0])).toEqual({
      ...HEADERS,
      etag: variantTag(ETAG, "br"),
      "content-encoding": "br",
      "content-length": String(sent.length),
    });
    // the very bytes stored: nothing was compressed for this hit
    expect(sent).toBe(cache.get("/tools")?.variants?.br?.body);
  });

  it("sends gzip to a client that takes only gzip, and identity to one that names no coding", async () => {
    const cache = await cached();
    const gzip = exchange("GET", { "accept-encoding": "gzip" });
    cache.tryServe(gzip.req, gzip.res);
    expect(gunzipSync(gzip.res.end.mock.calls[0]?.[0] as Buffer).toString()).toBe(HTML);
    expect(headersSent(gzip.res.writeHead.mock.calls[0])).toMatchObject({
      "content-encoding": "gzip",
      etag: variantTag(ETAG, "gzip"),
    });

    const plain = exchange("GET");
    cache.tryServe(plain.req, plain.res);
    expect(String(plain.res.end.mock.calls[0]?.[0])).toBe(HTML);
    expect(headersSent(plain.res.writeHead.mock.calls[0])).not.toHaveProperty("content-encoding");
    expect(headersSent(plain.res.writeHead.mock.calls[0])).toMatchObject({ etag: ETAG, vary: HEADERS.vary });
  });

  it("answers HEAD with the variant's headers and no body", async () => {
    const cache = await cached();
    const { req, res } = exchange("HEAD", { "accept-encoding": "br" });
    cache.tryServe(req, res);
    expect(headersSent(res.writeHead.mock.calls[0])).toMatchObject({ "content-encoding": "br" });
    expect(res.end).toHaveBeenCalledWith(undefined);
  });

  it("answers 304 to the encoded variant's ETag, and confirms that tag", async () => {
    const cache = await cached();
    const tag = variantTag(ETAG, "br");
    const { req, res } = exchange("GET", { "accept-encoding": "br", "if-none-match": tag });
    cache.tryServe(req, res);
    expect(res.writeHead.mock.calls[0]?.[0]).toBe(304);
    expect(headersSent(res.writeHead.mock.calls[0])).toEqual({ ...HEADERS, etag: tag });
    expect(res.end).toHaveBeenCalledWith();
  });
});
