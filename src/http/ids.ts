/** The one parser for ids and numbers a request names, bounded to the integer columns that hold them. */

/** The largest value of a PostgreSQL `integer` column (and so of every id). */
export const MAX_ID = 2_147_483_647;

/** The id in `raw` if it is a plain whole number from 1 to MAX_ID ("42", not "042", "4e1" or "-1"), else undefined. */
export function parseId(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[1-9]\d{0,9}$/.test(raw)) return undefined;
  const id = Number(raw);
  return id <= MAX_ID ? id : undefined;
}
