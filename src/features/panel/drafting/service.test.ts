import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createTestDatabase,
  reportSkippedPostgres,
  type TestDatabase,
  testEngines,
} from "../../../../test/support/db.ts";
import { draftsOf, failingDb, removePanel } from "../../../../test/support/drafting.ts";
import {
  type FakeLlm,
  sampleReview,
  sampleThesisDate,
  startFakeLlm,
} from "../../../../test/support/fake-llm.ts";
import type { LlmConfig } from "../../../config.ts";
import { PERSONAS, type Persona, reviewSchemas } from "../../../domain/catalog-schema.ts";
import { ensureUser } from "../../accounts/index.ts";
import { CLI_ACTOR } from "../../audit/index.ts";
import { getTool } from "../../tools/index.ts";
import { saveDraft } from "../store.ts";
import { createLlmClient, strictJsonSchema } from "./client.ts";
import { buildReviewPrompt, personaQuestions } from "./prompt.ts";
import {
  type DraftingDeps,
  draftAllMissing,
  draftPanel,
  type PersonaOutcome,
  type PersonaState,
  planPersonas,
  type ToolDraftReport,
} from "./service.ts";

reportSkippedPostgres("model drafting");

const MODEL = "fake-model:8b";

describe("planPersonas", () => {
  const none: PersonaState = { publishedRevision: null, draft: null };
  const states = (over: Partial<Record<Persona, PersonaState>>) =>
    Object.fromEntries(PERSONAS.map((p) => [p, over[p] ?? none])) as Record<Persona, PersonaState>;

  it("by default asks only for personas with no published review and no draft", () => {
    const plan = planPersonas(
      states({
        builder: { publishedRevision: 2, draft: null },
        skeptic: { publishedRevision: null, draft: { provenance: "model", authorId: null } },
        founder: { publishedRevision: null, draft: { provenance: "panelist", authorId: 7 } },
      }),
    );
    expect(plan.ask).toEqual([{ persona: "futurist", replaces: false, baseRevision: null }]);
    expect(plan.skipped.map((s) => s.persona)).toEqual(["builder", "skeptic", "founder"]);
  });

  it("by name drafts revisions and replaces model drafts, but never a panelist's draft", () => {
    const plan = planPersonas(
      states({
        builder: { publishedRevision: 2, draft: null },
        skeptic: { publishedRevision: 1, draft: { provenance: "model", authorId: null } },
        // a model's draft a panelist has saved since keeps provenance "model" but is theirs now
        futurist: { publishedRevision: null, draft: { provenance: "model", authorId: 7 } },
        founder: { publishedRevision: null, draft: { provenance: "panelist", authorId: 7 } },
      }),
      ["founder", "builder", "skeptic", "futurist"],
    );
    expect(plan.ask).toEqual([
      { persona: "builder", replaces: false, baseRevision: 2 },
      { persona: "skeptic", replaces: true, baseRevision: 1 },
    ]);
    expect(plan.skipped.map((s) => [s.persona, s.status])).toEqual([
      ["futurist", "skipped"],
      ["founder", "skipped"],
    ]);
  });
});

describe("the prompt", () => {
  it.each(PERSONAS)("asks the %s every answer the review form has, in the form's order", (persona) => {
    expect(personaQuestions(persona).map((q) => q.key)).toEqual(
      Object.keys(reviewSchemas[persona].shape.answers.shape),
    );
  });
});

describe.each(testEngines())("model drafting on %s", (engine) => {
  let t: TestDatabase;
  let fake: FakeLlm;
  const db = () => t.db;

  beforeAll(async () => {
    [t, fake] = await Promise.all([createTestDatabase(engine), startFakeLlm()]);
  });
  afterAll(async () => {
    await Promise.all([t?.dispose(), fake?.close()]);
  });
  beforeEach(() => fake.reset());

  function deps(over: Partial<LlmConfig> = {}, extra: Partial<DraftingDeps> = {}): DraftingDeps {
    const llm: LlmConfig = {
      baseUrl: fake.baseUrl,
      model: MODEL,
      apiKey: "sk-test",
      timeoutMs: 2_000,
      concurrency: 2,
      ...over,
    };
    const client = createLlmClient(llm, {
      retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 },
      sleep: async () => {},
    });
    return { db: db(), llm, client, ...extra };
  }

  const draft = async (slug: string, personas?: Persona[], over: Partial<LlmConfig> = {}) => {
    const report = await draftPanel(deps(over), { toolSlug: slug, personas, actor: CLI_ACTOR });
    if (!report) throw new Error(`no tool ${slug}`);
    return report;
  };

  const statuses = (report: ToolDraftReport) =>
    Object.fromEntries(report.outcomes.map((o) => [o.persona, o.status]));

  it("drafts each missing persona of a tool with no panel, as the model's, publishing nothing", async () => {
    await removePanel(db(), "aider");
    const progress: PersonaOutcome[] = [];
    const report = await draftPanel(deps(), {
      toolSlug: "aider",
      actor: CLI_ACTOR,
      onProgress: (o) => progress.push(o),
    });
    expect(report?.tool).toEqual({ slug: "aider", name: "Aider" });
    expect(report?.outcomes).toEqual(
      PERSONAS.map((persona) => ({
        persona,
        status: "drafted",
        replaced: false,
        baseRevision: null,
        attempts: 1,
      })),
    );
    expect(progress).toHaveLength(4);
    expect(fake.requests.map((r) => r.persona).sort()).toEqual([...PERSONAS].sort());
    // the prompt carries the tool's profile and the persona's questions
    const builderAsk = fake.requests.find((r) => r.persona === "builder")?.body.messages?.[1]?.content ?? "";
    expect(builderAsk).toContain("Name: Aider");
    expect(builderAsk).toContain("Competitors we list: Claude Code, OpenAI Codex CLI, Cline, Cursor");
    expect(builderAsk).toContain("answers.momentOfTruth: What is the moment of truth?");
    // nothing is published, so there is no review to revise
    expect(builderAsk).toContain("Review this tool as the Builder.");
    expect(builderAsk).not.toContain("current Builder review");

    const drafts = await draftsOf(db(), "aider");
    for (const persona of PERSONAS) {
      const d = drafts[persona];
      expect(d).toMatchObject({
        provenance: "model",
        modelName: MODEL,
        author: MODEL,
        authorId: null,
        baseRevision: null,
      });
      // what was saved is a complete review the form would accept
      expect(reviewSchemas[persona].safeParse(d?.fields).success).toBe(true);
    }
    const tool = await getTool(db(), "aider");
    expect(tool?.panel.published).toBe(0);
    expect(tool?.reviews).toEqual({});
    const audit = await db()
      .selectFrom("audit_log")
      .select(["action", "subject", "actor_email"])
      .where("action", "=", "review.draft.model")
      .where("subject", "=", "tool:aider")
      .execute();
    expect(audit).toHaveLength(4);
    expect(audit[0]?.actor_email).toBe("cli");
  });

  it("leaves a complete panel alone by default, and drafts a revision of a persona asked for by name", async () => {
    const byDefault = await draft("cursor");
    expect(statuses(byDefault)).toEqual({
      builder: "skipped",
      skeptic: "skipped",
      futurist: "skipped",
      founder: "skipped",
    });
    expect(byDefault.outcomes[0]).toMatchObject({
      reason: expect.stringMatching(/^already published \(revision 1\)/),
    });
    expect(fake.requests).toHaveLength(0);

    const named = await draft("cursor", ["skeptic"]);
    expect(named.outcomes).toEqual([
      { persona: "skeptic", status: "drafted", replaced: false, baseRevision: 1, attempts: 1 },
    ]);
    const drafts = await draftsOf(db(), "cursor");
    expect(Object.keys(drafts)).toEqual(["skeptic"]);
    expect(drafts.skeptic?.baseRevision).toBe(1);
    // the published review is untouched
    const tool = await getTool(db(), "cursor");
    expect(tool?.panel.published).toBe(4);
    expect(tool?.reviews.skeptic?.summary).not.toContain("Drafted");
  });

  it("never overwrites a panelist's draft, and replaces an earlier model draft only when asked by name", async () => {
    const toolId = await removePanel(db(), "ollama");
    const panelist = await ensureUser(db(), "panelist-one@example.com");
    const mine = { summary: "My own words", answers: { primitive: "Mine" } };
    await saveDraft(db(), {
      toolId,
      persona: "builder",
      fields: mine,
      provenance: "panelist",
      modelName: null,
      authorId: panelist.id,
      author: "Pat Panelist",
      baseRevision: null,
    });
    // a model draft a panelist has since edited and saved: still the model's provenance, but theirs
    await saveDraft(db(), {
      toolId,
      persona: "skeptic",
      fields: { summary: "Edited by a person" },
      provenance: "model",
      modelName: "older-model",
      authorId: panelist.id,
      author: "Pat Panelist",
      baseRevision: null,
    });
    await saveDraft(db(), {
      toolId,
      persona: "futurist",
      fields: { summary: "Untouched model draft" },
      provenance: "model",
      modelName: "older-model",
      authorId: null,
      author: "older-model",
      baseRevision: null,
    });

    const byDefault = await draft("ollama");
    expect(statuses(byDefault)).toEqual({
      builder: "skipped",
      skeptic: "skipped",
      futurist: "skipped",
      founder: "drafted",
    });
    expect(fake.requests.map((r) => r.persona)).toEqual(["founder"]);

    fake.reset();
    const named = await draft("ollama", [...PERSONAS]);
    expect(statuses(named)).toEqual({
      builder: "skipped",
      skeptic: "skipped",
      futurist: "drafted",
      founder: "drafted",
    });
    expect(named.outcomes.find((o) => o.persona === "builder")).toMatchObject({
      reason: "a panelist's draft is in progress, and it is never overwritten",
    });
    expect(named.outcomes.find((o) => o.persona === "futurist")).toMatchObject({ replaced: true });
    expect(fake.requests.map((r) => r.persona).sort()).toEqual(["founder", "futurist"]);

    const drafts = await draftsOf(db(), "ollama");
    expect(drafts.builder?.fields).toEqual(mine);
    expect(drafts.builder?.provenance).toBe("panelist");
    expect(drafts.skeptic?.fields).toEqual({ summary: "Edited by a person" });
    expect(drafts.futurist).toMatchObject({ modelName: MODEL, authorId: null });
    expect(drafts.futurist?.fields.summary).toBe("Drafted futurist summary.");
  });

  it("keeps a draft a panelist saves while the model is still writing", async () => {
    const toolId = await removePanel(db(), "vllm", ["founder"]);
    const panelist = await ensureUser(db(), "panelist-two@example.com");
    fake.scriptFor("founder", { kind: "good", delayMs: 400 });
    const pending = draft("vllm");
    // the model has been asked, and is still writing
    await vi.waitFor(() => expect(fake.requests.map((r) => r.persona)).toContain("founder"), {
      timeout: 5_000,
      interval: 5,
    });
    await saveDraft(db(), {
      toolId,
      persona: "founder",
      fields: { summary: "Started by hand" },
      provenance: "panelist",
      modelName: null,
      authorId: panelist.id,
      author: "Pat",
      baseRevision: null,
    });
    const report = await pending;
    expect(report.outcomes.find((o) => o.persona === "founder")).toMatchObject({
      status: "skipped",
      reason: "a panelist started a draft while the model was writing; theirs was kept",
    });
    expect((await draftsOf(db(), "vllm")).founder?.fields).toEqual({ summary: "Started by hand" });
  });

  it("asks for the four in parallel, never more at once than the configured concurrency", async () => {
    await removePanel(db(), "qdrant");
    for (const p of PERSONAS) fake.scriptFor(p, { kind: "good", delayMs: 120 });
    const report = await draft("qdrant", undefined, { concurrency: 2 });
    expect(statuses(report)).toEqual({
      builder: "drafted",
      skeptic: "drafted",
      futurist: "drafted",
      founder: "drafted",
    });
    expect(fake.maxInFlight).toBe(2);

    await removePanel(db(), "pgvector");
    fake.reset();
    for (const p of PERSONAS) fake.scriptFor(p, { kind: "good", delayMs: 60 });
    await draft("pgvector", undefined, { concurrency: 1 });
    expect(fake.maxInFlight).toBe(1);
  });

  it("retries bad answers per persona and reports the one that fails, keeping the others", async () => {
    await removePanel(db(), "pinecone");
    fake.scriptFor("builder", { kind: "malformed" });
    fake.scriptFor("skeptic", { kind: "status", status: 429, retryAfter: "1" });
    fake.scriptFor("founder", { kind: "schema-break" }, { kind: "schema-break" }, { kind: "schema-break" });
    fake.scriptFor("futurist", { kind: "slow", delayMs: 800 });
    const report = await draft("pinecone", undefined, { timeoutMs: 250 });
    const byPersona = Object.fromEntries(report.outcomes.map((o) => [o.persona, o]));
    expect(byPersona.builder).toMatchObject({ status: "drafted", attempts: 2 });
    expect(byPersona.skeptic).toMatchObject({ status: "drafted", attempts: 2 });
    expect(byPersona.futurist).toMatchObject({ status: "drafted", attempts: 2 });
    expect(byPersona.founder).toEqual({
      persona: "founder",
      status: "failed",
      reason: expect.stringMatching(
        /^the model's answer did not match the review form after 3 attempts: answers\.buyer: Too small/,
      ),
    });
    const drafts = await draftsOf(db(), "pinecone");
    expect(Object.keys(drafts).sort()).toEqual(["builder", "futurist", "skeptic"]);
  });

  it("reports a refused key for every persona at once, with one request each", async () => {
    await removePanel(db(), "helicone");
    fake.script(...PERSONAS.map(() => ({ kind: "status" as const, status: 401 })));
    const report = await draft("helicone");
    expect(report.outcomes.map((o) => o.status)).toEqual(["failed", "failed", "failed", "failed"]);
    expect(report.outcomes[0]).toMatchObject({
      reason: expect.stringMatching(/^the endpoint refused the API key \(401\)/),
    });
    expect(fake.requests).toHaveLength(4);
    expect(await draftsOf(db(), "helicone")).toEqual({});
  });

  it("answers undefined for a tool that does not exist", async () => {
    expect(await draftPanel(deps(), { toolSlug: "no-such-tool", actor: CLI_ACTOR })).toBeUndefined();
  });

  it("drafts every incomplete panel with --all-missing, reporting each tool as it finishes", async () => {
    // the earlier tests left aider, ollama, vllm, qdrant, pgvector, pinecone, helicone incomplete
    await removePanel(db(), "langfuse", ["builder", "founder"]);
    fake.scriptFor("builder", { kind: "status", status: 500 });
    const done: string[] = [];
    let total = 0;
    const report = await draftAllMissing(deps(), {
      actor: CLI_ACTOR,
      onStart: (n) => {
        total = n;
      },
      onToolDone: (r, p) => done.push(`${p.toolsDone}/${p.toolsTotal} ${r.tool.slug}`),
    });
    const slugs = report.tools.map((r) => r.tool.slug);
    // by name, whatever the case
    expect(slugs).toEqual([
      "aider",
      "helicone",
      "langfuse",
      "ollama",
      "pgvector",
      "pinecone",
      "qdrant",
      "vllm",
    ]);
    expect(total).toBe(8);
    expect(done).toHaveLength(8);
    expect(done.at(-1)).toMatch(/^8\/8 /);
    const langfuse = report.tools.find((r) => r.tool.slug === "langfuse")!;
    expect(statuses(langfuse)).toEqual({
      builder: "drafted",
      skeptic: "skipped",
      futurist: "skipped",
      founder: "drafted",
    });
    // helicone's earlier failures left no drafts, so now it is drafted in full
    expect(statuses(report.tools.find((r) => r.tool.slug === "helicone")!)).toEqual({
      builder: "drafted",
      skeptic: "drafted",
      futurist: "drafted",
      founder: "drafted",
    });
    // complete panels were not asked about
    expect(fake.requests.every((r) => !JSON.stringify(r.body).includes("Name: Cursor"))).toBe(true);
    expect(fake.maxInFlight).toBeLessThanOrEqual(2);
  });

  it("reports a persona whose draft cannot be saved as failed, without a stack, and saves the others", async () => {
    await removePanel(db(), "crewai");
    // the database refuses skeptic's draft, as a locked SQLite file or a lost connection would
    const flaky = failingDb(db(), {
      when: (q) =>
        q.includes('"InsertQueryNode"') && q.includes('"review_drafts"') && q.includes('"skeptic"'),
    });
    const report = await draftPanel(deps({}, { db: flaky }), { toolSlug: "crewai", actor: CLI_ACTOR });
    expect(report?.outcomes.find((o) => o.persona === "skeptic")).toEqual({
      persona: "skeptic",
      status: "failed",
      reason: "the draft could not be saved: SQLITE_BUSY: database is locked",
    });
    expect(statuses(report!)).toEqual({
      builder: "drafted",
      skeptic: "failed",
      futurist: "drafted",
      founder: "drafted",
    });
    expect(Object.keys(await draftsOf(db(), "crewai")).sort()).toEqual(["builder", "founder", "futurist"]);
    // the failed save left no audit entry: the transaction was rolled back whole
    const audit = await db()
      .selectFrom("audit_log")
      .select("detail")
      .where("action", "=", "review.draft.model")
      .where("subject", "=", "tool:crewai")
      .execute();
    expect(audit.map((a) => JSON.parse(String(a.detail)).persona).sort()).toEqual([
      "builder",
      "founder",
      "futurist",
    ]);
  });

  it("holds the Futurist's thesis date to the panel's rule, telling the model what was wrong", async () => {
    // the clock is injected: "today" is 1 May of this year, whenever the test runs
    const year = new Date().getUTCFullYear();
    const now = Date.parse(`${year}-05-01T12:00:00Z`);
    const withDate = (thesisDate: string) => ({
      kind: "good" as const,
      review: { answers: { ...(sampleReview("futurist").answers as object), thesisDate } },
    });
    await removePanel(db(), "midjourney", ["futurist"]);
    fake.scriptFor("futurist", withDate(`${year}-04-30`));
    const fixed = await draftPanel(deps({}, { now: () => now }), {
      toolSlug: "midjourney",
      actor: CLI_ACTOR,
    });
    expect(fixed?.outcomes.find((o) => o.persona === "futurist")).toEqual({
      persona: "futurist",
      status: "drafted",
      replaced: false,
      baseRevision: null,
      attempts: 2,
    });
    const feedback = fake.requests[1]?.body.messages?.at(-1)?.content ?? "";
    expect(feedback).toContain(`answers.thesisDate: A new thesis needs a date after today (${year}-05-01)`);
    // the response format is still the review form's schema: the rule is checked on the answer
    expect(fake.requests[0]?.body.response_format?.json_schema?.schema).toEqual(
      strictJsonSchema(reviewSchemas.futurist),
    );

    fake.reset();
    fake.scriptFor(
      "futurist",
      withDate(`${year + 5}-05-02`),
      withDate(`${year + 1}-02-30`),
      withDate(`${year}-05-01`),
    );
    const failed = await draftPanel(deps({}, { now: () => now }), {
      toolSlug: "midjourney",
      personas: ["futurist"],
      actor: CLI_ACTOR,
    });
    expect(fake.requests[1]?.body.messages?.at(-1)?.content).toContain(
      `answers.thesisDate: Date the thesis within 5 years (by ${year + 5}-05-01)`,
    );
    expect(fake.requests[2]?.body.messages?.at(-1)?.content).toContain(
      "answers.thesisDate: a date that exists on the calendar",
    );
    expect(failed?.outcomes).toEqual([
      {
        persona: "futurist",
        status: "failed",
        reason: `the model's answer did not match the review form after 3 attempts: answers.thesisDate: A new thesis needs a date after today (${year}-05-01): one already past could be judged on what is known.`,
      },
    ]);
    // the draft from the first run is still the one waiting
    expect((await draftsOf(db(), "midjourney")).futurist?.fields.answers?.thesisDate).toBe(
      sampleThesisDate(),
    );
  });

  it("revises a published persona: sends its current review, and lets a past-due thesis be kept but not restated", async () => {
    const published = (await getTool(db(), "gpt-4o"))?.reviews.futurist;
    const thesis = published?.answers.find((a) => a.question === "thesis")?.answer;
    if (!published?.thesisDate || !thesis) throw new Error("the seed's GPT-4o has no Futurist thesis");
    // the clock is a month after the published thesis fell due
    const due = new Date(`${published.thesisDate}T12:00:00Z`);
    const now = due.getTime() + 31 * 86_400_000;
    const today = new Date(now).toISOString().slice(0, 10);
    const nextYear = `${due.getUTCFullYear() + 1}-06-30`;
    const answer = (over: Record<string, string>) => ({
      kind: "good" as const,
      review: { answers: { ...(sampleReview("futurist").answers as object), ...over } },
    });
    const run = () =>
      draftPanel(deps({}, { now: () => now }), {
        toolSlug: "gpt-4o",
        personas: ["futurist", "builder"],
        actor: CLI_ACTOR,
      });

    // the model keeps the published thesis, whitespace aside: the panel would publish that as it stands
    fake.scriptFor(
      "futurist",
      answer({ thesis: `  ${thesis.replace(/ /g, "  ")} `, thesisDate: published.thesisDate }),
    );
    const kept = await run();
    expect(kept?.outcomes.find((o) => o.persona === "futurist")).toEqual({
      persona: "futurist",
      status: "drafted",
      replaced: false,
      baseRevision: 1,
      attempts: 1,
    });
    const ask = fake.requests.find((r) => r.persona === "futurist")?.body.messages?.[1]?.content ?? "";
    expect(ask).toContain(
      `Today is ${today}. Revise the Futurist's published review of this tool for today.`,
    );
    expect(ask).toContain(
      `The panel's current Futurist review of this tool, published on ${published.publishedAt?.slice(0, 10)}:`,
    );
    expect(ask).toContain(
      `Score: ${published.score}\nVerdict: ${published.verdict}\nSummary: ${published.summary}`,
    );
    expect(ask).toContain(
      `Falsifiable thesis (answers.thesis):\n${thesis}\nThesis date (answers.thesisDate): ${published.thesisDate}`,
    );
    for (const a of published.answers) expect(ask).toContain(a.answer);
    expect(ask).toContain(`Timing (answers.timing): ${published.timing}`);
    expect(ask).toContain(`The published thesis was due on ${published.thesisDate}, before today (${today})`);
    const builderAsk = fake.requests.find((r) => r.persona === "builder")?.body.messages?.[1]?.content ?? "";
    expect(builderAsk).toContain("The panel's current Builder review of this tool");
    expect(builderAsk).toContain("What is the moment of truth? (answers.momentOfTruth):");
    expect((await draftsOf(db(), "gpt-4o")).futurist?.fields.answers?.thesisDate).toBe(published.thesisDate);

    // a new thesis on the same past date is refused and asked for again; a date ahead will do
    fake.reset();
    fake.scriptFor(
      "futurist",
      answer({ thesis: `${thesis} It will also be gone from ChatGPT.`, thesisDate: published.thesisDate }),
      answer({ thesis: "By June next year, something checkable will have happened.", thesisDate: nextYear }),
    );
    const restated = await run();
    expect(restated?.outcomes.find((o) => o.persona === "futurist")).toMatchObject({
      status: "drafted",
      replaced: true,
      attempts: 2,
    });
    const futuristRequests = fake.requests.filter((r) => r.persona === "futurist");
    expect(futuristRequests[1]?.body.messages?.at(-1)?.content).toContain(
      `answers.thesisDate: A new thesis needs a date after today (${today})`,
    );
    expect((await draftsOf(db(), "gpt-4o")).futurist?.fields.answers?.thesisDate).toBe(nextYear);
  });

  it("stops every tool when one cannot be read, and throws only once all have settled", async () => {
    await removePanel(db(), "gemma-3");
    fake.script(...Array.from({ length: 12 }, () => ({ kind: "good" as const, delayMs: 1_500 })));
    const [vllm] = await db().selectFrom("tools").select("id").where("slug", "=", "vllm").execute();
    // reading vLLM's panel fails, once the model is already busy with other tools
    const flaky = failingDb(db(), {
      when: (q) =>
        q.includes('"review_revisions"') && q.includes('"GroupByNode"') && q.includes(`"value":${vllm!.id}`),
      before: () =>
        vi.waitFor(() => expect(fake.requests.length).toBeGreaterThan(0), { timeout: 500, interval: 5 }),
    });
    const done: ToolDraftReport[] = [];
    const error = await draftAllMissing(deps({}, { db: flaky }), {
      actor: CLI_ACTOR,
      onToolDone: (r) => done.push(r),
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe("SQLITE_BUSY: database is locked");
    // it did not wait for the model's slow answers (1.5 s each): requests in flight were
    // cancelled, so no persona of any tool was drafted…
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(done.flatMap((r) => r.outcomes).filter((o) => o.status === "drafted")).toEqual([]);
    // …and every other tool had settled before the error came out
    expect(done.map((r) => r.tool.slug)).not.toContain("vllm");
    expect(done.length).toBeGreaterThanOrEqual(8);
    const gemma = done.find((r) => r.tool.slug === "gemma-3")!;
    expect(gemma.outcomes.map((o) => o.status).every((s) => s === "failed" || s === "skipped")).toBe(true);
    // stopped while the model was writing, or (on a busy machine) before it was asked
    for (const o of gemma.outcomes) {
      expect(["stopped before the model answered", "stopped before the model was asked"]).toContain(
        "reason" in o ? o.reason : o.status,
      );
    }
    expect(await draftsOf(db(), "gemma-3")).toEqual({});
  });
});

describe("buildReviewPrompt", () => {
  it("gives the Futurist today's date and the thesis rules", async () => {
    const t = await createTestDatabase("sqlite");
    try {
      const tool = await getTool(t.db, "smolvlm2-2b");
      if (!tool) throw new Error("seed has no smolvlm2-2b");
      const [system, user] = buildReviewPrompt({ persona: "futurist", tool, today: "2026-05-01" });
      expect(system?.content).toMatch(/^You are the Futurist on the review panel of Ship or Skip/);
      expect(user?.content).toContain("Today is 2026-05-01.");
      expect(user?.content).toContain("answers.thesisDate: The thesis's date as YYYY-MM-DD: after today");
      expect(user?.content).toContain("answers.timing:");
      expect(user?.content).toContain("Vendor: Hugging Face");
      // no published review was passed, so none is shown
      expect(user?.content).toContain("Review this tool as the Futurist.");
      expect(user?.content).not.toContain("current Futurist review");
      expect(user?.content).not.toContain("published thesis");
    } finally {
      await t.dispose();
    }
  });

  it("shows the persona's published review and asks for a revision, keeping a thesis not yet due", async () => {
    const t = await createTestDatabase("sqlite");
    try {
      const tool = await getTool(t.db, "cursor");
      const current = tool?.reviews.futurist;
      if (!tool || !current?.thesisDate) throw new Error("the seed's Cursor has no Futurist review");
      const thesis = current.answers.find((a) => a.question === "thesis")!.answer;
      const before = `${Number(current.thesisDate.slice(0, 4)) - 1}-01-15`;
      const [, user] = buildReviewPrompt({ persona: "futurist", tool, today: before, current });
      const text = user?.content ?? "";
      expect(text).toContain(
        `Today is ${before}. Revise the Futurist's published review of this tool for today.`,
      );
      expect(text).toContain(
        `The panel's current Futurist review of this tool, published on ${current.publishedAt?.slice(0, 10)}:`,
      );
      expect(text).toContain(
        `Score: ${current.score}\nVerdict: ${current.verdict}\nSummary: ${current.summary}`,
      );
      expect(text).toContain(
        `Falsifiable thesis (answers.thesis):\n${thesis}\nThesis date (answers.thesisDate): ${current.thesisDate}`,
      );
      for (const a of current.answers) expect(text).toContain(a.answer);
      expect(text).toContain(`Timing (answers.timing): ${current.timing}`);
      expect(text).toContain("Keep what still holds");
      expect(text).toContain(
        "Keep the published thesis and its date: repeat answers.thesis and answers.thesisDate exactly",
      );
      expect(text).not.toContain("The published thesis was due on");
      // the review comes after the profile and before the questions
      expect(text.indexOf("Description:")).toBeLessThan(text.indexOf("current Futurist review"));
      expect(text.indexOf("current Futurist review")).toBeLessThan(text.indexOf("1. answers.thesis:"));

      // once the thesis is past due, the model is told to state a new one
      const after = `${Number(current.thesisDate.slice(0, 4)) + 1}-01-15`;
      const [, late] = buildReviewPrompt({ persona: "futurist", tool, today: after, current });
      expect(late?.content).toContain(
        `The published thesis was due on ${current.thesisDate}, before today (${after})`,
      );
      expect(late?.content).not.toContain("Keep the published thesis and its date");

      // every persona's answers appear under their questions' labels
      const builder = tool.reviews.builder!;
      const [, b] = buildReviewPrompt({ persona: "builder", tool, today: before, current: builder });
      for (const a of builder.answers) {
        expect(b?.content).toContain(`(answers.${a.question}):\n${a.answer}`);
      }
      expect(b?.content).toContain("What is the primitive? (answers.primitive):");
      expect(b?.content).not.toContain("thesis");
    } finally {
      await t.dispose();
    }
  });
});
