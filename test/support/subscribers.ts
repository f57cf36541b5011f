/**
 * Newsletter fixtures written straight to the database: many subscribers in a few statements,
 * and an issue row with empty content, so delivery tests and the bench need no other feature.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../../src/db/types.ts";
import type { SubscriberStatus } from "../../src/domain/newsletter-status.ts";
import type { IssueContent } from "../../src/features/newsletter/issues/index.ts";

export interface InsertedSubscriber {
  id: number;
  email: string;
  unsubscribeToken: string;
}

/** Inserts `count` subscribers named `${prefix}${i}@example.com` with one status, 500 per statement. */
export async function insertSubscribers(
  db: Db,
  opts: { count: number; status?: SubscriberStatus; prefix?: string },
): Promise<InsertedSubscriber[]> {
  const status = opts.status ?? "confirmed";
  const prefix = opts.prefix ?? status;
  const now = new Date().toISOString();
  const out: InsertedSubscriber[] = [];
  for (let from = 0; from < opts.count; from += 500) {
    const rows = Array.from({ length: Math.min(500, opts.count - from) }, (_, k) => ({
      email: `${prefix}${from + k}@example.com`,
      status,
      unsubscribe_token: randomBytes(18).toString("base64url"),
      created_at: now,
      confirmed_at: status === "pending" ? null : now,
      unsubscribed_at: status === "unsubscribed" ? now : null,
      bounced_at: status === "bounced" ? now : null,
    }));
    const inserted = await db
      .insertInto("subscribers")
      .values(rows)
      .returning(["id", "email", "unsubscribe_token"])
      .execute();
    out.push(...inserted.map((r) => ({ id: r.id, email: r.email, unsubscribeToken: r.unsubscribe_token })));
  }
  return out;
}

/** An empty issue's content, as createIssue would freeze it for a quiet week. */
function emptyContent(now = new Date()): IssueContent {
  const end = now.toISOString();
  const start = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  return {
    periodStart: start,
    periodEnd: end,
    verdicts: [],
    comparisons: [],
    movers: [],
    mostCompared: null,
  };
}

/** Inserts an issue in 'sending' state with the next free number; returns its id and number. */
export async function insertIssue(
  db: Db,
  opts: { intro?: string } = {},
): Promise<{ id: number; number: number }> {
  const last = await db
    .selectFrom("newsletter_issues")
    .select((eb) => eb.fn.max("number").as("n"))
    .executeTakeFirst();
  const number = Number(last?.n ?? 0) + 1;
  const content = emptyContent();
  const now = new Date().toISOString();
  const row = await db
    .insertInto("newsletter_issues")
    .values({
      number,
      subject: `Weekly AI Tool Verdicts #${number}`,
      intro: opts.intro ?? "",
      content: JSON.stringify(content),
      period_start: content.periodStart,
      period_end: content.periodEnd,
      status: "sending",
      scheduled_for: null,
      created_by: "test",
      created_at: now,
      sent_at: null,
    })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
  return row;
}
