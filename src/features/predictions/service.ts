/**
 * Predictions: the Futurist's dated theses read from the review history, their resolutions
 * by admins, and the panel's track records. Reads take three queries whatever the catalog's
 * size: the Futurist revisions, the resolutions, and the verdicts on tools with a resolution.
 */
import { readJson } from "../../db/json.ts";
import { lockToolRows } from "../../db/locks.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import { PERSONAS, storedAnswersSchema, VERDICTS, type Verdict } from "../../domain/catalog-schema.ts";
import {
  type FuturistRevision,
  isOutcome,
  isPastDue,
  type Outcome,
  type Prediction,
  predictionsFrom,
  type TrackRecords,
  trackRecords,
  type VerdictRevision,
} from "../../domain/predictions.ts";
import { type Actor, recordAudit } from "../audit/index.ts";

/** A past-due thesis as the public methodology page shows it. */
export interface PredictionItem {
  /** The id of the revision that first stated the thesis: the prediction's identity. */
  id: number;
  tool: { slug: string; name: string };
  thesis: string;
  /** YYYY-MM-DD. */
  thesisDate: string;
  /** YYYY-MM-DD (UTC) the thesis was first published. */
  statedOn: string;
  /** The Futurist's verdict when it stated the thesis: what the outcome is read against. */
  futuristVerdict: Verdict | null;
  /** False when a later revision replaced this thesis with another. */
  current: boolean;
  /** Null while awaiting judgement. */
  outcome: Outcome | null;
  note: string | null;
  /** ISO instant of the latest judgement. */
  resolvedAt: string | null;
}

/** The admin's view of a thesis: the public one plus who judged it. */
export interface AdminPredictionItem extends PredictionItem {
  resolvedBy: string | null;
}

export interface PredictionsOverview {
  /** Theses whose date has passed, oldest date first. */
  pastDue: PredictionItem[];
  /** Past-due theses nobody has judged yet. */
  awaiting: number;
  /** Theses whose date has not come yet. */
  upcoming: number;
  /** The earliest date among those, YYYY-MM-DD. */
  nextDue: string | null;
  records: TrackRecords;
}

interface Loaded {
  predictions: Prediction[];
  tools: Map<number, { slug: string; name: string }>;
  resolutions: Map<number, { outcome: Outcome; note: string; resolvedBy: string; resolvedAt: string }>;
}

/** The thesis text of a revision's stored answers; null when the JSON holds none. */
function thesisOf(answers: string, id: number): { thesis: string | null; thesisDate: string | null } {
  const { thesis, thesisDate } = readJson(storedAnswersSchema, answers, {
    table: "review_revisions",
    column: "answers",
    row: id,
  });
  return { thesis: thesis ?? null, thesisDate: thesisDate ?? null };
}

/** A stored verdict, or null when the column holds neither ship nor skip (damaged data). */
function asVerdict(value: string): Verdict | null {
  return (VERDICTS as readonly string[]).includes(value) ? (value as Verdict) : null;
}

/** Futurist revisions joined with their tools, with the columns asFuturistRevision reads. */
function futuristRevisionQuery(db: Db) {
  return db
    .selectFrom("review_revisions")
    .innerJoin("tools", "tools.id", "review_revisions.tool_id")
    .select([
      "review_revisions.id",
      "review_revisions.tool_id",
      "review_revisions.revision",
      "review_revisions.answers",
      "review_revisions.thesis_date",
      "review_revisions.verdict",
      "review_revisions.published_at",
    ])
    .where("review_revisions.persona", "=", "futurist");
}

/** Every Futurist revision of the given tools (all tools when omitted), as the domain needs them. */
async function futuristRevisions(
  db: Db,
  toolId?: number,
): Promise<{ revisions: FuturistRevision[]; tools: Map<number, { slug: string; name: string }> }> {
  let query = futuristRevisionQuery(db).select(["tools.slug", "tools.name"]);
  if (toolId !== undefined) query = query.where("review_revisions.tool_id", "=", toolId);
  const rows = await query.execute();
  const tools = new Map<number, { slug: string; name: string }>();
  const revisions = rows.map((r) => {
    tools.set(r.tool_id, { slug: r.slug, name: r.name });
    return asFuturistRevision(r);
  });
  return { revisions, tools };
}

/** A stored Futurist revision row as the domain reads it. */
function asFuturistRevision(r: {
  id: number;
  tool_id: number;
  revision: number;
  answers: string;
  thesis_date: string | null;
  published_at: string;
  verdict: string;
}): FuturistRevision {
  const stated = thesisOf(r.answers, r.id);
  return {
    id: r.id,
    toolId: r.tool_id,
    revision: r.revision,
    thesis: stated.thesis,
    // the column is what publishing writes for the date; the answers carry the same date
    thesisDate: r.thesis_date ?? stated.thesisDate,
    publishedAt: r.published_at,
    verdict: asVerdict(r.verdict),
  };
}

/** Where the thesis a tool's page shows stands: not due yet, awaiting judgement, or judged. */
export type ThesisStatus =
  | { state: "upcoming"; thesisDate: string }
  | { state: "awaiting"; thesisDate: string }
  | {
      state: "judged";
      thesisDate: string;
      outcome: Outcome;
      note: string;
      /** YYYY-MM-DD (UTC) of the latest judgement. */
      judgedOn: string;
    };

/**
 * The status of the thesis a tool's current Futurist review states, read in one query (its
 * Futurist revisions with their resolutions); null when the review states no thesis or the
 * slug names no tool. The prediction is found as /methodology finds it, so both agree.
 */
export async function currentThesisStatus(
  db: Db,
  opts: { slug: string; now: number },
): Promise<ThesisStatus | null> {
  const rows = await futuristRevisionQuery(db)
    .leftJoin("thesis_resolutions", "thesis_resolutions.revision_id", "review_revisions.id")
    .select(["thesis_resolutions.outcome", "thesis_resolutions.note", "thesis_resolutions.resolved_at"])
    .where("tools.slug", "=", opts.slug)
    .execute();
  // the latest revision is the published review, so only a still-current prediction is its thesis
  const current = predictionsFrom(rows.map(asFuturistRevision)).findLast((p) => p.current);
  if (!current) return null;
  const { thesisDate } = current;
  if (!isPastDue(thesisDate, opts.now)) return { state: "upcoming", thesisDate };
  const r = rows.find((row) => row.id === current.revisionId);
  if (!r?.outcome || !isOutcome(r.outcome) || r.note === null || r.resolved_at === null) {
    return { state: "awaiting", thesisDate };
  }
  return {
    state: "judged",
    thesisDate,
    outcome: r.outcome,
    note: r.note,
    judgedOn: r.resolved_at.slice(0, 10),
  };
}

async function load(db: Db): Promise<Loaded> {
  const [{ revisions, tools }, rows] = await Promise.all([
    futuristRevisions(db),
    db
      .selectFrom("thesis_resolutions")
      .select(["revision_id", "outcome", "note", "resolved_by", "resolved_at"])
      .execute(),
  ]);
  const resolutions: Loaded["resolutions"] = new Map();
  for (const r of rows) {
    if (!isOutcome(r.outcome)) continue;
    resolutions.set(r.revision_id, {
      outcome: r.outcome,
      note: r.note,
      resolvedBy: r.resolved_by,
      resolvedAt: r.resolved_at,
    });
  }
  return { predictions: predictionsFrom(revisions), tools, resolutions };
}

function item(loaded: Loaded, p: Prediction): AdminPredictionItem {
  const tool = loaded.tools.get(p.toolId) ?? { slug: "", name: "" };
  const r = loaded.resolutions.get(p.revisionId);
  return {
    id: p.revisionId,
    tool: { slug: tool.slug, name: tool.name },
    thesis: p.thesis,
    thesisDate: p.thesisDate,
    statedOn: p.statedAt.slice(0, 10),
    futuristVerdict: p.verdict,
    current: p.current,
    outcome: r?.outcome ?? null,
    note: r?.note ?? null,
    resolvedAt: r?.resolvedAt ?? null,
    resolvedBy: r?.resolvedBy ?? null,
  };
}

const byDateThenTool = (a: PredictionItem, b: PredictionItem) =>
  a.thesisDate.localeCompare(b.thesisDate) || a.tool.name.localeCompare(b.tool.name) || a.id - b.id;

/** The verdict history of the tools that have a resolved thesis: one query for all of them. */
async function verdictRevisions(db: Db, toolIds: number[]): Promise<VerdictRevision[]> {
  if (toolIds.length === 0) return [];
  const rows = await db
    .selectFrom("review_revisions")
    .select(["tool_id", "persona", "revision", "verdict", "published_at"])
    .where("tool_id", "in", toolIds)
    .execute();
  const out: VerdictRevision[] = [];
  for (const r of rows) {
    if (!(PERSONAS as readonly string[]).includes(r.persona)) continue;
    const verdict = asVerdict(r.verdict);
    if (verdict === null) continue;
    out.push({
      toolId: r.tool_id,
      persona: r.persona,
      revision: r.revision,
      verdict,
      publishedAt: r.published_at,
    });
  }
  return out;
}

/** What /methodology shows: past-due theses with their outcomes, what is still to come, and the track records. */
export async function predictionsOverview(db: Db, opts: { now: number }): Promise<PredictionsOverview> {
  const loaded = await load(db);
  const pastDue: PredictionItem[] = [];
  let upcoming = 0;
  let nextDue: string | null = null;
  for (const p of loaded.predictions) {
    if (isPastDue(p.thesisDate, opts.now)) {
      const { resolvedBy: _hidden, ...shown } = item(loaded, p);
      pastDue.push(shown);
    } else {
      upcoming++;
      if (nextDue === null || p.thesisDate < nextDue) nextDue = p.thesisDate;
    }
  }
  pastDue.sort(byDateThenTool);
  // only past-due theses can be judged, so only they feed the records
  const resolved = loaded.predictions.flatMap((p) => {
    const r = loaded.resolutions.get(p.revisionId);
    return r && isPastDue(p.thesisDate, opts.now)
      ? [{ toolId: p.toolId, statedAt: p.statedAt, outcome: r.outcome, futuristVerdict: p.verdict }]
      : [];
  });
  const verdicts = await verdictRevisions(db, [...new Set(resolved.map((r) => r.toolId))]);
  return {
    pastDue,
    awaiting: pastDue.filter((p) => p.outcome === null).length,
    upcoming,
    nextDue,
    records: trackRecords(resolved, verdicts),
  };
}

/** What /admin/predictions lists: past-due theses, the unjudged first, then by date. */
export async function predictionsToResolve(db: Db, opts: { now: number }): Promise<AdminPredictionItem[]> {
  const loaded = await load(db);
  return loaded.predictions
    .filter((p) => isPastDue(p.thesisDate, opts.now))
    .map((p) => item(loaded, p))
    .sort((a, b) => Number(a.outcome !== null) - Number(b.outcome !== null) || byDateThenTool(a, b));
}

export type ResolveProblem = "unknown" | "not-due";

export type ResolveResult =
  | { ok: true; changed: boolean; toolSlug: string; before: Outcome | null }
  | { ok: false; problem: ResolveProblem };

/**
 * Records (or changes) an admin's judgement of a past-due thesis, with an audit entry, in
 * one transaction. Saving the same outcome and note again changes nothing and logs nothing.
 * The caller invalidates the page cache when `changed`.
 */
export async function resolvePrediction(
  db: Db,
  input: { id: number; outcome: Outcome; note: string; actor: Actor; now: number },
): Promise<ResolveResult> {
  return db.transaction().execute(async (trx): Promise<ResolveResult> => {
    const target = await trx
      .selectFrom("review_revisions")
      .select(["tool_id", "persona"])
      .where("id", "=", input.id)
      .executeTakeFirst();
    if (target?.persona !== "futurist") return { ok: false, problem: "unknown" };
    // two admins judging the same tool at once: PostgreSQL orders them on the tool's row;
    // SQLite has a single writer already
    await lockToolRows(trx, [target.tool_id]);
    const { revisions, tools } = await futuristRevisions(trx, target.tool_id);
    const prediction = predictionsFrom(revisions).find((p) => p.revisionId === input.id);
    // a revision that kept an earlier thesis is not a prediction of its own
    if (!prediction) return { ok: false, problem: "unknown" };
    if (!isPastDue(prediction.thesisDate, input.now)) return { ok: false, problem: "not-due" };
    const toolSlug = tools.get(target.tool_id)?.slug ?? String(target.tool_id);

    const existing = await trx
      .selectFrom("thesis_resolutions")
      .select(["outcome", "note"])
      .where("revision_id", "=", input.id)
      .executeTakeFirst();
    const before = existing && isOutcome(existing.outcome) ? existing.outcome : null;
    if (existing && existing.outcome === input.outcome && existing.note === input.note) {
      return { ok: true, changed: false, toolSlug, before };
    }
    const at = iso(input.now);
    const values = {
      outcome: input.outcome,
      note: input.note,
      resolved_by: input.actor.email,
      resolved_at: at,
    };
    await trx
      .insertInto("thesis_resolutions")
      .values({ revision_id: input.id, ...values })
      .onConflict((oc) => oc.column("revision_id").doUpdateSet(values))
      .execute();
    await recordAudit(trx, {
      actor: input.actor,
      action: "prediction.resolve",
      subject: `tool:${toolSlug}`,
      reason: input.note,
      detail: {
        prediction: input.id,
        thesisDate: prediction.thesisDate,
        outcomeBefore: before,
        outcomeAfter: input.outcome,
      },
      now: input.now,
    });
    return { ok: true, changed: true, toolSlug, before };
  });
}
