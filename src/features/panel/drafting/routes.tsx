/** Model drafting from the panel: POST /panel/tools/:slug/draft asks the model and reports each persona's outcome. */
import { Hono } from "hono";
import { PERSONAS, type Persona } from "../../../domain/catalog-schema.ts";
import type { Deps } from "../../../http/deps.ts";
import { badRequest, HttpError, notFound } from "../../../http/errors.ts";
import { readFields } from "../../../http/form.ts";
import { sendPage } from "../../../http/page.tsx";
import { MODEL_DRAFTS_PER_PANELIST } from "../../../http/rate-rules.ts";
import { signedInUser } from "../../../http/viewer.ts";
import { write } from "../../../http/write.ts";
import { anySignal, type LlmClient } from "./client.ts";
import { DraftingStopped, draftPanel, parsePersonaNames, tally } from "./service.ts";
import { DraftReportPage, HOW_TO_TURN_ON } from "./views.tsx";

/**
 * How long one press of "Draft with model" may run. Past it, personas not done are reported as
 * failed (drafts already saved stay) and the panelist is pointed to the CLI, which has no limit:
 * a request held open for many minutes helps nobody, and a browser gives up long before.
 */
export const WEB_DRAFT_DEADLINE_MS = 90_000;

/** The message for personas the web's deadline cut off. */
export function deadlineMessage(deadlineMs: number, slug: string): string {
  return `took longer than ${deadlineMs / 1000} s; try the CLI: npm run cli -- panel:draft ${slug}`;
}

/** Personas from the form's comma-separated field; empty means "the default choice". */
function parsePersonas(raw: string | undefined): Persona[] | undefined {
  const parsed = parsePersonaNames([raw ?? ""]);
  if (!parsed.ok) {
    throw badRequest(
      `“${parsed.unknown.slice(0, 40)}” is not a persona. Choose from ${PERSONAS.join(", ")}, separated by commas.`,
    );
  }
  return parsed.personas.length > 0 ? parsed.personas : undefined;
}

/**
 * Model drafting from the panel routes; `opts.client` replaces the model client and
 * `opts.deadlineMs` the web deadline (tests).
 */
export function draftingRoutes(deps: Deps, opts: { client?: LlmClient; deadlineMs?: number } = {}) {
  const deadlineMs = opts.deadlineMs ?? WEB_DRAFT_DEADLINE_MS;
  const app = new Hono();

  const drafting = write(deps, {
    permission: "review:write",
    // each press costs model calls, perhaps money: counted before asking, whatever the outcome
    rate: MODEL_DRAFTS_PER_PANELIST,
    // drafts show only on the panel's own pages, which are never cached
    invalidates: "nothing",
  });

  app.post("/panel/tools/:slug/draft", drafting, async (c) => {
    const user = signedInUser(c);
    const slug = c.req.param("slug");
    const back = [
      { href: `/panel/tools/${encodeURIComponent(slug)}`, label: "Back to the tool's panel page" },
    ];
    const llm = deps.config.llm;
    if (!llm) throw new HttpError(409, "Drafting with a model is off", HOW_TO_TURN_ON, back);
    const personas = parsePersonas((await readFields(c)).personas);
    // stop when the browser goes away (no one will read the answer, and calls may cost money)
    // or when the deadline passes
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DraftingStopped(deadlineMessage(deadlineMs, slug))),
      deadlineMs,
    );
    let report: Awaited<ReturnType<typeof draftPanel>>;
    try {
      report = await draftPanel(
        { db: deps.db, llm, client: opts.client },
        {
          toolSlug: slug,
          personas,
          actor: { id: user.id, email: user.email },
          signal: anySignal([c.req.raw.signal, deadline.signal]),
        },
      );
    } finally {
      clearTimeout(timer);
    }
    if (!report) {
      throw notFound(`There is no tool called “${slug.slice(0, 100)}”.`, [
        { href: "/panel", label: "Back to the panel" },
      ]);
    }
    // drafts are not public, so the page cache has nothing to forget
    const counts = tally(report.outcomes);
    for (const [outcome, n] of Object.entries(counts)) if (n > 0) deps.metrics.drafts.inc({ outcome }, n);
    const nothingWorked = counts.failed > 0 && counts.drafted === 0;
    return sendPage(c, <DraftReportPage report={report} />, nothingWorked ? 502 : 200);
  });

  return app;
}
