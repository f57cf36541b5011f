/**
 * The panel's writes at their lowest level: publishing a revision of a persona review, and
 * keeping one draft per tool and persona. Everything that publishes (the panel's form, the
 * seed) goes through `publishRevision`; callers add the panel recompute, the audit entry and
 * the cache invalidation that their context needs.
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import { readJson } from "../../db/json.ts";
import type { ReviewDraftsTable } from "../../db/schema.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import { type Persona, type ReviewInput, VERDICTS } from "../../domain/catalog-schema.ts";
import { questionKeys } from "../../domain/lenses.ts";
import type { Provenance } from "../../domain/panel.ts";

export interface PublishInput {
  toolId: number;
  persona: Persona;
  /** Already checked with `reviewSchemas[persona]`. */
  review: ReviewInput;
  /** The byline shown with the review. */
  author: string;
  authorId: number | null;
  provenance: Provenance;
  modelName: string | null;
  now?: number;
}

/** The keys a persona's answers are stored under, in the order they are shown. */
function answerKeys(persona: Persona): string[] {
  const keys = questionKeys(persona);
  if (persona === "futurist") keys.push("timing");
  return keys;
}

/**
 * Makes `review` the tool's current published review for the persona and appends it to the
 * history as the next revision. Call inside a transaction. Returns the revision number.
 */
export async function publishRevision(trx: Db, input: PublishInput): Promise<number> {
  const at = iso(input.now ?? Date.now());
  const { review, persona, toolId } = input;
  const answers = review.answers as Record<string, string>;
  const thesisDate = "thesisDate" in review.answers ? review.answers.thesisDate : null;
  const revision = ((await latestRevision(trx, toolId, persona)) ?? 0) + 1;
  await trx
    .insertInto("review_revisions")
    .values({
      tool_id: toolId,
      persona,
      revision,
      score: review.score,
      verdict: review.verdict,
      summary: review.summary,
      answers: JSON.stringify(review.answers),
      thesis_date: thesisDate,
      author: input.author,
      author_id: input.authorId,
      provenance: input.provenance,
      model_name: input.modelName,
      published_at: at,
    })
    .execute();

  const current = {
    status: "published" as const,
    score: review.score,
    verdict: review.verdict,
    summary: review.summary,
    thesis_date: thesisDate,
    author: input.author,
    provenance: input.provenance,
    model_name: input.modelName,
    published_at: at,
    updated_at: at,
  };
  const existing = await trx
    .selectFrom("reviews")
    .select("id")
    .where("tool_id", "=", toolId)
    .where("persona", "=", persona)
    .executeTakeFirst();
  let reviewId: number;
  if (existing) {
    reviewId = existing.id;
    await trx.updateTable("reviews").set(current).where("id", "=", reviewId).execute();
    await trx.deleteFrom("review_answers").where("review_id", "=", reviewId).execute();
  } else {
    const row = await trx
      .insertInto("reviews")
      .values({ tool_id: toolId, persona, created_at: at, ...current })
      .returning("id")
      .executeTakeFirstOrThrow();
    reviewId = row.id;
  }
  await trx
    .insertInto("review_answers")
    .values(
      answerKeys(persona).map((key, position) => ({
        review_id: reviewId,
        question: key,
        position,
        answer: answers[key] ?? "",
      })),
    )
    .execute();
  return revision;
}

/** The number of a persona's newest published revision of a tool, or null before the first. */
export async function latestRevision(db: Db, toolId: number, persona: Persona): Promise<number | null> {
  const last = await db
    .selectFrom("review_revisions")
    .select((eb) => eb.fn.max("revision").as("n"))
    .where("tool_id", "=", toolId)
    .where("persona", "=", persona)
    .executeTakeFirst();
  return last?.n == null ? null : Number(last.n);
}

/** A draft as stored: the form's values so far, which may be incomplete. */
export interface DraftRecord {
  toolId: number;
  persona: Persona;
  fields: DraftFields;
  provenance: Provenance;
  modelName: string | null;
  authorId: number | null;
  author: string;
  baseRevision: number | null;
  createdAt: string;
  updatedAt: string;
}

/** A review in progress: every field optional, answers keyed as in the persona's schema. */
export interface DraftFields {
  score?: number;
  verdict?: "ship" | "skip";
  summary?: string;
  answers?: Record<string, string>;
}

/** The shape of a stored draft's `fields`, checked whenever a draft is read. */
const draftFieldsSchema: z.ZodType<DraftFields> = z.object({
  score: z.number().optional(),
  verdict: z.enum(VERDICTS).optional(),
  summary: z.string().optional(),
  answers: z.record(z.string(), z.string()).optional(),
});

export interface SaveDraftInput {
  toolId: number;
  persona: Persona;
  fields: DraftFields;
  provenance: Provenance;
  modelName: string | null;
  authorId: number | null;
  author: string;
  baseRevision: number | null;
  now?: number;
}

/**
 * Saves the tool's draft for a persona, replacing any earlier one. A panelist saving over a
 * model's draft keeps its provenance, so the published review can still say who drafted it.
 */
export async function saveDraft(db: Db, input: SaveDraftInput): Promise<void> {
  const at = iso(input.now ?? Date.now());
  const values = {
    fields: JSON.stringify(input.fields),
    provenance: input.provenance,
    model_name: input.modelName,
    author_id: input.authorId,
    author: input.author,
    base_revision: input.baseRevision,
    updated_at: at,
  };
  await db
    .insertInto("review_drafts")
    .values({ tool_id: input.toolId, persona: input.persona, created_at: at, ...values })
    .onConflict((oc) => oc.columns(["tool_id", "persona"]).doUpdateSet(values))
    .execute();
}

type DraftRow = Selectable<ReviewDraftsTable>;

function toDraft(r: DraftRow): DraftRecord {
  return {
    toolId: r.tool_id,
    persona: r.persona,
    fields: readJson(draftFieldsSchema, r.fields, { table: "review_drafts", column: "fields", row: r.id }),
    provenance: r.provenance,
    modelName: r.model_name,
    authorId: r.author_id,
    author: r.author,
    baseRevision: r.base_revision,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The drafts of some tools (all of them when `toolIds` is omitted), oldest change first. */
export async function listDrafts(db: Db, toolIds?: number[]): Promise<DraftRecord[]> {
  if (toolIds && toolIds.length === 0) return [];
  let q = db.selectFrom("review_drafts").selectAll();
  if (toolIds) q = q.where("tool_id", "in", toolIds);
  const rows = await q.orderBy("updated_at").orderBy("id").execute();
  return rows.map(toDraft);
}

/** A tool's draft for one persona, if there is one. */
export async function findDraft(db: Db, toolId: number, persona: Persona): Promise<DraftRecord | undefined> {
  const row = await db
    .selectFrom("review_drafts")
    .selectAll()
    .where("tool_id", "=", toolId)
    .where("persona", "=", persona)
    .executeTakeFirst();
  return row ? toDraft(row) : undefined;
}

/** Removes a tool's draft for a persona (after publishing it, or when it is discarded). */
export async function deleteDraft(db: Db, toolId: number, persona: Persona): Promise<void> {
  await db.deleteFrom("review_drafts").where("tool_id", "=", toolId).where("persona", "=", persona).execute();
}
