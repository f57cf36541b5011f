/** Newsletter pages: subscribe, check your email, confirm, unsubscribe and preferences. */
import { maskEmail } from "../../../domain/email.ts";
import { EmailInput, FormBasics } from "../../../ui/forms.tsx";
import { Layout } from "../../../ui/layout.tsx";
import { OutboxNote } from "../../accounts/index.ts";
import type { CategoryRef } from "../../tools/index.ts";
import type { SubscriberStatus } from "./service.ts";

const ARCHIVE_PATH = "/newsletter/issues";

/** Checkboxes for the categories an issue leads with; ids carry a prefix so two groups never clash. */
function CategoryChoices(props: {
  idPrefix: string;
  legend: string;
  categories: readonly CategoryRef[];
  selected: readonly string[];
  error?: string;
}) {
  const errorId = `${props.idPrefix}-error`;
  return (
    <fieldset class="checks" aria-describedby={props.error ? errorId : undefined}>
      <legend>{props.legend}</legend>
      <ul class="checks-list">
        {props.categories.map((c) => (
          <li>
            <input
              type="checkbox"
              id={`${props.idPrefix}-${c.slug}`}
              name="category"
              value={c.slug}
              checked={props.selected.includes(c.slug)}
            />
            <label for={`${props.idPrefix}-${c.slug}`}>{c.name}</label>
          </li>
        ))}
      </ul>
      {props.error ? (
        <p id={errorId} class="field-error">
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}

export interface SubscribePageProps {
  categories: readonly CategoryRef[];
  /** What the field shows: the typed value after an error, or the signed-in reader's address. */
  email?: string;
  error?: string;
  selected?: readonly string[];
  categoriesError?: string;
}

/** /newsletter: the full sign-up form, with optional categories to lead with. */
export function SubscribePage(props: SubscribePageProps) {
  return (
    <Layout
      title="Weekly AI Tool Verdicts"
      description="Subscribe to the Ship or Skip newsletter: new panel verdicts and the week's most compared tools, once a week."
    >
      <h1>Weekly AI Tool Verdicts</h1>
      <p class="lede">One email a week with what changed in the catalog.</p>
      <p>
        Each issue brings the verdicts the panel published that week, the comparisons readers opened most, the
        tools whose community vote moved the most, and the pair compared more than any other. Pick categories
        below and your issue opens with them.
      </p>
      <form class="stack" action="/newsletter" method="post" novalidate>
        <FormBasics returnTo="/newsletter" />
        <div class="field">
          <label for="subscribe-email">Email</label>
          <EmailInput
            id="subscribe-email"
            value={props.email ?? ""}
            aria-invalid={props.error ? "true" : undefined}
            aria-describedby={props.error ? "subscribe-email-error" : undefined}
          />
          {props.error ? (
            <p id="subscribe-email-error" class="field-error">
              {props.error}
            </p>
          ) : null}
        </div>
        <CategoryChoices
          idPrefix="subscribe-category"
          legend="Lead with these categories (optional)"
          categories={props.categories}
          selected={props.selected ?? []}
          error={props.categoriesError}
        />
        <div>
          <button type="submit">Subscribe</button>
        </div>
      </form>
      <p class="muted small mt-2">
        We send a confirmation link first; nothing arrives until you press its button. Every issue has a
        one-click unsubscribe link. Curious first? <a href={ARCHIVE_PATH}>Read past issues</a>.
      </p>
    </Layout>
  );
}

/** After subscribing: the same words for every address, new, waiting or subscribed already. */
export function CheckEmailPage(props: { outboxDir?: string }) {
  return (
    <Layout title="Check your email">
      <h1>Check your email</h1>
      <p class="lede">We have sent a message to the address you gave.</p>
      <p>
        To start receiving Weekly AI Tool Verdicts, open the link in it and press the button on the page it
        opens. The link stays valid for 7 days.
      </p>
      {props.outboxDir ? <OutboxNote dir={props.outboxDir} /> : null}
      <p class="muted small">
        Nothing arrived after a few minutes? Look in the spam folder, or{" "}
        <a href="/newsletter">enter the address again</a>.
      </p>
    </Layout>
  );
}

/** The page a confirmation link opens: a button, so a mail scanner following the link subscribes nobody. */
export function ConfirmSubscriptionPage(props: { token: string; email: string }) {
  return (
    <Layout title="Confirm your subscription">
      <h1>Confirm your subscription</h1>
      <p class="lede">Weekly AI Tool Verdicts, for {maskEmail(props.email)}.</p>
      <form action="/newsletter/confirm" method="post">
        <FormBasics returnTo="/newsletter" />
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Confirm my subscription</button>
      </form>
      <p class="muted small mt-2">
        Did not ask for it? Close this page: without the button, nothing happens.
      </p>
    </Layout>
  );
}

/** The page an unsubscribe link opens: one button, no sign-in. */
export function UnsubscribePage(props: { token: string; email: string; status: SubscriberStatus }) {
  const subscribed = props.status === "confirmed" || props.status === "pending";
  return (
    <Layout title="Unsubscribe">
      <h1>Unsubscribe from Weekly AI Tool Verdicts</h1>
      <p class="lede">
        {subscribed
          ? `Stop sending the newsletter to ${maskEmail(props.email)}.`
          : `${maskEmail(props.email)} is not receiving the newsletter.`}
      </p>
      {subscribed ? (
        <form action={`/newsletter/unsubscribe?token=${encodeURIComponent(props.token)}`} method="post">
          <FormBasics returnTo="/newsletter" />
          <input type="hidden" name="token" value={props.token} />
          <button type="submit">Unsubscribe</button>
        </form>
      ) : null}
      <p class="muted small mt-2">
        Rather keep it, with the categories you care about first?{" "}
        <a href={`/newsletter/preferences?token=${encodeURIComponent(props.token)}`}>Choose them here</a>.
      </p>
    </Layout>
  );
}

/** After unsubscribing; the same page however many times it is asked. */
export function UnsubscribedPage(props: { email: string }) {
  return (
    <Layout title="Unsubscribed">
      <h1>You are unsubscribed</h1>
      <p class="lede">We will not send Weekly AI Tool Verdicts to {maskEmail(props.email)} any more.</p>
      <p>
        Changed your mind? <a href="/newsletter">Subscribe again</a>; you will be asked to confirm by email.
      </p>
    </Layout>
  );
}

const STATUS_TEXT: Record<SubscriberStatus, string> = {
  confirmed: "You are subscribed.",
  pending:
    "Your subscription waits for confirmation: press the button behind the link in the confirmation email.",
  unsubscribed: "You are unsubscribed: no issues go to this address.",
  bounced: "Issues to this address could not be delivered, so we stopped sending them.",
};

export interface PreferencesPageProps {
  token: string;
  email: string;
  status: SubscriberStatus;
  categories: readonly CategoryRef[];
  selected: readonly string[];
  notice?: "saved" | "confirmed";
  error?: string;
}

/** /newsletter/preferences: the categories an issue leads with, reached from the link in every issue. */
export function PreferencesPage(props: PreferencesPageProps) {
  const query = `?token=${encodeURIComponent(props.token)}`;
  return (
    <Layout title="Newsletter preferences">
      <h1>Newsletter preferences</h1>
      {props.notice === "confirmed" ? (
        <p class="callout notice" role="status">
          Your subscription is confirmed. The next issue is on its way to {maskEmail(props.email)}.
        </p>
      ) : props.notice === "saved" ? (
        <p class="callout notice" role="status">
          Saved. Your next issue opens with the categories you follow.
        </p>
      ) : null}
      <p class="lede">
        {maskEmail(props.email)}: {STATUS_TEXT[props.status]}
      </p>
      <form class="stack mt-2" action={`/newsletter/preferences${query}`} method="post">
        <FormBasics returnTo="/newsletter" />
        <input type="hidden" name="token" value={props.token} />
        <CategoryChoices
          idPrefix="preferences-category"
          legend="Lead my issue with these categories"
          categories={props.categories}
          selected={props.selected}
          error={props.error}
        />
        <p class="muted small m-0">
          With none chosen, the issue follows the whole catalog in its usual order.
        </p>
        <div>
          <button type="submit">Save preferences</button>
        </div>
      </form>
      <p class="muted small mt-2">
        {props.status === "confirmed" || props.status === "pending" ? (
          <a href={`/newsletter/unsubscribe${query}`}>Unsubscribe</a>
        ) : (
          <a href="/newsletter">Subscribe again</a>
        )}
        {" · "}
        <a href={ARCHIVE_PATH}>Past issues</a>
      </p>
    </Layout>
  );
}
