/** Who is asking, as the accounts feature's middleware set it on the request, and the guards that check it. */
import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../config.ts";
import type { SessionUser } from "../domain/account.ts";
import { can, type Permission } from "../domain/permissions.ts";
import type { Deps } from "./deps.ts";
import { forbidden, HttpError } from "./errors.ts";
import { LOOPBACK_HOSTNAMES } from "./site-origin.ts";

export interface Viewer {
  user: SessionUser | null;
  /** The token forms must carry when signed in; empty when signed out. */
  csrfToken: string;
}

declare module "hono" {
  interface ContextVariableMap {
    viewer: Viewer;
    deps: Deps;
    /** The signed-in account a guard let through: see signedInPage and http/write.ts. */
    user: SessionUser;
  }
}

export const SIGNED_OUT: Viewer = { user: null, csrfToken: "" };

/** Cookies are Secure unless the site is plain HTTP on a host other than this machine. */
export function secureCookies(config: Pick<Config, "siteUrl">): boolean {
  const url = new URL(config.siteUrl);
  return url.protocol === "https:" || LOOPBACK_HOSTNAMES.includes(url.hostname);
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
 * Guards a page (GET) that needs an account: signed out, a redirect to sign in and come back;
 * without the permission, requireUser's 403. The account is then `signedInUser(c)`.
 */
export function signedInPage(permission?: Permission): MiddlewareHandler {
  return async (c, next) => {
    if (!c.get("viewer").user) {
      const url = new URL(c.req.url);
      return c.redirect(`/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    c.set("user", requireUser(c, permission));
    await next();
  };
}

/** The account a guard (signedInPage, or a write declaration with a permission) let through. */
export function signedInUser(c: Context): SessionUser {
  const user = c.get("user");
  if (!user) throw new Error(`${c.req.method} ${c.req.path} reads the signed-in user without a guard`);
  return user;
}
