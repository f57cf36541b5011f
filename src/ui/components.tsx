/** Shared pieces of the pages: verdict badges, the monogram and the newsletter call to action. */
import { type PanelSummary, panelVerdictLabel } from "../domain/panel.ts";
import { EmailInput, FormBasics } from "./forms.tsx";

/** Ship / Skip / Split / Panel in progress, as a colored pill. */
export function VerdictBadge(props: { panel: Pick<PanelSummary, "verdict" | "published"> }) {
  return <span class={`badge badge-${props.panel.verdict}`}>{panelVerdictLabel(props.panel)}</span>;
}

/** One persona's verdict word as a pill. */
export function PersonaVerdict(props: { verdict: "ship" | "skip" }) {
  return <span class={`badge badge-${props.verdict}`}>{props.verdict === "ship" ? "Ship" : "Skip"}</span>;
}

/** The first letter of a tool's name, standing in for a logo. */
export function Monogram(props: { name: string }) {
  const letter = [...props.name.trim()][0]?.toUpperCase() ?? "?";
  return (
    <span class="monogram" aria-hidden="true">
      {letter}
    </span>
  );
}

/**
 * The newsletter call to action. It sits on cached anonymous pages, so it holds nothing
 * personal; FormBasics adds the CSRF token only when a signed-in page renders it.
 */
export function NewsletterCta() {
  return (
    <section class="cta" aria-labelledby="newsletter-heading">
      <h2 id="newsletter-heading">Weekly AI Tool Verdicts</h2>
      <p>Get the next comparison in your inbox: new panel verdicts and the week's most compared pair.</p>
      <form class="inline" action="/newsletter" method="post" aria-describedby="newsletter-note">
        <FormBasics />
        <div class="field field-grow">
          <label for="newsletter-email">Email</label>
          <EmailInput id="newsletter-email" />
        </div>
        <button type="submit">Subscribe</button>
      </form>
      <p id="newsletter-note" class="muted small m-0 mt-1">
        Once a week. You confirm by email first, and every issue has a one-click unsubscribe.{" "}
        <a href="/newsletter">Choose categories</a> or <a href="/newsletter/issues">read past issues</a>.
      </p>
    </section>
  );
}

/**
 * A wide table's own scrolling box: on a narrow screen only the table scrolls sideways, and the
 * box is a named, focusable region so keyboard readers can scroll it too.
 */
export function TableScroll(props: { label: string; children: unknown }) {
  return (
    <div class="table-scroll" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}
