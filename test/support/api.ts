/**
 * API tests through the OpenAPI document: `apiClient(t)` sends requests to a test app and checks
 * every answer against the document the app serves at /api/v1/openapi.json (the operation for
 * the path and method, the response for the status, its content type, its headers, and the body
 * against the response's JSON Schema, converted by zod's fromJSONSchema). A test that gets an
 * answer the document does not describe fails there, whatever it asserts itself.
 */
import { expect } from "vitest";
import { z } from "zod";
import type { TestApp } from "./app.ts";

type Json = Record<string, unknown>;

interface ResponseObject {
  $ref?: string;
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: unknown }>;
}

/** What one API request gave: the response and its body, already checked against the document. */
export interface ApiAnswer {
  res: Response;
  status: number;
  /** Parsed JSON (null for an empty body). */
  body: unknown;
}

/** A JSON value as `any`-free plain data, for tests that read fields. */
export type ApiBody = Record<string, unknown> & { [k: string]: unknown };

/** The operation of a document for a concrete path ("/api/v1/tools/cursor"), if any. */
export function findOperation(doc: Json, method: string, path: string): Json | undefined {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  for (const [template, item] of Object.entries(paths)) {
    const literal = template.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    if (new RegExp(`^${literal.join("[^/]+")}$`).test(path)) return item[method.toLowerCase()];
  }
  return undefined;
}

/** A validator for a schema of the document, its component refs resolved. */
function validatorFor(doc: Json, schema: unknown): z.ZodType {
  const rewrite = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v).replaceAll('"#/components/schemas/', '"#/$defs/'));
  const components = (doc.components as Json | undefined)?.schemas ?? {};
  const root = { ...(rewrite(schema) as Json), $defs: rewrite(components) };
  return z.fromJSONSchema(root as never);
}

/** Resolves a "#/components/responses/X" reference. */
function resolveResponse(doc: Json, r: ResponseObject): ResponseObject {
  if (!r.$ref) return r;
  const name = r.$ref.slice(r.$ref.lastIndexOf("/") + 1);
  const responses = (doc.components as Json).responses as Record<string, ResponseObject>;
  const found = responses[name];
  if (!found) throw new Error(`unresolved response ${r.$ref}`);
  return found;
}

/**
 * Checks one answer against the document; returns the parsed body. A request the document does
 * not describe (an unknown path or method) must be answered with a problem document.
 */
export async function checkAgainstDocument(
  doc: Json,
  method: string,
  path: string,
  res: Response,
): Promise<unknown> {
  const text = await res.text();
  const where = `${method} ${path} → ${res.status}`;
  const contentType = res.headers.get("content-type") ?? "";
  const body: unknown = text === "" ? null : JSON.parse(text);
  // every answer, however it came about, says where the client stands with its rate limits
  expect(res.headers.get("ratelimit-policy"), where).toMatch(/^"[\w-]+";q=\d+;w=\d+/);
  expect(res.headers.get("ratelimit"), where).toMatch(/^"[\w-]+";r=\d+;t=\d+/);
  expect(res.headers.get("access-control-allow-origin"), where).toBe("*");
  const problemSchema = ((doc.components as Json).schemas as Json).Problem;
  if (res.status >= 400) {
    expect(contentType, where).toBe("application/problem+json");
    const problem = validatorFor(doc, problemSchema).safeParse(body);
    expect(problem.success, `${where}: ${problem.success ? "" : z.prettifyError(problem.error)}`).toBe(true);
    expect(String((body as Json).type), where).toMatch(/\/api#problem-[a-z-]+$/);
    expect(text, where).not.toMatch(/\bat .+\.tsx?:\d+/);
  }
  const op = findOperation(doc, method === "HEAD" ? "GET" : method, path.split("?")[0] as string);
  if (!op) {
    // unknown paths and wrong methods are the framework's own answers: 404, 405 or a preflight
    expect([204, 404, 405, 429], where).toContain(res.status);
    return body;
  }
  const responses = op.responses as Record<string, ResponseObject>;
  const declared = responses[String(res.status)];
  expect(declared, `${where}: the document does not list this status`).toBeDefined();
  const response = resolveResponse(doc, declared as ResponseObject);
  for (const header of Object.keys(response.headers ?? {})) {
    if (header === "Retry-After" && res.status !== 429) continue;
    expect(res.headers.get(header), `${where}: header ${header}`).not.toBeNull();
  }
  if (res.status === 304 || method === "HEAD") {
    expect(text, where).toBe("");
    return body;
  }
  const media = response.content ?? {};
  const mediaType = contentType.split(";")[0]?.trim() ?? "";
  const declaredMedia = media[mediaType];
  expect(declaredMedia, `${where}: content type ${contentType} is not declared`).toBeDefined();
  if (res.status < 400) expect(contentType, where).toBe("application/json; charset=utf-8");
  const checked = validatorFor(doc, declaredMedia?.schema).safeParse(body);
  expect(checked.success, `${where}: ${checked.success ? "" : z.prettifyError(checked.error)}`).toBe(true);
  return body;
}

/** A client for a test app whose every answer is checked against the app's OpenAPI document. */
export async function apiClient(t: Pick<TestApp, "request" | "requestFrom">) {
  const docRes = await t.requestFrom("192.0.2.250", "/api/v1/openapi.json");
  expect(docRes.status).toBe(200);
  const doc = (await docRes.json()) as Json;
  /** Sends a request (from `from`, a client address, if given) and checks the answer. */
  const send = async (path: string, init: RequestInit = {}, from?: string): Promise<ApiAnswer> => {
    const res = from ? await t.requestFrom(from, path, init) : await t.request(path, init);
    const body = await checkAgainstDocument(doc, init.method ?? "GET", path, res.clone());
    return { res, status: res.status, body };
  };
  return {
    doc,
    send,
    get: (path: string, headers: Record<string, string> = {}, from?: string) => send(path, { headers }, from),
  };
}
