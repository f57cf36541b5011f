/**
 * RFC 9457 problem details: for the JSON API under /api/ (always, whatever the Accept header),
 * and for other clients that ask for JSON (scripts and the in-place updater).
 *
 * API problems carry a `type` URI from PROBLEM_TYPES, `{SITE_URL}/api#problem-{name}`, which
 * the API reference page (/api) documents under that anchor. Other paths keep `about:blank`.
 */
import type { Context } from "hono";
import { HttpError } from "./errors.ts";
import { isEnhanced } from "./form.ts";

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  [extension: string]: unknown;
}

/** One documented problem type. */
export interface ProblemType {
  /** The URI fragment after "#problem-", e.g. "not-found". */
  name: string;
  /** Null for the catch-all type of any other 4xx. */
  status: number | null;
  /** The same for every occurrence, as RFC 9457 asks. */
  title: string;
  /** What it means and what a client should do: the API reference shows it. */
  description: string;
}

/** Every problem type the API answers with, in status order. */
export const PROBLEM_TYPES: readonly ProblemType[] = [
  {
    name: "bad-request",
    status: 400,
    title: "Bad request",
    description:
      "The request could not be read at all: an address that is too long, not valid UTF-8 or holds control characters, or a body that is not JSON. Fix the request; repeating it will not help.",
  },
  {
    name: "invalid-parameters",
    status: 400,
    title: "Invalid parameters",
    description:
      "One or more parameters are unknown, repeated, malformed or out of range. The `errors` member lists each one as `{ name, in, detail }`, where `in` is `path`, `query`, `header` or `body`.",
  },
  {
    name: "unauthorized",
    status: 401,
    title: "Unauthorized",
    description:
      "The operation needs a personal API token (`Authorization: Bearer …`), and none was sent, or the one sent is unknown or revoked. Create a token on your account page.",
  },
  {
    name: "forbidden",
    status: 403,
    title: "Forbidden",
    description:
      "The token is valid but lacks the scope the operation needs (a `read` token used to write), or the account may not do this.",
  },
  {
    name: "not-found",
    status: 404,
    title: "Not found",
    description:
      "Nothing exists at this address: an unknown path, or an unknown slug. For an unknown slug, `suggestions` lists the closest ones as `{ slug, name }`.",
  },
  {
    name: "method-not-allowed",
    status: 405,
    title: "Method not allowed",
    description: "The path exists but not with this method. The `Allow` header lists the methods it takes.",
  },
  {
    name: "conflict",
    status: 409,
    title: "Conflict",
    description: "The request conflicts with the current state of what it changes; read it again and retry.",
  },
  {
    name: "payload-too-large",
    status: 413,
    title: "Payload too large",
    description: "The request body is larger than the operation accepts (16 KB).",
  },
  {
    name: "unsupported-media-type",
    status: 415,
    title: "Unsupported media type",
    description: "The operation takes a JSON body: send it with `Content-Type: application/json`.",
  },
  {
    name: "rate-limited",
    status: 429,
    title: "Too many requests",
    description:
      "A rate limit was reached. `Retry-After` says how many seconds to wait; the `RateLimit` and `RateLimit-Policy` headers, sent on every answer, show the limit and what remains of it.",
  },
  {
    name: "client-error",
    status: null,
    title: "Request refused",
    description: "Any other refusal of a request as sent; `status` and `detail` say which and why.",
  },
  {
    name: "server-error",
    status: 500,
    title: "Server error",
    description: "Something failed on our side. It has been logged; try again in a moment.",
  },
];

const BY_NAME = new Map(PROBLEM_TYPES.map((p) => [p.name, p]));

/** The anchor of a problem type on the reference page: `problem-{name}`. */
export function problemAnchor(name: string): string {
  return `problem-${name}`;
}

/** A problem type's URI: the reference page's anchor for it under the site's address. */
export function problemTypeUri(siteUrl: string, name: string): string {
  return `${siteUrl}/api#${problemAnchor(name)}`;
}

/** Whether a path belongs to the JSON API, whose errors are always problem JSON (not /api itself, the reference page). */
export function isApiPath(path: string): boolean {
  return path.startsWith("/api/");
}

/** Whether the client wants problem JSON rather than an HTML error page. */
export function wantsProblemJson(c: Context): boolean {
  if (isApiPath(c.req.path)) return true;
  if (isEnhanced(c)) return true;
  const accept = c.req.header("accept");
  if (!accept) return false;
  return /application\/(problem\+)?json/.test(accept) && !accept.includes("text/html");
}

/** The problem type an error stands for: the one it names, else the usual one for its status. */
export function problemTypeOf(error: HttpError): ProblemType {
  const named = error.problem.type && BY_NAME.get(error.problem.type);
  if (named) return named;
  const byStatus = PROBLEM_TYPES.find((p) => p.status === error.status && p.name !== "invalid-parameters");
  return byStatus ?? (BY_NAME.get(error.status >= 500 ? "server-error" : "client-error") as ProblemType);
}

/**
 * The problem document for an error. Under /api/ (`siteUrl` given): a documented type, its
 * fixed title and the error's extension members; elsewhere `about:blank` and the page's title.
 */
export function problemJson(error: HttpError, path: string, siteUrl?: string): ProblemDetails {
  if (siteUrl === undefined || !isApiPath(path)) {
    return {
      type: "about:blank",
      title: error.title,
      status: error.status,
      detail: error.detail,
      instance: path,
    };
  }
  const type = problemTypeOf(error);
  const doc: ProblemDetails = {
    type: problemTypeUri(siteUrl, type.name),
    title: type.title,
    status: error.status,
    detail: error.detail,
    instance: path,
  };
  // extension members follow the standard ones and never replace them
  for (const [k, v] of Object.entries(error.problem.extensions ?? {})) if (!(k in doc)) doc[k] = v;
  return doc;
}

/** Where a bad parameter was sent. */
export type ParameterLocation = "path" | "query" | "header" | "body";

/** One bad parameter of an invalid-parameters problem. */
export interface ParameterProblem {
  name: string;
  in: ParameterLocation;
  detail: string;
}

/** A 400 listing every bad parameter; its detail names them all. */
export function invalidParameters(errors: readonly ParameterProblem[]): HttpError {
  const names = [...new Set(errors.map((e) => e.name))];
  const first = errors[0];
  const detail =
    errors.length === 1 && first
      ? `The "${first.name}" parameter is not valid: ${first.detail}`
      : `These parameters are not valid: ${names.map((n) => `"${n}"`).join(", ")}. See "errors" for each.`;
  return new HttpError(
    400,
    "That request could not be understood",
    detail,
    [],
    {},
    {
      type: "invalid-parameters",
      extensions: { errors },
    },
  );
}

/** A 404 for an unknown slug, with the closest ones as `suggestions`. */
export function unknownSlug(detail: string, closest: readonly { slug: string; name: string }[]): HttpError {
  return new HttpError(
    404,
    "Not found",
    detail,
    [],
    {},
    {
      type: "not-found",
      extensions: { suggestions: closest.map((s) => ({ slug: s.slug, name: s.name })) },
    },
  );
}
