/** The "Draft with model" control shown on a tool's panel page, and the page reporting a drafting run. */
import type { Persona } from "../../../domain/catalog-schema.ts";
import { LENSES } from "../../../domain/lenses.ts";
import { Breadcrumb } from "../../../ui/breadcrumb.tsx";
import { FormBasics } from "../../../ui/forms.tsx";
import { plural } from "../../../ui/labels.ts";
import { Layout } from "../../../ui/layout.tsx";
import { type PersonaOutcome, type ToolDraftReport, tally } from "./service.ts";

export interface ModelDraftControlProps {
  toolSlug: string;
  /** The model's name when LLM_BASE_URL and LLM_MODEL are set; undefined when drafting is off. */
  model: string | undefined;
  /** Personas to draft; all that lack a published review and a panelist's draft when omitted. */
  personas?: string[];
}

/** The sentence that says how to turn model drafting on; the control and the refusal share it. */
export const HOW_TO_TURN_ON =
  "To turn it on, set LLM_BASE_URL to an OpenAI-compatible Chat Completions endpoint (for Ollama on this machine, http://127.0.0.1:11434/v1), LLM_MODEL to the model's name and, for hosted APIs, LLM_API_KEY; then restart the site.";

/** The path the control posts to. */
function draftPath(toolSlug: string): string {
  return `/panel/tools/${encodeURIComponent(toolSlug)}/draft`;
}

function personaNames(personas: readonly string[]): string {
  const names = personas.map((p) => LENSES[p as Persona]?.name ?? p);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** A form (with FormBasics for CSRF) that asks the model for this tool's missing persona drafts, or how to turn drafting on. */
export function ModelDraftControl(props: ModelDraftControlProps) {
  if (!props.model) {
    return (
      <p class="model-draft model-draft-off muted small">Drafting with a model is off. {HOW_TO_TURN_ON}</p>
    );
  }
  const which =
    props.personas && props.personas.length > 0
      ? `the ${personaNames(props.personas)} ${props.personas.length === 1 ? "review" : "reviews"}`
      : "every persona with no published review and no draft";
  return (
    <form method="post" action={draftPath(props.toolSlug)} class="model-draft">
      <FormBasics />
      {props.personas && props.personas.length > 0 ? (
        <input type="hidden" name="personas" value={props.personas.join(",")} />
      ) : null}
      <button type="submit" class="secondary">
        Draft with model ({props.model})
      </button>
      <p class="muted small m-0 mt-1">
        Asks {props.model} for {which}. Each answer becomes a draft marked as the model's; nothing is
        published, and a panelist's draft is never overwritten. This can take a minute.
      </p>
    </form>
  );
}

function outcomeText(o: PersonaOutcome): string {
  if (o.status === "drafted") {
    const notes = [
      o.baseRevision !== null ? `revises published revision ${o.baseRevision}` : "",
      o.replaced ? "replaced the earlier model draft" : "",
      o.attempts > 1 ? `took ${o.attempts} attempts` : "",
    ].filter(Boolean);
    return `Drafted${notes.length ? ` (${notes.join("; ")})` : ""}.`;
  }
  if (o.status === "skipped") return `Not asked: ${o.reason}.`;
  return `Failed: ${o.reason}`;
}

/** The result of pressing "Draft with model": each persona's outcome, and where the drafts are now. */
export function DraftReportPage(props: { report: ToolDraftReport }) {
  const { tool, model, outcomes } = props.report;
  const { drafted } = tally(outcomes);
  const failed = outcomes.filter((o) => o.status === "failed");
  const panelPage = `/panel/tools/${encodeURIComponent(tool.slug)}`;
  const headline =
    drafted === 0 && failed.length === 0
      ? `Nothing needed drafting: ${model} was not asked.`
      : `${plural(drafted, "draft")} from ${model}${failed.length ? `, ${failed.length} failed` : ""}.`;
  return (
    <Layout title={`Model drafts for ${tool.name}`}>
      <Breadcrumb
        trail={[
          { href: "/panel", label: "Panel" },
          { href: panelPage, label: tool.name },
        ]}
        current="Model drafts"
      />
      <h1>Model drafts for {tool.name}</h1>
      <p class={failed.length ? "callout notice-error" : "callout notice"} role="status">
        {headline} Nothing was published: each draft waits in the panel's queue, marked as drafted by {model},
        for a panelist to edit and publish.
      </p>
      <ul class="draft-outcomes">
        {outcomes.map((o) => (
          <li class={`draft-outcome draft-outcome-${o.status}`}>
            <strong>{LENSES[o.persona].name}</strong> {outcomeText(o)}
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href={panelPage}>
          Back to {tool.name} on the panel
        </a>
      </p>
      {failed.length ? (
        <section aria-labelledby="retry-heading" class="mt-3">
          <h2 id="retry-heading">Try again</h2>
          <ModelDraftControl toolSlug={tool.slug} model={model} personas={failed.map((o) => o.persona)} />
        </section>
      ) : null}
    </Layout>
  );
}
