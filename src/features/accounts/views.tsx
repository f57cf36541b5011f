/** Sign-in, confirmation, account and development-outbox pages. */

import type { SessionUser } from "../../domain/account.ts";
import {
  MAX_API_TOKENS,
  TOKEN_NAME_MAX_LENGTH,
  TOKEN_SCOPE_WORDS,
  TOKEN_SCOPES,
} from "../../domain/api-token.ts";
import { maskEmail } from "../../domain/email.ts";
import { can, PERMISSIONS } from "../../domain/permissions.ts";
import { API_TOKEN_PREFIX } from "../../http/tokens.ts";
import type { EmlSummary } from "../../mail/eml.ts";
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import { EmailInput, type FieldErrors, FormBasics, SelectField, TextField } from "../../ui/forms.tsx";
import { formatUtcMinute } from "../../ui/labels.ts";
import { Layout } from "../../ui/layout.tsx";
import type { ApiTokenInfo } from "./api-tokens.ts";
import type { SessionInfo } from "./service.ts";

export interface SignInPageProps {
  next: string;
  email?: string;
  error?: string;
  /** Why the reader was sent here, e.g. "vote". */
  reason?: string;
  /** Set in development when mail goes to the outbox folder instead of a mail server. */
  outboxDir?: string;
}

const REASONS: Record<string, string> = {
  vote: "Sign in to vote ship or skip. One vote per account keeps the community figures honest.",
  pick: "Sign in to pick the tool you would ship with.",
  account: "Sign in to see your account.",
};

/** /sign-in: one field, no password. */
export function SignInPage(props: SignInPageProps) {
  return (
    <Layout title="Sign in" description="Sign in to Ship or Skip with a link sent to your email.">
      <h1>Sign in</h1>
      <p class="lede">
        {REASONS[props.reason ?? ""] ?? "Vote, pick winners and keep your bookmarks on every device."}
      </p>
      <p>We email you a link that signs you in. There is no password to remember.</p>
      <form class="stack" action="/sign-in" method="post" novalidate>
        <FormBasics returnTo={props.next} />
        <div class="field">
          <label for="email">Email</label>
          <EmailInput
            id="email"
            value={props.email ?? ""}
            aria-invalid={props.error ? "true" : undefined}
            aria-describedby={props.error ? "email-error" : undefined}
          />
          {props.error ? (
            <p id="email-error" class="field-error">
              {props.error}
            </p>
          ) : null}
        </div>
        <button type="submit">Email me a sign-in link</button>
      </form>
      {props.outboxDir ? <OutboxNote dir={props.outboxDir} /> : null}
    </Layout>
  );
}

/** Development only: where the mail went, since no mail server is configured. */
export function OutboxNote(props: { dir: string }) {
  return (
    <p class="callout">
      Development: no mail server is configured (<code>SMTP_URL</code> is unset), so messages are written to{" "}
      <code>{props.dir}</code> as <code>.eml</code> files. Read them in <a href="/dev/outbox">the outbox</a>.
    </p>
  );
}

/** After asking for a link: the same words whether or not the address has an account. */
export function LinkSentPage(props: { outboxDir?: string }) {
  return (
    <Layout title="Check your email">
      <h1>Check your email</h1>
      <p class="lede">A sign-in link is on its way. It works once, for 15 minutes.</p>
      <p>Open it on this device and press the button on the page it opens.</p>
      {props.outboxDir ? <OutboxNote dir={props.outboxDir} /> : null}
      <p class="muted small">
        Nothing arrived? Check the spam folder, or <a href="/sign-in">ask for a new link</a>.
      </p>
    </Layout>
  );
}

/** The page a sign-in link opens: a button, so a mail scanner following the link signs nobody in. */
export function ConfirmPage(props: { token: string; email: string }) {
  return (
    <Layout title="Confirm sign-in">
      <h1>Sign in to Ship or Skip</h1>
      <p class="lede">You are signing in as {maskEmail(props.email)}.</p>
      <form action="/sign-in/confirm" method="post">
        <FormBasics returnTo="/" />
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Sign me in</button>
      </form>
    </Layout>
  );
}

function describeAgent(ua: string): string {
  const browser = /Firefox\//.test(ua)
    ? "Firefox"
    : /Edg\//.test(ua)
      ? "Edge"
      : /Chrome\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : ua
            ? ua.slice(0, 40)
            : "Unknown browser";
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Android/.test(ua)
      ? "Android"
      : /iPhone|iPad/.test(ua)
        ? "iOS"
        : /Mac OS X/.test(ua)
          ? "macOS"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}

/** What the token form shows: the values sent back after a refusal, and the new token after a creation. */
export interface TokenFormState {
  values?: { name: string; scope: string };
  errors?: FieldErrors;
  /** The token just created: shown on this one response and never again. */
  created?: { token: string; info: ApiTokenInfo };
  /** The name of the token just revoked. */
  revoked?: string;
  /** A calm word about the last action (a re-sent creation form, a second revocation). */
  notice?: string;
  /** The creation form's one-time value: a re-sent form carries a used one and creates nothing. */
  nonce?: string;
}

/** /account: who you are, what you may do, where you are signed in, and your API tokens. */
export function AccountPage(props: {
  user: SessionUser;
  sessions: SessionInfo[];
  tokens: ApiTokenInfo[];
  tokenForm?: TokenFormState;
}) {
  const { user, sessions } = props;
  const granted = PERMISSIONS.filter((p) => can(user.role, p));
  return (
    <Layout title="Your account">
      <h1>Your account</h1>
      <dl class="pairs">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>
          {user.role} <span class="muted small">({granted.join(", ")})</span>
        </dd>
      </dl>
      <p>
        <a href="/bookmarks">Your bookmarks</a>
        {can(user.role, "vote:moderate") ? (
          <>
            {" · "}
            <a href="/admin/moderation">Moderation</a>
          </>
        ) : null}
        {can(user.role, "newsletter:send") ? (
          <>
            {" · "}
            <a href="/admin/newsletter">Newsletter</a>
          </>
        ) : null}
        {can(user.role, "review:write") ? (
          <>
            {" · "}
            <a href="/panel">The panel's queue</a>
          </>
        ) : null}
        {can(user.role, "tool:edit") ? (
          <>
            {" · "}
            <a href="/admin/tools">Catalog</a>
          </>
        ) : null}
        {can(user.role, "prediction:resolve") ? (
          <>
            {" · "}
            <a href="/admin/predictions">Predictions</a>
          </>
        ) : null}
      </p>
      <h2 id="sessions-heading">Where you are signed in</h2>
      <div class="table-scroll">
        <table aria-labelledby="sessions-heading">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Signed in (UTC)</th>
              <th scope="col">Last seen (UTC)</th>
              <th scope="col">
                <span class="skip-link">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td>
                  {describeAgent(s.userAgent)}
                  {s.id === user.sessionId ? <strong> · this device</strong> : null}
                </td>
                <td>{formatUtcMinute(s.createdAt)}</td>
                <td>{formatUtcMinute(s.lastSeenAt)}</td>
                <td>
                  <form action={`/account/sessions/${s.id}/end`} method="post">
                    <FormBasics returnTo="/account" />
                    <button type="submit" class="secondary">
                      Sign out<span class="skip-link"> {describeAgent(s.userAgent)}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form class="mt-2" action="/account/sign-out-everywhere" method="post">
        <FormBasics returnTo="/" />
        <button type="submit">Sign out everywhere</button>
      </form>
      <ApiTokens tokens={props.tokens} form={props.tokenForm ?? {}} />
      <section aria-labelledby="data-heading">
        <h2 id="data-heading">Your data</h2>
        <p>
          <a href="/account/data" download>
            Download my data
          </a>{" "}
          (a JSON file of your account, sessions, votes, picks, bookmarks, newsletter subscriptions, API token
          names and reviews) · <a href="/account/delete">Delete my account</a> ·{" "}
          <a href="/privacy">What we store and why</a>
        </p>
      </section>
    </Layout>
  );
}

/** The API-tokens section of /account: the new token (once), the list, and the form. */
function ApiTokens(props: { tokens: ApiTokenInfo[]; form: TokenFormState }) {
  const { tokens, form } = props;
  const errors = form.errors ?? {};
  const full = tokens.length >= MAX_API_TOKENS;
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p>
        A token lets a program of yours use the <a href="/api">Ship or Skip API</a> as you: send it as{" "}
        <code>Authorization: Bearer &lt;token&gt;</code>. Anyone holding a token can act with it, so keep it
        secret, and revoke it here when you no longer need it.
      </p>
      {form.created ? (
        <div class="callout" role="status">
          <h3>Your new token “{form.created.info.name}”</h3>
          <p>
            Copy it now: this is the only time it is shown. We keep only a hash of it, so nobody can show it
            again, us included.
          </p>
          <p>
            <strong>Token:</strong> <code id="new-token">{form.created.token}</code>
          </p>
          <p class="small">{TOKEN_SCOPE_WORDS[form.created.info.scope]}.</p>
        </div>
      ) : null}
      {form.revoked !== undefined ? (
        <p class="callout notice" role="status">
          Revoked “{form.revoked}”. Programs using it are refused from now on.
        </p>
      ) : null}
      {form.notice ? (
        <p class="callout notice" role="status">
          {form.notice}
        </p>
      ) : null}
      {tokens.length === 0 ? (
        <p class="muted">You have no API tokens.</p>
      ) : (
        // one card per token rather than a table: on a phone every part, Revoke too, stays on screen
        <ul class="token-list" aria-labelledby="tokens-heading">
          {tokens.map((t) => (
            <li class="card">
              <p class="token-name">
                <strong>{t.name}</strong>
              </p>
              <dl class="pairs small">
                <dt>May</dt>
                <dd>{TOKEN_SCOPE_WORDS[t.scope]}</dd>
                <dt>Token</dt>
                <dd>
                  <code>
                    {API_TOKEN_PREFIX}…{t.hint}
                  </code>
                </dd>
                <dt>Created</dt>
                <dd>{formatUtcMinute(t.createdAt)} UTC</dd>
                <dt>Last used</dt>
                <dd>{t.lastUsedAt ? `${formatUtcMinute(t.lastUsedAt)} UTC` : "Never"}</dd>
              </dl>
              {/* a second step, so a stray tap does not break a program that relies on the token */}
              <details class="token-revoke">
                <summary>
                  Revoke…<span class="skip-link"> the token {t.name}</span>
                </summary>
                <form action={`/account/tokens/${t.id}/revoke`} method="post">
                  <FormBasics returnTo="/account" />
                  <p class="small">Programs using “{t.name}” are refused from the next request on.</p>
                  <button type="submit" class="secondary">
                    Revoke “{t.name}”
                  </button>
                </form>
              </details>
            </li>
          ))}
        </ul>
      )}
      <h3 id="new-token-heading">Create a token</h3>
      {full ? (
        <p>You hold {MAX_API_TOKENS} tokens, the most an account may have. Revoke one to create another.</p>
      ) : (
        <form
          class="stack"
          action="/account/tokens"
          method="post"
          aria-labelledby="new-token-heading"
          novalidate
        >
          <FormBasics returnTo="/account" />
          {form.nonce ? <input type="hidden" name="nonce" value={form.nonce} /> : null}
          <TextField
            name="name"
            label="Name"
            hint="What the token is for, so you recognise it later (say, “laptop script”)."
            value={form.values?.name ?? ""}
            maxlength={TOKEN_NAME_MAX_LENGTH}
            required
            errors={errors}
          />
          <SelectField
            name="scope"
            label="What it may do"
            empty="Choose what the token may do"
            options={TOKEN_SCOPES.map((s) => ({ value: s, label: TOKEN_SCOPE_WORDS[s] }))}
            value={form.values?.scope ?? "read"}
            required
            errors={errors}
          />
          <button type="submit">Create token</button>
        </form>
      )}
      <p class="muted small">
        An account holds at most {MAX_API_TOKENS} tokens. A revoked token stops working at once.
      </p>
    </section>
  );
}

export interface OutboxEntry {
  name: string;
  to: string;
  subject: string;
  date: string;
}

/** /dev/outbox: the messages written instead of sent, newest first. */
export function OutboxPage(props: { entries: OutboxEntry[]; dir: string }) {
  return (
    <Layout title="Outbox (development)">
      <h1>Outbox</h1>
      <p class="lede">
        Mail written to <code>{props.dir}</code> because <code>SMTP_URL</code> is unset.
      </p>
      {props.entries.length === 0 ? (
        <p>No messages yet.</p>
      ) : (
        <ul class="list-plain">
          {props.entries.map((e) => (
            <li>
              <a href={`/dev/outbox/${e.name}`}>{e.subject || "(no subject)"}</a>{" "}
              <span class="muted small">
                to {e.to} · {e.date}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/** One outbox message, with its links made clickable. */
export function OutboxMessagePage(props: { name: string; message: EmlSummary }) {
  const { headers, text } = props.message;
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <Layout title={headers.subject ?? "Message"}>
      <Breadcrumb trail={[{ href: "/dev/outbox", label: "Outbox" }]} current={props.name} />
      <h1>{headers.subject ?? "(no subject)"}</h1>
      <dl class="pairs">
        <dt>To</dt>
        <dd>{headers.to}</dd>
        <dt>From</dt>
        <dd>{headers.from}</dd>
        <dt>Date</dt>
        <dd>{headers.date}</dd>
      </dl>
      <pre class="mail">{parts.map((p, i) => (i % 2 === 1 ? <a href={p}>{p}</a> : p))}</pre>
      {props.message.html === null ? null : (
        <p>
          <a href={`/dev/outbox/${props.name}/html`}>View the HTML part</a>
        </p>
      )}
    </Layout>
  );
}
