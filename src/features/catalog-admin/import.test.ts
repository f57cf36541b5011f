import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { importToolsFile, parseImportArgs } from "../../cli/tools-import.ts";
import { openDatabase } from "../../db/connection.ts";
import { describePath, jsonElementStartLines, parseCsvImport, parseJsonImport } from "./import.ts";
import { loadProfile } from "./service.ts";

reportSkippedPostgres("tools:import");

const FIXTURES = "test/fixtures/import";
const fixture = (name: string) => join(FIXTURES, name);

describe("jsonElementStartLines", () => {
  it("finds the line each array element starts on, whatever the elements hold", () => {
    const text = [
      "[", // 1
      '  { "a": "text with [brackets], {braces} and \\"quotes\\"",', // 2
      '    "b": [1, 2, { "c": "}" }] },', // 3
      "", // 4
      '  "a string", 12,', // 5
      "  [", // 6
      "    3", // 7
      "  ],", // 8
      "  null", // 9
      "]", // 10
    ].join("\n");
    expect(jsonElementStartLines(text)).toEqual([2, 5, 5, 6, 9]);
    expect(JSON.parse(text)).toHaveLength(5);
  });

  it("gives a lone object its first line, and an empty array none", () => {
    expect(jsonElementStartLines('\n\n  {\n "slug": "x"\n}\n')).toEqual([3]);
    expect(jsonElementStartLines("\uFEFF[ ]")).toEqual([]);
    expect(jsonElementStartLines('[{"a":1},{"b":2}]')).toEqual([1, 1]);
  });

  it("reports a JSON syntax error at its line", () => {
    const parsed = parseJsonImport('[\n  {"slug": "a"},\n  {"slug": "b",}\n]');
    expect(parsed.rows).toEqual([]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ line: 3, field: "(syntax)" });
    expect(parseJsonImport('"just text"').problems[0]?.message).toContain("one tool profile");
  });
});

describe("parseCsvImport", () => {
  const header =
    "slug,name,vendor,category,bestFor,description,homepage,deployment,addedAt,pricing.model,pricing.entry,pricing.freeTier,pricing.license,pricing.detail,pricing.asOf";
  it("gives each record the line it starts on, past blank lines and line breaks in quotes", () => {
    const text = `${header}\r\na,A,V,c,b,"two\r\nlines",https://x.example,cloud-api,2026-01-01,free,Free,yes,MIT,d,2026-01-01\r\n\r\nb,B,V,c,b,one,https://x.example,cloud-api,2026-01-01,free,Free,no,MIT,d,2026-01-01\r\n`;
    const parsed = parseCsvImport(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 5]);
    expect(parsed.rows[0]?.raw).toMatchObject({ description: "two\nlines", pricing: { freeTier: true } });
  });

  it("reads lists, unit prices and competitors from their cells", () => {
    const parsed = parseCsvImport(
      `${header},pricing.units,competitors\nx,X,V,c,b,d,https://x.example, self-hosted ;on-device ,2026-01-01,paid,$1,No,MIT,d,2026-01-01,"Input|3|1M tokens; Output|15|1M tokens",Cursor|cursor; Windsurf\n`,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows[0]?.raw).toMatchObject({
      deployment: ["self-hosted", "on-device"],
      pricing: {
        freeTier: false,
        units: [
          { label: "Input", usd: 3, unit: "1M tokens" },
          { label: "Output", usd: 15, unit: "1M tokens" },
        ],
      },
      competitors: [{ name: "Cursor", slug: "cursor" }, { name: "Windsurf" }],
    });
  });

  it("names paths by JSON path, or by CSV column and item", () => {
    expect(describePath("json", ["pricing", "units", 1, "usd"])).toEqual({
      field: "pricing.units[1].usd",
      prefix: "",
    });
    expect(describePath("csv", ["pricing", "units", 1, "usd"])).toEqual({
      field: "pricing.units",
      prefix: "item 2: usd: ",
    });
    expect(describePath("csv", ["deployment", 0])).toEqual({ field: "deployment", prefix: "item 1: " });
    expect(describePath("csv", ["homepage"])).toEqual({ field: "homepage", prefix: "" });
  });
});

describe("parseImportArgs", () => {
  it("takes one .json or .csv file and --dry-run", () => {
    expect(parseImportArgs(["a.csv", "--dry-run"])).toEqual({ ok: true, path: "a.csv", dryRun: true });
    expect(parseImportArgs(["a.JSON"])).toEqual({ ok: true, path: "a.JSON", dryRun: false });
    expect(parseImportArgs([])).toMatchObject({ ok: false });
    expect(parseImportArgs(["a.txt"])).toMatchObject({ ok: false });
    expect(parseImportArgs(["a.csv", "b.csv"])).toMatchObject({ ok: false });
    expect(parseImportArgs(["a.csv", "--force"])).toMatchObject({ ok: false });
  });
});

describe.each(testEngines())("tools:import on %s", (engine) => {
  let t: TestApp;
  const db = () => t.db.db;

  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t?.dispose());

  /** Runs the import and collects what it prints. */
  async function runImport(path: string, dryRun = false) {
    const log: string[] = [];
    const errors: string[] = [];
    const outcome = await importToolsFile(db(), {
      path,
      dryRun,
      out: { log: (l) => log.push(l), error: (l) => errors.push(l) },
    });
    return { ...outcome, log, errors };
  }

  /** Everything an import could touch, to compare before and after. */
  async function snapshot() {
    const count = async (table: "tools" | "tool_competitors" | "tool_deployments" | "audit_log") =>
      Number(
        (
          await db()
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const updated = await db().selectFrom("tools").select(["slug", "updated_at"]).orderBy("slug").execute();
    return {
      tools: await count("tools"),
      competitors: await count("tool_competitors"),
      deployments: await count("tool_deployments"),
      audit: await count("audit_log"),
      updated,
    };
  }

  async function auditOf(subject: string) {
    return db()
      .selectFrom("audit_log")
      .select(["action", "actor_email", "reason", "detail"])
      .where("subject", "=", subject)
      .orderBy("id")
      .execute();
  }

  it("imports a good JSON file: a plan, the tools on their pages, an audit entry each", async () => {
    const dry = await runImport(fixture("good-tools.json"), true);
    expect(dry.code).toBe(0);
    expect(dry.log).toContain("  add        tabby-ml (TabbyML)");
    expect(dry.log.at(-1)).toBe("Dry run: nothing was written (2 to add, 0 to update, 0 unchanged).");
    expect(await loadProfile(db(), "tabby-ml")).toBeUndefined();

    const run = await runImport(fixture("good-tools.json"));
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.changed).toBe(true);
    expect(run.log).toEqual([
      `${fixture("good-tools.json")}: 2 tools`,
      "  add        tabby-ml (TabbyML)",
      "  add        continue-dev (Continue)",
      "Imported: 2 added, 0 updated, 0 unchanged.",
    ]);

    const html = await (await t.request("/tools/tabby-ml")).text();
    expect(html).toContain("TabbyML");
    expect(html).toContain("Team seat");
    expect(html).toContain("$19");
    // a competitor further down the same file is linked, as is one already in the catalog
    expect(html).toContain('<a href="/tools/continue-dev">Continue</a>');
    expect(html).toContain('<a href="/tools/github-copilot">GitHub Copilot</a>');
    expect(html).toContain("Panel in progress (0/4)");
    const audit = await auditOf("tool:tabby-ml");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "tool.create",
      actor_email: "cli",
      reason: "import good-tools.json",
    });

    // the same file again changes nothing
    const before = await snapshot();
    const again = await runImport(fixture("good-tools.json"));
    expect(again.code).toBe(0);
    expect(again.changed).toBe(false);
    expect(again.log).toContain("  unchanged  tabby-ml");
    expect(again.log).toContain("  unchanged  continue-dev");
    expect(await snapshot()).toEqual(before);
  });

  it("imports a good CSV file, lists and multi-line cells included", async () => {
    const run = await runImport(fixture("good-tools.csv"));
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.log.at(-1)).toBe("Imported: 2 added, 0 updated, 0 unchanged.");
    const chroma = await loadProfile(db(), "chroma-db");
    expect(chroma).toMatchObject({
      name: "Chroma",
      deployment: ["cloud-api", "self-hosted"],
      pricing: {
        model: "freemium",
        freeTier: true,
        units: [
          { label: "Storage", usd: 0.33, unit: "GB per month" },
          { label: "Writes", usd: 2.5, unit: "GiB written" },
        ],
      },
      competitors: [
        { name: "Qdrant", slug: "qdrant" },
        { name: "pgvector", slug: "pgvector" },
        { name: "Weaviate" },
      ],
    });
    expect(chroma?.description).toContain("API.\nIt runs in process");
    const html = await (await t.request("/tools/weaviate-db")).text();
    expect(html).toContain("$25/mo");
    expect(html).toContain('<a href="/tools/chroma-db">Chroma</a>');

    const again = await runImport(fixture("good-tools.csv"), true);
    expect(again.log.at(-1)).toBe("Dry run: nothing was written (0 to add, 0 to update, 2 unchanged).");
  });

  it("updates an existing tool, naming the changed fields, and logs before and after", async () => {
    const cursor = await loadProfile(db(), "cursor");
    if (!cursor) throw new Error("seed has no cursor");
    const dir = mkdtempSync(join(tmpdir(), "sos-import-"));
    const file = join(dir, "cursor.json");
    writeFileSync(
      file,
      JSON.stringify({
        ...cursor,
        vendor: "Anysphere Inc.",
        pricing: { ...cursor.pricing, entry: "$20 a month" },
      }),
    );
    const dry = await runImport(file, true);
    expect(dry.log).toContain("  update     cursor: fields vendor, pricing.entry");
    expect(await auditOf("tool:cursor")).toHaveLength(0);

    const run = await runImport(file);
    expect(run.code).toBe(0);
    expect(run.log.at(-1)).toBe("Imported: 0 added, 1 updated, 0 unchanged.");
    const [entry] = await auditOf("tool:cursor");
    expect(entry?.action).toBe("tool.update");
    expect(JSON.parse(entry!.detail)).toEqual({
      fields: ["vendor", "pricing.entry"],
      changes: {
        vendor: { before: cursor.vendor, after: "Anysphere Inc." },
        "pricing.entry": { before: cursor.pricing.entry, after: "$20 a month" },
      },
    });
    expect(await (await t.request("/tools/cursor")).text()).toContain("$20 a month");
  });

  it("reports every problem of a bad JSON file at its element's line, and imports none of it", async () => {
    const before = await snapshot();
    const run = await runImport(fixture("bad-field.json"));
    expect(run.code).toBe(1);
    expect(run.log).toEqual([]);
    const file = fixture("bad-field.json");
    expect(run.errors).toEqual([
      `${file}:23: homepage: Must be a full https:// address.`,
      `${file}:23: pricing.units[0].usd: Must be 0 or more.`,
      expect.stringMatching(new RegExp(`^${file}:44: category: There is no category "time-travel"\\.`)),
      expect.stringMatching(
        new RegExp(`^${file}:44: competitors\\[0\\]\\.slug: There is no tool "no-such-tool"`),
      ),
      `Nothing was imported: 4 problems in ${file}. Fix them and run the import again.`,
    ]);
    // the file's one good profile was not imported either
    expect(await loadProfile(db(), "good-one")).toBeUndefined();
    expect(await snapshot()).toEqual(before);
  });

  it("reports every problem of a bad CSV file at its row's line: fields, category, duplicates", async () => {
    const before = await snapshot();
    const run = await runImport(fixture("bad-rows.csv"));
    const file = fixture("bad-rows.csv");
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      `${file}:3: pricing.freeTier: Write yes or no, not "maybe".`,
      `${file}:3: pricing.units: item 1: usd: Must be a number, such as 0.15.`,
      `${file}:5: deployment: item 1: Must be one of: cloud-api, self-hosted, on-device.`,
      expect.stringMatching(new RegExp(`^${file}:5: category: There is no category "time-travel"`)),
      expect.stringMatching(
        new RegExp(`^${file}:5: competitors: item 1: slug: There is no tool "no-such-tool"`),
      ),
      `${file}:6: slug: "fine-tool" appears more than once (first on line 2).`,
      `Nothing was imported: 6 problems in ${file}. Fix them and run the import again.`,
    ]);
    expect(await loadProfile(db(), "fine-tool")).toBeUndefined();
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a profile holding a NUL, DEL or lone surrogate, importing none of the file", async () => {
    const before = await snapshot();
    const dir = mkdtempSync(join(tmpdir(), "shiporskip-import-"));
    const good = readFileSync(fixture("good-tools.json"), "utf8");
    for (const bad of ["\\u0000", "\\u007f", "\\ud800"]) {
      const file = join(dir, "control.json");
      writeFileSync(file, good.replace('"name": "TabbyML"', `"name": "Tabby${bad}ML"`));
      const run = await runImport(file);
      expect(run.code).toBe(1);
      expect(run.errors[0]).toMatch(new RegExp(`^${file}:2: \\(text\\): The profile contains`));
    }
    const csv = join(dir, "control.csv");
    const goodCsv = readFileSync(fixture("good-tools.csv"), "utf8");
    writeFileSync(csv, goodCsv.replace(",Chroma,", ",Chr\u0000oma,"));
    expect((await runImport(csv)).code).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("stops at broken syntax and at a wrong header, writing nothing", async () => {
    const before = await snapshot();
    // a JSON syntax error is reported at its line (kept out of the fixtures, which the formatter reads)
    const dir = mkdtempSync(join(tmpdir(), "sos-import-"));
    const brokenJson = join(dir, "broken.json");
    writeFileSync(
      brokenJson,
      '[\n  { "slug": "half-written", "name": "Half", },\n  { "slug": "never-read" }\n]\n',
    );
    const json = await runImport(brokenJson);
    expect(json.code).toBe(1);
    expect(json.errors[0]?.startsWith(`${brokenJson}:2: (syntax): Not valid JSON: `)).toBe(true);
    const csv = await runImport(fixture("broken.csv"));
    expect(csv.code).toBe(1);
    expect(csv.errors[0]).toMatch(
      /^test\/fixtures\/import\/broken\.csv:3: \(syntax\): Not valid CSV: Quote Not Closed/,
    );
    const header = await runImport(fixture("missing-columns.csv"));
    expect(header.code).toBe(1);
    expect(header.errors[0]).toMatch(
      /^test\/fixtures\/import\/missing-columns\.csv:1: colour: Unknown column\./,
    );
    expect(header.errors).toContain(`${fixture("missing-columns.csv")}:1: category: Missing column.`);
    const missing = await runImport(fixture("no-such-file.csv"));
    expect(missing.code).toBe(1);
    expect(missing.errors[0]).toContain("Cannot read");
    expect(await snapshot()).toEqual(before);
  });

  if (engine === "sqlite") {
    it("rolls the whole file back when a write fails half-way", async () => {
      const dir = mkdtempSync(join(tmpdir(), "sos-import-"));
      const file = join(dir, "two.json");
      const tools = JSON.parse(readFileSync(fixture("good-tools.json"), "utf8")) as { slug: string }[];
      writeFileSync(
        file,
        JSON.stringify(tools.map((tool) => ({ ...tool, slug: `${tool.slug}-2`, competitors: [] }))),
      );
      // the second tool's insert fails inside the transaction, after the first one's succeeded
      await sql`create trigger refuse_second before insert on tools when new.slug = 'continue-dev-2' begin select raise(abort, 'refused by the test'); end`.execute(
        db(),
      );
      const before = await snapshot();
      await expect(runImport(file)).rejects.toThrow("refused by the test");
      await sql`drop trigger refuse_second`.execute(db());
      expect(await loadProfile(db(), "tabby-ml-2")).toBeUndefined();
      expect(await snapshot()).toEqual(before);
    });

    it("moves the change stamp in the import's own transaction: if it cannot move, nothing is imported", async () => {
      const file = join(mkdtempSync(join(tmpdir(), "sos-import-")), "three.json");
      const tools = JSON.parse(readFileSync(fixture("good-tools.json"), "utf8")) as { slug: string }[];
      writeFileSync(
        file,
        JSON.stringify(tools.map((tool) => ({ ...tool, slug: `${tool.slug}-3`, competitors: [] }))),
      );
      const generation = async () =>
        (await db().selectFrom("site_changes").select("generation").executeTakeFirstOrThrow()).generation;
      const start = await generation();
      await sql`create trigger refuse_stamp before update on site_changes begin select raise(abort, 'stamp refused by the test'); end`.execute(
        db(),
      );
      const before = await snapshot();
      await expect(runImport(file)).rejects.toThrow("stamp refused by the test");
      await sql`drop trigger refuse_stamp`.execute(db());
      expect(await snapshot()).toEqual(before);
      expect(await generation()).toBe(start);
      expect((await runImport(file)).changed).toBe(true);
      expect(await generation()).toBe(start + 1);
    });
  }
});

describe("tools:import as a command", () => {
  it("runs from the command line against DATA_DIR, exiting 1 on problems and 0 on success", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sos-cli-"));
    copyFileSync(inject("sqliteTemplate"), join(dataDir, "shiporskip.sqlite"));
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", NODE_ENV: "test" };
    const run = promisify(execFile);
    const cli = (...args: string[]) =>
      run("npx", ["tsx", "src/cli/main.ts", "tools:import", ...args], { env }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          stdout: e.stdout,
          stderr: e.stderr,
        }),
      );

    const bad = await cli(fixture("bad-rows.csv"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `${fixture("bad-rows.csv")}:3: pricing.freeTier: Write yes or no, not "maybe".`,
    );

    const good = await cli(fixture("good-tools.csv"));
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("Imported: 2 added, 0 updated, 0 unchanged.");
    expect(good.stdout).toContain("REDIS_URL is not set: running servers show the change within");

    const usage = await cli();
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage: npm run cli -- tools:import");

    const handle = openDatabase({ sqlitePath: join(dataDir, "shiporskip.sqlite") });
    try {
      expect((await loadProfile(handle.db, "weaviate-db"))?.pricing.entry).toBe("$25/mo");
      expect(await loadProfile(handle.db, "fine-tool")).toBeUndefined();
      // the failed run left the change stamp alone; the good one moved it for polling servers
      expect(await handle.db.selectFrom("site_changes").select("generation").execute()).toEqual([
        { generation: 1 },
      ]);
    } finally {
      await handle.close();
    }
  }, 60_000);
});
