/** The public newsletter archive: the list of sent issues and one issue as a web page. */
import { formatScore } from "../../domain/panel.ts";
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import { formatDate } from "../../ui/labels.ts";
import { Layout } from "../../ui/layout.tsx";
import { isEmptyContent, issueSummaryLine } from "./content.ts";
import {
  comparisonFacts,
  formatPeriod,
  introParagraphs,
  moverMove,
  moverVotes,
  SECTION_TITLES,
} from "./email.ts";
import { FEED_PATH } from "./feed.ts";
import { NEWSLETTER_NAME } from "./issues.ts";
import { issuePath } from "./links.ts";
import type { Issue, IssueComparison, IssueContent, IssueVerdict } from "./types.ts";

/** The badge class of a verdict label ("Ship" → badge-ship; "Panel in progress (2/4)" → badge-in-progress). */
function badgeClass(label: string): string {
  const word = label.toLowerCase();
  return word === "ship" || word === "skip" || word === "split"
    ? `badge badge-${word}`
    : "badge badge-in-progress";
}

/** The feed, announced in the page head so feed readers find it. */
const feeds = (siteUrl: string) => [{ href: `${siteUrl}${FEED_PATH}`, title: `${NEWSLETTER_NAME} (Atom)` }];

const NEWSLETTER_CRUMB = { href: "/newsletter", label: "Newsletter" };

/** /newsletter/issues: every sent issue, newest first. */
export function IssueListPage(props: { issues: Issue[]; siteUrl: string }) {
  return (
    <Layout
      title={`${NEWSLETTER_NAME}: past issues`}
      canonical={`${props.siteUrl}/newsletter/issues`}
      feeds={feeds(props.siteUrl)}
      description="Every issue of the Weekly AI Tool Verdicts newsletter: new panel verdicts, comparisons and community movers."
    >
      <Breadcrumb trail={[NEWSLETTER_CRUMB]} current="Past issues" />
      <h1>{NEWSLETTER_NAME}: past issues</h1>
      <p class="lede">
        One email a week with the panel's new verdicts, comparisons worth reading and the tools the community
        changed its mind about. Here is everything we have sent so far.
      </p>
      <p>
        <a href="/newsletter">Subscribe to get the next issue by email</a> ·{" "}
        <a href={FEED_PATH}>Follow it in a feed reader (Atom)</a>
      </p>
      {props.issues.length === 0 ? (
        <p class="notice">No issue has gone out yet. Subscribe, and the first one will reach you.</p>
      ) : (
        <ol class="list-plain">
          {props.issues.map((issue) => (
            <li>
              <a href={issuePath(issue.number)}>{issue.subject}</a>
              <br />
              <span class="muted small">
                {issue.sentAt ? <time datetime={issue.sentAt}>Sent {formatDate(issue.sentAt)}</time> : null} ·{" "}
                {issueSummaryLine(issue.content)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
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

/** /newsletter/issues/:number: one sent issue as a page. */
export function IssuePage(props: { issue: Issue; siteUrl: string }) {
  const { issue } = props;
  const { content } = issue;
  return (
    <Layout
      title={issue.subject}
      canonical={`${props.siteUrl}${issuePath(issue.number)}`}
      feeds={feeds(props.siteUrl)}
      description={issueSummaryLine(content)}
    >
      <Breadcrumb
        trail={[NEWSLETTER_CRUMB, { href: "/newsletter/issues", label: "Past issues" }]}
        current={`Issue #${issue.number}`}
      />
      <p class="eyebrow">
        {NEWSLETTER_NAME} · Issue #{issue.number}
      </p>
      <h1>{issue.subject}</h1>
      <p class="muted">
        {issue.sentAt ? (
          <>
            Sent <time datetime={issue.sentAt}>{formatDate(issue.sentAt)}</time> ·{" "}
          </>
        ) : null}
        Covers {formatPeriod(content.periodStart, content.periodEnd)}
      </p>
      <IssueSections intro={issue.intro} content={content} headingLevel={2} idPrefix="issue" />
      <p class="mt-3">
        <a href="/newsletter">Get the next issue by email</a> ·{" "}
        <a href="/newsletter/issues">All past issues</a> · <a href={FEED_PATH}>Atom feed</a>
      </p>
    </Layout>
  );
}
