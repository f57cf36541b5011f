/**
 * Model drafting: asks the configured model for persona reviews of a tool and saves each good
 * answer as a draft in the panel's queue, marked as the model's. Nothing is published here; a
 * panelist reads, edits and publishes (or discards) every draft.
 *
 * Which personas are asked (docs/decisions/009):
 * - a panelist's draft is never overwritten, whoever asks;
 * - asked for by name, a persona is drafted even if published (the draft revises the current
 *   revision) or if an earlier model draft waits (it is replaced);
 * - by default, only personas with no published review and no draft at all are asked.
 *
 * Each persona succeeds or fails on its own: a failure while asking or saving one (the model, or
 * the database) is reported as that persona's outcome, and a run returns only once every
 * persona it started has settled.
 */
import { sql } from "kysely";
import type { z } from "zod";
import type { LlmConfig } from "../../../config.ts";
import { lockToolRows } from "../../../db/locks.ts";
import type { Db } from "../../../db/types.ts";
import {
  isPersona,
  PERSONAS,
  type Persona,
  type ReviewInput,
  reviewSchemas,
} from "../../../domain/catalog-schema.ts";
import { LENSES } from "../../../domain/lenses.ts";
import type { Provenance } from "../../../domain/panel.ts";
import { isNewThesis, type ThesisStatement, thesisDateProblem } from "../../../domain/predictions.ts";
import { type Actor, recordAudit } from "../../audit/index.ts";
import { getToolsWithRefs, type Review, type ToolDetail, type ToolRef } from "../../tools/index.ts";
import { type DraftFields, findDraft, latestRevision, listDrafts, saveDraft } from "../store.ts";
import {
  anySignal,
  createLlmClient,
  type LlmClient,
  LlmError,
  messageScrubber,
  oneLine,
  type StructuredAnswer,
} from "./client.ts";
import { createLimiter, type Limiter } from "./limit.ts";
import { buildReviewPrompt } from "./prompt.ts";

export interface DraftingDeps {
  db: Db;
  llm: LlmConfig;
  /** Defaults to a client for `llm`; tests hand in one with short retry delays. */
  client?: LlmClient;
  /** The clock: today's date in the prompt, the Futurist's thesis-date check, timestamps. */
  now?: () => number;
}

/**
 * An abort reason meaning "report every persona not done as failed, with this message": the
 * web's deadline. Any other reason (Ctrl-C, a browser that went away) reports them as stopped.
 */
export class DraftingStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DraftingStopped";
  }
}

/** What happened to one persona: a draft saved, not asked (and why), or asked and failed (and why). */
export type PersonaOutcome =
  | {
      persona: Persona;
      status: "drafted";
      /** An earlier model draft was replaced. */
      replaced: boolean;
      /** The published revision the draft revises, if the persona has one. */
      baseRevision: number | null;
      /** Requests it took, retries included. */
      attempts: number;
    }
  | { persona: Persona; status: "skipped"; reason: string }
  | { persona: Persona; status: "failed"; reason: string };

export interface ToolDraftReport {
  tool: { slug: string; name: string };
  model: string;
  /** One per persona considered, in the panel's order. */
  outcomes: PersonaOutcome[];
}

export interface DraftPanelOptions {
  toolSlug: string;
  /** Personas to draft by name; omitted means every persona with no published review and no draft. */
  personas?: Persona[];
  /** Who asked, for the audit log. */
  actor: Actor;
  /** Called as each persona's outcome is known. */
  onProgress?: (outcome: PersonaOutcome) => void;
  /**
   * Stops asking: queued personas are skipped, requests in flight are cancelled; drafts already
   * saved stay. Aborted with a DraftingStopped reason, both are reported as failed with its message.
   */
  signal?: AbortSignal;
}

/** Where a persona stands before the model is asked. */
export interface PersonaState {
  publishedRevision: number | null;
  draft: { provenance: Provenance; authorId: number | null } | null;
}

/** A persona to ask the model about, and what its draft will replace or revise. */
export interface PlannedDraft {
  persona: Persona;
  replaces: boolean;
  baseRevision: number | null;
}

/**
 * Persona names as people type them (comma-separated, any case, blanks ignored), each persona
 * once in the order first named; or the first name that is no persona. Callers word the error.
 */
export function parsePersonaNames(
  raw: readonly string[],
): { ok: true; personas: Persona[] } | { ok: false; unknown: string } {
  const names = raw
    .flatMap((r) => r.split(","))
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.find((p) => !isPersona(p));
  if (unknown !== undefined) return { ok: false, unknown };
  return { ok: true, personas: [...new Set(names)] as Persona[] };
}

/** A draft a panelist has touched: written by one, or a model's draft a panelist has saved since. */
function isPanelistDraft(draft: PersonaState["draft"]): boolean {
  return draft !== null && (draft.provenance === "panelist" || draft.authorId !== null);
}

/** Decides which personas to ask for (pure): the rules in this module's header. */
export function planPersonas(
  states: Record<Persona, PersonaState>,
  requested?: readonly Persona[],
): { ask: PlannedDraft[]; skipped: PersonaOutcome[] } {
  const ask: PlannedDraft[] = [];
  const skipped: PersonaOutcome[] = [];
  const considered = requested ? PERSONAS.filter((p) => requested.includes(p)) : PERSONAS;
  for (const persona of considered) {
    const { publishedRevision, draft } = states[persona];
    const skip = (reason: string) => skipped.push({ persona, status: "skipped", reason });
    if (isPanelistDraft(draft)) {
      skip("a panelist's draft is in progress, and it is never overwritten");
    } else if (!requested && publishedRevision !== null) {
      skip(
        `already published (revision ${publishedRevision}); ask for this persona by name to draft a revision`,
      );
    } else if (!requested && draft) {
      skip("a model draft is already waiting in the panel's queue");
    } else {
      ask.push({ persona, replaces: draft !== null, baseRevision: publishedRevision });
    }
  }
  return { ask, skipped };
}

/** Each persona's published revision and draft for one tool. */
async function personaStates(db: Db, ref: ToolRef, tool: ToolDetail): Promise<Record<Persona, PersonaState>> {
  const [drafts, revisions] = await Promise.all([
    listDrafts(db, [ref.id]),
    db
      .selectFrom("review_revisions")
      .select((eb) => ["persona", eb.fn.max("revision").as("n")])
      .where("tool_id", "=", ref.id)
      .groupBy("persona")
      .execute(),
  ]);
  const latest = new Map(revisions.map((r) => [r.persona, Number(r.n)]));
  const states = {} as Record<Persona, PersonaState>;
  for (const persona of PERSONAS) {
    const draft = drafts.find((d) => d.persona === persona);
    states[persona] = {
      // a revision number only when the persona is published now: history alone is no base
      publishedRevision: tool.reviews[persona] ? (latest.get(persona) ?? null) : null,
      draft: draft ? { provenance: draft.provenance, authorId: draft.authorId } : null,
    };
  }
  return states;
}

interface RunContext {
  db: Db;
  client: LlmClient;
  limit: Limiter;
  now: () => number;
  actor: Actor;
  signal?: AbortSignal;
  /** Keeps the API key out of failure reasons that did not come through the client. */
  scrub: (text: string) => string;
}

/**
 * The schema a model's answer must pass: the persona's review schema (the one a form publish
 * passes), plus, for the Futurist, the panel's rule for a new thesis date (after today, within
 * the horizon), so that a draft can be published as it stands. As in the panel's publish, the
 * rule holds only for a new thesis: repeating the published one (`previous`) is accepted even
 * once its date is past, as the panel would accept it.
 */
function answerSchema(
  persona: Persona,
  now: number,
  previous: ThesisStatement | null = null,
): z.ZodType<ReviewInput> {
  const schema: z.ZodType<ReviewInput> = reviewSchemas[persona];
  if (persona !== "futurist") return schema;
  return reviewSchemas.futurist.superRefine((review, ctx) => {
    if (!isNewThesis(previous, review.answers)) return;
    const problem = thesisDateProblem(review.answers.thesisDate, now);
    if (problem) ctx.addIssue({ code: "custom", path: ["answers", "thesisDate"], message: problem });
  });
}

/** The thesis a published Futurist review states, or null when there is none to keep. */
function publishedThesis(review: Review | undefined): ThesisStatement | null {
  const thesis = review?.answers.find((a) => a.question === "thesis")?.answer;
  return thesis && review?.thesisDate ? { thesis, thesisDate: review.thesisDate } : null;
}

/** What a persona not done reports when the run is stopped: failed for the web's deadline, else `otherwise`. */
function stoppedOutcome(ctx: RunContext, persona: Persona, otherwise: PersonaOutcome): PersonaOutcome {
  const reason: unknown = ctx.signal?.reason;
  return reason instanceof DraftingStopped
    ? { persona, status: "failed", reason: reason.message }
    : otherwise;
}

/** An unexpected error's message on one short line, with no stack and no secret. */
function errorText(ctx: RunContext, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  return oneLine(ctx.scrub(raw)) || "unknown error";
}

/** Asks for one persona and saves the answer as a model draft, unless a panelist got there first. */
async function draftOne(
  ctx: RunContext,
  found: { ref: ToolRef; tool: ToolDetail },
  plan: PlannedDraft,
): Promise<PersonaOutcome> {
  const { persona } = plan;
  if (ctx.signal?.aborted) {
    return stoppedOutcome(ctx, persona, {
      persona,
      status: "skipped",
      reason: "stopped before the model was asked",
    });
  }
  const now = ctx.now();
  // a published persona is revised, not written afresh: the model sees what the panel says now
  const current = found.tool.reviews[persona];
  const messages = buildReviewPrompt({
    persona,
    tool: found.tool,
    today: new Date(now).toISOString().slice(0, 10),
    current,
  });
  let answer: StructuredAnswer<ReviewInput>;
  try {
    answer = await ctx.client.complete({
      name: `${persona}_review`,
      // the one schema a form publish must pass checks the model's answer too
      schema: answerSchema(persona, now, publishedThesis(current)),
      messages,
      signal: ctx.signal,
    });
  } catch (err) {
    if (err instanceof LlmError) {
      const failed: PersonaOutcome = { persona, status: "failed", reason: err.message };
      return err.kind === "aborted" ? stoppedOutcome(ctx, persona, failed) : failed;
    }
    return { persona, status: "failed", reason: `the model could not be asked: ${errorText(ctx, err)}` };
  }
  try {
    return await saveAnswer(ctx, found, persona, answer);
  } catch (err) {
    // e.g. SQLITE_BUSY or a lost connection: this persona fails, the others go on
    return { persona, status: "failed", reason: `the draft could not be saved: ${errorText(ctx, err)}` };
  }
}

/** Saves a model's answer as the persona's draft, with its audit entry, unless a panelist got there first. */
async function saveAnswer(
  ctx: RunContext,
  found: { ref: ToolRef; tool: ToolDetail },
  persona: Persona,
  answer: StructuredAnswer<ReviewInput>,
): Promise<PersonaOutcome> {
  const review = answer.value;
  const fields: DraftFields = {
    score: review.score,
    verdict: review.verdict,
    summary: review.summary,
    answers: review.answers as Record<string, string>,
  };
  const model = ctx.client.model;
  // a model answer can take minutes: a panelist may have started or published this persona
  // meanwhile, so what to do is decided again under the tool's lock
  const saved = await ctx.db.transaction().execute(async (trx) => {
    await lockToolRows(trx, [found.ref.id]);
    const current = await findDraft(trx, found.ref.id, persona);
    if (current && isPanelistDraft({ provenance: current.provenance, authorId: current.authorId })) {
      return null;
    }
    const baseRevision = await publishedRevision(trx, found.ref.id, persona);
    await saveDraft(trx, {
      toolId: found.ref.id,
      persona,
      fields,
      provenance: "model",
      modelName: model,
      authorId: null,
      author: model,
      baseRevision,
      now: ctx.now(),
    });
    const replaced = current !== undefined;
    await recordAudit(trx, {
      actor: ctx.actor,
      action: "review.draft.model",
      subject: `tool:${found.ref.slug}`,
      reason: `${LENSES[persona].name} review drafted by ${model}`,
      detail: { persona, model, replaced, baseRevision, attempts: answer.attempts },
      now: ctx.now(),
    });
    return { replaced, baseRevision };
  });
  if (!saved) {
    return {
      persona,
      status: "skipped",
      reason: "a panelist started a draft while the model was writing; theirs was kept",
    };
  }
  return { persona, status: "drafted", ...saved, attempts: answer.attempts };
}

/** The persona's current published revision number, or null when it has no published review. */
async function publishedRevision(trx: Db, toolId: number, persona: Persona): Promise<number | null> {
  const published = await trx
    .selectFrom("reviews")
    .select("id")
    .where("tool_id", "=", toolId)
    .where("persona", "=", persona)
    .where("status", "=", "published")
    .executeTakeFirst();
  return published ? latestRevision(trx, toolId, persona) : null;
}

/** One tool's drafting run on a shared limiter; undefined when there is no such tool. */
async function draftTool(
  ctx: RunContext,
  opts: Pick<DraftPanelOptions, "toolSlug" | "personas" | "onProgress">,
): Promise<ToolDraftReport | undefined> {
  const found = (await getToolsWithRefs(ctx.db, [opts.toolSlug])).get(opts.toolSlug);
  if (!found) return undefined;
  const plan = planPersonas(await personaStates(ctx.db, found.ref, found.tool), opts.personas);
  for (const s of plan.skipped) opts.onProgress?.(s);
  // draftOne reports its own failures; allSettled still waits for every persona, whatever throws
  const settled = await Promise.allSettled(
    plan.ask.map((p) =>
      ctx.limit(async () => {
        const outcome = await draftOne(ctx, found, p);
        opts.onProgress?.(outcome);
        return outcome;
      }),
    ),
  );
  const drafted = settled.map(
    (r, i): PersonaOutcome =>
      r.status === "fulfilled"
        ? r.value
        : { persona: plan.ask[i]!.persona, status: "failed", reason: errorText(ctx, r.reason) },
  );
  const all = [...plan.skipped, ...drafted];
  return {
    tool: { slug: found.ref.slug, name: found.ref.name },
    model: ctx.client.model,
    outcomes: PERSONAS.flatMap((p) => all.filter((o) => o.persona === p)),
  };
}

function runContext(deps: DraftingDeps, actor: Actor, signal?: AbortSignal): RunContext {
  return {
    db: deps.db,
    client: deps.client ?? createLlmClient(deps.llm),
    limit: createLimiter(deps.llm.concurrency),
    now: deps.now ?? Date.now,
    actor,
    signal,
    scrub: messageScrubber(deps.llm),
  };
}

/**
 * Drafts a tool's persona reviews with the model, at most `llm.concurrency` requests at once,
 * and saves each good answer as a model draft. Returns every persona's outcome, or undefined
 * when there is no tool with that slug. Publishes nothing.
 */
export async function draftPanel(
  deps: DraftingDeps,
  opts: DraftPanelOptions,
): Promise<ToolDraftReport | undefined> {
  return draftTool(runContext(deps, opts.actor, opts.signal), opts);
}

/** How far an all-missing run has come. */
export interface AllMissingProgress {
  toolsDone: number;
  toolsTotal: number;
}

export interface AllMissingReport {
  /** Every tool with an incomplete panel, by name. */
  tools: ToolDraftReport[];
}

/**
 * Drafts the missing personas of every tool whose panel is incomplete (fewer than four published
 * reviews), all on one limiter so the endpoint never sees more than `llm.concurrency` requests.
 * An error outside any one persona (reading a tool's panel) stops the run: the other tools are
 * stopped too, and the error is thrown only once every tool has settled, so that the caller can
 * close the database safely.
 */
export async function draftAllMissing(
  deps: DraftingDeps,
  opts: {
    actor: Actor;
    signal?: AbortSignal;
    /** Called once with the number of tools, before any model request. */
    onStart?: (toolsTotal: number) => void;
    /** Called as each tool finishes. */
    onToolDone?: (report: ToolDraftReport, progress: AllMissingProgress) => void;
  },
): Promise<AllMissingReport> {
  // a fatal error stops the other tools through this controller, as Ctrl-C would
  const fatal = new AbortController();
  const signal = opts.signal ? anySignal([opts.signal, fatal.signal]) : fatal.signal;
  const ctx = runContext(deps, opts.actor, signal);
  const rows = await deps.db
    .selectFrom("tools")
    .select(["slug", "name"])
    .where("panel_published", "<", PERSONAS.length)
    .orderBy(sql`lower(name)`)
    .orderBy("slug")
    .execute();
  opts.onStart?.(rows.length);
  let toolsDone = 0;
  const settled = await Promise.allSettled(
    rows.map(async (row) => {
      try {
        const report = await draftTool(ctx, { toolSlug: row.slug });
        // a tool deleted since the listing has nothing to draft
        const done = report ?? {
          tool: { slug: row.slug, name: row.name },
          model: ctx.client.model,
          outcomes: [],
        };
        toolsDone++;
        opts.onToolDone?.(done, { toolsDone, toolsTotal: rows.length });
        return done;
      } catch (err) {
        fatal.abort(err);
        throw err;
      }
    }),
  );
  const failure = settled.find((r) => r.status === "rejected");
  if (failure) throw failure.reason;
  return {
    tools: settled.map((r) => (r as PromiseFulfilledResult<ToolDraftReport>).value),
  };
}

/** Counts outcomes by status. */
export function tally(outcomes: readonly PersonaOutcome[]): {
  drafted: number;
  skipped: number;
  failed: number;
} {
  const count = (s: PersonaOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
  return { drafted: count("drafted"), skipped: count("skipped"), failed: count("failed") };
}
