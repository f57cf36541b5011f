/** Timestamps as the database stores them: ISO-8601 text in UTC, which sorts as it reads. */

/** The stored form of an instant (epoch milliseconds or a Date; now when omitted). */
export function iso(at: number | Date = Date.now()): string {
  return new Date(at).toISOString();
}
