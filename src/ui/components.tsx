/** Shared pieces of the pages: verdict badges, tool cards and the newsletter call to action. */
import { formatScore, type PanelSummary, panelShipLabel, panelVerdictLabel } from "../domain/panel.ts";
import type { ToolSummary } from "../domain/tool.ts";
import { BookmarkButton } from "../features/bookmarks/views.tsx";
import { CommunityFigure, VoteControl } from "../features/community/views.tsx";
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

export interface ToolCardProps {
  tool: ToolSummary;
  /** Heading level: h2 on the comparison page, h3 in listings. */
  level?: 2 | 3;
  /** Show the description paragraph (comparison cards do). */
  withDescription?: boolean;
}

/** A tool's card: monogram, category, name, best-for, verdict, panel and community figures, price. */
export function ToolCard({ tool, level = 3, withDescription = false }: ToolCardProps) {
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <article class="card" aria-label={tool.name}>
      <div class="card-head">
        <Monogram name={tool.name} />
        <div>
          <p class="eyebrow">
            <a href={`/categories/${tool.category.slug}`}>{tool.category.name}</a>
          </p>
          <Heading>
            <a href={`/tools/${tool.slug}`}>{tool.name}</a>
          </Heading>
        </div>
      </div>
      <p class="muted small">by {tool.vendor}</p>
      <p>
        <strong>Best for:</strong> {tool.bestFor}
      </p>
      <ul class="facts">
        <li>
          <VerdictBadge panel={tool.panel} />
        </li>
        <li>
          <strong>{panelShipLabel(tool.panel)}</strong>
        </li>
        <li>Panel score {formatScore(tool.panel.score)}</li>
        <li>
          <CommunityFigure slug={tool.slug} community={tool.community} />
        </li>
        <li>
          Entry: <strong>{tool.entryPrice}</strong>
        </li>
      </ul>
      {withDescription ? <p>{tool.description}</p> : null}
      <div class="card-actions">
        <VoteControl slug={tool.slug} name={tool.name} />
        <BookmarkButton slug={tool.slug} name={tool.name} />
      </div>
    </article>
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
