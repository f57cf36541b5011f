/** RFC 9457 problem details for clients that ask for JSON (scripts and the in-place updater). */
import type { Context } from "hono";
import type { HttpError } from "./errors.ts";
import { isEnhanced } from "./form.ts";

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
}

/** Whether the client wants problem JSON rather than an HTML error page. */
export function wantsProblemJson(c: Context): boolean {
  if (isEnhanced(c)) return true;
  const accept = c.req.header("accept");
  if (!accept) return false;
  return /application\/(problem\+)?json/.test(accept) && !accept.includes("text/html");
}

/** The problem document for an error. */
export function problemJson(error: HttpError, path: string): ProblemDetails {
  return {
    type: "about:blank",
    title: error.title,
    status: error.status,
    detail: error.detail,
    instance: path,
  };
}
