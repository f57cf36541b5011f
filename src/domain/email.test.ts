import { describe, expect, it } from "vitest";
import { maskEmail, normalizeEmail } from "./email.ts";

describe("normalizeEmail", () => {
  it("trims and lowercases a valid address", () => {
    expect(normalizeEmail("  Ada.Lovelace@Example.COM ")).toEqual({
      ok: true,
      email: "ada.lovelace@example.com",
    });
  });

  it("explains what is wrong with a bad one", () => {
    for (const bad of ["", "   ", "ada", "ada@", "@example.com", "a b@example.com", 42, undefined]) {
      const r = normalizeEmail(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
    }
    expect(normalizeEmail(`${"a".repeat(250)}@example.com`).ok).toBe(false);
  });

  it("masks an address for moderators", () => {
    expect(maskEmail("ada@example.com")).toBe("a•••@example.com");
  });
});
