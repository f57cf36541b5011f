import { EventEmitter } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../test/support/app.ts";
import {
  type CachedPage,
  cacheKey,
  compileScope,
  EVERY_PAGE,
  etagFor,
  etagMatches,
  FIGURES_REFRESH_MS,
  figuresTouch,
  PageCache,
  type PageChange,
  type PageScope,
  pageQueryParams,
  pairKey,
  scopesTouch,
} from "./page-cache.ts";

const page = (text: string): CachedPage => ({
  status: 200,
  body: Buffer.from(text),
  etag: etagFor(text),
  headers: { "content-type": "text/html; charset=utf-8" },
});

/** Stores a page rendered now, as a render that saw no write would (showing everything unless told). */
function store(cache: PageCache, key: string, text = key, shows?: PageScope): void {
  cache.set(key, page(text), cache.currentGeneration, shows);
}

describe("PageCache: storing and reading", () => {
  it("returns what was stored under the same key, and nothing for another", () => {
    const cache = new PageCache(true);
    store(cache, "/tools/cursor", "cursor");
    store(cache, "/tools/aider", "aider");
    expect(cache.get("/tools/cursor")?.body.toString()).toBe("cursor");
    expect(cache.get("/tools/aider")?.body.toString()).toBe("aider");
    expect(cache.get("/tools/cursor?tab=panel")).toBeUndefined();
  });

  it("replaces a key's page when it is stored again", () => {
    const cache = new PageCache(true);
    store(cache, "/", "old");
    store(cache, "/", "new");
    expect(cache.get("/")?.body.toString()).toBe("new");
  });

  it("when disabled, stores nothing and serves nothing", () => {
    const cache = new PageCache(false);
    store(cache, "/");
    expect(cache.get("/")).toBeUndefined();
    const { req, res } = exchange("GET", "/");
    expect(cache.tryServe(req, res)).toBe(false);
    expect(res.writeHead).not.toHaveBeenCalled();
  });
});

describe("PageCache: writes", () => {
  it("forgets every page on invalidate(), and tells onInvalidate once", () => {
    const cache = new PageCache(true);
    const told = vi.fn();
    cache.onInvalidate = told;
    store(cache, "/");
    store(cache, "/tools/cursor");
    cache.invalidate();
    expect(cache.get("/")).toBeUndefined();
    expect(cache.get("/tools/cursor")).toBeUndefined();
    expect(told).toHaveBeenCalledTimes(1);
  });

  it("forgets every page on clearLocal() without telling onInvalidate", () => {
    const cache = new PageCache(true);
    const told = vi.fn();
    cache.onInvalidate = told;
    store(cache, "/");
    cache.clearLocal();
    expect(cache.get("/")).toBeUndefined();
    expect(told).not.toHaveBeenCalled();
  });

  it.each([
    ["invalidate", (cache: PageCache) => cache.invalidate()],
    ["clearLocal", (cache: PageCache) => cache.clearLocal()],
  ])("does not keep a page whose render began before %s()", (_, write) => {
    const cache = new PageCache(true);
    const renderBegan = cache.currentGeneration;
    write(cache);
    cache.set("/tools/cursor", page("read before the write"), renderBegan);
    expect(cache.get("/tools/cursor")).toBeUndefined();
    // a render that began after the write is kept
    cache.set("/tools/cursor", page("read after the write"), cache.currentGeneration);
    expect(cache.get("/tools/cursor")?.body.toString()).toBe("read after the write");
  });

  it("does not let a stale render replace a fresh page", () => {
    const cache = new PageCache(true);
    const slowRender = cache.currentGeneration;
    cache.invalidate();
    store(cache, "/", "fresh");
    cache.set("/", page("stale"), slowRender);
    expect(cache.get("/")?.body.toString()).toBe("fresh");
  });
});

describe("PageCache: size", () => {
  it("keeps at most maxEntries pages, dropping the oldest stored first", () => {
    const cache = new PageCache(true, 3);
    for (const key of ["/a", "/b", "/c", "/d"]) store(cache, key);
    expect(cache.get("/a")).toBeUndefined();
    expect(["/b", "/c", "/d"].map((k) => cache.get(k)?.body.toString())).toEqual(["/b", "/c", "/d"]);
    store(cache, "/e");
    expect(cache.get("/b")).toBeUndefined();
    expect(["/c", "/d", "/e"].every((k) => cache.get(k) !== undefined)).toBe(true);
  });

  it("keeps 2000 pages by default", () => {
    const cache = new PageCache(true);
    for (let i = 0; i <= 2000; i++) store(cache, `/p/${i}`);
    expect(cache.get("/p/0")).toBeUndefined();
    expect(cache.get("/p/1")).toBeDefined();
    expect(cache.get("/p/2000")).toBeDefined();
  });
});

describe("PageCache.cacheable", () => {
  it("takes anonymous GETs and HEADs only", () => {
    expect(PageCache.cacheable("GET", undefined)).toBe(true);
    expect(PageCache.cacheable("HEAD", null)).toBe(true);
    expect(PageCache.cacheable("POST", undefined)).toBe(false);
    expect(PageCache.cacheable(undefined, undefined)).toBe(false);
    expect(PageCache.cacheable("GET", "sos_session=abc")).toBe(false);
  });
});

describe("ETags", () => {
  it("are strong, quoted and follow the body", () => {
    expect(etagFor("a")).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(etagFor("a")).toBe(etagFor(Buffer.from("a")));
    expect(etagFor("a")).not.toBe(etagFor("b"));
  });

  it("match If-None-Match by value, in a list, weakly, or as *", () => {
    const etag = etagFor("page");
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(`"other", ${etag}`, etag)).toBe(true);
    expect(etagMatches(`W/${etag}`, etag)).toBe(true);
    expect(etagMatches(" * ", etag)).toBe(true);
    expect(etagMatches(etagFor("other"), etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
    expect(etagMatches("", etag)).toBe(false);
  });
});

/** The headers of a recorded writeHead call as an object, whether sent as one or as a flat list. */
function headersSent(call: unknown[] | undefined): Record<string, unknown> {
  const headers = call?.[1];
  if (!Array.isArray(headers)) return (headers ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < headers.length; i += 2) out[String(headers[i])] = headers[i + 1];
  return out;
}

/** A request and a recording response, as node:http hands them to tryServe. */
function exchange(method: string, url: string, headers: Record<string, string> = {}) {
  const req = { method, url, headers } as unknown as IncomingMessage;
  const res = { writeHead: vi.fn(), end: vi.fn() };
  return { req, res: res as typeof res & ServerResponse };
}

describe("PageCache.tryServe", () => {
  const cached = () => {
    const cache = new PageCache(true);
    store(cache, "/tools/cursor", "<h1>Cursor</h1>");
    return cache;
  };

  it("answers a stored page with its status, headers, ETag and body", () => {
    const { req, res } = exchange("GET", "/tools/cursor");
    expect(cached().tryServe(req, res)).toBe(true);
    expect(res.writeHead.mock.calls[0]?.[0]).toBe(200);
    expect(headersSent(res.writeHead.mock.calls[0])).toEqual({
      "content-type": "text/html; charset=utf-8",
      etag: etagFor("<h1>Cursor</h1>"),
      "content-length": String(Buffer.byteLength("<h1>Cursor</h1>")),
    });
    expect(String(res.end.mock.calls[0]?.[0])).toBe("<h1>Cursor</h1>");
  });

  it("answers HEAD without a body", () => {
    const { req, res } = exchange("HEAD", "/tools/cursor");
    expect(cached().tryServe(req, res)).toBe(true);
    expect(res.end).toHaveBeenCalledWith(undefined);
  });

  it("answers 304 when the browser already has this version", () => {
    const { req, res } = exchange("GET", "/tools/cursor", { "if-none-match": etagFor("<h1>Cursor</h1>") });
    expect(cached().tryServe(req, res)).toBe(true);
    expect(res.writeHead.mock.calls[0]?.[0]).toBe(304);
    expect(headersSent(res.writeHead.mock.calls[0])).toEqual({
      "content-type": "text/html; charset=utf-8",
      etag: etagFor("<h1>Cursor</h1>"),
    });
    expect(res.end).toHaveBeenCalledWith();
  });

  it("leaves misses, signed-in readers and writes to the app", () => {
    for (const { req, res } of [
      exchange("GET", "/tools/aider"),
      exchange("GET", "/tools/cursor", { cookie: "sos_session=abc" }),
      exchange("POST", "/tools/cursor"),
    ]) {
      expect(cached().tryServe(req, res)).toBe(false);
      expect(res.writeHead).not.toHaveBeenCalled();
    }
  });
});

describe("cache keys: only parameters some page reads", () => {
  it("keeps an address whose parameters are all read by some page, as sent", () => {
    expect(cacheKey("/tools")).toBe("/tools");
    expect(cacheKey("/tools?q=cursor&sort=name")).toBe("/tools?q=cursor&sort=name");
    expect(cacheKey("/compare?a=cursor&b=aider")).toBe("/compare?a=cursor&b=aider");
  });

  it("has no key for an address naming a parameter no page reads", () => {
    expect(cacheKey("/tools?utm_source=x")).toBeUndefined();
    expect(cacheKey("/tools?q=cursor&zz=1")).toBeUndefined();
    expect(cacheKey("/?%71%71=1")).toBeUndefined();
  });

  it("does not serve a stored page to an address with a made-up parameter", () => {
    const cache = new PageCache(true);
    store(cache, "/tools/cursor");
    const { req, res } = exchange("GET", "/tools/cursor?x=1");
    expect(cache.tryServe(req, res)).toBe(false);
  });

  it("lists every parameter a feature reads with c.req.query(name)", () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), "../features");
    const read = new Set<string>();
    for (const file of readdirSync(root, { recursive: true, encoding: "utf8" })) {
      if (!/\.tsx?$/.test(file) || file.includes(".test.")) continue;
      for (const m of readFileSync(join(root, file), "utf8").matchAll(/c\.req\.query\("([^"]+)"\)/g)) {
        read.add(m[1]!);
      }
    }
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((name) => !pageQueryParams.includes(name))).toEqual([]);
  });
});

describe("the page cache behind the app", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.dispose());

  it("does not grow with made-up parameters, and keeps a known one apart", async () => {
    t.deps.cache.clearLocal();
    expect((await t.request("/tools")).status).toBe(200);
    const base = t.deps.cache.size;
    for (let i = 0; i < 500; i++) {
      const name = `x${Math.random().toString(36).slice(2, 8)}`;
      const res = await t.request(`/tools?${name}=${i}`);
      expect(res.status).toBe(200);
    }
    expect(t.deps.cache.size).toBeLessThanOrEqual(base + 2);

    expect((await t.request("/tools?q=cursor")).status).toBe(200);
    expect(t.deps.cache.get("/tools?q=cursor")).toBeDefined();
    expect(t.deps.cache.get("/tools")).toBeDefined();
    expect(t.deps.cache.size).toBe(base + 1);
  });
});

/** Whether a change to `changed` drops a page showing `shown` at once. */
const touch = (changed: PageScope, shown: PageScope) =>
  scopesTouch(compileScope(changed), compileScope(shown));

describe("scopes: which changes touch which pages", () => {
  const tool = (...slugs: string[]): PageScope => ({ tools: slugs });
  // [what a write changed, what a page shows, whether the page goes stale at once]
  const table: [string, PageScope, PageScope, boolean][] = [
    ["a shared tool", tool("cursor"), tool("aider", "cursor"), true],
    ["two different tools", tool("cursor"), tool("aider"), false],
    ["a tool and every tool", tool("cursor"), { tools: "all" }, true],
    ["every tool and every tool", { tools: "all" }, { tools: "all" }, true],
    ["every tool and a page showing no tool", { tools: "all" }, { lists: ["home"] }, false],
    ["a shared list", { lists: ["home"] }, { lists: ["catalog", "home"] }, true],
    ["two different lists", { lists: ["home"] }, { lists: ["catalog"] }, false],
    ["a shared category", { categories: ["coding"] }, { tools: ["aider"], categories: ["coding"] }, true],
    ["two different categories", { categories: ["coding"] }, { categories: ["chat"] }, false],
    ["a category and every category", { categories: ["coding"] }, { categories: "all" }, true],
    ["every category and a page showing no category", { categories: "all" }, tool("aider"), false],
    [
      "a pair, named in either order",
      { pairs: [pairKey("cursor", "aider")] },
      { pairs: ["aider-vs-cursor"] },
      true,
    ],
    [
      "two different pairs",
      { pairs: [pairKey("aider", "cursor")] },
      { pairs: [pairKey("aider", "zed")] },
      false,
    ],
    ["a pair and every pair", { pairs: [pairKey("aider", "cursor")] }, { pairs: "all" }, true],
    ["every pair and a page showing no pair", { pairs: "all" }, { tools: "all", lists: ["home"] }, false],
    ["the same name in different kinds", tool("coding"), { categories: ["coding"], lists: ["home"] }, false],
    ["everything and an empty page", EVERY_PAGE, {}, true],
    ["everything and a tool page", EVERY_PAGE, tool("cursor"), true],
    ["two empty scopes", {}, {}, false],
    ["figures alone and a page of figures", { figures: true }, { lists: ["home"], figures: true }, false],
    [
      "figures of a tool and a page of figures without it",
      { tools: ["cursor"], figures: true },
      { tools: ["aider"], figures: true },
      false,
    ],
  ];

  it.each(table.map(([name, changed, shown, expected]) => [name, expected, changed, shown] as const))(
    "%s: touches is %s, either way round",
    (_, expected, changed, shown) => {
      expect(touch(changed, shown)).toBe(expected);
      expect(touch(shown, changed)).toBe(expected);
    },
  );

  it("compiles a scope into tags, kinds and wildcards", () => {
    const compiled = compileScope({
      tools: ["cursor"],
      lists: ["home"],
      categories: "all",
      pairs: ["a-vs-b"],
    });
    expect([...compiled.tags].sort()).toEqual(["list:home", "pair:a-vs-b", "tool:cursor"]);
    expect([...compiled.kinds].sort()).toEqual(["list:", "pair:", "tool:"]);
    expect([...compiled.wildcards]).toEqual(["category:"]);
    expect(compiled.everything).toBe(false);
    expect(compiled.figures).toBe(false);
    expect(compileScope({ figures: true, everything: true })).toMatchObject({
      figures: true,
      everything: true,
    });
  });

  it("names a pair with its slugs in order", () => {
    expect(pairKey("cursor", "aider")).toBe("aider-vs-cursor");
    expect(pairKey("aider", "cursor")).toBe("aider-vs-cursor");
  });

  it("lets a figures change touch pages of figures (and pages showing everything) only on the timer", () => {
    const figures = (changed: PageScope, shown: PageScope) =>
      figuresTouch(compileScope(changed), compileScope(shown));
    expect(figures({ figures: true }, { lists: ["home"], figures: true })).toBe(true);
    expect(figures({ tools: ["cursor"], figures: true }, EVERY_PAGE)).toBe(true);
    expect(figures({ figures: true }, { tools: ["cursor"], pairs: ["aider-vs-cursor"] })).toBe(false);
    expect(figures({ tools: ["cursor"] }, { lists: ["home"], figures: true })).toBe(false);
    expect(figures(EVERY_PAGE, { lists: ["home"], figures: true })).toBe(false);
  });
});

/** Pages as the site declares them: two tools in two categories, their comparisons, lists. */
const SHOWN: Record<string, PageScope | undefined> = {
  "/tools/cursor": { tools: ["cursor"], categories: ["coding"], figures: true },
  "/tools/aider": { tools: ["aider"], categories: ["coding"], figures: true },
  "/tools/chatgpt": { tools: ["chatgpt"], categories: ["chat"], figures: true },
  "/compare/aider-vs-cursor": { tools: ["aider", "cursor"], pairs: ["aider-vs-cursor"] },
  "/compare/aider-vs-chatgpt": { tools: ["aider", "chatgpt"], pairs: ["aider-vs-chatgpt"] },
  "/tools": { lists: ["catalog"], figures: true },
  "/": { lists: ["home"], figures: true },
  // a page that never said what it shows
  "/about": undefined,
};

function storeAll(cache: PageCache): void {
  for (const [key, shows] of Object.entries(SHOWN)) store(cache, key, key, shows);
}

/** The stored keys among SHOWN. */
const kept = (cache: PageCache) => Object.keys(SHOWN).filter((key) => cache.has(key));

describe("PageCache: scoped invalidation", () => {
  it("invalidate() drops only the pages the scope touches, and tells onInvalidate that scope", () => {
    const cache = new PageCache(true);
    const told = vi.fn();
    cache.onInvalidate = told;
    storeAll(cache);
    const scope: PageScope = { tools: ["cursor"] };
    cache.invalidate(scope);
    expect(kept(cache)).toEqual([
      "/tools/aider",
      "/tools/chatgpt",
      "/compare/aider-vs-chatgpt",
      "/tools",
      "/",
    ]);
    expect(told).toHaveBeenCalledTimes(1);
    expect(told).toHaveBeenCalledWith(scope);
  });

  it("drops a category's pages, a list's pages and a pair's pages", () => {
    const cache = new PageCache(true);
    storeAll(cache);
    cache.invalidate({ categories: ["chat"] });
    expect(kept(cache)).not.toContain("/tools/chatgpt");
    expect(kept(cache)).toContain("/tools/cursor");
    cache.invalidate({ lists: ["home"] });
    expect(kept(cache)).not.toContain("/");
    expect(kept(cache)).toContain("/tools");
    cache.invalidate({ pairs: [pairKey("cursor", "aider")] });
    expect(kept(cache)).toEqual(["/tools/cursor", "/tools/aider", "/compare/aider-vs-chatgpt", "/tools"]);
  });

  it("invalidateLocal() drops the same pages without telling onInvalidate", () => {
    const cache = new PageCache(true);
    const told = vi.fn();
    cache.onInvalidate = told;
    storeAll(cache);
    cache.invalidateLocal({ tools: ["cursor"] });
    expect(kept(cache)).toEqual([
      "/tools/aider",
      "/tools/chatgpt",
      "/compare/aider-vs-chatgpt",
      "/tools",
      "/",
    ]);
    cache.invalidateLocal();
    expect(cache.size).toBe(0);
    expect(told).not.toHaveBeenCalled();
  });

  it("does not store a render begun before a change that touches it, and stores one begun before an unrelated change", () => {
    const cache = new PageCache(true);
    const began = cache.currentGeneration;
    cache.invalidate({ tools: ["cursor"] });
    cache.set("/tools/cursor", page("before the vote"), began, SHOWN["/tools/cursor"]);
    cache.set("/compare/aider-vs-cursor", page("before the vote"), began, SHOWN["/compare/aider-vs-cursor"]);
    cache.set("/about", page("before the vote"), began);
    cache.set("/tools/aider", page("unrelated"), began, SHOWN["/tools/aider"]);
    cache.set("/compare/aider-vs-chatgpt", page("unrelated"), began, SHOWN["/compare/aider-vs-chatgpt"]);
    expect(kept(cache)).toEqual(["/tools/aider", "/compare/aider-vs-chatgpt"]);
  });

  it("refuses a render when any of several changes since it began touches it", () => {
    const cache = new PageCache(true);
    const began = cache.currentGeneration;
    cache.invalidate({ tools: ["chatgpt"] });
    cache.invalidate({ categories: ["coding"] });
    cache.invalidate({ lists: ["home"] });
    cache.set("/tools/aider", page("stale"), began, SHOWN["/tools/aider"]);
    cache.set("/compare/aider-vs-cursor", page("fine"), began, SHOWN["/compare/aider-vs-cursor"]);
    expect(kept(cache)).toEqual(["/compare/aider-vs-cursor"]);
  });

  it("refuses a render older than the changes it remembers, however unrelated they are", () => {
    const remembered = new PageCache(true);
    const forgotten = new PageCache(true);
    const shows = SHOWN["/tools/aider"];
    const began = remembered.currentGeneration;
    for (let i = 0; i < 256; i++) {
      remembered.invalidate({ tools: [`other-${i}`] });
      forgotten.invalidate({ tools: [`other-${i}`] });
    }
    forgotten.invalidate({ tools: ["one-too-many"] });
    remembered.set("/tools/aider", page("x"), began, shows);
    forgotten.set("/tools/aider", page("x"), began, shows);
    expect(remembered.has("/tools/aider")).toBe(true);
    expect(forgotten.has("/tools/aider")).toBe(false);
  });
});

describe("PageCache: community figures on a timer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const VOTE: PageScope = { tools: ["cursor"], figures: true };

  it("leaves figure pages in place after a figures change, then drops them after the interval", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const cache = new PageCache(true);
    storeAll(cache);
    expect(cache.refreshingFigures).toBe(false);
    cache.invalidate(VOTE);
    // the tool's own pages (and pages that never said) at once
    expect(kept(cache)).toEqual([
      "/tools/aider",
      "/tools/chatgpt",
      "/compare/aider-vs-chatgpt",
      "/tools",
      "/",
    ]);
    expect(cache.refreshingFigures).toBe(true);
    vi.advanceTimersByTime(FIGURES_REFRESH_MS - 1);
    expect(kept(cache)).toEqual([
      "/tools/aider",
      "/tools/chatgpt",
      "/compare/aider-vs-chatgpt",
      "/tools",
      "/",
    ]);
    vi.advanceTimersByTime(1);
    // pages showing many tools' figures are gone; a comparison shows only its own two tools
    expect(kept(cache)).toEqual(["/compare/aider-vs-chatgpt"]);
    expect(cache.refreshingFigures).toBe(false);
  });

  it("refreshes once per interval however many figures changes arrive, counted from the first", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const cache = new PageCache(true, 2000, 100);
    store(cache, "/", "/", SHOWN["/"]);
    cache.invalidate({ pairs: ["aider-vs-cursor"], figures: true });
    vi.advanceTimersByTime(60);
    cache.invalidate(VOTE);
    vi.advanceTimersByTime(39);
    expect(cache.has("/")).toBe(true);
    vi.advanceTimersByTime(1);
    expect(cache.has("/")).toBe(false);
    expect(cache.refreshingFigures).toBe(false);
    // a page stored after the refresh waits for the next figures change
    store(cache, "/", "/", SHOWN["/"]);
    vi.advanceTimersByTime(1000);
    expect(cache.has("/")).toBe(true);
  });

  it("refuses a figures page whose render began before the refresh and ends after it", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const cache = new PageCache(true, 2000, 100);
    cache.invalidate(VOTE);
    // begun after the vote, before the refresh: it may hold figures read before the vote committed
    const began = cache.currentGeneration;
    vi.advanceTimersByTime(100);
    cache.set("/tools", page("slow"), began, SHOWN["/tools"]);
    cache.set("/compare/aider-vs-chatgpt", page("slow"), began, SHOWN["/compare/aider-vs-chatgpt"]);
    expect(cache.has("/tools")).toBe(false);
    expect(cache.has("/compare/aider-vs-chatgpt")).toBe(true);
    // one begun after the refresh is kept
    store(cache, "/tools", "fresh", SHOWN["/tools"]);
    expect(cache.has("/tools")).toBe(true);
  });

  it("keeps a figures page whose render spanned a vote, and lets the vote's refresh drop it", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const cache = new PageCache(true, 2000, 100);
    // begun before the vote, stored after it: its figures may predate the vote, which the
    // refresh the vote started will fix; refusing it would make every list a render under steady votes
    const began = cache.currentGeneration;
    cache.invalidate(VOTE);
    cache.set("/tools", page("during"), began, SHOWN["/tools"]);
    // the voted tool's own page is refused: the vote changed what it shows at once
    cache.set("/tools/cursor", page("during"), began, SHOWN["/tools/cursor"]);
    expect(cache.has("/tools")).toBe(true);
    expect(cache.has("/tools/cursor")).toBe(false);
    vi.advanceTimersByTime(100);
    expect(cache.has("/tools")).toBe(false);
  });

  it("starts no timer when disabled, and close() stops a waiting one", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const off = new PageCache(false);
    off.invalidate(VOTE);
    expect(off.refreshingFigures).toBe(false);
    const cache = new PageCache(true);
    cache.invalidate({ figures: true });
    expect(cache.refreshingFigures).toBe(true);
    cache.close();
    expect(cache.refreshingFigures).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("PageCache.subscribe", () => {
  it("hears local and remote changes after their pages are gone, and `touches` answers for a scope", () => {
    const cache = new PageCache(true);
    storeAll(cache);
    const heard: { change: PageChange; cursorPageKept: boolean }[] = [];
    const unsubscribe = cache.subscribe((change) => {
      heard.push({ change, cursorPageKept: cache.has("/tools/cursor") });
    });
    cache.invalidate({ tools: ["cursor"], figures: true });
    cache.invalidateLocal({ categories: ["chat"] });
    expect(heard).toHaveLength(2);
    const [vote, remote] = heard.map((h) => h.change);
    expect(heard[0]?.cursorPageKept).toBe(false);
    expect(vote?.touches(compileScope({ tools: ["cursor"] }))).toBe(true);
    expect(vote?.touches(compileScope({ tools: "all" }))).toBe(true);
    expect(vote?.touches(compileScope({ tools: ["aider"], figures: true }))).toBe(false);
    expect(remote?.touches(compileScope({ categories: ["chat"] }))).toBe(true);
    expect(remote?.touches(compileScope({ categories: ["coding"] }))).toBe(false);

    cache.clearLocal();
    expect(heard).toHaveLength(3);
    expect(heard[2]?.change.touches(compileScope({}))).toBe(true);
    unsubscribe();
    cache.invalidate();
    expect(heard).toHaveLength(3);
    cache.close();
  });
});

/** A request and a response that says when it is finished, as node:http hands them to renderOnce. */
function pendingExchange(method: string, url: string, headers: Record<string, string> = {}) {
  const req = { method, url, headers } as unknown as IncomingMessage;
  const emitter = new EventEmitter();
  const res = Object.assign(emitter, {
    writeHead: vi.fn(),
    end: vi.fn((_body?: unknown) => {
      emitter.emit("finish");
    }),
  });
  return { req, res: res as typeof res & ServerResponse };
}

/** Lets promise callbacks waiting on a finished render run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("PageCache.renderOnce", () => {
  /** Records renders; each is finished by the test, storing its page or not. */
  function renders(cache: PageCache) {
    const started: { key: string; finish(opts?: { store?: boolean }): void }[] = [];
    const renderFor = (ex: ReturnType<typeof pendingExchange>) => () => {
      const key = ex.req.url ?? "";
      const began = cache.currentGeneration;
      started.push({
        key,
        finish({ store = true } = {}) {
          if (store) cache.set(key, page(`rendered ${key}`), began, SHOWN["/tools"]);
          ex.res.end("rendered");
        },
      });
    };
    const ask = (method: string, url: string, headers: Record<string, string> = {}) => {
      const ex = pendingExchange(method, url, headers);
      cache.renderOnce(ex.req, ex.res, renderFor(ex));
      return ex;
    };
    return { started, ask };
  }

  it("runs one render for concurrent misses of one address, and answers the others from the cache", async () => {
    const cache = new PageCache(true);
    const { started, ask } = renders(cache);
    const readers = [ask("GET", "/tools"), ask("GET", "/tools"), ask("HEAD", "/tools")];
    expect(started).toHaveLength(1);
    // another address renders alongside
    ask("GET", "/tools?q=cursor");
    expect(started).toHaveLength(2);
    started[0]?.finish();
    await settle();
    expect(started).toHaveLength(2);
    for (const { res } of readers.slice(1)) {
      expect(res.writeHead.mock.calls[0]?.[0]).toBe(200);
      expect(headersSent(res.writeHead.mock.calls[0])).toMatchObject({ etag: etagFor("rendered /tools") });
    }
    expect(String(readers[1]?.res.end.mock.calls[0]?.[0])).toBe("rendered /tools");
    expect(readers[2]?.res.end).toHaveBeenCalledWith(undefined);
  });

  it.each([
    ["a made-up parameter", "GET", "/tools?utm_source=x", {}],
    ["a cookie", "GET", "/tools", { cookie: "sos_session=abc" }],
    ["a write", "POST", "/tools", {}],
  ])("renders every time for %s", (_, method, url, headers) => {
    const cache = new PageCache(true);
    const { started, ask } = renders(cache);
    for (let i = 0; i < 3; i++) ask(method, url, headers);
    expect(started).toHaveLength(3);
  });

  it("renders every time when the cache is off", () => {
    const cache = new PageCache(false);
    const { started, ask } = renders(cache);
    for (let i = 0; i < 3; i++) ask("GET", "/tools");
    expect(started).toHaveLength(3);
  });

  it("lets every waiter render at once when the first render was not stored (a redirect, a 404)", async () => {
    const cache = new PageCache(true);
    const { started, ask } = renders(cache);
    ask("GET", "/tools");
    ask("GET", "/tools");
    ask("GET", "/tools");
    expect(started).toHaveLength(1);
    started[0]?.finish({ store: false });
    await settle();
    // side by side, not one behind another
    expect(started).toHaveLength(3);
  });

  it("leaves the API to itself: its reads are kept under keys of their own", () => {
    const cache = new PageCache(true);
    const { started, ask } = renders(cache);
    for (let i = 0; i < 3; i++) ask("GET", "/api/v1/tools");
    expect(started).toHaveLength(3);
  });

  it("lets a waiter render when the first reader went away before its page was done", async () => {
    const cache = new PageCache(true);
    const { started, ask } = renders(cache);
    const first = ask("GET", "/tools");
    ask("GET", "/tools");
    first.res.emit("close");
    await settle();
    expect(started).toHaveLength(2);
  });
});
