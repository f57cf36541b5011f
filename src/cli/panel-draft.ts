/**
 * `npm run cli -- panel:draft <slug> [--persona builder]…` and `panel:draft --all-missing`:
 * asks the configured model for persona review drafts. Nothing is published; the drafts wait
 * in the panel's queue. Exit codes: 0 all went well, 1 some persona failed, 2 bad arguments or
 * no model configured, 130 stopped with Ctrl-C. An error outside any one persona (the database
 * failing while reading a tool) stops every request in flight, waits for them all to settle, then
 * closes the database and exits 1.
 */
import { type Config, loadConfig } from "../config.ts";
import type { DatabaseHandle, OpenOptions } from "../db/connection.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { PERSONAS, type Persona } from "../domain/catalog-schema.ts";
import { LENSES } from "../domain/lenses.ts";
import { CLI_ACTOR } from "../features/audit/index.ts";
import {
  anySignal,
  createLlmClient,
  type DraftingDeps,
  draftAllMissing,
  draftPanel,
  type LlmClientOptions,
  messageScrubber,
  type PersonaOutcome,
  parsePersonaNames,
  redactEndpoint,
  type ToolDraftReport,
  tally,
} from "../features/panel/index.ts";
import { plural } from "../ui/labels.ts";
import { withDatabase } from "./db.ts";
import { createProgressBar, type ProgressOutput } from "./progress-bar.ts";

const USAGE = `usage:
  npm run cli -- panel:draft <tool-slug> [--persona <persona>]…
  npm run cli -- panel:draft --all-missing

Personas: ${PERSONAS.join(", ")} (repeat --persona, or separate them with commas).
Without --persona, every persona with no published review and no draft is drafted; named
personas are drafted even when published (the draft revises the published review). A
panelist's draft is never overwritten. --all-missing drafts every tool whose panel has fewer
than four published reviews.`;

const NOT_CONFIGURED = `Drafting with a model is off: set LLM_BASE_URL and LLM_MODEL (and LLM_API_KEY for hosted APIs).
Any OpenAI-compatible Chat Completions endpoint works, for example:
  Ollama on this machine:
    LLM_BASE_URL=http://127.0.0.1:11434/v1 LLM_MODEL=llama3.1:8b npm run cli -- panel:draft <tool-slug>
  A hosted API:
    LLM_BASE_URL=https://api.openai.com/v1 LLM_MODEL=gpt-4o-mini LLM_API_KEY=sk-… npm run cli -- panel:draft <tool-slug>
Nothing was changed.`;

export type PanelDraftArgs =
  | { ok: true; mode: "tool"; slug: string; personas: Persona[] | undefined }
  | { ok: true; mode: "all-missing" }
  | { ok: false; error: string };

/** Parses `panel:draft` arguments. */
export function parsePanelDraftArgs(args: string[]): PanelDraftArgs {
  let allMissing = false;
  const slugs: string[] = [];
  const personas: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--all-missing") allMissing = true;
    else if (arg === "--persona") {
      const value = args[++i];
      if (value === undefined)
        return { ok: false, error: `--persona needs a persona: ${PERSONAS.join(", ")}.` };
      personas.push(value);
    } else if (arg.startsWith("--persona=")) personas.push(arg.slice("--persona=".length));
    else if (arg.startsWith("-"))
      return { ok: false, error: `panel:draft does not know "${arg}".\n\n${USAGE}` };
    else slugs.push(arg);
  }
  const named = parsePersonaNames(personas);
  if (!named.ok) {
    return { ok: false, error: `"${named.unknown}" is not a persona. Personas: ${PERSONAS.join(", ")}.` };
  }
  if (allMissing) {
    if (slugs.length > 0 || named.personas.length > 0) {
      return {
        ok: false,
        error: `--all-missing drafts every incomplete panel: give it no tool and no --persona.\n\n${USAGE}`,
      };
    }
    return { ok: true, mode: "all-missing" };
  }
  if (slugs.length !== 1) {
    return {
      ok: false,
      error: `${slugs.length === 0 ? "panel:draft needs a tool's slug, or --all-missing." : "panel:draft drafts one tool at a time (or every incomplete panel with --all-missing)."}\n\n${USAGE}`,
    };
  }
  return {
    ok: true,
    mode: "tool",
    slug: slugs[0]!,
    personas: named.personas.length ? named.personas : undefined,
  };
}

export interface PanelDraftIo {
  env?: NodeJS.ProcessEnv;
  stdout?: ProgressOutput;
  stderr?: { write(chunk: string): unknown };
  /** Replaces Ctrl-C handling (tests stop runs this way). */
  signal?: AbortSignal;
  /** Client tuning, e.g. short retry delays in tests. */
  clientOptions?: LlmClientOptions;
  /** Replaces openDatabase (tests wrap the handle to inject database failures). */
  openDatabase?: (opts: OpenOptions) => DatabaseHandle;
}

/** "Builder   drafted (took 2 attempts)". */
function outcomeLine(o: PersonaOutcome): string {
  const name = LENSES[o.persona].name.padEnd(9);
  if (o.status === "drafted") {
    const notes = [
      o.baseRevision !== null ? `revises revision ${o.baseRevision}` : "",
      o.replaced ? "replaced the earlier model draft" : "",
      o.attempts > 1 ? `took ${o.attempts} attempts` : "",
    ].filter(Boolean);
    return `${name} drafted${notes.length ? ` (${notes.join("; ")})` : ""}`;
  }
  if (o.status === "skipped") return `${name} not asked: ${o.reason}`;
  return `${name} FAILED: ${o.reason}`;
}

/** "4 drafted, 1 failed, 3 not asked". */
function countsText(outcomes: readonly PersonaOutcome[]): string {
  const { drafted, failed, skipped } = tally(outcomes);
  return [`${drafted} drafted`, failed ? `${failed} failed` : "", skipped ? `${skipped} not asked` : ""]
    .filter(Boolean)
    .join(", ");
}

const CLOSING =
  "Nothing was published: the drafts wait in the panel's queue at /panel, marked as the model's.";

/** Runs the command; returns the process exit code. */
export async function runPanelDraft(args: string[], io: PanelDraftIo = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  const say = (line: string) => void out.write(`${line}\n`);
  const complain = (line: string) => void err.write(`${line}\n`);

  const parsed = parsePanelDraftArgs(args);
  if (!parsed.ok) {
    complain(parsed.error);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(io.env ?? process.env);
  } catch (e) {
    complain((e as Error).message);
    return 2;
  }
  const llm = config.llm;
  if (!llm) {
    complain(NOT_CONFIGURED);
    return 2;
  }

  // one controller for the whole run: Ctrl-C and a fatal error both stop every request through it
  const stop = new AbortController();
  const onSigint = () => {
    complain("\nStopping: requests in flight are cancelled, and no more are sent.");
    stop.abort();
  };
  const signal = io.signal ? anySignal([io.signal, stop.signal]) : stop.signal;
  if (!io.signal) process.once("SIGINT", onSigint);
  // config.llm is checked above, before any database is opened
  return withDatabase(
    async (db) => {
      try {
        await migrateToLatest(db);
        const deps: DraftingDeps = { db, llm, client: createLlmClient(llm, io.clientOptions) };
        const where = `${llm.model} at ${redactEndpoint(llm.baseUrl)} (at most ${plural(llm.concurrency, "request")} at once)`;
        let failed: boolean;
        if (parsed.mode === "tool") {
          say(`Asking ${where} for drafts of ${parsed.slug}…`);
          const report = await draftPanel(deps, {
            toolSlug: parsed.slug,
            personas: parsed.personas,
            actor: CLI_ACTOR,
            signal,
            onProgress: (o) => say(`  ${outcomeLine(o)}`),
          });
          if (!report) {
            complain(
              `There is no tool "${parsed.slug}". Tool slugs are in the address of each tool page: /tools/<slug>.`,
            );
            return 2;
          }
          say(`${report.tool.name}: ${countsText(report.outcomes)}. ${CLOSING}`);
          failed = report.outcomes.some((o) => o.status === "failed");
        } else {
          failed = await allMissing(deps, { where, signal, out, say });
        }
        if (signal.aborted) {
          complain("Stopped. Drafts saved so far are kept; run the command again to draft the rest.");
          return 130;
        }
        return failed ? 1 : 0;
      } catch (e) {
        // the services wait for every task they started before they throw, so nothing runs on after
        // this; aborting makes sure no caller of the shared signal carries on either
        stop.abort(e);
        const message = messageScrubber(llm)((e as Error)?.message ?? String(e))
          .replace(/\s+/g, " ")
          .trim();
        complain(
          `panel:draft stopped: ${message}. Drafts saved so far are kept; run the command again to draft the rest.`,
        );
        return 1;
      } finally {
        if (!io.signal) process.off("SIGINT", onSigint);
      }
    },
    { config, open: io.openDatabase },
  );
}

/** --all-missing: a bar on a terminal, a line per tool always; true when some persona failed. */
async function allMissing(
  deps: DraftingDeps,
  ctx: { where: string; signal: AbortSignal; out: ProgressOutput; say: (line: string) => void },
): Promise<boolean> {
  let bar: ReturnType<typeof createProgressBar> | undefined;
  const all: PersonaOutcome[] = [];
  const report = await draftAllMissing(deps, {
    actor: CLI_ACTOR,
    signal: ctx.signal,
    onStart: (total) => {
      if (total === 0) return;
      ctx.say(`Drafting ${total} incomplete ${total === 1 ? "panel" : "panels"} with ${ctx.where}…`);
      bar = createProgressBar(ctx.out, { total, unit: "tools" });
    },
    onToolDone: (r: ToolDraftReport, p) => {
      all.push(...r.outcomes);
      const width = String(p.toolsTotal).length;
      bar?.log(
        `[${String(p.toolsDone).padStart(width)}/${p.toolsTotal}] ${r.tool.slug}: ${countsText(r.outcomes)}`,
      );
      for (const o of r.outcomes) if (o.status === "failed") bar?.log(`    ${outcomeLine(o)}`);
      const { drafted, failed } = tally(all);
      bar?.update(p.toolsDone, `${drafted} drafted${failed ? `, ${failed} failed` : ""}`);
    },
  });
  bar?.finish();
  if (report.tools.length === 0) {
    ctx.say("Every panel is complete: nothing to draft.");
    return false;
  }
  ctx.say(
    `${report.tools.length} ${report.tools.length === 1 ? "tool" : "tools"}: ${countsText(all)}. ${CLOSING}`,
  );
  return all.some((o) => o.status === "failed");
}
