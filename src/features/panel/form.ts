/**
 * The persona review form's fields: reading them from a post, checking them leniently for a
 * draft or strictly (with the persona's review schema) for publishing, and filling them from
 * a draft or a published revision. No I/O.
 */
import { z } from "zod";
import { SAMPLE_PANEL } from "../../domain/byline.ts";
import {
  isRealDate,
  type Persona,
  type ReviewInput,
  reviewSchemas,
  TIMINGS,
  VERDICTS,
} from "../../domain/catalog-schema.ts";
import { questionKeys } from "../../domain/lenses.ts";
import { isNewThesis, type ThesisStatement, thesisDateProblem } from "../../domain/predictions.ts";
import type { DraftFields } from "./store.ts";

export const SUMMARY_MAX = 400;
export const ANSWER_MAX = 600;

/** The form as typed: every value a string, kept as sent so a failed post shows it again. */
export interface PersonaFormValues {
  score: string;
  verdict: string;
  summary: string;
  /** By answer key, including the Futurist's thesisDate and timing. */
  answers: Record<string, string>;
}

/** A message per form field name (score, verdict, summary, answer_<key>). */
export type FieldErrors = Record<string, string>;

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The answer keys of a persona in form order: its questions, then the Futurist's date and timing. */
function answerKeys(persona: Persona): string[] {
  const keys = questionKeys(persona);
  if (persona === "futurist") keys.push("thesisDate", "timing");
  return keys;
}

/** The form field name of an answer. */
export const answerField = (key: string) => `answer_${key}`;

/** Free-text answers (the Futurist's date and timing are not). */
function isTextAnswer(key: string): boolean {
  return key !== "thesisDate" && key !== "timing";
}

/** An empty form for a persona. */
export function emptyValues(persona: Persona): PersonaFormValues {
  return {
    score: "",
    verdict: "",
    summary: "",
    answers: Object.fromEntries(answerKeys(persona).map((k) => [k, ""])),
  };
}

/** The posted fields of a persona form; anything else in the post is ignored. */
export function readValues(persona: Persona, fields: Record<string, string>): PersonaFormValues {
  // generous caps: enough to show an over-long answer back with its error, not unbounded
  const cut = (s: string | undefined, max: number) => (s ?? "").slice(0, max * 2);
  return {
    score: cut(fields.score, 10),
    verdict: cut(fields.verdict, 10),
    summary: cut(fields.summary, SUMMARY_MAX),
    answers: Object.fromEntries(answerKeys(persona).map((k) => [k, cut(fields[answerField(k)], ANSWER_MAX)])),
  };
}

/** Form values from a saved draft (which may lack any field). */
export function valuesFromDraft(persona: Persona, draft: DraftFields): PersonaFormValues {
  const base = emptyValues(persona);
  return {
    score: draft.score === undefined ? "" : String(draft.score),
    verdict: draft.verdict ?? "",
    summary: draft.summary ?? "",
    answers: Object.fromEntries(Object.keys(base.answers).map((k) => [k, String(draft.answers?.[k] ?? "")])),
  };
}

/** Form values from a published review (answers as the review schema has them). */
export function valuesFromReview(
  persona: Persona,
  review: { score: number; verdict: string; summary: string; answers: Record<string, unknown> },
): PersonaFormValues {
  return valuesFromDraft(persona, {
    score: review.score,
    verdict: review.verdict === "skip" ? "skip" : "ship",
    summary: review.summary,
    answers: Object.fromEntries(
      Object.entries(review.answers).filter((e): e is [string, string] => typeof e[1] === "string"),
    ),
  });
}

const SCORE = /^\d{1,3}$/;

const MESSAGES = {
  score: "Give a whole number from 0 to 100.",
  verdict: "Choose ship or skip.",
  timing: "Choose early, on time or late.",
  thesisDate: "Give the date by which the thesis can be checked, as YYYY-MM-DD.",
  summary: "Write the rationale readers see on the scorecard: one or two sentences.",
  answer: "Answer this question.",
};

function tooLong(max: number, length: number): string {
  return `Keep this to ${max} characters or fewer (it has ${length}).`;
}

/**
 * Checks a draft: any field may be empty, but what is there must fit (lengths, score range,
 * verdict, date and timing). Returns the fields to store, trimmed, empty ones left out.
 */
export function checkDraft(persona: Persona, v: PersonaFormValues): Checked<DraftFields> {
  const errors: FieldErrors = {};
  const out: DraftFields = {};
  const score = v.score.trim();
  if (score !== "") {
    if (SCORE.test(score) && Number(score) <= 100) out.score = Number(score);
    else errors.score = MESSAGES.score;
  }
  const verdict = v.verdict.trim();
  if (verdict !== "") {
    if ((VERDICTS as readonly string[]).includes(verdict)) out.verdict = verdict as "ship" | "skip";
    else errors.verdict = MESSAGES.verdict;
  }
  const summary = v.summary.trim();
  if (summary.length > SUMMARY_MAX) errors.summary = tooLong(SUMMARY_MAX, summary.length);
  else if (summary !== "") out.summary = summary;
  const answers: Record<string, string> = {};
  for (const key of answerKeys(persona)) {
    const text = (v.answers[key] ?? "").trim();
    if (text === "") continue;
    if (key === "timing" && !(TIMINGS as readonly string[]).includes(text)) {
      errors[answerField(key)] = MESSAGES.timing;
    } else if (key === "thesisDate" && !isRealDate(text)) {
      errors[answerField(key)] = MESSAGES.thesisDate;
    } else if (isTextAnswer(key) && text.length > ANSWER_MAX) {
      errors[answerField(key)] = tooLong(ANSWER_MAX, text.length);
    } else {
      answers[key] = text;
    }
  }
  if (Object.keys(answers).length > 0) out.answers = answers;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // an empty draft would only hold the persona's place in the queue (and keep model drafts out)
  if (Object.keys(out).length === 0) {
    return {
      ok: false,
      errors: { form: "Nothing to save yet: write at least one answer, the score or the verdict." },
    };
  }
  return { ok: true, value: out };
}

/** The field an issue of the review schema belongs to, and what to tell the panelist. */
function messageFor(issue: z.core.$ZodIssue, values: PersonaFormValues): [string, string] {
  const [first, second] = issue.path.map(String);
  if (first === "answers" && second) {
    const field = answerField(second);
    if (second === "timing") return [field, MESSAGES.timing];
    if (second === "thesisDate") return [field, MESSAGES.thesisDate];
    if (issue.code === "too_big")
      return [field, tooLong(ANSWER_MAX, (values.answers[second] ?? "").trim().length)];
    return [field, MESSAGES.answer];
  }
  if (first === "summary") {
    return [
      "summary",
      issue.code === "too_big" ? tooLong(SUMMARY_MAX, values.summary.trim().length) : MESSAGES.summary,
    ];
  }
  if (first === "score" || first === "verdict") return [first, MESSAGES[first]];
  return ["form", issue.message];
}

/**
 * Checks a review for publishing with the persona's review schema, the same one imports and
 * model answers pass; every problem is named against its field.
 */
export function checkReview(
  persona: Persona,
  v: PersonaFormValues,
  /** For a Futurist review: the thesis it revises and the clock, so a new thesis is dated ahead. */
  futurist?: { previous: ThesisStatement | null; now: number },
): Checked<ReviewInput> {
  const score = v.score.trim();
  const candidate = {
    score: SCORE.test(score) ? Number(score) : score === "" ? undefined : Number.NaN,
    verdict: v.verdict.trim() || undefined,
    summary: v.summary,
    answers: Object.fromEntries(
      answerKeys(persona).map((k) => {
        const text = v.answers[k] ?? "";
        // free text is trimmed by the schema; the date and timing are codes, trimmed here
        if (k === "timing") return [k, text.trim() || undefined];
        return [k, k === "thesisDate" ? text.trim() : text];
      }),
    ),
  };
  const parsed = (reviewSchemas[persona] as z.ZodType<ReviewInput>).safeParse(candidate);
  const errors: FieldErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, message] = messageFor(issue, v);
      errors[field] ??= message;
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  if (futurist && "thesisDate" in parsed.data.answers) {
    const stated = parsed.data.answers;
    if (isNewThesis(futurist.previous, stated)) {
      const problem = thesisDateProblem(stated.thesisDate, futurist.now);
      if (problem) return { ok: false, errors: { [answerField("thesisDate")]: problem } };
    }
  }
  return { ok: true, value: parsed.data };
}

const BYLINE_MIN = 2;
export const BYLINE_MAX = 60;

/** The name a panelist publishes under: trimmed, inner spaces collapsed, printable, 2–60 characters. */
export const bylineSchema = z
  .string()
  .transform((s) => s.trim().replace(/\s+/g, " "))
  .pipe(
    z
      .string()
      .min(1, "Write the name readers should see on your reviews.")
      .min(BYLINE_MIN, `Use at least ${BYLINE_MIN} characters.`)
      .max(BYLINE_MAX, `Keep it to ${BYLINE_MAX} characters or fewer.`)
      .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), "Use letters, digits, spaces and punctuation only.")
      .refine((s) => !s.includes("@"), "Use a name, not an email address: bylines are public.")
      .refine(
        (s) => s.toLowerCase() !== SAMPLE_PANEL.toLowerCase(),
        "That name belongs to the starter reviews; use your own.",
      ),
  );
