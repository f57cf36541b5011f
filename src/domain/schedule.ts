/**
 * The weekly schedule (NEWSLETTER_SCHEDULE, e.g. "mon 09:00 Europe/Berlin"): parsing, and the
 * instants it falls on. Pure: the zone's UTC offset comes from Intl, no date library.
 *
 * Daylight saving: a wall time that does not exist that week (clocks jump over it in spring)
 * runs at the same distance past the jump, e.g. 02:30 becomes 03:30; a wall time that
 * happens twice (clocks go back in autumn) runs at the first of the two, and only once.
 */

/** When the weekly issue goes out: a weekday and wall-clock time in a time zone. */
export interface Schedule {
  /** 0 = Sunday … 6 = Saturday, as Date#getUTCDay counts. */
  weekday: number;
  hour: number;
  minute: number;
  /** The IANA zone as written, its case corrected when Intl knows the name. */
  timeZone: string;
}

/** A NEWSLETTER_SCHEDULE value that cannot be understood; the message says what is expected. */
export class ScheduleError extends Error {
  override name = "ScheduleError";
}

/** The form the schedule takes, shown in every error message. */
export const SCHEDULE_EXAMPLE = "mon 09:00 Europe/Berlin";

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

const expected = `Write it as a weekday (mon, tue, wed, thu, fri, sat or sun), a 24-hour time (HH:MM) and an IANA time zone, for example "${SCHEDULE_EXAMPLE}".`;

/** Reads "mon 09:00 Europe/Berlin"; throws a ScheduleError naming the part that is wrong. */
export function parseSchedule(raw: string): Schedule {
  const parts = raw.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 3) {
    throw new ScheduleError(`"${raw.trim()}" is not a schedule. ${expected}`);
  }
  const [day = "", time = "", zone = ""] = parts;
  const weekday = (WEEKDAYS as readonly string[]).indexOf(day.toLowerCase());
  if (weekday === -1) throw new ScheduleError(`"${day}" is not a weekday. ${expected}`);
  const hm = TIME.exec(time);
  if (!hm) throw new ScheduleError(`"${time}" is not a time between 00:00 and 23:59. ${expected}`);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new ScheduleError(`"${zone}" is not a time zone this system knows. ${expected}`);
  }
  // Intl fixes the case but may also swap in an older alias (Asia/Kolkata → Asia/Calcutta);
  // keep the name as written unless only its case differs
  const timeZone = resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
  return { weekday, hour: Number(hm[1]), minute: Number(hm[2]), timeZone };
}

/** The schedule in words, e.g. "Mondays at 09:00 (Europe/Berlin)". */
export function describeSchedule(s: Schedule): string {
  const hh = String(s.hour).padStart(2, "0");
  const mm = String(s.minute).padStart(2, "0");
  return `${WEEKDAY_NAMES[s.weekday]}s at ${hh}:${mm} (${s.timeZone})`;
}

/** The first instant strictly after `after` that falls on the schedule. */
export function nextRun(s: Schedule, after: Date): Date {
  const from = after.getTime();
  const today = civilDate(from, s.timeZone);
  // a week and a day cover every case, even a zone that skips a calendar day
  for (let i = 0; i <= 8; i++) {
    const at = slotOn(s, today + i * DAY_MS);
    if (at !== undefined && at > from) return new Date(at);
  }
  throw new Error(`no run of ${describeSchedule(s)} found after ${after.toISOString()}`);
}

/** The most recent instant at or before `now` that falls on the schedule: the slot now due. */
export function currentSlot(s: Schedule, now: Date): Date {
  const until = now.getTime();
  const today = civilDate(until, s.timeZone);
  for (let i = 0; i >= -8; i--) {
    const at = slotOn(s, today + i * DAY_MS);
    if (at !== undefined && at <= until) return new Date(at);
  }
  throw new Error(`no run of ${describeSchedule(s)} found before ${now.toISOString()}`);
}

/**
 * The schedule's instant on one local calendar day (given as that day's midnight in UTC
 * milliseconds, a zone-free civil date), or undefined when the day is another weekday.
 */
function slotOn(s: Schedule, day: number): number | undefined {
  if (new Date(day).getUTCDay() !== s.weekday) return undefined;
  return zonedToUtc(day + s.hour * 3_600_000 + s.minute * 60_000, s.timeZone);
}

/** The local calendar day of an instant in a zone, as that day's midnight in UTC milliseconds. */
function civilDate(ms: number, timeZone: string): number {
  const local = ms + offsetAt(ms, timeZone);
  return local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
}

/**
 * The instant a wall-clock time (given as if it were UTC) names in a zone. Offsets a day
 * either side bracket any transition; each is a candidate when it maps back to itself.
 */
function zonedToUtc(wall: number, timeZone: string): number {
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after]
    .filter((at) => at + offsetAt(at, timeZone) === wall)
    .sort((a, b) => a - b);
  // none: the wall time falls in a spring-forward gap; the old offset moves it past the jump
  return candidates[0] ?? wall - before;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds (east of Greenwich is positive). */
export function offsetAt(ms: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return asUtc - whole;
}
