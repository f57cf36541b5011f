/** Parses and validates the catalog's query string: one schema, clear messages. */
import { z } from "zod";
import { DEPLOYMENTS, PRICING_MODELS } from "../../domain/catalog-schema.ts";
import { badRequest } from "../../http/errors.ts";
import { SORTS, type ToolFilters } from "./listing.ts";

export const PER_PAGE = 12;
export const MAX_QUERY_LENGTH = 200;
const VERDICT_FILTERS = ["ship", "skip", "split", "in-progress"] as const;

const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `Unknown ${what}. Choose one of: ${values.join(", ")}.` }).optional();

/**
 * The catalog's filters and sort, one zod field each: /tools reads them from its query, and the
 * JSON API's tool list takes the same parameters with the same rules and messages.
 */
export const catalogFilterFields = {
  q: z
    .string()
    .trim()
    .max(MAX_QUERY_LENGTH, `Searches are limited to ${MAX_QUERY_LENGTH} characters.`)
    .optional(),
  category: z
    .string()
    .regex(/^[a-z0-9-]{1,80}$/, "Unknown category.")
    .optional(),
  pricing: oneOf(PRICING_MODELS, "pricing model"),
  verdict: oneOf(VERDICT_FILTERS, "verdict"),
  deployment: oneOf(DEPLOYMENTS, "deployment"),
  sort: oneOf(SORTS, "sort").default("score"),
};

const listQuerySchema = z.object({
  ...catalogFilterFields,
  page: z
    .string()
    .regex(/^\d{1,6}$/, "The page must be a whole number from 1.")
    .transform(Number)
    .refine((n) => n >= 1, "The page must be a whole number from 1.")
    .optional(),
});

/** Turns the query string into filters; throws a 400 HttpError naming the bad parameter. */
export function parseToolQuery(query: Record<string, string>): ToolFilters {
  // empty values come from "any" options of the GET form: treat them as absent
  const present = Object.fromEntries(Object.entries(query).filter(([, v]) => v.trim() !== ""));
  const parsed = listQuerySchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = String(issue?.path[0] ?? "query");
    throw badRequest(`The "${param}" parameter is not valid. ${issue?.message ?? ""}`, [
      { href: "/tools", label: "See the whole catalog" },
    ]);
  }
  const d = parsed.data;
  return {
    q: d.q || undefined,
    category: d.category,
    pricing: d.pricing,
    verdict: d.verdict,
    deployment: d.deployment,
    sort: d.sort,
    page: d.page ?? 1,
    perPage: PER_PAGE,
  };
}

/** Builds a /tools URL for the same filters with some values changed. */
export function toolsUrl(f: ToolFilters, change: Partial<ToolFilters>): string {
  const next = { ...f, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.category) params.set("category", next.category);
  if (next.pricing) params.set("pricing", next.pricing);
  if (next.verdict) params.set("verdict", next.verdict);
  if (next.deployment) params.set("deployment", next.deployment);
  if (next.sort !== "score") params.set("sort", next.sort);
  if (next.page > 1) params.set("page", String(next.page));
  const qs = params.toString();
  return qs ? `/tools?${qs}` : "/tools";
}
