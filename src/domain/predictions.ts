/**
 * The Futurist's dated theses as predictions, and the track records built from their
 * resolutions. Pure: callers pass revisions, resolutions and "now"; nothing here reads a clock.
 */
import { PERSONAS, type Persona, type Verdict } from "./catalog-schema.ts";

export const OUTCOMES = ["held", "failed", "unclear"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A judgement's note: long enough to say why, short enough to read in the list. */
export const NOTE_MIN = 10;
export const NOTE_MAX = 600;

/** Whether a string names an outcome. */
export function isOutcome(value: string): value is Outcome {
  return (OUTCOMES as readonly string[]).includes(value);
}

/** One published Futurist revision, as much of it as predictions need. */
export interface FuturistRevision {
  id: number;
  toolId: number;
  /** 1, 2, 3… per tool. */
  revision: number;
  /** Null or empty when the revision states no thesis (old or damaged data). */
  thesis: string | null;
  /** YYYY-MM-DD, or null when the revision states no date. */
  thesisDate: string | null;
  /** ISO instant. */
  publishedAt: string;
  /** The Futurist's verdict in this revision; null when the stored value is neither (damaged data). */
  verdict: Verdict | null;
}

/** A thesis as first stated: identified by the earliest revision that stated it. */
export interface Prediction {
  revisionId: number;
  toolId: number;
  thesis: string;
  thesisDate: string;
  /** When the thesis was first published (ISO instant). */
  statedAt: string;
  /** False once a later revision of the tool states a different thesis. */
  current: boolean;
  /**
   * The Futurist's verdict in the revision that stated the thesis: the thesis is its reason
   * for that verdict, so the outcome is read against it. A later revision that keeps the
   * thesis but flips the verdict does not change it, as a later change of mind never counts.
   */
  verdict: Verdict | null;
}

/** Whitespace never makes a thesis different: re-saving a form must not start a new prediction. */
function normalize(thesis: string): string {
  return thesis.trim().replace(/\s+/g, " ");
}

/**
 * Turns Futurist revisions into predictions: a revision starts a new prediction when its
 * thesis text or date differs from the same tool's previous revision; a revision that only
 * edits other answers keeps the prediction it continues. Ordered by tool, then revision.
 */
export function predictionsFrom(revisions: readonly FuturistRevision[]): Prediction[] {
  const sorted = [...revisions].sort((a, b) => a.toolId - b.toolId || a.revision - b.revision);
  const out: Prediction[] = [];
  let previousTool: number | undefined;
  let previousKey: string | null = null;
  for (const r of sorted) {
    if (r.toolId !== previousTool) {
      previousTool = r.toolId;
      previousKey = null;
    }
    const thesis = r.thesis ? normalize(r.thesis) : "";
    const key = thesis && r.thesisDate ? `${r.thesisDate}\n${thesis}` : null;
    if (key !== null && key !== previousKey) {
      const last = out.at(-1);
      if (last && last.toolId === r.toolId) last.current = false;
      out.push({
        revisionId: r.id,
        toolId: r.toolId,
        thesis,
        thesisDate: r.thesisDate as string,
        statedAt: r.publishedAt,
        current: true,
        verdict: r.verdict,
      });
    } else if (key === null) {
      // a revision without a thesis retires the one before it
      const last = out.at(-1);
      if (last && last.toolId === r.toolId) last.current = false;
    }
    previousKey = key;
  }
  return out;
}

/** A thesis as a review states it: its text and its date. */
export interface ThesisStatement {
  thesis: string;
  thesisDate: string;
}

/** Whether `next` states another thesis than `previous` (none before counts as another). */
export function isNewThesis(previous: ThesisStatement | null, next: ThesisStatement): boolean {
  if (!previous) return true;
  return previous.thesisDate !== next.thesisDate || normalize(previous.thesis) !== normalize(next.thesis);
}

/** How far ahead a thesis may be dated: far enough for a real bet, near enough to be judged. */
export const THESIS_HORIZON_YEARS = 5;

/**
 * Why a newly stated thesis's date will not do, or null when it will: it must fall after today
 * (UTC) and within the horizon. A thesis dated in the past would be judged on an outcome
 * already known, and would flatter the track records.
 */
export function thesisDateProblem(thesisDate: string, now: number): string | null {
  const today = utcDay(now);
  if (thesisDate <= today) {
    return `A new thesis needs a date after today (${today}): one already past could be judged on what is known.`;
  }
  const horizon = new Date(now);
  horizon.setUTCFullYear(horizon.getUTCFullYear() + THESIS_HORIZON_YEARS);
  if (thesisDate > utcDay(horizon.getTime())) {
    return `Date the thesis within ${THESIS_HORIZON_YEARS} years (by ${utcDay(horizon.getTime())}), so that it can be judged.`;
  }
  return null;
}

/** Today's date in UTC, YYYY-MM-DD. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** A thesis is past due once its date is over: the date is before today (UTC). */
export function isPastDue(thesisDate: string, now: number): boolean {
  return thesisDate < utcDay(now);
}

/** One persona's verdict on a tool, from one of its published revisions. */
export interface VerdictRevision {
  toolId: number;
  persona: Persona;
  revision: number;
  verdict: Verdict;
  publishedAt: string;
}

/**
 * The persona's verdict on the tool when the thesis was made: its latest revision published
 * at or before `at`; undefined when it had not reviewed the tool by then.
 */
export function verdictAt(
  revisions: readonly VerdictRevision[],
  toolId: number,
  persona: Persona,
  at: string,
): Verdict | undefined {
  let best: VerdictRevision | undefined;
  for (const r of revisions) {
    if (r.toolId !== toolId || r.persona !== persona) continue;
    if (Date.parse(r.publishedAt) > Date.parse(at)) continue;
    if (!best || r.revision > best.revision) best = r;
  }
  return best?.verdict;
}

/** A resolved prediction: what the track records are built from. */
export interface ResolvedPrediction {
  toolId: number;
  /** When the thesis was first published: the moment the personas' verdicts are read at. */
  statedAt: string;
  outcome: Outcome;
  /** The Futurist's verdict in the revision that stated the thesis (see Prediction.verdict). */
  futuristVerdict: Verdict | null;
}

/**
 * The verdict an outcome bears out. A thesis is the Futurist's reason for its verdict, so a
 * thesis that held bears out that verdict, one that failed bears out the opposite, and an
 * unclear one bears out neither. Null too when the Futurist's verdict is unknown.
 */
export function borneOut(futuristVerdict: Verdict | null, outcome: Outcome): Verdict | null {
  if (futuristVerdict === null || outcome === "unclear") return null;
  if (outcome === "held") return futuristVerdict;
  return futuristVerdict === "ship" ? "skip" : "ship";
}

/** The Futurist's own record: outcomes of its resolved theses. */
export interface FuturistRecord {
  held: number;
  failed: number;
  unclear: number;
  /** held + failed: the theses that came out one way or the other. */
  decided: number;
  /** held ÷ (held + failed), 0 to 1; null when nothing is decided yet. */
  hitRate: number | null;
}

/** How often one persona's verdict matched the verdict the outcome bore out. */
export interface PersonaRecord {
  persona: Persona;
  /** Theses on which the persona's verdict at the time was the one the outcome bore out. */
  agreed: number;
  /** Held or failed theses on which the persona had a verdict at the time. */
  judged: number;
  /** agreed ÷ judged, 0 to 1; null when judged is 0. */
  rate: number | null;
}

export interface TrackRecords {
  futurist: FuturistRecord;
  personas: PersonaRecord[];
}

/**
 * Track records from resolved predictions. The Futurist's hit rate counts held against
 * failed. For every persona, a verdict agrees when it is the one the outcome bore out (see
 * `borneOut`): a bearish thesis that held credits the personas that said skip, not ship.
 * Unclear outcomes count for nobody, and a persona that had not reviewed the tool when the
 * thesis was made is left out of that thesis. The Futurist's verdict at the time is the one
 * that stated the thesis, so (its verdict being known) its row equals its hit rate.
 */
export function trackRecords(
  resolved: readonly ResolvedPrediction[],
  verdicts: readonly VerdictRevision[],
): TrackRecords {
  const held = resolved.filter((p) => p.outcome === "held").length;
  const failed = resolved.filter((p) => p.outcome === "failed").length;
  const unclear = resolved.length - held - failed;
  const decided = held + failed;
  const personas = PERSONAS.map((persona): PersonaRecord => {
    let agreed = 0;
    let judged = 0;
    for (const p of resolved) {
      const expected = borneOut(p.futuristVerdict, p.outcome);
      if (expected === null) continue;
      // read from the stating revision itself, which another Futurist revision published in
      // the same instant could otherwise shadow
      const verdict =
        persona === "futurist" ? p.futuristVerdict : verdictAt(verdicts, p.toolId, persona, p.statedAt);
      if (!verdict) continue;
      judged++;
      if (verdict === expected) agreed++;
    }
    return { persona, agreed, judged, rate: judged === 0 ? null : agreed / judged };
  });
  return {
    futurist: { held, failed, unclear, decided, hitRate: decided === 0 ? null : held / decided },
    personas,
  };
}

/** "3 of 4 (75%)": a share always with its counts; null when there is nothing to count. */
export function shareLabel(n: number, of: number): string | null {
  if (of === 0) return null;
  return `${n} of ${of} (${Math.round((100 * n) / of)}%)`;
}
