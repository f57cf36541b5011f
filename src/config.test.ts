import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("config: model drafting and the panel", () => {
  it("leaves drafting off without an endpoint and model", () => {
    const config = loadConfig({});
    expect(config.llm).toBeUndefined();
    expect(config.panelStaleDays).toBe(180);
  });

  it("turns drafting on with both, trimming a trailing slash and keeping the key optional", () => {
    const config = loadConfig({ LLM_BASE_URL: "http://127.0.0.1:11434/v1/", LLM_MODEL: "llama3.2" });
    expect(config.llm).toEqual({
      baseUrl: "http://127.0.0.1:11434/v1",
      model: "llama3.2",
      apiKey: undefined,
      timeoutMs: 120_000,
      concurrency: 2,
    });
  });

  it("refuses half a configuration with a message naming both settings", () => {
    expect(() => loadConfig({ LLM_MODEL: "gpt-4o-mini" })).toThrow(/LLM_BASE_URL and LLM_MODEL/);
    expect(() => loadConfig({ LLM_BASE_URL: "https://api.example.com/v1" })).toThrow(
      /LLM_BASE_URL and LLM_MODEL/,
    );
  });

  it("refuses credentials inside the base URL, where error messages could show them", () => {
    expect(() =>
      loadConfig({ LLM_BASE_URL: "https://user:s3cret@api.example.com/v1", LLM_MODEL: "m" }),
    ).toThrow(/LLM_BASE_URL: must not hold a user or password/);
  });

  it("refuses a base URL that is not http(s) and a stale age of zero days", () => {
    expect(() => loadConfig({ LLM_BASE_URL: "ftp://x/v1", LLM_MODEL: "m" })).toThrow(/LLM_BASE_URL/);
    expect(() => loadConfig({ PANEL_STALE_DAYS: "0" })).toThrow(/PANEL_STALE_DAYS/);
  });
});
