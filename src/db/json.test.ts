import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonObjectSchema, readJson } from "./json.ts";

const at = { table: "audit_log", column: "detail", row: 7 } as const;

describe("readJson", () => {
  it("returns the stored value as its schema reads it", () => {
    expect(readJson(jsonObjectSchema, '{"email":"a@example.com"}', at)).toEqual({ email: "a@example.com" });
  });

  it("fails naming the table, column and row when the text is not JSON", () => {
    expect(() => readJson(jsonObjectSchema, "{not json", at)).toThrow(
      /^Stored data: audit_log\.detail of row 7 is not valid JSON/,
    );
  });

  it("fails naming the table, column, row and the mismatch when the value does not fit", () => {
    const schema = z.object({ score: z.number() });
    expect(() =>
      readJson(schema, '{"score":"high"}', { table: "review_drafts", column: "fields", row: 3 }),
    ).toThrow(/^Stored data: review_drafts\.fields of row 3 does not match its schema \(score: .+\)\.$/);
    expect(() => readJson(jsonObjectSchema, "[]", at)).toThrow(/audit_log\.detail of row 7 does not match/);
  });
});
