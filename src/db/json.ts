/** Reading JSON the database keeps in text columns, through the schema of what it holds. */
import { z } from "zod";
import type { Database } from "./schema.ts";

/** Where a stored JSON value lives: named in the error when it does not read. */
export interface JsonColumn<T extends keyof Database = keyof Database> {
  table: T;
  column: keyof Database[T] & string;
  /** The row's id, or another key that finds it. */
  row: number | string;
}

/** Any JSON object, for columns whose keys vary (an audit entry's detail). */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/**
 * Parses a JSON column and checks it against its schema. A value that is not JSON or does not
 * match throws, naming the table, column and row: damaged data is found, not shown as empty.
 */
export function readJson<T, K extends keyof Database>(
  schema: z.ZodType<T>,
  text: string,
  at: JsonColumn<K>,
): T {
  const where = `${at.table}.${at.column} of row ${at.row}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`Stored data: ${where} is not valid JSON (${err instanceof Error ? err.message : err}).`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`)
      .join("; ");
    throw new Error(`Stored data: ${where} does not match its schema (${issues}).`);
  }
  return result.data;
}
