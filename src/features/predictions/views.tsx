/** Predictions: the methodology page's section on dated theses, and the admin page that judges them. */

import { actorLabel } from "../../domain/email.ts";
import { LENSES } from "../../domain/lenses.ts";
import type { Outcome, PersonaRecord } from "../../domain/predictions.ts";
import { NOTE_MAX, NOTE_MIN, OUTCOMES, shareLabel } from "../../domain/predictions.ts";
import { FormBasics } from "../../ui/forms.tsx";
import { formatDate, formatUtcMinute, plural, VERDICT_FILTER_LABELS } from "../../ui/labels.ts";
import { Layout } from "../../ui/layout.tsx";
import type { AdminPredictionItem, PredictionItem, PredictionsOverview } from "./service.ts";

export const OUTCOME_LABELS: Record<Outcome, string> = {
  held: "Held",
  failed: "Failed",
  unclear: "Unclear",
};

/** What each outcome means, shown on the public page and next to the admin's choice. */
const OUTCOME_MEANINGS: Record<Outcome, string> = {
  held: "what the thesis said had happened by its date",
  failed: "it clearly had not happened by its date",
  unclear:
    "the evidence cannot settle it either way, for example because the measure it named was never published",
};

// the verdict colours carry over: a thesis that held reads like a ship, one that failed like a skip
const OUTCOME_BADGES: Record<Outcome, string> = {
  held: "badge badge-ship",
  failed: "badge badge-skip",
  unclear: "badge badge-split",
};

/** The outcome as a badge, or "Awaiting judgement". */
function OutcomeBadge(props: { outcome: Outcome | null }) {
  if (props.outcome === null) return <span class="badge badge-in-progress">Awaiting judgement</span>;
  return <span class={OUTCOME_BADGES[props.outcome]}>{OUTCOME_LABELS[props.outcome]}</span>;
}

function PersonaRow(props: { record: PersonaRecord }) {
  const share = shareLabel(props.record.agreed, props.record.judged);
  return (
    <tr>
      <th scope="row">{LENSES[props.record.persona].name}</th>
      <td>{share ?? <span class="muted">No judged thesis yet</span>}</td>
    </tr>
  );
}

/** " · Futurist said Ship": the verdict the outcome is read against, so readers can follow the records. */
function futuristSaid(p: PredictionItem): string {
  return p.futuristVerdict ? ` · Futurist said ${VERDICT_FILTER_LABELS[p.futuristVerdict]}` : "";
}

function PredictionEntry(props: { p: PredictionItem }) {
  const { p } = props;
  return (
    <li class="prediction">
      <p class="prediction-head">
        <a href={`/tools/${p.tool.slug}`}>{p.tool.name}</a>
        <span class="muted small">
          due {formatDate(p.thesisDate)} · stated {formatDate(p.statedOn)}
          {futuristSaid(p)}
          {p.current ? "" : " · since replaced by a newer thesis"}
        </span>
        <OutcomeBadge outcome={p.outcome} />
      </p>
      <blockquote class="thesis">{p.thesis}</blockquote>
      {p.note ? (
        <p class="muted small prediction-note">
          {OUTCOME_LABELS[p.outcome as Outcome]} ({p.resolvedAt ? formatDate(p.resolvedAt) : ""}): {p.note}
        </p>
      ) : null}
    </li>
  );
}

/** The "Predictions" section of /methodology: how theses are judged, the records, the past-due list. */
export function PredictionsSection(props: { overview: PredictionsOverview }) {
  const { pastDue, awaiting, upcoming, nextDue, records } = props.overview;
  const f = records.futurist;
  const hit = shareLabel(f.held, f.decided);
  return (
    <section aria-labelledby="predictions">
      <h2 id="predictions">Predictions</h2>
      <p>
        Every Futurist review makes a thesis with a date, worded so that it can turn out wrong. Once that date
        has passed (dates are in UTC, so a thesis due on 30 June can be judged from 1 July), an admin checks
        it against public evidence and records one of three outcomes, with a short note saying why:
      </p>
      <ul>
        {OUTCOMES.map((o) => (
          <li>
            <strong>{OUTCOME_LABELS[o]}</strong>: {OUTCOME_MEANINGS[o]}.
          </li>
        ))}
      </ul>
      <p>
        A thesis is counted once, from the review that first stated it. A later revision that keeps the same
        wording and date is the same prediction; one that changes either makes a new prediction, and the
        earlier one is still judged on its own date. A judgement can be corrected, and every change is kept in
        the audit log.
      </p>

      <h3 id="track-records">Track records</h3>
      <p>
        <strong>The Futurist's hit rate</strong> is the share of its decided theses that held: held ÷ (held +
        failed). Unclear outcomes are left out, because they say nothing either way.
      </p>
      <p class="callout">
        {f.held + f.failed + f.unclear === 0
          ? "No thesis has been judged yet."
          : `Judged so far: ${f.held} held, ${f.failed} failed, ${f.unclear} unclear. `}
        {hit ? <strong>Hit rate: {hit}.</strong> : f.unclear > 0 ? "No thesis has held or failed yet." : null}
      </p>
      <p>
        <strong>Every persona's record</strong> starts from the Futurist's verdict on the tool, because a
        thesis is the Futurist's reason for saying ship or skip. If the thesis held, the Futurist's verdict is
        borne out; if it failed, the opposite verdict is; if it is unclear, neither is. A persona scores when
        its verdict matched the one borne out. Say the Futurist said skip because the tool would be folded
        into a bigger product by its date: if that happened, skip is borne out and the personas that said ship
        do not score.
      </p>
      <p>
        We use the verdict each persona had published when the thesis was first stated, not its verdict today,
        so a later change of mind cannot improve the record. A persona that had not reviewed the tool by then
        is left out of that thesis. The Futurist's own row is therefore its hit rate.
      </p>
      <div class="table-scroll mb-2">
        <table aria-labelledby="track-records">
          <thead>
            <tr>
              <th scope="col">Persona</th>
              <th scope="col">Verdict borne out</th>
            </tr>
          </thead>
          <tbody>
            {records.personas.map((r) => (
              <PersonaRow record={r} />
            ))}
          </tbody>
        </table>
      </div>

      <h3 id="past-due">Theses whose date has passed</h3>
      {pastDue.length === 0 ? (
        <p>No thesis has reached its date yet.</p>
      ) : (
        <>
          <p class="muted">
            {plural(pastDue.length, "thesis", "theses")}, {awaiting} awaiting judgement. Oldest date first.
          </p>
          <ol class="list-plain predictions">
            {pastDue.map((p) => (
              <PredictionEntry p={p} />
            ))}
          </ol>
        </>
      )}
      <p class="muted">
        {upcoming === 0
          ? "No other thesis is waiting for its date."
          : `${plural(upcoming, "more thesis", "more theses")} ${upcoming === 1 ? "is" : "are"} not yet due${nextDue ? `; the next falls due on ${formatDate(nextDue)}` : ""}.`}
      </p>
    </section>
  );
}

/** What the admin sent, kept with the errors next to each field. */
export interface ResolveProblem {
  id: number;
  outcome: string;
  note: string;
  errors: { outcome?: string; note?: string };
}

export type ResolveNotice = { kind: "saved" | "unchanged"; toolName: string };

function ResolveForm(props: { p: AdminPredictionItem; problem?: ResolveProblem }) {
  const { p } = props;
  const problem = props.problem?.id === p.id ? props.problem : undefined;
  const chosen = problem ? problem.outcome : (p.outcome ?? "");
  const note = problem ? problem.note : (p.note ?? "");
  const base = `p${p.id}`;
  const noteDescribedBy = problem?.errors.note ? `${base}-note-hint ${base}-note-error` : `${base}-note-hint`;
  return (
    <form class="stack resolve-form" method="post" action="/admin/predictions" novalidate>
      <FormBasics returnTo="/admin/predictions" />
      <input type="hidden" name="prediction" value={String(p.id)} />
      <fieldset
        class={problem?.errors.outcome ? "checks outcome-choices has-error" : "checks outcome-choices"}
        aria-describedby={problem?.errors.outcome ? `${base}-outcome-error` : undefined}
      >
        <legend>Outcome</legend>
        <ul class="checks-list">
          {OUTCOMES.map((o) => (
            <li>
              <input
                type="radio"
                id={`${base}-${o}`}
                name="outcome"
                value={o}
                required
                checked={chosen === o}
              />
              <label for={`${base}-${o}`}>{OUTCOME_LABELS[o]}</label>
            </li>
          ))}
        </ul>
        {problem?.errors.outcome ? (
          <p id={`${base}-outcome-error`} class="field-error">
            {problem.errors.outcome}
          </p>
        ) : null}
      </fieldset>
      <div class="field">
        <label for={`${base}-note`}>Note</label>
        <textarea
          id={`${base}-note`}
          name="note"
          rows={3}
          required
          minlength={NOTE_MIN}
          maxlength={NOTE_MAX}
          aria-invalid={problem?.errors.note ? "true" : undefined}
          aria-describedby={noteDescribedBy}
        >
          {note}
        </textarea>
        <p id={`${base}-note-hint`} class="muted small field-hint">
          The evidence, in a sentence or two ({NOTE_MIN} to {NOTE_MAX} characters). It is shown on the
          methodology page and kept in the audit log.
        </p>
        {problem?.errors.note ? (
          <p id={`${base}-note-error`} class="field-error">
            {problem.errors.note}
          </p>
        ) : null}
      </div>
      <div>
        <button type="submit">{p.outcome ? "Change judgement" : "Save judgement"}</button>
      </div>
    </form>
  );
}

/** /admin/predictions: past-due theses, unjudged first, each with its judgement form. */
export function AdminPredictionsPage(props: {
  items: AdminPredictionItem[];
  notice?: ResolveNotice;
  problem?: ResolveProblem;
}) {
  const awaiting = props.items.filter((p) => p.outcome === null).length;
  return (
    <Layout title="Predictions">
      <h1>Predictions</h1>
      <p class="lede">
        {props.items.length === 0
          ? "No Futurist thesis has reached its date yet."
          : `${plural(props.items.length, "thesis", "theses")} past their date; ${awaiting} awaiting judgement.`}{" "}
        How outcomes are defined and counted: <a href="/methodology#predictions">the methodology page</a>.
      </p>
      {props.notice ? (
        <p class="callout notice" role="status">
          {props.notice.kind === "saved"
            ? `Judgement on ${props.notice.toolName} saved. The methodology page shows it now, and the audit log has the change.`
            : `The judgement on ${props.notice.toolName} was already exactly that; nothing changed.`}
        </p>
      ) : null}
      {props.problem ? (
        <p class="callout notice-error" role="alert">
          Nothing was saved.{" "}
          <a href={`#p${props.problem.id}`}>
            Correct the judgement on{" "}
            {props.items.find((p) => p.id === props.problem?.id)?.tool.name ?? "the thesis"}
          </a>{" "}
          and send it again.
        </p>
      ) : null}
      <ol class="list-plain predictions">
        {props.items.map((p) => (
          <li class="prediction" id={`p${p.id}`}>
            <h2 class="prediction-title">
              <a href={`/tools/${p.tool.slug}`}>{p.tool.name}</a> <OutcomeBadge outcome={p.outcome} />
            </h2>
            <blockquote class="thesis">{p.thesis}</blockquote>
            <p class="muted small">
              Due {formatDate(p.thesisDate)} · stated {formatDate(p.statedOn)}
              {futuristSaid(p)}
              {p.current ? "" : " · since replaced by a newer thesis"}
              {p.resolvedAt && p.resolvedBy
                ? ` · judged ${formatUtcMinute(p.resolvedAt)} UTC by ${actorLabel(p.resolvedBy)}`
                : ""}
            </p>
            <ResolveForm p={p} problem={props.problem} />
          </li>
        ))}
      </ol>
    </Layout>
  );
}
