/** Sends a rendered page as HTML with the doctype, keeping the string for the page cache. */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

declare module "hono" {
  interface ContextVariableMap {
    /** The page just rendered, so the cache middleware need not read the body back. */
    pageHtml: string;
  }
}

/** Renders a JSX page to the response. */
export function sendPage(c: Context, page: unknown, status: ContentfulStatusCode = 200): Response {
  const html = `<!doctype html>${String(page)}`;
  c.set("pageHtml", html);
  return c.html(html, status);
}
