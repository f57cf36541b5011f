/**
 * Reads that end in a wire shape: the features' services, then payloads.ts. The API's operations
 * use them, and so can the MCP server, so a tool or a comparison reads the same over both.
 * Unknown slugs come back as data (with the closest slugs), for each caller to phrase.
 */
import type { Db } from "../../db/types.ts";
import { closest } from "../../domain/suggest.ts";
import { listToolNames } from "../catalog/index.ts";
import { OVERALL, toolStanding } from "../leaderboard/index.ts";
import { verdictHistory } from "../panel/index.ts";
import { currentThesisStatus } from "../predictions/index.ts";
import { getTool, getTools } from "../tools/index.ts";
import { comparisonPayload, type PayloadContext, toolDetailPayload } from "./payloads.ts";
import type { ComparisonPayload, ToolDetailPayload } from "./schemas.ts";

/** Slugs that are not in the catalog, and the catalog's closest ones to them. */
export interface UnknownSlugs {
  unknown: string[];
  suggestions: { slug: string; name: string }[];
}

/** The closest tool slugs to each unknown one: up to five for one, three each for several. */
export async function closestTools(db: Db, unknown: readonly string[]): Promise<UnknownSlugs> {
  const names = await listToolNames(db);
  const seen = new Set<string>();
  const suggestions = unknown
    .flatMap((u) => closest(u, names, unknown.length > 1 ? 3 : 5))
    .filter((t) => !seen.has(t.slug) && seen.add(t.slug))
    .map((t) => ({ slug: t.slug, name: t.name }));
  return { unknown: [...unknown], suggestions };
}

/** A tool's full answer, or the closest slugs when there is no such tool. */
export async function loadToolDetail(
  db: Db,
  ctx: PayloadContext,
  slug: string,
  now = Date.now(),
): Promise<{ tool: ToolDetailPayload } | UnknownSlugs> {
  const tool = await getTool(db, slug);
  if (!tool) return closestTools(db, [slug]);
  const [history, thesis, standing] = await Promise.all([
    verdictHistory(db, tool.slug),
    currentThesisStatus(db, { slug: tool.slug, now }),
    // the overall board, read as a "category" of its own: its current line and its snapshots
    toolStanding(db, { slug: tool.slug, categorySlug: OVERALL }),
  ]);
  return { tool: toolDetailPayload(ctx, tool, { history, thesis, standing }) };
}

/** The comparison of two to four distinct slugs (the caller checks the count), or the unknown ones. */
export async function loadComparison(
  db: Db,
  ctx: PayloadContext,
  slugs: readonly string[],
): Promise<{ comparison: ComparisonPayload } | UnknownSlugs> {
  const found = await getTools(db, [...slugs]);
  const unknown = slugs.filter((s) => !found.has(s));
  if (unknown.length > 0) return closestTools(db, unknown);
  return {
    comparison: comparisonPayload(
      ctx,
      slugs.flatMap((s) => found.get(s) ?? []),
    ),
  };
}
