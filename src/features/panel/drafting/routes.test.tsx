import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../../test/support/db.ts";
import { draftsOf, removePanel } from "../../../../test/support/drafting.ts";
import { type FakeLlm, startFakeLlm } from "../../../../test/support/fake-llm.ts";
import { form, signIn, type TestSession } from "../../../../test/support/session.ts";
import { provideDeps } from "../../../http/deps.ts";
import { ANONYMOUS, ViewerContext } from "../../../ui/viewer-context.ts";
import { viewerMiddleware } from "../../accounts/index.ts";
import { CLI_ACTOR } from "../../audit/index.ts";
import { grantRoleAudited } from "../../moderation/index.ts";
import { deadlineMessage, draftingRoutes, WEB_DRAFT_DEADLINE_MS } from "./routes.tsx";
import { HOW_TO_TURN_ON, ModelDraftControl } from "./views.tsx";

reportSkippedPostgres("model drafting routes");

const PANELIST = "panelist@example.com";

/** The control's HTML as a signed-in page would render it. */
function renderControl(props: Parameters<typeof ModelDraftControl>[0]): string {
  const viewer = { ...ANONYMOUS, csrfToken: "token-123", path: `/panel/tools/${props.toolSlug}` };
  return String(
    <ViewerContext.Provider value={viewer}>
      <ModelDraftControl {...props} />
    </ViewerContext.Provider>,
  );
}

/** Text of an HTML page with tags removed and entities for quotes decoded, for reading assertions. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("ModelDraftControl", () => {
  it("explains how to turn drafting on when no model is configured, and offers no form", () => {
    const html = renderControl({ toolSlug: "aider", model: undefined });
    expect(html).not.toContain("<form");
    expect(html).not.toContain("<button");
    expect(text(html)).toContain("Drafting with a model is off.");
    for (const name of ["LLM_BASE_URL", "LLM_MODEL", "LLM_API_KEY", "http://127.0.0.1:11434/v1"]) {
      expect(html).toContain(name);
    }
  });

  it("posts to the drafting route with the CSRF token and names the model", () => {
    const html = renderControl({ toolSlug: "aider", model: "llama3.1:8b" });
    expect(html).toContain('<form method="post" action="/panel/tools/aider/draft"');
    expect(html).toContain('name="_csrf" value="token-123"');
    expect(html).toContain('name="return_to" value="/panel/tools/aider"');
    expect(text(html)).toContain("Draft with model (llama3.1:8b)");
    expect(html).not.toContain('name="personas"');
    expect(text(html)).toContain("every persona with no published review and no draft");

    const some = renderControl({ toolSlug: "aider", model: "m", personas: ["builder", "founder"] });
    expect(some).toContain('name="personas" value="builder,founder"');
    expect(text(some)).toContain("the Builder and Founder reviews");
  });
});

describe.each(testEngines())("POST /panel/tools/:slug/draft on %s", (engine) => {
  let fake: FakeLlm;
  let on: TestApp;
  let off: TestApp;
  let panelist: TestSession;
  let reader: TestSession;

  async function panelistOf(t: TestApp): Promise<TestSession> {
    await grantRoleAudited(t.db.db, { actor: CLI_ACTOR, email: PANELIST, role: "panelist", reason: "test" });
    return signIn(t, PANELIST);
  }

  beforeAll(async () => {
    fake = await startFakeLlm();
    [on, off] = await Promise.all([
      createTestApp(engine, {
        LLM_BASE_URL: fake.baseUrl,
        LLM_MODEL: "fake-model:8b",
        LLM_API_KEY: "sk-route",
      }),
      createTestApp(engine),
    ]);
    panelist = await panelistOf(on);
    reader = await signIn(on, "reader@example.com");
  });
  afterAll(async () => {
    await Promise.all([on?.dispose(), off?.dispose(), fake?.close()]);
  });
  beforeEach(() => fake.reset());

  it("refuses readers (403) and signed-out visitors (401), asking nothing", async () => {
    await removePanel(on.db.db, "aider");
    expect((await reader.post("/panel/tools/aider/draft", {})).status).toBe(403);
    const anonymous = await on.request("/panel/tools/aider/draft", { method: "POST" });
    expect(anonymous.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
    expect(await draftsOf(on.db.db, "aider")).toEqual({});
  });

  it("refuses a post without the CSRF token", async () => {
    const res = await panelist.post("/panel/tools/aider/draft", {}, { csrf: false });
    expect(res.status).toBe(403);
    expect(fake.requests).toHaveLength(0);
  });

  it("explains how to configure a model when none is, and changes nothing", async () => {
    const offPanelist = await panelistOf(off);
    await removePanel(off.db.db, "aider");
    const res = await offPanelist.post("/panel/tools/aider/draft", {});
    expect(res.status).toBe(409);
    const page = text(await res.text());
    expect(page).toContain("Drafting with a model is off");
    expect(page).toContain(HOW_TO_TURN_ON);
    expect(await draftsOf(off.db.db, "aider")).toEqual({});
  });

  it("drafts the missing personas and lists each outcome; the drafts wait, unpublished, in review_drafts", async () => {
    await removePanel(on.db.db, "langchain", ["builder", "futurist"]);
    fake.scriptFor("futurist", { kind: "malformed" });
    const res = await panelist.post("/panel/tools/langchain/draft", {});
    expect(res.status).toBe(200);
    const page = text(await res.text());
    expect(page).toContain("2 drafts from fake-model:8b.");
    expect(page).toContain("Nothing was published");
    expect(page).toContain("Builder Drafted.");
    expect(page).toContain("Futurist Drafted (took 2 attempts).");
    expect(page).toContain("Skeptic Not asked: already published (revision 1)");
    expect(fake.requests[0]?.authorization).toBe("Bearer sk-route");

    const drafts = await draftsOf(on.db.db, "langchain");
    expect(Object.keys(drafts).sort()).toEqual(["builder", "futurist"]);
    expect(drafts.builder).toMatchObject({ provenance: "model", modelName: "fake-model:8b", authorId: null });
    const audit = await on.db.db
      .selectFrom("audit_log")
      .select(["actor_email"])
      .where("action", "=", "review.draft.model")
      .execute();
    expect(audit.map((a) => a.actor_email)).toEqual([PANELIST, PANELIST]);
    // the public tool page still shows two of four
    const tool = await on.request("/tools/langchain");
    expect(await tool.text()).not.toContain("Drafted builder summary.");
  });

  it("drafts the personas named in the form, revising published reviews", async () => {
    const res = await panelist.post("/panel/tools/cursor/draft", { personas: "founder" });
    expect(res.status).toBe(200);
    expect(text(await res.text())).toContain("Founder Drafted (revises published revision 1).");
    expect(fake.requests.map((r) => r.persona)).toEqual(["founder"]);
    expect((await draftsOf(on.db.db, "cursor")).founder?.baseRevision).toBe(1);
  });

  it("answers 502 with the reasons and a retry form when every request failed", async () => {
    fake.script({ kind: "status", status: 401 });
    const res = await panelist.post("/panel/tools/claude-code/draft", { personas: "skeptic" });
    expect(res.status).toBe(502);
    const html = await res.text();
    expect(text(html)).toContain(
      "Skeptic Failed: the endpoint refused the API key (401): check LLM_API_KEY.",
    );
    expect(html).toContain('name="personas" value="skeptic"');
    expect(await draftsOf(on.db.db, "claude-code")).toEqual({});
  });

  /** The drafting routes alone, as the app mounts them, with a deadline of `deadlineMs`. */
  function draftingApp(deadlineMs?: number) {
    const app = new Hono();
    app.use(provideDeps(on.deps));
    app.use(viewerMiddleware(on.deps));
    app.route("/", draftingRoutes(on.deps, { deadlineMs }));
    return (path: string, init: RequestInit = {}) =>
      app.request(path, {
        ...form({ _csrf: panelist.csrf }, { cookie: panelist.cookie }),
        ...init,
      });
  }

  it("stops at the web's deadline: personas not done fail, pointing to the CLI; drafts saved stay", async () => {
    expect(deadlineMessage(WEB_DRAFT_DEADLINE_MS, "aider")).toBe(
      "took longer than 90 s; try the CLI: npm run cli -- panel:draft aider",
    );
    await removePanel(on.db.db, "langsmith");
    for (const p of ["skeptic", "futurist", "founder"] as const) {
      fake.scriptFor(p, { kind: "good", delayMs: 2_000 });
    }
    const started = Date.now();
    const res = await draftingApp(300)("/panel/tools/langsmith/draft");
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(res.status).toBe(200);
    const page = text(await res.text());
    expect(page).toContain("Builder Drafted.");
    for (const name of ["Skeptic", "Futurist", "Founder"]) {
      expect(page).toContain(
        `${name} Failed: took longer than 0.3 s; try the CLI: npm run cli -- panel:draft langsmith`,
      );
    }
    // the founder was still waiting for a slot: it was never sent
    expect(fake.requests.map((r) => r.persona).sort()).toEqual(["builder", "futurist", "skeptic"]);
    expect(Object.keys(await draftsOf(on.db.db, "langsmith"))).toEqual(["builder"]);
  });

  it("stops asking when the browser goes away", async () => {
    await removePanel(on.db.db, "llama-cpp");
    fake.script(...Array.from({ length: 4 }, () => ({ kind: "good" as const, delayMs: 2_000 })));
    const browser = new AbortController();
    const started = Date.now();
    const pending = draftingApp()("/panel/tools/llama-cpp/draft", { signal: browser.signal });
    await vi.waitFor(() => expect(fake.requests.length).toBeGreaterThanOrEqual(2), {
      timeout: 1_500,
      interval: 5,
    });
    browser.abort();
    const res = await pending;
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(res.status).toBe(502);
    expect(fake.requests).toHaveLength(2);
    expect(await draftsOf(on.db.db, "llama-cpp")).toEqual({});
  });

  it("answers 400 for an unknown persona and 404 for an unknown tool", async () => {
    const bad = await panelist.post("/panel/tools/aider/draft", { personas: "builder,critic" });
    expect(bad.status).toBe(400);
    expect(text(await bad.text())).toContain("“critic” is not a persona.");
    expect((await panelist.post("/panel/tools/no-such-tool/draft", {})).status).toBe(404);
    expect(fake.requests).toHaveLength(0);
  });
});
