/**
 * Which tables an export carries, in the order an import loads them (every table after the
 * tables its foreign keys point at), and which it leaves out and why. See
 * docs/decisions/019-export-format.md.
 */

export interface TransferTable {
  name: string;
  /** Columns that identify a row; the export is ordered by them so it is the same on both engines. */
  key: readonly string[];
  /**
   * A table the migrations create holding its one row (the leaderboard state): an empty
   * database already has that row, so the import replaces it instead of adding to it.
   */
  singleton?: true;
  /** Columns written as null whatever they hold: a recompute lease means nothing in another database. */
  cleared?: readonly string[];
}

/** Foreign-key order: categories before tools, users before anything that names an account. */
export const TRANSFER_TABLES: readonly TransferTable[] = [
  { name: "categories", key: ["id"] },
  { name: "tools", key: ["id"] },
  { name: "tool_deployments", key: ["tool_id", "deployment"] },
  { name: "tool_competitors", key: ["tool_id", "position"] },
  { name: "reviews", key: ["id"] },
  { name: "review_answers", key: ["review_id", "question"] },
  { name: "users", key: ["id"] },
  { name: "sign_in_links", key: ["id"] },
  { name: "sessions", key: ["id"] },
  { name: "api_tokens", key: ["id"] },
  { name: "votes", key: ["user_id", "tool_id"] },
  { name: "picks", key: ["user_id", "low_tool_id", "high_tool_id"] },
  { name: "bookmarks", key: ["user_id", "tool_id"] },
  { name: "audit_log", key: ["id"] },
  { name: "subscribers", key: ["id"] },
  { name: "subscriber_categories", key: ["subscriber_id", "category_id"] },
  { name: "newsletter_issues", key: ["id"] },
  { name: "deliveries", key: ["issue_id", "subscriber_id"] },
  { name: "review_revisions", key: ["id"] },
  { name: "review_drafts", key: ["id"] },
  { name: "thesis_resolutions", key: ["revision_id"] },
  { name: "leaderboard_boards", key: ["board"] },
  { name: "leaderboard_snapshots", key: ["board", "day"] },
  { name: "leaderboard_flags", key: ["user_id"] },
  {
    name: "leaderboard_state",
    key: ["id"],
    singleton: true,
    cleared: ["lease_holder", "lease_until"],
  },
];

/** Tables an export leaves out on purpose, with the reason the manifest and the docs give. */
export const OMITTED_TABLES: Readonly<Record<string, string>> = {
  site_changes:
    "the change stamp running servers poll to clear their page caches; it describes one " +
    "database's history of writes, and an imported database starts its own (the migration makes its row)",
  site_change_scopes:
    "what each move of the change stamp touched, pruned as it goes; a cache-invalidation log that " +
    "means nothing to another database",
  kysely_migration:
    "the migrator's own record; the manifest names the schema version and the target runs its own migrations",
  kysely_migration_lock: "the migrator's lock row",
};
