/** The four lenses: each persona's questions, in the order they are asked and shown. */
import type { Persona } from "./catalog-schema.ts";

export interface LensQuestion {
  key: string;
  label: string;
}

export const LENSES: Record<Persona, { name: string; focus: string; questions: LensQuestion[] }> = {
  builder: {
    name: "Builder",
    focus: "Would a developer enjoy building on it, and does it hold up in real use?",
    questions: [
      { key: "primitive", label: "What is the primitive?" },
      { key: "dxBet", label: "What is the developer-experience bet?" },
      { key: "momentOfTruth", label: "What is the moment of truth?" },
      { key: "decision", label: "Which technical decision earns or loses the ship?" },
    ],
  },
  skeptic: {
    name: "Skeptic",
    focus: "What is the competition, where does it break, and what could kill it?",
    questions: [
      { key: "category", label: "Category and direct competitors" },
      { key: "breaksWhere", label: "Where does it break?" },
      { key: "killer", label: "What kills it within 12 months?" },
      { key: "survival", label: "What would have to be true for it to survive?" },
    ],
  },
  futurist: {
    name: "Futurist",
    focus: "Where is this heading, and is the timing right?",
    questions: [
      { key: "thesis", label: "Falsifiable thesis" },
      { key: "dependency", label: "The dependency that has to hold" },
      { key: "secondOrder", label: "The second-order effect" },
    ],
  },
  founder: {
    name: "Founder",
    focus: "Who pays for it, and can it stay a business?",
    questions: [
      { key: "buyer", label: "Who is the buyer, and which budget line?" },
      { key: "moat", label: "What is the moat?" },
      { key: "tenXCheaper", label: "What happens when this gets 10x cheaper?" },
      { key: "viability", label: "Which business decision makes it viable?" },
    ],
  },
};

/** A persona's question keys, in the order they are asked. */
export function questionKeys(persona: Persona): string[] {
  return LENSES[persona].questions.map((q) => q.key);
}

/** The label of a lens question, falling back to the key for questions retired since. */
export function questionLabel(persona: Persona, key: string): string {
  return LENSES[persona].questions.find((q) => q.key === key)?.label ?? key;
}

export const TIMING_LABELS = { early: "Early", "on-time": "On time", late: "Late" } as const;
