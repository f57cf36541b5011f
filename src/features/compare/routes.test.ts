import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";

const REF = "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b";
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.dispose());

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("the reference comparison", () => {
  let html: string;
  beforeAll(async () => {
    const res = await t.request(REF);
    expect(res.status).toBe(200);
    html = await res.text();
  });

  it("has the breadcrumb, title, label, question and the line naming its parts", () => {
    const body = text(html);
    expect(html).toContain('<a href="/compare">Compare</a>');
    expect(body).toContain("Gemini 2.5 Flash Native Audio Output vs SmolVLM2-2B");
    expect(html).toMatch(/<h1>\s*Gemini 2\.5 Flash Native Audio Output vs SmolVLM2-2B\s*<\/h1>/);
    expect(body).toContain("AI tool comparison");
    expect(body).toContain("Which one should you ship with?");
    expect(body).toContain("panel verdict, pricing read, reviewer split and community vote");
  });

  it("has a card per tool with monogram, category, best-for, badge, ship %, community, entry price, description and bookmark", () => {
    const cards = html.split('<article class="card"').slice(1);
    expect(cards).toHaveLength(2);
    for (const [card, letter] of [
      [cards[0] ?? "", "G"],
      [cards[1] ?? "", "S"],
    ] as const) {
      const body = text(card);
      expect(card).toContain(`<span class="monogram" aria-hidden="true">${letter}</span>`);
      expect(body).toContain("Developer Tools");
      expect(body).toContain("Best for:");
      expect(card).toContain('class="badge badge-ship">Ship</span>');
      expect(body).toContain("100% panel ship");
      expect(body).toContain("No community votes yet");
      expect(body).toContain("Entry: Free");
      expect(body).toContain("Bookmark");
    }
  });

  it("has the decision table with its five rows", () => {
    const table = html.slice(html.indexOf("Decision table"), html.indexOf("Reviewer scorecard"));
    for (const row of ["Panel verdict", "Community", "Pricing", "Best for", "Category"]) {
      expect(table).toContain(`<th scope="row">${row}</th>`);
    }
    expect(text(table).match(/Ship · 4 ship \/ 0 skip/g)).toHaveLength(2);
  });

  it("has all eight scores and verdicts with each rationale, and the reviewer split line", () => {
    const card = text(html.slice(html.indexOf("Reviewer scorecard"), html.indexOf("Pricing read")));
    for (const score of ["82/100", "76/100", "84/100", "78/100", "85/100", "78/100", "82/100", "72/100"]) {
      expect(card).toContain(score);
    }
    expect(card.match(/\/100 Ship/g)).toHaveLength(8);
    expect(card).toContain(
      "Reviewer split: Futurist +2 and Founder +6 lean Gemini 2.5 Flash Native Audio Output; Builder +3 and Skeptic +2 lean SmolVLM2-2B",
    );
    // every rationale cell has text after its verdict
    expect(
      html.slice(html.indexOf("Reviewer scorecard")).match(/<p class="small"[^>]*>[^<]{20,}<\/p>/g)?.length,
    ).toBeGreaterThanOrEqual(8);
  });

  it("has the pricing read, the newsletter call to action and the bookmarks panel", () => {
    const body = text(html);
    expect(body).toContain("Pricing read");
    expect(body).toContain("Either can be tried without paying.");
    expect(body).toContain("Weekly AI Tool Verdicts");
    expect(body).toContain("Get the next comparison in your inbox");
    expect(body).toContain("No bookmarks yet");
  });

  it("declares its canonical URL", () => {
    expect(html).toContain(`<link rel="canonical" href="http://localhost:3000${REF}"/>`);
  });
});

describe("comparison addresses", () => {
  it("redirects the reverse order permanently to the canonical URL", async () => {
    const res = await t.request("/compare/smolvlm2-2b-vs-gemini-2-5-flash-native-audio-output");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(REF);
  });

  it("redirects capitals and a trailing slash to the one address", async () => {
    const upper = await t.request("/compare/Cursor-vs-GitHub-Copilot");
    expect(upper.status).toBe(301);
    expect(upper.headers.get("location")).toBe("/compare/cursor-vs-github-copilot");
    const slash = await t.request("/tools/?q=audio");
    expect(slash.status).toBe(301);
    expect(slash.headers.get("location")).toBe("/tools?q=audio");
    const unicode = await t.request("/tools/%C3%9Cber-Tool");
    expect(unicode.status).toBe(301);
    expect(unicode.headers.get("location")).toBe("/tools/%C3%9Cber-tool");
    expect((await t.request("/tools/%C3%9Cber-tool")).status).toBe(404);
  });

  it("compares any two catalog tools", async () => {
    const res = await t.request("/compare/cursor-vs-github-copilot");
    expect(res.status).toBe(200);
    expect(text(await res.text())).toContain("Cursor vs GitHub Copilot");
  });

  it("answers an unknown slug with a 404 that suggests the closest tools", async () => {
    const res = await t.request("/compare/smolvlm-2b-vs-cursor");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("not in the catalog");
    expect(html).toContain('href="/tools/smolvlm2-2b"');
  });

  it("answers a tool compared with itself with a 404 offering real pairs", async () => {
    const res = await t.request("/compare/cursor-vs-cursor");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("cannot be compared with itself");
    expect(html).toContain('href="/compare/cursor-vs-github-copilot"');
  });

  it("answers an address without -vs- with a 404", async () => {
    const res = await t.request("/compare/cursor");
    expect(res.status).toBe(404);
  });

  it("escapes what it echoes from the URL", async () => {
    const res = await t.request("/compare/%3Cscript%3Ealert(1)%3C%2Fscript%3E-vs-cursor");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;");
  });
});

describe("/compare picker", () => {
  it("lists every tool in both pickers and the featured comparisons", async () => {
    const res = await t.request("/compare");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form class="filters" method="get" action="/compare">');
    expect(html.match(/<option value="cursor"/g)).toHaveLength(2);
    expect(html).toContain(`href="${REF}"`);
  });

  it("sends a picked pair to its canonical comparison", async () => {
    const res = await t.request("/compare?a=smolvlm2-2b&b=gemini-2-5-flash-native-audio-output");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(REF);
  });

  it("keeps one picked tool selected and rejects junk", async () => {
    const one = await t.request("/compare?a=cursor");
    expect(await one.text()).toContain('<option value="cursor" selected="">');
    expect((await t.request("/compare?a=%3Cb%3E&b=cursor")).status).toBe(400);
  });
});
