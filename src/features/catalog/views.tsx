/** Catalog pages: the searchable tool list, a tool's page, categories. */
import { reviewByline, reviewBylineSentence } from "../../domain/byline.ts";
import { DEPLOYMENTS, PERSONAS, type Persona, PRICING_MODELS } from "../../domain/catalog-schema.ts";
import { comparePath } from "../../domain/compare-path.ts";
import { LENSES, questionLabel, TIMING_LABELS } from "../../domain/lenses.ts";
import { formatScore, panelVerdictLabel } from "../../domain/panel.ts";
import { formatUsd, pricingModelName } from "../../domain/pricing-read.ts";
import {
  categoryFeedPath,
  categoryFeedTitle,
  toolFeedPath,
  toolFeedTitle,
} from "../../domain/syndication.ts";
import { type PanelPoint, scoreY, timelineGeometry } from "../../domain/verdict-history.ts";
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import { Monogram, NewsletterCta, PersonaVerdict } from "../../ui/components.tsx";
import { EmbedVerdict } from "../../ui/embed-verdict.tsx";
import { DEPLOYMENT_LABELS, formatDate, SORT_LABELS, VERDICT_FILTER_LABELS } from "../../ui/labels.ts";
import { Layout } from "../../ui/layout.tsx";
import { BookmarkButton, BookmarksPanel, VoteControl } from "../../ui/tool-controls.tsx";
import { ToolLeaderboardSection, type ToolStanding } from "../leaderboard/index.ts";
import type { VerdictHistory } from "../panel/index.ts";
import { OUTCOME_LABELS, type ThesisStatus } from "../predictions/index.ts";
import type { Category, Review, ToolDetail, ToolSummary } from "../tools/index.ts";
import { SORTS, type ToolFilters, type ToolPage } from "./listing.ts";
import { MAX_QUERY_LENGTH, toolsUrl } from "./query.ts";
import { ToolCard, ToolFacts } from "./tool-card.tsx";

function Select(props: {
  name: string;
  label: string;
  value: string | undefined;
  anyLabel?: string;
  options: { value: string; label: string }[];
}) {
  const id = `filter-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name}>
        {props.anyLabel ? <option value="">{props.anyLabel}</option> : null}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Search box, the four filters and the sort, sent as a GET to /tools. */
function FilterForm(props: { filters: ToolFilters; categories: Category[] }) {
  const f = props.filters;
  return (
    <form class="filters" method="get" action="/tools" role="search">
      <div class="field">
        <label for="filter-q">Search name, vendor, best-for or description</label>
        <input id="filter-q" type="search" name="q" value={f.q ?? ""} maxlength={MAX_QUERY_LENGTH} />
      </div>
      <Select
        name="category"
        label="Category"
        value={f.category}
        anyLabel="All categories"
        options={props.categories.map((c) => ({ value: c.slug, label: c.name }))}
      />
      <Select
        name="pricing"
        label="Pricing"
        value={f.pricing}
        anyLabel="Any pricing"
        options={PRICING_MODELS.map((m) => ({ value: m, label: pricingModelName(m) }))}
      />
      <Select
        name="verdict"
        label="Panel verdict"
        value={f.verdict}
        anyLabel="Any verdict"
        options={Object.entries(VERDICT_FILTER_LABELS).map(([value, label]) => ({ value, label }))}
      />
      <Select
        name="deployment"
        label="Deployment"
        value={f.deployment}
        anyLabel="Any deployment"
        options={DEPLOYMENTS.map((d) => ({ value: d, label: DEPLOYMENT_LABELS[d] }))}
      />
      <Select
        name="sort"
        label="Sort by"
        value={f.sort}
        options={SORTS.map((s) => ({ value: s, label: SORT_LABELS[s] }))}
      />
      <div class="field">
        <button type="submit">Show tools</button>
      </div>
    </form>
  );
}

/** Previous and next page links around "Page n of m". */
function Pagination(props: { filters: ToolFilters; result: ToolPage }) {
  const { filters: f, result } = props;
  return (
    <nav class="pagination" aria-label="Pages">
      {result.page > 1 ? (
        <a href={toolsUrl(f, { page: result.page - 1 })} rel="prev">
          ← Previous
        </a>
      ) : (
        <span />
      )}
      <span class="muted">
        Page {result.page} of {result.pages}
      </span>
      {result.page < result.pages ? (
        <a href={toolsUrl(f, { page: result.page + 1 })} rel="next">
          Next →
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}

/** /tools: search, filters, sorts and a page of cards. */
export function ToolsPage(props: {
  filters: ToolFilters;
  result: ToolPage;
  categories: Category[];
  canonical: string;
}) {
  const { filters: f, result } = props;
  const from = result.total === 0 ? 0 : (result.page - 1) * f.perPage + 1;
  const to = Math.min(result.total, result.page * f.perPage);
  return (
    <Layout
      title="AI tools"
      section="tools"
      canonical={props.canonical}
      description="Every AI tool in the catalog with its panel verdict, pricing and community vote."
    >
      <h1>AI tools</h1>
      <p class="lede">Every tool with its four-lens panel verdict, pricing read and community vote.</p>
      <FilterForm filters={f} categories={props.categories} />
      <p aria-live="polite">
        {result.total === 0
          ? "No tools match these filters."
          : `Showing ${from}–${to} of ${result.total} ${result.total === 1 ? "tool" : "tools"}${f.q ? ` matching “${f.q}”` : ""}.`}{" "}
        {result.total === 0 || f.q || f.category || f.pricing || f.verdict || f.deployment ? (
          <a href="/tools">Clear all filters</a>
        ) : null}
      </p>
      {result.items.length > 0 ? (
        <div class="grid">
          {result.items.map((t) => (
            <ToolCard tool={t} />
          ))}
        </div>
      ) : null}
      {result.pages > 1 ? <Pagination filters={f} result={result} /> : null}
    </Layout>
  );
}

function PricingSection({ tool }: { tool: ToolDetail }) {
  const p = tool.pricing;
  return (
    <section aria-labelledby="pricing-heading">
      <h2 id="pricing-heading">Pricing</h2>
      <ul class="facts mb-2">
        <li>
          Model: <strong>{pricingModelName(p.model)}</strong>
        </li>
        <li>
          Entry: <strong>{p.entry}</strong>
        </li>
        <li>
          Free tier: <strong>{p.freeTier ? "Yes" : "No"}</strong>
        </li>
        <li>
          Licence: <strong>{p.license}</strong>
        </li>
      </ul>
      <p>{p.detail}</p>
      {p.units.length > 0 ? (
        <div class="table-scroll mb-2">
          <table>
            <caption class="skip-link">Unit prices for {tool.name}</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Price (USD)</th>
                <th scope="col">Per</th>
              </tr>
            </thead>
            <tbody>
              {p.units.map((u) => (
                <tr>
                  <th scope="row">{u.label}</th>
                  <td>{formatUsd(u.usd)}</td>
                  <td>{u.unit}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p class="muted small">Prices as of {formatDate(p.asOf)}. Check the vendor before you commit.</p>
    </section>
  );
}

/** "72.5 (Ship, 12 January 2026)": one point of the panel's timeline in words. */
function pointText(p: PanelPoint): string {
  return `${formatScore(p.score)} (${panelVerdictLabel(p)}, ${formatDate(p.at)})`;
}

/** The panel score over time as a small line chart; the words beside it carry the same facts. */
function ScoreChart(props: { points: PanelPoint[] }) {
  // the plot sits right of a 26-unit gutter that holds the score labels
  const gutter = 26;
  const box = { width: 294, height: 90, pad: 8 };
  const g = timelineGeometry(props.points, box);
  const y = (score: number) => scoreY(score, box);
  return (
    <svg
      class="history-chart"
      viewBox={`0 0 ${g.width + gutter} ${g.height}`}
      aria-hidden="true"
      focusable="false"
    >
      {[0, 50, 100].map((s) => (
        <>
          <text class="history-label" x={String(gutter - 6)} y={String(y(s) + 3)} text-anchor="end">
            {s}
          </text>
          <line
            class="history-grid"
            x1={String(gutter)}
            x2={String(g.width + gutter)}
            y1={String(y(s))}
            y2={String(y(s))}
          />
        </>
      ))}
      <g transform={`translate(${gutter} 0)`}>
        <polyline class="history-line" points={g.line} />
        {g.dots.map((d) => (
          <circle class="history-dot" cx={String(d.x)} cy={String(d.y)} r="3" />
        ))}
      </g>
    </svg>
  );
}

/** The tool page's verdict history: the panel over time, and every persona's revisions. */
function VerdictHistorySection({ history }: { history: VerdictHistory }) {
  const { revisions, timeline } = history;
  const first = timeline[0];
  const last = timeline.at(-1);
  const revised = revisions.filter((r) => r.revision > 1).length;
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Verdict history</h2>
      {!first || !last ? (
        <p>Nothing published yet.</p>
      ) : (
        <>
          <p>
            {revised === 0
              ? `No revisions since the panel's first reviews (${formatDate(first.at)}).`
              : `${revised} ${revised === 1 ? "revision" : "revisions"} since the first reviews (${formatDate(first.at)}).`}{" "}
            {timeline.length > 1
              ? `Panel score over time: ${timeline.slice(-8).map(pointText).join(" → ")}.`
              : `Panel score ${pointText(last)}.`}
          </p>
          {timeline.length > 1 ? <ScoreChart points={timeline} /> : null}
          <div class="table-scroll">
            <table class="history">
              <caption class="skip-link">Every published revision, newest first for each persona</caption>
              <thead>
                <tr>
                  <th scope="col">Persona</th>
                  <th scope="col">Revision</th>
                  <th scope="col">Published</th>
                  <th scope="col" class="num">
                    Score
                  </th>
                  <th scope="col">Verdict</th>
                  <th scope="col">Byline</th>
                </tr>
              </thead>
              {PERSONAS.map((persona) => {
                const rows = revisions.filter((r) => r.persona === persona);
                return rows.length === 0 ? null : (
                  <tbody>
                    {rows.map((r, i) => (
                      <tr>
                        {i === 0 ? (
                          <th scope="rowgroup" rowspan={rows.length}>
                            {LENSES[persona].name}
                          </th>
                        ) : null}
                        <td>{r.revision}</td>
                        <td>{formatDate(r.publishedAt)}</td>
                        <td class="num">{r.score}</td>
                        <td>
                          <PersonaVerdict verdict={r.verdict} />
                        </td>
                        <td>{reviewByline(r)}</td>
                      </tr>
                    ))}
                  </tbody>
                );
              })}
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/**
 * The Futurist's thesis date with where the thesis stands: "Due …" until its date, then
 * awaiting judgement or the judgement with its note. The status links to how theses are judged.
 */
function ThesisDate(props: { thesisDate: string; status: ThesisStatus | null }) {
  const { status } = props;
  // a status read for another thesis than the one shown (a publish in between) is left out
  if (!status || status.thesisDate !== props.thesisDate) return <dd>{formatDate(props.thesisDate)}</dd>;
  if (status.state === "upcoming") {
    return (
      <dd>
        <a href="/methodology#predictions">Due {formatDate(status.thesisDate)}</a>
      </dd>
    );
  }
  return (
    <dd>
      {formatDate(status.thesisDate)} ·{" "}
      {status.state === "awaiting" ? (
        <a href="/methodology#predictions">Awaiting judgement</a>
      ) : (
        <>
          <a href="/methodology#predictions">{OUTCOME_LABELS[status.outcome]}</a>, judged{" "}
          {formatDate(status.judgedOn)}
          <p class="muted small m-0">{status.note}</p>
        </>
      )}
    </dd>
  );
}

/** The tool's monogram, category, name and what it is best for. */
function ToolHeader({ tool }: { tool: ToolDetail }) {
  return (
    <>
      <div class="card-head mb-2">
        <Monogram name={tool.name} />
        <div>
          <p class="eyebrow">{tool.category.name}</p>
          <h1 class="m-0">{tool.name}</h1>
        </div>
      </div>
      <p class="lede">Best for: {tool.bestFor}</p>
    </>
  );
}

/** The description, then vendor, deployment and the official site. */
function ToolAbout({ tool }: { tool: ToolDetail }) {
  return (
    <>
      <p>{tool.description}</p>
      <ul class="facts">
        <li>
          Vendor: <strong>{tool.vendor}</strong>
        </li>
        <li>
          Deployment: <strong>{tool.deployment.map((d) => DEPLOYMENT_LABELS[d]).join(", ")}</strong>
        </li>
        <li>
          <a href={tool.homepage} rel="noopener noreferrer external">
            Official site
          </a>
        </li>
      </ul>
    </>
  );
}

/** One persona's review: score and verdict, rationale, every lens answer, and who wrote it when. */
function LensReview(props: {
  persona: Persona;
  review: Review | undefined;
  thesisStatus: ThesisStatus | null;
}) {
  const { persona, review: r } = props;
  const lens = LENSES[persona];
  return (
    <article class="lens" aria-labelledby={`lens-${persona}`}>
      <div class="section-head">
        <h3 id={`lens-${persona}`}>{lens.name}</h3>
        {r ? (
          <p class="m-0">
            <span class="score">{r.score}/100</span> <PersonaVerdict verdict={r.verdict} />
          </p>
        ) : (
          <p class="muted m-0">Not yet reviewed</p>
        )}
      </div>
      <p class="muted small m-0">{lens.focus}</p>
      {r ? (
        <>
          <p class="m-0 mt-1">
            <strong>Rationale:</strong> {r.summary}
          </p>
          <dl>
            {r.answers.map((a) => (
              <>
                <dt>{questionLabel(persona, a.question)}</dt>
                <dd>{a.answer}</dd>
              </>
            ))}
            {r.thesisDate ? (
              <>
                <dt>Thesis date</dt>
                <ThesisDate
                  thesisDate={r.thesisDate}
                  status={persona === "futurist" ? props.thesisStatus : null}
                />
              </>
            ) : null}
            {r.timing ? (
              <>
                <dt>Timing against the trend</dt>
                <dd>{TIMING_LABELS[r.timing]}</dd>
              </>
            ) : null}
          </dl>
          <p class="muted small m-0 mt-1">
            {reviewBylineSentence(r)}
            {r.publishedAt ? `, published ${formatDate(r.publishedAt)}` : ""}.
          </p>
        </>
      ) : null}
    </article>
  );
}

/** The four personas' reviews, in the panel's order. */
function PanelScorecard(props: { tool: ToolDetail; thesisStatus: ThesisStatus | null }) {
  return (
    <section aria-labelledby="scorecard-heading">
      <h2 id="scorecard-heading">Panel scorecard</h2>
      <p class="muted">
        Four personas answer the same four questions, score the tool out of 100 and vote ship or skip.
      </p>
      {PERSONAS.map((persona) => (
        <LensReview
          persona={persona}
          review={props.tool.reviews[persona]}
          thesisStatus={props.thesisStatus}
        />
      ))}
    </section>
  );
}

/** The tool's competitors, with a comparison link for each one in the catalog. */
function CompetitorsSection({ tool }: { tool: ToolDetail }) {
  return (
    <section aria-labelledby="competitors-heading">
      <h2 id="competitors-heading">Competitors</h2>
      <ul class="list-plain">
        {tool.competitors.map((c) => (
          <li>
            {c.slug ? (
              <>
                <a href={`/tools/${c.slug}`}>{c.name}</a> ·{" "}
                <a href={comparePath(tool.slug, c.slug)}>
                  Compare {tool.name} with {c.name}
                </a>
              </>
            ) : (
              <>
                {c.name} <span class="muted small">(not in the catalog yet)</span>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Comparison links to the other tools of the same category, when there are any. */
function AlternativesSection(props: { tool: ToolDetail; others: ToolSummary[] }) {
  const { tool, others } = props;
  return others.length > 0 ? (
    <section aria-labelledby="alternatives-heading">
      <h2 id="alternatives-heading">Compare with other {tool.category.name.toLowerCase()}</h2>
      <ul class="chips">
        {others.map((o) => (
          <li>
            <a href={comparePath(tool.slug, o.slug)}>vs {o.name}</a>
          </li>
        ))}
      </ul>
    </section>
  ) : null;
}

/** /tools/:slug: card, full scorecard with every lens answer, pricing, competitors. */
export function ToolPageView(props: {
  tool: ToolDetail;
  sameCategory: ToolSummary[];
  history: VerdictHistory;
  /** Where the Futurist's current thesis stands; null when it states none. */
  thesisStatus: ThesisStatus | null;
  /** The tool's head-to-head standing; undefined before the first leaderboard recompute. */
  standing?: ToolStanding;
  canonical: string;
  /** The site's absolute address, for the embed snippets and the feed link. */
  siteUrl: string;
}) {
  const { tool } = props;
  return (
    <Layout
      withNewsletterCta
      title={`${tool.name}: ship or skip?`}
      section="tools"
      canonical={props.canonical}
      feeds={[{ href: `${props.siteUrl}${toolFeedPath(tool.slug)}`, title: toolFeedTitle(tool.name) }]}
      description={`${tool.name}: ${tool.bestFor}. Panel verdict, pricing and community vote.`}
    >
      <Breadcrumb
        trail={[
          { href: "/tools", label: "Tools" },
          { href: `/categories/${tool.category.slug}`, label: tool.category.name },
        ]}
        current={tool.name}
      />
      <ToolHeader tool={tool} />
      <ToolFacts tool={tool} full />
      <div class="card-actions mb-2">
        <VoteControl slug={tool.slug} name={tool.name} />
        <BookmarkButton slug={tool.slug} name={tool.name} />
      </div>
      <ToolAbout tool={tool} />
      <PanelScorecard tool={tool} thesisStatus={props.thesisStatus} />
      <VerdictHistorySection history={props.history} />
      <ToolLeaderboardSection tool={tool} standing={props.standing} />
      <PricingSection tool={tool} />
      <CompetitorsSection tool={tool} />
      <AlternativesSection tool={tool} others={props.sameCategory.filter((t) => t.slug !== tool.slug)} />
      <p class="mt-3">
        <a href={`/compare?a=${encodeURIComponent(tool.slug)}`}>Compare {tool.name} with any tool →</a>
      </p>
      <EmbedVerdict siteUrl={props.siteUrl} slug={tool.slug} name={tool.name} />
      <BookmarksPanel />
      <NewsletterCta />
    </Layout>
  );
}

/** /categories: every category with its tool count. */
export function CategoriesPage(props: { categories: Category[]; canonical: string }) {
  return (
    <Layout title="Categories" section="categories" canonical={props.canonical}>
      <h1>Categories</h1>
      <div class="grid">
        {props.categories.map((c) => (
          <article class="card">
            <h2>
              <a href={`/categories/${c.slug}`}>{c.name}</a>
            </h2>
            <p>{c.description}</p>
            <p class="muted small">
              {c.toolCount} {c.toolCount === 1 ? "tool" : "tools"}
            </p>
          </article>
        ))}
      </div>
    </Layout>
  );
}

/** /categories/:slug: the category's tools, best panel score first. */
export function CategoryPage(props: {
  category: Category;
  tools: ToolSummary[];
  canonical: string;
  siteUrl: string;
}) {
  const { category, tools } = props;
  const [first, second] = tools;
  return (
    <Layout
      title={category.name}
      section="categories"
      canonical={props.canonical}
      feeds={[
        {
          href: `${props.siteUrl}${categoryFeedPath(category.slug)}`,
          title: categoryFeedTitle(category.name),
        },
      ]}
      description={category.description}
    >
      <Breadcrumb trail={[{ href: "/categories", label: "Categories" }]} current={category.name} />
      <h1>{category.name}</h1>
      <p class="lede">{category.description}</p>
      {first && second ? (
        <p>
          Top pair by panel score:{" "}
          <a href={comparePath(first.slug, second.slug)}>
            {first.name} vs {second.name}
          </a>
          .
        </p>
      ) : null}
      {tools.length === 0 ? <p>No tools in this category yet.</p> : null}
      <div class="grid">
        {tools.map((t) => (
          <ToolCard tool={t} />
        ))}
      </div>
      <p class="mt-2">
        <a href={`/tools?category=${encodeURIComponent(category.slug)}`}>
          Search and filter within {category.name}
        </a>
      </p>
    </Layout>
  );
}
