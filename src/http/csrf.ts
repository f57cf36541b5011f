/**
 * CSRF protection for every state-changing request, in two layers:
 * 1. Browsers name where a request comes from (Sec-Fetch-Site, Origin); a request from
 *    another site is refused outright. Origin must be one of the site's own origins, never
 *    merely the Host the request claims (DNS rebinding).
 * 2. A signed-in request must also carry the session's CSRF token (form field `_csrf` or
 *    header `X-CSRF-Token`). Signed-out forms live on cached, shared pages and carry no
 *    token; they change nothing but the visitor's own browser state, and layer 1 guards them.
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./errors.ts";
import { parseForm } from "./form.ts";
import { sameToken, unmaskToken } from "./tokens.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function refused(detail: string): HttpError {
  return new HttpError(403, "This form could not be accepted", detail, [
    { href: "/", label: "Go to the home page" },
  ]);
}

/**
 * The middleware; `siteOrigins` are the origins this site's forms are posted from (SITE_URL's,
 * see site-origin.ts). The request's own Host is never trusted: a rebound name would pass.
 */
export function csrfProtection(siteOrigins: string | readonly string[]): MiddlewareHandler {
  const allowed = new Set(typeof siteOrigins === "string" ? [siteOrigins] : siteOrigins);
  return async (c, next) => {
    if (SAFE.has(c.req.method)) return next();
    const fetchSite = c.req.header("sec-fetch-site");
    if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") {
      throw refused("The request came from another site. Use the forms on this site instead.");
    }
    const origin = c.req.header("origin");
    if (origin && !allowed.has(origin)) {
      throw refused("The request came from another site. Use the forms on this site instead.");
    }
    const viewer = c.get("viewer");
    if (viewer.user) {
      let sent = c.req.header("x-csrf-token");
      if (!sent && (c.req.header("content-type") ?? "").includes("form")) {
        const body = await parseForm(c);
        sent = typeof body._csrf === "string" ? body._csrf : undefined;
      }
      // pages carry the token masked (tokens.ts maskToken); a script may send it either way
      if (!sent || !(sameToken(unmaskToken(sent), viewer.csrfToken) || sameToken(sent, viewer.csrfToken))) {
        throw refused(
          "This form has expired or was opened in another session. Reload the page and try again.",
        );
      }
    }
    await next();
  };
}
