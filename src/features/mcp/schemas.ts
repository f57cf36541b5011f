/**
 * The MCP tools' input and output schemas. Inputs are validated by the SDK before a handler
 * runs; outputs are what `tools/list` advertises and what every structured result is checked
 * against (by the server, and by clients that validate). Tools are named by slug and name,
 * never by database id.
 */
import { z } from "zod";
import { DEPLOYMENTS, PRICING_MODELS } from "../../domain/catalog-schema.ts";
import { textProblem } from "../../http/text-input.ts";
import { comparisonSchema, leaderboardSchema, toolDetailSchema, toolSummarySchema } from "../api/index.ts";
import { SORTS } from "../catalog/index.ts";

const PANEL_VERDICTS = ["ship", "skip", "split", "in-progress"] as const;

/** Free text as the site accepts it anywhere: no control characters, well-formed Unicode. */
const plainText = (text: z.ZodString) =>
  text.refine(
    (v) => textProblem(v, { lines: false }) === undefined,
    "Remove control characters (such as NUL or line breaks) and malformed Unicode from the text.",
  );

/** A catalog slug, as the site's addresses use them. */
export const slugInput = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]{1,80}$/, 'A tool slug is lowercase letters, digits and hyphens, like "claude-code".');

// ---- shared output parts: the JSON API's wire shapes, so a tool reads the same over both ----

const ref = z.object({ slug: z.string(), name: z.string() });

// ---- search_tools ----

export const searchInput = z.object({
  query: plainText(z.string().trim().max(200, "Keep the search under 200 characters."))
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
  tools: z.array(toolSummarySchema),
  url: z.string().describe("The same search on the site"),
});

// ---- get_verdict ----

export const verdictInput = z.object({
  slug: slugInput.describe('The tool\'s slug, e.g. "cursor" (search_tools finds slugs)'),
});

/** The API's tool detail: profile, pricing, every persona's review with its lens answers, history. */
export const verdictOutput = toolDetailSchema;

// ---- compare_tools ----

export const compareInput = z.object({
  slugs: z
    .array(slugInput)
    .min(2, "Compare 2 to 4 tools: give at least two slugs.")
    .max(4, "Compare 2 to 4 tools: give at most four slugs.")
    .describe("2 to 4 distinct tool slugs"),
});

/** The API's comparison: decision table, scorecard, and every pair's reviewer split and pricing read. */
export const compareOutput = comparisonSchema;

// ---- recommend_tool ----

export const recommendInput = z.object({
  need: plainText(
    z
      .string()
      .trim()
      .min(3, "Describe the need in a few words.")
      .max(500, "Keep the need under 500 characters."),
  ).describe('What the tool is for, in words, e.g. "self-hosted vector search for a RAG app"'),
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
      tool: toolSummarySchema,
      fit: z.number().describe("0–1: how much of the need the profile covers"),
      score: z.number().describe("0–1: the ranking figure (fit, panel score, community, verdict)"),
      matched: z
        .array(z.object({ term: z.string(), field: z.enum(["name", "category", "bestFor", "description"]) }))
        .describe("The need's words this tool matched, and where"),
      meets: z.array(z.string()).describe("The constraints it meets, in words"),
      freeTier: z.boolean().describe("Usable without paying (a free tier, or a free or open-source model)"),
      license: z.string(),
      reasons: z.array(z.string()).describe("The panel's own words: the most and least convinced personas"),
    }),
  ),
  hint: z.string().optional().describe("What to change when few or no tools fit"),
});

// ---- leaderboard ----

export const leaderboardInput = z.object({
  category: slugInput.optional().describe("A category slug; the whole catalog when absent"),
});

/** The API's board, so the tool and GET /api/v1/leaderboard read the same. */
export const leaderboardOutput = leaderboardSchema;

export type SearchOutput = z.infer<typeof searchOutput>;
export type VerdictOutput = z.infer<typeof verdictOutput>;
export type CompareOutput = z.infer<typeof compareOutput>;
export type RecommendOutput = z.infer<typeof recommendOutput>;
export type LeaderboardOutput = z.infer<typeof leaderboardOutput>;
