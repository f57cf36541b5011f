/**
 * Recommending a tool for a need in words: which catalog tools fit the hard constraints, how
 * well each matches the need, and the order they are offered in. Pure: the caller loads the
 * candidates and the reviews. The weights are stated once here and in the MCP tool's
 * description (docs/mcp.md).
 */
import {
  type Deployment,
  PERSONAS,
  type Persona,
  type PricingModel,
  type Verdict,
} from "./catalog-schema.ts";
import type { PanelVerdict } from "./panel.ts";
import { personaName } from "./reviewer-split.ts";

/** What a recommendation must satisfy; every field is optional. */
export interface Constraints {
  /** Runs on your own infrastructure (deployment "self-hosted"). */
  selfHosted?: boolean;
  /** An open-source licence (see `isOpenSource`). */
  openSource?: boolean;
  /** Can be tried without paying: a free tier, or a free or open-source model. */
  freeTier?: boolean;
  /** The largest entry price in US dollars, read from the entry price label (see `entryPriceUsd`). */
  maxEntryUsd?: number;
}

/** One tool as the ranking sees it. */
export interface Candidate {
  slug: string;
  name: string;
  vendor: string;
  category: { slug: string; name: string };
  bestFor: string;
  description: string;
  deployment: readonly Deployment[];
  pricing: { model: PricingModel; entry: string; freeTier: boolean; license: string };
  panel: { score: number | null; verdict: PanelVerdict };
  /** Lower bound of the community's Wilson interval, 0 to 1. */
  communityWilson: number;
}

/** Where in a tool's profile a word of the need was found. */
export type MatchField = "name" | "category" | "bestFor" | "description";

export interface RankedCandidate<T extends Candidate = Candidate> {
  tool: T;
  /** 0 to 1: how much of the need the profile covers, best fields weighing most. */
  fit: number;
  /** 0 to 1: the number the candidates are ordered by. */
  rank: number;
  /** The need's words this tool matched, and where. */
  matched: { term: string; field: MatchField }[];
  /** The constraints it meets, in words ("self-hosted", "open source (MIT)"). */
  meets: string[];
}

export interface Ranking<T extends Candidate = Candidate> {
  /** The need's words that were matched against profiles (after dropping filler words). */
  terms: string[];
  ranked: RankedCandidate<T>[];
  /** How many candidates each constraint turned away (a tool can fail several). */
  excludedBy: Record<keyof Constraints, number>;
  /** Candidates that met every constraint but matched none of the need's words. */
  unmatched: number;
}

/** Field weights: the name and category say most about what a tool is, the description least. */
const FIELD_WEIGHT: Record<MatchField, number> = { name: 3, category: 3, bestFor: 2, description: 1 };
const MAX_WEIGHT = 3;

/** The rank mixes fit, the panel's score and the community's lower bound; a panel verdict nudges it. */
export const RANK_WEIGHTS = { fit: 0.6, panel: 0.3, community: 0.1 } as const;
const VERDICT_NUDGE: Record<PanelVerdict, number> = { ship: 0.05, skip: -0.1, split: 0, "in-progress": 0 };

/** Words that carry no need ("a tool for my team that can …"). */
const FILLER = new Set(
  (
    "a an and any are as at be best but by can could do does for from good great has have help i in " +
    "into is it its like me my need needs of on or our some something that the their them then this " +
    "to tool tools use used using want wants we what which who will with would you your ai app apps"
  ).split(" "),
);

/** Licences the Open Source Initiative approves, as the catalog writes them (SPDX ids, lower case). */
const OSI_LICENSES = new Set([
  "mit",
  "apache-2.0",
  "bsd-2-clause",
  "bsd-3-clause",
  "isc",
  "mpl-2.0",
  "lgpl-2.1",
  "lgpl-3.0",
  "gpl-2.0",
  "gpl-3.0",
  "agpl-3.0",
  "epl-2.0",
  "postgresql",
  "unlicense",
  "zlib",
]);

/** Whether a tool's code is open source: an open-source pricing model, or an OSI-approved licence alone. */
export function isOpenSource(pricing: Pick<Candidate["pricing"], "model" | "license">): boolean {
  return pricing.model === "open-source" || OSI_LICENSES.has(pricing.license.trim().toLowerCase());
}

/** Whether a tool can be tried without paying (the pricing read's rule). */
export function triableFree(pricing: Pick<Candidate["pricing"], "model" | "freeTier">): boolean {
  return pricing.freeTier || pricing.model === "free" || pricing.model === "open-source";
}

/**
 * The entry price label as dollars: "Free…" is 0, "$20/mo" is 20, "$0.80 / 1M input tokens" is
 * 0.8 (whatever the unit); undefined when the label names no price ("Contact sales").
 */
export function entryPriceUsd(entry: string): number | undefined {
  const text = entry.trim().toLowerCase();
  if (text.startsWith("free")) return 0;
  const m = /\$\s*(\d+(?:,\d{3})*(?:\.\d+)?)/.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1].replace(/,/g, ""));
}

/** Lower-case words of a text, plurals folded ("databases" → "database"). */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .map(stem);
}

function stem(w: string): string {
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) return w.slice(0, -1);
  return w;
}

/** The need's distinct words worth matching, at most 20. */
export function needTerms(need: string): string[] {
  const out = new Set<string>();
  for (const w of words(need)) if (w.length >= 2 && !FILLER.has(w)) out.add(w);
  return [...out].slice(0, 20);
}

/** Whether a profile word answers a need word: the same word, or one a prefix of the other (4+ letters). */
function wordMatches(term: string, word: string): boolean {
  if (term === word) return true;
  const [short, long] = term.length <= word.length ? [term, word] : [word, term];
  return short.length >= 4 && long.startsWith(short);
}

function constraintNotes(c: Candidate, k: Constraints): { meets: string[]; fails: (keyof Constraints)[] } {
  const meets: string[] = [];
  const fails: (keyof Constraints)[] = [];
  if (k.selfHosted) {
    if (c.deployment.includes("self-hosted")) meets.push("self-hosted");
    else fails.push("selfHosted");
  }
  if (k.openSource) {
    if (isOpenSource(c.pricing)) meets.push(`open source (${c.pricing.license})`);
    else fails.push("openSource");
  }
  if (k.freeTier) {
    if (triableFree(c.pricing)) meets.push("can be tried without paying");
    else fails.push("freeTier");
  }
  if (k.maxEntryUsd !== undefined) {
    const usd = entryPriceUsd(c.pricing.entry);
    if (usd !== undefined && usd <= k.maxEntryUsd) meets.push(`entry price ${c.pricing.entry}`);
    else fails.push("maxEntryUsd");
  }
  return { meets, fails };
}

/**
 * Ranks candidates for a need. A candidate must meet every constraint; it must also match at
 * least one of the need's words, unless `anyMatch` is set (a category was chosen, so every tool
 * in it is relevant) or the need has no words worth matching. Best first; ties go to the higher
 * panel score, then the name.
 */
export function rankCandidates<T extends Candidate>(
  need: string,
  candidates: readonly T[],
  constraints: Constraints = {},
  opts: { anyMatch?: boolean } = {},
): Ranking<T> {
  const terms = needTerms(need);
  const excludedBy: Record<keyof Constraints, number> = {
    selfHosted: 0,
    openSource: 0,
    freeTier: 0,
    maxEntryUsd: 0,
  };
  let unmatched = 0;
  const ranked: RankedCandidate<T>[] = [];
  for (const tool of candidates) {
    const { meets, fails } = constraintNotes(tool, constraints);
    for (const f of fails) excludedBy[f]++;
    if (fails.length > 0) continue;
    const fields: Record<MatchField, string[]> = {
      name: words(`${tool.name} ${tool.slug} ${tool.vendor}`),
      category: words(`${tool.category.name} ${tool.category.slug}`),
      bestFor: words(tool.bestFor),
      description: words(tool.description),
    };
    const matched: { term: string; field: MatchField }[] = [];
    let covered = 0;
    for (const term of terms) {
      let best: MatchField | undefined;
      for (const field of Object.keys(fields) as MatchField[]) {
        if (best && FIELD_WEIGHT[best] >= FIELD_WEIGHT[field]) continue;
        if (fields[field].some((w) => wordMatches(term, w))) best = field;
      }
      if (best) {
        matched.push({ term, field: best });
        covered += FIELD_WEIGHT[best];
      }
    }
    if (terms.length > 0 && matched.length === 0 && !opts.anyMatch) {
      unmatched++;
      continue;
    }
    const fit = terms.length === 0 ? 0 : covered / (MAX_WEIGHT * terms.length);
    const panel = tool.panel.score === null ? 0 : tool.panel.score / 100;
    const rank = Math.max(
      0,
      Math.min(
        1,
        RANK_WEIGHTS.fit * fit +
          RANK_WEIGHTS.panel * panel +
          RANK_WEIGHTS.community * tool.communityWilson +
          VERDICT_NUDGE[tool.panel.verdict],
      ),
    );
    ranked.push({ tool, fit, rank, matched, meets });
  }
  ranked.sort(
    (x, y) =>
      y.rank - x.rank ||
      (y.tool.panel.score ?? -1) - (x.tool.panel.score ?? -1) ||
      x.tool.name.localeCompare(y.tool.name),
  );
  return { terms, ranked, excludedBy, unmatched };
}

/** A persona's published view, as the reasons quote it. */
export interface PersonaOpinion {
  persona: Persona;
  score: number;
  verdict: Verdict;
  summary: string;
}

/**
 * The panel's reasons for one candidate, in the panel's own words: the persona that rates it
 * highest, and the one that rates it lowest when that one differs (its verdict or a gap of 10
 * points or more), so a caller sees both the case for and the doubt.
 */
export function panelReasons(reviews: Partial<Record<Persona, PersonaOpinion>>): string[] {
  const present = PERSONAS.flatMap((p) => reviews[p] ?? []);
  if (present.length === 0) return ["No persona has published a review yet."];
  const byScore = [...present].sort((a, b) => b.score - a.score);
  const top = byScore[0] as PersonaOpinion;
  const bottom = byScore[byScore.length - 1] as PersonaOpinion;
  const quote = (o: PersonaOpinion) => `${personaName(o.persona)} (${o.score}, ${o.verdict}): ${o.summary}`;
  const out = [quote(top)];
  if (bottom !== top && (bottom.verdict !== top.verdict || top.score - bottom.score >= 10))
    out.push(quote(bottom));
  return out;
}

/** What to tell a caller who got no candidates: which constraint to relax, or what to change. */
export function emptyRankingHint(r: Ranking, constraints: Constraints): string {
  const names: Record<keyof Constraints, string> = {
    selfHosted: "selfHosted",
    openSource: "openSource",
    freeTier: "freeTier",
    maxEntryUsd: "maxEntryUsd",
  };
  const blocking = (Object.keys(r.excludedBy) as (keyof Constraints)[])
    .filter((k) => constraints[k] !== undefined && constraints[k] !== false && r.excludedBy[k] > 0)
    .sort((a, b) => r.excludedBy[b] - r.excludedBy[a]);
  const parts: string[] = [];
  if (blocking.length > 0) {
    parts.push(
      `Constraints turned tools away (${blocking.map((k) => `${names[k]}: ${r.excludedBy[k]}`).join(", ")}); try dropping or loosening one.`,
    );
  }
  if (r.unmatched > 0) {
    parts.push(
      `${r.unmatched} tool${r.unmatched === 1 ? "" : "s"} met the constraints but matched none of the words ${r.terms.map((t) => `"${t}"`).join(", ")}; describe the need differently, or pass a category.`,
    );
  }
  if (parts.length === 0)
    parts.push("The catalog has no tool in that category yet; call search_tools to browse it.");
  return parts.join(" ");
}
