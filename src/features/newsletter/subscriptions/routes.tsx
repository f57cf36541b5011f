/** Subscribing (double opt-in), confirming, unsubscribing (RFC 8058 one-click too) and preferences. */
import { type Context, Hono } from "hono";
import { EMAIL_MAX_LENGTH, normalizeEmail } from "../../../domain/email.ts";
import { clientAddress, clientNetwork } from "../../../http/client-address.ts";
import type { Deps } from "../../../http/deps.ts";
import { HttpError } from "../../../http/errors.ts";
import { parseForm } from "../../../http/form.ts";
import { devOutboxDir, sendMailOrFail } from "../../../http/mail.ts";
import { sendPage } from "../../../http/page.tsx";
import { checkRateLimits } from "../../../http/rate-limit.ts";
import {
  NEWSLETTER_PER_ADDRESS,
  NEWSLETTER_PER_CLIENT,
  NEWSLETTER_PER_INBOX,
  WRITES_PER_VIEWER,
} from "../../../http/rate-rules.ts";
import { isTokenShaped } from "../../../http/tokens.ts";
import { write } from "../../../http/write.ts";
import { listCategories } from "../../catalog/index.ts";
import { confirmUrl, preferencesUrl, unsubscribeUrl } from "../issues/index.ts";
import { alreadySubscribedMail, confirmationMail } from "./mail.ts";
import {
  type ConfirmProblem,
  confirmSubscription,
  getPreferences,
  inspectConfirmation,
  setPreferences,
  subscribe,
  unsubscribe,
} from "./service.ts";
import {
  CheckEmailPage,
  ConfirmSubscriptionPage,
  PreferencesPage,
  SubscribePage,
  UnsubscribedPage,
  UnsubscribePage,
} from "./views.tsx";

const CONFIRM_PROBLEMS: Record<ConfirmProblem, [title: string, detail: string]> = {
  unknown: [
    "That confirmation link does not work",
    "This confirmation link is not valid. It may have been copied incompletely, replaced by a newer link, or be more than 7 days old. Subscribe again to get a new one.",
  ],
  expired: [
    "That confirmation link does not work",
    "This confirmation link has expired: links stay valid for 7 days. Subscribe again to get a new one.",
  ],
  confirmed: [
    "Already confirmed",
    "This subscription is confirmed already, so there is nothing left to do: the link did its job the first time. Nothing has changed.",
  ],
  used: [
    "That confirmation link does not work",
    "This confirmation link has been used already, and the subscription has ended since. To receive the newsletter again, subscribe again.",
  ],
};

function confirmProblem(problem: ConfirmProblem): HttpError {
  const [title, detail] = CONFIRM_PROBLEMS[problem];
  const next =
    problem === "confirmed"
      ? { href: "/newsletter/issues", label: "Read past issues" }
      : { href: "/newsletter", label: "Subscribe again" };
  return new HttpError(400, title, detail, [next]);
}

/** The one answer for an unsubscribe or preferences token we never issued. */
function unknownSubscriberLink(): HttpError {
  return new HttpError(
    400,
    "That link does not work",
    "This newsletter link is not valid. It may have been copied incompletely: open it again from the newsletter email.",
    [{ href: "/newsletter", label: "Go to the newsletter page" }],
  );
}

type FormBody = Record<string, unknown>;

const first = (value: unknown): string | undefined =>
  typeof value === "string" ? value : Array.isArray(value) ? first(value[0]) : undefined;

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");

/** The token a request names: the form field, or (RFC 8058 one-click, links) the query. */
function tokenOf(c: Context, body: FormBody = {}): string {
  return first(body.token) ?? c.req.query("token") ?? "";
}

function unknownCategories(unknown: string[]): string {
  const names = unknown.slice(0, 3).map((s) => `“${s.slice(0, 40)}”`);
  return `We have no category called ${names.join(", ")}. Reload the page and pick from the list.`;
}

/** The newsletter's reader-facing routes. */
export function newsletterSubscribeRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;
  const outboxDir = devOutboxDir(deps);

  const categoryRefs = async () => (await listCategories(db)).map((c) => ({ slug: c.slug, name: c.name }));

  app.get("/newsletter", async (c) => {
    const user = c.get("viewer").user;
    return sendPage(c, <SubscribePage categories={await categoryRefs()} email={user?.email} />);
  });

  // subscriptions show on no cached page: these writes invalidate nothing
  const subscribing = write(deps, {
    permission: "anyone",
    // keyed on the validated address as well as the client, so the handler applies them,
    // checking first and counting only a mail actually sent
    rate: { inHandler: [NEWSLETTER_PER_ADDRESS, NEWSLETTER_PER_CLIENT, NEWSLETTER_PER_INBOX] },
    invalidates: "nothing",
  });
  const managing = write(deps, { permission: "anyone", rate: WRITES_PER_VIEWER, invalidates: "nothing" });

  app.post("/newsletter", subscribing, async (c) => {
    const body = await parseForm(c, { all: true });
    const slugs = strings(body.category);
    const parsed = normalizeEmail(first(body.email));
    if (!parsed.ok) {
      const typed = (first(body.email) ?? "").slice(0, EMAIL_MAX_LENGTH);
      const page = (
        <SubscribePage
          categories={await categoryRefs()}
          email={typed}
          error={parsed.error}
          selected={slugs}
        />
      );
      return sendPage(c, page, 400);
    }
    const network = clientNetwork(clientAddress(c, config.trustProxy));
    const sent = await checkRateLimits(c, deps.rateLimits, [
      { rule: NEWSLETTER_PER_ADDRESS, key: `${network} ${parsed.email}` },
      { rule: NEWSLETTER_PER_CLIENT, key: network },
      { rule: NEWSLETTER_PER_INBOX, key: parsed.email },
    ]);
    // the account is linked only when it is the reader's own address, never one they typed for someone else
    const user = c.get("viewer").user;
    const result = await subscribe(db, {
      email: parsed.email,
      categorySlugs: slugs.length > 0 ? slugs : undefined,
      userId: user?.email === parsed.email ? user.id : null,
    });
    if (!result.ok) {
      const page = (
        <SubscribePage
          categories={await categoryRefs()}
          email={parsed.email}
          selected={slugs}
          categoriesError={unknownCategories(result.unknown)}
        />
      );
      return sendPage(c, page, 400);
    }
    const mail =
      result.send === "confirmation"
        ? confirmationMail({ to: result.email, confirmUrl: confirmUrl(config.siteUrl, result.token) })
        : alreadySubscribedMail({
            to: result.email,
            preferencesUrl: preferencesUrl(config.siteUrl, result.unsubscribeToken),
            unsubscribeUrl: unsubscribeUrl(config.siteUrl, result.unsubscribeToken),
          });
    await sendMailOrFail(deps, mail, "newsletter subscription");
    await sent();
    // the same answer for a new, waiting or subscribed address: the inbox learns which, not the asker
    return c.redirect("/newsletter/check-email", 303);
  });

  app.get("/newsletter/check-email", (c) => sendPage(c, <CheckEmailPage outboxDir={outboxDir} />));

  app.get("/newsletter/confirm", async (c) => {
    const token = tokenOf(c);
    if (!isTokenShaped(token)) throw confirmProblem("unknown");
    const seen = await inspectConfirmation(db, token);
    if (!seen.ok) throw confirmProblem(seen.problem);
    // the page holds a live token: the shared page cache must never replay it
    c.header("cache-control", "no-store");
    return sendPage(c, <ConfirmSubscriptionPage token={token} email={seen.email} />);
  });

  app.post("/newsletter/confirm", managing, async (c) => {
    const token = tokenOf(c, await parseForm(c, { all: true }));
    if (!isTokenShaped(token)) throw confirmProblem("unknown");
    const result = await confirmSubscription(db, { token });
    if (!result.ok) throw confirmProblem(result.problem);
    return c.redirect(
      `/newsletter/preferences?token=${encodeURIComponent(result.unsubscribeToken)}&confirmed=1`,
      303,
    );
  });

  app.get("/newsletter/unsubscribe", async (c) => {
    const token = tokenOf(c);
    if (!isTokenShaped(token)) throw unknownSubscriberLink();
    const found = await getPreferences(db, { token });
    if (!found.ok) throw unknownSubscriberLink();
    c.header("cache-control", "no-store");
    const { email, status } = found.preferences;
    return sendPage(c, <UnsubscribePage token={token} email={email} status={status} />);
  });

  // The page's button and RFC 8058 one-click (a mail provider's POST of
  // "List-Unsubscribe=One-Click" to the List-Unsubscribe address) land here alike: no
  // cookie, no CSRF token (signed out, no Origin: allowed by the CSRF layer), answered 200.
  app.post("/newsletter/unsubscribe", managing, async (c) => {
    const token = tokenOf(c, await parseForm(c, { all: true }));
    if (!isTokenShaped(token)) throw unknownSubscriberLink();
    const result = await unsubscribe(db, { token });
    if (!result.ok) throw unknownSubscriberLink();
    c.header("cache-control", "no-store");
    return sendPage(c, <UnsubscribedPage email={result.email} />);
  });

  app.get("/newsletter/preferences", async (c) => {
    const token = tokenOf(c);
    if (!isTokenShaped(token)) throw unknownSubscriberLink();
    const found = await getPreferences(db, { token });
    if (!found.ok) throw unknownSubscriberLink();
    const { email, status, categorySlugs } = found.preferences;
    const notice =
      c.req.query("saved") === "1"
        ? "saved"
        : c.req.query("confirmed") === "1" && status === "confirmed"
          ? "confirmed"
          : undefined;
    c.header("cache-control", "no-store");
    return sendPage(
      c,
      <PreferencesPage
        token={token}
        email={email}
        status={status}
        categories={await categoryRefs()}
        selected={categorySlugs}
        notice={notice}
      />,
    );
  });

  app.post("/newsletter/preferences", managing, async (c) => {
    const body = await parseForm(c, { all: true });
    const token = tokenOf(c, body);
    if (!isTokenShaped(token)) throw unknownSubscriberLink();
    const slugs = strings(body.category);
    const result = await setPreferences(db, { token, categorySlugs: slugs });
    if (result.ok) {
      return c.redirect(`/newsletter/preferences?token=${encodeURIComponent(token)}&saved=1`, 303);
    }
    if (result.problem === "unknown") throw unknownSubscriberLink();
    const found = await getPreferences(db, { token });
    if (!found.ok) throw unknownSubscriberLink();
    c.header("cache-control", "no-store");
    return sendPage(
      c,
      <PreferencesPage
        token={token}
        email={found.preferences.email}
        status={found.preferences.status}
        categories={await categoryRefs()}
        selected={slugs}
        error={unknownCategories(result.unknown)}
      />,
      400,
    );
  });

  return app;
}
