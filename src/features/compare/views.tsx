/** The comparison page (every element of the reference page) and the /compare picker. */

import type { Child } from "hono/jsx";
import type { SessionUser } from "../../domain/account.ts";
import { authorName, reviewBylineSentence } from "../../domain/byline.ts";
import { PERSONAS } from "../../domain/catalog-schema.ts";
import { LENSES } from "../../domain/lenses.ts";
import { panelVerdictLine } from "../../domain/panel.ts";
import type { ReviewerSplit } from "../../domain/reviewer-split.ts";
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import { NewsletterCta, PersonaVerdict } from "../../ui/components.tsx";
import { Layout } from "../../ui/layout.tsx";
import { Personal } from "../../ui/personal.tsx";
import { BookmarksPanel, CommunityFigure } from "../../ui/tool-controls.tsx";
import { ToolCard } from "../catalog/index.ts";
import { HeadToHead, type PickSplit, type ReaderPick } from "../community/index.ts";
import type { ToolDetail } from "../tools/index.ts";
import type { FeaturedPair } from "./service.ts";

export interface ComparePageProps {
  a: ToolDetail;
  b: ToolDetail;
  /** CompareEvidence for the pair, rendered (the route keeps its HTML between writes). */
  evidence: Child;
  canonical: string;
  /** The canonical /compare/a-vs-b path. */
  path: string;
  /** How the picks on the pair split: the same for every reader. */
  picks: PickSplit;
  /** The reader's own pick and its standing, loaded when the page is filled for them. */
  loadPick: (user: SessionUser | null) => Promise<ReaderPick>;
}

/** The pair side by side on what decides between them: verdict, community, pricing, fit, category. */
function DecisionTable({ tools }: { tools: ToolDetail[] }) {
  const rows: { label: string; cell: (t: ToolDetail) => unknown }[] = [
    { label: "Panel verdict", cell: (t) => panelVerdictLine(t.panel) },
    { label: "Community", cell: (t) => <CommunityFigure slug={t.slug} community={t.community} /> },
    { label: "Pricing", cell: (t) => t.pricing.detail },
    { label: "Best for", cell: (t) => t.bestFor },
    { label: "Category", cell: (t) => <a href={`/categories/${t.category.slug}`}>{t.category.name}</a> },
  ];
  return (
    <>
      <h2 id="decision-heading">Decision table</h2>
      <div class="table-scroll">
        <table aria-labelledby="decision-heading">
          <thead>
            <tr>
              <td />
              {tools.map((t) => (
                <th scope="col">{t.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <th scope="row">{r.label}</th>
                {tools.map((t) => (
                  <td>{r.cell(t)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Each persona's score, verdict and summary for both tools, and where their verdicts differ. */
function ReviewerScorecard(props: { a: ToolDetail; b: ToolDetail; split: ReviewerSplit }) {
  const { a, b, split } = props;
  const tools = [a, b];
  return (
    <>
      <h2 id="scorecard-heading">Reviewer scorecard</h2>
      <p>
        <strong>Reviewer split:</strong> {split.line}
      </p>
      <div class="table-scroll">
        <table class="scorecard" aria-labelledby="scorecard-heading">
          <thead>
            <tr>
              <th scope="col">Persona</th>
              {tools.map((t) => (
                <th scope="col">{t.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {PERSONAS.map((p) => (
              <tr>
                <th scope="row">
                  {LENSES[p].name}
                  <br />
                  <span class="muted small">
                    {split.rows.find((r) => r.persona === p)?.verdictsDiffer ? "verdicts differ" : ""}
                  </span>
                </th>
                {tools.map((t) => {
                  const r = t.reviews[p];
                  return r ? (
                    <td>
                      <span class="score">{r.score}/100</span> <PersonaVerdict verdict={r.verdict} />
                      <p class="small">{r.summary}</p>
                      {r.provenance === "model" ? <p class="small muted">{reviewBylineSentence(r)}</p> : null}
                    </td>
                  ) : (
                    <td class="muted">Not yet reviewed</td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="small muted mt-1">
        {reviewAuthors(tools)}. Each persona's four lens answers are on the tool pages:{" "}
        <a href={`/tools/${a.slug}#scorecard-heading`}>{a.name}</a>,{" "}
        <a href={`/tools/${b.slug}#scorecard-heading`}>{b.name}</a>.
      </p>
    </>
  );
}

/**
 * The evidence of a comparison: the decision table, the reviewer scorecard and the pricing
 * read. It shows nothing of the reader, so the route renders it once per pair and keeps the
 * HTML until a write touches either tool.
 */
export function CompareEvidence({
  a,
  b,
  split,
  pricing,
}: {
  a: ToolDetail;
  b: ToolDetail;
  split: ReviewerSplit;
  pricing: string[];
}) {
  return (
    <>
      <DecisionTable tools={[a, b]} />
      <ReviewerScorecard a={a} b={b} split={split} />
      <h2 id="pricing-heading">Pricing read</h2>
      <ul>
        {pricing.map((s) => (
          <li>{s}</li>
        ))}
      </ul>
    </>
  );
}

/** /compare/:a-vs-:b */
export function ComparePage({ a, b, evidence, canonical, path, picks, loadPick }: ComparePageProps) {
  const tools = [a, b];
  return (
    <Layout
      withNewsletterCta
      title={`${a.name} vs ${b.name}`}
      section="compare"
      canonical={canonical}
      description={`${a.name} vs ${b.name}: which one should you ship with? Panel verdict, pricing read, reviewer split and community vote side by side.`}
    >
      <Breadcrumb trail={[{ href: "/compare", label: "Compare" }]} current={`${a.name} vs ${b.name}`} />
      <p class="eyebrow">AI tool comparison</p>
      <h1>
        {a.name} vs {b.name}
      </h1>
      <p class="lede">Which one should you ship with?</p>
      <p class="muted">Side-by-side panel verdict, pricing read, reviewer split and community vote.</p>
      <div class="pair mt-2">
        {tools.map((t) => (
          <ToolCard tool={t} level={2} withDescription />
        ))}
      </div>
      <Personal of={HeadToHead} with={{ a, b, path, split: picks }} load={loadPick} />
      {evidence}
      <NewsletterCta />
      <BookmarksPanel />
    </Layout>
  );
}

/** /compare: a picker that works without JavaScript, and featured comparisons. */
export function CompareIndex(props: {
  tools: { slug: string; name: string }[];
  featured: FeaturedPair[];
  selected: { a?: string; b?: string };
  canonical: string;
}) {
  const picker = (name: "a" | "b", label: string) => (
    <div class="field">
      <label for={`pick-${name}`}>{label}</label>
      <select id={`pick-${name}`} name={name} required>
        <option value="">Choose a tool</option>
        {props.tools.map((t) => (
          <option value={t.slug} selected={props.selected[name] === t.slug}>
            {t.name}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <Layout
      title="Compare AI tools"
      section="compare"
      canonical={props.canonical}
      description="Compare any two AI tools side by side: panel verdict, pricing read, reviewer split and community vote."
    >
      <h1>Compare AI tools</h1>
      <p class="lede">Pick any two tools to see them side by side.</p>
      <form class="filters" method="get" action="/compare">
        {picker("a", "First tool")}
        {picker("b", "Second tool")}
        <div class="field">
          <button type="submit">Compare</button>
        </div>
      </form>
      <h2>Featured comparisons</h2>
      <PairList pairs={props.featured} />
    </Layout>
  );
}

/** A list of comparisons, each linked, with its category. */
export function PairList(props: { pairs: FeaturedPair[] }) {
  return (
    <ul class="list-plain">
      {props.pairs.map((p) => (
        <li>
          <a href={p.path}>
            {p.a.name} vs {p.b.name}
          </a>{" "}
          <span class="muted small">
            · {p.category}
            {p.picks ? ` · ${p.picks} ${p.picks === 1 ? "pick" : "picks"}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Who wrote the reviews on show, e.g. "Reviews by the sample panel" (model drafts are named in their cells). */
function reviewAuthors(tools: ToolDetail[]): string {
  const authors = [...new Set(tools.flatMap((t) => Object.values(t.reviews).map((r) => r.author)))];
  if (authors.length === 0) return "No reviews published yet";
  return `Reviews by ${authors.map(authorName).join(", ")}`;
}
