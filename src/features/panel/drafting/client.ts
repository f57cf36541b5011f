/**
 * A small client for any OpenAI-compatible Chat Completions endpoint (Ollama, vLLM, llama.cpp
 * server, hosted APIs): one structured answer per call, asked for with a strict JSON-schema
 * response format derived from a zod schema, and checked against that same zod schema.
 *
 * Two kinds of trouble are retried, each with its own bounded budget:
 * - the endpoint is busy, failing or slow (429, 5xx, timeouts, network errors): retried with
 *   exponential backoff, honouring Retry-After up to a cap;
 * - the answer is unusable (not JSON, breaks the schema, cut off, empty): asked again at once,
 *   telling the model what was wrong.
 * Any other refusal (400, 401, 403, 404…) fails at once: asking again cannot fix a bad key or URL,
 * and neither can a request the fetch API refuses to build (a URL with credentials, a key with a
 * character no header may hold).
 *
 * Error messages reach panelists' pages and the CLI, so none may carry a secret: the endpoint's
 * address is shown without user, password or query, and the API key (or the URL's credentials),
 * wherever they turn up — fetch's own error text, the endpoint's error body — becomes
 * "[redacted]".
 */
import { z } from "zod";
import type { LlmConfig } from "../../../config.ts";
import { plural } from "../../../ui/labels.ts";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** How hard to try; the defaults suit a real endpoint, tests shrink the delays. */
export interface RetryPolicy {
  /** Requests for one answer while the endpoint is busy, failing or slow (429, 5xx, timeouts, network). */
  transportAttempts: number;
  /** Requests for one answer while the model's answer is unusable (not JSON, wrong shape, cut off, empty). */
  answerAttempts: number;
  /** First backoff delay; doubled per retry. */
  baseDelayMs: number;
  /** Longest backoff delay. */
  maxDelayMs: number;
  /** Longest Retry-After honoured; a longer one is cut to this. */
  maxRetryAfterMs: number;
}

const DEFAULT_RETRY: RetryPolicy = {
  transportAttempts: 4,
  answerAttempts: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

export interface LlmClientOptions {
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  /** Waits between retries; tests replace it to record the delays instead of waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** 0 ≤ x < 1, for backoff jitter. */
  random?: () => number;
}

/**
 * Why a request gave up: the endpoint refused it (fix the configuration), stayed unavailable,
 * kept giving unusable answers, or the caller stopped it.
 */
export type LlmErrorKind = "refused" | "unavailable" | "unusable" | "aborted";

/** A failure with a message an operator can act on; never carries the API key or URL credentials. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly kind: LlmErrorKind,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "LlmError";
  }
}

export interface StructuredRequest<T> {
  /** The response format's name: letters, digits, _ and - (OpenAI's rule). */
  name: string;
  schema: z.ZodType<T>;
  messages: ChatMessage[];
  signal?: AbortSignal;
}

export interface StructuredAnswer<T> {
  value: T;
  /** Requests sent, retries included. */
  attempts: number;
}

export interface LlmClient {
  readonly model: string;
  /** Asks for one object matching `schema`; throws LlmError when it cannot get one. */
  complete<T>(request: StructuredRequest<T>): Promise<StructuredAnswer<T>>;
}

// Keywords OpenAI's strict mode accepts. Others (minLength, maxLength, $schema…) make it answer
// 400, so they are dropped here; the zod check after the answer still enforces them, and the
// length limits are spelled out in the description the model reads.
const STRICT_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "anyOf",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "description",
  "$defs",
  "$ref",
]);

type JsonSchema = { [key: string]: unknown };

/**
 * The JSON schema of a zod schema, in the subset strict structured output accepts: every object
 * closed (additionalProperties false) with every property required. Throws when the zod schema
 * has an optional field, which strict mode cannot express; a schema change that breaks this is
 * caught by the tests rather than by the endpoint.
 */
export function strictJsonSchema(schema: z.ZodType): JsonSchema {
  return strictNode(z.toJSONSchema(schema) as JsonSchema, "");
}

function strictNode(node: JsonSchema, path: string): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (STRICT_KEYWORDS.has(key)) out[key] = value;
  }
  const lengths = lengthNote(node);
  if (lengths) out.description = out.description ? `${out.description} (${lengths})` : lengths;
  if (node.type === "object") {
    const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
    const keys = Object.keys(properties);
    const required = new Set((node.required as string[] | undefined) ?? []);
    const optional = keys.filter((k) => !required.has(k));
    if (optional.length > 0) {
      throw new Error(
        `strict structured output needs every property required; optional at ${path || "the top"}: ${optional.join(", ")}`,
      );
    }
    out.properties = Object.fromEntries(
      keys.map((k) => [k, strictNode(properties[k]!, path ? `${path}.${k}` : k)]),
    );
    out.required = keys;
    out.additionalProperties = false;
  }
  if (node.items && typeof node.items === "object") out.items = strictNode(node.items as JsonSchema, path);
  if (Array.isArray(node.anyOf)) out.anyOf = (node.anyOf as JsonSchema[]).map((n) => strictNode(n, path));
  return out;
}

function lengthNote(node: JsonSchema): string | undefined {
  const min = typeof node.minLength === "number" ? node.minLength : undefined;
  const max = typeof node.maxLength === "number" ? node.maxLength : undefined;
  if (max !== undefined) return `${min ?? 0}–${max} characters`;
  if (min !== undefined) return `at least ${min} characters`;
  return undefined;
}

/** Why one answer could not be used, and the phrase the final error message uses for it. */
interface AnswerProblem {
  phrase: string;
  detail: string;
}

/** Why one request to the endpoint failed in a way worth retrying. */
interface TransportProblem {
  detail: string;
  retryAfterMs?: number;
}

/** What replaces a secret in a message. */
const REDACTED = "[redacted]";

/**
 * An endpoint address fit for messages: scheme, host, port and path only. A user or password
 * becomes "***" and a query "?…", since either may hold a key.
 */
export function redactEndpoint(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "(an address that is not a valid URL)";
  }
  const credentials = u.username || u.password ? "***@" : "";
  return `${u.protocol}//${credentials}${u.host}${u.pathname}${u.search ? "?…" : ""}`;
}

/** The strings no message may show: the API key and the base URL's user and password, as written and decoded. */
function secretsOf(config: Pick<LlmConfig, "baseUrl" | "apiKey">): string[] {
  const found = new Set<string>();
  if (config.apiKey) found.add(config.apiKey);
  try {
    const u = new URL(config.baseUrl);
    for (const part of [u.username, u.password]) {
      if (!part) continue;
      found.add(part);
      try {
        found.add(decodeURIComponent(part));
      } catch {
        // not percent-encoding: the raw form is already listed
      }
    }
  } catch {
    // not a URL: there are no credentials to find in it
  }
  // longest first, so a secret containing another is replaced whole
  return [...found].filter(Boolean).sort((a, b) => b.length - a.length);
}

/**
 * A scrubber for one endpoint's messages: its address redacted (see redactEndpoint), then every
 * secret replaced by "[redacted]".
 */
export function messageScrubber(config: Pick<LlmConfig, "baseUrl" | "apiKey">): (text: string) => string {
  const secrets = secretsOf(config);
  const address = config.baseUrl;
  const shown = redactEndpoint(address);
  return (text) => {
    let out = address ? text.split(address).join(shown) : text;
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    return out;
  };
}

/** Aborts when any of the signals does, with its reason (AbortSignal.any, combined by hand before Node 20.3). */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([...signals]);
  const controller = new AbortController();
  const abort = (signal: AbortSignal) => {
    for (const s of signals) s.removeEventListener("abort", listeners.get(s)!);
    controller.abort(signal.reason);
  };
  const listeners = new Map<AbortSignal, () => void>();
  for (const s of signals) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    const listener = () => abort(s);
    listeners.set(s, listener);
    s.addEventListener("abort", listener, { once: true });
  }
  return controller.signal;
}

/** Sleeps, or rejects as soon as `signal` aborts. */
function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The endpoint's own error message, on one line and short, from a JSON or text body; secrets are
 * scrubbed before it is shortened, so that a cut cannot leave half a key behind.
 */
function serverMessage(body: string, scrub: (text: string) => string): string {
  let text = body;
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const err = parsed.error;
    if (typeof err === "string") text = err;
    else if (err && typeof err === "object" && typeof (err as { message?: unknown }).message === "string") {
      text = (err as { message: string }).message;
    } else if (typeof parsed.message === "string") text = parsed.message;
    else if (typeof parsed.detail === "string") text = parsed.detail;
  } catch {
    // not JSON: use the text as it is
  }
  return oneLine(scrub(text));
}

/** The zod issues as "path: message" pairs, at most three. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((i) => {
    const path = i.path.map(String).join(".");
    return path ? `${path}: ${i.message}` : i.message;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : "";
  return `${shown.join("; ")}${more}`;
}

/** Strips a Markdown code fence some local models wrap JSON in, despite the response format. */
function unfence(content: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(content);
  return m ? m[1]! : content;
}

/** A client for the configured endpoint. */
export function createLlmClient(
  config: Pick<LlmConfig, "baseUrl" | "model" | "apiKey" | "timeoutMs">,
  options: LlmClientOptions = {},
): LlmClient {
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const url = `${config.baseUrl.replace(/\/$/, "")}/chat/completions`;
  const shownUrl = redactEndpoint(url);
  const shownBase = redactEndpoint(config.baseUrl);
  const scrub = messageScrubber(config);
  const said = (body: string) => serverMessage(body, scrub);
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;

  /** Backoff before the n-th retry (1-based): doubling, capped, with jitter so parallel callers spread out. */
  const backoff = (n: number) => {
    const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
    return Math.round(full / 2 + (random() * full) / 2);
  };

  /** One request: the parsed reply, or a transport problem worth retrying; throws when refused. */
  async function send(
    body: string,
    signal: AbortSignal | undefined,
    attempt: number,
  ): Promise<{ ok: true; reply: unknown } | { ok: false; problem: TransportProblem }> {
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const combined = signal ? anySignal([signal, timeout]) : timeout;
    const request = buildRequest(body, combined, attempt);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(request);
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw new LlmError("stopped before the model answered", "aborted", attempt);
      if (timeout.aborted) {
        return { ok: false, problem: { detail: `no answer within ${seconds(config.timeoutMs)}` } };
      }
      const reason = networkReason(err);
      // fetch will never connect to a port on its blocked list (6000, 6667…): configuration, not luck
      if (reason === "bad port") {
        throw new LlmError(
          `fetch refuses to connect to ${shownBase}: its port is one fetch blocks; check LLM_BASE_URL.`,
          "refused",
          attempt,
        );
      }
      return { ok: false, problem: { detail: `could not reach ${shownBase}: ${reason}` } };
    }
    if (res.status === 429 || res.status === 408 || res.status >= 500) {
      const message = said(text);
      return {
        ok: false,
        problem: {
          detail: `HTTP ${res.status}${res.status === 429 ? " (rate limited)" : ""}${message ? `: ${message}` : ""}`,
          retryAfterMs: parseRetryAfter(res.headers.get("retry-after")),
        },
      };
    }
    if (!res.ok) throw new LlmError(refusal(res.status, said(text)), "refused", attempt);
    try {
      return { ok: true, reply: JSON.parse(text) };
    } catch {
      // a proxy's HTML page or a cut connection, not the model's doing: worth another try
      return { ok: false, problem: { detail: "the reply was not Chat Completions JSON" } };
    }
  }

  /**
   * The request fetch will send. The fetch API refuses some before sending anything (a URL with
   * credentials or an unknown scheme, a header value with a line break): that is configuration,
   * which no retry fixes, so it fails at once as "refused".
   */
  function buildRequest(body: string, signal: AbortSignal, attempt: number): Request {
    const fix =
      "check that LLM_BASE_URL is a plain http(s) address with no user or password, and that LLM_API_KEY holds only printable ASCII characters";
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new LlmError(
        `the request could not be made: LLM_BASE_URL is not a valid URL; ${fix}.`,
        "refused",
        attempt,
      );
    }
    if (protocol !== "http:" && protocol !== "https:") {
      throw new LlmError(
        `the request could not be made: the address uses ${protocol.slice(0, 20)} rather than http or https; ${fix}.`,
        "refused",
        attempt,
      );
    }
    try {
      return new Request(url, { method: "POST", headers, body, signal });
    } catch (err) {
      throw new LlmError(
        `the request could not be made (${oneLine(scrub((err as Error)?.message ?? String(err)))}); ${fix}.`,
        "refused",
        attempt,
      );
    }
  }

  function refusal(status: number, said: string): string {
    const tail = said ? ` The endpoint said: ${said}` : "";
    if (status === 401) {
      return config.apiKey
        ? `the endpoint refused the API key (401): check LLM_API_KEY.${tail}`
        : `the endpoint wants an API key (401): set LLM_API_KEY.${tail}`;
    }
    if (status === 403)
      return `the endpoint refused access (403): check LLM_API_KEY and its permissions.${tail}`;
    if (status === 404) {
      return `the endpoint answered 404 for ${shownUrl}: check that LLM_BASE_URL is the API's base (it usually ends in /v1) and that the model "${config.model}" exists there.${tail}`;
    }
    return `the endpoint rejected the request (${status}).${tail}`;
  }

  /** The object in a Chat Completions reply, or why it cannot be used. */
  function readAnswer<T>(
    reply: unknown,
    schema: z.ZodType<T>,
  ): { ok: true; value: T } | { ok: false; problem: AnswerProblem } {
    const choice = (reply as { choices?: unknown[] } | null)?.choices?.[0] as
      | { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }
      | undefined;
    if (!choice) return { ok: false, problem: { phrase: "was missing", detail: "the reply had no choices" } };
    const message = choice.message ?? {};
    if (typeof message.refusal === "string" && message.refusal) {
      return { ok: false, problem: { phrase: "was a refusal", detail: said(message.refusal) } };
    }
    if (choice.finish_reason === "length") {
      return {
        ok: false,
        problem: {
          phrase: 'was cut off (finish_reason "length")',
          detail: "the model hit its output limit; raise it, or use a model with a larger context",
        },
      };
    }
    const content = typeof message.content === "string" ? message.content.trim() : "";
    if (!content) return { ok: false, problem: { phrase: "was empty", detail: "" } };
    let parsed: unknown;
    try {
      parsed = JSON.parse(unfence(content));
    } catch (err) {
      return { ok: false, problem: { phrase: "was not valid JSON", detail: (err as Error).message } };
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) {
      return {
        ok: false,
        problem: { phrase: "did not match the review form", detail: describeIssues(checked.error) },
      };
    }
    return { ok: true, value: checked.data };
  }

  /** One answer, with the retry budgets; `complete` scrubs whatever it throws. */
  async function ask<T>(request: StructuredRequest<T>): Promise<StructuredAnswer<T>> {
    const responseFormat = {
      type: "json_schema",
      json_schema: { name: request.name, strict: true, schema: strictJsonSchema(request.schema) },
    };
    const messages = [...request.messages];
    let attempts = 0;
    let transportFailures = 0;
    let answerFailures = 0;
    for (;;) {
      attempts++;
      const body = JSON.stringify({ model: config.model, messages, response_format: responseFormat });
      const sent = await send(body, request.signal, attempts);
      if (!sent.ok) {
        transportFailures++;
        if (transportFailures >= policy.transportAttempts) {
          throw new LlmError(
            `the endpoint did not give an answer after ${plural(transportFailures, "attempt")}: last, ${sent.problem.detail}`,
            "unavailable",
            attempts,
          );
        }
        const wait =
          sent.problem.retryAfterMs !== undefined
            ? Math.min(sent.problem.retryAfterMs, policy.maxRetryAfterMs)
            : backoff(transportFailures);
        try {
          await sleep(wait, request.signal);
        } catch {
          throw new LlmError("stopped while waiting to retry", "aborted", attempts);
        }
        continue;
      }
      const answer = readAnswer(sent.reply, request.schema);
      if (answer.ok) return { value: answer.value, attempts };
      answerFailures++;
      const { phrase, detail } = answer.problem;
      if (answerFailures >= policy.answerAttempts) {
        throw new LlmError(
          `the model's answer ${phrase} after ${plural(answerFailures, "attempt")}${detail ? `: ${detail}` : ""}`,
          "unusable",
          attempts,
        );
      }
      // tell the model what was wrong; the conversation so far stays as it was asked
      messages.splice(request.messages.length, messages.length, {
        role: "user",
        content: `Your previous answer ${phrase}${detail ? ` (${detail})` : ""}. Answer again with one JSON object that follows the schema exactly, and keep every text within its length limit.`,
      });
    }
  }

  return {
    model: config.model,
    async complete<T>(request: StructuredRequest<T>): Promise<StructuredAnswer<T>> {
      try {
        return await ask(request);
      } catch (err) {
        // the last line of defence: whatever a message quotes (fetch, the endpoint, the model),
        // no secret leaves this client
        if (err instanceof LlmError) throw new LlmError(scrub(err.message), err.kind, err.attempts);
        throw err;
      }
    },
  };
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Text on one line of at most 300 characters: whitespace runs become one space, a longer line is cut with "…". */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** The reason a fetch failed to connect, e.g. "ECONNREFUSED", from undici's nested cause. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}
