/** The session cookie: read once per request into the viewer, set at sign-in, cleared at sign-out. */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { parse } from "hono/utils/cookie";
import type { Config } from "../../config.ts";
import type { Deps } from "../../http/deps.ts";
import { csrfTokenFor } from "../../http/tokens.ts";
import { SIGNED_OUT, secureCookies } from "../../http/viewer.ts";
import { findSessionUser, SESSION_TTL_MS } from "./service.ts";

export const SESSION_COOKIE = "sos_session";

/** A session token could not be longer than this; a longer cookie is not looked up. */
const MAX_TOKEN_LENGTH = 100;

/** The session token in a raw Cookie header, if it holds one worth looking up. */
export function sessionTokenIn(cookieHeader: string): string | undefined {
  const token = parse(cookieHeader, SESSION_COOKIE)[SESSION_COOKIE];
  return token && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}

/** Loads the viewer for every request; an unknown or expired cookie is cleared. */
export function viewerMiddleware(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    let viewer = SIGNED_OUT;
    if (token) {
      const user = token.length <= MAX_TOKEN_LENGTH ? await findSessionUser(deps.db, token) : undefined;
      if (user) viewer = { user, csrfToken: csrfTokenFor(token) };
      else clearSessionCookie(c, deps.config);
    }
    c.set("viewer", viewer);
    await next();
  };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure, for the session's lifetime. */
export function setSessionCookie(c: Context, config: Pick<Config, "siteUrl">, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: secureCookies(config),
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/** Clears the session cookie. */
export function clearSessionCookie(c: Context, config: Pick<Config, "siteUrl">): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secureCookies(config) });
}
