/** A tool at a glance: its card in listings and comparisons, and the facts line it shares with its page. */
import { formatScore, panelShipLabel, panelVerdictLine } from "../../domain/panel.ts";
import { Monogram, VerdictBadge } from "../../ui/components.tsx";
import { BookmarkButton, CommunityFigure, VoteControl } from "../../ui/tool-controls.tsx";
import type { ToolSummary } from "../tools/index.ts";

/**
 * Verdict, ship share, panel score, community figure and entry price. The tool page's fuller
 * form adds the verdict in words and the scale of the score.
 */
export function ToolFacts(props: {
  tool: Pick<ToolSummary, "slug" | "panel" | "community" | "entryPrice">;
  full?: boolean;
}) {
  const { tool, full = false } = props;
  return (
    <ul class={full ? "facts mb-2" : "facts"}>
      <li>
        <VerdictBadge panel={tool.panel} />
      </li>
      <li>
        <strong>{panelShipLabel(tool.panel)}</strong>
        {full ? ` · ${panelVerdictLine(tool.panel)}` : null}
      </li>
      <li>
        Panel score {formatScore(tool.panel.score)}
        {full ? " / 100" : null}
      </li>
      <li>
        <CommunityFigure slug={tool.slug} community={tool.community} />
      </li>
      <li>
        Entry: <strong>{tool.entryPrice}</strong>
      </li>
    </ul>
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
      <ToolFacts tool={tool} />
      {withDescription ? <p>{tool.description}</p> : null}
      <div class="card-actions">
        <VoteControl slug={tool.slug} name={tool.name} />
        <BookmarkButton slug={tool.slug} name={tool.name} />
      </div>
    </article>
  );
}
