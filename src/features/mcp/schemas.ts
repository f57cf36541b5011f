/**
 * The MCP tools' input and output schemas. Inputs are validated by the SDK before a handler
 * runs; outputs are what `tools/list` advertises and what every structured result is checked
 * against (by the server, and by clients that validate). Tools are named by slug and name,
 * never by database id.
 */
import { z } from "zod";
import { DEPLOYMENTS, PERSONAS, PRICING_MODELS, VERDICTS } from "../../domain/catalog-schema.ts";
import { SORTS } from "../catalog/index.ts";

const PANEL_VERDICTS = ["ship", "skip", "split", "in-progress"] as const;

/** A catalog slug, as the site's addresses use them. */
export const slugInput = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]{1,80}$/, 'A tool slug is lowercase letters, digits and hyphens, like "claude-code".');

// ---- shared output parts ----

const ref = z.object({ slug: z.string(), name: z.string() });

const panelOut = z
  .object({
    verdict: z
      .enum(PANEL_VERDICTS)
      .describe("ship, skip, split (2–2), or in-progress until all four personas publish"),
    label: z.string().describe('The decision-table line, e.g. "Ship · 4 ship / 0 skip"'),
    score: z.number().nullable().describe("Mean of the published persona scores (0–100); null with none"),
    shipPercent: z.number().int().nullable().describe("Share of published personas voting ship"),
    published: z.number().int().describe("How many of the four personas have published"),
  })
  .describe("The four-persona panel's verdict");

const communityOut = z
  .object({
    ship: z.number().int(),
    skip: z.number().int(),
    total: z.number().int(),
    shipPercent: z.number().int().nullable(),
    label: z.string().describe('e.g. "64% ship · 25 votes"'),
  })
  .describe("Signed-in readers' ship/skip votes");

const pricingBrief = z.object({
  model: z.enum(PRICING_MODELS),
  entry: z.string().describe('The cheapest way in, e.g. "Free", "$20/mo"'),
  freeTier: z.boolean(),
  license: z.string(),
});

const pricingFull = pricingBrief.extend({
  modelName: z.string(),
  units: z.array(z.object({ label: z.string(), usd: z.number(), unit: z.string() })),
  detail: z.string(),
  asOf: z.string().describe("The date the prices were checked (YYYY-MM-DD)"),
});

/** One tool in a list. */
export const toolBriefOut = z.object({
  slug: z.string(),
  name: z.string(),
  vendor: z.string(),
  category: ref,
  bestFor: z.string(),
  deployment: z.array(z.enum(DEPLOYMENTS)),
  pricing: z.object({ model: z.enum(PRICING_MODELS), entry: z.string() }),
  panel: panelOut,
  community: communityOut,
  url: z.string().describe("The tool's page on the site"),
});

const personaOut = z.object({
  persona: z.enum(PERSONAS),
  name: z.string().describe("Builder, Skeptic, Futurist or Founder"),
  score: z.number().int(),
  verdict: z.enum(VERDICTS),
  summary: z.string(),
  byline: z.string().describe('"by <panelist>", or "drafted by <model>, edited by <panelist>"'),
  publishedAt: z.string().nullable(),
  answers: z
    .array(z.object({ question: z.string(), answer: z.string() }))
    .optional()
    .describe("The persona's four lens answers (with includeAnswers)"),
});

// ---- search_tools ----

export const searchInput = z.object({
  query: z
    .string()
    .trim()
    .max(200, "Keep the search under 200 characters.")
    .optional()
    .describe("Words to look for in names, vendors, 'best for' and descriptions"),
  category: slugInput.optional().describe("A category slug, e.g. vector-databases"),
  pricing: z.enum(PRICING_MODELS).optional(),
  verdict: z.enum(PANEL_VERDICTS).optional().describe("The panel verdict to keep"),
  deployment: z.enum(DEPLOYMENTS).optional(),
  sort: z
    .enum(SORTS)
    .default("score")
    .describe("score (panel score), community (Wilson lower bound), newest, name"),
  page: z.number().int().min(1).max(10_000).default(1),
  limit: z.number().int().min(1).max(25).default(10).describe("Tools per page, 1–25"),
});

export const searchOutput = z.object({
  total: z.number().int().describe("Tools matching the filters, across all pages"),
  page: z.number().int(),
  pages: z.number().int(),
  tools: z.array(toolBriefOut),
  url: z.string().describe("The same search on the site"),
});

// ---- get_verdict ----

export const verdictInput = z.object({
  slug: slugInput.describe('The tool\'s slug, e.g. "cursor" (search_tools finds slugs)'),
  includeAnswers: z.boolean().default(false).describe("Also return each persona's four lens answers"),
});

export const verdictOutput = z.object({
  tool: z.object({
    slug: z.string(),
    name: z.string(),
    vendor: z.string(),
    category: ref,
    bestFor: z.string(),
    description: z.string(),
    homepage: z.string(),
    deployment: z.array(z.enum(DEPLOYMENTS)),
    url: z.string(),
  }),
  panel: panelOut,
  personas: z.array(personaOut).describe("Published persona reviews, in panel order"),
  pricing: pricingFull,
  community: communityOut,
  competitors: z.array(z.object({ name: z.string(), slug: z.string().nullable() })),
});

// ---- compare_tools ----

export const compareInput = z.object({
  slugs: z
    .array(slugInput)
    .min(2, "Compare 2 to 4 tools: give at least two slugs.")
    .max(4, "Compare 2 to 4 tools: give at most four slugs.")
    .describe("2 to 4 distinct tool slugs"),
});

export const compareOutput = z.object({
  tools: z
    .array(
      z.object({
        slug: z.string(),
        name: z.string(),
        category: ref,
        bestFor: z.string(),
        panel: panelOut,
        community: communityOut,
        pricing: pricingBrief.extend({ detail: z.string(), asOf: z.string() }),
        personas: z.array(personaOut.omit({ answers: true, byline: true, publishedAt: true })),
        url: z.string(),
      }),
    )
    .describe("The decision table: one entry per tool, in the order asked"),
  pairs: z
    .array(
      z.object({
        a: ref,
        b: ref,
        reviewerSplit: z.object({
          line: z.string(),
          rows: z.array(
            z.object({
              persona: z.enum(PERSONAS),
              diff: z.number().nullable().describe("Score of a minus score of b"),
              leans: z.string().nullable().describe("The slug this persona leans to, 'even', or null"),
              verdictsDiffer: z.boolean(),
            }),
          ),
        }),
        pricingRead: z.array(z.string()),
        headToHead: z
          .object({ picks: z.record(z.string(), z.number().int()), total: z.number().int() })
          .describe("Readers' picks between the two, by slug"),
        url: z.string(),
      }),
    )
    .describe("Every pair of the tools: reviewer split, pricing read, readers' picks"),
});

// ---- recommend_tool ----

export const recommendInput = z.object({
  need: z
    .string()
    .trim()
    .min(3, "Describe the need in a few words.")
    .max(500, "Keep the need under 500 characters.")
    .describe('What the tool is for, in words, e.g. "self-hosted vector search for a RAG app"'),
  category: slugInput.optional().describe("Only tools in this category slug"),
  constraints: z
    .object({
      selfHosted: z.boolean().optional().describe("Must run on your own infrastructure"),
      openSource: z.boolean().optional().describe("Must have an open-source licence"),
      freeTier: z
        .boolean()
        .optional()
        .describe("Must be usable without paying (free tier, free or open source)"),
      maxEntryUsd: z
        .number()
        .min(0)
        .optional()
        .describe("Largest entry price in US dollars, read from the entry price label, whatever its unit"),
    })
    .default({}),
  limit: z.number().int().min(1).max(10).default(5),
});

export const recommendOutput = z.object({
  need: z.string(),
  terms: z.array(z.string()).describe("The need's words matched against tool profiles"),
  category: ref.nullable(),
  candidates: z.array(
    z.object({
      position: z.number().int(),
      slug: z.string(),
      name: z.string(),
      category: ref,
      bestFor: z.string(),
      fit: z.number().describe("0–1: how much of the need the profile covers"),
      score: z.number().describe("0–1: the ranking figure (fit, panel score, community, verdict)"),
      matched: z.array(z.object({ term: z.string(), field: z.string() })),
      meets: z.array(z.string()).describe("The constraints it meets, in words"),
      panel: panelOut,
      pricing: pricingBrief,
      deployment: z.array(z.enum(DEPLOYMENTS)),
      reasons: z.array(z.string()).describe("The panel's own words: the most and least convinced personas"),
      url: z.string(),
    }),
  ),
  hint: z.string().optional().describe("What to change when few or no tools fit"),
});

// ---- leaderboard ----

export const leaderboardInput = z.object({
  category: slugInput.optional().describe("A category slug; the whole catalog when absent"),
});

export const leaderboardOutput = z.object({
  category: ref.nullable(),
  available: z.boolean().describe("Whether head-to-head ratings exist yet"),
  entries: z.array(
    z.object({
      position: z.number().int(),
      slug: z.string(),
      name: z.string(),
      rating: z.number(),
      low: z.number().nullable(),
      high: z.number().nullable(),
      picks: z.number().int(),
      provisional: z.boolean(),
    }),
  ),
  note: z.string(),
});

export type SearchOutput = z.infer<typeof searchOutput>;
export type VerdictOutput = z.infer<typeof verdictOutput>;
export type CompareOutput = z.infer<typeof compareOutput>;
export type RecommendOutput = z.infer<typeof recommendOutput>;
export type LeaderboardOutput = z.infer<typeof leaderboardOutput>;
export type ToolBrief = z.infer<typeof toolBriefOut>;
