/** Sign-in by emailed link, sign-out, the account page and the development outbox. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Context, Hono } from "hono";
import { isTokenScope, TOKEN_NAME_MAX_LENGTH } from "../../domain/api-token.ts";
import { normalizeEmail } from "../../domain/email.ts";
import { clientAddress, clientNetwork } from "../../http/client-address.ts";
import type { Deps } from "../../http/deps.ts";
import { HttpError, notFound } from "../../http/errors.ts";
import { parseForm } from "../../http/form.ts";
import { parseId } from "../../http/ids.ts";
import { devOutboxDir, sendMailOrFail } from "../../http/mail.ts";
import { sendPage } from "../../http/page.tsx";
import { checkRateLimits } from "../../http/rate-limit.ts";
import {
  API_TOKENS_PER_ACCOUNT,
  SIGN_IN_PER_ADDRESS,
  SIGN_IN_PER_CLIENT,
  SIGN_IN_PER_INBOX,
  WRITES_PER_VIEWER,
} from "../../http/rate-rules.ts";
import { safeReturnPath } from "../../http/return-path.ts";
import { namesThisMachine } from "../../http/site-origin.ts";
import { textProblem } from "../../http/text-input.ts";
import { isTokenShaped } from "../../http/tokens.ts";
import { requireUser, signedInUser } from "../../http/viewer.ts";
import { write } from "../../http/write.ts";
import { readEml } from "../../mail/eml.ts";
import type { FieldErrors } from "../../ui/forms.tsx";
import { createApiToken, isFormNonce, listApiTokens, newFormNonce, revokeApiToken } from "./api-tokens.ts";
import { signInMail } from "./mail.ts";
import {
  createSignInLink,
  endAllSessions,
  endSession,
  inspectSignInLink,
  type LinkProblem,
  listSessions,
  redeemSignInLink,
} from "./service.ts";
import { clearSessionCookie, setSessionCookie } from "./session.ts";
import {
  AccountPage,
  ConfirmPage,
  LinkSentPage,
  type OutboxEntry,
  OutboxMessagePage,
  OutboxPage,
  SignInPage,
  type TokenFormState,
} from "./views.tsx";

/** For mail HTML shown on its own: inline styles and images, nothing that runs or sends. */
const OUTBOX_HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const LINK_PROBLEMS: Record<LinkProblem, string> = {
  unknown: "This sign-in link is not valid. It may have been copied incompletely. Ask for a new one.",
  expired: "This sign-in link has expired: links work for 15 minutes. Ask for a new one.",
  used: "This sign-in link has already been used: each link works once. Ask for a new one.",
  blocked: "This account has been blocked by a moderator and cannot sign in.",
};

/** What a re-sent creation form is told: calm, since nothing went wrong but the secret is gone. */
const ALREADY_CREATED =
  "This token was already created; its secret is shown only once. Revoke it and create a new one if you did not copy it.";

/** Whether a name read back from an address could be a token's name (so it is shown as one). */
function isTokenName(name: string): boolean {
  return name.trim() !== "" && name.length <= TOKEN_NAME_MAX_LENGTH && !textProblem(name, { lines: false });
}

function linkProblem(problem: LinkProblem): HttpError {
  return new HttpError(400, "That sign-in link does not work", LINK_PROBLEMS[problem], [
    { href: "/sign-in", label: "Ask for a new sign-in link" },
  ]);
}

/** The account routes. */
/** What other features do when accounts change, handed in by the app. */
export interface AccountHooks {
  /** Runs after a sign-in link is redeemed, before the session cookie is set (bookmarks move in). */
  onSignIn?: (c: Context, userId: number) => Promise<void>;
}

export function accountRoutes(deps: Deps, hooks: AccountHooks = {}) {
  const app = new Hono();
  const { db, config } = deps;
  const outboxDir = devOutboxDir(deps);
  const devOutbox = outboxDir !== undefined;

  app.get("/sign-in", (c) => {
    const next = safeReturnPath(c.req.query("next"));
    if (c.get("viewer").user) return c.redirect(next === "/" ? "/account" : next, 303);
    return sendPage(c, <SignInPage next={next} reason={c.req.query("reason")} outboxDir={outboxDir} />);
  });

  // sessions and links show on no cached page: these writes invalidate nothing
  const signingIn = write(deps, {
    permission: "anyone",
    // keyed on the validated address as well as the client, so the handler applies them,
    // checking first and counting only a link actually mailed
    rate: { inHandler: [SIGN_IN_PER_ADDRESS, SIGN_IN_PER_CLIENT, SIGN_IN_PER_INBOX] },
    invalidates: "nothing",
  });
  const sessionChange = write(deps, {
    permission: "anyone",
    rate: WRITES_PER_VIEWER,
    invalidates: "nothing",
  });
  // an account's own sessions and tokens: no cached page shows them
  const ownAccount = write(deps, {
    permission: "signed-in",
    rate: WRITES_PER_VIEWER,
    invalidates: "nothing",
  });

  app.post("/sign-in", signingIn, async (c) => {
    const body = await parseForm(c);
    const next = safeReturnPath(body.return_to);
    const parsed = normalizeEmail(body.email);
    if (!parsed.ok) {
      const typed = typeof body.email === "string" ? body.email.slice(0, 254) : "";
      return sendPage(
        c,
        <SignInPage next={next} email={typed} error={parsed.error} outboxDir={outboxDir} />,
        400,
      );
    }
    const network = clientNetwork(clientAddress(c, config.trustProxy));
    // the requester's own limits first, so a stranger's refusal names their network, not the inbox
    const sent = await checkRateLimits(c, deps.rateLimits, [
      { rule: SIGN_IN_PER_ADDRESS, key: `${network} ${parsed.email}` },
      { rule: SIGN_IN_PER_CLIENT, key: network },
      { rule: SIGN_IN_PER_INBOX, key: parsed.email },
    ]);
    // every address gets a link, known or not: the account is created on confirmation
    const token = await createSignInLink(db, { email: parsed.email, returnTo: next });
    const link = `${config.siteUrl}/sign-in/confirm?token=${token}`;
    await sendMailOrFail(deps, signInMail({ to: parsed.email, link }), "sign-in");
    deps.metrics.signInLinks.inc();
    await sent();
    return c.redirect("/sign-in/sent", 303);
  });

  app.get("/sign-in/sent", (c) => sendPage(c, <LinkSentPage outboxDir={outboxDir} />));

  app.get("/sign-in/confirm", async (c) => {
    const token = c.req.query("token") ?? "";
    if (!isTokenShaped(token)) throw linkProblem("unknown");
    const link = await inspectSignInLink(db, token);
    if (!link.ok) throw linkProblem(link.problem);
    c.header("cache-control", "no-store");
    return sendPage(c, <ConfirmPage token={token} email={link.email} />);
  });

  app.post("/sign-in/confirm", sessionChange, async (c) => {
    const body = await parseForm(c);
    const token = typeof body.token === "string" ? body.token : "";
    if (!isTokenShaped(token)) throw linkProblem("unknown");
    const result = await redeemSignInLink(db, {
      token,
      userAgent: c.req.header("user-agent") ?? "",
      adminEmails: config.adminEmails,
    });
    if (!result.ok) throw linkProblem(result.problem);
    await hooks.onSignIn?.(c, result.user.id);
    // a browser holds one session: the one it had before ends here
    const previous = c.get("viewer").user;
    if (previous) await endSession(db, { userId: previous.id, sessionId: previous.sessionId });
    setSessionCookie(c, config, result.sessionToken);
    return c.redirect(safeReturnPath(result.returnTo), 303);
  });

  app.post("/sign-out", sessionChange, async (c) => {
    const user = c.get("viewer").user;
    if (user) await endSession(db, { userId: user.id, sessionId: user.sessionId });
    clearSessionCookie(c, config);
    return c.redirect("/", 303);
  });

  const tokenCreation = write(deps, {
    permission: "signed-in",
    rate: API_TOKENS_PER_ACCOUNT,
    invalidates: "nothing",
  });

  /**
   * The account page for `user`, with the token form in the given state. Every rendering gives
   * the creation form a fresh one-time value, so only a re-sent form repeats one.
   */
  const accountPage = async (c: Context, tokenForm: TokenFormState = {}, status: 200 | 201 | 400 = 200) => {
    const user = requireUser(c);
    const [sessions, tokens] = await Promise.all([listSessions(db, user.id), listApiTokens(db, user.id)]);
    // personal, and after a creation it holds the secret: never kept by a cache or the back button
    c.header("cache-control", "private, no-store");
    return sendPage(
      c,
      <AccountPage
        user={user}
        sessions={sessions}
        tokens={tokens}
        tokenForm={{ ...tokenForm, nonce: newFormNonce() }}
      />,
      status,
    );
  };

  app.get("/account", async (c) => {
    if (!c.get("viewer").user) return c.redirect("/sign-in?next=/account&reason=account", 303);
    // after a revocation (post-redirect-get): its name comes back in `saved`, checked like a new name
    const revoked = c.req.query("done") === "revoked" ? c.req.query("saved") : undefined;
    const gone = c.req.query("done") === "already-revoked";
    if (revoked !== undefined && isTokenName(revoked)) return accountPage(c, { revoked });
    return accountPage(c, gone ? { notice: "That token was already revoked." } : {});
  });

  // answered with the page itself, not a redirect: the new token is shown on this one response
  // (personal, so never stored: see PERSONAL_PATHS in app.tsx) and nowhere else
  app.post("/account/tokens", tokenCreation, async (c) => {
    const user = signedInUser(c);
    const body = await parseForm(c);
    const name = typeof body.name === "string" ? body.name.trim() : "";
    const scope = typeof body.scope === "string" ? body.scope : "";
    const values = { name: name.slice(0, TOKEN_NAME_MAX_LENGTH * 2), scope };
    const errors: FieldErrors = {};
    if (name === "") errors.name = "Give the token a name, so you can tell it from the others.";
    else if (name.length > TOKEN_NAME_MAX_LENGTH)
      errors.name = `A name has at most ${TOKEN_NAME_MAX_LENGTH} characters.`;
    else if (textProblem(name, { lines: false })) errors.name = "A name is one line of plain text.";
    if (!isTokenScope(scope)) errors.scope = "Choose whether the token may only read, or read and write.";
    if (Object.keys(errors).length > 0 || !isTokenScope(scope))
      return accountPage(c, { values, errors }, 400);
    const nonce = isFormNonce(body.nonce) ? body.nonce : undefined;
    const created = await createApiToken(db, { userId: user.id, name, scope, nonce });
    if (!created.ok && created.problem === "already-created") {
      // a reload or back/forward sent the form again: the first answer held the token, this one does not
      return accountPage(c, { notice: ALREADY_CREATED });
    }
    if (!created.ok) {
      return accountPage(
        c,
        {
          values,
          errors: { name: "You already hold the most tokens an account may have. Revoke one first." },
        },
        400,
      );
    }
    return accountPage(c, { created }, 201);
  });

  // the page a token creation answers with names this address as its own (the footer's forms come back to it)
  app.get("/account/tokens", (c) => c.redirect("/account#tokens-heading", 303));

  app.post("/account/tokens/:id/revoke", ownAccount, async (c) => {
    const user = signedInUser(c);
    const id = parseId(c.req.param("id"));
    const name = id === undefined ? undefined : await revokeApiToken(db, { userId: user.id, tokenId: id });
    // revoking twice (a double click) is no error, just nothing more to do
    if (name === undefined) return c.redirect("/account?done=already-revoked#tokens-heading", 303);
    return c.redirect(`/account?done=revoked&saved=${encodeURIComponent(name)}#tokens-heading`, 303);
  });

  app.post("/account/sessions/:id/end", ownAccount, async (c) => {
    const user = signedInUser(c);
    const id = parseId(c.req.param("id"));
    if (id === undefined) throw notFound("There is no such session.");
    await endSession(db, { userId: user.id, sessionId: id });
    if (id === user.sessionId) {
      clearSessionCookie(c, config);
      return c.redirect("/", 303);
    }
    return c.redirect("/account", 303);
  });

  app.post("/account/sign-out-everywhere", ownAccount, async (c) => {
    const user = signedInUser(c);
    await endAllSessions(db, user.id);
    clearSessionCookie(c, config);
    return c.redirect("/", 303);
  });

  // Development only: read the mail the outbox holds. Sign-in links are secrets, so only
  // requests from this machine may see them, and never through a proxy (which would make
  // every visitor look local), nor under another site's name (a page whose name was rebound
  // to 127.0.0.1 would otherwise read them from the developer's own browser).
  const outboxGuard = (c: Context) => {
    const from = clientAddress(c, 0);
    const proxied = config.trustProxy > 0 || c.req.header("x-forwarded-for") || c.req.header("forwarded");
    const local = ["127.0.0.1", "::1", "::ffff:127.0.0.1", "local"].includes(from);
    if (!devOutbox || proxied || !local || !namesThisMachine(c, config)) {
      throw notFound("There is no page at this address.");
    }
    // kept out of the page cache, which would serve it to any client and never refresh it
    c.header("cache-control", "no-store");
  };

  app.get("/dev/outbox", async (c) => {
    outboxGuard(c);
    const entries: OutboxEntry[] = await Promise.all(
      listOutbox(config.outboxDir).map(async (name) => {
        const { headers } = await readEml(readFileSync(join(config.outboxDir, name)));
        return { name, to: headers.to ?? "", subject: headers.subject ?? "", date: headers.date ?? "" };
      }),
    );
    return sendPage(c, <OutboxPage entries={entries} dir={config.outboxDir} />);
  });

  /** One outbox message, read after the guard and only by a name the outbox lists. */
  const outboxMessage = (c: Context) => {
    outboxGuard(c);
    const name = c.req.param("name") ?? "";
    if (!listOutbox(config.outboxDir).includes(name))
      throw notFound("There is no such message in the outbox.");
    return readEml(readFileSync(join(config.outboxDir, name)));
  };

  app.get("/dev/outbox/:name", async (c) => {
    const message = await outboxMessage(c);
    return sendPage(c, <OutboxMessagePage name={c.req.param("name")} message={message} />);
  });

  // the message's HTML part as a mail client would show it: its inline styles, no scripts
  app.get("/dev/outbox/:name/html", async (c) => {
    const { html } = await outboxMessage(c);
    if (html === null) throw notFound("This message has no HTML part.");
    return c.body(html, 200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": OUTBOX_HTML_CSP,
    });
  });

  return app;
}

/** The outbox's .eml files, newest first (at most 50). */
function listOutbox(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /^[\w.-]+\.eml$/.test(f))
      .sort()
      .reverse()
      .slice(0, 50);
  } catch {
    return [];
  }
}
