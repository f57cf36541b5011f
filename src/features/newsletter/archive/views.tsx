/** The public newsletter archive: the list of sent issues and one issue as a web page. */
import { Breadcrumb } from "../../../ui/breadcrumb.tsx";
import { formatDate } from "../../../ui/labels.ts";
import { Layout } from "../../../ui/layout.tsx";
import {
  formatPeriod,
  type Issue,
  IssueSections,
  issuePath,
  issueSummaryLine,
  NEWSLETTER_NAME,
} from "../issues/index.ts";
import { FEED_PATH } from "./feed.ts";

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
        <p class="callout notice">No issue has gone out yet. Subscribe, and the first one will reach you.</p>
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
