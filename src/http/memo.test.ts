import { describe, expect, it } from "vitest";
import { ScopedMemo } from "./memo.ts";
import { PageCache } from "./page-cache.ts";

/** A read that counts how often it ran and returns its count. */
function counter() {
  let n = 0;
  return {
    read: async () => ++n,
    get runs() {
      return n;
    },
  };
}

describe("ScopedMemo", () => {
  it("keeps a value until a change touches its scope, here or heard from another instance", async () => {
    const cache = new PageCache(true);
    const memo = new ScopedMemo<number>(cache);
    const c = counter();
    expect(await memo.get("cursor", { tools: ["cursor"] }, c.read)).toBe(1);
    expect(await memo.get("cursor", { tools: ["cursor"] }, c.read)).toBe(1);
    cache.invalidate({ tools: ["aider"], figures: true });
    expect(await memo.get("cursor", { tools: ["cursor"] }, c.read)).toBe(1);
    cache.invalidate({ tools: ["cursor"] });
    expect(await memo.get("cursor", { tools: ["cursor"] }, c.read)).toBe(2);
    cache.invalidateLocal({ tools: "all" });
    expect(await memo.get("cursor", { tools: ["cursor"] }, c.read)).toBe(3);
    cache.clearLocal();
    expect(await memo.get("cursor", { tools: ["cursor"] }, c.read)).toBe(4);
  });

  it("does not keep a value read while a change touching it landed", async () => {
    const cache = new PageCache(true);
    const memo = new ScopedMemo<string>(cache);
    await memo.get("cursor", { tools: ["cursor"] }, async () => {
      cache.invalidate({ tools: ["cursor"] });
      return "before the edit";
    });
    expect(memo.size).toBe(0);
    // an unrelated change in between does not matter
    await memo.get("cursor", { tools: ["cursor"] }, async () => {
      cache.invalidate({ tools: ["aider"] });
      return "current";
    });
    expect(memo.size).toBe(1);
  });

  it("judges from `since` when the value is made from data read earlier", async () => {
    const cache = new PageCache(true);
    const memo = new ScopedMemo<string>(cache);
    const readAt = cache.currentGeneration;
    cache.invalidate({ tools: ["cursor"] });
    await memo.get("pair", { tools: ["aider", "cursor"] }, async () => "from old tools", { since: readAt });
    expect(memo.size).toBe(0);
    await memo.get("pair", { tools: ["aider", "cursor"] }, async () => "fresh", {
      since: cache.currentGeneration,
    });
    expect(memo.size).toBe(1);
  });

  it("keeps only what `keep` accepts, and nothing when the page cache is off", async () => {
    const cache = new PageCache(true);
    const memo = new ScopedMemo<string | null>(cache);
    await memo.get("nope", { tools: ["nope"] }, async () => null, { keep: (v) => v !== null });
    expect(memo.size).toBe(0);
    const off = new ScopedMemo<number>(new PageCache(false));
    const c = counter();
    await off.get("x", { tools: ["x"] }, c.read);
    await off.get("x", { tools: ["x"] }, c.read);
    expect(c.runs).toBe(2);
    expect(off.size).toBe(0);
  });

  it("drops the least recently used value when full", async () => {
    const cache = new PageCache(true);
    const memo = new ScopedMemo<string>(cache, 2);
    const c = counter();
    await memo.get("a", { tools: ["a"] }, async () => "a");
    await memo.get("b", { tools: ["b"] }, async () => "b");
    await memo.get("a", { tools: ["a"] }, async () => "a again");
    await memo.get("c", { tools: ["c"] }, async () => "c");
    // "b" was the least recently used
    expect(await memo.get("a", { tools: ["a"] }, async () => `a read ${await c.read()}`)).toBe("a");
    expect(await memo.get("b", { tools: ["b"] }, async () => "b read again")).toBe("b read again");
  });
});
