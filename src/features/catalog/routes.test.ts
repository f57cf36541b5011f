import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

/** Slugs of the tool cards on a listing page, in order. */
function cardSlugs(html: string): string[] {
  return [...html.matchAll(/<h3><a href="\/tools\/([a-z0-9-]+)">/g)].map((m) => m[1] ?? "");
}

async function get(path: string) {
  const res = await t.request(path);
  return { status: res.status, html: await res.text(), res };
}

describe("/tools", () => {
  it("lists the first page of the catalog, best panel score first", async () => {
    const { status, html } = await get("/tools");
    expect(status).toBe(200);
    expect(cardSlugs(html)).toHaveLength(12);
    expect(html).toMatch(/Showing 1–12 of 36 tools/);
    expect(html).toContain('href="/tools?page=2"');
  });

  it("paginates through every tool exactly once", async () => {
    const seen: string[] = [];
    for (const page of [1, 2, 3]) seen.push(...cardSlugs((await get(`/tools?page=${page}`)).html));
    expect(seen).toHaveLength(36);
    expect(new Set(seen).size).toBe(36);
  });

  it("searches name, vendor, best-for and description, case-insensitively", async () => {
    expect(cardSlugs((await get("/tools?q=smolvlm")).html)).toContain("smolvlm2-2b");
    expect(cardSlugs((await get("/tools?q=HUGGING%20FACE")).html)).toContain("smolvlm2-2b");
    const none = await get("/tools?q=zzzznothing");
    expect(none.status).toBe(200);
    expect(none.html).toContain("No tools match these filters.");
  });

  it("treats LIKE wildcards in a search literally", async () => {
    expect(cardSlugs((await get("/tools?q=olla")).html)).toContain("ollama");
    // as wildcards these would match Ollama and Llama
    expect(cardSlugs((await get("/tools?q=ol%25ma")).html)).toHaveLength(0);
    expect(cardSlugs((await get("/tools?q=ll_ma%203")).html)).toHaveLength(0);
  });

  it("filters by category, pricing, verdict and deployment, combined", async () => {
    const speech = cardSlugs((await get("/tools?category=speech-audio")).html);
    expect(speech).toContain("openai-whisper");
    expect(speech).not.toContain("cursor");
    const skips = await get("/tools?verdict=skip");
    expect(skips.html).not.toContain('badge-ship">Ship<');
    expect(cardSlugs(skips.html).length).toBeGreaterThanOrEqual(2);
    const onDevice = cardSlugs((await get("/tools?deployment=on-device&pricing=open-source")).html);
    expect(onDevice).toContain("smolvlm2-2b");
    expect(onDevice).not.toContain("gpt-4o");
  });

  it("sorts by name and by newest", async () => {
    const byName = cardSlugs((await get("/tools?sort=name")).html);
    expect(byName[0]).toBe("aider");
    const newest = await get("/tools?sort=newest");
    expect(newest.status).toBe(200);
    expect(cardSlugs(newest.html)).toHaveLength(12);
  });

  it("keeps the filters in shareable URLs and in the form", async () => {
    const { html } = await get("/tools?category=speech-audio&sort=name");
    expect(html).toContain('<option value="speech-audio" selected="">');
    expect(html).toContain('<option value="name" selected="">');
  });

  it.each([
    ["/tools?page=-1", "page"],
    ["/tools?page=abc", "page"],
    ["/tools?page=0", "page"],
    ["/tools?sort=price", "sort"],
    ["/tools?verdict=maybe", "verdict"],
    ["/tools?pricing=cheap", "pricing"],
    ["/tools?deployment=moon", "deployment"],
    ["/tools?category=not-a-category", "category"],
    ["/tools?q=(5,000 characters)", "q"],
    ["/tools?q=%FF%FE", "UTF-8"],
  ])("answers %s with a clear 400 page", async (label, word) => {
    const path = label.replace("(5,000 characters)", "a".repeat(5000));
    const { status, html } = await get(path);
    expect(status).toBe(400);
    expect(html).toContain(word);
    expect(html).toContain("<h1>");
  });

  it("answers a page past the end with a 404 that links back", async () => {
    const { status, html } = await get("/tools?page=99");
    expect(status).toBe(404);
    expect(html).toContain("There is no page 99");
  });

  it("escapes the search where it is shown", async () => {
    const { status, html } = await get(`/tools?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(status).toBe(200);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("/tools/:slug", () => {
  it("shows the card, every persona's four lens answers, pricing and linked competitors", async () => {
    const { status, html } = await get("/tools/smolvlm2-2b");
    expect(status).toBe(200);
    for (const lens of ["Builder", "Skeptic", "Futurist", "Founder"]) expect(html).toContain(`>${lens}</h3>`);
    for (const q of [
      "What is the primitive?",
      "Where does it break?",
      "Falsifiable thesis",
      "What is the moat?",
    ]) {
      expect(html).toContain(q);
    }
    expect(html.match(/<dt>/g)?.length).toBeGreaterThanOrEqual(16);
    expect(html).toContain("Apache-2.0");
    expect(html).toContain('href="/tools/moondream2"');
    expect(html).toContain('href="/compare/moondream2-vs-smolvlm2-2b"');
    expect(html).toContain("MobileVLM");
    expect(html).toContain("sample panel");
  });

  it("answers an unknown tool with a 404 suggesting the closest", async () => {
    const { status, html } = await get("/tools/olama");
    expect(status).toBe(404);
    expect(html).toContain('href="/tools/ollama"');
  });
});

describe("categories", () => {
  it("lists categories with counts and shows one with its tools", async () => {
    const list = await get("/categories");
    expect(list.status).toBe(200);
    expect(list.html.match(/<article class="card">/g)?.length).toBeGreaterThanOrEqual(8);
    const one = await get("/categories/vector-databases");
    expect(one.status).toBe(200);
    expect(cardSlugs(one.html)).toEqual(expect.arrayContaining(["pinecone", "qdrant", "pgvector"]));
  });

  it("answers an unknown category with a 404", async () => {
    const { status, html } = await get("/categories/vector-database");
    expect(status).toBe(404);
    expect(html).toContain('href="/categories/vector-databases"');
  });
});
