/**
 * The editorial workflow: every published revision of a persona review (the verdict's
 * history), drafts in progress (a panelist's or a model's), resolutions of the Futurist's
 * dated theses, and the byline panelists publish under.
 */
import { type Kysely, sql } from "kysely";
import { idColumn } from "./helpers.ts";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").addColumn("display_name", "text").execute();

  // Append-only by convention: a revision is written once, at publication, and never changed.
  await idColumn(db, db.schema.createTable("review_revisions"))
    .addColumn("tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("persona", "text", (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("score", "integer", (c) => c.notNull())
    .addColumn("verdict", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    // JSON object of the persona's answers, exactly as the review schema has them
    .addColumn("answers", "text", (c) => c.notNull())
    .addColumn("thesis_date", "text")
    .addColumn("author", "text", (c) => c.notNull())
    .addColumn("author_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("provenance", "text", (c) => c.notNull())
    .addColumn("model_name", "text")
    .addColumn("published_at", "text", (c) => c.notNull())
    .addUniqueConstraint("review_revisions_uq", ["tool_id", "persona", "revision"])
    .execute();

  // One draft per tool and persona at a time: the panel shares its queue.
  await idColumn(db, db.schema.createTable("review_drafts"))
    .addColumn("tool_id", "integer", (c) => c.notNull().references("tools.id").onDelete("cascade"))
    .addColumn("persona", "text", (c) => c.notNull())
    // JSON of the form's values so far; may be incomplete
    .addColumn("fields", "text", (c) => c.notNull())
    .addColumn("provenance", "text", (c) => c.notNull())
    .addColumn("model_name", "text")
    .addColumn("author_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("author", "text", (c) => c.notNull())
    // the published revision this draft revises, if any
    .addColumn("base_revision", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("review_drafts_uq", ["tool_id", "persona"])
    .execute();

  await db.schema
    .createTable("thesis_resolutions")
    .addColumn("revision_id", "integer", (c) =>
      c.primaryKey().references("review_revisions.id").onDelete("cascade"),
    )
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("resolved_by", "text", (c) => c.notNull())
    .addColumn("resolved_at", "text", (c) => c.notNull())
    .execute();

  await backfillRevisions(db);
}

/** Each review already published becomes its revision 1, so every tool starts with a history. */
async function backfillRevisions(db: Kysely<unknown>): Promise<void> {
  const { rows: reviews } = await sql<{
    id: number;
    tool_id: number;
    persona: string;
    score: number;
    verdict: string;
    summary: string;
    thesis_date: string | null;
    author: string;
    provenance: string;
    model_name: string | null;
    published_at: string | null;
    updated_at: string;
  }>`select id, tool_id, persona, score, verdict, summary, thesis_date, author, provenance, model_name, published_at, updated_at
     from reviews where status = 'published' order by id`.execute(db);
  if (reviews.length === 0) return;
  const { rows: answers } = await sql<{ review_id: number; question: string; answer: string }>`
    select review_id, question, answer from review_answers order by review_id, position`.execute(db);
  const byReview = new Map<number, Record<string, string>>();
  for (const a of answers) {
    const entry = byReview.get(a.review_id) ?? {};
    entry[a.question] = a.answer;
    byReview.set(a.review_id, entry);
  }
  for (const r of reviews) {
    const answersOf: Record<string, string> = { ...(byReview.get(r.id) ?? {}) };
    if (r.thesis_date) answersOf.thesisDate = r.thesis_date;
    await sql`insert into review_revisions
      (tool_id, persona, revision, score, verdict, summary, answers, thesis_date, author, author_id, provenance, model_name, published_at)
      values (${r.tool_id}, ${r.persona}, 1, ${r.score}, ${r.verdict}, ${r.summary}, ${JSON.stringify(answersOf)},
        ${r.thesis_date}, ${r.author}, null, ${r.provenance}, ${r.model_name}, ${r.published_at ?? r.updated_at})`.execute(
      db,
    );
  }
}
