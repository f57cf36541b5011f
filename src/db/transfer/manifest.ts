/** The export's manifest.json: what it holds and how to check it. Pure: building and reading. */
import type { Engine } from "../connection.ts";
import type { ColumnKind, ColumnSpec } from "./normalize.ts";
import { TRANSFER_TABLES } from "./tables.ts";

export const EXPORT_FORMAT = "ship-or-skip-export";
export const EXPORT_FORMAT_VERSION = 1;

export interface ManifestTable {
  name: string;
  /** The table's file in the export directory: `<name>.ndjson`. */
  file: string;
  rows: number;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
  columns: ColumnSpec[];
}

export interface Manifest {
  format: typeof EXPORT_FORMAT;
  formatVersion: typeof EXPORT_FORMAT_VERSION;
  /** The last migration the exported database had run: an import needs the same. */
  schemaVersion: string;
  exportedAt: string;
  sourceEngine: Engine;
  tables: ManifestTable[];
  /** Tables left out on purpose, with why. */
  omitted: { name: string; reason: string }[];
}

export class ManifestError extends Error {}

const KINDS: readonly ColumnKind[] = ["integer", "real", "text", "boolean", "timestamp", "json"];

/**
 * Reads manifest.json's text, checking its shape and that it lists exactly the tables this
 * version of the app transfers, each with a plain file name. Throws ManifestError saying what is wrong.
 */
export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ManifestError("manifest.json is not JSON");
  }
  const m = raw as Partial<Manifest>;
  if (!m || typeof m !== "object" || m.format !== EXPORT_FORMAT) {
    throw new ManifestError(`manifest.json is not a Ship or Skip export (format is not "${EXPORT_FORMAT}")`);
  }
  if (m.formatVersion !== EXPORT_FORMAT_VERSION) {
    throw new ManifestError(
      `the export is in format version ${String(m.formatVersion)}; this version of the app reads ${EXPORT_FORMAT_VERSION}`,
    );
  }
  if (typeof m.schemaVersion !== "string" || !m.schemaVersion) {
    throw new ManifestError("manifest.json names no schema version");
  }
  if (!Array.isArray(m.tables)) throw new ManifestError("manifest.json lists no tables");
  const expected = TRANSFER_TABLES.map((t) => t.name);
  const listed = m.tables.map((t) => t?.name);
  const missing = expected.filter((n) => !listed.includes(n));
  const unknown = listed.filter((n) => !expected.includes(n as string));
  if (missing.length || unknown.length) {
    throw new ManifestError(
      [
        missing.length ? `tables missing from the manifest: ${missing.join(", ")}` : "",
        unknown.length ? `tables this version does not know: ${unknown.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("; "),
    );
  }
  for (const t of m.tables) {
    if (t.file !== `${t.name}.ndjson`)
      throw new ManifestError(`table ${t.name}: file must be ${t.name}.ndjson`);
    if (!Number.isSafeInteger(t.rows) || t.rows < 0)
      throw new ManifestError(`table ${t.name}: bad row count`);
    if (typeof t.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(t.sha256)) {
      throw new ManifestError(`table ${t.name}: bad sha256`);
    }
    if (
      !Array.isArray(t.columns) ||
      t.columns.length === 0 ||
      !t.columns.every((c) => typeof c?.name === "string" && KINDS.includes(c.kind))
    ) {
      throw new ManifestError(`table ${t.name}: bad column list`);
    }
  }
  return m as Manifest;
}

/** How the target's columns differ from the manifest's for one table; empty when they agree. */
export function columnDifferences(table: string, want: ColumnSpec[], have: ColumnSpec[]): string[] {
  const out: string[] = [];
  const haveBy = new Map(have.map((c) => [c.name, c.kind]));
  const wantBy = new Map(want.map((c) => [c.name, c.kind]));
  for (const c of want) {
    const kind = haveBy.get(c.name);
    if (kind === undefined) out.push(`${table}.${c.name} is not in this database`);
    else if (kind !== c.kind) out.push(`${table}.${c.name} is ${kind} here but ${c.kind} in the export`);
  }
  for (const c of have) if (!wantBy.has(c.name)) out.push(`${table}.${c.name} is not in the export`);
  return out;
}
