import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { draftsOf, failingDb, removePanel } from "../../../../test/support/drafting.ts";
import { type FakeLlm, startFakeLlm } from "../../../../test/support/fake-llm.ts";
import { parsePanelDraftArgs, runPanelDraft } from "../../../cli/panel-draft.ts";
import { createProgressBar, formatBar } from "../../../cli/progress-bar.ts";
import { type DatabaseHandle, type OpenOptions, openDatabase } from "../../../db/connection.ts";
import type { Db } from "../../../db/types.ts";

const run = promisify(execFile);

/** A stream that keeps what is written, as a terminal or as a pipe. */
function capture(isTTY = false) {
  const chunks: string[] = [];
  return {
    isTTY,
    write: (s: string) => void chunks.push(s),
    get text() {
      return chunks.join("");
    },
  };
}

describe("panel:draft arguments", () => {
  it("takes one slug with optional personas, or --all-missing alone", () => {
    expect(parsePanelDraftArgs(["aider"])).toEqual({
      ok: true,
      mode: "tool",
      slug: "aider",
      personas: undefined,
    });
    expect(parsePanelDraftArgs(["aider", "--persona", "Builder", "--persona=skeptic,founder"])).toEqual({
      ok: true,
      mode: "tool",
      slug: "aider",
      personas: ["builder", "skeptic", "founder"],
    });
    expect(parsePanelDraftArgs(["--all-missing"])).toEqual({ ok: true, mode: "all-missing" });
  });

  it.each([
    [[], /needs a tool's slug, or --all-missing/],
    [["a", "b"], /one tool at a time/],
    [
      ["aider", "--persona", "critic"],
      /"critic" is not a persona\. Personas: builder, skeptic, futurist, founder\./,
    ],
    [["aider", "--persona"], /--persona needs a persona/],
    [["--all-missing", "aider"], /give it no tool and no --persona/],
    [["aider", "--force"], /does not know "--force"/],
  ])("refuses %j", (args, message) => {
    const parsed = parsePanelDraftArgs(args);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe("the progress bar", () => {
  it("redraws in place on a terminal, with log lines above it", () => {
    const out = capture(true);
    let clock = 0;
    const bar = createProgressBar(out, { total: 4, unit: "tools", now: () => clock });
    clock = 10_000;
    bar.log("[1/4] aider: 4 drafted");
    bar.update(1, "4 drafted");
    bar.finish();
    expect(out.text).toContain("\r\x1b[2K[1/4] aider: 4 drafted\n");
    expect(out.text).toContain(`\r\x1b[2K${formatBar(1, 4)}  1/4 tools  4 drafted  ETA 0:30`);
    expect(out.text.endsWith("\n")).toBe(true);
  });

  it("writes only the log lines elsewhere", () => {
    const out = capture(false);
    const bar = createProgressBar(out, { total: 2, unit: "tools" });
    bar.update(1);
    bar.log("one line");
    bar.finish();
    expect(out.text).toBe("one line\n");
  });
});

describe("npm run cli -- panel:draft", () => {
  let fake: FakeLlm;
  let dataDir: string;
  let handle: DatabaseHandle;
  const db = () => handle.db;

  beforeAll(async () => {
    fake = await startFakeLlm();
    dataDir = mkdtempSync(join(tmpdir(), "shiporskip-draft-cli-"));
    copyFileSync(inject("sqliteTemplate"), join(dataDir, "shiporskip.sqlite"));
    handle = openDatabase({ sqlitePath: join(dataDir, "shiporskip.sqlite") });
  });
  afterAll(async () => {
    await handle?.close();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => fake.reset());

  const env = (extra: Record<string, string> = {}) => ({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    LLM_BASE_URL: fake.baseUrl,
    LLM_MODEL: "fake-model:8b",
    LLM_CONCURRENCY: "2",
    ...extra,
  });

  async function cli(
    args: string[],
    opts: {
      env?: Record<string, string>;
      tty?: boolean;
      openDatabase?: (o: OpenOptions) => DatabaseHandle;
    } = {},
  ) {
    const stdout = capture(opts.tty);
    const stderr = capture();
    const code = await runPanelDraft(args, {
      env: opts.env ?? env(),
      stdout,
      stderr,
      signal: new AbortController().signal,
      clientOptions: { retry: { baseDelayMs: 1, maxDelayMs: 2 }, sleep: async () => {} },
      openDatabase: opts.openDatabase,
    });
    return { code, out: stdout.text, err: stderr.text };
  }

  it("says how to configure a model, and exits 2, when none is", async () => {
    const { code, err, out } = await cli(["aider"], { env: { NODE_ENV: "test", DATA_DIR: dataDir } });
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain("Drafting with a model is off: set LLM_BASE_URL and LLM_MODEL");
    expect(err).toContain("LLM_BASE_URL=http://127.0.0.1:11434/v1");
    expect(err).toContain("LLM_API_KEY=");
    expect(fake.requests).toHaveLength(0);
  });

  it("drafts one tool's missing personas, a line per persona", async () => {
    await removePanel(db(), "crewai", ["builder", "futurist"]);
    fake.scriptFor("futurist", { kind: "truncated" });
    const { code, out } = await cli(["crewai"]);
    expect(code).toBe(0);
    expect(out).toMatch(
      /^Asking fake-model:8b at http:\/\/127\.0\.0\.1:\d+\/v1 \(at most 2 requests at once\) for drafts of crewai…\n/,
    );
    expect(out).toContain("  Builder   drafted\n");
    expect(out).toContain("  Futurist  drafted (took 2 attempts)\n");
    expect(out).toContain("  Skeptic   not asked: already published (revision 1)");
    expect(out).toContain("CrewAI: 2 drafted, 2 not asked. Nothing was published");
    const drafts = await draftsOf(db(), "crewai");
    expect(Object.keys(drafts).sort()).toEqual(["builder", "futurist"]);
    expect(drafts.builder).toMatchObject({ provenance: "model", modelName: "fake-model:8b" });
  });

  it("drafts named personas, and exits 1 naming what failed", async () => {
    fake.scriptFor("skeptic", { kind: "malformed" }, { kind: "malformed" }, { kind: "malformed" });
    const { code, out } = await cli(["llamaindex", "--persona", "skeptic,founder"]);
    expect(code).toBe(1);
    expect(out).toContain("  Founder   drafted (revises revision 1)\n");
    expect(out).toContain("  Skeptic   FAILED: the model's answer was not valid JSON after 3 attempts: ");
    expect(out).toContain("LlamaIndex: 1 drafted, 1 failed.");
    expect(Object.keys(await draftsOf(db(), "llamaindex"))).toEqual(["founder"]);
  });

  it("exits 2 for a tool that does not exist", async () => {
    const { code, err } = await cli(["no-such-tool"]);
    expect(code).toBe(2);
    expect(err).toContain('There is no tool "no-such-tool".');
  });

  it("drafts every incomplete panel with --all-missing: a line per tool, a bar on a terminal", async () => {
    // crewai's futurist and builder now have model drafts waiting; llamaindex is complete
    await removePanel(db(), "midjourney");
    await removePanel(db(), "gemma-3", ["founder"]);
    fake.scriptFor("founder", { kind: "status", status: 500 });
    const piped = await cli(["--all-missing"]);
    expect(piped.code).toBe(0);
    expect(piped.out).toContain("Drafting 3 incomplete panels with fake-model:8b");
    // tools finish in any order: the counter runs 1 to 3, each tool once
    const lines = piped.out.split("\n").filter((l) => /^\[\d\/3\] /.test(l));
    expect(lines.map((l) => l.slice(1, 2))).toEqual(["1", "2", "3"]);
    expect(lines.map((l) => l.slice(6)).sort()).toEqual([
      "crewai: 0 drafted, 4 not asked",
      "gemma-3: 1 drafted, 3 not asked",
      "midjourney: 4 drafted",
    ]);
    expect(piped.out).not.toContain("\r");
    expect(piped.out).toContain("3 tools: 5 drafted, 7 not asked. Nothing was published");
    expect(Object.keys(await draftsOf(db(), "midjourney")).sort()).toEqual([
      "builder",
      "founder",
      "futurist",
      "skeptic",
    ]);

    // on a terminal: the same lines, with a bar redrawn below them; nothing left to draft now
    await removePanel(db(), "flux-1", ["skeptic"]);
    fake.scriptFor("skeptic", { kind: "status", status: 401 });
    const tty = await cli(["--all-missing"], { tty: true });
    expect(tty.code).toBe(1);
    expect(tty.out).toContain("\r\x1b[2K[");
    expect(tty.out).toContain("100%  4/4 tools");
    expect(tty.out).toContain("flux-1: 0 drafted, 1 failed, 3 not asked");
    expect(tty.out).toContain("    Skeptic   FAILED: the endpoint wants an API key (401): set LLM_API_KEY.");
  });

  it("runs through the real CLI entry point as a child process", async () => {
    await removePanel(db(), "deepseek-v3", ["skeptic"]);
    const { stdout } = await run("npx", ["tsx", "src/cli/main.ts", "panel:draft", "deepseek-v3"], {
      env: { ...process.env, ...env(), LLM_API_KEY: "sk-child" },
      cwd: process.cwd(),
    });
    expect(stdout).toContain("  Skeptic   drafted\n");
    expect(fake.requests.map((r) => [r.persona, r.authorization])).toEqual([["skeptic", "Bearer sk-child"]]);
    expect(Object.keys(await draftsOf(db(), "deepseek-v3"))).toEqual(["skeptic"]);
  });

  /** An openDatabase whose handle fails as `wrap` says, and records any query made after it was closed. */
  function flakyDatabase(wrap: (db: Db) => Db) {
    const late: string[] = [];
    let closed = false;
    return {
      late,
      open: (o: OpenOptions): DatabaseHandle => {
        const real = openDatabase(o);
        const watched = real.db.withPlugin({
          transformQuery(args) {
            if (closed) late.push(args.node.kind);
            return args.node;
          },
          transformResult: async (args) => args.result,
        });
        return {
          ...real,
          db: wrap(watched),
          close: async () => {
            closed = true;
            await real.close();
          },
        };
      },
    };
  }

  it("reports a draft the database would not save as that persona's failure, and drafts the rest", async () => {
    await removePanel(db(), "langsmith", ["builder", "skeptic"]);
    const flaky = flakyDatabase((d) =>
      failingDb(d, {
        when: (q) =>
          q.includes('"InsertQueryNode"') && q.includes('"review_drafts"') && q.includes('"skeptic"'),
      }),
    );
    const { code, out } = await cli(["--all-missing"], { openDatabase: flaky.open });
    expect(code).toBe(1);
    expect(out).toContain("langsmith: 1 drafted, 1 failed, 2 not asked");
    expect(out).toContain(
      "    Skeptic   FAILED: the draft could not be saved: SQLITE_BUSY: database is locked\n",
    );
    expect(out).not.toMatch(/\n\s+at /);
    expect(Object.keys(await draftsOf(db(), "langsmith"))).toEqual(["builder"]);
    expect(flaky.late).toEqual([]);
  });

  it("on a database error outside any persona, stops everything, waits, then closes and exits 1", async () => {
    await removePanel(db(), "claude-api");
    fake.script(...Array.from({ length: 8 }, () => ({ kind: "good" as const, delayMs: 1_500 })));
    const [midjourney] = await db()
      .selectFrom("tools")
      .select("id")
      .where("slug", "=", "midjourney")
      .execute();
    const flaky = flakyDatabase((d) =>
      failingDb(d, {
        // reading Midjourney's panel fails while the model is busy with other tools
        when: (q) =>
          q.includes('"review_revisions"') &&
          q.includes('"GroupByNode"') &&
          q.includes(`"value":${midjourney!.id}`),
        before: () =>
          vi.waitFor(() => expect(fake.requests.length).toBeGreaterThan(0), { timeout: 500, interval: 5 }),
      }),
    );
    const started = Date.now();
    const { code, err } = await cli(["--all-missing"], { openDatabase: flaky.open });
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(err).toBe(
      "panel:draft stopped: SQLITE_BUSY: database is locked. Drafts saved so far are kept; run the command again to draft the rest.\n",
    );
    // nothing was still running against the database when it was closed
    await new Promise((r) => setTimeout(r, 300));
    expect(flaky.late).toEqual([]);
    expect(await draftsOf(db(), "claude-api")).toEqual({});
  });
});
