/** Signing in from tests through the real routes: ask for a link, confirm it, keep the cookie. */
import { createSignInLink } from "../../src/features/accounts/service.ts";
import type { TestApp } from "./app.ts";

export interface TestSession {
  email: string;
  /** The Cookie header to send. */
  cookie: string;
  csrf: string;
  /** Sends a form post as this user, with the CSRF token unless told otherwise. */
  post(
    path: string,
    fields: Record<string, string>,
    opts?: { csrf?: boolean; headers?: Record<string, string> },
  ): Promise<Response>;
  get(path: string): Promise<Response>;
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
export async function confirmLink(t: TestApp, token: string, extraCookie = ""): Promise<Response> {
  return t.request("/sign-in/confirm", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(extraCookie ? { cookie: extraCookie } : {}),
    },
    body: new URLSearchParams({ token }).toString(),
  });
}

/** Signs an address in (creating the account if needed) and returns a session to act with. */
export async function signIn(t: TestApp, email: string): Promise<TestSession> {
  const token = await createSignInLink(t.db.db, { email, returnTo: "/" });
  const res = await confirmLink(t, token);
  const value = cookieFrom(res, "sos_session");
  if (res.status !== 303 || !value) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  const cookie = `sos_session=${value}`;
  const page = await (await t.request("/account", { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("no CSRF token on /account");
  const session: TestSession = {
    email,
    cookie,
    csrf,
    post: (path, fields, opts = {}) =>
      t.request(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...(opts.headers ?? {}) },
        body: new URLSearchParams({ ...(opts.csrf === false ? {} : { _csrf: csrf }), ...fields }).toString(),
      }),
    get: (path) => t.request(path, { headers: { cookie } }),
  };
  return session;
}
