/**
 * Reading tool profiles from an import file (JSON or CSV) into raw profiles with the line each
 * one starts on, validating them, and wording problems and plans. No I/O: the CLI reads the
 * file and the service writes.
 */
import { parse as parseCsv } from "csv-parse/sync";
import type { ToolProfileInput } from "../../domain/catalog-schema.ts";
import { bodyProblem } from "../../http/text-input.ts";
import {
  type BatchIssue,
  type LooseProfile,
  looseProfile,
  numberFromText,
  type PlanItem,
  PROFILE_FIELDS,
  type ProfileField,
  type ProfilePath,
  parseProfile,
  textOrMissing,
} from "./profile.ts";

export type ImportFormat = "json" | "csv";

/** One problem in a file: reported as `<file>:<line>: <field>: <message>`. */
export interface ImportProblem {
  line: number;
  field: string;
  message: string;
}

/** One profile as the file gives it, before validation. */
export interface ImportRow {
  /** The line the profile starts on: its CSV record, or its JSON array element. */
  line: number;
  raw: unknown;
  /** Fields whose text could not be read (CSV lists): their schema messages would only repeat it. */
  unreadable?: ReadonlySet<string>;
}

/** The rows of a file, or the problems that stopped it being read at all. */
export interface ParsedFile {
  rows: ImportRow[];
  problems: ImportProblem[];
}

/** The import format a file name implies, by extension. */
export function importFormatOf(fileName: string): ImportFormat | undefined {
  const ext = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  return ext === "json" || ext === "csv" ? ext : undefined;
}

/** Reads a file's text in the given format; a profile holding control characters or broken Unicode is refused. */
export function parseImportText(text: string, format: ImportFormat): ParsedFile {
  const parsed = format === "json" ? parseJsonImport(text) : parseCsvImport(text);
  const rows: ImportRow[] = [];
  const problems = [...parsed.problems];
  for (const row of parsed.rows) {
    // the same edge check as the web forms: no engine should be handed a NUL to store
    const problem = bodyProblem(row.raw);
    if (!problem) rows.push(row);
    else
      problems.push({
        line: row.line,
        field: "(text)",
        message:
          problem === "control"
            ? "The profile contains control characters (such as NUL); only tabs and line breaks are allowed in text."
            : "The profile contains text that is not well-formed Unicode (a lone surrogate).",
      });
  }
  return { rows, problems };
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line each top-level value starts on: every element of a top-level array, or the one
 * top-level value otherwise. Expects valid JSON (parse it first); tracks only strings and
 * nesting, which is all it takes to see where one element ends and the next begins.
 */
export function jsonElementStartLines(text: string): number[] {
  const starts: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let topArray = false;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n") line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n" || ch === "\uFEFF") continue;
    if (depth === 0) {
      if (ch !== "[" || topArray) {
        // a lone top-level value is the file's one element
        if (!topArray) starts.push(line);
        return starts;
      }
      topArray = true;
      expecting = true;
      depth = 1;
      continue;
    }
    if (depth === 1) {
      if (ch === ",") {
        expecting = true;
        continue;
      }
      if (ch === "]") {
        depth = 0;
        continue;
      }
      if (expecting) {
        starts.push(line);
        expecting = false;
      }
    }
    if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
  }
  return starts;
}

/** JSON: one profile object, or an array of them. */
export function parseJsonImport(text: string): ParsedFile {
  const body = text.replace(/^\uFEFF/, "");
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const line = at ? lineAt(body, Number(at[1])) : 1;
    const reason = message
      .replace(/\s*in JSON at position \d+.*$/, "")
      .replace(/\s*\(line \d+ column \d+\)$/, "");
    return { rows: [], problems: [{ line, field: "(syntax)", message: `Not valid JSON: ${reason}.` }] };
  }
  if (!data || typeof data !== "object") {
    return {
      rows: [],
      problems: [
        {
          line: 1,
          field: "(file)",
          message: "The file must hold one tool profile (a JSON object) or a list of them (an array).",
        },
      ],
    };
  }
  const starts = jsonElementStartLines(body);
  const elements = Array.isArray(data) ? data : [data];
  return { rows: elements.map((raw, i) => ({ line: starts[i] ?? 1, raw })), problems: [] };
}

/** A CSV column: its name and whether every file must have it. */
export interface CsvColumn {
  name: string;
  required: boolean;
}

/** The columns a CSV file may leave out. */
const OPTIONAL_COLUMNS: ReadonlySet<ProfileField> = new Set(["pricing.units", "competitors"]);

/**
 * The CSV header, one column per profile field under the same name (dotted for pricing); lists
 * are separated by ";", an item's parts by "|".
 */
const CSV_COLUMNS: readonly CsvColumn[] = PROFILE_FIELDS.map((name) => ({
  name,
  required: !OPTIONAL_COLUMNS.has(name),
}));

const COLUMN_BY_LOWER = new Map(CSV_COLUMNS.map((c) => [c.name.toLowerCase(), c.name]));

/** The line a CSV record starts on, from where it ends and the line breaks inside it. */
function recordStartLine(endLine: number, raw: string): number {
  const body = raw.replace(/^(?:[ \t]*\r?\n)+/, "").replace(/\r?\n$/, "");
  let breaks = 0;
  for (const ch of body) if (ch === "\n") breaks++;
  return endLine - breaks;
}

/** CSV with a header row of CSV_COLUMNS names (any order, any case). */
export function parseCsvImport(text: string): ParsedFile {
  let header: string[] = [];
  let records: { record: Record<string, string>; raw: string; info: { lines: number } }[];
  try {
    // one line ending throughout: csv-parse miscounts lines in CRLF files, and stored text is the
    // same whichever system wrote the file
    records = parseCsv(text.replace(/\r\n?/g, "\n"), {
      bom: true,
      columns: (names: string[]) => {
        header = names.map((n) => String(n).trim());
        return header.map((n) => COLUMN_BY_LOWER.get(n.toLowerCase()) ?? n);
      },
      skip_empty_lines: true,
      info: true,
      raw: true,
    });
  } catch (err) {
    const e = err as Error & { lines?: number };
    return {
      rows: [],
      problems: [{ line: e.lines ?? 1, field: "(syntax)", message: `Not valid CSV: ${e.message}.` }],
    };
  }
  if (header.length === 0) {
    return {
      rows: [],
      problems: [{ line: 1, field: "(file)", message: "The file is empty: it needs a header row." }],
    };
  }
  const problems: ImportProblem[] = [];
  const known = new Set<string>();
  for (const name of header) {
    const column = COLUMN_BY_LOWER.get(name.toLowerCase());
    if (!column) {
      problems.push({
        line: 1,
        field: name || "(empty)",
        message: `Unknown column. The columns are: ${CSV_COLUMNS.map((c) => c.name).join(", ")}.`,
      });
    } else if (known.has(column)) {
      problems.push({ line: 1, field: column, message: "This column appears twice." });
    } else known.add(column);
  }
  const missing = CSV_COLUMNS.filter((c) => c.required && !known.has(c.name));
  for (const c of missing) problems.push({ line: 1, field: c.name, message: "Missing column." });
  // with columns missing, every row would fail the same way: the header problems say it once
  if (missing.length > 0) return { rows: [], problems };
  const rows: ImportRow[] = [];
  for (const { record, raw, info } of records) {
    const line = recordStartLine(info.lines, raw);
    const read = csvRecordToProfile(record);
    rows.push({ line, raw: read.raw, unreadable: read.unreadable });
    for (const p of read.problems) problems.push({ ...p, line });
  }
  return { rows, problems };
}

/** Items of a list cell: separated by ";", trimmed, empty ones dropped. */
function splitList(cell: string): string[] {
  return cell
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

const YES = new Set(["yes", "y", "true", "1"]);
const NO = new Set(["no", "n", "false", "0"]);

/** One CSV record as a raw profile, with what could not be read from its list cells. */
function csvRecordToProfile(record: Record<string, string>): {
  raw: unknown;
  problems: ImportProblem[];
  unreadable: Set<string>;
} {
  const problems: ImportProblem[] = [];
  const unreadable = new Set<string>();
  const cell = (name: string) => record[name] ?? "";
  const fail = (field: string, message: string) => {
    unreadable.add(field);
    problems.push({ line: 0, field, message });
  };

  const freeTierText = cell("pricing.freeTier").trim().toLowerCase();
  let freeTier: boolean | undefined;
  if (YES.has(freeTierText)) freeTier = true;
  else if (NO.has(freeTierText)) freeTier = false;
  else if (freeTierText === "") fail("pricing.freeTier", "Required: yes or no.");
  else fail("pricing.freeTier", `Write yes or no, not "${cell("pricing.freeTier").trim()}".`);

  const units: unknown[] = [];
  splitList(cell("pricing.units")).forEach((item, i) => {
    const parts = item.split("|").map((p) => p.trim());
    if (parts.length !== 3) {
      fail(
        "pricing.units",
        `item ${i + 1} ("${item}"): write label|usd|unit, such as "Input tokens|3|1M tokens".`,
      );
      return;
    }
    const [label, usd, unit] = parts as [string, string, string];
    units.push({ label, usd: numberFromText(usd), unit });
  });

  const competitors: unknown[] = [];
  splitList(cell("competitors")).forEach((item, i) => {
    const parts = item.split("|").map((p) => p.trim());
    if (parts.length > 2) {
      fail("competitors", `item ${i + 1} ("${item}"): write Name, or Name|catalog-slug.`);
      return;
    }
    const [name, slug] = parts as [string, string | undefined];
    competitors.push(slug ? { name, slug } : { name });
  });

  const raw = {
    slug: textOrMissing(cell("slug")),
    name: cell("name"),
    vendor: cell("vendor"),
    category: textOrMissing(cell("category")),
    bestFor: cell("bestFor"),
    description: cell("description"),
    homepage: cell("homepage").trim(),
    deployment: splitList(cell("deployment")),
    addedAt: textOrMissing(cell("addedAt")),
    pricing: {
      model: textOrMissing(cell("pricing.model")),
      entry: cell("pricing.entry"),
      freeTier,
      license: cell("pricing.license"),
      units,
      detail: cell("pricing.detail"),
      asOf: textOrMissing(cell("pricing.asOf")),
    },
    competitors,
  };
  return { raw, problems, unreadable };
}

/** How a path inside a profile is named in a report: by JSON path, or by CSV column and item. */
export function describePath(format: ImportFormat, path: ProfilePath): { field: string; prefix: string } {
  if (path.length === 0) return { field: "(profile)", prefix: "" };
  if (format === "json") {
    const field = path
      .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`))
      .join("")
      .replace(/^\./, "");
    return { field, prefix: "" };
  }
  const nested = path[0] === "pricing" && path.length > 1;
  const field = nested ? `pricing.${String(path[1])}` : String(path[0]);
  const rest = path.slice(nested ? 2 : 1);
  let prefix = "";
  if (typeof rest[0] === "number") {
    prefix = `item ${rest[0] + 1}: `;
    if (rest[1] !== undefined) prefix += `${String(rest[1])}: `;
  }
  return { field, prefix };
}

/** A profile that passed the schema, with the line it came from. */
export interface CheckedRow {
  line: number;
  profile: ToolProfileInput;
}

/** Validates every row with the profile schema; the catalog checks come after, from the service. */
export function validateRows(
  rows: ImportRow[],
  format: ImportFormat,
): { valid: CheckedRow[]; loose: LooseProfile[]; problems: ImportProblem[] } {
  const valid: CheckedRow[] = [];
  const problems: ImportProblem[] = [];
  for (const row of rows) {
    const parsed = parseProfile(row.raw);
    if (parsed.ok) {
      valid.push({ line: row.line, profile: parsed.profile });
      continue;
    }
    for (const issue of parsed.issues) {
      const { field, prefix } = describePath(format, issue.path);
      if (row.unreadable?.has(field)) continue;
      problems.push({ line: row.line, field, message: `${prefix}${issue.message}` });
    }
  }
  return { valid, loose: rows.map((r) => looseProfile(r.raw)), problems };
}

/** The catalog checks' issues as file problems, at the lines of the rows they are about. */
export function batchProblems(issues: BatchIssue[], lines: number[], format: ImportFormat): ImportProblem[] {
  return issues.map((issue) => {
    const { field, prefix } = describePath(format, issue.path);
    const first = issue.duplicateOf === undefined ? "" : ` (first on line ${lines[issue.duplicateOf]})`;
    return {
      line: lines[issue.index] ?? 1,
      field,
      message: `${prefix}${issue.message.replace(/\.$/, "")}${first}.`,
    };
  });
}

/** Problems in line order, each as `<file>:<line>: <field>: <message>`. */
export function formatProblems(file: string, problems: ImportProblem[]): string[] {
  return [...problems]
    .sort((a, b) => a.line - b.line)
    .map((p) => `${file}:${p.line}: ${p.field}: ${p.message}`);
}

/** The plan, one line per tool: "add x (Name)", "update y: fields a, b", "unchanged z". */
export function planLines(plan: PlanItem[]): string[] {
  return plan.map((item) => {
    if (item.action === "add") return `  add        ${item.slug} (${item.name})`;
    if (item.action === "update") {
      return `  update     ${item.slug}: fields ${item.changes.map((c) => c.field).join(", ")}`;
    }
    return `  unchanged  ${item.slug}`;
  });
}

/** "1 to add, 2 to update, 0 unchanged": how many of each. */
export function planCounts(plan: PlanItem[]): { add: number; update: number; unchanged: number } {
  const count = (a: PlanItem["action"]) => plan.filter((p) => p.action === a).length;
  return { add: count("add"), update: count("update"), unchanged: count("unchanged") };
}
