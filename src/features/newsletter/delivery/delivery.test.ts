/**
 * Durable delivery against a real SMTP server on loopback: every confirmed subscriber gets one
 * message with the unsubscribe headers, refused recipients bounce, deferred ones are retried
 * after the backoff, and concurrent senders never send a message twice.
 */
import { type ParsedMail, simpleParser } from "mailparser";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  reportSkippedPostgres,
  type TestDatabase,
  testEngines,
} from "../../../../test/support/db.ts";
import { type SinkOptions, type SmtpSink, startSmtpSink } from "../../../../test/support/smtp-sink.ts";
import { insertIssue, insertSubscribers } from "../../../../test/support/subscribers.ts";
import { createMailer, type Mailer } from "../../../mail/mailer.ts";
import { type Recipient, unsubscribeUrl } from "../issues/index.ts";
import { deliveryMessageId, deliveryProgress, enqueueIssue } from "./queue.ts";
import {
  type Clock,
  DeliveryAbortedError,
  type DeliveryContext,
  exponentialBackoff,
  type RunOptions,
  resumeUnfinished,
  runDeliveries,
} from "./run.ts";

const SITE = "http://localhost:3000";
const FROM = "Ship or Skip <no-reply@localhost>";

reportSkippedPostgres("newsletter delivery");

/** A stand-in for the issue template: the visible unsubscribe link and who the message is for. */
function render(recipient: Recipient) {
  const link = unsubscribeUrl(SITE, recipient.unsubscribeToken);
  return {
    subject: "Weekly AI Tool Verdicts #1",
    text: `Hello ${recipient.email}\nFollowing: ${recipient.followedCategories.join(",") || "none"}\nUnsubscribe: ${link}\n`,
    html: `<p>Hello ${recipient.email}</p><p><a href="${link}">Unsubscribe</a></p>`,
  };
}

/**
 * A clock that moves only when the run sleeps: waiting for a backoff or another sender's lease
 * takes no real time, and times measured on it do not depend on the machine's speed.
 */
function manualClock(start = Date.now()): Clock {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
      // still give the event loop a turn, as a real sleep would
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** A header exactly as sent (unfolded), which mailparser would otherwise restructure. */
function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.replace(/\r?\n(?=[ \t])/g, "")
    .slice(name.length + 1)
    .trim();
}

describe("exponentialBackoff", () => {
  it("doubles from the base and stops at the cap", () => {
    const b = exponentialBackoff({ baseMs: 1000, capMs: 5000 });
    expect([1, 2, 3, 4, 5].map(b)).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});

describe.each(testEngines())("newsletter delivery on %s", (engine) => {
  let t: TestDatabase;
  let sink: SmtpSink | undefined;
  let mailer: Mailer | undefined;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await t?.dispose();
  });
  beforeEach(async () => {
    await t.db.deleteFrom("deliveries").execute();
    await t.db.deleteFrom("newsletter_issues").execute();
    await t.db.deleteFrom("subscriber_categories").execute();
    await t.db.deleteFrom("subscribers").execute();
  });
  afterEach(async () => {
    mailer?.close();
    mailer = undefined;
    await sink?.close();
    sink = undefined;
  });

  /** A sink and a pooled mailer pointed at it. */
  async function server(opts: SinkOptions = {}) {
    sink = await startSmtpSink(opts);
    mailer = createMailer({
      smtpUrl: sink.url,
      from: FROM,
      outboxDir: "/nonexistent",
      pool: { maxConnections: 3 },
    });
    return { sink, mailer };
  }

  const context = (
    transport: Pick<Mailer, "send">,
    extra: Partial<DeliveryContext> = {},
  ): DeliveryContext => ({
    db: t.db,
    transport,
    render,
    siteUrl: SITE,
    ...extra,
  });

  const run = (ctx: DeliveryContext, issueId: number, opts: Partial<RunOptions> = {}) =>
    runDeliveries(ctx, { issueId, concurrency: 6, backoff: () => 50, pollMs: 20, ...opts });

  const deliveries = (issueId: number) =>
    t.db
      .selectFrom("deliveries")
      .innerJoin("subscribers", "subscribers.id", "deliveries.subscriber_id")
      .select([
        "subscribers.email",
        "subscribers.status as subscriberStatus",
        "subscribers.bounce_reason",
        "subscribers.bounced_at",
        "deliveries.status",
        "deliveries.attempts",
        "deliveries.last_error",
        "deliveries.sent_at",
        "deliveries.message_id",
      ])
      .where("deliveries.issue_id", "=", issueId)
      .execute();

  it("delivers exactly one message to each of 1,000 confirmed subscribers, with the unsubscribe headers and link", async () => {
    const confirmed = await insertSubscribers(t.db, { count: 1000 });
    await insertSubscribers(t.db, { count: 5, status: "pending" });
    await insertSubscribers(t.db, { count: 5, status: "unsubscribed" });
    await insertSubscribers(t.db, { count: 5, status: "bounced" });
    const categories = await t.db
      .selectFrom("categories")
      .select(["id", "slug"])
      .orderBy("slug")
      .limit(2)
      .execute();
    await t.db
      .insertInto("subscriber_categories")
      .values(categories.map((c) => ({ subscriber_id: confirmed[7]!.id, category_id: c.id })))
      .execute();
    const issue = await insertIssue(t.db);
    const { sink, mailer } = await server();

    expect(await enqueueIssue(t.db, issue.id, { siteUrl: SITE })).toBe(1000);
    // queuing again adds nobody: a resumed send never grows or shrinks the list
    expect(await enqueueIssue(t.db, issue.id, { siteUrl: SITE })).toBe(0);

    let finished = 0;
    const progress: number[] = [];
    const began = Date.now();
    const result = await run(context(mailer, { onFinished: () => finished++ }), issue.id, {
      onProgress: (p) => progress.push(p.sent),
    });
    console.log(`1,000 messages on ${engine} in ${Date.now() - began} ms`);
    expect(result.finished).toBe(true);
    expect(result.progress).toMatchObject({
      total: 1000,
      sent: 1000,
      pending: 0,
      sending: 0,
      failed: 0,
      bounced: 0,
    });
    expect(finished).toBe(1);
    expect(progress.at(-1)).toBe(1000);
    expect(progress.length).toBeGreaterThan(10);

    // exactly one message per confirmed address, nobody else
    expect(sink.accepted).toHaveLength(1000);
    const byAddress = new Map<string, number>();
    for (const m of sink.accepted) for (const a of m.rcptTo) byAddress.set(a, (byAddress.get(a) ?? 0) + 1);
    expect([...byAddress.keys()].sort()).toEqual(confirmed.map((s) => s.email).sort());
    expect([...byAddress.values()].every((n) => n === 1)).toBe(true);

    const ids = sink.accepted.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(1000);
    const bySubscriber = new Map(confirmed.map((s) => [s.email, s]));
    const parsed: ParsedMail[] = await Promise.all(sink.accepted.map((m) => simpleParser(m.raw!)));
    for (const [i, mail] of parsed.entries()) {
      const to = sink.accepted[i]!.rcptTo[0]!;
      const s = bySubscriber.get(to)!;
      const link = unsubscribeUrl(SITE, s.unsubscribeToken);
      expect(rawHeader(mail, "List-Unsubscribe")).toBe(`<${link}>`);
      expect(rawHeader(mail, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
      expect(mail.messageId).toBe(deliveryMessageId(issue.number, s.id, SITE));
      expect(mail.messageId).toBe(`<issue-${issue.number}.sub-${s.id}@localhost>`);
      expect(mail.text).toContain(`Unsubscribe: ${link}`);
      expect(mail.html).toContain(`href="${link.replace(/&/g, "&amp;")}"`);
      expect(mail.from?.value[0]?.address).toBe("no-reply@localhost");
    }
    // the recipient's followed categories reach the template
    const seven = parsed.find((m) => m.text?.includes(confirmed[7]!.email))!;
    expect(seven.text).toContain(`Following: ${categories.map((c) => c.slug).join(",")}`);

    const rows = await deliveries(issue.id);
    expect(rows.every((r) => r.status === "sent" && r.sent_at && r.attempts === 0)).toBe(true);
    const stored = await t.db
      .selectFrom("newsletter_issues")
      .select(["status", "sent_at"])
      .where("id", "=", issue.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe("sent");
    expect(stored.sent_at).not.toBeNull();
  });

  it("marks recipients refused with 550 as bounced, never retries them, and delivers the rest", async () => {
    const subs = await insertSubscribers(t.db, { count: 20 });
    const refused = new Set([subs[2]!.email, subs[9]!.email, subs[17]!.email]);
    const issue = await insertIssue(t.db);
    const { sink, mailer } = await server({
      onRcpt: (address) =>
        refused.has(address) ? { code: 550, message: "5.1.1 No such mailbox here" } : undefined,
    });
    await enqueueIssue(t.db, issue.id, { siteUrl: SITE });
    const result = await run(context(mailer), issue.id, { maxAttempts: 5 });

    expect(result).toMatchObject({ finished: true, progress: { sent: 17, bounced: 3, failed: 0 } });
    expect(sink.accepted.map((m) => m.rcptTo[0]).sort()).toEqual(
      subs
        .map((s) => s.email)
        .filter((e) => !refused.has(e))
        .sort(),
    );
    // asked once each: a permanent refusal is never tried again
    for (const address of refused) expect(sink.rcpts.filter((r) => r.address === address)).toHaveLength(1);
    for (const row of await deliveries(issue.id)) {
      if (refused.has(row.email)) {
        expect(row).toMatchObject({ status: "bounced", subscriberStatus: "bounced" });
        expect(row.last_error).toContain("550");
        expect(row.bounce_reason).toContain("No such mailbox");
        expect(row.bounced_at).not.toBeNull();
      } else {
        expect(row).toMatchObject({ status: "sent", subscriberStatus: "confirmed", bounce_reason: null });
      }
    }
    // and the next issue is not queued for them at all
    const next = await insertIssue(t.db);
    expect(await enqueueIssue(t.db, next.id, { siteUrl: SITE })).toBe(17);
  });

  it("retries a 451 after the backoff and delivers it once", async () => {
    const subs = await insertSubscribers(t.db, { count: 5 });
    const greylisted = subs[3]!.email;
    const issue = await insertIssue(t.db);
    const clock = manualClock();
    const { sink, mailer } = await server({
      onRcpt: (address, attempt) =>
        address === greylisted && attempt === 1
          ? { code: 451, message: "4.7.1 Greylisted, try later" }
          : undefined,
      now: clock.now,
    });
    await enqueueIssue(t.db, issue.id, { siteUrl: SITE });
    const backoffs: number[] = [];
    const result = await run(context(mailer), issue.id, {
      clock,
      backoff: (attempt) => {
        backoffs.push(attempt);
        return 300;
      },
    });

    expect(result).toMatchObject({ finished: true, progress: { sent: 5, failed: 0, bounced: 0 } });
    expect(backoffs).toEqual([1]);
    const tries = sink.rcpts.filter((r) => r.address === greylisted);
    expect(tries).toHaveLength(2);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(290);
    expect(sink.accepted.filter((m) => m.rcptTo.includes(greylisted))).toHaveLength(1);
    const row = (await deliveries(issue.id)).find((r) => r.email === greylisted)!;
    expect(row).toMatchObject({
      status: "sent",
      attempts: 1,
      last_error: null,
      subscriberStatus: "confirmed",
    });
  });

  it("gives a delivery up as failed after maxAttempts transient failures, keeping the address", async () => {
    const subs = await insertSubscribers(t.db, { count: 3 });
    const full = subs[1]!.email;
    const issue = await insertIssue(t.db);
    const { sink, mailer } = await server({
      onRcpt: (address) => (address === full ? { code: 452, message: "4.2.2 Mailbox full" } : undefined),
    });
    await enqueueIssue(t.db, issue.id, { siteUrl: SITE });
    const result = await run(context(mailer), issue.id, { maxAttempts: 3, backoff: () => 20 });

    expect(result).toMatchObject({ finished: true, progress: { sent: 2, failed: 1, bounced: 0 } });
    expect(sink.rcpts.filter((r) => r.address === full)).toHaveLength(3);
    const row = (await deliveries(issue.id)).find((r) => r.email === full)!;
    expect(row).toMatchObject({ status: "failed", attempts: 3, subscriberStatus: "confirmed" });
    expect(row.last_error).toContain("Mailbox full");
  });

  it("fails a message refused after DATA without marking the address bounced", async () => {
    const subs = await insertSubscribers(t.db, { count: 4 });
    const issue = await insertIssue(t.db);
    const { sink, mailer } = await server({
      onMessage: ({ rcptTo }) =>
        rcptTo.includes(subs[0]!.email) ? { code: 554, message: "5.7.1 Message refused" } : undefined,
    });
    await enqueueIssue(t.db, issue.id, { siteUrl: SITE });
    const result = await run(context(mailer), issue.id);
    expect(result.progress).toMatchObject({ sent: 3, failed: 1, bounced: 0 });
    expect(sink.received()).toBe(4);
    const row = (await deliveries(issue.id)).find((r) => r.email === subs[0]!.email)!;
    expect(row).toMatchObject({ status: "failed", subscriberStatus: "confirmed" });
    expect(row.last_error).toContain("554");
  });

  it("does not send to someone who unsubscribed after the issue was queued", async () => {
    const subs = await insertSubscribers(t.db, { count: 3 });
    const issue = await insertIssue(t.db);
    const { sink, mailer } = await server();
    await enqueueIssue(t.db, issue.id, { siteUrl: SITE });
    await t.db
      .updateTable("subscribers")
      .set({ status: "unsubscribed" })
      .where("id", "=", subs[1]!.id)
      .execute();
    const result = await run(context(mailer), issue.id);
    expect(result).toMatchObject({ finished: true, progress: { sent: 2, failed: 1 } });
    expect(sink.accepted.flatMap((m) => m.rcptTo)).not.toContain(subs[1]!.email);
    const row = (await deliveries(issue.id)).find((r) => r.email === subs[1]!.email)!;
    expect(row.last_error).toContain("unsubscribed");
  });

  it("stops with a clear error when the mail server cannot be reached, leaving the queue for later", async () => {
    await insertSubscribers(t.db, { count: 30 });
    const issue = await insertIssue(t.db);
    const down = await startSmtpSink();
    const url = down.url;
    await down.close();
    mailer = createMailer({
      smtpUrl: url,
      from: FROM,
      outboxDir: "/nonexistent",
      pool: { maxConnections: 2 },
    });
    await enqueueIssue(t.db, issue.id, { siteUrl: SITE });
    let finished = 0;
    const error = await run(context(mailer, { onFinished: () => finished++ }), issue.id, {
      backoff: () => 60_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryAbortedError);
    expect((error as Error).message).toMatch(/cannot be reached.*ECONNREFUSED/);
    const p = await deliveryProgress(t.db, issue.id);
    expect(p).toMatchObject({ total: 30, pending: 30, sending: 0, sent: 0, failed: 0 });
    expect(finished).toBe(0);
    const stored = await t.db
      .selectFrom("newsletter_issues")
      .select("status")
      .where("id", "=", issue.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe("sending");
  });

  it("lets two senders share one issue without sending any message twice", async () => {
    await insertSubscribers(t.db, { count: 300 });
    const issue = await insertIssue(t.db);
    const { sink, mailer } = await server();
    const other = createMailer({
      smtpUrl: sink.url,
      from: FROM,
      outboxDir: "/nonexistent",
      pool: { maxConnections: 3 },
    });
    try {
      await enqueueIssue(t.db, issue.id, { siteUrl: SITE });
      const sentBy = [0, 0];
      const [a, b] = await Promise.all([
        run(context(mailer), issue.id, { batchSize: 7, onProgress: (p) => (sentBy[0] = p.sent) }),
        run(context(other), issue.id, { batchSize: 7, onProgress: (p) => (sentBy[1] = p.sent) }),
      ]);
      expect(a.finished && b.finished).toBe(true);
      expect(sink.accepted).toHaveLength(300);
      expect(new Set(sink.accepted.map((m) => m.rcptTo[0])).size).toBe(300);
      expect(new Set(sink.accepted.map((m) => m.messageId)).size).toBe(300);
      expect((await deliveryProgress(t.db, issue.id)).sent).toBe(300);
    } finally {
      other.close();
    }
  });

  it("waits for a live sender's lease, takes over an ended one, and resumes unfinished issues", async () => {
    const subs = await insertSubscribers(t.db, { count: 10 });
    const issue = await insertIssue(t.db);
    const clock = manualClock();
    const { sink, mailer } = await server({ now: clock.now });
    await enqueueIssue(t.db, issue.id, { siteUrl: SITE });
    const now = clock.now();
    const setSending = (ids: number[], until: number) =>
      t.db
        .updateTable("deliveries")
        .set({ status: "sending", next_attempt_at: new Date(until).toISOString() })
        .where("issue_id", "=", issue.id)
        .where("subscriber_id", "in", ids)
        .execute();
    // a killed sender's rows whose lease ended, and rows a live sender holds for 600 ms more
    await setSending([subs[0]!.id, subs[1]!.id], now - 1000);
    await setSending([subs[5]!.id, subs[6]!.id], now + 600);

    const started = clock.now();
    const results = await resumeUnfinished(
      {
        db: t.db,
        transport: mailer,
        siteUrl: SITE,
        renderer: async () => render,
      },
      { pollMs: 20, clock },
    );
    expect(results.map((r) => r.issue.number)).toEqual([issue.number]);
    expect(results[0]!.result.finished).toBe(true);
    expect(clock.now() - started).toBeGreaterThanOrEqual(550);
    const atFor = (s: (typeof subs)[number]) => sink.accepted.find((m) => m.rcptTo[0] === s.email)!.at;
    // the held rows went out only after their lease ended; everything else went out at once
    expect(atFor(subs[5]!) - started).toBeGreaterThanOrEqual(550);
    expect(atFor(subs[0]!) - started).toBeLessThan(500);
    expect(sink.accepted).toHaveLength(10);
    expect(new Set(sink.accepted.map((m) => m.rcptTo[0])).size).toBe(10);
  });

  it("queues an issue a crash left without deliveries when it resumes, and reclaims at once when asked", async () => {
    const subs = await insertSubscribers(t.db, { count: 4 });
    const unqueued = await insertIssue(t.db);
    const { sink, mailer } = await server();
    const results = await resumeUnfinished(
      { db: t.db, transport: mailer, siteUrl: SITE, renderer: async () => render },
      { pollMs: 20 },
    );
    expect(results.map((r) => r.result.progress.sent)).toEqual([4]);
    expect(sink.accepted).toHaveLength(4);

    const issue = await insertIssue(t.db);
    await enqueueIssue(t.db, issue.id, { siteUrl: SITE });
    const clock = manualClock();
    await t.db
      .updateTable("deliveries")
      .set({ status: "sending", next_attempt_at: new Date(clock.now() + 60_000).toISOString() })
      .where("issue_id", "=", issue.id)
      .where("subscriber_id", "=", subs[0]!.id)
      .execute();
    const started = clock.now();
    const again = await run(context(mailer), issue.id, { reclaimNow: true, clock });
    expect(again.finished).toBe(true);
    expect(clock.now() - started).toBeLessThan(5000);
    expect(sink.accepted.filter((m) => m.rcptTo[0] === subs[0]!.email)).toHaveLength(2);
    expect(unqueued.id).not.toBe(issue.id);
  });
});
