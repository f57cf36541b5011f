/** The panel's pages: /panel queue, persona review forms, drafts and publishing. */
import { type Context, Hono } from "hono";
import type { SessionUser } from "../../domain/account.ts";
import { isPersona, PERSONAS, type Persona } from "../../domain/catalog-schema.ts";
import { can } from "../../domain/permissions.ts";
import type { ThesisStatement } from "../../domain/predictions.ts";
import type { Deps } from "../../http/deps.ts";
import { badRequest, type HttpError, notFound } from "../../http/errors.ts";
import { readFields } from "../../http/form.ts";
import { parseId } from "../../http/ids.ts";
import { sendPage } from "../../http/page.tsx";
import { PANEL_WRITES_PER_ACCOUNT } from "../../http/rate-rules.ts";
import { signedInPage, signedInUser } from "../../http/viewer.ts";
import { write } from "../../http/write.ts";
import {
  bylineSchema,
  checkDraft,
  checkReview,
  emptyValues,
  type FieldErrors,
  type PersonaFormValues,
  readValues,
  valuesFromDraft,
  valuesFromReview,
} from "./form.ts";
import {
  type Conflict,
  discardFormDraft,
  type Expectation,
  getByline,
  type PersonaFormState,
  panelQueue,
  panelToolStatus,
  personaFormState,
  publishFormReview,
  saveFormDraft,
  setByline,
  type Writer,
} from "./service.ts";
import {
  type BylineFormState,
  conflictMessage,
  PanelQueuePage,
  type PanelToolNotice,
  PanelToolPage,
  PersonaFormPage,
} from "./views.tsx";

/** 404 for a slug the catalog does not hold. */
function unknownTool(slug: string): HttpError {
  return notFound(`There is no tool called “${slug.slice(0, 100)}” in the catalog.`, [
    { href: "/panel", label: "Back to the panel's queue" },
  ]);
}

/** What the form saw when it was opened, from its hidden fields. */
function readExpectation(fields: Record<string, string>): Expectation {
  const raw = fields.base_revision ?? "";
  const revision = raw === "" ? null : (parseId(raw) ?? false);
  if (revision === false) {
    throw badRequest("The form's revision number is not valid. Open the form again and resend it.");
  }
  const stamp = fields.draft_stamp ?? "";
  if (stamp.length > 40)
    throw badRequest("The form's draft stamp is not valid. Open the form again and resend it.");
  return { revision, draftStamp: stamp };
}

/** The form's expectation as things stand now: what a fresh form would carry. */
function freshExpectation(state: PersonaFormState): Expectation {
  return { revision: state.current?.revision ?? null, draftStamp: state.draft?.updatedAt ?? "" };
}

/** The form's starting values: the draft, else the published review being revised, else empty. */
function startingValues(persona: Persona, state: PersonaFormState): PersonaFormValues {
  if (state.draft) return valuesFromDraft(persona, state.draft.fields);
  if (state.current) return valuesFromReview(persona, state.current);
  return emptyValues(persona);
}

/** The panel routes. */
export function panelRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;
  const queueOptions = () => ({ now: Date.now(), staleDays: config.panelStaleDays });

  async function queuePage(
    c: Context,
    user: SessionUser,
    byline: Partial<BylineFormState>,
    status: 200 | 400,
  ) {
    const [queue, current] = await Promise.all([panelQueue(db, queueOptions()), getByline(db, user.id)]);
    return sendPage(
      c,
      <PanelQueuePage
        queue={queue}
        staleDays={config.panelStaleDays}
        byline={{ current, ...byline }}
        bylineSaved={status === 200 && c.req.query("done") === "byline"}
      />,
      status,
    );
  }

  app.get("/panel", signedInPage("review:write"), async (c) => {
    const user = signedInUser(c);
    return queuePage(c, user, {}, 200);
  });

  // bylines and drafts show only on the panel's own pages, which are never cached
  const drafting = write(deps, {
    permission: "review:write",
    rate: PANEL_WRITES_PER_ACCOUNT,
    invalidates: "nothing",
  });
  const publishing = write(deps, {
    permission: "review:publish",
    rate: PANEL_WRITES_PER_ACCOUNT,
    // the tool page, lists, comparisons and /methodology's predictions show the panel's figures
    // and every tool page's "same category" list: categories "all" spares looking up this tool's
    invalidates: (c) => ({
      tools: [c.req.param("slug") ?? ""],
      categories: "all",
      lists: ["home", "catalog", "categories", "comparisons", "methodology", "leaderboard"],
    }),
  });

  app.post("/panel/byline", drafting, async (c) => {
    const user = signedInUser(c);
    const fields = await readFields(c);
    const typed = (fields.display_name ?? "").slice(0, 200);
    const parsed = bylineSchema.safeParse(typed);
    if (!parsed.success) {
      return queuePage(c, user, { value: typed, error: parsed.error.issues[0]?.message }, 400);
    }
    await setByline(db, user.id, parsed.data);
    return c.redirect("/panel?done=byline#byline-heading", 303);
  });

  /** The tool and persona a persona route names; 404 for either unknown. */
  async function loadForm(c: Context): Promise<{ persona: Persona; state: PersonaFormState }> {
    const slug = c.req.param("slug") ?? "";
    const persona = c.req.param("persona") ?? "";
    if (!isPersona(persona)) {
      throw notFound(`There is no persona called “${persona.slice(0, 40)}”. The panel has four.`, [
        ...PERSONAS.map((p) => ({ href: `/panel/tools/${slug}/${p}`, label: p })),
      ]);
    }
    const state = await personaFormState(db, slug, persona);
    if (!state) throw unknownTool(slug);
    return { persona, state };
  }

  async function formPage(
    c: Context,
    opts: {
      user: SessionUser;
      /** The account's byline, as the caller already read it. */
      byline: string | null;
      persona: Persona;
      state: PersonaFormState;
      values: PersonaFormValues;
      expect: Expectation;
      errors?: FieldErrors;
      problem?: string;
      status?: 200 | 400 | 409;
    },
  ) {
    return sendPage(
      c,
      <PersonaFormPage
        persona={opts.persona}
        state={opts.state}
        values={opts.values}
        errors={opts.errors ?? {}}
        expect={opts.expect}
        byline={opts.byline}
        canPublish={can(opts.user.role, "review:publish")}
        problem={opts.problem}
        saved={opts.status === undefined && c.req.query("done") === "saved"}
      />,
      opts.status ?? 200,
    );
  }

  /** 409: someone else changed this review since the form was opened; the form reopens on theirs. */
  async function conflictPage(
    c: Context,
    opts: {
      user: SessionUser;
      byline: string | null;
      persona: Persona;
      state: PersonaFormState;
      /** The text to keep on screen; the stored review's when omitted (a discard keeps nothing). */
      values?: PersonaFormValues;
      conflict: Conflict;
      action: "save" | "publish" | "discard";
    },
  ) {
    const fresh = (await personaFormState(db, opts.state.tool.slug, opts.persona)) ?? opts.state;
    return formPage(c, {
      user: opts.user,
      byline: opts.byline,
      persona: opts.persona,
      state: fresh,
      values: opts.values ?? startingValues(opts.persona, fresh),
      expect: freshExpectation(fresh),
      problem: conflictMessage(opts.conflict, opts.action),
      status: 409,
    });
  }

  app.get("/panel/tools/:slug", signedInPage("review:write"), async (c) => {
    const slug = c.req.param("slug");
    const tool = await panelToolStatus(db, slug, queueOptions());
    if (!tool) throw unknownTool(slug);
    return sendPage(
      c,
      <PanelToolPage
        tool={tool}
        staleDays={config.panelStaleDays}
        model={config.llm?.model}
        notice={noticeFrom(c)}
      />,
    );
  });

  app.get("/panel/tools/:slug/:persona", signedInPage("review:write"), async (c) => {
    const user = signedInUser(c);
    const { persona, state } = await loadForm(c);
    const byline = await getByline(db, user.id);
    return formPage(c, {
      user,
      byline,
      persona,
      state,
      values: startingValues(persona, state),
      expect: freshExpectation(state),
    });
  });

  /** Reads a persona form post and the writer's byline. */
  async function readPost(c: Context) {
    const user = signedInUser(c);
    const fields = await readFields(c);
    const { persona, state } = await loadForm(c);
    const byline = await getByline(db, user.id);
    const writer: Writer = { actor: { id: user.id, email: user.email }, author: byline ?? user.email };
    return { user, fields, persona, state, byline, writer };
  }

  app.post("/panel/tools/:slug/:persona/save", drafting, async (c) => {
    const { user, fields, persona, state, byline, writer } = await readPost(c);
    const values = readValues(persona, fields);
    const expect = readExpectation(fields);
    const checked = checkDraft(persona, values);
    if (!checked.ok) {
      return formPage(c, {
        user,
        byline,
        persona,
        state,
        values,
        expect,
        errors: checked.errors,
        status: 400,
      });
    }
    const result = await saveFormDraft(db, {
      tool: state.tool,
      persona,
      fields: checked.value,
      writer,
      expect,
    });
    if (!result.ok) {
      return conflictPage(c, {
        user,
        byline,
        persona,
        state,
        values,
        conflict: result.conflict,
        action: "save",
      });
    }
    return c.redirect(`/panel/tools/${state.tool.slug}/${persona}?done=saved`, 303);
  });

  app.post("/panel/tools/:slug/:persona/publish", publishing, async (c) => {
    const { user, fields, persona, state, byline, writer } = await readPost(c);
    const values = readValues(persona, fields);
    const expect = readExpectation(fields);
    const checked = checkReview(persona, values, persona === "futurist" ? futuristContext(state) : undefined);
    if (!byline || !checked.ok) {
      return formPage(c, {
        user,
        byline,
        persona,
        state,
        values,
        expect,
        errors: checked.ok ? {} : checked.errors,
        problem: byline
          ? undefined
          : "Nothing was published: set your byline on the panel's page first, so readers know who wrote this. Save a draft to keep your text meanwhile.",
        status: 400,
      });
    }
    const result = await publishFormReview(db, {
      tool: state.tool,
      persona,
      review: checked.value,
      writer: { ...writer, author: byline },
      expect,
    });
    if (!result.ok) {
      return conflictPage(c, {
        user,
        byline,
        persona,
        state,
        values,
        conflict: result.conflict,
        action: "publish",
      });
    }
    return c.redirect(
      `/panel/tools/${state.tool.slug}?done=published&persona=${persona}&revision=${result.revision}`,
      303,
    );
  });

  app.post("/panel/tools/:slug/:persona/discard", drafting, async (c) => {
    const { user, fields, persona, state, byline } = await readPost(c);
    const { draftStamp } = readExpectation(fields);
    const result = await discardFormDraft(db, { tool: state.tool, persona, draftStamp });
    if (!result.ok) {
      return conflictPage(c, { user, byline, persona, state, conflict: result.conflict, action: "discard" });
    }
    return c.redirect(`/panel/tools/${state.tool.slug}?done=discarded&persona=${persona}`, 303);
  });

  return app;
}

/** The thesis a Futurist form revises (none for a first review), and the clock to date a new one by. */
function futuristContext(state: PersonaFormState): { previous: ThesisStatement | null; now: number } {
  const answers = state.current?.answers ?? {};
  const previous =
    typeof answers.thesis === "string" && typeof answers.thesisDate === "string"
      ? { thesis: answers.thesis, thesisDate: answers.thesisDate }
      : null;
  return { previous, now: Date.now() };
}

/** The notice after a redirect to a tool's panel page; unknown values show nothing. */
function noticeFrom(c: Context): PanelToolNotice | undefined {
  const persona = c.req.query("persona") ?? "";
  if (!isPersona(persona)) return undefined;
  const done = c.req.query("done");
  if (done === "discarded") return { kind: "discarded", persona };
  const revision = c.req.query("revision") ?? "";
  const number = parseId(revision);
  if (done === "published" && number !== undefined) return { kind: "published", persona, revision: number };
  return undefined;
}
