import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, fingerprint } from "./cursor.ts";

describe("tool list cursors", () => {
  const print = fingerprint({ sort: "score", q: "code", category: undefined });

  it("round-trips an offset under the same filters, whatever their order", () => {
    expect(fingerprint({ q: "code", category: undefined, sort: "score" })).toBe(print);
    expect(decodeCursor(encodeCursor(40, print), print)).toEqual({ offset: 40 });
  });

  it("refuses a cursor for other filters, saying so", () => {
    const other = fingerprint({ sort: "name", q: "code", category: undefined });
    const result = decodeCursor(encodeCursor(40, print), other);
    expect(result).toMatchObject({ problem: expect.stringContaining("other filters") });
  });

  it.each([
    "",
    "not base64!",
    Buffer.from("[1,2]").toString("base64url"),
    Buffer.from('{"v":1,"o":-5,"f":"x"}').toString("base64url"),
    Buffer.from('{"v":2,"o":5,"f":"x"}').toString("base64url"),
    "a".repeat(300),
  ])("refuses %j as not a cursor it gave out", (cursor) => {
    expect(decodeCursor(cursor, print)).toMatchObject({ problem: expect.stringContaining("Not a cursor") });
  });
});
