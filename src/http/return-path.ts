/** Where a form may send the reader back to: a path on this site, never another origin. */

/** The path if it is a safe local one (starts with one "/", no backslashes or controls), else the fallback. */
export function safeReturnPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length > 500) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return fallback;
  // control characters could split headers or hide where the link goes
  if ([...value].some((ch) => ch.charCodeAt(0) < 0x20)) return fallback;
  return value;
}
