/** Sends a rendered page as HTML with the doctype. */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Renders a JSX page to the response. */
export function sendPage(c: Context, page: unknown, status: ContentfulStatusCode = 200): Response {
  return c.html(`<!doctype html>${String(page)}`, status);
}
