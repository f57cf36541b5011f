import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import {
  currentSlot,
  describeSchedule,
  nextRun,
  offsetAt,
  parseSchedule,
  SCHEDULE_EXAMPLE,
  ScheduleError,
} from "./schedule.ts";

const at = (iso: string) => new Date(iso);
const next = (schedule: string, after: string) => nextRun(parseSchedule(schedule), at(after)).toISOString();
const slot = (schedule: string, now: string) => currentSlot(parseSchedule(schedule), at(now)).toISOString();

/** The wall clock in a zone, e.g. "Mon 09:00", read back through Intl to check a result. */
function wall(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);
}

describe("parseSchedule", () => {
  it("reads a weekday, a 24-hour time and a zone, in any case", () => {
    expect(parseSchedule("mon 09:00 Europe/Berlin")).toEqual({
      weekday: 1,
      hour: 9,
      minute: 0,
      timeZone: "Europe/Berlin",
    });
    expect(parseSchedule("  SUN   23:59   utc ")).toEqual({
      weekday: 0,
      hour: 23,
      minute: 59,
      timeZone: "UTC",
    });
    expect(parseSchedule("Sat 00:30 europe/berlin").timeZone).toBe("Europe/Berlin");
    expect(parseSchedule("Sat 00:30 Asia/Kolkata").timeZone).toBe("Asia/Kolkata");
    expect(describeSchedule(parseSchedule("fri 07:05 America/New_York"))).toBe(
      "Fridays at 07:05 (America/New_York)",
    );
  });

  it.each([
    ["", "is not a schedule"],
    ["mon 09:00", "is not a schedule"],
    ["mon 09:00 Europe/Berlin extra", "is not a schedule"],
    ["monday 09:00 Europe/Berlin", '"monday" is not a weekday'],
    ["mo 09:00 UTC", '"mo" is not a weekday'],
    ["mon 9:00 UTC", '"9:00" is not a time'],
    ["mon 24:00 UTC", '"24:00" is not a time'],
    ["mon 09:60 UTC", '"09:60" is not a time'],
    ["mon 9am UTC", '"9am" is not a time'],
    ["mon 09:00 Mars/Olympus", '"Mars/Olympus" is not a time zone'],
  ])("rejects %j with a message showing the expected form", (raw, problem) => {
    expect(() => parseSchedule(raw)).toThrow(ScheduleError);
    expect(() => parseSchedule(raw)).toThrow(problem);
    expect(() => parseSchedule(raw)).toThrow(SCHEDULE_EXAMPLE);
  });
});

describe("offsetAt", () => {
  it("reads the zone's offset from Intl, half hours included", () => {
    expect(offsetAt(Date.parse("2026-01-15T12:00:00Z"), "Europe/Berlin")).toBe(3_600_000);
    expect(offsetAt(Date.parse("2026-07-15T12:00:00Z"), "Europe/Berlin")).toBe(7_200_000);
    expect(offsetAt(Date.parse("2026-07-15T12:00:00Z"), "America/New_York")).toBe(-4 * 3_600_000);
    expect(offsetAt(Date.parse("2026-07-15T12:00:00.999Z"), "Asia/Kolkata")).toBe(5.5 * 3_600_000);
    expect(offsetAt(Date.parse("2026-07-15T12:00:00Z"), "UTC")).toBe(0);
  });
});

describe("nextRun", () => {
  it("finds the coming weekday and time, strictly after the given instant", () => {
    // Friday 2026-01-02 → Monday 2026-01-05, 09:00 CET is 08:00 UTC
    expect(next("mon 09:00 Europe/Berlin", "2026-01-02T12:00:00Z")).toBe("2026-01-05T08:00:00.000Z");
    expect(next("mon 09:00 Europe/Berlin", "2026-01-05T07:59:59.999Z")).toBe("2026-01-05T08:00:00.000Z");
    expect(next("mon 09:00 Europe/Berlin", "2026-01-05T08:00:00.000Z")).toBe("2026-01-12T08:00:00.000Z");
  });

  it("follows Europe/Berlin across the spring-forward week", () => {
    // clocks jump from 02:00 to 03:00 on Sunday 2026-03-29 (01:00 UTC)
    expect(next("mon 09:00 Europe/Berlin", "2026-03-20T00:00:00Z")).toBe("2026-03-23T08:00:00.000Z");
    expect(next("mon 09:00 Europe/Berlin", "2026-03-23T08:00:00Z")).toBe("2026-03-30T07:00:00.000Z");
    expect(next("sun 09:00 Europe/Berlin", "2026-03-28T12:00:00Z")).toBe("2026-03-29T07:00:00.000Z");
    expect(next("sun 01:59 Europe/Berlin", "2026-03-28T12:00:00Z")).toBe("2026-03-29T00:59:00.000Z");
    expect(next("sun 03:00 Europe/Berlin", "2026-03-28T12:00:00Z")).toBe("2026-03-29T01:00:00.000Z");
    // 02:30 does not exist that day: it runs past the jump, at 03:30 CEST
    expect(next("sun 02:30 Europe/Berlin", "2026-03-28T12:00:00Z")).toBe("2026-03-29T01:30:00.000Z");
    expect(next("sun 02:30 Europe/Berlin", "2026-03-29T01:30:00Z")).toBe("2026-04-05T00:30:00.000Z");
  });

  it("follows Europe/Berlin across the fall-back week, running a repeated time once", () => {
    // clocks go back from 03:00 to 02:00 on Sunday 2026-10-25 (01:00 UTC)
    expect(next("mon 09:00 Europe/Berlin", "2026-10-19T07:00:00Z")).toBe("2026-10-26T08:00:00.000Z");
    expect(next("sun 09:00 Europe/Berlin", "2026-10-24T12:00:00Z")).toBe("2026-10-25T08:00:00.000Z");
    // 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET): the first one counts
    expect(next("sun 02:30 Europe/Berlin", "2026-10-24T12:00:00Z")).toBe("2026-10-25T00:30:00.000Z");
    expect(next("sun 02:30 Europe/Berlin", "2026-10-25T00:30:00Z")).toBe("2026-11-01T01:30:00.000Z");
    expect(next("sun 02:30 Europe/Berlin", "2026-10-25T01:00:00Z")).toBe("2026-11-01T01:30:00.000Z");
  });

  it("follows America/New_York across both changes", () => {
    // spring forward Sunday 2026-03-08 at 02:00 EST (07:00 UTC)
    expect(next("mon 09:00 America/New_York", "2026-03-03T00:00:00Z")).toBe("2026-03-09T13:00:00.000Z");
    expect(next("mon 09:00 America/New_York", "2026-02-28T00:00:00Z")).toBe("2026-03-02T14:00:00.000Z");
    expect(next("sun 02:30 America/New_York", "2026-03-07T12:00:00Z")).toBe("2026-03-08T07:30:00.000Z");
    // fall back Sunday 2026-11-01 at 02:00 EDT (06:00 UTC): 01:30 happens twice
    expect(next("sun 01:30 America/New_York", "2026-10-31T12:00:00Z")).toBe("2026-11-01T05:30:00.000Z");
    expect(next("sun 01:30 America/New_York", "2026-11-01T05:30:00Z")).toBe("2026-11-08T06:30:00.000Z");
    expect(next("mon 09:00 America/New_York", "2026-10-27T00:00:00Z")).toBe("2026-11-02T14:00:00.000Z");
    expect(next("fri 23:30 America/New_York", "2026-10-30T00:00:00Z")).toBe("2026-10-31T03:30:00.000Z");
  });

  it("handles a half-hour zone (Asia/Kolkata) and UTC", () => {
    expect(next("mon 09:00 Asia/Kolkata", "2026-01-05T03:29:00Z")).toBe("2026-01-05T03:30:00.000Z");
    expect(next("mon 09:00 Asia/Kolkata", "2026-01-05T03:30:00Z")).toBe("2026-01-12T03:30:00.000Z");
    // 02:00 Monday in Kolkata is still Sunday in UTC
    expect(next("mon 02:00 Asia/Kolkata", "2026-01-03T00:00:00Z")).toBe("2026-01-04T20:30:00.000Z");
    expect(next("sun 00:00 UTC", "2026-01-03T23:59:59.999Z")).toBe("2026-01-04T00:00:00.000Z");
    expect(next("sat 23:59 UTC", "2026-01-04T00:00:00Z")).toBe("2026-01-10T23:59:00.000Z");
  });

  it.each([
    "mon 09:00 Europe/Berlin",
    "sun 02:30 Europe/Berlin",
    "sun 01:30 America/New_York",
    "wed 18:45 Asia/Kolkata",
    "sun 02:15 Australia/Lord_Howe",
    "thu 00:00 UTC",
  ])("steps through two years of %s, once a week, always on the schedule", (raw) => {
    const s = parseSchedule(raw);
    const [day, time] = raw.split(" ");
    let t = at("2025-12-31T00:00:00Z");
    for (let week = 0; week < 104; week++) {
      const run = nextRun(s, t);
      const gap = run.getTime() - t.getTime();
      if (week > 0) expect(Math.abs(gap - 7 * 86_400_000)).toBeLessThanOrEqual(3_600_000);
      const shown = wall(run, s.timeZone);
      expect(shown.slice(0, 3).toLowerCase()).toBe(day);
      // only the week a wall time is skipped may show another time (just past the jump)
      if (shown.slice(-5) !== time)
        expect(offsetAt(run.getTime() - 86_400_000, s.timeZone)).not.toBe(
          offsetAt(run.getTime(), s.timeZone),
        );
      expect(currentSlot(s, run).getTime()).toBe(run.getTime());
      t = run;
    }
  });
});

describe("currentSlot", () => {
  it("is the most recent run at or before now", () => {
    expect(slot("mon 09:00 Europe/Berlin", "2026-03-30T07:00:00Z")).toBe("2026-03-30T07:00:00.000Z");
    expect(slot("mon 09:00 Europe/Berlin", "2026-03-30T06:59:59Z")).toBe("2026-03-23T08:00:00.000Z");
    expect(slot("mon 09:00 Europe/Berlin", "2026-04-02T12:00:00Z")).toBe("2026-03-30T07:00:00.000Z");
    expect(slot("sun 02:30 Europe/Berlin", "2026-10-25T01:45:00Z")).toBe("2026-10-25T00:30:00.000Z");
    expect(slot("mon 09:00 Asia/Kolkata", "2026-01-05T03:29:59Z")).toBe("2025-12-29T03:30:00.000Z");
    expect(slot("thu 00:00 UTC", "2026-01-01T00:00:00Z")).toBe("2026-01-01T00:00:00.000Z");
  });

  it("brackets every instant: slot ≤ now < next run, and the next run after the slot is the same", () => {
    const zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Pacific/Chatham"];
    for (const zone of zones) {
      const s = parseSchedule(`sun 02:30 ${zone}`);
      for (
        let t = Date.parse("2026-01-01T00:00:00Z");
        t < Date.parse("2027-01-01T00:00:00Z");
        t += 19_919_000
      ) {
        const now = new Date(t);
        const last = currentSlot(s, now);
        const upcoming = nextRun(s, now);
        expect(last.getTime()).toBeLessThanOrEqual(t);
        expect(upcoming.getTime()).toBeGreaterThan(t);
        expect(nextRun(s, last).getTime()).toBe(upcoming.getTime());
      }
    }
  });
});

describe("NEWSLETTER_SCHEDULE at boot", () => {
  it("stops the start with a message naming the variable and showing an example", () => {
    expect(() => loadConfig({ NEWSLETTER_SCHEDULE: "monday 09:00 UTC" })).toThrow(
      /NEWSLETTER_SCHEDULE: "monday" is not a weekday\. .*"mon 09:00 Europe\/Berlin"/,
    );
    expect(() => loadConfig({ NEWSLETTER_SCHEDULE: "mon 09:00 Nowhere/Special" })).toThrow(
      "NEWSLETTER_SCHEDULE",
    );
  });

  it("keeps a valid schedule, and none when unset or empty", () => {
    expect(loadConfig({ NEWSLETTER_SCHEDULE: " mon 09:00 Europe/Berlin " }).newsletterSchedule).toBe(
      "mon 09:00 Europe/Berlin",
    );
    expect(loadConfig({ NEWSLETTER_SCHEDULE: "" }).newsletterSchedule).toBeUndefined();
    expect(loadConfig({}).newsletterSchedule).toBeUndefined();
  });
});
