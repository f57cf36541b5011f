/**
 * The tool as the rest of the code sees it: refs for writes, summaries for cards and lists,
 * details for the tool and comparison pages. Plain types; the database mapping lives in
 * features/tools.
 */
import type { Deployment, Persona, PricingModel, Timing, Verdict } from "./catalog-schema.ts";
import type { CommunitySummary } from "./community.ts";
import type { PanelSummary } from "./panel.ts";
import type { Pricing } from "./pricing-read.ts";

/** A tool as writes refer to it: id for the database, slug and name for people. */
export interface ToolRef {
  id: number;
  slug: string;
  name: string;
}

export interface CategoryRef {
  slug: string;
  name: string;
}

export interface Category extends CategoryRef {
  description: string;
  toolCount: number;
}

export interface ToolSummary {
  slug: string;
  name: string;
  vendor: string;
  category: CategoryRef;
  bestFor: string;
  description: string;
  addedAt: string;
  pricingModel: PricingModel;
  entryPrice: string;
  deployment: Deployment[];
  panel: PanelSummary;
  community: CommunitySummary;
}

export interface ReviewAnswer {
  question: string;
  answer: string;
}

export interface Review {
  persona: Persona;
  score: number;
  verdict: Verdict;
  summary: string;
  answers: ReviewAnswer[];
  thesisDate: string | null;
  timing: Timing | null;
  author: string;
  provenance: "panelist" | "model";
  modelName: string | null;
  publishedAt: string | null;
}

export interface Competitor {
  name: string;
  /** Set when the competitor is in the catalog. */
  slug: string | null;
}

export interface ToolDetail extends ToolSummary {
  homepage: string;
  pricing: Pricing;
  competitors: Competitor[];
  reviews: Partial<Record<Persona, Review>>;
}

/** A tool in full for a view, and its ref for the writes and reads that go by id. */
export interface ToolWithRef {
  ref: ToolRef;
  tool: ToolDetail;
}
