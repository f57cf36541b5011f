/** Signing in from tests through the real routes: ask for a link, confirm it, keep the cookie. */

import { SESSION_COOKIE } from "../../src/features/accounts/index.ts";
import { createSignInLink } from "../../src/features/accounts/service.ts";
import { csrfTokenFor } from "../../src/http/tokens.ts";
import type { TestApp } from "./app.ts";

export interface TestSession {
  email: string;
  /** The Cookie header to send. */
  cookie: string;
  csrf: string;
  /** Sends a form post as this user, with the CSRF token unless told otherwise. */
  post(
    path: string,
    fields: Record<string, string | string[]>,
    opts?: { csrf?: boolean; headers?: Record<string, string> },
  ): Promise<Response>;
  get(path: string): Promise<Response>;
}

/** A urlencoded form post for app.request; a field given a list is sent once per value. */
export function form(
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): RequestInit {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: body.toString(),
  };
}

/** The value of a Set-Cookie header's cookie, by name. */
export function cookieFrom(res: Response, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const [k, v] = (pair ?? "").split("=");
    if (k === name) return v;
  }
  return undefined;
}

/** Confirms a sign-in link token through POST /sign-in/confirm and returns the session cookie. */
export async function confirmLink(
  t: Pick<TestApp, "request">,
  token: string,
  extraCookie = "",
): Promise<Response> {
  return t.request("/sign-in/confirm", form({ token }, extraCookie ? { cookie: extraCookie } : {}));
}

/**
 * Signs an address in (creating the account if needed) and returns a session to act with. Any
 * `request` will do: an in-process app's, or fetch against a listening server (redirects kept).
 */
export async function signIn(t: Pick<TestApp, "request" | "db">, email: string): Promise<TestSession> {
  const token = await createSignInLink(t.db.db, { email, returnTo: "/" });
  const res = await confirmLink(t, token);
  const value = cookieFrom(res, SESSION_COOKIE);
  if (res.status !== 303 || !value) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  const cookie = `${SESSION_COOKIE}=${value}`;
  // the token the app puts in every form of this session, derived as the app derives it
  const csrf = csrfTokenFor(value);
  return {
    email,
    cookie,
    csrf,
    post: (path, fields, opts = {}) =>
      t.request(
        path,
        form({ ...(opts.csrf === false ? {} : { _csrf: csrf }), ...fields }, { cookie, ...opts.headers }),
      ),
    get: (path) => t.request(path, { headers: { cookie } }),
  };
}
