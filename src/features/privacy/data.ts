/**
 * "Download my data": everything the site holds about one account, as one JSON document. It
 * is read from the tables, never from a cache. Secrets and their hashes (session tokens, sign-in
 * link tokens, API tokens, the newsletter's confirmation and unsubscribe tokens) are left out:
 * the file may be stored or shared carelessly, and none of them means anything to the reader.
 * Nothing of another account is included: audit entries are those about this account, with
 * the moderator who acted named only by role.
 */
import { z } from "zod";
import { type JsonColumn, readJson } from "../../db/json.ts";
import type { Database } from "../../db/schema.ts";
import type { Db } from "../../db/types.ts";
import { accountSubject } from "../audit/index.ts";
import { pickListOf, voteListOf } from "../community/index.ts";

/** The document's format, so a reader's tools can tell versions apart. */
export const DATA_FORMAT = "shiporskip-account-data";
export const DATA_VERSION = 1;

/** A stored JSON value as it is: the download passes it on without reshaping it. */
const json = <K extends keyof Database>(text: string, at: JsonColumn<K>) => readJson(z.unknown(), text, at);

/** The account's data, as the download holds it. Undefined when the account does not exist. */
export async function accountData(
  db: Db,
  opts: { userId: number; siteUrl: string; currentSessionId?: number; now?: number },
): Promise<Record<string, unknown> | undefined> {
  const { userId } = opts;
  const user = await db
    .selectFrom("users")
    .select([
      "id",
      "email",
      "role",
      "created_at",
      "last_sign_in_at",
      "display_name",
      "blocked_at",
      "blocked_reason",
    ])
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user) return undefined;
  const email = user.email;

  const [
    sessions,
    links,
    tokens,
    votes,
    picks,
    pickRows,
    bookmarks,
    subscribers,
    revisions,
    drafts,
    flag,
    audit,
  ] = await Promise.all([
    db
      .selectFrom("sessions")
      .select(["id", "user_agent", "created_at", "last_seen_at", "expires_at"])
      .where("user_id", "=", userId)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("sign_in_links")
      .select(["created_at", "expires_at", "used_at", "return_to"])
      .where("email", "=", email)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("api_tokens")
      .select(["name", "scope", "created_at", "last_used_at"])
      .where("user_id", "=", userId)
      .orderBy("id")
      .execute(),
    voteListOf(db, userId),
    pickListOf(db, userId),
    // what the pick list leaves out: when each pick was first made, its outcome, the hashed network
    db
      .selectFrom("picks")
      .innerJoin("tools as low", "low.id", "picks.low_tool_id")
      .innerJoin("tools as high", "high.id", "picks.high_tool_id")
      .select(["low.slug as low", "high.slug as high", "picks.created_at", "picks.outcome", "picks.network"])
      .where("picks.user_id", "=", userId)
      .execute(),
    db
      .selectFrom("bookmarks")
      .innerJoin("tools", "tools.id", "bookmarks.tool_id")
      .select(["tools.slug", "tools.name", "bookmarks.created_at"])
      .where("bookmarks.user_id", "=", userId)
      .orderBy("bookmarks.created_at")
      .orderBy("tools.slug")
      .execute(),
    db
      .selectFrom("subscribers")
      .select([
        "id",
        "email",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "bounced_at",
        "bounce_reason",
        "confirm_expires_at",
      ])
      .where((eb) => eb.or([eb("email", "=", email), eb("user_id", "=", userId)]))
      .orderBy("id")
      .execute(),
    db
      .selectFrom("review_revisions")
      .innerJoin("tools", "tools.id", "review_revisions.tool_id")
      .select([
        "review_revisions.id",
        "tools.slug",
        "review_revisions.persona",
        "review_revisions.revision",
        "review_revisions.score",
        "review_revisions.verdict",
        "review_revisions.summary",
        "review_revisions.answers",
        "review_revisions.thesis_date",
        "review_revisions.author",
        "review_revisions.provenance",
        "review_revisions.model_name",
        "review_revisions.published_at",
      ])
      .where("review_revisions.author_id", "=", userId)
      .orderBy("review_revisions.published_at")
      .orderBy("review_revisions.id")
      .execute(),
    db
      .selectFrom("review_drafts")
      .innerJoin("tools", "tools.id", "review_drafts.tool_id")
      .select([
        "review_drafts.id",
        "tools.slug",
        "review_drafts.persona",
        "review_drafts.fields",
        "review_drafts.author",
        "review_drafts.provenance",
        "review_drafts.created_at",
        "review_drafts.updated_at",
      ])
      .where("review_drafts.author_id", "=", userId)
      .orderBy("review_drafts.id")
      .execute(),
    db
      .selectFrom("leaderboard_flags")
      .select(["flagged_at", "status", "decided_at", "decision_reason"])
      .where("user_id", "=", userId)
      .executeTakeFirst(),
    db
      .selectFrom("audit_log")
      .select(["id", "at", "actor_id", "action", "reason", "detail"])
      .where("subject", "=", accountSubject(userId))
      .orderBy("id")
      .execute(),
  ]);

  const subscriberIds = subscribers.map((s) => s.id);
  const [followed, deliveries] = await Promise.all([
    subscriberIds.length === 0
      ? []
      : db
          .selectFrom("subscriber_categories")
          .innerJoin("categories", "categories.id", "subscriber_categories.category_id")
          .select(["subscriber_categories.subscriber_id", "categories.slug"])
          .where("subscriber_categories.subscriber_id", "in", subscriberIds)
          .orderBy("categories.slug")
          .execute(),
    subscriberIds.length === 0
      ? []
      : db
          .selectFrom("deliveries")
          .innerJoin("newsletter_issues", "newsletter_issues.id", "deliveries.issue_id")
          .select([
            "deliveries.subscriber_id",
            "newsletter_issues.number",
            "deliveries.status",
            "deliveries.attempts",
            "deliveries.sent_at",
          ])
          .where("deliveries.subscriber_id", "in", subscriberIds)
          .orderBy("newsletter_issues.number")
          .execute(),
  ]);

  const pickDetail = new Map(pickRows.map((p) => [[p.low, p.high].sort().join(" "), p]));

  return {
    format: DATA_FORMAT,
    version: DATA_VERSION,
    site: opts.siteUrl,
    exportedAt: new Date(opts.now ?? Date.now()).toISOString(),
    account: {
      id: user.id,
      email: user.email,
      role: user.role,
      createdAt: user.created_at,
      lastSignInAt: user.last_sign_in_at,
      byline: user.display_name,
      blockedAt: user.blocked_at,
      blockedReason: user.blocked_reason,
    },
    sessions: sessions.map((s) => ({
      device: s.user_agent,
      signedInAt: s.created_at,
      lastSeenAt: s.last_seen_at,
      expiresAt: s.expires_at,
      thisDevice: s.id === opts.currentSessionId,
    })),
    signInLinks: links.map((l) => ({
      createdAt: l.created_at,
      expiresAt: l.expires_at,
      usedAt: l.used_at,
      returnTo: l.return_to,
    })),
    apiTokens: tokens.map((t) => ({
      name: t.name,
      scope: t.scope,
      createdAt: t.created_at,
      lastUsedAt: t.last_used_at,
    })),
    votes: votes.map((v) => ({ tool: v.slug, toolName: v.name, value: v.value, updatedAt: v.updatedAt })),
    picks: picks.map((p) => {
      const detail = pickDetail.get([p.tools[0].slug, p.tools[1].slug].sort().join(" "));
      return {
        pair: [p.tools[0].slug, p.tools[1].slug],
        winner: p.winner,
        createdAt: detail?.created_at ?? null,
        updatedAt: p.updatedAt,
        leaderboardOutcome: detail?.outcome ?? null,
        networkHash: detail?.network ?? null,
      };
    }),
    bookmarks: bookmarks.map((b) => ({ tool: b.slug, toolName: b.name, createdAt: b.created_at })),
    newsletter: subscribers.map((s) => ({
      email: s.email,
      status: s.status,
      subscribedAt: s.created_at,
      confirmedAt: s.confirmed_at,
      unsubscribedAt: s.unsubscribed_at,
      bouncedAt: s.bounced_at,
      bounceReason: s.bounce_reason,
      confirmationExpiresAt: s.confirm_expires_at,
      followedCategories: followed.filter((f) => f.subscriber_id === s.id).map((f) => f.slug),
      deliveries: deliveries
        .filter((d) => d.subscriber_id === s.id)
        .map((d) => ({ issue: d.number, status: d.status, attempts: d.attempts, sentAt: d.sent_at })),
    })),
    reviews: {
      published: revisions.map((r) => ({
        tool: r.slug,
        persona: r.persona,
        revision: r.revision,
        score: r.score,
        verdict: r.verdict,
        summary: r.summary,
        answers: json(r.answers, { table: "review_revisions", column: "answers", row: r.id }),
        thesisDate: r.thesis_date,
        byline: r.author,
        provenance: r.provenance,
        model: r.model_name,
        publishedAt: r.published_at,
      })),
      drafts: drafts.map((d) => ({
        tool: d.slug,
        persona: d.persona,
        fields: json(d.fields, { table: "review_drafts", column: "fields", row: d.id }),
        lastSavedBy: d.author,
        provenance: d.provenance,
        createdAt: d.created_at,
        updatedAt: d.updated_at,
      })),
    },
    leaderboardFlag: flag
      ? {
          flaggedAt: flag.flagged_at,
          status: flag.status,
          decidedAt: flag.decided_at,
          decisionReason: flag.decision_reason,
        }
      : null,
    auditEntries: audit.map((a) => ({
      at: a.at,
      action: a.action,
      by: a.actor_id === userId ? "you" : a.actor_id === null ? "an operator" : "a moderator",
      reason: a.reason,
      detail: json(a.detail, { table: "audit_log", column: "detail", row: a.id }),
    })),
  };
}
