/**
 * Table types for Kysely. Dates are ISO-8601 text and booleans 0/1 integers on both engines.
 * Columns that hold a closed set are typed with the domain's union; src/db/schema.test.ts
 * checks these declarations against the migrated database.
 */
import type { Generated } from "kysely";
import type { TokenScope } from "../domain/api-token.ts";
import type { Deployment, Persona, PricingModel, Verdict } from "../domain/catalog-schema.ts";
import type { VoteValue } from "../domain/community.ts";
import type { FlagStatus, PickOutcome } from "../domain/leaderboard-store.ts";
import type { DeliveryStatus, IssueStatus, SubscriberStatus } from "../domain/newsletter-status.ts";
import type { PanelVerdict, Provenance, ReviewStatus } from "../domain/panel.ts";
import type { Role } from "../domain/permissions.ts";
import type { Outcome } from "../domain/predictions.ts";

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
  pricing_model: PricingModel;
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
  panel_verdict: Generated<PanelVerdict>;
  community_ship: Generated<number>;
  community_skip: Generated<number>;
  /** Wilson lower bound of the ship share, recomputed with the counts. */
  community_wilson: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface ToolDeploymentsTable {
  tool_id: number;
  deployment: Deployment;
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
  persona: Persona;
  status: ReviewStatus;
  score: number;
  verdict: Verdict;
  summary: string;
  /** The Futurist's thesis date, kept as a column so theses can be resolved by date. */
  thesis_date: string | null;
  author: string;
  provenance: Provenance;
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

export interface UsersTable {
  id: Generated<number>;
  /** Normalized: trimmed and lowercased. */
  email: string;
  role: Generated<Role>;
  blocked_at: string | null;
  blocked_reason: string | null;
  created_at: string;
  last_sign_in_at: string | null;
  /** The byline a panelist publishes under; null until they set one. */
  display_name: string | null;
}

export interface SignInLinksTable {
  id: Generated<number>;
  token_hash: string;
  email: string;
  return_to: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SessionsTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  user_agent: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A personal API token: only its hash and last characters are kept. */
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  scope: TokenScope;
  token_hash: string;
  /** The token's last four characters, so the account page can tell tokens apart. */
  hint: string;
  created_at: string;
  /** Updated at most once a minute, not on every request. */
  last_used_at: string | null;
  /** The creation form's one-time value, so a re-sent form creates nothing; null when none was sent. */
  create_nonce: string | null;
}

export interface VotesTable {
  user_id: number;
  tool_id: number;
  /** A withdrawn vote is a deleted row. */
  value: VoteValue;
  created_at: string;
  updated_at: string;
}

export interface PicksTable {
  user_id: number;
  low_tool_id: number;
  high_tool_id: number;
  winner_tool_id: number;
  created_at: string;
  updated_at: string;
  /** A keyed hash of the client's network at pick time (IPv4 /24, IPv6 /64); null for older picks. */
  network: string | null;
  /** Counted, or why not, as the last leaderboard recompute judged it; null until then. */
  outcome: PickOutcome | null;
}

export interface BookmarksTable {
  user_id: number;
  tool_id: number;
  created_at: string;
}

/**
 * Append-only: triggers refuse deletes, and updates other than a redaction (an update that sets
 * `redacted_at` and keeps id, at, action and subject), made when an account named in an entry is deleted.
 */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_id: number | null;
  actor_email: string;
  action: string;
  subject: string;
  reason: string;
  /** JSON object with what changed. */
  detail: string;
  /** When a deleted account's address was removed from this entry; null for an entry as written. */
  redacted_at: string | null;
}

export interface SubscribersTable {
  id: Generated<number>;
  email: string;
  status: SubscriberStatus;
  confirm_token_hash: string | null;
  confirm_expires_at: string | null;
  unsubscribe_token: string;
  user_id: number | null;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  bounced_at: string | null;
  bounce_reason: string | null;
}

export interface SubscriberCategoriesTable {
  subscriber_id: number;
  category_id: number;
}

export interface NewsletterIssuesTable {
  id: Generated<number>;
  number: number;
  subject: string;
  intro: string;
  /** JSON of the issue's content, frozen when the issue is created. */
  content: string;
  period_start: string;
  period_end: string;
  status: IssueStatus;
  scheduled_for: string | null;
  created_by: string;
  created_at: string;
  sent_at: string | null;
}

export interface DeliveriesTable {
  issue_id: number;
  subscriber_id: number;
  status: DeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  message_id: string;
  sent_at: string | null;
}

/** One published version of a persona review; written once, never changed. */
export interface ReviewRevisionsTable {
  id: Generated<number>;
  tool_id: number;
  persona: Persona;
  /** 1, 2, 3… per tool and persona. */
  revision: number;
  score: number;
  verdict: Verdict;
  summary: string;
  /** JSON object of the answers, as the persona's review schema has them. */
  answers: string;
  thesis_date: string | null;
  /** The byline: the panelist who published (and edited) this revision. */
  author: string;
  author_id: number | null;
  /** "model" when it was drafted by a model and edited by the author. */
  provenance: Provenance;
  model_name: string | null;
  published_at: string;
}

/** Work in progress on one persona review of one tool: at most one at a time. */
export interface ReviewDraftsTable {
  id: Generated<number>;
  tool_id: number;
  persona: Persona;
  /** JSON of the form's values so far; may be incomplete. */
  fields: string;
  provenance: Provenance;
  model_name: string | null;
  author_id: number | null;
  /** Who last saved it: a byline, or the model's name. */
  author: string;
  /** The published revision this draft revises; null for a first review. */
  base_revision: number | null;
  created_at: string;
  updated_at: string;
}

/** An admin's judgement of a Futurist thesis whose date has passed. */
export interface ThesisResolutionsTable {
  revision_id: number;
  outcome: Outcome;
  note: string;
  resolved_by: string;
  resolved_at: string;
}

/** The one-row change stamp (id 1): moved on by operator commands, polled by servers. */
export interface SiteChangesTable {
  id: number;
  /** Counts changes made outside the server; only its movement matters. */
  generation: number;
  changed_at: string | null;
}

/** What one move of the change stamp changed, by its generation (JSON of a PageScope). */
export interface SiteChangeScopesTable {
  generation: number;
  scope: string;
  changed_at: string;
}

/** The current board of one scope ("overall" or a category slug), as JSON. */
export interface LeaderboardBoardsTable {
  board: string;
  computed_at: string;
  data: string;
}

/** One board as it stood on one UTC day (YYYY-MM-DD); replaced during that day. */
export interface LeaderboardSnapshotsTable {
  board: string;
  day: string;
  computed_at: string;
  data: string;
}

/** An account the outlier test flagged, with the evidence and a moderator's decision. */
export interface LeaderboardFlagsTable {
  user_id: number;
  flagged_at: string;
  /** JSON of the test's evidence at the latest recompute. */
  evidence: string;
  status: FlagStatus;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
}

/** The one-row (id 1) recompute state: the lease, what the last run read, the network salt. */
export interface LeaderboardStateTable {
  id: number;
  lease_holder: string | null;
  lease_until: string | null;
  source_stamp: string | null;
  computed_at: string | null;
  network_salt: string;
}

export interface Database {
  categories: CategoriesTable;
  tools: ToolsTable;
  tool_deployments: ToolDeploymentsTable;
  tool_competitors: ToolCompetitorsTable;
  reviews: ReviewsTable;
  review_answers: ReviewAnswersTable;
  users: UsersTable;
  sign_in_links: SignInLinksTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  votes: VotesTable;
  picks: PicksTable;
  bookmarks: BookmarksTable;
  audit_log: AuditLogTable;
  subscribers: SubscribersTable;
  subscriber_categories: SubscriberCategoriesTable;
  newsletter_issues: NewsletterIssuesTable;
  deliveries: DeliveriesTable;
  review_revisions: ReviewRevisionsTable;
  review_drafts: ReviewDraftsTable;
  thesis_resolutions: ThesisResolutionsTable;
  site_changes: SiteChangesTable;
  site_change_scopes: SiteChangeScopesTable;
  leaderboard_boards: LeaderboardBoardsTable;
  leaderboard_snapshots: LeaderboardSnapshotsTable;
  leaderboard_flags: LeaderboardFlagsTable;
  leaderboard_state: LeaderboardStateTable;
}
