import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { form, signIn, type TestSession } from "../../../test/support/session.ts";
import type { Persona } from "../../domain/catalog-schema.ts";
import { CLI_ACTOR } from "../audit/index.ts";
import { grantRoleAudited } from "../moderation/index.ts";
import { findToolRefs } from "../tools/index.ts";
import { listDrafts, saveDraft } from "./store.ts";
import { recomputePanel } from "./verdicts.ts";

reportSkippedPostgres("panel workflow");

const ADMIN = "admin@example.com";
const ADA = "ada@example.com";
const GRACE = "grace@example.com";
const READER = "reader@example.com";

/** Every field of a valid review for a persona, with some overridden. */
function reviewFields(persona: Persona, overrides: Record<string, string> = {}): Record<string, string> {
  const answers: Record<Persona, Record<string, string>> = {
    builder: {
      answer_primitive: "A terminal pair programmer that edits files in git.",
      answer_dxBet: "Chat in the terminal beats a plugin in the editor.",
      answer_momentOfTruth: "The first multi-file refactor that lands as a clean commit.",
      answer_decision: "Committing every change, so undo is git's job.",
    },
    skeptic: {
      answer_category: "AI coding agents; competes with Cursor and Claude Code.",
      answer_breaksWhere: "Large monorepos where the repo map overflows the context.",
      answer_killer: "Editors shipping the same agent loop built in.",
      answer_survival: "Staying the best open choice for any model.",
    },
    futurist: {
      answer_thesis: "By 2028 most commits in small teams start in an agent.",
      answer_thesisDate: "2028-06-30",
      answer_dependency: "Models keep getting cheaper per token.",
      answer_secondOrder: "Code review becomes the bottleneck.",
      answer_timing: "on-time",
    },
    founder: {
      answer_buyer: "Individual developers, from their own pocket.",
      answer_moat: "Community and model neutrality.",
      answer_tenXCheaper: "More people run it all day.",
      answer_viability: "Staying free and open, funded by sponsors.",
    },
  };
  return {
    ...answers[persona],
    score: "71",
    verdict: "ship",
    summary: "Solid and honest about what it changes.",
    ...overrides,
  };
}

/** The hidden fields a persona form carries, read from its page. */
function hiddenFields(html: string): { base_revision: string; draft_stamp: string } {
  const base = /name="base_revision" value="([^"]*)"/.exec(html)?.[1];
  const stamp = /name="draft_stamp" value="([^"]*)"/.exec(html)?.[1];
  if (base === undefined || stamp === undefined) throw new Error("the form has no hidden fields");
  return { base_revision: base, draft_stamp: stamp };
}

/** The part of the queue page from a section's heading up to the next section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start === -1) throw new Error(`no section ${id}`);
  const end = html.indexOf("<section", start);
  return html.slice(start, end === -1 ? undefined : end);
}

describe.each(testEngines())("panel workflow on %s", (engine) => {
  let t: TestApp;
  let ada: TestSession;
  let grace: TestSession;
  let reader: TestSession;
  const db = () => t.db.db;

  beforeAll(async () => {
    t = await createTestApp(engine, { ADMIN_EMAILS: ADMIN });
    for (const email of [ADA, GRACE]) {
      await grantRoleAudited(db(), { actor: CLI_ACTOR, email, role: "panelist", reason: "joins the panel" });
    }
    [ada, grace, reader] = await Promise.all([signIn(t, ADA), signIn(t, GRACE), signIn(t, READER)]);
    // aider loses its whole panel, ollama its founder: a missing and a partial panel
    await removeReviews("aider", ["builder", "skeptic", "futurist", "founder"]);
    await removeReviews("ollama", ["founder"]);
  });
  afterAll(() => t?.dispose());

  async function toolId(slug: string): Promise<number> {
    const [ref] = await findToolRefs(db(), [slug]);
    if (!ref) throw new Error(`seed has no ${slug}`);
    return ref.id;
  }

  async function removeReviews(slug: string, personas: Persona[]): Promise<void> {
    const id = await toolId(slug);
    await db()
      .transaction()
      .execute(async (trx) => {
        const ids = await trx
          .selectFrom("reviews")
          .select("id")
          .where("tool_id", "=", id)
          .where("persona", "in", personas)
          .execute();
        if (ids.length > 0) {
          await trx
            .deleteFrom("review_answers")
            .where(
              "review_id",
              "in",
              ids.map((r) => r.id),
            )
            .execute();
          await trx
            .deleteFrom("reviews")
            .where("tool_id", "=", id)
            .where("persona", "in", personas)
            .execute();
        }
        await trx
          .deleteFrom("review_revisions")
          .where("tool_id", "=", id)
          .where("persona", "in", personas)
          .execute();
        await recomputePanel(trx, id);
      });
  }

  async function revisions(slug: string, persona: Persona) {
    return db()
      .selectFrom("review_revisions")
      .select(["revision", "score", "verdict", "author", "provenance", "model_name", "published_at"])
      .where("tool_id", "=", await toolId(slug))
      .where("persona", "=", persona)
      .orderBy("revision")
      .execute();
  }

  async function draftOf(slug: string, persona: Persona) {
    return (await listDrafts(db(), [await toolId(slug)])).find((d) => d.persona === persona);
  }

  async function publishAudits(slug: string) {
    const rows = await db()
      .selectFrom("audit_log")
      .select(["actor_email", "action", "subject", "detail"])
      .where("action", "=", "review.publish")
      .where("subject", "=", `tool:${slug}`)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
  }

  async function formOf(session: TestSession, slug: string, persona: Persona) {
    const res = await session.get(`/panel/tools/${slug}/${persona}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    return { html, hidden: hiddenFields(html) };
  }

  it("keeps readers and signed-out visitors out, and lets panelists in", async () => {
    // the header offers the panel to those who can use it
    expect(await (await reader.get("/tools")).text()).not.toContain('href="/panel"');
    expect(await (await ada.get("/tools")).text()).toContain('<a href="/panel">Panel</a>');
    expect((await reader.get("/panel")).status).toBe(403);
    expect((await reader.get("/panel/tools/cursor")).status).toBe(403);
    expect((await reader.get("/panel/tools/cursor/builder")).status).toBe(403);
    const fields = { ...reviewFields("builder"), base_revision: "1", draft_stamp: "" };
    expect((await reader.post("/panel/tools/cursor/builder/save", fields)).status).toBe(403);
    expect((await reader.post("/panel/tools/cursor/builder/publish", fields)).status).toBe(403);
    expect((await reader.post("/panel/byline", { display_name: "Reader" })).status).toBe(403);

    const signedOut = await t.request("/panel");
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/sign-in?next=%2Fpanel");
    expect((await t.request("/panel/tools/cursor/builder/publish", form(fields))).status).toBe(401);
    expect((await t.request("/panel/tools/cursor/builder/save", form(fields))).status).toBe(401);
    expect(await revisions("cursor", "builder")).toHaveLength(1);

    const res = await ada.get("/panel");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<h1>The panel&#39;s queue</h1>");
    // an admin holds every permission, the panel's included
    expect((await (await signIn(t, ADMIN)).get("/panel")).status).toBe(200);
  });

  it("lists missing, partial and stale panels with each persona's state", async () => {
    const html = await (await ada.get("/panel")).text();
    const missing = section(html, "queue-missing");
    expect(missing).toContain('href="/panel/tools/aider"');
    expect(missing).toContain('href="/panel/tools/aider/builder"');
    expect(missing).toContain("0/4 published");
    const partial = section(html, "queue-partial");
    expect(partial).toContain('href="/panel/tools/ollama"');
    expect(partial).toContain("3/4 published");
    // the starter reviews of January 2026 are far older than 180 days
    const stale = section(html, "queue-stale");
    expect(stale).toContain('href="/panel/tools/langchain"');
    expect(stale).toContain("· stale");
    expect(stale).not.toContain('/panel/tools/aider"');
    expect(section(html, "drafts-heading")).toContain("No drafts in progress.");
  });

  it("sets a byline: trimmed, checked, required before publishing", async () => {
    const before = await (await grace.get("/panel")).text();
    expect(before).toContain("set your byline");

    for (const [value, message] of [
      ["A", "at least 2 characters"],
      ["ada@example.com", "not an email address"],
      ["x".repeat(61), "60 characters or fewer"],
      ["Sample Panel", "starter reviews"],
    ] as const) {
      const res = await ada.post("/panel/byline", { display_name: value });
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain(message);
      expect(page).toContain('aria-invalid="true"');
    }
    const saved = await ada.post("/panel/byline", { display_name: "  Ada    Lovelace " });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/panel?done=byline#byline-heading");
    const page = await (await ada.get("/panel?done=byline")).text();
    expect(page).toContain("your reviews will be published as “Ada Lovelace”");
    const row = await db()
      .selectFrom("users")
      .select("display_name")
      .where("email", "=", ADA)
      .executeTakeFirst();
    expect(row?.display_name).toBe("Ada Lovelace");

    // Grace has no byline: her valid review is refused and kept on screen
    const { hidden } = await formOf(grace, "ollama", "founder");
    const res = await grace.post("/panel/tools/ollama/founder/publish", {
      ...reviewFields("founder"),
      ...hidden,
    });
    expect(res.status).toBe(400);
    const refused = await res.text();
    expect(refused).toContain("set your byline");
    expect(refused).toContain("Community and model neutrality.");
    expect(await revisions("ollama", "founder")).toHaveLength(0);
  });

  it("refuses to save an empty draft, which would only hold the persona's place in the queue", async () => {
    const { hidden } = await formOf(ada, "aider", "skeptic");
    const res = await ada.post("/panel/tools/aider/skeptic/save", hidden);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Nothing to save yet");
    expect(await listDrafts(db())).toEqual([]);
  });

  it("refuses a Futurist thesis dated in the past unless a revision keeps the one already published", async () => {
    // gpt-4o's published thesis fell due on 2026-06-30
    const { hidden } = await formOf(ada, "gpt-4o", "futurist");
    const first = await db()
      .selectFrom("review_revisions")
      .select("answers")
      .where("tool_id", "=", await toolId("gpt-4o"))
      .where("persona", "=", "futurist")
      .executeTakeFirstOrThrow();
    const keptThesis = String(JSON.parse(first.answers).thesis);
    expect(keptThesis).toContain("By June 30, 2026");
    const fields = { ...reviewFields("futurist"), ...hidden, answer_thesisDate: "2026-06-30" };

    const restated = await ada.post("/panel/tools/gpt-4o/futurist/publish", {
      ...fields,
      answer_thesis: "By June 30, 2026, something else.",
    });
    expect(restated.status).toBe(400);
    expect(await restated.text()).toContain("A new thesis needs a date after today");
    expect(await revisions("gpt-4o", "futurist")).toHaveLength(1);

    const kept = await ada.post("/panel/tools/gpt-4o/futurist/publish", {
      ...fields,
      answer_thesis: keptThesis,
    });
    expect(kept.status).toBe(303);
    expect(await revisions("gpt-4o", "futurist")).toHaveLength(2);
  });

  it("saves, resumes, publishes, revises and keeps the history, with fresh pages and audit entries", async () => {
    // a new review: the form starts empty
    const first = await formOf(ada, "aider", "builder");
    expect(first.html).toContain("Nothing is published for this persona yet");
    expect(first.hidden).toEqual({ base_revision: "", draft_stamp: "" });

    // a draft may be partial, but what is there must fit
    const tooHigh = await ada.post("/panel/tools/aider/builder/save", {
      ...first.hidden,
      answer_primitive: "A terminal pair programmer.",
      score: "150",
    });
    expect(tooHigh.status).toBe(400);
    const tooHighPage = await tooHigh.text();
    expect(tooHighPage).toContain("Give a whole number from 0 to 100.");
    expect(tooHighPage).toContain("A terminal pair programmer.");
    expect(await draftOf("aider", "builder")).toBeUndefined();

    const saved = await ada.post("/panel/tools/aider/builder/save", {
      ...first.hidden,
      answer_primitive: "  A terminal pair programmer.  ",
      score: "64",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/panel/tools/aider/builder?done=saved");
    const draft = await draftOf("aider", "builder");
    expect(draft).toMatchObject({
      provenance: "panelist",
      author: "Ada Lovelace",
      baseRevision: null,
      fields: { score: 64, answers: { primitive: "A terminal pair programmer." } },
    });

    // resumed: the draft fills the form, and the queue lists it
    const resumed = await formOf(ada, "aider", "builder");
    expect(resumed.html).toContain("Resuming the draft saved by Ada Lovelace");
    expect(resumed.html).toMatch(/name="answer_primitive"[^>]*>A terminal pair programmer\.<\/textarea>/);
    expect(resumed.html).toMatch(/name="score"[^>]*value="64"/);
    expect(resumed.hidden.draft_stamp).toBe(draft?.updatedAt);
    const queue = await (await ada.get("/panel")).text();
    expect(section(queue, "drafts-heading")).toContain("draft by Ada Lovelace");
    expect(section(queue, "drafts-heading")).toContain('href="/panel/tools/aider/builder"');

    // publishing an incomplete review: 400, messages by the fields, values and draft kept
    const incomplete = await ada.post("/panel/tools/aider/builder/publish", {
      ...resumed.hidden,
      answer_primitive: "A terminal pair programmer.",
      score: "64",
      summary: "",
    });
    expect(incomplete.status).toBe(400);
    const incompletePage = await incomplete.text();
    expect(incompletePage).toContain('id="f-answer_dxBet-error"');
    expect(incompletePage).toContain("Answer this question.");
    expect(incompletePage).toContain("Choose ship or skip.");
    expect(incompletePage).toContain("Write the rationale readers see");
    expect(incompletePage).toMatch(/name="score"[^>]*value="64"/);
    expect(incompletePage).toMatch(/name="answer_dxBet"[^>]*aria-invalid="true"/);
    expect(await draftOf("aider", "builder")).toMatchObject({ fields: { score: 64 } });
    expect(await revisions("aider", "builder")).toHaveLength(0);

    // the public page is cached for visitors before the publication…
    const before = await (await t.request("/tools/aider")).text();
    expect(before).toContain("Panel in progress (0/4)");
    expect(t.deps.cache.get("/tools/aider")).toBeDefined();

    const published = await ada.post("/panel/tools/aider/builder/publish", {
      ...resumed.hidden,
      ...reviewFields("builder", { score: "64" }),
    });
    expect(published.status).toBe(303);
    expect(published.headers.get("location")).toBe(
      "/panel/tools/aider?done=published&persona=builder&revision=1",
    );
    // …and dropped at once after it
    expect(t.deps.cache.get("/tools/aider")).toBeUndefined();
    const notice = await (await ada.get(published.headers.get("location") ?? "")).text();
    expect(notice).toContain("Published revision 1 of the Builder review.");
    expect(await draftOf("aider", "builder")).toBeUndefined();

    const after = await (await t.request("/tools/aider")).text();
    expect(after).toContain("Panel in progress (1/4)");
    expect(after).toContain('<span class="score">64/100</span>');
    expect(after).toContain("By Ada Lovelace, published");
    expect(after).toContain("Verdict history");
    const tools = await db()
      .selectFrom("tools")
      .select(["panel_published", "panel_score"])
      .where("slug", "=", "aider")
      .executeTakeFirstOrThrow();
    expect(tools).toEqual({ panel_published: 1, panel_score: 64 });

    // revising: the form starts from the published review
    const revise = await formOf(ada, "aider", "builder");
    expect(revise.hidden).toEqual({ base_revision: "1", draft_stamp: "" });
    expect(revise.html).toContain("Revision 1 is published");
    expect(revise.html).toMatch(/name="score"[^>]*value="64"/);
    const revised = await ada.post("/panel/tools/aider/builder/publish", {
      ...revise.hidden,
      ...reviewFields("builder", {
        score: "41",
        verdict: "skip",
        summary: "Second look: too rough for teams.",
      }),
    });
    expect(revised.status).toBe(303);
    expect(revised.headers.get("location")).toContain("revision=2");

    const history = await revisions("aider", "builder");
    expect(history.map((r) => [r.revision, r.score, r.verdict, r.author])).toEqual([
      [1, 64, "ship", "Ada Lovelace"],
      [2, 41, "skip", "Ada Lovelace"],
    ]);
    const page = await (await t.request("/tools/aider")).text();
    expect(page).toContain('<span class="score">41/100</span>');
    expect(page).toContain("Second look: too rough for teams.");
    const today = new Date().toISOString().slice(0, 10);
    const dateText = new Date(`${today}T00:00:00Z`).toLocaleDateString("en-GB", {
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    });
    const historyHtml = page.slice(
      page.indexOf('id="history-heading"'),
      page.indexOf('id="pricing-heading"'),
    );
    expect(historyHtml).toMatch(
      new RegExp(
        `<td>2</td><td>${dateText}</td><td class="num">41</td><td><span class="badge badge-skip">Skip</span></td><td>by Ada Lovelace</td>`,
      ),
    );
    expect(historyHtml).toMatch(
      new RegExp(
        `<td>1</td><td>${dateText}</td><td class="num">64</td><td><span class="badge badge-ship">Ship</span></td><td>by Ada Lovelace</td>`,
      ),
    );
    expect(historyHtml.indexOf("<td>2</td>")).toBeLessThan(historyHtml.indexOf("<td>1</td>"));
    expect(historyHtml).toContain("1 revision since the first reviews");

    const audits = await publishAudits("aider");
    expect(audits).toEqual([
      {
        actor_email: ADA,
        action: "review.publish",
        subject: "tool:aider",
        detail: { persona: "builder", revision: 1, score: 64, verdict: "ship", provenance: "panelist" },
      },
      {
        actor_email: ADA,
        action: "review.publish",
        subject: "tool:aider",
        detail: { persona: "builder", revision: 2, score: 41, verdict: "skip", provenance: "panelist" },
      },
    ]);
  });

  it("refuses a publication over a revision the panelist has not seen, keeping their text", async () => {
    const stale = {
      ...reviewFields("builder", { summary: "Written against revision 1." }),
      base_revision: "1",
      draft_stamp: "",
    };
    const res = await ada.post("/panel/tools/aider/builder/publish", stale);
    expect(res.status).toBe(409);
    const page = await res.text();
    expect(page).toContain("Nothing was published. Ada Lovelace published revision 2");
    expect(page).toContain("Written against revision 1.");
    // the refreshed form now carries revision 2, so publishing again is a deliberate choice
    expect(hiddenFields(page).base_revision).toBe("2");
    expect(await revisions("aider", "builder")).toHaveLength(2);
  });

  it("lets only one of two simultaneous publications of a persona through", async () => {
    await grace.post("/panel/byline", { display_name: "Grace Hopper" });
    const { hidden } = await formOf(ada, "aider", "skeptic");
    const [one, two] = await Promise.all([
      ada.post("/panel/tools/aider/skeptic/publish", {
        ...hidden,
        ...reviewFields("skeptic", { score: "60" }),
      }),
      grace.post("/panel/tools/aider/skeptic/publish", {
        ...hidden,
        ...reviewFields("skeptic", { score: "30" }),
      }),
    ]);
    expect([one.status, two.status].sort()).toEqual([303, 409]);
    const list = await revisions("aider", "skeptic");
    expect(list.map((r) => r.revision)).toEqual([1]);
    expect((await publishAudits("aider")).filter((a) => a.detail.persona === "skeptic")).toHaveLength(1);
  });

  it("refuses to save over a draft someone else saved after the form was opened", async () => {
    const opened = await formOf(ada, "ollama", "founder");
    const graceSaves = await grace.post("/panel/tools/ollama/founder/save", {
      ...(await formOf(grace, "ollama", "founder")).hidden,
      answer_buyer: "Grace's buyer.",
    });
    expect(graceSaves.status).toBe(303);
    const res = await ada.post("/panel/tools/ollama/founder/save", {
      ...opened.hidden,
      answer_buyer: "Ada's buyer.",
    });
    expect(res.status).toBe(409);
    const page = await res.text();
    expect(page).toContain("Nothing was saved. Grace Hopper saved this draft");
    expect(page).toContain("Ada&#39;s buyer.");
    expect(await draftOf("ollama", "founder")).toMatchObject({
      fields: { answers: { buyer: "Grace's buyer." } },
    });

    // discarding needs the current draft too
    const current = await formOf(ada, "ollama", "founder");
    expect(
      (await ada.post("/panel/tools/ollama/founder/discard", { draft_stamp: "2000-01-01T00:00:00.000Z" }))
        .status,
    ).toBe(409);
    const discarded = await ada.post("/panel/tools/ollama/founder/discard", {
      draft_stamp: current.hidden.draft_stamp,
    });
    expect(discarded.status).toBe(303);
    expect(discarded.headers.get("location")).toBe("/panel/tools/ollama?done=discarded&persona=founder");
    expect(await draftOf("ollama", "founder")).toBeUndefined();
  });

  it("publishes a model's draft with its provenance: drafted by the model, edited by the panelist", async () => {
    const id = await toolId("cursor");
    await saveDraft(db(), {
      toolId: id,
      persona: "skeptic",
      fields: {
        score: 58,
        verdict: "ship",
        summary: "The model's first take.",
        answers: Object.fromEntries(
          Object.entries(reviewFields("skeptic"))
            .filter(([k]) => k.startsWith("answer_"))
            .map(([k, v]) => [k.slice("answer_".length), v]),
        ),
      },
      provenance: "model",
      modelName: "test-model",
      authorId: null,
      author: "test-model",
      baseRevision: 1,
    });
    const queue = await (await ada.get("/panel")).text();
    expect(section(queue, "drafts-heading")).toContain("model draft by test-model");

    const opened = await formOf(ada, "cursor", "skeptic");
    expect(opened.html).toContain("Drafted by test-model on");
    expect(opened.html).toContain("check and edit before publishing");
    expect(opened.html).toContain("The model&#39;s first take.");

    // a panelist's save keeps the model's provenance
    const edited = await ada.post("/panel/tools/cursor/skeptic/save", {
      ...opened.hidden,
      ...reviewFields("skeptic", { score: "58", summary: "Edited: a strong editor with a crowded field." }),
    });
    expect(edited.status).toBe(303);
    expect(await draftOf("cursor", "skeptic")).toMatchObject({
      provenance: "model",
      modelName: "test-model",
      author: "Ada Lovelace",
    });
    const again = await formOf(ada, "cursor", "skeptic");
    expect(again.html).toContain("Last saved by Ada Lovelace");

    const published = await ada.post("/panel/tools/cursor/skeptic/publish", {
      ...again.hidden,
      ...reviewFields("skeptic", { score: "58", summary: "Edited: a strong editor with a crowded field." }),
    });
    expect(published.status).toBe(303);
    const [, latest] = await revisions("cursor", "skeptic");
    expect(latest).toMatchObject({
      revision: 2,
      provenance: "model",
      model_name: "test-model",
      author: "Ada Lovelace",
    });

    const page = await (await t.request("/tools/cursor")).text();
    expect(page).toContain("Drafted by test-model, edited by Ada Lovelace, published");
    expect(page).toContain("<td>drafted by test-model, edited by Ada Lovelace</td>");
    expect(page).toContain("<td>by the sample panel</td>");
    expect((await publishAudits("cursor")).map((a) => a.detail)).toEqual([
      {
        persona: "skeptic",
        revision: 2,
        score: 58,
        verdict: "ship",
        provenance: "model",
        model: "test-model",
      },
    ]);

    // the comparison's scorecard names the model in the review's cell
    const compare = await (await t.request("/compare/cursor-vs-github-copilot")).text();
    expect(compare).toContain("Drafted by test-model, edited by Ada Lovelace");
  });

  it("answers unknown tools and personas with 404", async () => {
    expect((await ada.get("/panel/tools/no-such-tool")).status).toBe(404);
    expect((await ada.get("/panel/tools/no-such-tool/builder")).status).toBe(404);
    expect((await ada.get("/panel/tools/cursor/critic")).status).toBe(404);
    const bad = await ada.post("/panel/tools/cursor/builder/save", { base_revision: "x", draft_stamp: "" });
    expect(bad.status).toBe(400);
  });
});

describe("panel write limits", () => {
  let t: TestApp;
  afterAll(() => t?.dispose());

  it("refuses a panelist's writes past the per-minute limit with 429", async () => {
    t = await createTestApp("sqlite");
    await grantRoleAudited(t.db.db, {
      actor: CLI_ACTOR,
      email: ADA,
      role: "panelist",
      reason: "joins the panel",
    });
    const ada = await signIn(t, ADA);
    for (let i = 0; i < 60; i++) {
      expect((await ada.post("/panel/byline", { display_name: `Ada ${i}` })).status).toBe(303);
    }
    const refused = await ada.post("/panel/tools/cursor/builder/save", {
      base_revision: "1",
      draft_stamp: "",
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect(await listDrafts(t.db.db)).toEqual([]);
  });
});
