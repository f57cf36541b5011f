/** Moderation pages: votes per tool, one tool's votes over time, one account, the audit log. */
import { actorLabel, maskEmail } from "../../domain/email.ts";
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import { FormBasics } from "../../ui/forms.tsx";
import { formatUtcMinute, plural } from "../../ui/labels.ts";
import { Layout } from "../../ui/layout.tsx";
import type { ToolRef } from "../tools/index.ts";
import type { AccountDetail, AuditEntry, ToolVoteRow, VoteDay, Voter } from "./service.ts";

const MODERATION_TRAIL = [{ href: "/admin/moderation", label: "Moderation" }];

function AdminNav(props: { current: "overview" | "audit" | "other"; canReadAudit: boolean }) {
  return (
    <nav class="admin-nav" aria-label="Moderation">
      <ul class="chips">
        <li>
          <a href="/admin/moderation" aria-current={props.current === "overview" ? "page" : undefined}>
            Votes per tool
          </a>
        </li>
        <li>
          <a href="/admin/moderation/flags">Flagged accounts</a>
        </li>
        {props.canReadAudit ? (
          <li>
            <a href="/admin/audit" aria-current={props.current === "audit" ? "page" : undefined}>
              Audit log
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

function ValueBadge(props: { value: string }) {
  const known = props.value === "ship" || props.value === "skip";
  return (
    <span class={known ? `badge badge-${props.value}` : "badge"}>
      {props.value === "ship" ? "Ship" : props.value === "skip" ? "Skip" : props.value}
    </span>
  );
}

/** /admin/moderation: every tool with votes, most voted first. */
export function ModerationOverviewPage(props: {
  tools: ToolVoteRow[];
  canReadAudit: boolean;
  /** An address looked up that has no account. */
  notFound?: string;
}) {
  const votes = props.tools.reduce((n, t) => n + t.total, 0);
  return (
    <Layout title="Moderation">
      <h1>Moderation</h1>
      <AdminNav current="overview" canReadAudit={props.canReadAudit} />
      <form class="stack" action="/admin/accounts" method="get" aria-labelledby="find-heading">
        <h2 id="find-heading">Find an account</h2>
        <div class="field">
          <label for="find-email">Email address (the whole address, as a reader gives it to you)</label>
          <input
            id="find-email"
            type="email"
            name="email"
            autocomplete="off"
            required
            value={props.notFound}
            aria-invalid={props.notFound !== undefined ? "true" : undefined}
            aria-describedby={props.notFound !== undefined ? "find-error" : undefined}
          />
          {props.notFound !== undefined ? (
            <p id="find-error" class="field-error">
              No account has this address.
            </p>
          ) : null}
        </div>
        <button type="submit" class="secondary">
          Open the account
        </button>
      </form>
      <p class="lede">
        {props.tools.length === 0
          ? "Nobody has voted yet."
          : `${plural(votes, "vote")} on ${plural(props.tools.length, "tool")}. Open a tool to see its votes day by day and who cast them.`}
      </p>
      {props.tools.length > 0 ? (
        <div class="table-scroll">
          <table aria-labelledby="tools-heading">
            <caption id="tools-heading" class="skip-link">
              Community votes per tool
            </caption>
            <thead>
              <tr>
                <th scope="col">Tool</th>
                <th scope="col" class="num">
                  Ship
                </th>
                <th scope="col" class="num">
                  Skip
                </th>
                <th scope="col" class="num">
                  Votes
                </th>
                <th scope="col">Last change (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {props.tools.map((t) => (
                <tr>
                  <th scope="row">
                    <a href={`/admin/moderation/tools/${t.slug}`}>{t.name}</a>
                  </th>
                  <td class="num">{t.ship}</td>
                  <td class="num">{t.skip}</td>
                  <td class="num">{t.total}</td>
                  <td>{formatUtcMinute(t.lastVoteAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Layout>
  );
}

/** Ship and skip of one day as two SVG bars, scaled to the busiest day; SVG needs no inline style. */
function DayBar(props: { day: VoteDay; max: number }) {
  const width = (n: number) => (props.max === 0 ? 0 : Math.round((10000 * n) / props.max) / 100);
  const ship = width(props.day.ship);
  return (
    <svg class="day-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <rect class="day-bar-ship" x="0" y="0" width={String(ship)} height="10" />
      <rect class="day-bar-skip" x={String(ship)} y="0" width={String(width(props.day.skip))} height="10" />
    </svg>
  );
}

/** Votes by the day they were first cast, with a running total and a bar each. */
function VotesPerDay({ days }: { days: VoteDay[] }) {
  const max = days.reduce((m, d) => Math.max(m, d.ship + d.skip), 0);
  return (
    <>
      <h2 id="days-heading">Votes per day</h2>
      <p class="muted small">
        Each vote counts on the day it was first cast, with its value today; withdrawn and removed votes are
        gone. Days are UTC.
      </p>
      {days.length === 0 ? (
        <p>No votes yet.</p>
      ) : (
        <div class="table-scroll">
          <table aria-labelledby="days-heading" class="vote-days">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" class="num">
                  Ship
                </th>
                <th scope="col" class="num">
                  Skip
                </th>
                <th scope="col" class="num">
                  Running total
                </th>
                <th scope="col">
                  <span class="skip-link">Bar: </span>ship and skip
                </th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr>
                  <th scope="row">{d.day}</th>
                  <td class="num">{d.ship}</td>
                  <td class="num">{d.skip}</td>
                  <td class="num">{d.runningTotal}</td>
                  <td class="bar-cell">
                    <DayBar day={d} max={max} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Every account with a current vote on the tool, masked, linking to its moderation page. */
function Voters(props: { tool: ToolRef; voters: Voter[] }) {
  const { tool, voters } = props;
  return (
    <>
      <h2 id="voters-heading">Who voted</h2>
      {voters.length === 0 ? (
        <p>Nobody has voted on {tool.name}.</p>
      ) : (
        <div class="table-scroll">
          <table aria-labelledby="voters-heading">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Vote</th>
                <th scope="col">First cast (UTC)</th>
                <th scope="col">Last changed (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {voters.map((v) => (
                <tr>
                  <td>
                    <a href={`/admin/accounts/${v.userId}`}>{maskEmail(v.email)}</a>
                    {v.blocked ? <span class="muted small"> · blocked</span> : null}
                    {v.role !== "reader" ? <span class="muted small"> · {v.role}</span> : null}
                  </td>
                  <td>
                    <ValueBadge value={v.value} />
                  </td>
                  <td>{formatUtcMinute(v.createdAt)}</td>
                  <td>{formatUtcMinute(v.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** /admin/moderation/tools/:slug: votes per day with a running total, and who voted. */
export function ToolVotesPage(props: {
  tool: ToolRef;
  days: VoteDay[];
  voters: Voter[];
  canReadAudit: boolean;
}) {
  const { tool, days, voters } = props;
  const total = days.at(-1)?.runningTotal ?? 0;
  return (
    <Layout title={`Votes on ${tool.name}`}>
      <Breadcrumb trail={MODERATION_TRAIL} current={tool.name} />
      <h1>Votes on {tool.name}</h1>
      <AdminNav current="other" canReadAudit={props.canReadAudit} />
      <p class="lede">
        {plural(total, "current vote")}. <a href={`/tools/${tool.slug}`}>The public page</a> shows the same
        figures.
      </p>
      <VotesPerDay days={days} />
      <Voters tool={tool} voters={voters} />
    </Layout>
  );
}

export type AccountForm = "remove" | "block" | "unblock";

export interface FormProblem {
  form: AccountForm;
  message: string;
  /** What the moderator typed, kept so they need not type it again. */
  reason: string;
}

export type AccountNotice =
  | { kind: "votes-removed"; count: number }
  | { kind: "no-votes" }
  | { kind: "blocked"; sessions: number }
  | { kind: "unblocked" };

function noticeText(n: AccountNotice): string {
  switch (n.kind) {
    case "votes-removed":
      return `Removed ${plural(n.count, "vote")} and recomputed the community figures. The reason is in the audit log.`;
    case "no-votes":
      return "This account had no votes to remove, so nothing changed.";
    case "blocked":
      return `Account blocked; ${plural(n.sessions, "session")} ended, and its API tokens refused until the block is lifted. The reason is in the audit log.`;
    case "unblocked":
      return "Block lifted: the account can sign in again, and its API tokens work again. The reason is in the audit log.";
  }
}

function ReasonForm(props: {
  form: AccountForm;
  action: string;
  button: string;
  hint: string;
  problem?: FormProblem;
  danger?: boolean;
}) {
  const id = `${props.form}-reason`;
  const problem = props.problem?.form === props.form ? props.problem : undefined;
  const describedBy = problem ? `${id}-hint ${id}-error` : `${id}-hint`;
  return (
    <form class="stack" action={props.action} method="post" novalidate>
      <FormBasics />
      <div class="field">
        <label for={id}>Reason</label>
        <textarea
          id={id}
          name="reason"
          rows={3}
          required
          minlength={3}
          maxlength={500}
          aria-invalid={problem ? "true" : undefined}
          aria-describedby={describedBy}
        >
          {problem?.reason ?? ""}
        </textarea>
        <p id={`${id}-hint`} class="muted small field-hint">
          {props.hint}
        </p>
        {problem ? (
          <p id={`${id}-error`} class="field-error">
            {problem.message}
          </p>
        ) : null}
      </div>
      <div>
        <button type="submit" class={props.danger ? "danger" : undefined}>
          {props.button}
        </button>
      </div>
    </form>
  );
}

/** "sessionsEnded" → "sessions ended": detail keys are camelCase JSON, readers want words. */
const words = (key: string) => key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();

function describeObject(value: Record<string, unknown>): string {
  const entries = Object.entries(value).map(([k, v]) => {
    if (v && typeof v === "object" && !Array.isArray(v))
      return `${words(k)} (${describeObject(v as Record<string, unknown>)})`;
    return `${words(k)} ${Array.isArray(v) ? v.map(String).join(", ") : v === null || v === undefined ? "none" : String(v)}`;
  });
  return entries.join(", ") || "none";
}

function describeDetail(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(detail)) {
    if (key === "email" && typeof value === "string") continue;
    if (Array.isArray(value)) {
      const items = value.map((v) =>
        v && typeof v === "object"
          ? Object.values(v as Record<string, unknown>)
              .map(String)
              .join(" ")
          : String(v),
      );
      parts.push(`${words(key)}: ${items.join(", ") || "none"}`);
    } else if (value && typeof value === "object") {
      // { votes: 2, sessions: 1 } → "votes 2, sessions 1"; nested objects the same way, in brackets
      parts.push(`${words(key)}: ${describeObject(value as Record<string, unknown>)}`);
    } else {
      parts.push(`${words(key)}: ${value === null || value === undefined ? "none" : String(value)}`);
    }
  }
  return parts.join(" · ");
}

function AuditTable(props: { entries: AuditEntry[]; labelledBy: string; showSubject: boolean }) {
  return (
    <div class="table-scroll">
      <table aria-labelledby={props.labelledBy} class="audit">
        <thead>
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            {props.showSubject ? <th scope="col">Subject</th> : null}
            <th scope="col">Reason</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e) => {
            const account = /^user:(\d+)$/.exec(e.subject)?.[1];
            const email = typeof e.detail.email === "string" ? e.detail.email : undefined;
            return (
              <tr>
                <td>{formatUtcMinute(e.at)}</td>
                <td>
                  {e.actorId !== null ? (
                    <a href={`/admin/accounts/${e.actorId}`}>{actorLabel(e.actorEmail)}</a>
                  ) : (
                    actorLabel(e.actorEmail)
                  )}
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                {props.showSubject ? (
                  <td>
                    {account ? (
                      <a href={`/admin/accounts/${account}`}>{email ? maskEmail(email) : e.subject}</a>
                    ) : (
                      e.subject
                    )}
                  </td>
                ) : null}
                <td class="prose-cell">{e.reason}</td>
                <td class="prose-cell small">
                  {describeDetail(e.detail)}
                  {e.redactedAt ? (
                    <span class="muted">
                      {" "}
                      (address of a deleted account removed {formatUtcMinute(e.redactedAt)})
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The account's email, role, status, and when it joined and last signed in. */
function AccountFacts({ account: a }: { account: AccountDetail }) {
  return (
    <dl class="pairs">
      <dt>Email</dt>
      <dd>{a.email}</dd>
      <dt>Role</dt>
      <dd>{a.role}</dd>
      <dt>Status</dt>
      <dd>
        {a.blockedAt ? (
          <>
            <strong>Blocked</strong> since {formatUtcMinute(a.blockedAt)} UTC: {a.blockedReason}
          </>
        ) : (
          "Active"
        )}
      </dd>
      <dt>Joined</dt>
      <dd>{formatUtcMinute(a.createdAt)} UTC</dd>
      <dt>Last sign-in</dt>
      <dd>{a.lastSignInAt ? `${formatUtcMinute(a.lastSignInAt)} UTC` : "never"}</dd>
    </dl>
  );
}

/** Every current vote of the account, with when it was cast and last changed. */
function AccountVotes({ votes }: { votes: AccountDetail["votes"] }) {
  return (
    <>
      <h2 id="votes-heading">Votes ({votes.length})</h2>
      {votes.length === 0 ? (
        <p>No votes.</p>
      ) : (
        <div class="table-scroll">
          <table aria-labelledby="votes-heading">
            <thead>
              <tr>
                <th scope="col">Tool</th>
                <th scope="col">Vote</th>
                <th scope="col">First cast (UTC)</th>
                <th scope="col">Last changed (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {votes.map((v) => (
                <tr>
                  <td>
                    <a href={`/admin/moderation/tools/${v.slug}`}>{v.name}</a>
                  </td>
                  <td>
                    <ValueBadge value={v.value} />
                  </td>
                  <td>{formatUtcMinute(v.createdAt)}</td>
                  <td>{formatUtcMinute(v.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Remove every vote of the account, with a reason. */
function RemoveVotesSection(props: { account: AccountDetail; problem?: FormProblem }) {
  const { account: a, problem } = props;
  return (
    <section aria-labelledby="remove-heading">
      <h2 id="remove-heading">Remove all votes</h2>
      {a.votes.length === 0 && problem?.form !== "remove" ? (
        <p>There are no votes to remove.</p>
      ) : (
        <ReasonForm
          form="remove"
          action={`/admin/accounts/${a.id}/votes/remove`}
          button={`Remove all ${plural(a.votes.length, "vote")}`}
          hint="Every vote of this account goes, and the figures of the tools it voted on are recomputed. The reason is kept in the audit log (3 to 500 characters)."
          problem={problem}
          danger
        />
      )}
    </section>
  );
}

/** Block or unblock the account; nobody may block themselves. */
function BlockSection(props: { account: AccountDetail; self: boolean; problem?: FormProblem }) {
  const { account: a, problem } = props;
  const base = `/admin/accounts/${a.id}`;
  return (
    <section aria-labelledby="block-heading">
      {a.blockedAt ? (
        <>
          <h2 id="block-heading">Lift the block</h2>
          <ReasonForm
            form="unblock"
            action={`${base}/unblock`}
            button="Unblock account"
            hint="The account can sign in again. The reason is kept in the audit log (3 to 500 characters)."
            problem={problem}
          />
        </>
      ) : (
        <>
          <h2 id="block-heading">Block account</h2>
          {props.self ? (
            <p>This is your own account: you cannot block yourself.</p>
          ) : props.account.role === "admin" ? (
            <p>This account is an admin, and one admin cannot block another: its role must change first.</p>
          ) : (
            <ReasonForm
              form="block"
              action={`${base}/block`}
              button="Block account"
              hint="The account is signed out everywhere and cannot sign in. Its votes stay unless you remove them. The reason is kept in the audit log (3 to 500 characters)."
              problem={problem}
              danger
            />
          )}
        </>
      )}
    </section>
  );
}

/** /admin/accounts/:id: the account, its votes and history, and the moderation forms. */
export function AccountAdminPage(props: {
  account: AccountDetail;
  /** The moderator looking, who may not block themselves. */
  viewerId: number;
  canBlock: boolean;
  canReadAudit: boolean;
  notice?: AccountNotice;
  problem?: FormProblem;
}) {
  const { account: a, problem } = props;
  return (
    <Layout title={`Account #${a.id}`}>
      <Breadcrumb trail={MODERATION_TRAIL} current={`Account #${a.id}`} />
      <h1>Account #{a.id}</h1>
      <AdminNav current="other" canReadAudit={props.canReadAudit} />
      {props.notice ? (
        <p class="callout notice" role="status">
          {noticeText(props.notice)}
        </p>
      ) : null}
      {problem ? (
        <p class="callout notice-error" role="alert">
          Nothing changed. {problem.message}
        </p>
      ) : null}
      <AccountFacts account={a} />
      <AccountVotes votes={a.votes} />
      <div class="moderation-actions">
        <RemoveVotesSection account={a} problem={problem} />
        {props.canBlock ? (
          <BlockSection account={a} self={a.id === props.viewerId} problem={problem} />
        ) : null}
        {props.canBlock ? (
          <section aria-labelledby="delete-heading">
            <h2 id="delete-heading">Delete account</h2>
            <p>
              On the holder's request, when they cannot do it themselves:{" "}
              <a href={`/admin/accounts/${a.id}/delete`}>delete this account</a> (a confirmation page lists
              what goes and what stays).
            </p>
          </section>
        ) : null}
      </div>
      <h2 id="history-heading">Moderation history</h2>
      {a.history.length === 0 ? (
        <p>Nothing has been recorded about this account.</p>
      ) : (
        <AuditTable entries={a.history} labelledBy="history-heading" showSubject={false} />
      )}
    </Layout>
  );
}

/** /admin/audit: the audit log, newest first, a page at a time. */
export function AuditLogPage(props: {
  entries: AuditEntry[];
  nextBefore: number | null;
  firstPage: boolean;
}) {
  return (
    <Layout title="Audit log">
      <Breadcrumb trail={MODERATION_TRAIL} current="Audit log" />
      <h1 id="audit-heading">Audit log</h1>
      <AdminNav current="audit" canReadAudit />
      <p class="lede">
        Every moderation step, newest first. Entries cannot be edited or deleted; when an account is deleted,
        its address is taken out of the entries that held it.
      </p>
      {props.entries.length === 0 ? (
        <p>{props.firstPage ? "Nothing has been recorded yet." : "There are no older entries."}</p>
      ) : (
        <AuditTable entries={props.entries} labelledBy="audit-heading" showSubject />
      )}
      <nav class="pagination" aria-label="Audit log pages">
        {props.firstPage ? <span /> : <a href="/admin/audit">Newest entries</a>}
        {props.nextBefore !== null ? (
          <a href={`/admin/audit?before=${props.nextBefore}`} rel="next">
            Older entries
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
