/**
 * An OpenAI-compatible Chat Completions server on loopback for the drafting tests. Each request
 * takes the next scripted behaviour (per persona first, then the shared queue; a good answer
 * when both are empty), and every request is recorded so tests can check what was sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PERSONAS, type Persona, reviewSchemas } from "../../src/domain/catalog-schema.ts";

/** One scripted reply. */
export type Behaviour =
  /** A valid review for the persona asked; `review` overrides parts of it. */
  | { kind: "good"; review?: Record<string, unknown>; delayMs?: number }
  /** Content that is not JSON. */
  | { kind: "malformed" }
  /** A JSON object that breaks the review schema: one answer empty (or `patch` applied). */
  | { kind: "schema-break"; patch?: Record<string, unknown> }
  /** A good answer, but only after `delayMs` (longer than the client's timeout). */
  | { kind: "slow"; delayMs: number }
  /** An HTTP error, e.g. 429 with Retry-After, 500, 401. */
  | { kind: "status"; status: number; retryAfter?: string; body?: string }
  /** A reply cut off at the output limit: finish_reason "length" and half the JSON. */
  | { kind: "truncated" }
  /** An empty answer. */
  | { kind: "empty" }
  /** Closes the connection without a reply. */
  | { kind: "hang-up" };

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: {
      type: string;
      json_schema?: { name: string; strict: boolean; schema: Record<string, unknown> };
    };
  };
  persona: Persona | undefined;
  behaviour: Behaviour["kind"];
}

export interface FakeLlm {
  /** Base URL to use as LLM_BASE_URL (ends in /v1). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** The most requests that were in flight at once. */
  maxInFlight: number;
  /** Queues behaviours for the next requests, whatever persona they ask for. */
  script(...behaviours: Behaviour[]): void;
  /** Queues behaviours for the next requests about one persona (checked before the shared queue). */
  scriptFor(persona: Persona, ...behaviours: Behaviour[]): void;
  /** Forgets requests, scripts and the in-flight high-water mark. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A thesis date the panel accepts whenever the tests run: 30 June two years on (after today,
 * well within the five-year horizon).
 */
export function sampleThesisDate(now = Date.now()): string {
  return `${new Date(now).getUTCFullYear() + 2}-06-30`;
}

/** A review that passes `reviewSchemas[persona]` (and, for the Futurist, the thesis-date rule today). */
export function sampleReview(
  persona: Persona,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const answers: Record<string, string> = {};
  for (const key of Object.keys(reviewSchemas[persona].shape.answers.shape)) {
    answers[key] = `Model's ${persona} answer for ${key}.`;
  }
  if (persona === "futurist") {
    answers.thesisDate = sampleThesisDate();
    answers.timing = "on-time";
  }
  return {
    score: 71,
    verdict: "ship",
    summary: `Drafted ${persona} summary.`,
    answers,
    ...overrides,
  };
}

/** The persona a request is about: from the response format's name, else the prompt. */
function personaOf(body: RecordedRequest["body"]): Persona | undefined {
  const name = body.response_format?.json_schema?.name ?? "";
  const byName = PERSONAS.find((p) => name.startsWith(p));
  if (byName) return byName;
  const text = (body.messages ?? []).map((m) => m.content).join("\n");
  return PERSONAS.find((p) => new RegExp(`You are the ${p}\\b`, "i").test(text));
}

function completion(content: string, finishReason = "stop") {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2, 10)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: "fake",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finishReason }],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  };
}

/** Starts the server on 127.0.0.1 at a free port. */
export async function startFakeLlm(): Promise<FakeLlm> {
  const shared: Behaviour[] = [];
  const perPersona = new Map<Persona, Behaviour[]>();
  let inFlight = 0;

  const fake: FakeLlm = {
    baseUrl: "",
    requests: [],
    maxInFlight: 0,
    script: (...b) => void shared.push(...b),
    scriptFor: (persona, ...b) => void perPersona.set(persona, [...(perPersona.get(persona) ?? []), ...b]),
    reset() {
      fake.requests.length = 0;
      shared.length = 0;
      perPersona.clear();
      fake.maxInFlight = inFlight;
    },
    close: async () => {},
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    let finished = false;
    const done = () => {
      if (!finished) {
        finished = true;
        inFlight--;
      }
    };
    res.on("close", done);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? "").split("?")[0]!;
    if (req.method !== "POST" || !/^(\/v1)?\/chat\/completions$/.test(path)) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
      return;
    }
    let body: RecordedRequest["body"] = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "request body is not JSON" } }));
      return;
    }
    const persona = personaOf(body);
    const queue = persona ? perPersona.get(persona) : undefined;
    const behaviour: Behaviour = queue?.shift() ?? shared.shift() ?? { kind: "good" };
    fake.requests.push({
      path,
      authorization: req.headers.authorization,
      body,
      persona,
      behaviour: behaviour.kind,
    });
    const p = persona ?? "builder";
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    switch (behaviour.kind) {
      case "good":
        if (behaviour.delayMs) await wait(behaviour.delayMs);
        return json(200, completion(JSON.stringify(sampleReview(p, behaviour.review))));
      case "slow":
        await wait(behaviour.delayMs);
        return json(200, completion(JSON.stringify(sampleReview(p))));
      case "malformed":
        return json(200, completion('{"score": 70, "verdict": "ship", "summary": "oops'));
      case "schema-break": {
        const review = sampleReview(p);
        const answers = { ...(review.answers as Record<string, string>) };
        const firstKey = Object.keys(answers)[0]!;
        answers[firstKey] = "";
        return json(200, completion(JSON.stringify({ ...review, answers, ...behaviour.patch })));
      }
      case "truncated": {
        const full = JSON.stringify(sampleReview(p));
        return json(200, completion(full.slice(0, Math.floor(full.length / 2)), "length"));
      }
      case "empty":
        return json(200, completion(""));
      case "status": {
        const headers: Record<string, string> = behaviour.retryAfter
          ? { "retry-after": behaviour.retryAfter }
          : {};
        if (res.destroyed) return;
        res.writeHead(behaviour.status, { "content-type": "application/json", ...headers });
        res.end(behaviour.body ?? JSON.stringify({ error: { message: `scripted ${behaviour.status}` } }));
        return;
      }
      case "hang-up":
        req.socket.destroy();
        return;
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  fake.baseUrl = `http://127.0.0.1:${port}/v1`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
