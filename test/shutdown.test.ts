/**
 * SIGTERM under load, on the production bundle as `npm start` runs it (node dist/main.js): the
 * server is sent SIGTERM while it is handling many requests, every one of them is answered in
 * full, and the process exits with status 0 and stops accepting connections.
 *
 * "Under way" is not guessed from timing: the test waits until the server's own metrics count
 * every request as started (in flight or already answered) before it sends the signal, and some
 * requests have sent only half their body then: they are finished only once the server has
 * logged that it is stopping.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const ROOT = join(import.meta.dirname, "..");
/** Page requests sent just before the signal. */
const IN_FLIGHT = 40;
/** Requests whose body is only half sent when the signal arrives: surely under way. */
const HALF_SENT = 10;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** One GET on a connection of its own (no keep-alive): its status and body length, or the error. */
function getOnce(
  port: number,
  path: string,
): Promise<{ status: number; bytes: number } | { error: string; code: string | undefined }> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.message, code: err.code }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.message, code: err.code }));
    req.end();
  });
}

/**
 * An MCP ping whose body is sent in two halves: the server has its headers (the request is
 * under way) but must wait for the rest, which is sent when `finish` is called.
 */
function halfSentPing(port: number): {
  finish(): void;
  answer: Promise<{ status: number; bytes: number } | { error: string; code: string | undefined }>;
} {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
  let req: ReturnType<typeof request> | undefined;
  const answer = new Promise<{ status: number; bytes: number } | { error: string; code: string | undefined }>(
    (resolve) => {
      req = request(
        {
          host: "127.0.0.1",
          port,
          path: "/mcp",
          method: "POST",
          agent: false,
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            "content-length": String(Buffer.byteLength(body)),
          },
        },
        (res) => {
          let bytes = 0;
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
          res.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.message, code: err.code }));
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.message, code: err.code }));
      req.flushHeaders();
      req.write(body.slice(0, 10));
    },
  );
  return { finish: () => req?.end(body.slice(10)), answer };
}

/** A sample's value in Prometheus text, summed over every series whose labels contain `labels`. */
function sampleSum(text: string, name: string, labels = ""): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

describe("SIGTERM under load", () => {
  let child: ChildProcess;
  let output = "";
  let port = 0;
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-stop-"));

  beforeAll(async () => {
    const built = spawnSync(process.execPath, [join(ROOT, "scripts", "build.js")], {
      cwd: ROOT,
      encoding: "utf8",
    });
    if (built.status !== 0) throw new Error(`the build failed:\n${built.stdout}${built.stderr}`);
    port = await freePort();
    const {
      DATABASE_URL: _d,
      SMTP_URL: _m,
      REDIS_URL: _r,
      SITE_URL: _u,
      NEWSLETTER_SCHEDULE: _n,
      ...inherited
    } = process.env;
    child = spawn(process.execPath, [join(ROOT, "dist", "main.js")], {
      cwd: ROOT,
      env: {
        ...inherited,
        NODE_ENV: "production",
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: "127.0.0.1",
        // every request renders from the database, so many are under way at once
        PAGE_CACHE: "off",
        LOG_LEVEL: "info",
        // generous: the test checks that nothing is cut off, not how fast the drain is
        SHUTDOWN_GRACE_MS: "120000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) return;
        const res = await getOnce(port, "/healthz");
        expect(res).toMatchObject({ status: 200 });
      },
      { timeout: 40_000, interval: 100 },
    );
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
  }, 60_000);

  afterAll(async () => {
    if (child?.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers every request under way, then exits 0 and accepts no more", async () => {
    const exited = once(child, "exit");
    const paths = Array.from({ length: IN_FLIGHT }, (_, i) => (i % 2 === 0 ? "/tools" : "/tools/cursor"));
    const answers = Promise.all(paths.map((path) => getOnce(port, path)));
    const pings = Array.from({ length: HALF_SENT }, () => halfSentPing(port));
    // every request has reached the app: answered already or in flight (the scrape itself is one)
    await vi.waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        const text = await res.text();
        const answered =
          sampleSum(text, "http_request_duration_seconds_count", 'route="/tools"') +
          sampleSum(text, "http_request_duration_seconds_count", 'route="/tools/:slug"');
        const inFlight = sampleSum(text, "http_requests_in_flight") - 1;
        expect(answered + inFlight).toBeGreaterThanOrEqual(IN_FLIGHT + HALF_SENT);
      },
      { timeout: 60_000, interval: 20 },
    );
    child.kill("SIGTERM");
    // the server has begun to stop (it says so) before the pings' bodies are finished
    await vi.waitFor(() => expect(output).toContain("stopping: finishing requests under way"), {
      timeout: 60_000,
      interval: 20,
    });
    for (const ping of pings) ping.finish();
    const results = [...(await answers), ...(await Promise.all(pings.map((p) => p.answer)))];
    expect(results).toHaveLength(IN_FLIGHT + HALF_SENT);
    const failed = results.filter((r) => !("status" in r) || r.status !== 200 || r.bytes === 0);
    expect(failed).toEqual([]);
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // the listening socket is gone with the process
    expect(await getOnce(port, "/healthz")).toMatchObject({ code: "ECONNREFUSED" });
    // the log says it stopped in order, and every answer has its line
    const lines = output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg?: string; route?: string; status?: number });
    expect(lines.some((l) => l.msg?.startsWith("stopping"))).toBe(true);
    expect(lines.at(-1)?.msg).toBe("stopped");
    const answered = lines.filter(
      (l) =>
        l.msg === "request" && (l.route === "/tools" || l.route === "/tools/:slug" || l.route === "/mcp"),
    );
    expect(answered).toHaveLength(IN_FLIGHT + HALF_SENT);
    expect(answered.every((l) => l.status === 200)).toBe(true);
  }, 120_000);
});
