/**
 * `npm run cli -- tools:import <file.json|file.csv> [--dry-run]`: adds and updates catalog
 * tools from a file, checked by the same schema and catalog rules as the admin form. Every
 * problem in the file is listed, and then nothing is imported: the whole file is one
 * transaction (docs/decisions/007-catalog-import.md).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Config } from "../config.ts";
import { migrateToLatest } from "../db/migrate.ts";
import type { Db } from "../db/types.ts";
import { type Actor, CLI_ACTOR } from "../features/audit/index.ts";
import {
  batchProblems,
  checkAgainstCatalog,
  formatProblems,
  type ImportProblem,
  importFormatOf,
  parseImportText,
  planChangedAnything,
  planCounts,
  planLines,
  saveToolProfiles,
  validateRows,
} from "../features/catalog-admin/index.ts";
import { bumpChangeStamp, CHANGE_POLL_MS } from "../http/change-stamp.ts";
import { createSharedState } from "../http/shared-state.ts";
import { withDatabase } from "./db.ts";

const USAGE = `Usage: npm run cli -- tools:import <file.json|file.csv> [--dry-run]

  JSON: one tool profile object, or an array of them (the starter files' shape, without "panel").
  CSV:  a header row naming the columns slug, name, vendor, category, bestFor, description,
        homepage, deployment, addedAt, pricing.model, pricing.entry, pricing.freeTier,
        pricing.license, pricing.units (optional), pricing.detail, pricing.asOf, competitors
        (optional). Lists are separated by ";": deployment "cloud-api; self-hosted", unit prices
        "label|usd|unit; …", competitors "Name|catalog-slug; Name outside the catalog".
  --dry-run  check the file and print what would change; write nothing.`;

/** Where the command's lines go: stdout for the plan, stderr for problems. */
export interface ImportOutput {
  log(line: string): void;
  error(line: string): void;
}

const consoleOutput: ImportOutput = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
};

/** The command's arguments, or what is wrong with them. */
export function parseImportArgs(
  args: string[],
): { ok: true; path: string; dryRun: boolean } | { ok: false; error: string } {
  let path: string | undefined;
  let dryRun = false;
  for (const arg of args) {
    if (arg === "--dry-run") dryRun = true;
    else if (arg.startsWith("--")) return { ok: false, error: `tools:import does not know "${arg}".` };
    else if (path !== undefined) return { ok: false, error: "tools:import takes one file at a time." };
    else path = arg;
  }
  if (path === undefined) return { ok: false, error: "tools:import needs a file to import." };
  if (!importFormatOf(path)) {
    return { ok: false, error: `"${path}" is neither a .json nor a .csv file.` };
  }
  return { ok: true, path, dryRun };
}

/** What an import did: the exit code, and whether the catalog changed (pages need refreshing). */
export interface ImportOutcome {
  code: number;
  changed: boolean;
}

/**
 * Reads, checks and (unless a dry run) imports one file into the database. Prints every problem
 * as `<file>:<line>: <field>: <message>` and returns 1 when there is any; prints the plan
 * (add / update with the changed fields / unchanged) and a summary otherwise. When a real run
 * changed the catalog, moves the database's change stamp so running servers drop cached pages.
 */
export async function importToolsFile(
  db: Db,
  opts: { path: string; dryRun: boolean; out?: ImportOutput; actor?: Actor; now?: number },
): Promise<ImportOutcome> {
  const out = opts.out ?? consoleOutput;
  const file = opts.path;
  const format = importFormatOf(file);
  if (!format) {
    out.error(`"${file}" is neither a .json nor a .csv file.`);
    return { code: 2, changed: false };
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    out.error(`Cannot read ${file}: ${(err as Error).message}`);
    return { code: 1, changed: false };
  }

  const parsed = parseImportText(text, format);
  const checked = validateRows(parsed.rows, format);
  const problems: ImportProblem[] = [...parsed.problems, ...checked.problems];
  if (parsed.rows.length === 0 && problems.length === 0) {
    problems.push({ line: 1, field: "(file)", message: "The file has no tools in it." });
  }
  const lines = parsed.rows.map((r) => r.line);
  const fail = (all: ImportProblem[]): ImportOutcome => {
    for (const line of formatProblems(file, all)) out.error(line);
    out.error(
      `Nothing was imported: ${all.length === 1 ? "1 problem" : `${all.length} problems`} in ${file}. Fix ${all.length === 1 ? "it" : "them"} and run the import again.`,
    );
    return { code: 1, changed: false };
  };
  if (problems.length > 0) {
    // the catalog checks as well, so one run lists everything that needs fixing
    if (parsed.rows.length > 0) {
      problems.push(...batchProblems(await checkAgainstCatalog(db, checked.loose, "upsert"), lines, format));
    }
    return fail(problems);
  }

  const result = await saveToolProfiles(db, {
    actor: opts.actor ?? CLI_ACTOR,
    profiles: checked.valid.map((v) => v.profile),
    mode: "upsert",
    reason: `import ${basename(file)}`,
    dryRun: opts.dryRun,
    now: opts.now,
    // in the import's own transaction: servers see the stamp move exactly when the catalog does
    onChanged: (trx) => bumpChangeStamp(trx, opts.now),
  });
  if (!result.ok) return fail(batchProblems(result.issues, lines, format));

  const counts = planCounts(result.plan);
  out.log(`${file}: ${result.plan.length === 1 ? "1 tool" : `${result.plan.length} tools`}`);
  for (const line of planLines(result.plan)) out.log(line);
  const tally = `${counts.add} to add, ${counts.update} to update, ${counts.unchanged} unchanged`;
  if (opts.dryRun) {
    out.log(`Dry run: nothing was written (${tally}).`);
    return { code: 0, changed: false };
  }
  out.log(`Imported: ${counts.add} added, ${counts.update} updated, ${counts.unchanged} unchanged.`);
  if (!planChangedAnything(result.plan)) return { code: 0, changed: false };
  return { code: 0, changed: true };
}

/** Runs the command against the configured database; returns the process exit code. */
export async function runToolsImport(args: string[]): Promise<number> {
  const parsed = parseImportArgs(args);
  if (!parsed.ok) {
    console.error(`${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  return withDatabase(async (db, config) => {
    await migrateToLatest(db);
    const outcome = await importToolsFile(db, { path: parsed.path, dryRun: parsed.dryRun });
    if (outcome.changed) await announceChange(config);
    return outcome.code;
  });
}

/**
 * Tells running servers their cached pages are stale. This is another process: servers poll the
 * change stamp importToolsFile moved, and with REDIS_URL they also hear the shared state bus at
 * once.
 */
async function announceChange(config: Config): Promise<void> {
  if (!config.redisUrl) {
    console.log(
      `REDIS_URL is not set: running servers show the change within ${CHANGE_POLL_MS / 1000} s, when they next read the database's change stamp.`,
    );
    return;
  }
  // the bus is wired only with the page cache on; the servers' setting matters, not this process's
  const shared = await createSharedState({ ...config, pageCache: true });
  try {
    shared.cache.invalidate();
  } finally {
    await shared.close();
  }
  console.log("Running servers were told to refresh their cached pages.");
}
