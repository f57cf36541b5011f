/** One typed HTTP error; the central handler turns it into a helpful page or problem JSON. */
import { STATUS_CODES } from "node:http";
import { HTTPException } from "hono/http-exception";
import type { ClientErrorStatusCode } from "hono/utils/http-status";

export interface Suggestion {
  href: string;
  label: string;
}

export type ErrorStatus = ClientErrorStatusCode | 500;

/** What an error adds to its RFC 9457 problem document (see problem.ts). */
export interface ProblemFields {
  /** The problem type's name in PROBLEM_TYPES; by default the one for the status. */
  type?: string;
  /** Extension members, such as the bad parameters of a 400 or the closest slugs of a 404. */
  extensions?: Record<string, unknown>;
}

/** Hono's HTTPException with what the error page needs: a title, suggestions and extra headers. */
export class HttpError extends HTTPException {
  override readonly status: ErrorStatus;
  readonly title: string;
  readonly suggestions: Suggestion[];
  /** Extra response headers, such as Retry-After on a 429. */
  readonly headers: Record<string, string>;
  /** Only problem JSON shows these; the error page has its suggestions. */
  readonly problem: ProblemFields;

  constructor(
    status: ErrorStatus,
    title: string,
    detail: string,
    suggestions: Suggestion[] = [],
    headers: Record<string, string> = {},
    problem: ProblemFields = {},
  ) {
    super(status, { message: detail });
    this.status = status;
    this.title = title;
    this.suggestions = suggestions;
    this.headers = headers;
    this.problem = problem;
  }

  get detail(): string {
    return this.message;
  }
}

/** 400 with a sentence a reader can act on. */
export function badRequest(detail: string, suggestions: Suggestion[] = []): HttpError {
  return new HttpError(400, "That request could not be understood", detail, suggestions);
}

/** 404 with suggestions of where to go instead. */
export function notFound(detail: string, suggestions: Suggestion[] = []): HttpError {
  return new HttpError(404, "Not found", detail, suggestions);
}

/** 403: signed in, but this account may not do that. */
export function forbidden(detail: string): HttpError {
  return new HttpError(403, "Not allowed", detail, [{ href: "/", label: "Go to the home page" }]);
}

/** Headers of a prepared response that describe its body, which the error page replaces. */
const BODY_HEADERS = new Set(["content-type", "content-length", "content-encoding"]);

/**
 * The HttpError to show for an HTTPException: an HttpError as it is; a plain one (thrown by a Hono
 * middleware, say) with its 4xx and the headers of its prepared response (WWW-Authenticate,
 * Retry-After); null for a plain one of any other status, which is a failure of ours.
 */
export function asHttpError(err: HTTPException): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err.status < 400 || err.status >= 500) return null;
  const headers: Record<string, string> = {};
  err.res?.headers.forEach((v, k) => {
    if (!BODY_HEADERS.has(k)) headers[k] = v;
  });
  return new HttpError(
    err.status as ClientErrorStatusCode,
    STATUS_CODES[err.status] ?? "That request could not be handled",
    err.message ||
      "The request could not be handled as it was sent. Check the address or the form and try again.",
    [],
    headers,
  );
}
