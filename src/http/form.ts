/** Reads a state-changing request's fields, whether sent as a form or as JSON. */
import type { Context } from "hono";
import { badRequest } from "./errors.ts";
import { bodyProblem, bodyProblemMessage } from "./text-input.ts";

/** The request's fields as strings; non-string values are dropped. */
export async function readFields(c: Context): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  let raw: Record<string, unknown> = {};
  if (type.includes("application/json")) {
    const text = await c.req.text();
    try {
      const body = text.trim() === "" ? {} : JSON.parse(text);
      if (body && typeof body === "object" && !Array.isArray(body)) raw = body as Record<string, unknown>;
    } catch {
      throw badRequest("The request body is not valid JSON.");
    }
  } else if (type.includes("form")) {
    raw = await parseForm(c);
  }
  refuseBadText(raw);
  return Object.fromEntries(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** Whether the in-place update script sent the request (it wants a fragment back). */
export function isEnhanced(c: Context): boolean {
  return c.req.header("x-requested-with") === "fetch";
}

/**
 * The form body, or a 400 when it cannot be parsed (say, multipart without a boundary).
 * With `all`, repeated fields (checkbox groups) come back as arrays.
 */
export async function parseForm(c: Context, opts: { all?: boolean } = {}): Promise<Record<string, unknown>> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody({ all: opts.all ?? false });
  } catch {
    throw badRequest("The form could not be read. Reload the page and send it again.");
  }
  refuseBadText(body);
  return body;
}

/** A 400 for control characters or lone surrogates anywhere in a body: no route stores them. */
function refuseBadText(body: unknown): void {
  const problem = bodyProblem(body);
  if (problem) throw badRequest(bodyProblemMessage(problem));
}
