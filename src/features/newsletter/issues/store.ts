/** Newsletter issues: created with their content frozen, previewed, read back and marked sent. */

import type { Selectable } from "kysely";
import { isUniqueViolation } from "../../../db/errors.ts";
import { readJson } from "../../../db/json.ts";
import type { NewsletterIssuesTable } from "../../../db/schema.ts";
import { iso } from "../../../db/time.ts";
import type { Db } from "../../../db/types.ts";
import { buildIssueContent, type IssuePeriod, issueHeadline } from "./content.ts";
import { type Issue, type IssueContent, issueContentSchema } from "./types.ts";

/** The first issue looks back this far; every later one starts where the previous one ended. */
const FIRST_PERIOD_MS = 7 * 24 * 60 * 60 * 1000;
/** Concurrent creations (two admins, two instances) collide on a unique column; this many tries. */
const CREATE_TRIES = 3;

/** The newsletter's name, the start of every subject. */
export const NEWSLETTER_NAME = "Weekly AI Tool Verdicts";

type IssueRow = Selectable<NewsletterIssuesTable>;

/** The subject line of issue number n. */
function issueSubject(number: number, content: IssueContent): string {
  return `${NEWSLETTER_NAME} #${number}: ${issueHeadline(content)}`;
}

function toIssue(row: IssueRow): Issue {
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    intro: row.intro,
    content: readJson(issueContentSchema, row.content, {
      table: "newsletter_issues",
      column: "content",
      row: row.id,
    }),
    status: row.status === "sent" ? "sent" : "sending",
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/** The latest issue's number and period end (sent or not); undefined before the first issue. */
function lastIssue(db: Db) {
  return db
    .selectFrom("newsletter_issues")
    .select(["number", "period_end"])
    .orderBy("number", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** The number the next issue will get: one query, without building its content. */
export async function nextIssueNumber(db: Db): Promise<number> {
  return ((await lastIssue(db))?.number ?? 0) + 1;
}

/** The next issue's number and period, from the latest issue (sent or not). */
async function nextSlot(db: Db, now: string): Promise<{ number: number; period: IssuePeriod }> {
  const last = await lastIssue(db);
  const since = last?.period_end ?? new Date(Date.parse(now) - FIRST_PERIOD_MS).toISOString();
  // a clock set back must not produce a period that ends before it starts
  const until = now > since ? now : since;
  return { number: (last?.number ?? 0) + 1, period: { since, until } };
}

async function issueForSlot(db: Db, scheduledFor: string): Promise<Issue | undefined> {
  const row = await db
    .selectFrom("newsletter_issues")
    .selectAll()
    .where("scheduled_for", "=", scheduledFor)
    .executeTakeFirst();
  return row ? toIssue(row) : undefined;
}

/**
 * Creates the next issue, in one transaction: number = last + 1, period from the last issue's
 * end to now, content frozen as JSON, status "sending". A schedule slot already used returns
 * the issue it produced with created: false, so two instances cannot send one slot twice.
 */
export async function createIssue(
  db: Db,
  opts: { intro: string; createdBy: string; now?: number | Date; scheduledFor?: string },
): Promise<{ issue: Issue; created: boolean }> {
  const now = iso(opts.now);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        if (opts.scheduledFor !== undefined) {
          const existing = await issueForSlot(trx, opts.scheduledFor);
          if (existing) return { issue: existing, created: false };
        }
        const { number, period } = await nextSlot(trx, now);
        const content = await buildIssueContent(trx, period);
        const row = await trx
          .insertInto("newsletter_issues")
          .values({
            number,
            subject: issueSubject(number, content),
            intro: opts.intro.trim(),
            content: JSON.stringify(content),
            period_start: period.since,
            period_end: period.until,
            status: "sending",
            scheduled_for: opts.scheduledFor ?? null,
            created_by: opts.createdBy,
            created_at: now,
            sent_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return { issue: toIssue(row), created: true };
      });
    } catch (err) {
      // another instance took the number or the slot between our read and our insert: read again
      if (!isUniqueViolation(err) || attempt >= CREATE_TRIES) throw err;
    }
  }
}

/** The issue that would go out now. */
export interface IssuePreview {
  number: number;
  subject: string;
  intro: string;
  content: IssueContent;
}

/** What the next issue would say if it were created now; nothing is saved. */
export async function previewIssue(
  db: Db,
  opts: { intro: string; now?: number | Date },
): Promise<IssuePreview> {
  const { number, period } = await nextSlot(db, iso(opts.now));
  const content = await buildIssueContent(db, period);
  return { subject: issueSubject(number, content), number, intro: opts.intro.trim(), content };
}

/** One issue by its number, whatever its status; undefined when there is none. */
export async function getIssue(db: Db, number: number): Promise<Issue | undefined> {
  const row = await db
    .selectFrom("newsletter_issues")
    .selectAll()
    .where("number", "=", number)
    .executeTakeFirst();
  return row ? toIssue(row) : undefined;
}

/** The latest sent issues, newest first: the archive and the feed. */
export async function listSentIssues(db: Db, opts: { limit: number }): Promise<Issue[]> {
  const rows = await db
    .selectFrom("newsletter_issues")
    .selectAll()
    .where("status", "=", "sent")
    .orderBy("number", "desc")
    .limit(opts.limit)
    .execute();
  return rows.map(toIssue);
}

/** Marks an issue sent, once: returns false when it was already sent (or does not exist). */
export async function markIssueSent(db: Db, issueId: number, now?: number | Date): Promise<boolean> {
  const result = await db
    .updateTable("newsletter_issues")
    .set({ status: "sent", sent_at: iso(now) })
    .where("id", "=", issueId)
    .where("status", "=", "sending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
