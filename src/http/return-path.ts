/** Where a form may send the reader back to: a path on this site, never another origin. */

/**
 * Printable ASCII but space and backslash: what a percent-encoded path and query are made of.
 * Anything else (controls, DEL, raw non-ASCII) could split or break the Location header, or hide
 * where the link goes.
 */
const PATH_CHARS = /^[\x21-\x5b\x5d-\x7e]*$/;

/** The path if it is a safe local one (starts with one "/", only path characters), else the fallback. */
export function safeReturnPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length > 500) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || !PATH_CHARS.test(value)) return fallback;
  return value;
}
