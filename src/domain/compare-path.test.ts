import { describe, expect, it } from "vitest";
import { comparePath, parsePair } from "./compare-path.ts";
import { closest, editDistance } from "./suggest.ts";

describe("comparePath", () => {
  it("orders slugs alphabetically, whichever order is given", () => {
    const canonical = "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b";
    expect(comparePath("smolvlm2-2b", "gemini-2-5-flash-native-audio-output")).toBe(canonical);
    expect(comparePath("gemini-2-5-flash-native-audio-output", "smolvlm2-2b")).toBe(canonical);
  });
});

describe("parsePair", () => {
  const known = new Set(["a", "b-vs-c", "c", "d"]);
  it("splits on -vs-", () => {
    expect(parsePair("a-vs-c", (s) => known.has(s))).toEqual({ a: "a", b: "c" });
  });
  it("finds the split where both halves are known, even when a slug contains -vs-", () => {
    expect(parsePair("b-vs-c-vs-d", (s) => known.has(s))).toEqual({ a: "b-vs-c", b: "d" });
  });
  it("falls back to the first split when nothing is known, and null without -vs-", () => {
    expect(parsePair("x-vs-y", () => false)).toEqual({ a: "x", b: "y" });
    expect(parsePair("nothing", () => true)).toBeNull();
    expect(parsePair("-vs-a", () => true)).toBeNull();
  });
});

describe("closest", () => {
  const tools = [
    { slug: "smolvlm2-2b", name: "SmolVLM2-2B" },
    { slug: "moondream2", name: "moondream2" },
    { slug: "ollama", name: "Ollama" },
  ];
  it("puts a typo's target first", () => {
    expect(closest("smolvlm-2b", tools)[0]?.slug).toBe("smolvlm2-2b");
    expect(closest("olama", tools)[0]?.slug).toBe("ollama");
  });
  it("measures edit distance", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});
