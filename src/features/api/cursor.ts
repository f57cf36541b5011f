/**
 * Opaque cursors for the tool list: the offset of the next tool and a fingerprint of the
 * filters and sort it belongs to, base64url-encoded JSON. A cursor used with other filters is
 * refused rather than silently paging through a different list.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

const cursorSchema = z.strictObject({ v: z.literal(1), o: z.int().min(0).max(1_000_000), f: z.string() });

/** A short, stable fingerprint of the values a list depends on. */
export function fingerprint(values: Record<string, string | undefined>): string {
  const canonical = Object.keys(values)
    .sort()
    .map((k) => `${k}=${values[k] ?? ""}`)
    .join("&");
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 12);
}

/** The cursor for the list position `offset` under a fingerprint. */
export function encodeCursor(offset: number, print: string): string {
  return Buffer.from(JSON.stringify({ v: 1, o: offset, f: print })).toString("base64url");
}

/** The offset a cursor points at, or a sentence saying why it cannot be used. */
export function decodeCursor(cursor: string, print: string): { offset: number } | { problem: string } {
  let decoded: unknown;
  try {
    if (!/^[\w-]{1,200}$/.test(cursor)) throw new Error("not base64url");
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return {
      problem:
        "Not a cursor this API gave out. Use the `next` link of a previous page, or leave it out to start.",
    };
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) {
    return {
      problem:
        "Not a cursor this API gave out. Use the `next` link of a previous page, or leave it out to start.",
    };
  }
  if (parsed.data.f !== print) {
    return {
      problem:
        "This cursor belongs to a list with other filters or another sort. Keep the parameters of the request that gave it, or leave it out to start.",
    };
  }
  return { offset: parsed.data.o };
}
