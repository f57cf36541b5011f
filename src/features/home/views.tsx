/** The home page and the methodology page. */

import { PERSONAS } from "../../domain/catalog-schema.ts";
import { LENSES } from "../../domain/lenses.ts";
import { SITE_FEED_PATH, SITE_FEED_TITLE } from "../../domain/syndication.ts";
import { NewsletterCta } from "../../ui/components.tsx";
import { Layout } from "../../ui/layout.tsx";
import { MAX_QUERY_LENGTH, ToolCard } from "../catalog/index.ts";
import { type FeaturedPair, PairList } from "../compare/index.ts";
import { type PredictionsOverview, PredictionsSection } from "../predictions/index.ts";
import type { Category, ToolSummary } from "../tools/index.ts";
import { LeaderboardMethod } from "./leaderboard-method.tsx";

/** / : latest verdicts, featured comparisons, categories, newsletter. */
export function HomePage(props: {
  latest: ToolSummary[];
  /** The most picked pairs (popular), or the featured ones until readers pick. */
  comparisons: { popular: boolean; pairs: FeaturedPair[] };
  categories: Category[];
  canonical: string;
  siteUrl: string;
}) {
  return (
    <Layout
      withNewsletterCta
      title="Ship or Skip"
      section="home"
      canonical={props.canonical}
      feeds={[{ href: `${props.siteUrl}${SITE_FEED_PATH}`, title: SITE_FEED_TITLE }]}
      description="Which AI tool should you ship with? Four-lens panel verdicts, pricing reads and community votes, side by side."
    >
      <h1>Which AI tool should you ship with?</h1>
      <p class="lede">
        Every tool gets a verdict from a four-lens panel (Builder, Skeptic, Futurist and Founder), a pricing
        read and a community vote. Compare any two side by side.
      </p>
      <form class="inline mt-2" method="get" action="/tools" role="search">
        <div class="field field-grow">
          <label for="home-q">Search the catalog</label>
          <input
            id="home-q"
            type="search"
            name="q"
            maxlength={MAX_QUERY_LENGTH}
            placeholder="e.g. speech, vector, open source"
          />
        </div>
        <button type="submit">Search</button>
      </form>

      <div class="section-head">
        <h2>Latest verdicts</h2>
        <a href="/tools?sort=newest">All tools, newest first</a>
      </div>
      <div class="grid">
        {props.latest.map((t) => (
          <ToolCard tool={t} />
        ))}
      </div>

      <div class="section-head">
        <h2>{props.comparisons.popular ? "Popular comparisons" : "Featured comparisons"}</h2>
        <a href="/compare">Compare any two</a>
      </div>
      <PairList pairs={props.comparisons.pairs} />

      <h2>Categories</h2>
      <ul class="chips">
        {props.categories.map((c) => (
          <li>
            <a href={`/categories/${c.slug}`}>
              {c.name} <span class="muted">({c.toolCount})</span>
            </a>
          </li>
        ))}
      </ul>
      <NewsletterCta />
    </Layout>
  );
}

/** /methodology: how the panel works and how each number is computed, in plain words. */
export function MethodologyPage(props: { canonical: string; predictions: PredictionsOverview }) {
  return (
    <Layout
      title="Methodology"
      section="methodology"
      canonical={props.canonical}
      description="How the Ship or Skip panel works and how every number on the site is computed."
    >
      <h1>How the verdicts work</h1>
      <p class="lede">
        Every number on this site comes from a rule written down here. Nothing is weighted by hand.
      </p>

      <h2>The panel: four lenses</h2>
      <p>
        Four personas review every tool. Each answers the same four questions, gives a score from 0 to 100 and
        votes ship or skip. The answers are stored one by one, so they can be compared across tools and
        checked later.
      </p>
      {PERSONAS.map((p) => (
        <section class="lens" aria-labelledby={`m-${p}`}>
          <h3 id={`m-${p}`}>{LENSES[p].name}</h3>
          <p class="muted">{LENSES[p].focus}</p>
          <ul>
            {LENSES[p].questions.map((q) => (
              <li>{q.label}</li>
            ))}
            {p === "futurist" ? <li>Timing against the trend: early, on time or late</li> : null}
          </ul>
        </section>
      ))}
      <p>
        The Futurist's thesis always carries a date, so it can be checked when the date comes: see{" "}
        <a href="#predictions">Predictions</a> below. Every review says who wrote it. The starter reviews were
        written for this site by its sample panel; they are opinions, argued from public facts.
      </p>

      <h2>The numbers</h2>
      <dl>
        <dt>
          <strong>Panel verdict</strong>
        </dt>
        <dd>
          <p>
            Ship when more personas vote ship than skip, Skip when more vote skip, Split on a two–two tie.
            Until all four personas have published, the tool shows “Panel in progress (n/4)” instead.
          </p>
        </dd>
        <dt>
          <strong>Panel ship %</strong>
        </dt>
        <dd>
          <p>
            The share of published reviews that vote ship: 100 × ship votes ÷ published reviews, rounded to a
            whole number. Three of four is 75%.
          </p>
        </dd>
        <dt>
          <strong>Panel score</strong>
        </dt>
        <dd>
          <p>The plain average of the published persona scores. 82, 76, 84 and 78 average to 80.</p>
        </dd>
        <dt>
          <strong>Community vote</strong>
        </dt>
        <dd>
          <p>
            Signed-in readers vote ship or skip on a tool, one vote each, and can change or withdraw it. A
            tool shows its ship share and the number of votes, or “No community votes yet”. When tools are
            ranked by community vote, we rank by the lower bound of the 95% Wilson score interval rather than
            the raw share, so five votes out of five does not outrank 90 out of 100.
          </p>
        </dd>
        <dt>
          <strong>Head-to-head</strong>
        </dt>
        <dd>
          <p>
            On a comparison, signed-in readers pick the tool they would ship with: one pick per reader per
            pair, changeable. The comparison shows how the picks split, and every pick feeds the{" "}
            <a href="/leaderboard">head-to-head leaderboard</a>: ratings per category and overall, with 95%
            intervals, so close tools show as tied. See <a href="#leaderboard">how it is computed</a> and{" "}
            <a href="#integrity">which picks count</a>.
          </p>
        </dd>
        <dt>
          <strong>Reviewer split</strong>
        </dt>
        <dd>
          <p>
            For each persona, the difference between its scores for the two tools and whether its verdicts
            differ. One line sums it up: which personas lean which way, by how many points.
          </p>
        </dd>
        <dt>
          <strong>Pricing read</strong>
        </dt>
        <dd>
          <p>
            Each tool's pricing is stored as structured fields: model (free, open source, freemium, paid,
            usage-based or enterprise), entry price, free tier, licence, unit prices and a note, with the date
            it was checked. Two tools are compared field by field, and unit prices are compared when both use
            the same unit.
          </p>
        </dd>
      </dl>

      <LeaderboardMethod />

      <PredictionsSection overview={props.predictions} />
    </Layout>
  );
}
