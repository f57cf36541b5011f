/**
 * The shape of a catalog tool and its panel, as written in the starter data files and
 * (later) admin forms and imports. One schema for every way a tool enters the catalog.
 */
import { z } from "zod";

export const PERSONAS = ["builder", "skeptic", "futurist", "founder"] as const;
export type Persona = (typeof PERSONAS)[number];

/** Whether a string names a persona. */
export function isPersona(value: string): value is Persona {
  return (PERSONAS as readonly string[]).includes(value);
}

export const VERDICTS = ["ship", "skip"] as const;
export type Verdict = (typeof VERDICTS)[number];

export const PRICING_MODELS = [
  "free",
  "open-source",
  "freemium",
  "paid",
  "usage-based",
  "enterprise",
] as const;
export type PricingModel = (typeof PRICING_MODELS)[number];

export const DEPLOYMENTS = ["cloud-api", "self-hosted", "on-device"] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

export const TIMINGS = ["early", "on-time", "late"] as const;
export type Timing = (typeof TIMINGS)[number];

const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lowercase letters, digits and single hyphens")
  .max(80);
const text = (max: number) => z.string().trim().min(1).max(max);
/** A calendar date as YYYY-MM-DD that really exists (no 30 February). */
export function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
  .refine(isRealDate, "a date that exists on the calendar");

export const categorySchema = z.strictObject({
  slug,
  name: text(60),
  description: text(400),
});
export type CategoryInput = z.infer<typeof categorySchema>;

export const unitPriceSchema = z.strictObject({
  label: text(60),
  /** Price in US dollars per `unit`. */
  usd: z.number().nonnegative(),
  unit: text(40),
});

export const pricingSchema = z.strictObject({
  model: z.enum(PRICING_MODELS),
  /** Short label for the cheapest way in, e.g. "Free", "$20/mo", "$0.10 / 1M tokens". */
  entry: text(40),
  freeTier: z.boolean(),
  /** SPDX id or "Proprietary". */
  license: text(60),
  units: z.array(unitPriceSchema).max(8).default([]),
  detail: text(600),
  asOf: isoDate,
});
export type PricingInput = z.infer<typeof pricingSchema>;

export const competitorSchema = z.strictObject({
  name: text(80),
  /** Catalog slug when the competitor is in the catalog. */
  slug: slug.optional(),
});

const reviewBase = {
  score: z.number().int().min(0).max(100),
  verdict: z.enum(VERDICTS),
  /** One or two sentences: the rationale shown on the scorecard. */
  summary: text(400),
};

export const builderAnswersSchema = z.strictObject({
  primitive: text(600),
  dxBet: text(600),
  momentOfTruth: text(600),
  decision: text(600),
});
export const skepticAnswersSchema = z.strictObject({
  category: text(600),
  breaksWhere: text(600),
  killer: text(600),
  survival: text(600),
});
export const futuristAnswersSchema = z.strictObject({
  thesis: text(600),
  thesisDate: isoDate,
  dependency: text(600),
  secondOrder: text(600),
  timing: z.enum(TIMINGS),
});
export const founderAnswersSchema = z.strictObject({
  buyer: text(600),
  moat: text(600),
  tenXCheaper: text(600),
  viability: text(600),
});

/** Each persona's review, as a form, an import or a model's answer must give it. */
export const reviewSchemas = {
  builder: z.strictObject({ ...reviewBase, answers: builderAnswersSchema }),
  skeptic: z.strictObject({ ...reviewBase, answers: skepticAnswersSchema }),
  futurist: z.strictObject({ ...reviewBase, answers: futuristAnswersSchema }),
  founder: z.strictObject({ ...reviewBase, answers: founderAnswersSchema }),
} as const;
export type ReviewInput<P extends Persona = Persona> = z.infer<(typeof reviewSchemas)[P]>;

/**
 * A published revision's answers as stored (review_revisions.answers): text by answer key. Looser
 * than the persona schemas on purpose, so a revision written under older rules still reads.
 */
export const storedAnswersSchema = z.record(z.string(), z.string());

export const panelSchema = z.strictObject(reviewSchemas);
export type PanelInput = z.infer<typeof panelSchema>;

/** A tool's profile: everything about it but its panel. Admin forms and imports write this. */
export const toolProfileSchema = z.strictObject({
  slug,
  name: text(80),
  vendor: text(60),
  category: slug,
  bestFor: text(140),
  description: text(1200),
  homepage: z.url({ protocol: /^https$/ }),
  deployment: z.array(z.enum(DEPLOYMENTS)).min(1),
  /** When the tool entered the catalog; drives "newest". */
  addedAt: isoDate,
  pricing: pricingSchema,
  competitors: z.array(competitorSchema).max(8),
});
export type ToolProfileInput = z.infer<typeof toolProfileSchema>;

/** A starter-catalog file: a profile with its sample panel. */
export const toolSchema = toolProfileSchema.extend({ panel: panelSchema });
export type ToolInput = z.infer<typeof toolSchema>;
