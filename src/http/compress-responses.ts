/**
 * The Hono middleware that compresses answers rendered for one request (signed-in pages, API
 * JSON, feeds for a reader with a cookie, error pages) at the `perRequest` effort. Answers built
 * from stored bytes (cached pages, cachedGet, the API's cached reads, the assets) arrive already
 * encoded and are left as they are. docs/decisions/017-compression.md.
 */
import type { MiddlewareHandler } from "hono";
import {
  compress,
  compressible,
  heldTag,
  MIN_COMPRESS_BYTES,
  negotiate,
  variantTag,
  varyWithEncoding,
} from "./compression.ts";

/**
 * Compresses the response of every request below it, when the client accepts br or gzip, the
 * type is text (compressible()) and the body is at least MIN_COMPRESS_BYTES. Leaves alone: HEAD,
 * 204, 304 and other bodiless answers, answers already encoded, partial content and streams
 * (text/event-stream is not compressible, so an MCP stream is never buffered). Mount it first, so
 * it sees the final answer, error pages included.
 */
export function compressResponses(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const headers = res.headers;
    const etag = headers.get("etag");
    if (res.status === 304) {
      // a 304 carries the Vary its 200 would, and confirms the variant the client holds
      if (etag) {
        headers.set("vary", varyWithEncoding(headers.get("vary")));
        headers.set("etag", heldTag(c.req.header("if-none-match"), etag));
      }
      return;
    }
    if (!compressible(headers.get("content-type"))) return;
    // answers of this type differ by Accept-Encoding (or would, were they larger): caches must know
    headers.set("vary", varyWithEncoding(headers.get("vary")));
    // asked first: reading res.body makes the node adapter build a full Response, worth it only
    // when there is something to compress for this client
    const encoding = negotiate(c.req.header("accept-encoding"));
    if (!encoding) return;
    if (
      c.req.method === "HEAD" ||
      res.status === 204 ||
      res.status === 206 ||
      headers.has("content-encoding") ||
      headers.has("content-range") ||
      !res.body
    ) {
      return;
    }
    const declared = headers.get("content-length");
    if (declared !== null && Number(declared) < MIN_COMPRESS_BYTES) return;
    const body = new Uint8Array(await res.arrayBuffer());
    const out = new Headers(headers);
    let sent: Uint8Array<ArrayBuffer> = body;
    if (body.length >= MIN_COMPRESS_BYTES) {
      const packed = await compress(body, encoding, "perRequest");
      if (packed.length < body.length) {
        sent = packed;
        out.set("content-encoding", encoding);
        // a strong ETag names exact bytes: the encoded body gets its own (RFC 9110 §8.8.3)
        if (etag) out.set("etag", variantTag(etag, encoding));
      }
    }
    out.set("content-length", String(sent.length));
    // cleared first: assigning over a response copies the old one's headers onto the new one
    c.res = undefined;
    c.res = new Response(sent, { status: res.status, statusText: res.statusText, headers: out });
  };
}
