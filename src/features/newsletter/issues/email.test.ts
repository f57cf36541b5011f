import { describe, expect, it } from "vitest";
import { formatPeriod, introParagraphs, renderIssueEmail, splitByFollowed } from "./email.ts";
import { preferencesUrl, unsubscribeUrl } from "./links.ts";
import type { IssueContent, Recipient } from "./types.ts";

const SITE = "https://ship.example";
const EVIL = `Evil <script>alert("x")</script> & Sons`;

const content: IssueContent = {
  periodStart: "2027-03-01T09:00:00.000Z",
  periodEnd: "2027-03-08T09:00:00.000Z",
  verdicts: [
    {
      slug: "evil-tool",
      name: EVIL,
      category: { slug: "coding-assistants", name: "Coding <assistants>" },
      bestFor: "teams who like 'quotes' & <b>bold</b>",
      verdictLabel: "Ship",
      panelShipLabel: "75% panel ship",
      score: 71.25,
    },
    {
      slug: "vectors",
      name: "Vectorly",
      category: { slug: "vector-databases", name: "Vector Databases" },
      bestFor: "search",
      verdictLabel: "Panel in progress (2/4)",
      panelShipLabel: "50% panel ship",
      score: null,
    },
  ],
  comparisons: [
    {
      path: "/compare/aider-vs-cursor",
      a: { slug: "aider", name: "Aider" },
      b: { slug: "cursor", name: "Cursor" },
      category: { slug: "coding-assistants", name: "Coding <assistants>" },
      picks: 2,
    },
    {
      path: "/compare/pinecone-vs-qdrant",
      a: { slug: "pinecone", name: "Pinecone" },
      b: { slug: "qdrant", name: "Qdrant" },
      category: { slug: "vector-databases", name: "Vector Databases" },
      picks: 0,
    },
  ],
  movers: [
    {
      slug: "langfuse",
      name: "Langfuse",
      category: { slug: "llm-observability", name: "LLM Observability" },
      shipPercentBefore: 50,
      shipPercentNow: 75,
      votesInPeriod: 4,
    },
    {
      slug: "cursor",
      name: "Cursor",
      category: { slug: "coding-assistants", name: "Coding <assistants>" },
      shipPercentBefore: null,
      shipPercentNow: 100,
      votesInPeriod: 1,
    },
  ],
  mostCompared: {
    path: "/compare/pinecone-vs-qdrant",
    a: { slug: "pinecone", name: "Pinecone" },
    b: { slug: "qdrant", name: "Qdrant" },
    category: { slug: "vector-databases", name: "Vector Databases" },
    picks: 4,
  },
};

const issue = {
  number: 7,
  subject: `Weekly AI Tool Verdicts #7: ${EVIL} gets a Ship verdict`,
  intro: "Hello <friends> & readers,\nthis week is busy.\n\nSecond paragraph.",
  content,
};

const recipient: Recipient = {
  subscriberId: 3,
  email: "reader+news@example.com",
  unsubscribeToken: "tok_abc&123",
  followedCategories: ["vector-databases"],
};

/** Every href of an HTML document, entities decoded. */
function hrefs(doc: string): string[] {
  return [...doc.matchAll(/href="([^"]*)"/g)].map((m) => (m[1] ?? "").replace(/&amp;/g, "&"));
}

describe("the issue's text helpers", () => {
  it("splits the intro into paragraphs and lines", () => {
    expect(introParagraphs("  \n\nOne\r\ntwo\n \n\n Three \n")).toEqual([["One", "two"], ["Three"]]);
    expect(introParagraphs("   ")).toEqual([]);
  });

  it("writes the period compactly", () => {
    expect(formatPeriod("2027-03-01T09:00:00.000Z", "2027-03-08T09:00:00.000Z")).toBe("1–8 Mar 2027");
    expect(formatPeriod("2027-02-26T09:00:00.000Z", "2027-03-05T09:00:00.000Z")).toBe("26 Feb – 5 Mar 2027");
    expect(formatPeriod("2026-12-28T09:00:00.000Z", "2027-01-04T09:00:00.000Z")).toBe(
      "28 Dec 2026 – 4 Jan 2027",
    );
  });
});

describe("followed categories", () => {
  it("moves the followed categories' items into a lead section, each item once", () => {
    const split = splitByFollowed(content, ["vector-databases"]);
    expect(split.followed?.verdicts.map((v) => v.slug)).toEqual(["vectors"]);
    expect(split.followed?.comparisons.map((c) => c.path)).toEqual(["/compare/pinecone-vs-qdrant"]);
    expect(split.followed?.mostCompared?.path).toBe("/compare/pinecone-vs-qdrant");
    expect(split.rest.verdicts.map((v) => v.slug)).toEqual(["evil-tool"]);
    expect(split.rest.mostCompared).toBeNull();
    expect(splitByFollowed(content, []).followed).toBeNull();
  });
});

describe("renderIssueEmail", () => {
  const mail = renderIssueEmail({ issue, recipient, siteUrl: SITE });
  const anonymous = renderIssueEmail({ issue, siteUrl: SITE });

  it("escapes every piece of catalog and intro text", () => {
    expect(mail.html).not.toContain("<script");
    expect(mail.html).toContain("Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons");
    expect(mail.html).toContain("Coding &lt;assistants&gt;");
    expect(mail.html).toContain("teams who like &#39;quotes&#39; &amp; &lt;b&gt;bold&lt;/b&gt;");
    expect(mail.html).toContain("Hello &lt;friends&gt; &amp; readers,<br>this week is busy.");
    expect(mail.html).not.toContain("<b>bold</b>");
    expect(mail.html).not.toContain("<friends>");
    // the subject in <title> too
    expect(mail.html).toContain(`<title>Weekly AI Tool Verdicts #7: Evil &lt;script&gt;`);
    expect(mail.subject).toBe(issue.subject);
  });

  it("is a whole document laid out with presentation tables and inline styles only", () => {
    expect(mail.html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(mail.html).toContain("</html>");
    expect(mail.html).toMatch(/<table role="presentation"[^>]*max-width:600px/);
    const tables = mail.html.match(/<table\b[^>]*>/g) ?? [];
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect(t).toContain('role="presentation"');
    expect(mail.html).not.toMatch(/<style\b/i);
    expect(mail.html).not.toMatch(/<link\b/i);
    expect(mail.html).not.toMatch(/\sclass=/i);
    expect(mail.html).not.toMatch(/<img\b/i);
    expect(mail.html).not.toMatch(/<script\b/i);
    expect(mail.html).toMatch(/font-size:16px/);
  });

  it("links only to absolute addresses on the site", () => {
    const links = hrefs(mail.html);
    expect(links.length).toBeGreaterThan(5);
    for (const l of links) expect(l.startsWith(`${SITE}/`) || l === SITE).toBe(true);
    expect(links).toContain(`${SITE}/tools/evil-tool`);
    expect(links).toContain(`${SITE}/compare/aider-vs-cursor`);
    expect(links).toContain(`${SITE}/tools/langfuse`);
  });

  it("leads with the followed categories under a heading that says so", () => {
    // the subject in <title> names a tool too: look in the body only
    const body = mail.html.slice(mail.html.indexOf("<body"));
    const lead = body.indexOf("From the categories you follow");
    const vectors = body.indexOf("Vectorly");
    const evil = body.indexOf("Evil &lt;script");
    expect(lead).toBeGreaterThan(-1);
    expect(vectors).toBeGreaterThan(lead);
    expect(evil).toBeGreaterThan(vectors);
    // the most compared pair is in a followed category, so it comes before the other verdicts
    expect(body.indexOf(`${SITE}/compare/pinecone-vs-qdrant`)).toBeLessThan(evil);
    expect(mail.text.indexOf("FROM THE CATEGORIES YOU FOLLOW")).toBeGreaterThan(-1);
    expect(mail.text.indexOf("Vectorly")).toBeLessThan(mail.text.indexOf(EVIL));

    const unfollowed = renderIssueEmail({
      issue,
      recipient: { ...recipient, followedCategories: [] },
      siteUrl: SITE,
    });
    expect(unfollowed.html).not.toContain("From the categories you follow");
    const plainBody = unfollowed.html.slice(unfollowed.html.indexOf("<body"));
    expect(plainBody.indexOf("Evil &lt;script")).toBeLessThan(plainBody.indexOf("Vectorly"));

    const nothingThere = renderIssueEmail({
      issue,
      recipient: { ...recipient, followedCategories: ["image-generation"] },
      siteUrl: SITE,
    });
    expect(nothingThere.html).toContain("Nothing new in your categories this week");
    expect(nothingThere.text).toContain("Nothing new in your categories this week");
  });

  it("has a plain-text part with the same content and every link of the HTML", () => {
    expect(mail.text).toContain(EVIL);
    expect(mail.text).toContain("Best for: teams who like 'quotes' & <b>bold</b>");
    expect(mail.text).toContain("Langfuse: 50% → 75% ship");
    expect(mail.text).toContain("Cursor: first votes: 100% ship");
    expect(mail.text).toContain("Hello <friends> & readers,\nthis week is busy.\n\nSecond paragraph.");
    for (const l of hrefs(mail.html)) expect(mail.text).toContain(l);
    for (const l of hrefs(anonymous.html)) expect(anonymous.text).toContain(l);
  });

  it("carries the unsubscribe and preferences links only with a recipient", () => {
    const unsubscribe = unsubscribeUrl(SITE, recipient.unsubscribeToken);
    const preferences = preferencesUrl(SITE, recipient.unsubscribeToken);
    expect(hrefs(mail.html)).toContain(unsubscribe);
    expect(hrefs(mail.html)).toContain(preferences);
    expect(mail.html).toContain(">Unsubscribe</a>");
    expect(mail.text).toContain(`Unsubscribe: ${unsubscribe}`);
    expect(mail.text).toContain(`Choose your categories: ${preferences}`);
    expect(mail.html).toContain("reader+news@example.com");

    for (const part of [anonymous.html, anonymous.text]) {
      expect(part).not.toContain("unsubscribe");
      expect(part).not.toContain("preferences");
      expect(part).not.toContain("token=");
      expect(part).not.toContain("@example.com");
    }
    expect(anonymous.text).toContain(`Subscribe: ${SITE}/newsletter`);
  });

  it("says so when the week was quiet", () => {
    const quiet = renderIssueEmail({
      issue: {
        ...issue,
        intro: "",
        content: { ...content, verdicts: [], comparisons: [], movers: [], mostCompared: null },
      },
      siteUrl: SITE,
    });
    expect(quiet.html).toContain("A quiet week");
    expect(quiet.text).toContain("A quiet week");
    expect(quiet.html).not.toContain("New panel verdicts");
  });
});
