/** The reviewer split: how each persona's view differs between two tools (docs/product.md). */
import { PERSONAS, type Persona, type Verdict } from "./catalog-schema.ts";

export interface PersonaView {
  score: number;
  verdict: Verdict;
}

export interface SplitRow {
  persona: Persona;
  /** Score of A minus score of B; null when either review is missing. */
  diff: number | null;
  verdictsDiffer: boolean;
  /** Which tool this persona leans to: "a", "b", "even" or null when a review is missing. */
  leans: "a" | "b" | "even" | null;
}

export interface ReviewerSplit {
  rows: SplitRow[];
  line: string;
}

const PERSONA_NAMES: Record<Persona, string> = {
  builder: "Builder",
  skeptic: "Skeptic",
  futurist: "Futurist",
  founder: "Founder",
};

/** Names a persona for readers. */
export function personaName(p: Persona): string {
  return PERSONA_NAMES[p];
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Compares the persona reviews of two tools and sums the split up in one sentence. */
export function reviewerSplit(
  a: { name: string; reviews: Partial<Record<Persona, PersonaView>> },
  b: { name: string; reviews: Partial<Record<Persona, PersonaView>> },
): ReviewerSplit {
  const rows: SplitRow[] = PERSONAS.map((persona) => {
    const ra = a.reviews[persona];
    const rb = b.reviews[persona];
    if (!ra || !rb) return { persona, diff: null, verdictsDiffer: false, leans: null };
    const diff = ra.score - rb.score;
    return {
      persona,
      diff,
      verdictsDiffer: ra.verdict !== rb.verdict,
      leans: diff > 0 ? "a" : diff < 0 ? "b" : "even",
    };
  });
  const compared = rows.filter((r) => r.leans !== null);
  if (compared.length === 0) return { rows, line: "No persona has reviewed both tools yet." };

  const describe = (side: "a" | "b", name: string) => {
    const group = compared.filter((r) => r.leans === side);
    if (group.length === 0) return null;
    const parts = group.map((r) => `${personaName(r.persona)} +${Math.abs(r.diff ?? 0)}`);
    const verb = group.length === 1 ? "leans" : "lean";
    return `${joinNames(parts)} ${verb} ${name}`;
  };
  const clauses = [describe("a", a.name), describe("b", b.name)].filter(Boolean) as string[];
  const even = compared.filter((r) => r.leans === "even").map((r) => personaName(r.persona));
  if (even.length > 0)
    clauses.push(`${joinNames(even)} ${even.length === 1 ? "scores" : "score"} them level`);

  const differ = compared.filter((r) => r.verdictsDiffer).map((r) => personaName(r.persona));
  const verdictNote =
    differ.length === 0
      ? "every persona gives both the same verdict"
      : `${joinNames(differ)} ${differ.length === 1 ? "gives" : "give"} them different verdicts`;
  const missing = rows.length - compared.length;
  const missingNote = missing > 0 ? ` (${missing} of 4 personas not yet on both)` : "";
  return { rows, line: `${clauses.join("; ")}; ${verdictNote}${missingNote}.` };
}
