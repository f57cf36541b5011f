/** The panel's pages: the queue, one tool's four personas, and a persona's review form. */

import { capitalizeFirst, reviewByline } from "../../domain/byline.ts";
import { PERSONAS, type Persona } from "../../domain/catalog-schema.ts";
import { LENSES, TIMING_LABELS } from "../../domain/lenses.ts";
import { PANEL_STATE_LABELS, type PanelState } from "../../domain/panel-queue.ts";
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import {
  AreaField,
  FieldError,
  FormBasics,
  fieldDescribedBy,
  fieldId,
  SelectField,
  TextField,
} from "../../ui/forms.tsx";
import { formatDate, formatUtcMinute, plural } from "../../ui/labels.ts";
import { Layout } from "../../ui/layout.tsx";
import type { ToolRef } from "../tools/index.ts";
import { ModelDraftControl } from "./drafting/views.tsx";
import {
  ANSWER_MAX,
  answerField,
  BYLINE_MAX,
  type FieldErrors,
  type PersonaFormValues,
  SUMMARY_MAX,
} from "./form.ts";
import type {
  Conflict,
  DraftSummary,
  Expectation,
  PanelQueue,
  PanelToolStatus,
  PersonaFormState,
  PersonaStatus,
} from "./service.ts";

/**
 * Whether a panelist has saved over a model's draft: the drafting job saves with no account,
 * under the model's name; once a panelist saves it, their name is the author.
 */
function panelistEdited(d: Pick<DraftSummary, "author" | "authorId">, modelName: string | null): boolean {
  return d.authorId !== null && d.author !== modelName;
}

/** "draft by Ada", "model draft by m", "model draft by m, edited by Ada". */
function draftByline(d: Pick<DraftSummary, "author" | "authorId" | "provenance" | "modelName">): string {
  if (d.provenance !== "model") return `draft by ${d.author}`;
  const model = d.modelName ?? "a model";
  return panelistEdited(d, model)
    ? `model draft by ${model}, edited by ${d.author}`
    : `model draft by ${model}`;
}

const personaPath = (slug: string, persona: Persona) => `/panel/tools/${slug}/${persona}`;

const PANEL_CRUMB = { href: "/panel", label: "Panel" };

/** One persona's state in a few words, for the queue's cells and the tool page. */
function PersonaState(props: { status: PersonaStatus }) {
  const { published, draft } = props.status;
  return (
    <>
      {published ? (
        <span class="panel-state">
          Published {formatDate(published.publishedAt)}
          {published.stale ? <strong class="panel-stale"> · stale</strong> : null}
        </span>
      ) : (
        <span class="panel-state panel-missing">Missing</span>
      )}
      {draft ? (
        <span class="panel-state panel-draft">
          {capitalizeFirst(draftByline(draft))}, saved {formatUtcMinute(draft.updatedAt)}
        </span>
      ) : null}
    </>
  );
}

const STATE_HINTS: Record<Exclude<PanelState, "complete">, string> = {
  missing: "No persona has published a review yet.",
  partial: "Some personas have published; the panel verdict waits for all four.",
  stale: "All four have published, but at least one review is older than the stale age.",
};

function QueueTable(props: { state: Exclude<PanelState, "complete">; entries: PanelQueue["entries"] }) {
  const id = `queue-${props.state}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {PANEL_STATE_LABELS[props.state]} panels ({props.entries.length})
      </h2>
      <p class="muted small">{STATE_HINTS[props.state]}</p>
      {props.entries.length === 0 ? (
        <p>None.</p>
      ) : (
        <div class="table-scroll">
          <table class="panel-queue">
            <caption class="skip-link">{PANEL_STATE_LABELS[props.state]} panels, by persona</caption>
            <thead>
              <tr>
                <th scope="col">Tool</th>
                {PERSONAS.map((p) => (
                  <th scope="col">{LENSES[p].name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.entries.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/panel/tools/${e.slug}`}>{e.name}</a>
                    <span class="muted small panel-state">
                      {e.category} · {e.panel.published}/4 published
                    </span>
                  </th>
                  {e.personas.map((s) => (
                    <td>
                      <a href={personaPath(e.slug, s.persona)} class="panel-cell-link">
                        <span class="skip-link">
                          {e.name}, {LENSES[s.persona].name}:{" "}
                        </span>
                        <PersonaState status={s} />
                      </a>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export interface BylineFormState {
  current: string | null;
  /** What was typed, shown back with the error. */
  value?: string;
  error?: string;
}

function BylineForm(props: { byline: BylineFormState; saved?: boolean }) {
  const { byline } = props;
  const describedBy = byline.error ? "byline-hint byline-error" : "byline-hint";
  return (
    <section aria-labelledby="byline-heading" class="panel-byline">
      <h2 id="byline-heading">Your byline</h2>
      {props.saved ? (
        <p class="callout notice" role="status">
          Saved: your reviews will be published as “{byline.current}”.
        </p>
      ) : null}
      <p>
        {byline.current ? (
          <>
            Your reviews are published as <strong>{byline.current}</strong>.
          </>
        ) : (
          "Set the name readers see on your reviews. You need one before you can publish."
        )}
      </p>
      <form class="stack" action="/panel/byline" method="post" novalidate>
        <FormBasics />
        <div class="field">
          <label for="byline">Byline</label>
          <input
            id="byline"
            name="display_name"
            type="text"
            autocomplete="name"
            maxlength={BYLINE_MAX}
            value={byline.value ?? byline.current ?? ""}
            aria-invalid={byline.error ? "true" : undefined}
            aria-describedby={describedBy}
          />
          <p id="byline-hint" class="muted small field-hint">
            Public, next to every review you publish. Published reviews keep the name they were published
            under.
          </p>
          {byline.error ? (
            <p id="byline-error" class="field-error">
              {byline.error}
            </p>
          ) : null}
        </div>
        <div>
          <button type="submit">Save byline</button>
        </div>
      </form>
    </section>
  );
}

/** The queue's tools whose panel is in one state. */
const entriesIn = (queue: PanelQueue, state: PanelState) =>
  queue.entries.filter((e) => e.panel.state === state);

/** Links down the page to each queue, the drafts and the byline, with their counts. */
function QueueNav({ queue }: { queue: PanelQueue }) {
  const of = (state: PanelState) => entriesIn(queue, state);
  return (
    <nav aria-label="Queue sections">
      <ul class="chips">
        <li>
          <a href="#queue-missing">Missing ({of("missing").length})</a>
        </li>
        <li>
          <a href="#queue-partial">Partial ({of("partial").length})</a>
        </li>
        <li>
          <a href="#queue-stale">Stale ({of("stale").length})</a>
        </li>
        <li>
          <a href="#drafts-heading">Drafts ({queue.drafts.length})</a>
        </li>
        <li>
          <a href="#byline-heading">Your byline</a>
        </li>
      </ul>
    </nav>
  );
}

/** Drafts in progress, most recently saved first, each a link to resume it. */
function DraftsSection({ drafts }: { drafts: PanelQueue["drafts"] }) {
  return (
    <section aria-labelledby="drafts-heading">
      <h2 id="drafts-heading">Drafts in progress ({drafts.length})</h2>
      {drafts.length === 0 ? (
        <p>No drafts in progress.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption class="skip-link">Drafts in progress, most recently saved first</caption>
            <thead>
              <tr>
                <th scope="col">Tool</th>
                <th scope="col">Persona</th>
                <th scope="col">Draft</th>
                <th scope="col">Last saved (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((d) => (
                <tr>
                  <th scope="row">
                    <a href={personaPath(d.slug, d.persona)}>
                      {d.toolName}
                      <span class="skip-link"> · {LENSES[d.persona].name}: resume</span>
                    </a>
                  </th>
                  <td>{LENSES[d.persona].name}</td>
                  <td>{draftByline(d.draft)}</td>
                  <td>{formatUtcMinute(d.draft.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** /panel: panels that need work, drafts in progress, and the panelist's byline. */
export function PanelQueuePage(props: {
  queue: PanelQueue;
  staleDays: number;
  byline: BylineFormState;
  bylineSaved?: boolean;
}) {
  const { queue } = props;
  const of = (state: PanelState) => entriesIn(queue, state);
  return (
    <Layout title="The panel's queue" section="panel">
      <Breadcrumb current="Panel" />
      <h1>The panel's queue</h1>
      <p class="lede">
        {queue.entries.length === 0
          ? "Every panel is complete and fresh."
          : `${plural(queue.entries.length, "tool")} need a panelist; ${plural(queue.completeCount, "panel")} complete and fresh.`}{" "}
        A review counts as stale after {plural(props.staleDays, "day")}.
      </p>
      {props.byline.current ? null : (
        <p class="callout notice-error">
          Before you can publish, <a href="#byline-heading">set your byline</a>.
        </p>
      )}
      <QueueNav queue={queue} />
      <QueueTable state="missing" entries={of("missing")} />
      <QueueTable state="partial" entries={of("partial")} />
      <QueueTable state="stale" entries={of("stale")} />
      <DraftsSection drafts={queue.drafts} />
      <BylineForm byline={props.byline} saved={props.bylineSaved} />
    </Layout>
  );
}

/** After a redirect: what just happened on the tool's panel page. */
export type PanelToolNotice =
  | { kind: "published"; persona: Persona; revision: number }
  | { kind: "discarded"; persona: Persona };

/** /panel/tools/:slug: the four personas, their state, and model drafting. */
export function PanelToolPage(props: {
  tool: PanelToolStatus;
  staleDays: number;
  model: string | undefined;
  notice?: PanelToolNotice;
}) {
  const { tool, notice } = props;
  return (
    <Layout title={`${tool.name} · panel`} section="panel">
      <Breadcrumb trail={[PANEL_CRUMB]} current={tool.name} />
      <h1>{tool.name}: the panel</h1>
      {notice?.kind === "published" ? (
        <p class="callout notice" role="status">
          Published revision {notice.revision} of the {LENSES[notice.persona].name} review.{" "}
          <a href={`/tools/${tool.slug}`}>See it on the tool page</a>.
        </p>
      ) : null}
      {notice?.kind === "discarded" ? (
        <p class="callout notice" role="status">
          Discarded the {LENSES[notice.persona].name} draft.
        </p>
      ) : null}
      <p class="lede">
        {PANEL_STATE_LABELS[tool.panel.state]} · {tool.panel.published}/4 published · {tool.category}. Reviews
        older than {plural(props.staleDays, "day")} count as stale.
      </p>
      <div class="grid">
        {tool.personas.map((s) => {
          const lens = LENSES[s.persona];
          const action = s.draft
            ? "Resume the draft"
            : s.published
              ? "Revise the review"
              : "Write the review";
          return (
            <article class="card" aria-labelledby={`persona-${s.persona}`}>
              <h2 id={`persona-${s.persona}`}>{lens.name}</h2>
              <p class="muted small">{lens.focus}</p>
              <p class="panel-states">
                <PersonaState status={s} />
                {s.published ? (
                  <span class="panel-state muted small">
                    Revision {s.published.revision}, {s.published.byline}
                  </span>
                ) : null}
              </p>
              <p>
                <a class="button" href={personaPath(tool.slug, s.persona)}>
                  {action}
                  <span class="skip-link"> ({lens.name})</span>
                </a>
              </p>
            </article>
          );
        })}
      </div>
      <ModelDraftControl toolSlug={tool.slug} model={props.model} />
      <p class="mt-2">
        <a href={`/tools/${tool.slug}`}>The public page of {tool.name}</a> ·{" "}
        <a href="/panel">Back to the queue</a>
      </p>
    </Layout>
  );
}

/** A sentence for a refused write, naming who got there first. */
export function conflictMessage(conflict: Conflict, action: "publish" | "save" | "discard"): string {
  const nothing =
    action === "publish"
      ? "Nothing was published."
      : action === "save"
        ? "Nothing was saved."
        : "Nothing was discarded.";
  if (conflict.kind === "revision") {
    return `${nothing} ${conflict.author} published revision ${conflict.revision} of this review at ${formatUtcMinute(conflict.publishedAt)} UTC, after you opened this form. Read it on the tool page; your text is kept below, and publishing again replaces theirs with a new revision.`;
  }
  if (conflict.author === null) {
    return `${nothing} The draft you opened has since been published or discarded. Your text is kept below; save or publish it again if it should stand.`;
  }
  return `${nothing} ${conflict.author} saved this draft at ${formatUtcMinute(conflict.updatedAt ?? "")} UTC, after you opened it. Your text is kept below; ${action === "discard" ? "discard again" : `${action} again`} to replace their version, or open the form afresh to read it.`;
}

/** Where the form's text came from, and what to check before publishing. */
function SourceNote(props: { state: PersonaFormState; persona: Persona }) {
  const { draft, current } = props.state;
  const revising = current
    ? `Revision ${current.revision} is published (${formatDate(current.publishedAt)}, ${reviewByline(current)}); publishing makes revision ${current.revision + 1}, and the earlier ones stay in the tool's verdict history.`
    : "Nothing is published for this persona yet; publishing makes revision 1.";
  return (
    <>
      {draft?.provenance === "model" ? (
        <p class="callout notice-error" role="note">
          <strong>
            Drafted by {draft.modelName ?? "a model"} on {formatDate(draft.createdAt)} — check and edit before
            publishing.
          </strong>{" "}
          {panelistEdited(draft, draft.modelName)
            ? `Last saved by ${draft.author} at ${formatUtcMinute(draft.updatedAt)} UTC.`
            : ""}
        </p>
      ) : null}
      {draft && draft.provenance !== "model" ? (
        <p class="callout notice">
          Resuming the draft saved by {draft.author} at {formatUtcMinute(draft.updatedAt)} UTC.
        </p>
      ) : null}
      {draft && current && draft.baseRevision !== current.revision ? (
        <p class="callout notice-error">
          Revision {current.revision} was published after this draft was started: read it on the{" "}
          <a href={`/tools/${props.state.tool.slug}#lens-${props.persona}`}>tool page</a> before you publish
          over it.
        </p>
      ) : null}
      <p class="muted">{revising}</p>
    </>
  );
}

/** What just happened to the form: a saved draft, or a refused write. */
function FormStatus(props: { saved?: boolean; problem?: string }) {
  return (
    <>
      {props.saved ? (
        <p class="callout notice" role="status">
          Draft saved. Nothing is public until you publish.
        </p>
      ) : null}
      {props.problem ? (
        <p class="callout notice-error" role="alert">
          {props.problem}
        </p>
      ) : null}
    </>
  );
}

/** The refused write's summary: each field's message, linked to the field. */
function ErrorSummary(props: { errors: FieldErrors }) {
  const errorCount = Object.keys(props.errors).length;
  return errorCount > 0 ? (
    <div class="callout notice-error" role="alert" aria-labelledby="form-errors-heading">
      <h2 id="form-errors-heading">
        {plural(errorCount, "field")} {errorCount === 1 ? "needs" : "need"} attention
      </h2>
      <p>Nothing was saved or published; your text is kept below.</p>
      <ul>
        {Object.entries(props.errors).map(([name, message]) => (
          <li>
            <a href={`#f-${name}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  ) : null;
}

interface ReviewFieldsProps {
  persona: Persona;
  values: PersonaFormValues;
  errors: FieldErrors;
}

/** The persona's lens questions; the Futurist also dates the thesis and times it against the trend. */
function LensFields({ persona, values, errors }: ReviewFieldsProps) {
  return (
    <fieldset>
      <legend>The four lenses</legend>
      {LENSES[persona].questions.map((q) => (
        <AreaField
          name={answerField(q.key)}
          label={q.label}
          value={values.answers[q.key] ?? ""}
          errors={errors}
          rows={4}
          maxlength={ANSWER_MAX}
        />
      ))}
      {persona === "futurist" ? (
        <>
          <TextField
            name={answerField("thesisDate")}
            label="Thesis date: when it can be checked"
            type="date"
            value={values.answers.thesisDate ?? ""}
            errors={errors}
          />
          <SelectField
            name={answerField("timing")}
            label="Timing against the trend"
            value={values.answers.timing ?? ""}
            errors={errors}
            empty="Choose…"
            options={Object.entries(TIMING_LABELS).map(([value, label]) => ({ value, label }))}
          />
        </>
      ) : null}
    </fieldset>
  );
}

/** Score, ship or skip, and the summary readers see on the scorecard. */
function VerdictFields({ values, errors }: Omit<ReviewFieldsProps, "persona">) {
  return (
    <>
      <TextField
        name="score"
        label="Score (0–100)"
        type="number"
        inputmode="numeric"
        min={0}
        max={100}
        step={1}
        value={values.score}
        errors={errors}
      />
      <fieldset
        id={fieldId("verdict")}
        class="panel-verdict"
        aria-describedby={fieldDescribedBy("verdict", false, Boolean(errors.verdict))}
      >
        <legend>Verdict</legend>
        <label>
          <input type="radio" name="verdict" value="ship" checked={values.verdict === "ship"} /> Ship
        </label>
        <label>
          <input type="radio" name="verdict" value="skip" checked={values.verdict === "skip"} /> Skip
        </label>
        <FieldError name="verdict" error={errors.verdict} />
      </fieldset>
      <AreaField
        name="summary"
        label="Summary"
        value={values.summary}
        errors={errors}
        rows={4}
        maxlength={SUMMARY_MAX}
        hint="One or two sentences: the rationale readers see on the scorecard."
      />
    </>
  );
}

/** The review form: what it rests on, the fields, and save or publish. */
function ReviewForm(props: ReviewFieldsProps & { base: string; expect: Expectation; canPublish: boolean }) {
  const { base, expect } = props;
  return (
    <form class="stack panel-form" action={`${base}/save`} method="post" novalidate>
      <FormBasics />
      <input
        type="hidden"
        name="base_revision"
        value={expect.revision === null ? "" : String(expect.revision)}
      />
      <input type="hidden" name="draft_stamp" value={expect.draftStamp} />
      <LensFields {...props} />
      <VerdictFields {...props} />
      <div class="card-actions">
        <button type="submit" class="secondary">
          Save draft
        </button>
        {props.canPublish ? (
          <button type="submit" formaction={`${base}/publish`}>
            Publish
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** Throws the open draft away, if there is one. */
function DiscardForm(props: { base: string; draftStamp: string }) {
  return (
    <form class="mt-2" action={`${props.base}/discard`} method="post">
      <FormBasics />
      <input type="hidden" name="draft_stamp" value={props.draftStamp} />
      <button type="submit" class="danger">
        Discard draft
      </button>
    </form>
  );
}

/** /panel/tools/:slug/:persona: the persona's four lens questions, score, verdict and summary. */
export function PersonaFormPage(props: {
  persona: Persona;
  state: PersonaFormState;
  values: PersonaFormValues;
  errors: FieldErrors;
  expect: Expectation;
  byline: string | null;
  canPublish: boolean;
  /** A refused write or another whole-form message. */
  problem?: string;
  saved?: boolean;
}) {
  const { persona, state } = props;
  const lens = LENSES[persona];
  const tool: ToolRef = state.tool;
  const base = personaPath(tool.slug, persona);
  return (
    <Layout title={`${lens.name} review of ${tool.name}`} section="panel">
      <Breadcrumb
        trail={[PANEL_CRUMB, { href: `/panel/tools/${tool.slug}`, label: tool.name }]}
        current={lens.name}
      />
      <h1>
        {lens.name} review of {tool.name}
      </h1>
      <p class="lede">{lens.focus}</p>
      <FormStatus saved={props.saved} problem={props.problem} />
      <ErrorSummary errors={props.errors} />
      <SourceNote state={state} persona={persona} />
      {props.byline ? null : (
        <p class="callout notice-error">
          You can save a draft now; to publish, first <a href="/panel#byline-heading">set your byline</a>.
        </p>
      )}
      <ReviewForm {...props} base={base} />
      {state.draft ? <DiscardForm base={base} draftStamp={props.expect.draftStamp} /> : null}
      <p class="mt-2">
        <a href={`/panel/tools/${tool.slug}`}>Back to {tool.name}'s panel</a> ·{" "}
        <a href={`/tools/${tool.slug}`}>The public page</a>
      </p>
    </Layout>
  );
}
