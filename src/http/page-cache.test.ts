import { readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../test/support/app.ts";
import { type CachedPage, cacheKey, etagFor, etagMatches, PageCache, pageQueryParams } from "./page-cache.ts";

const page = (text: string): CachedPage => ({
  status: 200,
  body: Buffer.from(text),
  etag: etagFor(text),
  headers: { "content-type": "text/html; charset=utf-8" },
});

/** Stores a page rendered now, as a render that saw no write would. */
function store(cache: PageCache, key: string, text = key): void {
  cache.set(key, page(text), cache.currentGeneration);
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
    expect(res.writeHead).toHaveBeenCalledWith(200, {
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
    expect(res.writeHead).toHaveBeenCalledWith(
      304,
      expect.objectContaining({ etag: etagFor("<h1>Cursor</h1>") }),
    );
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
