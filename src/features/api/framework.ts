/**
 * The JSON API's framework: each operation is declared once (`defineOperation`), and that one
 * declaration mounts the route, validates its path, query and body, counts its rate limits,
 * shapes its answer (ETag and 304 on GET, JSON with a charset) and registers it in the
 * OpenAPI 3.1 document, so the document cannot drift from what the routes do.
 *
 * Conventions every operation gets for free: RFC 9457 problem JSON for every error (the
 * central handler in app.tsx, see http/problem.ts), the IETF draft RateLimit headers on every
 * answer, CORS open to any origin without credentials, 405 with Allow for a known path asked
 * with another method, 400 naming each unknown or repeated query parameter, and a 404 problem
 * for an unknown path. docs/api.md tells how to add an operation.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { Permission } from "../../domain/permissions.ts";
import { apiCallerMiddleware } from "../../http/api-auth.ts";
import { clientAddress, clientNetwork } from "../../http/client-address.ts";
import { pickVariant, type Variants } from "../../http/compression.ts";
import type { Deps } from "../../http/deps.ts";
import { HttpError, notFound } from "../../http/errors.ts";
import { etagFor, etagMatches, type PageScope } from "../../http/page-cache.ts";
import {
  invalidParameters,
  isApiPath,
  type ParameterLocation,
  type ParameterProblem,
  PROBLEM_TYPES,
  problemTypeUri,
} from "../../http/problem.ts";
import { enforceRateLimit, type RateRule } from "../../http/rate-limit.ts";
import { apiRequestsPerClient } from "../../http/rate-rules.ts";
import { routeLabel } from "../../http/request-log.ts";
import { write } from "../../http/write.ts";

/** Where the API lives; operations declare their paths below it. */
export const API_BASE = "/api/v1";
export const API_VERSION = "1.0.0";

/** What a personal API token may do. */
export type ApiScope = "read" | "write";

/** Who a token-authorised request acts for (set by the authorizer the app is given). */
export interface ApiPrincipal {
  userId: number;
  scope: ApiScope;
  /** The token's own id, for last-used dates and audit entries. */
  tokenId: number;
}

/**
 * Checks a request's token for an operation that declares `auth: "token"`: returns who it acts
 * for, or throws a 401 (no, unknown or revoked token) or a 403 (scope too narrow). The tokens
 * feature supplies it through app.tsx; the API knows no token table.
 */
export type Authorizer = (c: Context, scope: ApiScope) => Promise<ApiPrincipal>;

type Method = "get" | "post" | "put" | "patch" | "delete";
type AnyObject = z.ZodObject;

/** What a handler receives: the validated parameters and body, and the token's principal. */
export interface OperationInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set for operations that declare `auth: "token"`, null otherwise. */
  principal: ApiPrincipal | null;
}

/** One API operation, declared once. */
export interface ApiOperation<
  P extends AnyObject = AnyObject,
  Q extends AnyObject = AnyObject,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  /** Unique, camelCase: names the operation in the document and the reference page. */
  operationId: string;
  method: Method;
  /** Below API_BASE, with OpenAPI-style parameters: "/tools/{slug}". */
  path: string;
  /** One of API_TAGS (or a tag passed to apiRoutes). */
  tag: string;
  summary: string;
  /** Markdown-free prose: what it returns and how to use it. */
  description: string;
  /** Path parameters; every `{name}` in the path must be here. */
  params?: P;
  /** Query parameters; any other name is a 400. */
  query?: Q;
  /** A JSON request body (POST, PUT, PATCH). */
  body?: B;
  /** The success body's schema; validated against every answer when NODE_ENV=test. */
  response: R;
  /** What the success answer is, in a few words. */
  responseDescription: string;
  /** The success status: 200 by default, 201 for a creation. */
  status?: 200 | 201;
  /** "token": the request must carry a personal API token with `scope`. */
  auth?: "token";
  scope?: ApiScope;
  /**
   * A rate rule counted on top of the API-wide per-network one: per token's account when the
   * operation needs a token, per client network otherwise (votes per account, say).
   */
  rate?: RateRule;
  /** For writes: the cached pages a successful write makes stale (docs/decisions/012). */
  invalidates?: PageScope | ((c: Context) => PageScope) | "nothing";
  /**
   * For token writes: the named permission the token's account needs, the same one the
   * matching form declares (a blocked account or a role without it gets a 403).
   */
  permission?: Permission;
  /** Problem statuses it may answer besides the usual ones (404 is added for path parameters). */
  problems?: number[];
  /** A request for the reference page's curl line: a target below API_BASE and a body. */
  example: { path: string; body?: unknown };
  handle: (
    c: Context,
    input: OperationInput<z.output<P>, z.output<Q>, z.output<B>>,
  ) => Promise<z.input<R>> | z.input<R>;
}

/** Declares an operation, keeping its schemas' types for the handler. */
export function defineOperation<
  P extends AnyObject = z.ZodObject<Record<string, never>>,
  Q extends AnyObject = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(op: ApiOperation<P, Q, B, R>): ApiOperation {
  return op as unknown as ApiOperation;
}

/** A documented group of operations. */
export interface ApiTag {
  name: string;
  description: string;
}

/** The RFC 9457 problem document, as the OpenAPI document describes it. */
export const problemSchema = z
  .object({
    type: z
      .string()
      .meta({ description: "A URI naming the problem type; the API reference documents each." }),
    title: z.string().meta({ description: "The problem type's summary; the same for every occurrence." }),
    status: z.int().meta({ description: "The HTTP status code." }),
    detail: z.string().meta({ description: "What went wrong this time, and what to do about it." }),
    instance: z.string().meta({ description: "The path of the request that failed." }),
    errors: z
      .array(
        z.object({
          name: z.string(),
          in: z.enum(["path", "query", "header", "body"]),
          detail: z.string(),
        }),
      )
      .optional()
      .meta({ description: "invalid-parameters: each bad parameter, where it was sent and what is wrong." }),
    suggestions: z
      .array(z.object({ slug: z.string(), name: z.string() }))
      .optional()
      .meta({ description: "not-found for an unknown slug: the closest slugs." }),
  })
  .meta({ id: "Problem", description: "An RFC 9457 problem document." });

/** The limits answer headers, shared by every response in the document. */
const HEADER_COMPONENTS = {
  "RateLimit-Policy": {
    description:
      'The rate-limit policies this request counts against (IETF httpapi draft): `"name";q=LIMIT;w=WINDOW_SECONDS`, comma-separated.',
    schema: { type: "string" },
    example: '"api";q=300;w=60',
  },
  RateLimit: {
    description:
      'What remains of each policy (IETF httpapi draft): `"name";r=REMAINING;t=SECONDS_TO_RESET`, comma-separated.',
    schema: { type: "string" },
    example: '"api";r=299;t=60',
  },
  "Retry-After": {
    description: "Seconds to wait before trying again.",
    schema: { type: "integer", minimum: 1 },
  },
  ETag: {
    description: "A strong validator of the body; send it back in If-None-Match to get a 304.",
    schema: { type: "string" },
  },
} as const;

const headerRef = (name: keyof typeof HEADER_COMPONENTS) => ({ $ref: `#/components/headers/${name}` });
const RATE_HEADERS = { "RateLimit-Policy": headerRef("RateLimit-Policy"), RateLimit: headerRef("RateLimit") };
const PROBLEM_CONTENT = {
  "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
};

/** The reusable problem responses, by status. */
const PROBLEM_RESPONSES: Record<number, { name: string; description: string }> = {
  400: { name: "BadRequest", description: "Invalid or unknown parameters, or an unreadable request." },
  401: { name: "Unauthorized", description: "No API token, or an unknown or revoked one." },
  403: {
    name: "Forbidden",
    description:
      "The token's scope does not allow this, its account is blocked, or its role lacks the permission.",
  },
  404: { name: "NotFound", description: "Unknown path or slug; `suggestions` lists the closest slugs." },
  409: { name: "Conflict", description: "The request conflicts with the current state." },
  413: { name: "PayloadTooLarge", description: "The body is too large." },
  415: { name: "UnsupportedMediaType", description: "The body must be JSON." },
  429: { name: "TooManyRequests", description: "A rate limit was reached; see Retry-After." },
  500: { name: "ServerError", description: "A failure on our side, logged." },
};

/** "/tools/{slug}" → "/tools/:slug". */
function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

/** A matcher for concrete paths below API_BASE: "/tools/{slug}" matches "/tools/cursor". */
function pathPattern(path: string): RegExp {
  const literal = path.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${literal.join("[^/]+")}$`);
}

/** The curl line for an operation's example. */
export function curlExample(siteUrl: string, op: ApiOperation, base = API_BASE): string {
  const parts = ["curl"];
  if (op.method !== "get") parts.push("-X", op.method.toUpperCase());
  if (op.auth === "token") parts.push("-H", `"Authorization: Bearer $SHIPORSKIP_TOKEN"`);
  if (op.example.body !== undefined) {
    parts.push("-H", "'Content-Type: application/json'", "-d", `'${JSON.stringify(op.example.body)}'`);
  }
  parts.push(`'${siteUrl}${base}${op.example.path}'`);
  return parts.join(" ");
}

/** Turns zod issues into the parameters they concern. */
function issuesAt(where: ParameterLocation, error: z.ZodError): ParameterProblem[] {
  return error.issues.map((issue) => ({
    name:
      issue.path.length > 0 ? issue.path.map(String).join(".") : where === "body" ? "(body)" : "(parameters)",
    in: where,
    detail: issue.message,
  }));
}

/** The query string as an object of single values; unknown and repeated names are problems. */
function readQuery(
  c: Context,
  schema: AnyObject | undefined,
): { values: Record<string, string>; problems: ParameterProblem[] } {
  const known = new Set(Object.keys(schema?.shape ?? {}));
  const values: Record<string, string> = {};
  const problems: ParameterProblem[] = [];
  const seen = new Set<string>();
  const search = new URL(c.req.url).searchParams;
  for (const [name, value] of search) {
    if (!known.has(name)) {
      if (!seen.has(name)) {
        problems.push({
          name,
          in: "query",
          detail:
            known.size === 0
              ? "Unknown parameter: this operation takes no query parameters."
              : `Unknown parameter. This operation takes: ${[...known].join(", ")}.`,
        });
      }
    } else if (seen.has(name)) {
      if (!problems.some((p) => p.name === name)) {
        problems.push({ name, in: "query", detail: "Given more than once; send it once." });
      }
    } else if (value.trim() !== "") {
      // an empty value (from a form's "any" option) means the parameter is absent
      values[name] = value;
    }
    seen.add(name);
  }
  return { values, problems };
}

/** Reads a JSON body: 415 unless JSON, 400 unless it parses. */
async function readBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new HttpError(
      415,
      "Unsupported media type",
      "Send the body as JSON with Content-Type: application/json.",
    );
  }
  const text = await c.req.text();
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new HttpError(
      400,
      "That request could not be understood",
      "The body is not valid JSON.",
      [],
      {},
      {
        type: "bad-request",
      },
    );
  }
}

/**
 * What every request under /api/ passes first, before the address checks (app.tsx mounts these
 * right after the security headers), so whatever answers it, a 400 for an unreadable address
 * or a 404 for an unknown version included, carries the CORS and rate-limit headers:
 * CORS open to any origin, never with credentials (no cookie from another site's script is
 * honoured), and the per-network allowance every request counts against, preflights too.
 */
export function apiEdge(deps: Deps): MiddlewareHandler[] {
  const rule = apiRequestsPerClient(deps.config.apiRateLimit);
  const cors: MiddlewareHandler = async (c, next) => {
    if (!isApiPath(c.req.path)) return next();
    await next();
    const h = c.res.headers;
    h.set("Access-Control-Allow-Origin", "*");
    h.set("Access-Control-Expose-Headers", "ETag, Link, RateLimit, RateLimit-Policy, Retry-After");
    // the site's pages are same-origin only; the API's answers are meant to be read anywhere
    h.set("Cross-Origin-Resource-Policy", "cross-origin");
  };
  const limit: MiddlewareHandler = async (c, next) => {
    if (!isApiPath(c.req.path)) return next();
    const key = `net:${clientNetwork(clientAddress(c, deps.config.trustProxy))}`;
    await enforceRateLimit(c, deps.rateLimits, rule, key);
    await next();
  };
  return [cors, limit];
}

/** The options of the API's routes. */
export interface ApiOptions {
  operations: readonly ApiOperation[];
  /** Where the app is mounted: API_BASE, unless a test mounts one of its own elsewhere. */
  base?: string;
  tags: readonly ApiTag[];
  /** Needed when any operation declares `auth: "token"`. */
  authorize?: Authorizer;
}

/** The API: its Hono app (mount it at API_BASE) and its OpenAPI document. */
export interface BuiltApi {
  app: Hono;
  operations: readonly ApiOperation[];
  /** The OpenAPI 3.1 document, generated once on first use. */
  document: () => OpenApiDocument;
}

/** The generated document, loosely typed: the reference page and tests read it as data. */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

/** Builds the API's app from its operations. */
export function buildApi(deps: Deps, opts: ApiOptions): BuiltApi {
  const { config } = deps;
  const ops = opts.operations;
  const base = opts.base ?? API_BASE;
  checkDeclarations(ops, opts);
  const clientKey = (c: Context) => `net:${clientNetwork(clientAddress(c, config.trustProxy))}`;
  const app = new Hono();

  // who is asking: the bearer token's account, when a token is sent (an unknown or revoked one
  // is a 401 here, after the edge counted it like any request); cookies are never read on API paths
  app.use("*", apiCallerMiddleware(deps));

  for (const op of ops) {
    const handler = operationHandler(deps, op, opts.authorize, clientKey);
    const path = honoPath(op.path);
    if (op.method === "get") {
      app.get(path, handler);
    } else {
      // writes are declared (docs/decisions/012): the declaration checks the token's scope and
      // its account's permission (a cookie never counts) and the rate rule, before the handler
      const declared = write(deps, {
        permission: op.permission ?? "anyone",
        ...(op.auth === "token" ? { token: op.scope } : {}),
        rate: op.rate ?? { inHandler: [] },
        invalidates: op.invalidates ?? "nothing",
      });
      app.on(op.method.toUpperCase(), path, declared, handler);
    }
  }

  // what no operation answered: a preflight, a known path with another method, or nothing at all
  const patterns = ops.map((op) => ({ op, pattern: pathPattern(op.path) }));
  app.all("*", (c) => {
    const below = c.req.path.slice(base.length) || "/";
    const methods = patterns.filter((p) => p.pattern.test(below)).map((p) => p.op.method.toUpperCase());
    if (methods.length === 0) {
      throw notFound(
        `There is no API operation at ${c.req.path}. The operations are listed at ${config.siteUrl}/api and in ${config.siteUrl}${base}/openapi.json.`,
      );
    }
    const allow = [...new Set([...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"])].join(
      ", ",
    );
    if (c.req.method === "OPTIONS") {
      return c.body(null, 204, {
        Allow: allow,
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, If-None-Match",
        "Access-Control-Max-Age": "86400",
      });
    }
    throw new HttpError(
      405,
      "Method not allowed",
      `${c.req.path} does not take ${c.req.method}; it takes ${allow}.`,
      [],
      { Allow: allow },
    );
  });

  let document: OpenApiDocument | undefined;
  return {
    app,
    operations: ops,
    document: () => {
      document ??= openApiDocument(config.siteUrl, opts);
      return document;
    },
  };
}

/** Fails at start-up on declarations that could not work, rather than on the first request. */
function checkDeclarations(ops: readonly ApiOperation[], opts: ApiOptions): void {
  const ids = new Set<string>();
  const tags = new Set(opts.tags.map((t) => t.name));
  for (const op of ops) {
    if (ids.has(op.operationId)) throw new Error(`API operation ${op.operationId} is declared twice`);
    ids.add(op.operationId);
    if (!tags.has(op.tag)) throw new Error(`API operation ${op.operationId} has an undeclared tag ${op.tag}`);
    const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const declared = Object.keys(op.params?.shape ?? {});
    if (names.sort().join() !== declared.sort().join()) {
      throw new Error(
        `API operation ${op.operationId}: path parameters ${names} and params ${declared} differ`,
      );
    }
    if (op.auth === "token" && (!op.scope || !opts.authorize)) {
      throw new Error(
        `API operation ${op.operationId} needs a token: give it a scope and the app an authorizer`,
      );
    }
    if (op.method !== "get" && op.auth === "token" && !op.permission) {
      throw new Error(`API operation ${op.operationId} writes with a token: name the permission it needs`);
    }
    if (op.method === "get" && op.body)
      throw new Error(`API operation ${op.operationId}: a GET takes no body`);
  }
}

/** The route handler for one operation. */
function operationHandler(
  deps: Deps,
  op: ApiOperation,
  authorize: Authorizer | undefined,
  clientKey: (c: Context) => string,
): MiddlewareHandler {
  const checkResponses = deps.config.env === "test";
  return async (c) => {
    const principal = op.auth === "token" && authorize ? await authorize(c, op.scope ?? "read") : null;
    // a write's rule was counted by its declaration (see buildApi)
    if (op.rate && op.method === "get") {
      const key = principal ? `user:${principal.userId}` : clientKey(c);
      await enforceRateLimit(c, deps.rateLimits, op.rate, key);
    }
    // a public read's answer is kept in the page cache, under a key no page address can take,
    // until the next write (or midnight) clears it; only valid requests are ever stored
    const cacheKey = op.method === "get" && !op.auth && deps.cache.enabled ? `api ${targetOf(c)}` : undefined;
    const hit = cacheKey === undefined ? undefined : deps.cache.get(cacheKey);
    if (hit) return answerRead(c, hit.body, hit.etag, hit.headers, hit.variants);
    const generation = deps.cache.currentGeneration;
    const problems: ParameterProblem[] = [];
    let params: unknown = {};
    if (op.params) {
      const parsed = op.params.safeParse(c.req.param());
      if (parsed.success) params = parsed.data;
      else problems.push(...issuesAt("path", parsed.error));
    }
    const raw = readQuery(c, op.query);
    problems.push(...raw.problems);
    let query: unknown = {};
    const parsedQuery = (op.query ?? z.object({})).safeParse(raw.values);
    if (parsedQuery.success) query = parsedQuery.data;
    else
      problems.push(
        ...issuesAt("query", parsedQuery.error).filter((p) => !raw.problems.some((r) => r.name === p.name)),
      );
    let body: unknown;
    if (op.body) {
      const parsed = op.body.safeParse(await readBody(c));
      if (parsed.success) body = parsed.data;
      else problems.push(...issuesAt("body", parsed.error));
    }
    if (problems.length > 0) throw invalidParameters(problems);

    const payload = await op.handle(c, { params, query, body, principal } as never);
    if (checkResponses) {
      const checked = op.response.safeParse(payload);
      if (!checked.success) {
        throw new Error(`${op.operationId} answered outside its schema: ${z.prettifyError(checked.error)}`);
      }
    }
    const text = JSON.stringify(payload);
    if (op.method !== "get") {
      return c.body(text, op.status ?? 200, {
        "content-type": JSON_TYPE,
        "cache-control": "no-store",
      });
    }
    const bytes = Buffer.from(text);
    const etag = etagFor(bytes);
    const link = c.res.headers.get("link");
    const headers: Record<string, string> = link ? { link } : {};
    // a stored answer is compressed once, by the cache, for every hit; others by the app's compressResponses()
    const variants =
      cacheKey === undefined
        ? undefined
        : await deps.cache.keep(
            cacheKey,
            { status: 200, body: bytes, etag, headers, route: routeLabel(c) },
            {
              since: generation,
              contentType: JSON_TYPE,
            },
          );
    return answerRead(c, bytes, etag, headers, variants);
  };
}

/** The request's path and query as sent. */
function targetOf(c: Context): string {
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * A read's answer: 200 with the body (its stored variant in the coding the client takes, when
 * there is one), or an empty 304 when the client's ETag is current.
 */
function answerRead(
  c: Context,
  body: Buffer,
  etag: string,
  headers: Record<string, string>,
  variants: Variants | undefined,
): Response {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  c.header("ETag", etag);
  // no-cache: any cache may keep the answer but must revalidate it, which costs a 304
  c.header("Cache-Control", "no-cache");
  if (etagMatches(c.req.header("if-none-match"), etag)) return c.body(null, 304);
  const variant = pickVariant(c.req.header("accept-encoding"), variants);
  if (!variant) return c.body(new Uint8Array(body), 200, { "content-type": JSON_TYPE });
  c.header("ETag", variant.etag);
  c.header("Content-Encoding", variant.encoding);
  c.header("Vary", "Accept-Encoding");
  return c.body(variant.body, 200, { "content-type": JSON_TYPE });
}

/** The OpenAPI 3.1 document of the operations. */
function openApiDocument(siteUrl: string, opts: ApiOptions): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  for (const [name, header] of Object.entries(HEADER_COMPONENTS)) {
    registry.registerComponent("headers", name, { ...header, schema: { ...header.schema } });
  }
  const used = new Set(opts.operations.flatMap((op) => problemStatuses(op)));
  for (const [status, r] of Object.entries(PROBLEM_RESPONSES)) {
    if (!used.has(Number(status))) continue;
    registry.registerComponent("responses", r.name, {
      description: r.description,
      headers: {
        ...RATE_HEADERS,
        ...(status === "429" ? { "Retry-After": headerRef("Retry-After") } : {}),
      },
      content: PROBLEM_CONTENT,
    });
  }
  const needsToken = opts.operations.some((op) => op.auth === "token");
  if (needsToken) {
    registry.registerComponent("securitySchemes", "apiToken", {
      type: "http",
      scheme: "bearer",
      description: "A personal API token, created on your account page; scoped read or write.",
    });
  }
  for (const op of opts.operations) registry.registerPath(routeConfig(siteUrl, opts.base ?? API_BASE, op));

  // the problem schema is referenced by the problem responses, not by any operation's schemas
  const generator = new OpenApiGeneratorV31([
    ...registry.definitions,
    { type: "schema", schema: problemSchema },
  ]);
  const doc = generator.generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Ship or Skip API",
      version: API_VERSION,
      description: [
        "Verdicts on AI tools: the catalog, each tool's panel, comparisons, categories and predictions.",
        "JSON; the reads need no account, while the operations tagged “Your account” need a personal API token. Every error is an RFC 9457 problem document whose `type` is one of the URIs listed below;",
        "every answer carries the IETF draft `RateLimit-Policy` and `RateLimit` headers, and every GET an `ETag` to revalidate with.",
        "Problem types:",
        ...PROBLEM_TYPES.map(
          (p) => `- \`${problemTypeUri(siteUrl, p.name)}\` (${p.status ?? "4xx"}): ${p.description}`,
        ),
      ].join("\n"),
      license: { name: "MIT", identifier: "MIT" },
      contact: { name: "Ship or Skip", url: `${siteUrl}/api` },
    },
    servers: [{ url: siteUrl, description: "This site" }],
    tags: opts.tags.map((t) => ({ name: t.name, description: t.description })),
    externalDocs: { description: "The API reference", url: `${siteUrl}/api` },
  });
  liftParameterDescriptions(doc);
  // the problem types' URIs depend on SITE_URL, so they join the schema here
  const problem = doc.components?.schemas?.Problem as {
    properties?: Record<string, Record<string, unknown>>;
  };
  const type = problem.properties?.type;
  if (type) type.examples = PROBLEM_TYPES.map((p) => problemTypeUri(siteUrl, p.name));
  return doc;
}

/** zod-to-openapi puts a field's description on its schema; the reference and linters read it on the parameter. */
function liftParameterDescriptions(doc: OpenApiDocument): void {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, { parameters?: unknown[] }>)) {
      for (const p of operation.parameters ?? []) {
        const param = p as { description?: string; schema?: { description?: string } };
        if (!param.description && param.schema?.description) param.description = param.schema.description;
      }
    }
  }
}

/** The problem statuses an operation documents. */
function problemStatuses(op: ApiOperation): number[] {
  // 401 everywhere: a token that is sent is checked, and refused if unknown or revoked, even
  // where none is needed (see apiCallerMiddleware); 403 also covers a blocked account's token
  const statuses = new Set<number>([400, 401, 403, 429, 500, ...(op.problems ?? [])]);
  if (op.params) statuses.add(404);
  if (op.body) {
    statuses.add(413);
    statuses.add(415);
  }
  return [...statuses].sort();
}

/** One operation as zod-to-openapi registers it. */
function routeConfig(siteUrl: string, base: string, op: ApiOperation): RouteConfig {
  const success = {
    description: op.responseDescription,
    headers: { ...(op.method === "get" ? { ETag: headerRef("ETag") } : {}), ...RATE_HEADERS },
    content: { "application/json": { schema: op.response } },
  };
  const responses: RouteConfig["responses"] = { [String(op.status ?? 200)]: success };
  if (op.method === "get") {
    responses["304"] = {
      description: "Not modified: the ETag sent in If-None-Match is still current.",
      headers: { ETag: headerRef("ETag"), ...RATE_HEADERS },
    };
  }
  for (const status of problemStatuses(op)) {
    const r = PROBLEM_RESPONSES[status];
    if (r) responses[String(status)] = { $ref: `#/components/responses/${r.name}` };
  }
  return {
    method: op.method,
    path: `${base}${op.path}`,
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: op.description,
    security: op.auth === "token" ? [{ apiToken: [] }] : [],
    request: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.body ? { body: { required: true, content: { "application/json": { schema: op.body } } } } : {}),
    },
    responses,
    "x-codeSamples": [{ lang: "Shell", label: "curl", source: curlExample(siteUrl, op, base) }],
  };
}
