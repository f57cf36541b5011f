/**
 * Deleting an account, by its holder or by an admin on request, in one transaction: the
 * account and everything that exists only because of it (sessions, sign-in links, votes, picks,
 * bookmarks, API tokens, a leaderboard flag, the newsletter subscription) go; community figures
 * of the tools it voted on are recomputed from the remaining votes at once. Published reviews
 * stay under their byline (the text the panelist chose), with the link to the account cut.
 * The append-only audit log keeps its entries, with the address replaced wherever it appears,
 * and gains one entry recording the deletion without it. See docs/decisions/020-account-deletion.md.
 */
import { sql } from "kysely";
import { isPostgres } from "../../db/locks.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import { type Actor, accountSubject, recordAudit } from "../audit/index.ts";
import { removeVotesOf } from "../community/index.ts";

/** What stands in for a deleted account's address wherever a record of it is kept. */
export const DELETED_ACCOUNT = "[deleted account]";

/** What deleting an account removes, and the reviews it keeps, counted. */
export interface DeletionCounts {
  votes: number;
  picks: number;
  bookmarks: number;
  apiTokens: number;
  sessions: number;
  /** Newsletter subscriptions (by the account's address or linked to the account). */
  subscriptions: number;
  /** Published review revisions under the account's byline: kept. */
  reviewsKept: number;
}

/** The account an admin or its holder is about to delete, with what would go. */
export interface DeletionPreview {
  id: number;
  email: string;
  role: string;
  counts: DeletionCounts;
}

export type DeletionProblem = "unknown" | "self" | "admin" | "listed-admin";

export type DeletionResult =
  | {
      ok: true;
      counts: DeletionCounts;
      /** Tools whose community figures changed (the account had voted on them), by slug. */
      votedTools: string[];
      /** Pairs the account had picked on, as [slug, slug]. */
      pickedPairs: [string, string][];
      /** Whether the leaderboard's boards need a recompute (picks or a flag went). */
      boardsChanged: boolean;
    }
  | { ok: false; problem: DeletionProblem };

const countOf = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) =>
  Number((await q.executeTakeFirstOrThrow()).n);

/** What deleting the account would remove; undefined for an unknown account. */
export async function deletionPreview(db: Db, userId: number): Promise<DeletionPreview | undefined> {
  const user = await db
    .selectFrom("users")
    .select(["id", "email", "role"])
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user) return undefined;
  const byUser = <T extends "votes" | "picks" | "bookmarks" | "api_tokens" | "sessions">(table: T) =>
    countOf(
      db
        .selectFrom(table as "votes")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("user_id", "=", userId),
    );
  const [votes, picks, bookmarks, apiTokens, sessions, subscriptions, reviewsKept] = await Promise.all([
    byUser("votes"),
    byUser("picks"),
    byUser("bookmarks"),
    byUser("api_tokens"),
    byUser("sessions"),
    countOf(
      db
        .selectFrom("subscribers")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where((eb) => eb.or([eb("email", "=", user.email), eb("user_id", "=", userId)])),
    ),
    countOf(
      db
        .selectFrom("review_revisions")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("author_id", "=", userId),
    ),
  ]);
  return {
    ...user,
    counts: { votes, picks, bookmarks, apiTokens, sessions, subscriptions, reviewsKept },
  };
}

/**
 * Deletes an account. `by: "self"` is the holder's own request; otherwise `by` is the admin
 * acting on a request, who cannot delete their own account here (they use /account like anyone),
 * an admin, or an address ADMIN_EMAILS lists (it would come back as an admin at its next sign-in).
 */
export async function deleteAccount(
  db: Db,
  opts: {
    userId: number;
    by: "self" | Actor;
    /** Why, for the audit log: an admin's reason; the holder's request needs none. */
    reason?: string;
    adminEmails?: readonly string[];
    now?: number;
  },
): Promise<DeletionResult> {
  const { userId } = opts;
  const now = opts.now ?? Date.now();
  return db.transaction().execute(async (trx): Promise<DeletionResult> => {
    // on PostgreSQL the row lock makes a vote or pick racing from another tab wait, then either
    // land before (and be removed with the rest) or fail on the missing account; SQLite has one writer
    const read = trx.selectFrom("users").select(["email", "role"]).where("id", "=", userId);
    const user = await (isPostgres(trx) ? read.forUpdate() : read).executeTakeFirst();
    if (!user) return { ok: false, problem: "unknown" };
    const { email } = user;
    if (opts.by !== "self") {
      if (opts.by.id === userId) return { ok: false, problem: "self" };
      if (opts.adminEmails?.includes(email)) return { ok: false, problem: "listed-admin" };
      if (user.role === "admin") return { ok: false, problem: "admin" };
    }

    // picks: read the pairs (for the pages to drop), then delete
    const picks = await trx
      .selectFrom("picks")
      .innerJoin("tools as low", "low.id", "picks.low_tool_id")
      .innerJoin("tools as high", "high.id", "picks.high_tool_id")
      .select(["low.slug as low", "high.slug as high"])
      .where("picks.user_id", "=", userId)
      .execute();
    const pickedPairs = picks.map((p) => [p.low, p.high] as [string, string]);
    await trx.deleteFrom("picks").where("user_id", "=", userId).execute();

    // votes go the way moderation removes them: each touched tool's figures are recomputed
    const votedIds = await removeVotesOf(trx, userId);
    const votedTools =
      votedIds.length === 0
        ? []
        : (
            await trx.selectFrom("tools").select("slug").where("id", "in", votedIds).orderBy("slug").execute()
          ).map((r) => r.slug);

    const deleted = async (q: { executeTakeFirst(): Promise<{ numDeletedRows: bigint }> }) =>
      Number((await q.executeTakeFirst()).numDeletedRows);
    const bookmarks = await deleted(trx.deleteFrom("bookmarks").where("user_id", "=", userId));
    const apiTokens = await deleted(trx.deleteFrom("api_tokens").where("user_id", "=", userId));
    const sessions = await deleted(trx.deleteFrom("sessions").where("user_id", "=", userId));
    const flags = await deleted(trx.deleteFrom("leaderboard_flags").where("user_id", "=", userId));
    await trx.deleteFrom("sign_in_links").where("email", "=", email).execute();

    // the subscription ends by going: its deliveries and followed categories with it
    const subscriberIds = (
      await trx
        .selectFrom("subscribers")
        .select("id")
        .where((eb) => eb.or([eb("email", "=", email), eb("user_id", "=", userId)]))
        .execute()
    ).map((r) => r.id);
    if (subscriberIds.length > 0) {
      await trx.deleteFrom("deliveries").where("subscriber_id", "in", subscriberIds).execute();
      await trx.deleteFrom("subscriber_categories").where("subscriber_id", "in", subscriberIds).execute();
      await trx.deleteFrom("subscribers").where("id", "in", subscriberIds).execute();
    }

    // reviews and drafts keep their byline text; only the link to the account goes
    const reviewsKept = Number(
      (
        await trx
          .updateTable("review_revisions")
          .set({ author_id: null })
          .where("author_id", "=", userId)
          .executeTakeFirst()
      ).numUpdatedRows,
    );
    await trx.updateTable("review_drafts").set({ author_id: null }).where("author_id", "=", userId).execute();

    // an admin's address recorded as who decided something
    await trx
      .updateTable("thesis_resolutions")
      .set({ resolved_by: DELETED_ACCOUNT })
      .where("resolved_by", "=", email)
      .execute();
    await trx
      .updateTable("newsletter_issues")
      .set({ created_by: DELETED_ACCOUNT })
      .where("created_by", "=", email)
      .execute();
    await trx
      .updateTable("leaderboard_flags")
      .set({ decided_by: DELETED_ACCOUNT })
      .where("decided_by", "=", email)
      .execute();

    const redacted = await redactAuditEntries(trx, { userId, email, now });
    await trx.deleteFrom("users").where("id", "=", userId).execute();

    const counts: DeletionCounts = {
      votes: votedIds.length,
      picks: pickedPairs.length,
      bookmarks,
      apiTokens,
      sessions,
      subscriptions: subscriberIds.length,
      reviewsKept,
    };
    const self = opts.by === "self";
    await recordAudit(trx, {
      actor: self ? { id: userId, email: DELETED_ACCOUNT } : (opts.by as Actor),
      action: "account.delete",
      subject: accountSubject(userId),
      reason: self ? "Deleted by the account holder" : scrub(opts.reason ?? "", email),
      detail: { by: self ? "account holder" : "admin", removed: counts, auditEntriesRedacted: redacted },
      now,
    });
    return { ok: true, counts, votedTools, pickedPairs, boardsChanged: pickedPairs.length > 0 || flags > 0 };
  });
}

/** Replaces every spelling of the address in a text. */
function scrub(text: string, email: string): string {
  const pattern = new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
  return text.replace(pattern, DELETED_ACCOUNT);
}

/** Every string in a JSON value, scrubbed. */
function scrubJson(value: unknown, email: string): unknown {
  if (typeof value === "string") return scrub(value, email);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, email));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k, email), scrubJson(v, email)]));
  }
  return value;
}

/**
 * Removes the address from every audit entry that holds it: as the actor, in the reason, or in
 * the detail. Entries keep what was done, to what and when (the triggers of migration 009 allow
 * nothing else). Returns how many entries changed.
 */
async function redactAuditEntries(
  trx: Db,
  opts: { userId: number; email: string; now: number },
): Promise<number> {
  const pattern = `%${opts.email.toLowerCase()}%`;
  const rows = await trx
    .selectFrom("audit_log")
    .select(["id", "actor_email", "reason", "detail"])
    .where((eb) =>
      eb.or([
        eb("actor_id", "=", opts.userId),
        eb("subject", "=", accountSubject(opts.userId)),
        eb(sql`lower(actor_email)`, "=", opts.email.toLowerCase()),
        eb(sql`lower(reason)`, "like", pattern),
        eb(sql`lower(detail)`, "like", pattern),
      ]),
    )
    .orderBy("id")
    .execute();
  let changed = 0;
  for (const row of rows) {
    const actorEmail =
      row.actor_email.toLowerCase() === opts.email.toLowerCase() ? DELETED_ACCOUNT : row.actor_email;
    const reason = scrub(row.reason, opts.email);
    let detail: string;
    try {
      detail = JSON.stringify(scrubJson(JSON.parse(row.detail), opts.email));
    } catch {
      detail = scrub(row.detail, opts.email);
    }
    if (actorEmail === row.actor_email && reason === row.reason && detail === row.detail) continue;
    await trx
      .updateTable("audit_log")
      .set({ actor_email: actorEmail, reason, detail, redacted_at: iso(opts.now) })
      .where("id", "=", row.id)
      .execute();
    changed++;
  }
  return changed;
}
