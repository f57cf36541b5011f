/**
 * THE prompt for a model's draft of one persona review, in one place so it can be read and
 * changed as prose. It holds the tool's profile and the persona's four questions (the same
 * questions, in the same order and with the same answer keys, as the panel's form), and, when
 * the persona has a published review, that review with the instruction to revise it for today.
 * The answer's shape is not described in words here: the request carries the review's JSON
 * schema, and the answer is checked against the same zod schema the form uses.
 */
import type { Persona } from "../../../domain/catalog-schema.ts";
import { LENSES } from "../../../domain/lenses.ts";
import { isPastDue, THESIS_HORIZON_YEARS } from "../../../domain/predictions.ts";
import { pricingModelName } from "../../../domain/pricing-read.ts";
import { DEPLOYMENT_LABELS } from "../../../ui/labels.ts";
import type { Review, ToolDetail } from "../../tools/index.ts";
import type { ChatMessage } from "./client.ts";

/** The parts of a tool the prompt shows the model: its profile, not its panel. */
export type ToolProfileForPrompt = Pick<
  ToolDetail,
  | "name"
  | "vendor"
  | "category"
  | "bestFor"
  | "description"
  | "homepage"
  | "deployment"
  | "pricing"
  | "competitors"
>;

/** The persona's published review as the prompt shows it: what a revision starts from. */
export type PublishedReviewForPrompt = Pick<
  Review,
  "score" | "verdict" | "summary" | "answers" | "thesisDate" | "timing" | "publishedAt"
>;

/**
 * What each answer key asks, spelled out for the model. The labels come from the form's lenses
 * (src/domain/lenses.ts); these add what a panelist knows from the methodology page.
 */
const GUIDANCE: Record<Persona, Record<string, string>> = {
  builder: {
    primitive: "the one building block a developer actually gets (an API call, a model, a CLI, a library…)",
    dxBet: "the bet it makes about how developers want to work, and whether it pays off",
    momentOfTruth: "the first real use, past the demo: what happens, and what a developer learns then",
    decision: "name the decision and say why it matters",
  },
  skeptic: {
    category: "name the category and the direct competitors (the competitors listed above are a start)",
    breaksWhere: "limits, failure modes and the cases it handles badly in real use",
    killer: "the most likely cause: a rival, a price change, a platform's move, a regulation…",
    survival: "the conditions, stated so that they can be checked",
  },
  futurist: {
    thesis:
      "one prediction that starts with its date, such as “By June 2027, …”, specific enough that anyone can tell on that date whether it held",
    thesisDate:
      "The thesis's date as YYYY-MM-DD: after today, at most five years ahead, the last day of the month the thesis names",
    dependency: "what must stay true (a price, a platform, a capability, a rule) for the thesis to come true",
    secondOrder: "what changes around the tool if the thesis holds: for its users, its rivals or its market",
    timing:
      "Timing against the trend: “early” (ahead of demand), “on-time” or “late” (the market has moved on)",
  },
  founder: {
    buyer: "the role that signs, and the budget the money comes from",
    moat: "what stops a funded rival from copying it, and how deep that goes",
    tenXCheaper:
      "when what it sells, or what it runs on, costs a tenth: who wins, and does it still make money?",
    viability: "the pricing, distribution or product decision it rests on",
  },
};

/** A persona's four questions in order, with their answer keys; the Futurist's timing counts as the fourth. */
export function personaQuestions(persona: Persona): { key: string; question: string }[] {
  const guidance = GUIDANCE[persona];
  const keys = Object.keys(guidance);
  return keys.map((key) => {
    const label = LENSES[persona].questions.find((q) => q.key === key)?.label;
    const hint = guidance[key]!;
    return { key, question: label ? `${label} — ${hint}` : hint };
  });
}

/** The tool's profile as plain text, one fact per line. */
function describeTool(tool: ToolProfileForPrompt): string {
  const p = tool.pricing;
  const units = p.units.map((u) => `${u.label}: $${u.usd} per ${u.unit}`).join("; ");
  const competitors = tool.competitors.map((c) => c.name).join(", ");
  return [
    `Name: ${tool.name}`,
    `Vendor: ${tool.vendor}`,
    `Category: ${tool.category.name}`,
    `Best for: ${tool.bestFor}`,
    `Homepage: ${tool.homepage}`,
    `Deployment: ${tool.deployment.map((d) => DEPLOYMENT_LABELS[d]).join(", ") || "not stated"}`,
    `Pricing model: ${pricingModelName(p.model)}; entry price: ${p.entry}; free tier: ${p.freeTier ? "yes" : "no"}; license: ${p.license}`,
    units ? `Unit prices: ${units}` : "",
    `Pricing detail (as of ${p.asOf}): ${p.detail}`,
    `Competitors we list: ${competitors || "none yet"}`,
    "",
    "Description:",
    tool.description,
  ]
    .filter((line, i, all) => line !== "" || all[i + 1] === "Description:")
    .join("\n");
}

/**
 * The published review, one fact per line, each answer under its question's label and answer
 * key, in the form's order. Answers to questions the form no longer asks are left out: the
 * model could not give them back.
 */
function describePublishedReview(persona: Persona, review: PublishedReviewForPrompt): string {
  const published = review.publishedAt ? `, published on ${review.publishedAt.slice(0, 10)}` : "";
  const answers = LENSES[persona].questions.map((q) => {
    const text = review.answers.find((a) => a.question === q.key)?.answer ?? "(not answered)";
    const lines = [`${q.label} (answers.${q.key}):`, text];
    if (q.key === "thesis") lines.push(`Thesis date (answers.thesisDate): ${review.thesisDate ?? "(none)"}`);
    return lines.join("\n");
  });
  if (persona === "futurist") answers.push(`Timing (answers.timing): ${review.timing ?? "(not answered)"}`);
  return [
    `The panel's current ${LENSES[persona].name} review of this tool${published}:`,
    `Score: ${review.score}`,
    `Verdict: ${review.verdict}`,
    `Summary: ${review.summary}`,
    "",
    answers.join("\n\n"),
  ].join("\n");
}

/**
 * What to do with the published review: revise it for today. For the Futurist, the thesis is a
 * prediction the panel will judge on its date, so it is kept word for word unless it is past due
 * (its outcome is known, or soon will be) or can no longer be checked; a changed word would
 * start a new prediction (isNewThesis), which must be dated ahead.
 */
function revisionInstructions(persona: Persona, review: PublishedReviewForPrompt, today: string): string {
  const since = review.publishedAt ? `since ${review.publishedAt.slice(0, 10)}` : "since it was published";
  const general = `Revise this review for today rather than writing a new one. Keep what still holds, in its own words where they still fit. Correct what has changed ${since} (prices, limits, features, rivals, the market), and where a change matters to the judgement, say so in the answer it touches (for example “Since …, …”). Move the score and the verdict only as far as those changes justify.`;
  if (persona !== "futurist") return general;
  const ahead = `state a new thesis instead, dated after today and at most ${THESIS_HORIZON_YEARS} years ahead, keeping answers.thesis to the prediction itself and saying in the summary why the old one was replaced`;
  const date = review.thesisDate;
  const thesis =
    date && isPastDue(date, Date.parse(`${today}T00:00:00Z`))
      ? `The published thesis was due on ${date}, before today (${today}): the panel will judge it on what happened, so it is no longer a bet on the future. Do not keep it: ${ahead}.`
      : `Keep the published thesis and its date: repeat answers.thesis and answers.thesisDate exactly as published, because any change to either makes a new prediction. Only if the thesis can no longer be checked as stated (what it measures has gone, or it has already been settled), ${ahead}.`;
  return `${general}\n\n${thesis}`;
}

/** The messages that ask a model for one persona's review of one tool. */
export function buildReviewPrompt(input: {
  persona: Persona;
  tool: ToolProfileForPrompt;
  /** Today as YYYY-MM-DD, so the Futurist's date lands in the future. */
  today: string;
  /** The persona's published review, if it has one: the draft then revises it. */
  current?: PublishedReviewForPrompt;
}): ChatMessage[] {
  const { persona, tool, today, current } = input;
  const lens = LENSES[persona];
  const questions = personaQuestions(persona)
    .map((q, i) => `${i + 1}. answers.${q.key}: ${q.question}`)
    .join("\n");

  const system = `You are the ${lens.name} on the review panel of Ship or Skip, a site that helps developers decide whether to ship with an AI tool. Four personas review every tool, each through one lens; yours asks: ${lens.focus}

Write as a sharp, fair reviewer would: concrete, specific to this tool, in plain words, without marketing language. Base your answers on the profile you are given and on what is widely known about the tool. When you are unsure of a fact (a price, a limit, a benchmark), say what a reader should check rather than inventing it.

Your answer is a draft: a panelist will check and edit it before anything is published.

Reply with one JSON object that follows the given schema exactly, and nothing else.`;

  const task = current
    ? `Revise the ${lens.name}'s published review of this tool for today.`
    : `Review this tool as the ${lens.name}.`;
  const revision = current
    ? `

${describePublishedReview(persona, current)}

${revisionInstructions(persona, current, today)}`
    : "";

  const user = `Today is ${today}. ${task}

${describeTool(tool)}${revision}

Answer the ${lens.name}'s questions, each text in two to four sentences (at most 600 characters):
${questions}

Then give:
- score: a whole number from 0 to 100, how strongly you would ship with it through your lens;
- verdict: "ship" or "skip", in line with your score and your answers;
- summary: one or two sentences (at most 400 characters), the rationale a reader sees next to your score.`;

  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}
