import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { createLogger } from "./log.ts";
import { createMetrics, RequestDurations } from "./metrics.ts";
import { RequestObserver } from "./request-log.ts";

const quiet = createLogger({ logLevel: "silent" }, { write: () => {} });
const asked = (id?: string) =>
  ({ headers: id === undefined ? {} : { "x-request-id": id } }) as IncomingMessage;

describe("request ids", () => {
  it("makes its own ids, distinct, unless proxies are trusted", () => {
    const observer = new RequestObserver(quiet, createMetrics(), { trustProxy: 0 });
    observer.start(asked("from-the-client"));
    const first = observer.hitNote.id;
    observer.start(asked());
    expect(first).not.toBe("from-the-client");
    expect(observer.hitNote.id).not.toBe(first);
  });

  it("keeps a trusted proxy's id when it looks like one, and replaces one that does not", () => {
    const observer = new RequestObserver(quiet, createMetrics(), { trustProxy: 1 });
    observer.start(asked("7f3a9c0e2b4d4e1f9a8b7c6d5e4f3a2b"));
    expect(observer.hitNote.id).toBe("7f3a9c0e2b4d4e1f9a8b7c6d5e4f3a2b");
    for (const odd of ["reader@example.com", "two words", "a\nnew line", "x".repeat(129), ""]) {
      observer.start(asked(odd));
      expect(observer.hitNote.id).not.toBe(odd);
      expect(observer.hitNote.id).toMatch(/^[a-z0-9]+-[a-z0-9]+$/);
    }
  });
});

describe("the request histogram", () => {
  it("keeps cumulative buckets, sum and count per method, route and status", () => {
    const h = new RequestDurations();
    h.observe("GET", "/tools/:slug", 200, 0.0004);
    h.observe("GET", "/tools/:slug", 200, 0.02);
    h.observe("GET", "/tools/:slug", 404, 0.003);
    h.observe("GET", "/tools/:slug", 200, 60);
    const values = h.get().values;
    const ok = values.filter((v) => v.labels.status === 200);
    const bucket = (le: number | string) =>
      ok.find((v) => v.metricName === "http_request_duration_seconds_bucket" && v.labels.le === le)?.value;
    expect(bucket(0.0005)).toBe(1);
    expect(bucket(0.025)).toBe(2);
    expect(bucket(10)).toBe(2);
    expect(bucket("+Inf")).toBe(3);
    expect(ok.find((v) => v.metricName === "http_request_duration_seconds_count")?.value).toBe(3);
    expect(ok.find((v) => v.metricName === "http_request_duration_seconds_sum")?.value).toBeCloseTo(60.0204);
    expect(values.filter((v) => v.labels.status === 404 && v.metricName.endsWith("_count"))[0]?.value).toBe(
      1,
    );
  });
});
