/** The privacy page, and the confirmation pages for deleting an account (its holder's and an admin's). */
import { Breadcrumb } from "../../ui/breadcrumb.tsx";
import { FormBasics } from "../../ui/forms.tsx";
import { Layout } from "../../ui/layout.tsx";
import type { DeletionCounts } from "./deletion.ts";

/** How long things are kept, as the code has them, for the privacy page. */
export interface Retention {
  linkMinutes: number;
  sessionDays: number;
  confirmDays: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What goes, in words, from the counts of one account. */
function RemovedList(props: { counts: DeletionCounts; whose: "your" | "its" }) {
  const { counts: n, whose } = props;
  return (
    <ul>
      <li>the account and {whose} email address;</li>
      <li>{plural(n.sessions, "signed-in session")} (every device is signed out);</li>
      <li>{plural(n.votes, "vote")} (the tools' community figures are recomputed without them);</li>
      <li>{plural(n.picks, "head-to-head pick")} (the leaderboard is recomputed without them);</li>
      <li>{plural(n.bookmarks, "bookmark")};</li>
      <li>{plural(n.apiTokens, "API token")} (they stop working at once);</li>
      <li>
        {n.subscriptions > 0
          ? `the newsletter subscription for ${whose} address (no further issue is sent)`
          : "any newsletter subscription for the address (there is none now)"}
        ;
      </li>
      <li>unused sign-in links for the address.</li>
    </ul>
  );
}

/** What stays, in words. */
function KeptList(props: { counts: DeletionCounts; whose: "your" | "its" }) {
  const { counts: n, whose } = props;
  return (
    <ul>
      {n.reviewsKept > 0 ? (
        <li>
          {plural(n.reviewsKept, "published review revision")}: published reviews stay on the site under{" "}
          {whose} byline, with no link to an account.
        </li>
      ) : (
        <li>Published reviews stay under their byline (this account has published none).</li>
      )}
      <li>
        The audit log keeps its entries about the account, with the address removed, and one more saying the
        account was deleted, without the address.
      </li>
    </ul>
  );
}

/** /account/delete: what deleting the account removes and keeps, and the form that does it. */
export function DeleteAccountPage(props: { email: string; counts: DeletionCounts; error?: string }) {
  return (
    <Layout title="Delete your account" section="account">
      <Breadcrumb trail={[{ href: "/account", label: "Your account" }]} current="Delete your account" />
      <h1>Delete your account</h1>
      <p class="lede">
        This cannot be undone. If you want a copy of your data first, <a href="/account/data">download it</a>.
      </p>
      <h2>What is removed</h2>
      <RemovedList counts={props.counts} whose="your" />
      <h2>What stays</h2>
      <KeptList counts={props.counts} whose="your" />
      <p>
        You can sign in again later with the same address; that starts a new, empty account.{" "}
        <a href="/privacy">How we handle your data</a>.
      </p>
      {props.error ? (
        <p class="callout notice-error" role="alert" id="confirm-error">
          Nothing was deleted. {props.error}
        </p>
      ) : null}
      <form class="stack" action="/account/delete" method="post" novalidate>
        <FormBasics returnTo="/account" />
        <div class="field">
          <label for="confirm-email">
            To confirm, type your email address: <strong>{props.email}</strong>
          </label>
          <input
            id="confirm-email"
            type="email"
            name="confirm_email"
            autocomplete="off"
            required
            aria-invalid={props.error ? "true" : undefined}
            aria-describedby={props.error ? "confirm-error" : undefined}
          />
        </div>
        <button type="submit" class="danger">
          Delete my account
        </button>
      </form>
      <p>
        <a href="/account">Keep my account</a>
      </p>
    </Layout>
  );
}

/** /account/deleted: the confirmation, signed out. */
export function AccountDeletedPage() {
  return (
    <Layout title="Your account is deleted">
      <h1>Your account is deleted</h1>
      <p class="lede">
        Your account, sessions, votes, picks, bookmarks, API tokens and newsletter subscription are gone, and
        you are signed out. Community figures no longer count your votes.
      </p>
      <p>
        Published reviews stay under their byline. The audit log records that an account was deleted, without
        your address. <a href="/privacy">What we keep, and why</a>.
      </p>
      <p>
        <a href="/">Back to the home page</a>
      </p>
    </Layout>
  );
}

/** /admin/accounts/:id/delete: an admin deleting an account on its holder's request. */
export function AdminDeleteAccountPage(props: {
  id: number;
  email: string;
  counts: DeletionCounts;
  /** Why it cannot be deleted here, when it cannot. */
  refusal?: string;
  error?: string;
  reason?: string;
}) {
  return (
    <Layout title={`Delete account #${props.id}`}>
      <Breadcrumb
        trail={[
          { href: "/admin/moderation", label: "Moderation" },
          { href: `/admin/accounts/${props.id}`, label: `Account #${props.id}` },
        ]}
        current="Delete"
      />
      <h1>Delete account #{props.id}</h1>
      <p class="lede">
        For a reader who asked for their account to be deleted and cannot do it themselves at{" "}
        <code>/account/delete</code>. This cannot be undone, and it is recorded in the audit log with your
        reason, without the address.
      </p>
      <h2>What is removed</h2>
      <RemovedList counts={props.counts} whose="its" />
      <h2>What stays</h2>
      <KeptList counts={props.counts} whose="its" />
      {props.refusal ? (
        <p class="callout notice-error" role="alert">
          {props.refusal}
        </p>
      ) : (
        <>
          {props.error ? (
            <p class="callout notice-error" role="alert" id="delete-error">
              Nothing was deleted. {props.error}
            </p>
          ) : null}
          <form class="stack" action={`/admin/accounts/${props.id}/delete`} method="post" novalidate>
            <FormBasics returnTo={`/admin/accounts/${props.id}`} />
            <div class="field">
              <label for="delete-reason">Reason (kept in the audit log; 3 to 500 characters)</label>
              <textarea id="delete-reason" name="reason" rows={3} maxlength={500} required>
                {props.reason ?? ""}
              </textarea>
            </div>
            <div class="field">
              <label for="delete-confirm">
                To confirm, type the account's email address: <strong>{props.email}</strong>
              </label>
              <input id="delete-confirm" type="email" name="confirm_email" autocomplete="off" required />
            </div>
            <button type="submit" class="danger">
              Delete account #{props.id}
            </button>
          </form>
        </>
      )}
      <p>
        <a href={`/admin/accounts/${props.id}`}>Back to the account</a>
      </p>
    </Layout>
  );
}

/** /privacy: what is stored, why, for how long, and how to take it or delete it. */
export function PrivacyPage(props: { retention: Retention }) {
  const r = props.retention;
  return (
    <Layout
      title="Privacy"
      description="What Ship or Skip stores about you, why, for how long, and how to download or delete it."
    >
      <h1>Privacy</h1>
      <p class="lede">
        What this site stores about you, why, for how long, and how to take it with you or delete it. There
        are no advertising or analytics trackers, and nothing is sold or shared.
      </p>

      <h2 id="what">What is stored, and why</h2>
      <dl class="pairs">
        <dt>Your email address</dt>
        <dd>
          When you sign in, to send you sign-in links and to tell your account from others. An admin sees it
          when moderating. Kept until you delete your account.
        </dd>
        <dt>Sign-in links</dt>
        <dd>
          A link works once, for {r.linkMinutes} minutes. We keep only a hash of it, with the address it was
          sent to and when it was used; the record is removed once it is a day past its expiry (at the next
          link anyone asks for), or when you delete your account.
        </dd>
        <dt>Sessions</dt>
        <dd>
          One per device you sign in on: a hash of the cookie's token, the browser's description (its user
          agent), and when you signed in and were last seen. A session lasts {r.sessionDays} days, or until
          you sign out; the record of an expired one is removed at the next sign-in anyone makes. You can see
          and end them on <a href="/account">your account page</a>.
        </dd>
        <dt>Votes, picks and bookmarks</dt>
        <dd>
          What you chose, and when. Votes and picks make the community figures and the leaderboard; a pick
          also keeps a keyed hash of your network (never the address), so one network cannot flood the
          leaderboard. Published picks (<a href="/leaderboard/picks.csv">the open data</a>) never name an
          account. Signed out, bookmarks are kept in a cookie in your browser only. Kept until you withdraw
          them or delete your account.
        </dd>
        <dt>Newsletter subscriptions</dt>
        <dd>
          The address you subscribed with, the categories you follow, and the state of each issue's delivery
          to it. An unconfirmed request lapses after {r.confirmDays} days and is never mailed again.
          Unsubscribing stops every mail, and the address stays recorded as unsubscribed so it is not mailed
          by mistake; deleting your account removes the subscription for its address entirely.
        </dd>
        <dt>API tokens</dt>
        <dd>
          Their names, scope, and when they were created and last used. The token itself is shown once and
          kept only as a hash. Kept until you revoke them or delete your account.
        </dd>
        <dt>Reviews (panelists only)</dt>
        <dd>
          The reviews you publish and their revisions, under the byline you chose. They are the site's content
          and stay when an account is deleted, under the same byline, with no link to the account.
        </dd>
        <dt>The audit log</dt>
        <dd>
          Moderation and editing steps (blocking an account, removing votes, changing roles, publishing
          reviews), so admins can account for what they did. When an account is deleted, its address is
          removed from every entry, and one entry records the deletion without it.
        </dd>
        <dt>Request logs</dt>
        <dd>
          One line per request for the operator: the method, the route, the status, the time taken and the
          size. No cookie, token, email address or query value is written.
        </dd>
        <dt>Rate limits</dt>
        <dd>
          Short-lived counters (an hour at most) keyed by account, by network, or by the address a sign-in
          link or a subscription is asked for, so no one can flood an inbox or the votes.
        </dd>
      </dl>

      <h2 id="take">Download your data</h2>
      <p>
        Signed in, open <a href="/account">your account</a> and choose “Download my data”: a JSON file with
        your account, sessions, votes, picks, bookmarks, newsletter subscriptions, API token names, the
        reviews you wrote and the audit entries about you. It holds no secret: no token, and no hash of one.
      </p>

      <h2 id="delete">Delete your account</h2>
      <p>
        Signed in, open <a href="/account/delete">Delete your account</a> (also linked from your account
        page). It lists what goes and what stays, and asks you to type your address to confirm. The account,
        its sessions, votes, picks, bookmarks, API tokens and newsletter subscription are removed at once, the
        community figures and the leaderboard are recomputed without them, and you are signed out. If you
        cannot sign in, ask an admin of this site: they can delete the account for you, and that is recorded
        in the audit log.
      </p>
      <p>
        Copies of the database the operator keeps as backups hold the data until those copies are replaced.
      </p>
    </Layout>
  );
}
