import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { signIn, type TestSession } from "../../../test/support/session.ts";
import type { ReviewInput } from "../../domain/catalog-schema.ts";
import { publishRevision } from "../panel/index.ts";

reportSkippedPostgres("thesis status on tool pages");

const ADMIN = "admin@example.com";
// the clock the app reads: GPT-4o's thesis (30 June 2026) is past due, Cursor's (31 July 2027) is not
const NOW = Date.parse("2026-11-24T12:00:00.000Z");
const NOTE = "Usage figures published in October show the opposite of the thesis.";

describe.each(testEngines())("a tool page's thesis status on %s", (engine) => {
  let t: TestApp;
  let admin: TestSession;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    t = await createTestApp(engine, { ADMIN_EMAILS: ADMIN });
    admin = await signIn(t, ADMIN);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await t?.dispose();
  });

  /** The Futurist's "Thesis date" entry on a tool's public page, as served to a signed-out reader. */
  async function thesisEntry(slug: string): Promise<string> {
    const res = await t.request(`/tools/${slug}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const lens = html.slice(html.indexOf('aria-labelledby="lens-futurist"'));
    const entry = lens.slice(lens.indexOf("<dt>Thesis date</dt>"));
    return entry.slice(0, entry.indexOf("</dd>"));
  }

  async function futuristRevision(slug: string) {
    return t.db.db
      .selectFrom("review_revisions")
      .innerJoin("tools", "tools.id", "review_revisions.tool_id")
      .select(["review_revisions.id", "tools.id as tool_id", "score", "verdict", "summary", "answers"])
      .where("tools.slug", "=", slug)
      .where("persona", "=", "futurist")
      .orderBy("revision", "desc")
      .executeTakeFirstOrThrow();
  }

  it("says when an upcoming thesis is due, in the site's date format", async () => {
    const entry = await thesisEntry("cursor");
    expect(entry).toContain('<a href="/methodology#predictions">Due 31 July 2027</a>');
    expect(entry).not.toContain("judgement");
  });

  it("shows a past-due thesis as awaiting judgement, then the judgement and its note once made", async () => {
    let entry = await thesisEntry("gpt-4o");
    expect(entry).toContain('30 June 2026 · <a href="/methodology#predictions">Awaiting judgement</a>');
    // the signed-out page is now cached; the judgement below must replace it
    expect(t.deps.cache.get("/tools/gpt-4o")).toBeDefined();

    const { id } = await futuristRevision("gpt-4o");
    const res = await admin.post("/admin/predictions", {
      prediction: String(id),
      outcome: "failed",
      note: NOTE,
    });
    expect(res.status).toBe(303);

    entry = await thesisEntry("gpt-4o");
    expect(entry).toContain('<a href="/methodology#predictions">Failed</a>, judged 24 November 2026');
    expect(entry).toContain(NOTE);
    expect(entry).not.toContain("Awaiting judgement");
    // other tools' theses are untouched by the judgement
    expect(await thesisEntry("llama-3-1")).toContain("Awaiting judgement");
  });

  it("follows the thesis the review states now: a new thesis starts again as due", async () => {
    const row = await futuristRevision("gpt-4o");
    const answers = JSON.parse(row.answers) as Record<string, string>;
    await t.db.db.transaction().execute(async (trx) => {
      await publishRevision(trx, {
        toolId: row.tool_id,
        persona: "futurist",
        review: {
          score: row.score,
          verdict: row.verdict,
          summary: row.summary,
          answers: {
            ...answers,
            thesis: "By March 2027, a fresh and checkable claim about GPT-4o will be true.",
            thesisDate: "2027-03-31",
          },
        } as ReviewInput,
        author: "Test panelist",
        authorId: null,
        provenance: "panelist",
        modelName: null,
        now: NOW,
      });
    });
    // published straight to the database here, so nothing cleared the page cache
    t.deps.cache.invalidate();
    const entry = await thesisEntry("gpt-4o");
    expect(entry).toContain('<a href="/methodology#predictions">Due 31 March 2027</a>');
    expect(entry).not.toContain("Failed");
    expect(entry).not.toContain(NOTE);
  });
});
