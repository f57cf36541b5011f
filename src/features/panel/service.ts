/**
 * The panel's editorial workflow: the queue of panels that need work, the state of one tool's
 * four personas, saving and publishing a persona review (with the checks that keep two
 * panelists from overwriting each other unseen), and the byline panelists publish under.
 */

import { isUniqueViolation } from "../../db/errors.ts";
import { readJson } from "../../db/json.ts";
import { lockToolRows } from "../../db/locks.ts";
import type { Db } from "../../db/types.ts";
import { reviewByline } from "../../domain/byline.ts";
import {
  PERSONAS,
  type Persona,
  type ReviewInput,
  storedAnswersSchema,
} from "../../domain/catalog-schema.ts";
import type { Provenance } from "../../domain/panel.ts";
import {
  classifyPanel,
  compareQueueEntries,
  isStale,
  type PanelClassification,
} from "../../domain/panel-queue.ts";
import { type Actor, recordAudit } from "../audit/index.ts";
import { findToolRefs, type ToolRef } from "../tools/index.ts";
import {
  type DraftFields,
  type DraftRecord,
  deleteDraft,
  findDraft,
  listDrafts,
  publishRevision,
  saveDraft,
} from "./store.ts";
import { recomputePanel } from "./verdicts.ts";

/** A draft as the queue and the forms describe it. */
export interface DraftSummary {
  /** Who last saved it: a panelist's byline, or the model's name. */
  author: string;
  authorId: number | null;
  provenance: Provenance;
  modelName: string | null;
  /** The revision that was current when the draft was started; null for a first review. */
  baseRevision: number | null;
  createdAt: string;
  updatedAt: string;
}

/** The current published review of a persona, as the queue shows it. */
export interface PublishedSummary {
  revision: number;
  publishedAt: string;
  byline: string;
  stale: boolean;
}

export interface PersonaStatus {
  persona: Persona;
  published: PublishedSummary | null;
  draft: DraftSummary | null;
}

export interface PanelToolStatus {
  slug: string;
  name: string;
  category: string;
  panel: PanelClassification;
  personas: PersonaStatus[];
}

export interface DraftListing {
  slug: string;
  toolName: string;
  persona: Persona;
  draft: DraftSummary;
}

export interface PanelQueue {
  /** Tools whose panel is missing, partial or stale, in queue order. */
  entries: PanelToolStatus[];
  /** How many tools have a complete, fresh panel (not listed). */
  completeCount: number;
  /** Every draft in progress, most recently saved first. */
  drafts: DraftListing[];
}

export interface QueueOptions {
  now: number;
  staleDays: number;
}

function draftSummary(d: DraftRecord): DraftSummary {
  return {
    author: d.author,
    authorId: d.authorId,
    provenance: d.provenance,
    modelName: d.modelName,
    baseRevision: d.baseRevision,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** The four personas' status for some tools (all when `toolIds` is omitted), by tool id. */
async function personaStatuses(
  db: Db,
  toolIds: number[] | undefined,
  opts: QueueOptions,
): Promise<{ statuses: Map<number, PersonaStatus[]>; drafts: DraftRecord[] }> {
  let reviews = db
    .selectFrom("reviews")
    .select(["tool_id", "persona", "published_at", "updated_at", "author", "provenance", "model_name"])
    .where("status", "=", "published");
  let revisions = db
    .selectFrom("review_revisions")
    .select(["tool_id", "persona", (eb) => eb.fn.max("revision").as("revision")])
    .groupBy(["tool_id", "persona"]);
  if (toolIds) {
    reviews = reviews.where("tool_id", "in", toolIds);
    revisions = revisions.where("tool_id", "in", toolIds);
  }
  const [reviewRows, revisionRows, drafts] = await Promise.all([
    reviews.execute(),
    revisions.execute(),
    listDrafts(db, toolIds),
  ]);
  const key = (toolId: number, persona: string) => `${toolId}:${persona}`;
  const revisionOf = new Map(revisionRows.map((r) => [key(r.tool_id, r.persona), Number(r.revision)]));
  const reviewOf = new Map(reviewRows.map((r) => [key(r.tool_id, r.persona), r]));
  const draftOf = new Map(drafts.map((d) => [key(d.toolId, d.persona), d]));
  const ids = toolIds ?? [...new Set([...reviewRows.map((r) => r.tool_id), ...drafts.map((d) => d.toolId)])];
  const statuses = new Map<number, PersonaStatus[]>();
  for (const id of ids) {
    statuses.set(
      id,
      PERSONAS.map((persona) => {
        const r = reviewOf.get(key(id, persona));
        const d = draftOf.get(key(id, persona));
        const at = r ? (r.published_at ?? r.updated_at) : null;
        return {
          persona,
          published:
            r && at
              ? {
                  revision: revisionOf.get(key(id, persona)) ?? 1,
                  publishedAt: at,
                  byline: reviewByline({
                    author: r.author,
                    provenance: r.provenance === "model" ? "model" : "panelist",
                    modelName: r.model_name,
                  }),
                  stale: isStale(at, opts.now, opts.staleDays),
                }
              : null,
          draft: d ? draftSummary(d) : null,
        };
      }),
    );
  }
  return { statuses, drafts };
}

function classify(personas: PersonaStatus[], opts: QueueOptions): PanelClassification {
  return classifyPanel({
    reviews: personas.flatMap((p) =>
      p.published ? [{ persona: p.persona, publishedAt: p.published.publishedAt }] : [],
    ),
    now: opts.now,
    staleDays: opts.staleDays,
  });
}

/** The panel's queue: tools whose panel is missing, partial or stale, and every draft in progress. */
export async function panelQueue(db: Db, opts: QueueOptions): Promise<PanelQueue> {
  const tools = await db
    .selectFrom("tools")
    .innerJoin("categories", "categories.id", "tools.category_id")
    .select(["tools.id", "tools.slug", "tools.name", "categories.name as category"])
    .execute();
  const { statuses, drafts } = await personaStatuses(db, undefined, opts);
  const all = tools.map((t) => {
    const personas =
      statuses.get(t.id) ?? PERSONAS.map((persona) => ({ persona, published: null, draft: null }));
    return { slug: t.slug, name: t.name, category: t.category, personas, panel: classify(personas, opts) };
  });
  const entries = all.filter((e) => e.panel.state !== "complete").sort(compareQueueEntries);
  const byId = new Map(tools.map((t) => [t.id, t]));
  const listings = drafts
    .flatMap((d) => {
      const tool = byId.get(d.toolId);
      return tool
        ? [{ slug: tool.slug, toolName: tool.name, persona: d.persona, draft: draftSummary(d) }]
        : [];
    })
    .sort((a, b) =>
      a.draft.updatedAt < b.draft.updatedAt ? 1 : a.draft.updatedAt > b.draft.updatedAt ? -1 : 0,
    );
  return { entries, completeCount: all.length - entries.length, drafts: listings };
}

/** One tool's panel for the panel's tool page; undefined for an unknown slug. */
export async function panelToolStatus(
  db: Db,
  slug: string,
  opts: QueueOptions,
): Promise<PanelToolStatus | undefined> {
  const tool = await db
    .selectFrom("tools")
    .innerJoin("categories", "categories.id", "tools.category_id")
    .select(["tools.id", "tools.slug", "tools.name", "categories.name as category"])
    .where("tools.slug", "=", slug)
    .executeTakeFirst();
  if (!tool) return undefined;
  const { statuses } = await personaStatuses(db, [tool.id], opts);
  const personas = statuses.get(tool.id) ?? [];
  return {
    slug: tool.slug,
    name: tool.name,
    category: tool.category,
    personas,
    panel: classify(personas, opts),
  };
}

/** The published revision a persona form starts from when there is no draft. */
export interface CurrentRevision {
  revision: number;
  score: number;
  verdict: "ship" | "skip";
  summary: string;
  answers: Record<string, unknown>;
  author: string;
  provenance: Provenance;
  modelName: string | null;
  publishedAt: string;
}

export interface PersonaFormState {
  tool: ToolRef;
  current: CurrentRevision | null;
  draft: (DraftSummary & { fields: DraftFields }) | null;
}

async function currentRevision(db: Db, toolId: number, persona: Persona): Promise<CurrentRevision | null> {
  const row = await db
    .selectFrom("review_revisions")
    .select([
      "id",
      "revision",
      "score",
      "verdict",
      "summary",
      "answers",
      "author",
      "provenance",
      "model_name",
      "published_at",
    ])
    .where("tool_id", "=", toolId)
    .where("persona", "=", persona)
    .orderBy("revision", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return {
    revision: row.revision,
    score: row.score,
    verdict: row.verdict === "skip" ? "skip" : "ship",
    summary: row.summary,
    answers: readJson(storedAnswersSchema, row.answers, {
      table: "review_revisions",
      column: "answers",
      row: row.id,
    }),
    author: row.author,
    provenance: row.provenance === "model" ? "model" : "panelist",
    modelName: row.model_name,
    publishedAt: row.published_at,
  };
}

/** What a persona form needs: the tool, its current published revision and its draft. */
export async function personaFormState(
  db: Db,
  slug: string,
  persona: Persona,
): Promise<PersonaFormState | undefined> {
  const [tool] = await findToolRefs(db, [slug]);
  if (!tool) return undefined;
  const [current, draft] = await Promise.all([
    currentRevision(db, tool.id, persona),
    findDraft(db, tool.id, persona),
  ]);
  return { tool, current, draft: draft ? { ...draftSummary(draft), fields: draft.fields } : null };
}

/** What the form saw when it was opened; a write is refused if either has moved on. */
export interface Expectation {
  /** The published revision the form showed (null: none). */
  revision: number | null;
  /** The draft's updatedAt the form showed ("" : no draft). */
  draftStamp: string;
}

/** Why a save or a publish was refused: someone else changed the review or the draft first. */
export type Conflict =
  | { kind: "revision"; revision: number; author: string; publishedAt: string }
  | { kind: "draft"; author: string | null; updatedAt: string | null };

export type WriteResult<T> = ({ ok: true } & T) | { ok: false; conflict: Conflict };

/** The conflict, if the published revision or the draft changed since the form was opened. */
async function findConflict(
  trx: Db,
  tool: ToolRef,
  persona: Persona,
  expect: Expectation & { checkRevision: boolean },
): Promise<{ conflict: Conflict | null; draft: DraftRecord | undefined }> {
  const current = expect.checkRevision ? await currentRevision(trx, tool.id, persona) : null;
  if (current && current.revision !== expect.revision) {
    return {
      conflict: {
        kind: "revision",
        revision: current.revision,
        author: current.author,
        publishedAt: current.publishedAt,
      },
      draft: undefined,
    };
  }
  const draft = await findDraft(trx, tool.id, persona);
  if ((draft?.updatedAt ?? "") !== expect.draftStamp) {
    return {
      conflict: { kind: "draft", author: draft?.author ?? null, updatedAt: draft?.updatedAt ?? null },
      draft,
    };
  }
  return { conflict: null, draft };
}

/** A panelist as a writer: who they are, for the audit log, and the byline they write under. */
export interface Writer {
  actor: Actor;
  /** Their byline, or their email when they have not set one (drafts only). */
  author: string;
}

/**
 * Saves a persona draft from the form. A panelist editing a model's draft keeps its
 * provenance, so the review can still say which model drafted it once published.
 */
export async function saveFormDraft(
  db: Db,
  input: {
    tool: ToolRef;
    persona: Persona;
    fields: DraftFields;
    writer: Writer;
    expect: Expectation;
    now?: number;
  },
): Promise<WriteResult<{ updatedAt: string }>> {
  return db.transaction().execute(async (trx) => {
    await lockToolRows(trx, [input.tool.id]);
    // a draft may be saved after a newer publication: the form warns, the draft keeps its base
    const { conflict, draft } = await findConflict(trx, input.tool, input.persona, {
      ...input.expect,
      checkRevision: false,
    });
    if (conflict) return { ok: false, conflict };
    const now = input.now ?? Date.now();
    const model = draft?.provenance === "model";
    await saveDraft(trx, {
      toolId: input.tool.id,
      persona: input.persona,
      fields: input.fields,
      provenance: model ? "model" : "panelist",
      modelName: model ? (draft?.modelName ?? null) : null,
      authorId: input.writer.actor.id,
      author: input.writer.author,
      baseRevision: draft ? draft.baseRevision : input.expect.revision,
      now,
    });
    return { ok: true, updatedAt: new Date(now).toISOString() };
  });
}

export interface Published {
  revision: number;
  provenance: Provenance;
  modelName: string | null;
}

/**
 * Publishes a persona review in one transaction: the new revision, the draft removed, the
 * tool's panel figures recomputed and an audit entry. Refused with a conflict when someone
 * published or changed the draft since the form was opened. The caller clears the page cache.
 */
export async function publishFormReview(
  db: Db,
  input: {
    tool: ToolRef;
    persona: Persona;
    review: ReviewInput;
    writer: Writer;
    expect: Expectation;
    now?: number;
  },
): Promise<WriteResult<Published>> {
  try {
    return await db.transaction().execute(async (trx): Promise<WriteResult<Published>> => {
      // on PostgreSQL the row lock makes a second publication read the revision the first wrote
      await lockToolRows(trx, [input.tool.id]);
      const { conflict, draft } = await findConflict(trx, input.tool, input.persona, {
        ...input.expect,
        checkRevision: true,
      });
      if (conflict) return { ok: false, conflict };
      const provenance: Provenance = draft?.provenance === "model" ? "model" : "panelist";
      const modelName = provenance === "model" ? (draft?.modelName ?? null) : null;
      const revision = await publishRevision(trx, {
        toolId: input.tool.id,
        persona: input.persona,
        review: input.review,
        author: input.writer.author,
        authorId: input.writer.actor.id,
        provenance,
        modelName,
        now: input.now,
      });
      await deleteDraft(trx, input.tool.id, input.persona);
      await recomputePanel(trx, input.tool.id);
      await recordAudit(trx, {
        actor: input.writer.actor,
        action: "review.publish",
        subject: `tool:${input.tool.slug}`,
        reason: revision === 1 ? `First ${input.persona} review` : `Revised the ${input.persona} review`,
        detail: {
          persona: input.persona,
          revision,
          score: input.review.score,
          verdict: input.review.verdict,
          provenance,
          ...(modelName ? { model: modelName } : {}),
        },
        now: input.now,
      });
      return { ok: true, revision, provenance, modelName };
    });
  } catch (err) {
    // two writers that got past the checks at once (SQLite files shared by processes): the
    // unique revision number stops the second; report it as the conflict it is
    if (!isUniqueViolation(err)) throw err;
    const current = await currentRevision(db, input.tool.id, input.persona);
    if (!current) throw err;
    return {
      ok: false,
      conflict: {
        kind: "revision",
        revision: current.revision,
        author: current.author,
        publishedAt: current.publishedAt,
      },
    };
  }
}

/** Discards a persona draft; refused when it changed since the form was opened. */
export async function discardFormDraft(
  db: Db,
  input: { tool: ToolRef; persona: Persona; draftStamp: string },
): Promise<WriteResult<object>> {
  return db.transaction().execute(async (trx) => {
    await lockToolRows(trx, [input.tool.id]);
    const draft = await findDraft(trx, input.tool.id, input.persona);
    if (!draft || draft.updatedAt !== input.draftStamp) {
      return {
        ok: false as const,
        conflict: {
          kind: "draft" as const,
          author: draft?.author ?? null,
          updatedAt: draft?.updatedAt ?? null,
        },
      };
    }
    await deleteDraft(trx, input.tool.id, input.persona);
    return { ok: true as const };
  });
}

/** The byline an account publishes under, or null when not set. */
export async function getByline(db: Db, userId: number): Promise<string | null> {
  const row = await db.selectFrom("users").select("display_name").where("id", "=", userId).executeTakeFirst();
  return row?.display_name ?? null;
}

/** Sets the byline an account publishes under (already checked with bylineSchema). */
export async function setByline(db: Db, userId: number, name: string): Promise<void> {
  await db.updateTable("users").set({ display_name: name }).where("id", "=", userId).execute();
}
