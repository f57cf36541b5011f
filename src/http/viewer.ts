/** Who is asking: the session cookie read once per request into a Viewer. */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config.ts";
import { can, type Permission } from "../domain/permissions.ts";
import { findSessionUser, SESSION_TTL_MS, type SessionUser } from "../features/accounts/service.ts";
import { csrfTokenFor } from "../features/accounts/tokens.ts";
import type { Deps } from "./deps.ts";
import { forbidden, HttpError } from "./errors.ts";

export const SESSION_COOKIE = "sos_session";

export interface Viewer {
  user: SessionUser | null;
  /** The token forms must carry when signed in; empty when signed out. */
  csrfToken: string;
}

declare module "hono" {
  interface ContextVariableMap {
    viewer: Viewer;
    deps: Deps;
  }
}

export const SIGNED_OUT: Viewer = { user: null, csrfToken: "" };

/** Cookies are Secure unless the site is plain HTTP on a host other than this machine. */
export function secureCookies(config: Pick<Config, "siteUrl">): boolean {
  const url = new URL(config.siteUrl);
  return url.protocol === "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** Loads the viewer for every request; an unknown or expired cookie is cleared. */
export function viewerMiddleware(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    c.set("deps", deps);
    const token = getCookie(c, SESSION_COOKIE);
    let viewer = SIGNED_OUT;
    if (token) {
      const user = token.length <= 100 ? await findSessionUser(deps.db, token) : undefined;
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

/** The signed-in user, or a 401 page pointing at the sign-in form. */
export function requireUser(c: Context, permission?: Permission): SessionUser {
  const user = c.get("viewer").user;
  if (!user) {
    throw new HttpError(401, "Please sign in", "You need to be signed in for that.", [
      { href: `/sign-in?next=${encodeURIComponent(c.req.path)}`, label: "Sign in with your email" },
    ]);
  }
  if (permission && !can(user.role, permission)) {
    throw forbidden(`Your account (${user.role}) does not have the “${permission}” permission.`);
  }
  return user;
}

/**
 * For pages (GET): the signed-in user, or a redirect to sign in and come back; accounts
 * without the permission get requireUser's 403.
 */
export function requireUserForPage(c: Context, permission?: Permission): SessionUser | Response {
  if (!c.get("viewer").user) {
    const url = new URL(c.req.url);
    return c.redirect(`/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  }
  return requireUser(c, permission);
}
