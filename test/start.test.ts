/**
 * `npm start` as the README gives it: the prestart script builds dist/main.js, Node runs it on
 * an empty data folder, and the first start migrates, seeds the starter catalog and serves
 * pages with their assets. A bundle that cannot find its files, or does not build, fails here.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const ROOT = join(import.meta.dirname, "..");

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

describe("npm start", () => {
  let child: ChildProcess;
  let output = "";
  let base = "";
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-start-"));

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // the server's settings come from this test alone: SQLite in the temp folder, outbox mail, no Redis
    const {
      DATABASE_URL: _d,
      SMTP_URL: _m,
      REDIS_URL: _r,
      SITE_URL: _u,
      NEWSLETTER_SCHEDULE: _n,
      ...inherited
    } = process.env;
    // its own process group, so npm, its shell and the server all stop together
    child = spawn("npm", ["start"], {
      cwd: ROOT,
      env: { ...inherited, NODE_ENV: "production", DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const stopped = () => child.exitCode !== null || child.signalCode !== null;
    await vi.waitFor(
      async () => {
        if (stopped()) return;
        expect((await fetch(`${base}/`)).status).toBe(200);
      },
      // a few seconds when the machine is idle; the margin is for a busy CI runner
      { timeout: 40_000, interval: 100 },
    );
    if (stopped()) throw new Error(`npm start exited (${child.exitCode ?? child.signalCode}):\n${output}`);
  });

  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs the bundle, not the sources", () => {
    expect(output).toContain("Built dist/main.js");
    expect(output).toContain("seeded the starter catalog");
  });

  it("serves the home page with its stylesheet and script", async () => {
    const html = await (await fetch(`${base}/`)).text();
    const css = /<link rel="stylesheet" href="(\/assets\/styles\.[0-9a-f]+\.css)"/.exec(html)?.[1];
    const js = /<script[^>]* src="(\/assets\/enhance\.[0-9a-f]+\.js)"/.exec(html)?.[1];
    expect(css).toBeDefined();
    expect(js).toBeDefined();
    const sheet = await fetch(`${base}${css}`);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get("content-type")).toMatch(/^text\/css/);
    expect(await sheet.text()).toBe(readFileSync(join(ROOT, "src/ui/styles.css"), "utf8"));
    const script = await fetch(`${base}${js}`);
    expect(script.status).toBe(200);
    expect(await script.text()).toBe(readFileSync(join(ROOT, "src/ui/enhance.js"), "utf8"));
  });

  it("serves a tool from the seeded starter catalog", async () => {
    const res = await fetch(`${base}/tools/aider`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Aider");
  });
});
