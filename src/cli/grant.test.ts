import { describe, expect, it } from "vitest";
import { parseGrantArgs } from "./grant.ts";

describe("user:grant arguments", () => {
  it("accepts an address and a role, normalizing both", () => {
    expect(parseGrantArgs(["  Ada@Example.COM ", "Admin"])).toEqual({
      ok: true,
      email: "ada@example.com",
      role: "admin",
      reason: "Granted by an operator from the command line.",
    });
  });

  it("joins the remaining words into the reason", () => {
    const parsed = parseGrantArgs(["ada@example.com", "panelist", "joins", "the", "panel"]);
    expect(parsed).toMatchObject({ ok: true, reason: "joins the panel" });
  });

  it.each([
    [[], /needs an email address and a role/],
    [["ada@example.com"], /usage: npm run cli -- user:grant/],
    [["not-an-address", "admin"], /does not look like an email address/],
    [["ada@example.com", "owner"], /"owner" is not a role\. Roles: reader, panelist, admin\./],
    [["ada@example.com", "admin", "x".repeat(501)], /3 to 500 characters/],
    [["ada@example.com", "admin", "ok"], /3 to 500 characters/],
  ])("refuses %j", (args, message) => {
    const parsed = parseGrantArgs(args);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
