import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { createApp } from "../app.tsx";
import { loadConfig } from "../config.ts";
import { createLogger, ErrorLog } from "./log.ts";

/** A logger whose lines are kept in an array, exactly as they would be written. */
function recordingLogger() {
  const written: string[] = [];
  const log = createLogger({ logLevel: "info" }, { write: (chunk: string) => void written.push(chunk) });
  const records = () => written.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, written, records };
}

/** An Error thrown from one fixed place, as a failing route would throw it again and again. */
function sameFailure(): Error {
  return new Error("database is gone");
}

describe("the log", () => {
  it("redacts cookies and credentials among the fields", () => {
    const { log, written } = recordingLogger();
    log.info(
      { headers: { cookie: "sos_session=secret1", authorization: "Bearer secret2" }, cookie: "secret3" },
      "hello",
    );
    expect(written).toHaveLength(1);
    expect(written[0]).not.toMatch(/secret/);
    expect(written[0]).toContain("[redacted]");
  });

  it("logs a recurring error's stack once, then a count at most once a window", () => {
    const { log, records } = recordingLogger();
    let clock = 0;
    const errors = new ErrorLog(log, { windowMs: 60_000, now: () => clock });
    for (let i = 0; i < 100; i++) {
      clock = i * 1000; // 100 errors over 99 seconds
      errors.failure(sameFailure(), { method: "GET", path: "/" }, "request failed");
    }
    const lines = records();
    expect(lines.filter((r) => (r.err as { stack?: string } | undefined)?.stack)).toHaveLength(1);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ repeated: 60, error: "Error: database is gone", path: "/" });

    // another error is its own: logged in full
    errors.failure(new TypeError("something else"), { method: "GET", path: "/x" }, "request failed");
    expect(records()).toHaveLength(3);
    expect(records()[2]).toMatchObject({ err: { type: "TypeError", message: "something else" } });
  });

  it("logs an error in full again once it has stayed away for a window", () => {
    const { log, records } = recordingLogger();
    let clock = 0;
    const errors = new ErrorLog(log, { windowMs: 60_000, now: () => clock });
    errors.failure(sameFailure(), {}, "request failed");
    clock = 61_000;
    errors.failure(sameFailure(), {}, "request failed");
    expect(records().map((r) => Boolean((r.err as { stack?: string } | undefined)?.stack))).toEqual([
      true,
      true,
    ]);
  });
});

describe("failures logged by the app", () => {
  let db: TestDatabase;
  const recorder = recordingLogger();
  let app: ReturnType<typeof createApp>["app"];

  beforeAll(async () => {
    db = await createTestDatabase("sqlite", { seed: false });
    const config = loadConfig({
      NODE_ENV: "test",
      SITE_URL: "http://localhost:3000",
      DATA_DIR: mkdtempSync(join(tmpdir(), "shiporskip-data-")),
    });
    ({ app } = createApp({ db: db.db, config, log: recorder.log }));
    app.get("/explode/:what", () => {
      throw sameFailure();
    });
  });
  afterAll(() => db?.dispose());

  it("writes a path holding a newline as one JSON line, the newline escaped in its field", async () => {
    recorder.written.length = 0;
    // the URL edge now refuses control characters in a path, so nothing reaches the log at all…
    const refused = await app.request("/explode/x%0a2026-12-07%20level=info%20msg=forged");
    expect(refused.status).toBe(400);
    expect(recorder.written).toHaveLength(0);
    // …and where such text does reach it, it stays inside one JSON line
    new ErrorLog(recorder.log).failure(
      new Error("database is gone"),
      {
        method: "GET",
        path: "/explode/x\n2026-12-07 level=info msg=forged",
      },
      "request failed",
    );
    expect(recorder.written).toHaveLength(1);
    const line = recorder.written[0]!;
    expect(line.indexOf("\n")).toBe(line.length - 1);
    const record = JSON.parse(line) as { method: string; path: string; err: { stack: string } };
    expect(record.method).toBe("GET");
    expect(record.path).toBe("/explode/x\n2026-12-07 level=info msg=forged");
    expect(line).toContain(String.raw`x\n2026-12-07`);
    expect(record.err.stack).toMatch(/database is gone/);
  });

  it("writes far fewer than 100 stack traces for 100 identical failures", async () => {
    recorder.written.length = 0;
    for (let i = 0; i < 100; i++) {
      expect((await app.request(`/explode/${i}`)).status).toBe(500);
    }
    const stacks = recorder.records().filter((r) => (r.err as { stack?: string } | undefined)?.stack);
    expect(stacks.length).toBeLessThanOrEqual(1);
    expect(recorder.written.length).toBeLessThanOrEqual(2);
  });
});
