/** Table types for Kysely. Dates are ISO-8601 text and booleans 0/1 integers on both engines. */
import type { Generated } from "kysely";

export interface CategoriesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
}

export interface ToolsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  vendor: string;
  category_id: number;
  best_for: string;
  description: string;
  homepage: string;
  added_at: string;
  pricing_model: string;
  pricing_entry: string;
  pricing_free_tier: number;
  pricing_license: string;
  /** JSON array of {label, usd, unit}. */
  pricing_units: string;
  pricing_detail: string;
  pricing_as_of: string;
  /** Panel figures, recomputed from published reviews whenever a review changes. */
  panel_ship: Generated<number>;
  panel_skip: Generated<number>;
  panel_published: Generated<number>;
  panel_score: number | null;
  panel_verdict: Generated<string>;
  community_ship: Generated<number>;
  community_skip: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface ToolDeploymentsTable {
  tool_id: number;
  deployment: string;
}

export interface ToolCompetitorsTable {
  tool_id: number;
  position: number;
  name: string;
  competitor_tool_id: number | null;
}

export interface ReviewsTable {
  id: Generated<number>;
  tool_id: number;
  persona: string;
  status: string;
  score: number;
  verdict: string;
  summary: string;
  /** The Futurist's thesis date, kept as a column so theses can be resolved by date. */
  thesis_date: string | null;
  author: string;
  /** "panelist" or "model". */
  provenance: string;
  model_name: string | null;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReviewAnswersTable {
  review_id: number;
  question: string;
  position: number;
  answer: string;
}

export interface Database {
  categories: CategoriesTable;
  tools: ToolsTable;
  tool_deployments: ToolDeploymentsTable;
  tool_competitors: ToolCompetitorsTable;
  reviews: ReviewsTable;
  review_answers: ReviewAnswersTable;
}
