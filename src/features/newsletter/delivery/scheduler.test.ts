import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  reportSkippedPostgres,
  type TestDatabase,
  testEngines,
} from "../../../../test/support/db.ts";
import { parseSchedule } from "../../../domain/schedule.ts";
import type { OutgoingMail } from "../../../mail/mailer.ts";
import { createIssue } from "../issues/index.ts";
import { MAX_TIMER_MS, type Scheduler, type SetTimer, startScheduler } from "./scheduler.ts";

reportSkippedPostgres("newsletter scheduler");

/** A clock and timers moved by hand: nothing waits for real. */
class FakeTime {
  private timers: { due: number; fn: () => void; cleared: boolean }[] = [];
  /** Every delay a timer was asked for. */
  readonly delays: number[] = [];
  constructor(public t: number) {}

  now = () => new Date(this.t);

  setTimer: SetTimer = (fn, ms) => {
    this.delays.push(ms);
    const timer = { due: this.t + ms, fn, cleared: false };
    this.timers.push(timer);
    return {
      clear: () => {
        timer.cleared = true;
      },
    };
  };

  pending(): number {
    return this.timers.filter((x) => !x.cleared).length;
  }

  /** Moves the clock to `iso`, firing every timer due on the way and letting the schedulers finish. */
  async advanceTo(iso: string, schedulers: Scheduler[]): Promise<void> {
    const target = Date.parse(iso);
    for (;;) {
      const live = this.timers.filter((x) => !x.cleared && x.due <= target).sort((a, b) => a.due - b.due);
      const next = live[0];
      if (!next) break;
      // timers due at the same instant fire together, so two instances really race
      const together = live.filter((x) => x.due === next.due);
      this.timers = this.timers.filter((x) => !together.includes(x));
      this.t = Math.max(this.t, next.due);
      for (const x of together) x.fn();
      await Promise.all(schedulers.map((s) => s.idle()));
    }
    this.t = target;
  }

  /** The clock jumps (a suspended machine, a corrected clock) without any timer firing. */
  jumpTo(iso: string): void {
    this.t = Date.parse(iso);
  }
}

describe.each(testEngines())("newsletter scheduler on %s", (engine) => {
  let db: TestDatabase;
  let mail: OutgoingMail[];
  let running: Scheduler[];
  const config = {
    siteUrl: "http://localhost:3000",
    smtpUrl: undefined,
    mailFrom: "Ship or Skip <no-reply@localhost>",
    outboxDir: mkdtempSync(join(tmpdir(), "shiporskip-outbox-")),
  };
  const transport = { send: async (m: OutgoingMail) => void mail.push(m) };
  const schedule = parseSchedule("mon 09:00 UTC");

  beforeEach(async () => {
    mail = [];
    running = [];
    db = await createTestDatabase(engine);
    await db.db
      .insertInto("subscribers")
      .values(
        ["ann@example.com", "bo@example.com", "cy@example.com"].map((email, i) => ({
          email,
          status: "confirmed",
          unsubscribe_token: `token-${i}-${engine}`,
          created_at: "2025-12-01T00:00:00.000Z",
          confirmed_at: "2025-12-01T00:00:00.000Z",
        })),
      )
      .execute();
  });
  afterEach(async () => {
    for (const s of running) s.stop();
    await db?.dispose();
  });

  function start(time: FakeTime): Scheduler {
    const s = startScheduler({
      db: db.db,
      config,
      transport,
      schedule,
      now: time.now,
      setTimer: time.setTimer,
      log: () => {},
    });
    running.push(s);
    return s;
  }

  const issues = () =>
    db.db
      .selectFrom("newsletter_issues")
      .select(["number", "scheduled_for", "created_by", "status"])
      .orderBy("number")
      .execute();

  it("sends nothing before the slot and exactly one issue at it, week after week", async () => {
    // Friday: the last slot (Monday 2025-12-29) is four days old, too late to send
    const time = new FakeTime(Date.parse("2026-01-02T12:00:00Z"));
    const s = start(time);
    await s.idle();
    expect(await issues()).toEqual([]);
    expect(s.nextAt()?.toISOString()).toBe("2026-01-05T09:00:00.000Z");

    await time.advanceTo("2026-01-05T08:59:59.999Z", [s]);
    expect(await issues()).toEqual([]);
    expect(mail).toHaveLength(0);
    // the three-day sleep was cut into timers of an hour at most
    expect(time.delays.length).toBeGreaterThanOrEqual(68);
    expect(Math.max(...time.delays)).toBeLessThanOrEqual(MAX_TIMER_MS);

    await time.advanceTo("2026-01-05T09:00:00Z", [s]);
    expect(await issues()).toEqual([
      { number: 1, scheduled_for: "2026-01-05T09:00:00.000Z", created_by: "schedule", status: "sent" },
    ]);
    expect(mail.map((m) => m.to).sort()).toEqual(["ann@example.com", "bo@example.com", "cy@example.com"]);

    await time.advanceTo("2026-01-12T08:59:00Z", [s]);
    expect(await issues()).toHaveLength(1);
    await time.advanceTo("2026-01-12T09:30:00Z", [s]);
    expect((await issues()).map((i) => i.scheduled_for)).toEqual([
      "2026-01-05T09:00:00.000Z",
      "2026-01-12T09:00:00.000Z",
    ]);
    expect(mail).toHaveLength(6);
  });

  it("lets only one of two instances send a slot", async () => {
    const time = new FakeTime(Date.parse("2026-01-04T12:00:00Z"));
    const a = start(time);
    const b = start(time);
    await time.advanceTo("2026-01-05T10:00:00Z", [a, b]);
    await time.advanceTo("2026-01-12T10:00:00Z", [a, b]);
    expect((await issues()).map((i) => i.number)).toEqual([1, 2]);
    expect(mail).toHaveLength(6);
    expect(new Set(mail.map((m) => `${m.to} ${m.subject}`)).size).toBe(6);
  });

  it("sends a slot missed by less than a day when it starts, and only once across restarts", async () => {
    const time = new FakeTime(Date.parse("2026-01-05T20:00:00Z"));
    const first = start(time);
    await first.idle();
    expect((await issues()).map((i) => i.scheduled_for)).toEqual(["2026-01-05T09:00:00.000Z"]);
    expect(mail).toHaveLength(3);
    first.stop();
    expect(time.pending()).toBe(0);

    time.jumpTo("2026-01-05T21:00:00Z");
    const second = start(time);
    await second.idle();
    expect(await issues()).toHaveLength(1);
    expect(mail).toHaveLength(3);
  });

  it("skips a slot missed by a day or more, and one an admin already covered by hand", async () => {
    const late = new FakeTime(Date.parse("2026-01-06T09:00:00Z"));
    await start(late).idle();
    expect(await issues()).toEqual([]);

    // an issue sent by hand after the slot covers it: the schedule does not send another
    await createIssue(db.db, {
      intro: "",
      createdBy: "admin@example.com",
      now: Date.parse("2026-01-12T09:10:00Z"),
    });
    const time = new FakeTime(Date.parse("2026-01-12T10:00:00Z"));
    await start(time).idle();
    expect((await issues()).map((i) => i.created_by)).toEqual(["admin@example.com"]);
    expect(mail).toHaveLength(0);
  });

  it("checks the clock when it wakes: a jump past the slot sends it, late timers never send twice", async () => {
    const time = new FakeTime(Date.parse("2026-01-04T12:00:00Z"));
    const s = start(time);
    await s.idle();
    // the machine sleeps and wakes ten minutes after the slot; the next timer sees it is due
    time.jumpTo("2026-01-05T09:10:00Z");
    await time.advanceTo("2026-01-05T12:00:00Z", [s]);
    expect(await issues()).toHaveLength(1);
    expect(mail).toHaveLength(3);
  });

  it("stops: no timer left, nothing sent afterwards", async () => {
    const time = new FakeTime(Date.parse("2026-01-04T12:00:00Z"));
    const s = start(time);
    await s.idle();
    s.stop();
    expect(s.nextAt()).toBeNull();
    expect(time.pending()).toBe(0);
    await time.advanceTo("2026-01-20T00:00:00Z", [s]);
    expect(await issues()).toEqual([]);
  });

  it("tries again after a failed send and finishes the half-sent issue", async () => {
    const time = new FakeTime(Date.parse("2026-01-05T08:30:00Z"));
    let refuse = true;
    const flaky = {
      send: async (m: OutgoingMail) => {
        if (refuse) throw Object.assign(new Error("auth refused"), { code: "EAUTH" });
        mail.push(m);
      },
    };
    const s = startScheduler({
      db: db.db,
      config,
      transport: flaky,
      schedule,
      now: time.now,
      setTimer: time.setTimer,
      log: () => {},
    });
    running.push(s);
    await time.advanceTo("2026-01-05T09:00:00Z", [s]);
    expect((await issues()).map((i) => i.status)).toEqual(["sending"]);
    expect(mail).toHaveLength(0);
    refuse = false;
    await time.advanceTo("2026-01-05T09:30:00Z", [s]);
    expect((await issues()).map((i) => [i.number, i.status])).toEqual([[1, "sent"]]);
    expect(mail).toHaveLength(3);
  });
});
