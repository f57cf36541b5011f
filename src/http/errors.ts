/** One typed HTTP error; the central handler turns it into a helpful page or problem JSON. */

export interface Suggestion {
  href: string;
  label: string;
}

export class HttpError extends Error {
  readonly status: 400 | 404 | 405 | 413 | 429 | 500;
  readonly title: string;
  readonly suggestions: Suggestion[];

  constructor(status: HttpError["status"], title: string, detail: string, suggestions: Suggestion[] = []) {
    super(detail);
    this.status = status;
    this.title = title;
    this.suggestions = suggestions;
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
