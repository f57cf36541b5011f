/**
 * Personal API tokens on the JSON API: `Authorization: Bearer <token>` is read once per API
 * request into the caller, and the guards below check it. Cookies play no part here: on API
 * paths no session is loaded, so a cookie can never authorise an API write (and the API has
 * no CSRF surface). The accounts feature owns the tokens and hands the lookup in through Deps.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Account } from "../domain/account.ts";
import { scopeAllows, type TokenScope } from "../domain/api-token.ts";
import { can, type Permission } from "../domain/permissions.ts";
import type { Deps } from "./deps.ts";
import { HttpError } from "./errors.ts";

/** The account an API request acts for, and what its token allows. */
export interface ApiCaller {
  account: Account;
  scope: TokenScope;
  tokenId: number;
}

/** Finds a token's caller; undefined for an unknown or revoked token. */
export type TokenLookup = (token: string) => Promise<{ caller: ApiCaller; blocked: boolean } | undefined>;

declare module "hono" {
  interface ContextVariableMap {
    /** The bearer token's caller on an API request that sent a valid one. */
    apiCaller: ApiCaller;
    /** The token's account, set once a guard checked its scope (tokenPrincipal, or a write declaration). */
    apiAccount: Account;
  }
}

const REALM = 'Bearer realm="Ship or Skip API"';

/** A 401 the way RFC 6750 words it: the challenge names the problem for the client's code. */
function unauthorized(detail: string, error?: "invalid_token" | "invalid_request"): HttpError {
  const challenge = error ? `${REALM}, error="${error}"` : REALM;
  return new HttpError(
    401,
    "An API token is needed",
    detail,
    [{ href: "/account", label: "Create a token on your account page" }],
    { "WWW-Authenticate": challenge },
  );
}

/**
 * Reads the bearer token of an API request, if one was sent. A malformed header, or a token
 * that is unknown or revoked, is a 401 even on a read: a client must learn at once that its
 * token no longer works. A blocked account's token is a 403.
 */
export function apiCallerMiddleware(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (header !== undefined) {
      const match = /^Bearer +(\S+) *$/i.exec(header);
      if (!match?.[1]) {
        throw unauthorized("Send the token as “Authorization: Bearer <token>”.", "invalid_request");
      }
      const found = await deps.apiToken(match[1]);
      if (!found) {
        throw unauthorized(
          "This API token is unknown or has been revoked. Create a new one on your account page.",
          "invalid_token",
        );
      }
      if (found.blocked) {
        throw new HttpError(
          403,
          "Account blocked",
          "This account has been blocked by a moderator; its tokens do not work.",
        );
      }
      c.set("apiCaller", found.caller);
    }
    await next();
  };
}

/**
 * The caller of an API request whose token holds `scope`: a 401 without a token (a session
 * cookie does not count), a 403 when the token's scope is too narrow or its account lacks the
 * permission.
 */
export function requireToken(c: Context, scope: TokenScope, permission?: Permission): ApiCaller {
  const caller = c.get("apiCaller");
  if (!caller) {
    throw unauthorized(
      "This needs a personal API token, sent as “Authorization: Bearer <token>”. Cookies do not authorise API requests.",
    );
  }
  if (!scopeAllows(caller.scope, scope)) {
    throw new HttpError(
      403,
      "The token's scope is too narrow",
      `This token is read-only; this request needs a token with the “${scope}” scope.`,
      [{ href: "/account", label: "Create a write token on your account page" }],
      { "WWW-Authenticate": `${REALM}, error="insufficient_scope", scope="${scope}"` },
    );
  }
  if (permission && !can(caller.account.role, permission)) {
    throw new HttpError(
      403,
      "Not allowed",
      `Your account (${caller.account.role}) does not have the “${permission}” permission.`,
    );
  }
  return caller;
}

/**
 * For an API operation that acts for an account (`/me`): checks the token holds `scope`, lets
 * `tokenAccount(c)` read its account, and says who the request acts for.
 */
export async function tokenPrincipal(
  c: Context,
  scope: TokenScope,
): Promise<{ userId: number; scope: TokenScope; tokenId: number }> {
  const caller = requireToken(c, scope);
  c.set("apiAccount", caller.account);
  return { userId: caller.account.id, scope: caller.scope, tokenId: caller.tokenId };
}

/** The account of the token a guard (tokenPrincipal, or a write declaration with `token`) let through. */
export function tokenAccount(c: Context): Account {
  const account = c.get("apiAccount");
  if (!account) throw new Error(`${c.req.method} ${c.req.path} reads the token's account without a guard`);
  return account;
}
