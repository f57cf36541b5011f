/**
 * Write routes declare, once, who may write, how fast, and which pages the write makes stale;
 * the `write` middleware does all three, so a handler cannot forget any of them. A route test
 * (src/app.test.ts) fails when a POST, PUT or DELETE route is mounted without a declaration.
 * See docs/decisions/012-declared-writes.md.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { TokenScope } from "../domain/api-token.ts";
import type { Permission } from "../domain/permissions.ts";
import { requireToken } from "./api-auth.ts";
import { clientAddress, clientNetwork } from "./client-address.ts";
import type { Deps } from "./deps.ts";
import type { PageScope } from "./page-cache.ts";
import { enforceRateLimit, type RateRule } from "./rate-limit.ts";
import { requireUser } from "./viewer.ts";

/** One write route's rules. */
export interface WriteDeclaration {
  /**
   * The named permission a writer needs, "signed-in" for an account's own settings, or
   * "anyone" for forms that signed-out readers use (signing in, subscribing, bookmarking in
   * the browser). A guarded handler reads the account with `signedInUser(c)`.
   */
  permission: Permission | "signed-in" | "anyone";
  /**
   * The rate rule counted before the handler runs: per account when signed in, per client
   * network when not. `{ inHandler: [...] }` names the rules a handler applies itself because
   * their key is a validated field (the email address of a sign-in or a subscription).
   */
  rate: RateRule | ((deps: Deps) => RateRule) | { inHandler: readonly RateRule[] };
  /**
   * The pages a successful write makes stale, or "nothing" for writes no cached page shows
   * (sessions, drafts). A handler whose write turned out to change nothing calls `unchanged(c)`.
   */
  invalidates: PageScope | ((c: Context) => PageScope) | "nothing";
  /**
   * For a declared permission, what a signed-out writer gets instead of the 401 page: a
   * response (say, a redirect to sign in and come back), or "continue" for writes a signed-out
   * reader may make in their own browser (bookmarks in a cookie).
   */
  signedOut?: ((c: Context) => Response | Promise<Response>) | "continue";
  /**
   * For API routes: the writer is the account of a personal API token (`Authorization: Bearer`)
   * holding this scope, never a session cookie, so the write has no CSRF surface. No token is
   * a 401, a narrower scope or a missing permission a 403. The rate rule counts against the
   * token's account, in the same counters as the account's forms. A guarded handler reads the
   * account with `tokenAccount(c)` (src/http/api-auth.ts).
   */
  token?: TokenScope;
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by `unchanged(c)`: the write was refused politely or changed nothing. */
    writeUnchanged: boolean;
    /** Set by `changed(c, scope)`: what the write turned out to change, narrower than declared. */
    writeChanged: PageScope;
  }
}

const DECLARED = Symbol("write declaration");

/** The write middleware for one route: authorize, rate-limit, run the handler, invalidate. */
export function write(deps: Deps, decl: WriteDeclaration): MiddlewareHandler {
  const handler: MiddlewareHandler = async (c, next) => {
    let writer = c.get("viewer").user?.id;
    if (decl.token) {
      const permission =
        decl.permission === "signed-in" || decl.permission === "anyone" ? undefined : decl.permission;
      const account = requireToken(c, decl.token, permission).account;
      c.set("apiAccount", account);
      writer = account.id;
    } else if (decl.permission !== "anyone") {
      const signedOut = !c.get("viewer").user;
      if (signedOut && typeof decl.signedOut === "function") {
        c.res = await decl.signedOut(c);
        return;
      }
      if (!signedOut || decl.signedOut !== "continue") {
        c.set("user", requireUser(c, decl.permission === "signed-in" ? undefined : decl.permission));
      }
    }
    if (!("inHandler" in decl.rate)) {
      const rule = typeof decl.rate === "function" ? decl.rate(deps) : decl.rate;
      const key =
        writer !== undefined
          ? `user:${writer}`
          : `net:${clientNetwork(clientAddress(c, deps.config.trustProxy))}`;
      await enforceRateLimit(c, deps.rateLimits, rule, key);
    }
    await next();
    if (decl.invalidates === "nothing" || c.get("writeUnchanged") || c.res.status >= 400) return;
    const declared = typeof decl.invalidates === "function" ? decl.invalidates(c) : decl.invalidates;
    deps.cache.invalidate(c.get("writeChanged") ?? declared);
  };
  return Object.assign(handler, { [DECLARED]: decl });
}

/** Marks this request's write as having changed nothing, so no page is made stale. */
export function unchanged(c: Context): void {
  c.set("writeUnchanged", true);
}

/**
 * Says what this request's write changed once the handler knows (the pair a pick was on, the
 * category a tool moved from), so only those pages are made stale instead of all the
 * declaration allows for.
 */
export function changed(c: Context, scope: PageScope): void {
  c.set("writeChanged", scope);
}

/** The declaration behind a route handler, if it is a `write` middleware (for the route test). */
export function declarationOf(handler: unknown): WriteDeclaration | undefined {
  return (handler as { [DECLARED]?: WriteDeclaration } | null)?.[DECLARED];
}
