import { describe, expect, it } from "vitest";
import { columnDifferences, EXPORT_FORMAT, ManifestError, parseManifest } from "./manifest.ts";
import {
  type ColumnSpec,
  columnKind,
  decodeRow,
  encodeRow,
  normalizeValue,
  TransferValueError,
} from "./normalize.ts";
import { TRANSFER_TABLES } from "./tables.ts";

const col = (name: string, kind: ColumnSpec["kind"]): ColumnSpec => ({ name, kind });

describe("column kinds", () => {
  it.each([
    ["integer", "integer"],
    ["int4", "integer"],
    ["int8", "integer"],
    ["serial", "integer"],
    ["double precision", "real"],
    ["float8", "real"],
    ["numeric", "real"],
    ["text", "text"],
    ["varchar", "text"],
    ["bool", "boolean"],
    ["timestamptz", "timestamp"],
    ["jsonb", "json"],
  ])("%s is %s", (type, kind) => {
    expect(columnKind(type)).toBe(kind);
  });
});

describe("values in the export's form", () => {
  it("writes integers as numbers whatever the driver returned", () => {
    const c = col("n", "integer");
    expect(normalizeValue(c, 42)).toBe(42);
    expect(normalizeValue(c, 42n)).toBe(42);
    expect(normalizeValue(c, "42")).toBe(42);
    expect(normalizeValue(c, true)).toBe(1);
    expect(normalizeValue(c, -0)).toBe(0);
    expect(Object.is(normalizeValue(c, -0), 0)).toBe(true);
    expect(normalizeValue(c, null)).toBeNull();
    expect(() => normalizeValue(c, 2n ** 60n)).toThrow(TransferValueError);
    expect(() => normalizeValue(c, 1.5)).toThrow(/not an integer/);
  });

  it("keeps reals finite, booleans as booleans, instants as ISO text", () => {
    expect(normalizeValue(col("r", "real"), "0.25")).toBe(0.25);
    expect(() => normalizeValue(col("r", "real"), Number.NaN)).toThrow(/finite/);
    expect(normalizeValue(col("b", "boolean"), 1)).toBe(true);
    expect(normalizeValue(col("b", "boolean"), 0)).toBe(false);
    expect(() => normalizeValue(col("b", "boolean"), 2)).toThrow(/boolean/);
    const at = new Date("2026-12-08T01:02:03.004Z");
    expect(normalizeValue(col("t", "timestamp"), at)).toBe("2026-12-08T01:02:03.004Z");
    expect(normalizeValue(col("t", "timestamp"), "2026-12-08T02:02:03.004+01:00")).toBe(
      "2026-12-08T01:02:03.004Z",
    );
    expect(normalizeValue(col("j", "json"), '{"a":[1]}')).toEqual({ a: [1] });
    expect(() => normalizeValue(col("s", "text"), Buffer.from("x"))).toThrow(/not text/);
  });

  it("writes a row with its columns in order, and reads it back for either engine", () => {
    const columns = [col("id", "integer"), col("flag", "boolean"), col("data", "json"), col("name", "text")];
    const line = encodeRow(columns, { name: 'Zoë "q"\n', data: '{"x":1}', flag: 1, id: 7n });
    expect(line).toBe('{"id":7,"flag":true,"data":{"x":1},"name":"Zoë \\"q\\"\\n"}\n');
    expect(decodeRow(columns, line.trimEnd(), "sqlite")).toEqual({
      id: 7,
      flag: 1,
      data: '{"x":1}',
      name: 'Zoë "q"\n',
    });
    expect(decodeRow(columns, line.trimEnd(), "postgres")).toMatchObject({ flag: true });
  });

  it("refuses lines that do not fit the manifest's columns", () => {
    const columns = [col("id", "integer"), col("name", "text")];
    expect(() => decodeRow(columns, '{"id":1}', "sqlite")).toThrow(/column name is missing/);
    expect(() => decodeRow(columns, '{"id":1,"name":"a","extra":2}', "sqlite")).toThrow(
      /unknown column extra/,
    );
    expect(() => decodeRow(columns, "[1]", "sqlite")).toThrow(/not a JSON object/);
    expect(() => decodeRow(columns, "{", "sqlite")).toThrow(/not JSON/);
    expect(() => decodeRow(columns, '{"id":"x","name":"a"}', "sqlite")).toThrow(/not an integer/);
  });
});

describe("manifest", () => {
  const valid = () => ({
    format: EXPORT_FORMAT,
    formatVersion: 1,
    schemaVersion: "008_site_change_scopes",
    exportedAt: "2026-12-08T00:00:00.000Z",
    sourceEngine: "sqlite",
    tables: TRANSFER_TABLES.map((t) => ({
      name: t.name,
      file: `${t.name}.ndjson`,
      rows: 0,
      sha256: "0".repeat(64),
      columns: [{ name: "id", kind: "integer" }],
    })),
    omitted: [],
  });

  it("reads a well-formed manifest", () => {
    expect(parseManifest(JSON.stringify(valid())).tables).toHaveLength(TRANSFER_TABLES.length);
  });

  it.each([
    ["not JSON", (_m: ReturnType<typeof valid>) => "{", /not JSON/],
    ["another format", (m: ReturnType<typeof valid>) => ({ ...m, format: "x" }), /not a Ship or Skip export/],
    ["a newer format", (m: ReturnType<typeof valid>) => ({ ...m, formatVersion: 2 }), /format version 2/],
    [
      "a missing table",
      (m: ReturnType<typeof valid>) => ({ ...m, tables: m.tables.slice(1) }),
      /missing.*categories/,
    ],
    [
      "a file outside the directory",
      (m: ReturnType<typeof valid>) => ({
        ...m,
        tables: m.tables.map((t, i) => (i === 0 ? { ...t, file: "../etc/passwd" } : t)),
      }),
      /file must be categories\.ndjson/,
    ],
    [
      "a bad checksum",
      (m: ReturnType<typeof valid>) => ({ ...m, tables: m.tables.map((t) => ({ ...t, sha256: "abc" })) }),
      /bad sha256/,
    ],
  ])("refuses %s", (_name, change, message) => {
    const changed = change(valid());
    const text = typeof changed === "string" ? changed : JSON.stringify(changed);
    expect(() => parseManifest(text)).toThrow(ManifestError);
    expect(() => parseManifest(text)).toThrow(message);
  });

  it("names every column that differs", () => {
    expect(
      columnDifferences("t", [col("a", "integer"), col("b", "text")], [col("a", "text"), col("c", "text")]),
    ).toEqual([
      "t.a is text here but integer in the export",
      "t.b is not in this database",
      "t.c is not in the export",
    ]);
  });
});
