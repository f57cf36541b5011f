/** What the benches share: the load shape, the environment, and starting the production server. */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import autocannon from "autocannon";
import { loadConfig } from "../src/config.ts";
import { prepareDatabase } from "../src/prepare-database.ts";

export const CONNECTIONS = 32;
export const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
export const root = join(import.meta.dirname, "..");

/**
 * The environment for a child the bench starts: this one's, without the services a developer's
 * shell may point at, so every run measures SQLite under DATA_DIR, in-process state and no mail.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, REDIS_URL: _r, SMTP_URL: _s, ...inherited } = process.env;
  return { ...inherited, ...env };
}

/** The database under a DATA_DIR, migrated and seeded as the server would find it. */
export function openBenchDatabase(dataDir: string) {
  return prepareDatabase(loadConfig({ DATA_DIR: dataDir }), () => {});
}

/** A 2 s warm-up, so the JIT and caches settle, then the measured DURATION at CONNECTIONS. */
export async function measure(opts: autocannon.Options): Promise<autocannon.Result> {
  await autocannon({ connections: CONNECTIONS, ...opts, duration: 2 });
  return autocannon({ connections: CONNECTIONS, ...opts, duration: DURATION });
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/**
 * Runs src/main.ts in its own process, so the load generator never shares its event loop, on a
 * free loopback port; resolves once it answers, with its base URL.
 */
export async function startApp(opts: {
  dataDir: string;
  pageCache: "on" | "off";
  env?: Record<string, string>;
}): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: childEnv({
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: opts.dataDir,
      PAGE_CACHE: opts.pageCache,
      ...opts.env,
    }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/`);
  } catch (err) {
    await stop(child);
    throw err;
  }
  return { child, base };
}

/** Ends a child the bench started and waits until it has exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** A loopback port nobody is listening on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}
