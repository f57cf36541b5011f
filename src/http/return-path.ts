/** Where a form may send the reader back to: a path on this site, never another origin. */

/** The path if it is a safe local one (starts with one "/", no backslashes or controls), else the fallback. */
export function safeReturnPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length > 500) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f]/.test(value)) return fallback;
  return value;
}
