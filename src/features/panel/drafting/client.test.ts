import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ZodType } from "zod";
import { type FakeLlm, sampleThesisDate, startFakeLlm } from "../../../../test/support/fake-llm.ts";
import { PERSONAS, type ReviewInput, reviewSchemas } from "../../../domain/catalog-schema.ts";
import {
  createLlmClient,
  type LlmClientOptions,
  LlmError,
  messageScrubber,
  parseRetryAfter,
  redactEndpoint,
  strictJsonSchema,
} from "./client.ts";

/** Every object node of a JSON schema, with its path. */
function objectNodes(node: Record<string, unknown>, path = "$"): [string, Record<string, unknown>][] {
  const found: [string, Record<string, unknown>][] = [];
  if (node.type === "object") found.push([path, node]);
  for (const [k, child] of Object.entries(
    (node.properties ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    found.push(...objectNodes(child, `${path}.${k}`));
  }
  return found;
}

describe("strictJsonSchema", () => {
  it.each(PERSONAS)("gives the %s review in the subset strict structured output accepts", (persona) => {
    const schema = strictJsonSchema(reviewSchemas[persona]);
    const objects = objectNodes(schema);
    expect(objects.map(([p]) => p)).toEqual(["$", "$.answers"]);
    for (const [, node] of objects) {
      expect(node.additionalProperties).toBe(false);
      expect(node.required).toEqual(Object.keys(node.properties as object));
    }
    const text = JSON.stringify(schema);
    // keywords strict mode refuses are gone; the limits survive as words the model reads
    expect(text).not.toMatch(/"(\$schema|minLength|maxLength)"/);
    expect((schema.properties as Record<string, { description?: string }>).summary?.description).toBe(
      "1–400 characters",
    );
    expect(text).toContain('"enum":["ship","skip"]');
  });

  it("refuses a schema with an optional field, which strict mode cannot express", async () => {
    const { z } = await import("zod");
    expect(() => strictJsonSchema(z.strictObject({ a: z.string(), b: z.string().optional() }))).toThrow(
      /optional at the top: b/,
    );
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, and ignores nonsense", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe("the Chat Completions client against an OpenAI-compatible server", () => {
  let fake: FakeLlm;
  let sleeps: number[];

  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.reset();
    sleeps = [];
  });

  function client(opts: { apiKey?: string; timeoutMs?: number; baseUrl?: string } & LlmClientOptions = {}) {
    return createLlmClient(
      {
        baseUrl: opts.baseUrl ?? fake.baseUrl,
        model: "test-model:7b",
        apiKey: "apiKey" in opts ? opts.apiKey : "sk-test",
        timeoutMs: opts.timeoutMs ?? 2_000,
      },
      {
        retry: { baseDelayMs: 100, maxDelayMs: 400, maxRetryAfterMs: 5_000, ...opts.retry },
        // record the waits instead of waiting
        sleep: async (ms) => void sleeps.push(ms),
        random: () => 1,
      },
    );
  }

  const ask = (c = client(), persona: (typeof PERSONAS)[number] = "builder") =>
    c.complete({
      name: `${persona}_review`,
      schema: reviewSchemas[persona] as ZodType<ReviewInput>,
      messages: [{ role: "user", content: "Review the tool." }],
    });

  async function failure(promise: Promise<unknown>): Promise<LlmError> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof LlmError)) throw new Error(`expected an LlmError, got ${String(err)}`);
    return err;
  }

  it("sends the model, a strict JSON-schema response format and the API key, and returns the checked object", async () => {
    const answer = await ask(client(), "futurist");
    expect(answer.attempts).toBe(1);
    expect(answer.value.answers).toMatchObject({ thesisDate: sampleThesisDate(), timing: "on-time" });
    const [req] = fake.requests;
    expect(req?.path).toBe("/v1/chat/completions");
    expect(req?.authorization).toBe("Bearer sk-test");
    expect(req?.body.model).toBe("test-model:7b");
    expect(req?.body.response_format).toEqual({
      type: "json_schema",
      json_schema: {
        name: "futurist_review",
        strict: true,
        schema: strictJsonSchema(reviewSchemas.futurist),
      },
    });
  });

  it("sends no Authorization header when no API key is set (local servers)", async () => {
    await ask(client({ apiKey: undefined }));
    expect(fake.requests[0]?.authorization).toBeUndefined();
  });

  it("retries malformed JSON and uses the next good answer, telling the model what was wrong", async () => {
    fake.script({ kind: "malformed" });
    const answer = await ask();
    expect(answer.attempts).toBe(2);
    expect(fake.requests.map((r) => r.behaviour)).toEqual(["malformed", "good"]);
    const retry = fake.requests[1]?.body.messages ?? [];
    expect(retry.at(-1)?.content).toMatch(/^Your previous answer was not valid JSON/);
    expect(sleeps).toEqual([]);
  });

  it("gives up on malformed JSON after 3 attempts with a message saying so", async () => {
    fake.script({ kind: "malformed" }, { kind: "malformed" }, { kind: "malformed" }, { kind: "good" });
    const err = await failure(ask());
    expect(err.kind).toBe("unusable");
    expect(err.message).toMatch(/^the model's answer was not valid JSON after 3 attempts: /);
    expect(fake.requests).toHaveLength(3);
  });

  it("retries an answer that breaks the schema, and names the field when it keeps breaking it", async () => {
    fake.script({ kind: "schema-break" });
    expect((await ask()).attempts).toBe(2);

    fake.reset();
    fake.script({ kind: "schema-break" }, { kind: "schema-break" }, { kind: "schema-break" });
    const err = await failure(ask());
    expect(err.message).toMatch(
      /^the model's answer did not match the review form after 3 attempts: answers\.primitive: Too small/,
    );
    // feedback names the field too, and does not pile up: one correction after the prompt
    const third = fake.requests[2]?.body.messages ?? [];
    expect(third).toHaveLength(2);
    expect(third[1]?.content).toContain("answers.primitive");
  });

  it("rejects answers with fields outside the form (strict objects)", async () => {
    fake.script({ kind: "schema-break", patch: { answers: sampleAnswers(), extra: "x" } });
    expect((await ask()).attempts).toBe(2);
  });

  it("retries a truncated answer (finish_reason length) and reports it when it keeps happening", async () => {
    fake.script({ kind: "truncated" });
    expect((await ask()).attempts).toBe(2);
    fake.reset();
    fake.script({ kind: "truncated" }, { kind: "truncated" }, { kind: "truncated" });
    const err = await failure(ask());
    expect(err.message).toMatch(
      /^the model's answer was cut off \(finish_reason "length"\) after 3 attempts/,
    );
  });

  it("retries an empty answer", async () => {
    fake.script({ kind: "empty" });
    expect((await ask()).attempts).toBe(2);
  });

  it("times out a reply slower than the timeout and retries it with backoff", async () => {
    fake.script({ kind: "slow", delayMs: 1_500 });
    const started = Date.now();
    const answer = await ask(client({ timeoutMs: 200 }));
    expect(answer.attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(sleeps).toEqual([100]);
  });

  it("reports a reply that always times out, after the transport attempts", async () => {
    fake.script(...Array.from({ length: 4 }, () => ({ kind: "slow" as const, delayMs: 1_000 })));
    const err = await failure(ask(client({ timeoutMs: 100 })));
    expect(err.kind).toBe("unavailable");
    expect(err.message).toBe(
      "the endpoint did not give an answer after 4 attempts: last, no answer within 100 ms",
    );
    // backoff doubles, capped at maxDelayMs
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it("waits as long as a 429's Retry-After asks (capped), then succeeds", async () => {
    fake.script({ kind: "status", status: 429, retryAfter: "2" });
    const answer = await ask();
    expect(answer.attempts).toBe(2);
    expect(sleeps).toEqual([2_000]);

    fake.reset();
    sleeps.length = 0;
    fake.script({ kind: "status", status: 429, retryAfter: "3600" });
    await ask();
    expect(sleeps).toEqual([5_000]);
  });

  it("retries a 500 with backoff, and reports a server that keeps failing", async () => {
    fake.script({ kind: "status", status: 500 });
    expect((await ask()).attempts).toBe(2);
    expect(sleeps).toEqual([100]);

    fake.reset();
    fake.script(...Array.from({ length: 4 }, () => ({ kind: "status" as const, status: 503 })));
    const err = await failure(ask());
    expect(err.message).toBe(
      "the endpoint did not give an answer after 4 attempts: last, HTTP 503: scripted 503",
    );
  });

  it("retries a dropped connection", async () => {
    fake.script({ kind: "hang-up" });
    expect((await ask()).attempts).toBe(2);
  });

  it("fails at once, clearly, when the endpoint refuses the key (401)", async () => {
    fake.script({ kind: "status", status: 401, body: '{"error":{"message":"Incorrect API key provided"}}' });
    const err = await failure(ask());
    expect(err.kind).toBe("refused");
    expect(err.message).toBe(
      "the endpoint refused the API key (401): check LLM_API_KEY. The endpoint said: Incorrect API key provided",
    );
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("asks for a key on a 401 when none is set", async () => {
    fake.script({ kind: "status", status: 401 });
    const err = await failure(ask(client({ apiKey: undefined })));
    expect(err.message).toMatch(/^the endpoint wants an API key \(401\): set LLM_API_KEY/);
  });

  it("fails at once on a 404 or a 400, pointing at the setting to check", async () => {
    const wrongPath = await failure(ask(client({ baseUrl: fake.baseUrl.replace(/\/v1$/, "/api") })));
    expect(wrongPath.message).toMatch(
      /^the endpoint answered 404 for http:\/\/127\.0\.0\.1:\d+\/api\/chat\/completions: check that LLM_BASE_URL/,
    );
    fake.reset();
    fake.script({
      kind: "status",
      status: 400,
      body: '{"error":{"message":"response_format is not supported"}}',
    });
    const bad = await failure(ask());
    expect(bad.message).toBe(
      "the endpoint rejected the request (400). The endpoint said: response_format is not supported",
    );
    expect(fake.requests).toHaveLength(1);
  });

  it("reports a server that cannot be reached", async () => {
    // a port that was free a moment ago: nothing listens there now
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const err = await failure(ask(client({ baseUrl: `http://127.0.0.1:${port}/v1` })));
    expect(err.message).toBe(
      `the endpoint did not give an answer after 4 attempts: last, could not reach http://127.0.0.1:${port}/v1: ECONNREFUSED`,
    );
  });

  describe("keeps secrets out of every message", () => {
    const KEY = "sk-live-0123456789abcdef";

    it("scrubs the API key from the endpoint's error body, on a refusal and after retries", async () => {
      fake.script({
        kind: "status",
        status: 401,
        body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}.` } }),
      });
      const refused = await failure(ask(client({ apiKey: KEY })));
      expect(refused.message).toBe(
        "the endpoint refused the API key (401): check LLM_API_KEY. The endpoint said: Incorrect API key provided: [redacted].",
      );

      fake.reset();
      fake.script(
        ...Array.from({ length: 4 }, () => ({
          kind: "status" as const,
          status: 502,
          body: `upstream saw ${KEY}`,
        })),
      );
      const unavailable = await failure(ask(client({ apiKey: KEY })));
      expect(unavailable.message).toBe(
        "the endpoint did not give an answer after 4 attempts: last, HTTP 502: upstream saw [redacted]",
      );
    });

    it("scrubs the key before shortening a long body, so no part of it is left at the cut", async () => {
      fake.script({ kind: "status", status: 400, body: `${"x".repeat(285)} ${KEY}` });
      const err = await failure(ask(client({ apiKey: KEY })));
      expect(err.message).not.toContain(KEY.slice(0, 6));
      expect(err.message).toContain("[redacted]");
    });

    it("refuses, at once and without the credentials, a base URL fetch will not send to", async () => {
      const withCredentials = fake.baseUrl.replace("http://", "http://someone:hunter2-secret@");
      const err = await failure(ask(client({ baseUrl: withCredentials })));
      expect(err.kind).toBe("refused");
      expect(err.attempts).toBe(1);
      expect(err.message).toMatch(/^the request could not be made \(/);
      expect(err.message).toContain("check that LLM_BASE_URL is a plain http(s) address");
      expect(err.message).not.toMatch(/hunter2|someone/);
      expect(fake.requests).toHaveLength(0);
      expect(sleeps).toEqual([]);
    });

    it("refuses, at once and without the key, a key no header can hold", async () => {
      const err = await failure(ask(client({ apiKey: "sk-line\nbreak-secret" })));
      expect(err.kind).toBe("refused");
      expect(err.attempts).toBe(1);
      expect(err.message).not.toMatch(/sk-line|break-secret/);
      expect(err.message).toContain("LLM_API_KEY holds only printable ASCII characters");
      expect(fake.requests).toHaveLength(0);
    });

    it("refuses an address that is not http(s) without retrying", async () => {
      const err = await failure(ask(client({ baseUrl: "ftp://127.0.0.1/v1" })));
      expect(err.kind).toBe("refused");
      expect(err.message).toMatch(
        /^the request could not be made: the address uses ftp: rather than http or https/,
      );
      expect(sleeps).toEqual([]);
    });

    it("shows an address without user, password or query", () => {
      expect(redactEndpoint("https://user:pw@api.example.com:8443/v1?key=abc")).toBe(
        "https://***@api.example.com:8443/v1?…",
      );
      expect(redactEndpoint("http://127.0.0.1:11434/v1")).toBe("http://127.0.0.1:11434/v1");
      expect(redactEndpoint("not a url")).toBe("(an address that is not a valid URL)");
      const scrub = messageScrubber({ baseUrl: "https://tok%40en:pw@h.example/v1", apiKey: "k-123" });
      expect(scrub("at https://tok%40en:pw@h.example/v1 with k-123 as tok@en")).toBe(
        "at https://***@h.example/v1 with [redacted] as [redacted]",
      );
    });
  });

  it("stops when the caller aborts, without retrying", async () => {
    fake.script({ kind: "slow", delayMs: 1_000 });
    const stop = new AbortController();
    const pending = client().complete({
      name: "builder_review",
      schema: reviewSchemas.builder,
      messages: [{ role: "user", content: "Review." }],
      signal: stop.signal,
    });
    // abort once the model has the request, as a caller giving up mid-answer would
    await vi.waitFor(() => expect(fake.requests.length).toBeGreaterThan(0), { interval: 5 });
    stop.abort();
    const err = await failure(pending);
    expect(err.kind).toBe("aborted");
    expect(fake.requests).toHaveLength(1);
  });
});

function sampleAnswers() {
  return { primitive: "a", dxBet: "b", momentOfTruth: "c", decision: "d" };
}
