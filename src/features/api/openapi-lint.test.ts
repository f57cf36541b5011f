/** The generated OpenAPI document lints clean with Redocly's CLI (redocly.yaml: the recommended rules). */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../../..");

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location?: { pointer?: string }[] }[];
}

/** Lints a document with `npx redocly lint` (the dev dependency's binary, never a download). */
async function lint(doc: unknown): Promise<LintReport> {
  const dir = mkdtempSync(join(tmpdir(), "shiporskip-openapi-"));
  const file = join(dir, "openapi.json");
  writeFileSync(file, JSON.stringify(doc, null, 2));
  const args = [
    "--no-install",
    "redocly",
    "lint",
    file,
    "--config",
    join(root, "redocly.yaml"),
    "--format=json",
  ];
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
  // the linter exits 1 when it finds errors; its report is on stdout either way
  const out = await run("npx", args, { cwd: root, env, maxBuffer: 16 * 1024 * 1024 }).catch(
    (err: { stdout?: string }) => ({ stdout: err.stdout ?? "" }),
  );
  return JSON.parse(out.stdout) as LintReport;
}

const described = (r: LintReport, severity: "error" | "warn") =>
  r.problems
    .filter((p) => p.severity === severity)
    .map((p) => `${p.ruleId} at ${p.location?.[0]?.pointer}: ${p.message}`);

describe("the OpenAPI document", () => {
  let t: TestApp;
  let doc: Record<string, unknown>;
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await (await t.request("/api/v1/openapi.json")).json()) as Record<string, unknown>;
  });
  afterAll(() => t?.dispose());

  it("lints clean under Redocly's recommended rules: no error, no warning", { timeout: 60_000 }, async () => {
    const report = await lint(doc);
    expect(described(report, "error")).toEqual([]);
    expect(described(report, "warn")).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it("and the linter does find errors in a broken one", { timeout: 60_000 }, async () => {
    const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
    const broken = {
      ...doc,
      paths: {
        ...paths,
        "/api/v1/broken": { get: { responses: { "200": { $ref: "#/components/responses/Nope" } } } },
      },
    };
    const report = await lint(broken);
    expect(report.totals.errors).toBeGreaterThan(0);
  });
});
