/**
 * Response compression (docs/decisions/017-compression.md): which encoding a client takes, which
 * answers are worth compressing, and the compressing itself with node:zlib. Shared by the Hono
 * middleware (answers compressed per request), the page cache (bytes compressed once, replayed
 * on every hit) and the static assets (compressed once at startup).
 */
import { promisify } from "node:util";
import {
  type BrotliOptions,
  brotliCompress,
  brotliCompressSync,
  constants,
  gzip,
  gzipSync,
  type ZlibOptions,
} from "node:zlib";

/** The content codings this site produces; identity (no coding) is the absence of one. */
export type Encoding = "br" | "gzip";

/** Ours, best first: brotli makes HTML about a fifth smaller than gzip, and gzip is the fallback. */
export const ENCODINGS: readonly Encoding[] = ["br", "gzip"];

/**
 * Bodies shorter than this go out as they are. Below about a kilobyte the saving is a few hundred
 * bytes at most, which fits in the same TCP packets anyway (the headers alone are ~1 KB), while
 * the coding still costs a zlib call and can even grow a tiny body: a 304, a badge's small SVG, a
 * short problem JSON gain nothing.
 */
export const MIN_COMPRESS_BYTES = 1024;

/**
 * How hard each coding works (brotli quality 0–11, gzip level 1–9), by how often the work is paid.
 * Figures behind the choice: docs/decisions/017-compression.md (`npx tsx bench/compression.ts`).
 * - `perRequest`: answers rendered for one request (signed-in pages, API JSON, errors). Brotli
 *   5 is where its size levels off (6–9 are no smaller) at ~0.3 ms for the 15 KB reference page.
 * - `stored`: bytes kept in the page cache (pages, feeds, API reads) and replayed until a write
 *   touches them. Compressed on the miss that stores them, and under steady voting pages are
 *   re-stored many times a second (a voted tool's pages, the lists every refresh): brotli 10 was
 *   11% smaller than 5 but cost ~7 ms a time, a third of the server's time at 10 votes a second
 *   (`npm run bench -- mixed`), so stored bytes take the per-request levels too.
 * - `startup`: the assets, compressed once per process before any request: the best there is.
 */
export const LEVELS = {
  perRequest: { br: 5, gzip: 6 },
  stored: { br: 5, gzip: 6 },
  startup: { br: 11, gzip: 9 },
} as const satisfies Record<string, Record<Encoding, number>>;

/** Which effort to spend: see LEVELS. */
export type Effort = keyof typeof LEVELS;

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The coding to answer with for an Accept-Encoding header, or undefined for identity. Follows
 * RFC 9110 §12.5.3: a coding is acceptable when listed (or covered by `*`) with q > 0; the
 * highest q wins, brotli over gzip on a tie; identity wins when the client listed it (or `*`)
 * with a higher q than any coding. Nothing acceptable (even identity refused) still gets
 * identity: an uncompressed answer is more use to anyone than a 406.
 */
export function negotiate(acceptEncoding: string | null | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  // browsers send one of a handful of headers, so each is parsed once (page-cache hits ask every time)
  const known = negotiated.get(acceptEncoding);
  if (known !== undefined) return known || undefined;
  const encoding = parseAcceptEncoding(acceptEncoding);
  if (negotiated.size >= NEGOTIATED_KEPT) negotiated.clear();
  negotiated.set(acceptEncoding, encoding ?? "");
  return encoding;
}

/** Accept-Encoding headers seen, with the coding each chose ("" for identity). */
const negotiated = new Map<string, Encoding | "">();
const NEGOTIATED_KEPT = 64;

function parseAcceptEncoding(acceptEncoding: string): Encoding | undefined {
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [rawName = "", ...params] = part.split(";");
    const name = rawName.trim().toLowerCase();
    if (!name) continue;
    let weight = 1;
    for (const param of params) {
      const [key = "", value = ""] = param.split("=");
      if (key.trim().toLowerCase() !== "q") continue;
      weight = Number(value.trim());
    }
    // a malformed weight says nothing we can rely on: the entry is ignored
    if (!Number.isFinite(weight) || weight < 0 || weight > 1) continue;
    // "x-gzip" is gzip's old name (RFC 9110 §8.4.1.3); a repeated name keeps its first weight
    const key = name === "x-gzip" ? "gzip" : name;
    if (!q.has(key)) q.set(key, weight);
  }
  const star = q.get("*");
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const encoding of ENCODINGS) {
    const weight = q.get(encoding) ?? star ?? 0;
    if (weight > bestQ) {
      best = encoding;
      bestQ = weight;
    }
  }
  const identity = q.get("identity") ?? star;
  if (identity !== undefined && identity > bestQ) return undefined;
  return best;
}

/** The media types that are text and shrink well; images, fonts and streams are not among them. */
const COMPRESSIBLE_TYPES: ReadonlySet<string> = new Set([
  "text/html",
  "text/css",
  "text/javascript",
  "application/javascript",
  "application/json",
  "application/xml",
  "text/xml",
  "image/svg+xml",
  "text/plain",
  "text/csv",
]);

/**
 * Whether answers of this Content-Type are worth compressing: HTML, CSS, JavaScript, JSON (with
 * its `+json` kinds such as problem+json), XML (with `+xml`: Atom, SVG), plain text and CSV.
 * Never text/event-stream: a stream's events must reach the client as they are written.
 */
export function compressible(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return COMPRESSIBLE_TYPES.has(type) || type.endsWith("+json") || type.endsWith("+xml");
}

function gzipOptions(effort: Effort): ZlibOptions {
  return { level: LEVELS[effort].gzip };
}

function brotliOptions(body: Uint8Array, effort: Effort): BrotliOptions {
  return {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: LEVELS[effort].br,
      // every body here is text: brotli's text mode tunes its context modelling for it
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  };
}

/** Compressed bytes; zlib always returns a Buffer over a plain ArrayBuffer, which a Response takes. */
export type Bytes = Buffer<ArrayBuffer>;

/** Compresses a body in one coding on zlib's thread pool, so the event loop keeps serving. */
export async function compress(body: Uint8Array, encoding: Encoding, effort: Effort): Promise<Bytes> {
  const out =
    encoding === "br"
      ? await brotliAsync(body, brotliOptions(body, effort))
      : await gzipAsync(body, gzipOptions(effort));
  return out as Bytes;
}

/** Compresses a body in one coding synchronously; for work done before any request (the assets). */
export function compressSync(body: Uint8Array, encoding: Encoding, effort: Effort): Bytes {
  const out =
    encoding === "br"
      ? brotliCompressSync(body, brotliOptions(body, effort))
      : gzipSync(body, gzipOptions(effort));
  return out as Bytes;
}

/**
 * The ETag of an encoded variant. A strong ETag names exact bytes (RFC 9110 §8.8.3), so the br
 * and gzip bodies cannot share the identity body's tag: each gets the tag with a suffix inside
 * the quotes (`"abc"` → `"abc-br"`), from which sameEntity() finds the identity tag again.
 */
export function variantTag(etag: string, encoding: Encoding): string {
  return etag.endsWith('"') ? `${etag.slice(0, -1)}-${encoding}"` : etag;
}

/**
 * Whether `tag` (from If-None-Match, without any W/) is `etag` or one of its encoded variants'
 * tags: the variants are made deterministically from the identity bytes, so a client holding a
 * variant of the current body holds a current answer and may be told 304.
 */
export function sameEntity(tag: string, etag: string): boolean {
  if (tag === etag) return true;
  return ENCODINGS.some((encoding) => tag === variantTag(etag, encoding));
}

/**
 * The ETag a 304 should carry: the tag the client named in If-None-Match for this body (an
 * encoded variant's, say), since a 304 confirms the response the client holds; `etag` itself when
 * it named none in particular (`*`).
 */
export function heldTag(ifNoneMatch: string | null | undefined, etag: string): string {
  for (const part of (ifNoneMatch ?? "").split(",")) {
    const tag = part.trim().replace(/^W\//, "");
    if (sameEntity(tag, etag)) return tag;
  }
  return etag;
}

/** A Vary header value with Accept-Encoding added to what was there (Cookie, say), once. */
export function varyWithEncoding(existing: string | null | undefined): string {
  const names = (existing ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.some((name) => name === "*" || name.toLowerCase() === "accept-encoding")) return names.join(", ");
  return [...names, "Accept-Encoding"].join(", ");
}

/** One encoded variant of a stored body: its bytes and its own ETag. */
export interface Variant {
  encoding: Encoding;
  body: Bytes;
  etag: string;
}

/** A stored body's encoded variants, by coding; absent when the body is not worth compressing. */
export type Variants = Partial<Record<Encoding, Variant>>;

/**
 * Compresses a body that will be stored and replayed (a cached page, a feed) once in every
 * coding, at the `stored` effort; undefined when its type or size is not worth it, so the
 * identity bytes are all that is kept.
 */
export async function encodeVariants(
  body: Buffer,
  etag: string,
  contentType: string | null | undefined,
): Promise<Variants | undefined> {
  if (!compressible(contentType) || body.length < MIN_COMPRESS_BYTES) return undefined;
  const encoded = await Promise.all(ENCODINGS.map((encoding) => compress(body, encoding, "stored")));
  return variantsOf(body, etag, encoded);
}

/** encodeVariants() done synchronously at the `startup` effort; for the assets, before any request. */
export function encodeVariantsSync(body: Buffer, contentType: string): Variants | undefined {
  if (!compressible(contentType) || body.length < MIN_COMPRESS_BYTES) return undefined;
  // the assets have no ETag (their address changes with their content): the tag is unused
  return variantsOf(
    body,
    "",
    ENCODINGS.map((encoding) => compressSync(body, encoding, "startup")),
  );
}

function variantsOf(body: Buffer, etag: string, encoded: Bytes[]): Variants {
  const variants: Variants = {};
  ENCODINGS.forEach((encoding, k) => {
    const bytes = encoded[k];
    // a body that would not shrink (already compact) is better sent as it is
    if (bytes && bytes.length < body.length)
      variants[encoding] = { encoding, body: bytes, etag: variantTag(etag, encoding) };
  });
  return variants;
}

/** The stored variant a request's Accept-Encoding picks, or undefined for the identity bytes. */
export function pickVariant(
  acceptEncoding: string | null | undefined,
  variants: Variants | undefined,
): Variant | undefined {
  if (!variants) return undefined;
  const encoding = negotiate(acceptEncoding);
  return encoding ? variants[encoding] : undefined;
}
