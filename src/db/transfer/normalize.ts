/**
 * Rows in the export's engine-neutral form, and back: no I/O here. Each column has a kind taken
 * from the database's own type name; a value is written as JSON of that kind whichever engine it
 * came from (integers as numbers, never strings or bigints; booleans as true/false; instants as
 * ISO-8601 text; JSON columns as the JSON value), so an export of the same data is byte for byte
 * the same from SQLite and from PostgreSQL.
 */
import type { Engine } from "../connection.ts";

export type ColumnKind = "integer" | "real" | "text" | "boolean" | "timestamp" | "json";

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}

/** The kind of a column from the type name either engine reports (int4, integer, float8, text…). */
export function columnKind(dataType: string): ColumnKind {
  const t = dataType.toLowerCase().trim();
  if (t === "bool" || t === "boolean") return "boolean";
  if (/^(json|jsonb)$/.test(t)) return "json";
  if (/^(timestamp|timestamptz|date|datetime)/.test(t)) return "timestamp";
  if (/int|serial/.test(t)) return "integer";
  if (/double|float|real|numeric|decimal/.test(t)) return "real";
  return "text";
}

export class TransferValueError extends Error {}

function fail(column: ColumnSpec, value: unknown, why: string): never {
  const shown = typeof value === "bigint" ? `${value}n` : JSON.stringify(value);
  throw new TransferValueError(`column ${column.name} (${column.kind}): ${shown?.slice(0, 60)} ${why}`);
}

/** A value read from either engine, in the export's form. Throws on a value the kind cannot hold. */
export function normalizeValue(column: ColumnSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case "integer": {
      if (typeof value === "boolean") return value ? 1 : 0;
      const n =
        typeof value === "bigint"
          ? Number(value)
          : typeof value === "string" && /^-?\d+$/.test(value)
            ? Number(value)
            : value;
      if (typeof n !== "number" || !Number.isSafeInteger(n)) {
        fail(column, value, "is not an integer this format can carry exactly");
      }
      // -0 and 0 read the same
      return n === 0 ? 0 : n;
    }
    case "real": {
      const n = typeof value === "string" ? Number(value) : typeof value === "bigint" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isFinite(n)) fail(column, value, "is not a finite number");
      return n === 0 ? 0 : n;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === 0 || value === 1 || value === 0n || value === 1n) return Number(value) === 1;
      return fail(column, value, "is not a boolean");
    case "timestamp": {
      const d = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
      if (!d || Number.isNaN(d.getTime())) fail(column, value, "is not an instant");
      return d.toISOString();
    }
    case "json":
      return typeof value === "string" ? JSON.parse(value) : value;
    case "text":
      if (typeof value !== "string") fail(column, value, "is not text");
      return value;
  }
}

/** One NDJSON line: the row as an object with its columns in the manifest's order. */
export function encodeRow(columns: readonly ColumnSpec[], row: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c.name] = normalizeValue(c, row[c.name]);
  return `${JSON.stringify(out)}\n`;
}

/**
 * A line of an export file as values to insert into `engine`: every column of the manifest
 * present and no other, each checked against its kind.
 */
export function decodeRow(
  columns: readonly ColumnSpec[],
  line: string,
  engine: Engine,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new TransferValueError("a line is not JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TransferValueError("a line is not a JSON object");
  }
  const given = parsed as Record<string, unknown>;
  const known = new Set(columns.map((c) => c.name));
  const extra = Object.keys(given).find((k) => !known.has(k));
  if (extra) throw new TransferValueError(`unknown column ${extra}`);
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    if (!(c.name in given)) throw new TransferValueError(`column ${c.name} is missing`);
    const v = normalizeValue(c, given[c.name]);
    out[c.name] = toStored(c, v, engine);
  }
  return out;
}

/** A normalized value as the engine takes it as a parameter. */
function toStored(column: ColumnSpec, value: unknown, engine: Engine): unknown {
  if (value === null) return null;
  if (column.kind === "boolean" && engine === "sqlite") return value ? 1 : 0;
  if (column.kind === "json") return JSON.stringify(value);
  return value;
}
