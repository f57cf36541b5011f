/** An issue's intro and sections as HTML: the archive's issue page and the admin's preview show the same. */
import { formatScore } from "../../../domain/panel.ts";
import { isEmptyContent } from "./content.ts";
import { comparisonFacts, introParagraphs, moverMove, moverVotes, SECTION_TITLES } from "./email.ts";
import type { IssueComparison, IssueContent, IssueVerdict } from "./types.ts";

/** The badge class of a verdict label ("Ship" → badge-ship; "Panel in progress (2/4)" → badge-in-progress). */
function badgeClass(label: string): string {
  const word = label.toLowerCase();
  return word === "ship" || word === "skip" || word === "split"
    ? `badge badge-${word}`
    : "badge badge-in-progress";
}

function VerdictItem(props: { v: IssueVerdict }) {
  const { v } = props;
  return (
    <li>
      <a href={`/tools/${v.slug}`}>
        <strong>{v.name}</strong>
      </a>{" "}
      <span class={badgeClass(v.verdictLabel)}>{v.verdictLabel}</span>
      <br />
      <span class="muted small">
        <a href={`/categories/${v.category.slug}`}>{v.category.name}</a> · {v.panelShipLabel}
        {v.score === null ? "" : ` · panel score ${formatScore(v.score)}`}
      </span>
      <br />
      Best for: {v.bestFor}
    </li>
  );
}

function ComparisonItem(props: { c: IssueComparison }) {
  const { c } = props;
  return (
    <li>
      <a href={c.path}>
        {c.a.name} vs {c.b.name}
      </a>{" "}
      <span class="muted small">· {comparisonFacts(c)}</span>
    </li>
  );
}

/** An issue's intro and sections, shared by the archive page and the admin's preview. */
export function IssueSections(props: {
  intro: string;
  content: IssueContent;
  /** h2 on the archive page; h4 inside the admin's preview card. */
  headingLevel: 2 | 4;
  /** Keeps heading ids unique on the page. */
  idPrefix: string;
}) {
  const { content } = props;
  const H = props.headingLevel === 2 ? "h2" : "h4";
  return (
    <>
      {introParagraphs(props.intro).map((lines) => (
        <p class="lede">
          {lines.map((l, i) =>
            i === 0 ? (
              l
            ) : (
              <>
                <br />
                {l}
              </>
            ),
          )}
        </p>
      ))}
      {isEmptyContent(content) ? (
        <p>A quiet week: no new verdicts, comparisons or community moves since the issue before.</p>
      ) : null}
      {content.verdicts.length > 0 ? (
        <section aria-labelledby={`${props.idPrefix}-verdicts`}>
          <H id={`${props.idPrefix}-verdicts`}>{SECTION_TITLES.verdicts}</H>
          <ul class="list-plain">
            {content.verdicts.map((v) => (
              <VerdictItem v={v} />
            ))}
          </ul>
        </section>
      ) : null}
      {content.comparisons.length > 0 ? (
        <section aria-labelledby={`${props.idPrefix}-comparisons`}>
          <H id={`${props.idPrefix}-comparisons`}>{SECTION_TITLES.comparisons}</H>
          <ul class="list-plain">
            {content.comparisons.map((c) => (
              <ComparisonItem c={c} />
            ))}
          </ul>
        </section>
      ) : null}
      {content.movers.length > 0 ? (
        <section aria-labelledby={`${props.idPrefix}-movers`}>
          <H id={`${props.idPrefix}-movers`}>{SECTION_TITLES.movers}</H>
          <ul class="list-plain">
            {content.movers.map((m) => (
              <li>
                <a href={`/tools/${m.slug}`}>
                  <strong>{m.name}</strong>
                </a>
                : {moverMove(m)}
                <br />
                <span class="muted small">
                  {m.category.name} · {moverVotes(m)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {content.mostCompared ? (
        <section aria-labelledby={`${props.idPrefix}-most-compared`}>
          <H id={`${props.idPrefix}-most-compared`}>{SECTION_TITLES.mostCompared}</H>
          <ul class="list-plain">
            <ComparisonItem c={content.mostCompared} />
          </ul>
        </section>
      ) : null}
    </>
  );
}
