/** One typed HTTP error; the central handler turns it into a helpful page or problem JSON. */

export interface Suggestion {
  href: string;
  label: string;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 429 | 500;

export class HttpError extends Error {
  readonly status: ErrorStatus;
  readonly title: string;
  readonly suggestions: Suggestion[];
  /** Extra response headers, such as Retry-After on a 429. */
  readonly headers: Record<string, string>;

  constructor(
    status: ErrorStatus,
    title: string,
    detail: string,
    suggestions: Suggestion[] = [],
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = status;
    this.title = title;
    this.suggestions = suggestions;
    this.headers = headers;
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
