import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  compress,
  compressible,
  encodeVariants,
  heldTag,
  MIN_COMPRESS_BYTES,
  negotiate,
  pickVariant,
  sameEntity,
  variantTag,
  varyWithEncoding,
} from "./compression.ts";
import { etagFor, etagMatches } from "./page-cache.ts";

describe("negotiate: the coding an Accept-Encoding asks for", () => {
  it.each([
    // what browsers send
    ["gzip, deflate, br, zstd", "br"],
    ["gzip, deflate", "gzip"],
    ["br", "br"],
    ["x-gzip", "gzip"],
    ["GZIP", "gzip"],
    // nothing, or only what we do not make
    [undefined, undefined],
    ["", undefined],
    ["identity", undefined],
    ["deflate, zstd", undefined],
    // q=0 refuses a coding
    ["br;q=0, gzip", "gzip"],
    ["br; q=0, gzip;q=0", undefined],
    // the higher q wins; brotli only on a tie
    ["gzip;q=1, br;q=0.5", "gzip"],
    ["gzip;q=0.8, br;q=0.8", "br"],
    // * covers whatever is not listed
    ["*", "br"],
    ["*;q=0.5, br;q=0", "gzip"],
    ["*;q=0", undefined],
    // identity preferred over every coding
    ["identity;q=1, br;q=0.5", undefined],
    ["identity;q=0.2, br;q=0.5", "br"],
    // a malformed weight is ignored, not read as 1
    ["br;q=abc, gzip", "gzip"],
    ["br;q=2", undefined],
  ])("%s → %s", (header, expected) => {
    expect(negotiate(header)).toBe(expected);
  });
});

describe("compressible: which content types are worth compressing", () => {
  it.each([
    "text/html; charset=utf-8",
    "text/css; charset=utf-8",
    "text/javascript; charset=utf-8",
    "application/javascript",
    "application/json; charset=utf-8",
    "application/problem+json",
    "image/svg+xml; charset=utf-8",
    "application/xml",
    "application/atom+xml; charset=utf-8",
    "text/xml",
    "text/plain; charset=utf-8",
    "text/csv; charset=utf-8",
    "TEXT/HTML",
  ])("%s is", (type) => {
    expect(compressible(type)).toBe(true);
  });

  it.each([
    "text/event-stream",
    "image/png",
    "application/octet-stream",
    "font/woff2",
    "application/gzip",
    "",
    undefined,
  ])("%s is not", (type) => {
    expect(compressible(type)).toBe(false);
  });
});

describe("variant ETags", () => {
  const etag = etagFor("a page");

  it("differ per coding and from the identity tag, and lead back to it", () => {
    const br = variantTag(etag, "br");
    const gzip = variantTag(etag, "gzip");
    expect(new Set([etag, br, gzip]).size).toBe(3);
    expect(br).toMatch(/^"[\w-]+-br"$/);
    for (const tag of [etag, br, gzip]) expect(sameEntity(tag, etag)).toBe(true);
    expect(sameEntity(variantTag(etagFor("another page"), "br"), etag)).toBe(false);
    expect(sameEntity(`${etag.slice(0, -1)}-zstd"`, etag)).toBe(false);
  });

  it("let If-None-Match name an encoded variant, and the 304 confirm that variant", () => {
    const br = variantTag(etag, "br");
    expect(etagMatches(br, etag)).toBe(true);
    expect(etagMatches(`W/${br}`, etag)).toBe(true);
    expect(etagMatches(variantTag(etagFor("old"), "br"), etag)).toBe(false);
    expect(heldTag(`"old", ${br}`, etag)).toBe(br);
    expect(heldTag(etag, etag)).toBe(etag);
    expect(heldTag("*", etag)).toBe(etag);
  });
});

describe("varyWithEncoding", () => {
  it("adds Accept-Encoding once and keeps what was there", () => {
    expect(varyWithEncoding(undefined)).toBe("Accept-Encoding");
    expect(varyWithEncoding("Cookie")).toBe("Cookie, Accept-Encoding");
    expect(varyWithEncoding("Cookie, accept-encoding")).toBe("Cookie, accept-encoding");
    expect(varyWithEncoding("*")).toBe("*");
  });
});

describe("compressing", () => {
  const html = Buffer.from(
    `<!doctype html><ul>${"<li>a tool, its verdict and its price</li>".repeat(80)}</ul>`,
  );

  it("round-trips through zlib in both codings", async () => {
    expect(brotliDecompressSync(await compress(html, "br", "perRequest")).equals(html)).toBe(true);
    expect(gunzipSync(await compress(html, "gzip", "stored")).equals(html)).toBe(true);
  });

  it("keeps a stored body's variants with their own tags, and picks by Accept-Encoding", async () => {
    const etag = etagFor(html);
    const variants = await encodeVariants(html, etag, "text/html; charset=utf-8");
    expect(variants?.br?.etag).toBe(variantTag(etag, "br"));
    expect(brotliDecompressSync(variants?.br?.body ?? Buffer.alloc(0)).equals(html)).toBe(true);
    expect(gunzipSync(variants?.gzip?.body ?? Buffer.alloc(0)).equals(html)).toBe(true);
    expect(variants?.br?.body.length).toBeLessThan(html.length / 4);
    expect(pickVariant("gzip, br", variants)?.encoding).toBe("br");
    expect(pickVariant("gzip", variants)?.encoding).toBe("gzip");
    expect(pickVariant("identity", variants)).toBeUndefined();
    expect(pickVariant(undefined, variants)).toBeUndefined();
  });

  it("keeps nothing but identity for a small body or a type that does not shrink", async () => {
    const small = Buffer.from("x".repeat(MIN_COMPRESS_BYTES - 1));
    expect(await encodeVariants(small, etagFor(small), "text/html")).toBeUndefined();
    expect(await encodeVariants(html, etagFor(html), "image/png")).toBeUndefined();
    const atThreshold = Buffer.from("x".repeat(MIN_COMPRESS_BYTES));
    expect(await encodeVariants(atThreshold, etagFor(atThreshold), "text/html")).toHaveProperty("br");
  });
});
