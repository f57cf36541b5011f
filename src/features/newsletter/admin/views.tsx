import { SCHEDULE_EXAMPLE } from "../../../domain/schedule.ts";
import { Breadcrumb } from "../../../ui/breadcrumb.tsx";
import { FormBasics } from "../../../ui/forms.tsx";
import { formatUtcMinute, plural } from "../../../ui/labels.ts";
import { Layout } from "../../../ui/layout.tsx";
import type { DeliveryProgress } from "../delivery/index.ts";
import { formatPeriod, type IssuePreview, IssueSections, issuePath } from "../issues/index.ts";
import type { IssueRow, NewsletterOverview, ScheduleInfo } from "./service.ts";
import { MAX_INTRO_LENGTH } from "./service.ts";

/** Where the preview's email document lives, with the intro to show. */
function previewHtmlPath(intro: string): string {
  return intro === ""
    ? "/admin/newsletter/preview.html"
    : `/admin/newsletter/preview.html?intro=${encodeURIComponent(intro)}`;
}

/** "2026-01-05 09:00": an instant to the minute, in UTC. */
const when = (iso: string) => `${formatUtcMinute(iso)} UTC`;
/** Who started an issue: an admin's address, "cli", or the schedule. */
const startedBy = (createdBy: string) => (createdBy === "schedule" ? "the schedule" : createdBy);

/** An instant as the zone's wall clock, e.g. "Mon 5 Jan 2026, 09:00". */
function inZone(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);
}

const ADMIN_CRUMB = { href: "/admin/moderation", label: "Admin" };

function ScheduleLine(props: { schedule: ScheduleInfo | null }) {
  const s = props.schedule;
  if (!s) {
    return (
      <>
        No schedule: issues go out only when someone sends them here or with{" "}
        <code>npm run cli -- newsletter:send</code>. To have the server send every week, start it with{" "}
        <code>NEWSLETTER_SCHEDULE="{SCHEDULE_EXAMPLE}"</code> (a weekday, a 24-hour time and a time zone).
      </>
    );
  }
  return (
    <>
      {s.description}. Next: <time datetime={s.next.toISOString()}>{inZone(s.next, s.timeZone)}</time> (
      {when(s.next.toISOString())}).
    </>
  );
}

/** The issue's content as a web page section, the way the archive will show it. */
function IssueBody(props: { preview: IssuePreview }) {
  const { content, intro } = props.preview;
  return (
    <article class="card" aria-labelledby="preview-subject">
      <p class="eyebrow">
        Issue #{props.preview.number} · covers {formatPeriod(content.periodStart, content.periodEnd)}
      </p>
      <h3 id="preview-subject">{props.preview.subject}</h3>
      <IssueSections intro={intro} content={content} headingLevel={4} idPrefix="preview" />
    </article>
  );
}

/** Messages handled so far: sent, failed or bounced. */
const handled = (p: DeliveryProgress) => p.sent + p.failed + p.bounced;

/**
 * The send's progress as a bar: sent, then failed and bounced, over the total. The site's CSP
 * drops inline styles, so the segments are SVG rects sized by their width attributes and
 * coloured by the stylesheet's vote-bar classes; the label carries the figures for screen readers.
 */
function ProgressBar(props: { progress: DeliveryProgress }) {
  const p = props.progress;
  const pct = (n: number) => (p.total === 0 ? 0 : Math.round((10000 * n) / p.total) / 100);
  const sent = pct(p.sent);
  const lost = pct(p.failed + p.bounced);
  const label = `${p.sent} of ${p.total} sent, ${p.failed + p.bounced} failed or bounced`;
  return (
    <p>
      <svg class="day-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={label}>
        <rect class="day-bar-ship" x="0" y="0" width={String(sent)} height="10" />
        <rect class="day-bar-skip" x={String(sent)} y="0" width={String(lost)} height="10" />
      </svg>
    </p>
  );
}

function statusLabel(row: IssueRow): string {
  if (row.status === "sent") return "Sent";
  return row.progress.total > 0 && handled(row.progress) === row.progress.total ? "Finishing" : "Sending";
}

export interface IntroProblem {
  message: string;
}

/** The intro field, preview and send: the send mails every confirmed subscriber. */
function ComposeSection(props: {
  preview: NewsletterOverview["preview"];
  subscribers: number;
  intro: string;
  problem?: IntroProblem;
}) {
  const { preview, subscribers, problem } = props;
  const describedBy = problem ? "intro-hint intro-error" : "intro-hint";
  return (
    <section aria-labelledby="compose-heading">
      <h2 id="compose-heading">Write and send issue #{preview.number}</h2>
      <form class="stack" action="/admin/newsletter/send" method="post" novalidate>
        <FormBasics returnTo="/admin/newsletter" />
        <input type="hidden" name="number" value={String(preview.number)} />
        <div class="field">
          <label for="intro">Intro</label>
          <textarea
            id="intro"
            name="intro"
            rows={6}
            maxlength={MAX_INTRO_LENGTH}
            aria-invalid={problem ? "true" : undefined}
            aria-describedby={describedBy}
          >
            {props.intro}
          </textarea>
          <p id="intro-hint" class="muted small field-hint">
            Optional: a few words from you above the week's verdicts. Up to{" "}
            {MAX_INTRO_LENGTH.toLocaleString("en-US")} characters; a blank line starts a new paragraph.
          </p>
          {problem ? (
            <p id="intro-error" class="field-error">
              {problem.message}
            </p>
          ) : null}
        </div>
        <div class="card-actions">
          <button type="submit" formaction="/admin/newsletter/preview" class="secondary">
            Preview with this intro
          </button>
          <button type="submit">
            Send issue #{preview.number} to {plural(subscribers, "subscriber")}
          </button>
        </div>
        <p class="muted small">
          Sending creates the issue from everything that changed since the last one and mails every confirmed
          subscriber. It cannot be undone.
        </p>
      </form>
    </section>
  );
}

/** The next issue as it stands: subject, a link to the exact email, and its body. */
function PreviewSection({ preview }: { preview: NewsletterOverview["preview"] }) {
  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      <p>
        Subject: <strong>{preview.subject}</strong>
      </p>
      <p>
        <a href={previewHtmlPath(preview.intro)}>Open the email exactly as subscribers will get it</a>{" "}
        <span class="muted small">(the HTML message on its own, without personal links)</span>
      </p>
      <IssueBody preview={preview} />
    </section>
  );
}

/** Every issue sent so far, with its delivery figures. */
function PastIssuesSection({ issues }: { issues: NewsletterOverview["issues"] }) {
  return (
    <section aria-labelledby="issues-heading">
      <h2 id="issues-heading">Past issues</h2>
      {issues.length === 0 ? (
        <p>No issue has been sent yet.</p>
      ) : (
        <div class="table-scroll">
          <table aria-labelledby="issues-heading">
            <thead>
              <tr>
                <th scope="col">Issue</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Sent
                </th>
                <th scope="col" class="num">
                  Failed
                </th>
                <th scope="col" class="num">
                  Recipients
                </th>
                <th scope="col">Started (UTC)</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {issues.map((i) => (
                <tr>
                  <th scope="row">
                    <a href={`/admin/newsletter/issues/${i.number}`}>#{i.number}</a>{" "}
                    <span class="small">{i.subject}</span>
                  </th>
                  <td>{statusLabel(i)}</td>
                  <td class="num">{i.progress.sent}</td>
                  <td class="num">{i.progress.failed + i.progress.bounced}</td>
                  <td class="num">{i.progress.total}</td>
                  <td>{formatUtcMinute(i.createdAt)}</td>
                  <td>{startedBy(i.createdBy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** /admin/newsletter: schedule, audience, the next issue's preview, the send form and past issues. */
export function NewsletterAdminPage(props: {
  overview: NewsletterOverview;
  /** The intro as typed, kept when it was refused. */
  intro: string;
  problem?: IntroProblem;
}) {
  const { schedule, subscribers, preview, issues } = props.overview;
  const { problem } = props;
  return (
    <Layout title="Newsletter">
      <Breadcrumb trail={[ADMIN_CRUMB]} current="Newsletter" />
      <h1>Newsletter</h1>
      {problem ? (
        <p class="callout notice-error" role="alert">
          Nothing was sent. {problem.message}
        </p>
      ) : null}
      <dl class="pairs">
        <dt>Confirmed subscribers</dt>
        <dd>{subscribers.toLocaleString("en-US")}</dd>
        <dt>Next scheduled send</dt>
        <dd>
          <ScheduleLine schedule={schedule} />
        </dd>
      </dl>
      <ComposeSection preview={preview} subscribers={subscribers} intro={props.intro} problem={problem} />
      <PreviewSection preview={preview} />
      <PastIssuesSection issues={issues} />
    </Layout>
  );
}

/** /admin/newsletter/issues/:number: how far one issue's delivery has come. */
export function IssueProgressPage(props: { issue: IssueRow }) {
  const { issue } = props;
  const p = issue.progress;
  const waiting = p.pending + p.sending;
  return (
    <Layout title={`Issue #${issue.number}`}>
      <Breadcrumb
        trail={[ADMIN_CRUMB, { href: "/admin/newsletter", label: "Newsletter" }]}
        current={`Issue #${issue.number}`}
      />
      <h1>
        Issue #{issue.number}: {statusLabel(issue).toLowerCase()}
      </h1>
      <p class="lede">{issue.subject}</p>
      <ProgressBar progress={p} />
      <p>
        {p.total === 0
          ? "There were no confirmed subscribers when this issue was queued."
          : `${plural(handled(p), "message")} of ${p.total.toLocaleString("en-US")} handled.`}
        {issue.status === "sending" ? " Reload the page for the latest figures." : null}
      </p>
      <dl class="pairs">
        <dt>Sent</dt>
        <dd>{p.sent}</dd>
        <dt>Pending</dt>
        <dd>
          {waiting}
          {p.sending > 0 ? <span class="muted small"> ({p.sending} on their way now)</span> : null}
        </dd>
        <dt>Failed</dt>
        <dd>{p.failed}</dd>
        <dt>Bounced</dt>
        <dd>{p.bounced}</dd>
        <dt>Total</dt>
        <dd>{p.total}</dd>
        <dt>Started</dt>
        <dd>
          <time datetime={issue.createdAt}>{when(issue.createdAt)}</time> by {startedBy(issue.createdBy)}
        </dd>
        <dt>Finished</dt>
        <dd>{issue.sentAt ? <time datetime={issue.sentAt}>{when(issue.sentAt)}</time> : "Not yet"}</dd>
      </dl>
      <p>
        {issue.status === "sent" ? (
          <a href={issuePath(issue.number)}>The public archive page of issue #{issue.number}</a>
        ) : (
          <>
            The public archive page (<code>{issuePath(issue.number)}</code>) appears once the last message is
            delivered. A send cut short by a restart or a mail server outage resumes when the server starts
            again, or with <code>npm run cli -- newsletter:send</code>.
          </>
        )}
      </p>
      <p>
        <a href="/admin/newsletter">Back to the newsletter</a>
      </p>
    </Layout>
  );
}
