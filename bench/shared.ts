/**
 * What the benches share: the load shape, the environment, starting the production server and
 * its bare node:http ceiling pinned to one core, and driving load with wrk pinned to another.
 *
 * The rule: a bench measures the server, not its client. wrk (C, epoll) drives every HTTP load
 * from its own core, so the figure is the server's; the server under test and the ceiling (a bare
 * node:http server replaying one real answer, status, headers and bytes) take turns on the other
 * core within the same run, and each scenario prints server req/s ÷ ceiling req/s. No time is
 * asserted: the figures are printed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import type { Db } from "../src/db/types.ts";
import { createSignInLink, SESSION_COOKIE } from "../src/features/accounts/index.ts";
import { redeemSignInLink } from "../src/features/accounts/service.ts";
import { csrfTokenFor } from "../src/http/tokens.ts";
import { prepareDatabase } from "../src/prepare-database.ts";

export const CONNECTIONS = 32;
/** Seconds each measured run lasts: BENCH_DURATION (or the older BENCH_SECONDS), 10 by default. */
export const DURATION = Number(process.env.BENCH_DURATION ?? process.env.BENCH_SECONDS ?? 10);
/** Seconds of load before each measured run, so the JIT and caches settle; not reported. */
export const WARMUP = 2;
/**
 * How many times each scenario and its ceiling are measured, one after the other: this
 * machine's speed drifts by tens of percent over a minute, so a ratio is taken from runs made
 * side by side, and the median of the rounds is reported.
 */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** wrk's per-request timeout: wide, so a slow render on a busy machine counts in p99, not as an error. */
const TIMEOUT = 10;
/** Failed answers (≥ 400, or socket errors) beyond this share of a run fail the bench. */
const MAX_ERROR_SHARE = 0.005;
export const root = join(import.meta.dirname, "..");

/** A bench cannot run here (a tool or a core is missing): the message is all a developer needs. */
export class BenchSetupError extends Error {}

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

/** A signed-in reader as a browser holds one: the account, its session cookie and its CSRF token. */
export interface Session {
  userId: number;
  cookie: string;
  csrf: string;
}

/** Signs an address in through the real sign-in-link functions (mailed link, then redeemed). */
export async function signIn(db: Db, email: string): Promise<Session> {
  const token = await createSignInLink(db, { email, returnTo: "/" });
  const signedIn = await redeemSignInLink(db, { token, userAgent: "bench", adminEmails: [] });
  if (!signedIn.ok) throw new Error(`could not sign in ${email}: ${signedIn.problem}`);
  return {
    userId: signedIn.user.id,
    cookie: `${SESSION_COOKIE}=${signedIn.sessionToken}`,
    csrf: csrfTokenFor(signedIn.sessionToken),
  };
}

/** A small seeded generator, so every run sees the same votes. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Cores and tools

/** The CPUs a process may run on, from `taskset -pc` ("0,1", "0-3", "0,2-3"). */
function affinityOf(pid: number): number[] {
  const out = spawnSync("taskset", ["-pc", String(pid)], { encoding: "utf8" });
  if (out.error || out.status !== 0) {
    throw new BenchSetupError(`taskset could not read the CPU affinity: ${out.error?.message ?? out.stderr}`);
  }
  const list = /affinity list:\s*([\d,\s-]+)/.exec(out.stdout)?.[1] ?? "";
  const cpus: number[] = [];
  for (const part of list.trim().split(",")) {
    const [from, to] = part.split("-").map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu);
  }
  return cpus;
}

let cores: { server: number; client: number } | undefined;

/**
 * Checks that wrk and taskset are installed and that two cores are available, once, and returns
 * which core serves and which loads: the first two this process may use (0 and 1 on a plain
 * machine). Throws a BenchSetupError saying what is missing otherwise.
 */
export function loadCores(): { server: number; client: number } {
  if (cores) return cores;
  for (const [tool, args, hint] of [
    ["taskset", ["-V"], "util-linux"],
    ["wrk", ["-v"], "wrk"],
  ] as const) {
    const probe = spawnSync(tool, args, { encoding: "utf8" });
    if ((probe.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
      throw new BenchSetupError(
        `the HTTP benches need \`${tool}\` on the PATH (Debian: apt-get install ${hint}); it was not found`,
      );
    }
  }
  const allowed = affinityOf(process.pid);
  if (allowed.length < 2) {
    throw new BenchSetupError(
      `the HTTP benches need two cores, one for the server and one for wrk; this process may use only CPU ${allowed.join(",") || "?"}`,
    );
  }
  cores = { server: allowed[0]!, client: allowed[1]! };
  return cores;
}

/** Pins a process and all its threads to the given CPU list (taskset syntax); returns the list it had. */
export function pinProcess(pid: number, cpus: string): string {
  const before = affinityOf(pid).join(",");
  const out = spawnSync("taskset", ["-a", "-pc", cpus, String(pid)], { encoding: "utf8" });
  if (out.error || out.status !== 0) {
    throw new BenchSetupError(
      `taskset could not pin ${pid} to CPU ${cpus}: ${out.error?.message ?? out.stderr}`,
    );
  }
  return before;
}

/** Spawns `node <args>` pinned to the server core, so the child and its threads stay there. */
function spawnOnServerCore(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const { server } = loadCores();
  // taskset execs node in place: the child's pid is node's, so stop() signals the server itself
  const prof =
    process.env.BENCH_APP_PROF && args[0]?.endsWith("main.js")
      ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof2"]
      : [];
  return spawn("taskset", ["-c", String(server), process.execPath, ...prof, ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** The production bundle `npm start` runs. */
const BUNDLE = join(root, "dist", "main.js");
let bundled = false;

/**
 * Builds dist/main.js from the current sources, once per bench run: the benches measure what
 * `npm start` runs (one esbuild bundle), not the sources compiled on the fly by tsx.
 */
function buildBundle(): string {
  if (bundled) return BUNDLE;
  const out = spawnSync(process.execPath, [join(root, "scripts", "build.js")], {
    cwd: root,
    encoding: "utf8",
  });
  if (out.error || out.status !== 0) {
    throw new Error(`could not build ${BUNDLE}: ${out.error?.message ?? ""}${out.stdout}${out.stderr}`);
  }
  bundled = true;
  return BUNDLE;
}

// ---------------------------------------------------------------------------------------------
// Processes under test

async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before answering`);
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

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`the ceiling server exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the ceiling server did not listen on ${port}`);
}

/**
 * Runs the production bundle (dist/main.js, built once per bench run) in its own process pinned
 * to the server core, on a free loopback port; resolves once it answers, with its base URL.
 */
export async function startApp(opts: {
  dataDir: string;
  pageCache: "on" | "off";
  env?: Record<string, string>;
}): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawnOnServerCore(
    [buildBundle()],
    childEnv({
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: opts.dataDir,
      PAGE_CACHE: opts.pageCache,
      ...opts.env,
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/`, child);
  } catch (err) {
    await stop(child);
    throw err;
  }
  return { child, base };
}

/** One real answer, as it came off the wire: status, raw headers in order, and the body bytes. */
export interface Captured {
  status: number;
  rawHeaders: string[];
  body: Buffer;
}

/** What a load sends: the method, the headers beyond Host, and the body. */
export interface LoadRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Sends one request as wrk will (node:http, no Accept-Encoding, so the bytes are the ones wrk
 * gets) and keeps the answer exactly, for the ceiling to replay and for the bench to check.
 */
export function capture(url: string, req: LoadRequest = {}): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const r = httpRequest(
      url,
      {
        method: req.method ?? "GET",
        headers: { ...req.headers, ...(body ? { "content-length": String(body.length) } : {}) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(body);
  });
}

/** The value of one header of a captured answer (case-insensitive), or undefined. */
export function headerOf(answer: Captured, name: string): string | undefined {
  for (let i = 0; i < answer.rawHeaders.length; i += 2) {
    if (answer.rawHeaders[i]!.toLowerCase() === name) return answer.rawHeaders[i + 1];
  }
  return undefined;
}

/**
 * Starts the ceiling: a bare node:http server (bench/ceiling-server.ts) pinned to the server
 * core, answering every request, whatever its path, with the captured status, headers and
 * bytes. Resolves with its base URL and a stop function.
 */
export async function startCeiling(answer: Captured): Promise<{ base: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "shiporskip-bench-ceiling-"));
  const spec = join(dir, "answer.json");
  const bodyFile = join(dir, "body");
  writeFileSync(spec, JSON.stringify({ status: answer.status, rawHeaders: answer.rawHeaders }));
  writeFileSync(bodyFile, answer.body);
  const port = await freePort();
  const child = spawnOnServerCore(
    ["--import", "tsx", join(import.meta.dirname, "ceiling-server.ts"), spec, bodyFile, String(port)],
    childEnv({}),
  );
  try {
    await waitForPort(port, child);
  } catch (err) {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
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

// ---------------------------------------------------------------------------------------------
// Load: wrk

/** What one wrk run reports, in the units the benches print. */
export interface LoadResult {
  /** Requests per second over the run, as wrk computes it. */
  rps: number;
  /** Responses completed. */
  requests: number;
  seconds: number;
  /** Bytes read, from wrk's rounded figure (two decimals in its unit). */
  bytesRead: number;
  /** Latency percentiles in milliseconds, from --latency. */
  latency: { avg: number; max: number; p50: number; p75: number; p90: number; p99: number };
  /** Answers with a status of 400 or more (wrk counts 2xx and 3xx alike as fine). */
  statusErrors: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  /** statusErrors plus every socket error. */
  errors: number;
  /** wrk's own output, for error messages. */
  output: string;
}

const TIME_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const BYTE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

function millis(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text ?? "");
  return m ? Number(m[1]) * TIME_UNITS[m[2]!]! : Number.NaN;
}

/** Reads wrk 4's --latency report into a LoadResult; throws if the report is not there. */
export function parseWrk(output: string): LoadResult {
  const summary = /(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)([KMGT]?B) read/.exec(output);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const latency = /^\s*Latency\s+(\S+)\s+\S+\s+(\S+)/m.exec(output);
  if (!summary || !rps || !latency) throw new Error(`could not read wrk's report:\n${output}`);
  const percentile = (p: number) => millis(new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(output)?.[1]);
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = {
    connect: Number(sockets?.[1] ?? 0),
    read: Number(sockets?.[2] ?? 0),
    write: Number(sockets?.[3] ?? 0),
    timeout: Number(sockets?.[4] ?? 0),
  };
  const statusErrors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  return {
    rps: Number(rps[1]),
    requests: Number(summary[1]),
    seconds: millis(`${summary[2]}${summary[3]}`) / 1000,
    bytesRead: Number(summary[4]) * BYTE_UNITS[summary[5]!]!,
    latency: {
      avg: millis(latency[1]),
      max: millis(latency[2]),
      p50: percentile(50),
      p75: percentile(75),
      p90: percentile(90),
      p99: percentile(99),
    },
    statusErrors,
    socketErrors,
    errors: statusErrors + Object.values(socketErrors).reduce((a, b) => a + b, 0),
    output,
  };
}

/** A Lua string literal for any bytes: decimal escapes for all but plain characters. */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9 ,./:;=_+*@!?()[\]{}<>|~^$#%&'-]/.test(c) ? c : `\\${String(byte).padStart(3, "0")}`;
  }
  return `${out}"`;
}

/** The wrk script for one fixed request: its method, headers and body. */
function fixedRequestScript(req: LoadRequest): string {
  const lines = [`wrk.method = ${luaString(req.method ?? "GET")}`];
  if (req.body !== undefined) lines.push(`wrk.body = ${luaString(req.body)}`);
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** What a wrk run sends: one fixed request, or a Lua script of its own (with `init(args)` arguments). */
export type LoadSpec = { url: string } & (
  | { request?: LoadRequest; script?: undefined; args?: undefined }
  | { script: string; args?: string[]; request?: undefined }
);

/**
 * One wrk run: `taskset -c <client core> wrk -t1 -c32 -d<seconds>s --latency --timeout 10s`,
 * one thread on the client core, CONNECTIONS keep-alive connections. Resolves with its report.
 */
export async function runWrk(spec: LoadSpec, seconds: number): Promise<LoadResult> {
  const { client } = loadCores();
  const dir = mkdtempSync(join(tmpdir(), "shiporskip-bench-wrk-"));
  try {
    const args = [
      "-c",
      String(client),
      "wrk",
      "-t1",
      `-c${CONNECTIONS}`,
      `-d${seconds}s`,
      "--latency",
      "--timeout",
      `${TIMEOUT}s`,
    ];
    const script = spec.script ?? (spec.request ? fixedRequestScript(spec.request) : undefined);
    if (script !== undefined) {
      const file = join(dir, "load.lua");
      writeFileSync(file, script);
      args.push("-s", file);
    }
    args.push(spec.url);
    if (spec.args) args.push("--", ...spec.args);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn("taskset", args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.once("error", reject);
      child.once("exit", (code) =>
        code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}`)),
      );
    });
    return parseWrk(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A WARMUP-second run, so the JIT and caches settle, then the measured DURATION run. */
export async function measure(spec: LoadSpec): Promise<LoadResult> {
  await runWrk(spec, WARMUP);
  return runWrk(spec, DURATION);
}

/** The size of a captured answer on the wire, near enough: status line, headers and body. */
export function wireSize(answer: Captured): number {
  let size = `HTTP/1.1 ${answer.status} XXXXXXXXXX\r\n\r\n`.length + answer.body.length;
  for (let i = 0; i < answer.rawHeaders.length; i += 2) {
    size += `${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}\r\n`.length;
  }
  return size;
}

/**
 * Throws unless a run looks like the captured answer throughout: answers of 400 or more and
 * socket errors within `maxErrorShare` (0.5% by default), and bytes per answer within
 * `sizeTolerance` (10%) of the capture's: wrk does not tell a 200 from a 304, their sizes do.
 */
export function checkRun(
  name: string,
  run: LoadResult,
  expected: Captured,
  opts: { maxErrorShare?: number; sizeTolerance?: number } = {},
): void {
  checkErrors(name, run, opts.maxErrorShare);
  checkBytesPerAnswer(
    name,
    run,
    wireSize(expected),
    opts.sizeTolerance,
    `the captured ${expected.status} answer`,
  );
}

/** Throws unless a run completed answers, with failures (≥ 400, socket errors) within `maxErrorShare`. */
export function checkErrors(name: string, run: LoadResult, maxErrorShare = MAX_ERROR_SHARE): void {
  if (run.requests === 0) throw new Error(`${name}: no answer completed\n${run.output}`);
  if (run.errors > maxErrorShare * run.requests) {
    throw new Error(`${name}: ${describeErrors(run)} in ${run.requests} answers\n${run.output}`);
  }
}

/** Throws unless a run's bytes per answer are within `tolerance` of `size` (the answers it should have had). */
export function checkBytesPerAnswer(
  name: string,
  run: LoadResult,
  size: number,
  tolerance = 0.1,
  what = "the expected answer",
): void {
  const perAnswer = run.bytesRead / run.requests;
  if (Math.abs(perAnswer - size) > tolerance * size + 16) {
    throw new Error(
      `${name}: ${perAnswer.toFixed(0)} bytes per answer, ${what} has ${size.toFixed(0)}: the server answered something else\n${run.output}`,
    );
  }
}

/** wrk's failures in words. */
export function describeErrors(run: LoadResult): string {
  const s = run.socketErrors;
  return `${run.statusErrors} answers ≥ 400, socket errors: ${s.connect} connect, ${s.read} read, ${s.write} write, ${s.timeout} timeout`;
}

/** One printed row: a scenario, its run, the ceiling it is compared with, and its aim (a least ratio). */
export interface Row {
  name: string;
  run: LoadResult;
  ceiling?: LoadResult;
  /** Set when the ratio was taken round by round (measureScenarios); else run ÷ ceiling. */
  ratio?: number;
  aim?: number;
}

/** "≥ 0.80 met" or "≥ 0.80 missed": a ratio against its aim, for the tables. */
export function aimCell(ratio: number, aim: number | undefined): string {
  if (aim === undefined) return "–";
  return `≥ ${aim.toFixed(2)} ${ratio >= aim ? "met" : "missed"}`;
}

/** Prints rows as a table: req/s, p50, p99, errors, × ceiling where there is one, and the aim. */
export function printTable(rows: Row[]): void {
  const width = Math.max(40, ...rows.map((r) => r.name.length));
  console.log(
    `${"scenario".padEnd(width)} ${"req/s".padStart(9)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"errors".padStart(7)} ${"× ceiling".padStart(10)}  aim`,
  );
  for (const { name, run, ceiling, aim, ratio: given } of rows) {
    const ratio = given ?? (ceiling ? run.rps / ceiling.rps : Number.NaN);
    const shown = ceiling ? ratio.toFixed(2) : "–";
    console.log(
      `${name.padEnd(width)} ${run.rps.toFixed(0).padStart(9)} ${run.latency.p50.toFixed(2).padStart(8)} ${run.latency.p99.toFixed(2).padStart(8)} ${String(run.errors).padStart(7)} ${shown.padStart(10)}  ${aimCell(ratio, aim)}`,
    );
  }
}

/**
 * What the HTTP benches print under their tables: how the load was driven. `rounds` for the
 * tables of measureScenarios, whose figures are medians of rounds.
 */
export function loadNote(opts: { rounds?: boolean } = {}): string {
  const { server, client } = loadCores();
  const how = opts.rounds
    ? `${ROUNDS} rounds of the scenario then its ceiling, ${DURATION} s each (a ${WARMUP} s warm-up before the first); req/s are the medians, × ceiling the median of each round's ratio`
    : `${WARMUP} s warm-up, ${DURATION} s measured; × ceiling = req/s ÷ the ceiling's req/s`;
  return `wrk -t1 -c${CONNECTIONS} on CPU ${client}; servers (the app, and each ceiling: bare node:http replaying one captured answer, same status, headers and bytes) on CPU ${server}; ${how}`;
}

/** One HTTP scenario: what to send, the status every answer must have, and its aim (× ceiling). */
export interface Scenario {
  name: string;
  url: string;
  request?: LoadRequest;
  status: number;
  aim?: number;
}

/** A measured scenario: the answer captured before its runs, its median run, its ceiling's, and their ratio. */
export interface Measured {
  name: string;
  url: string;
  request?: LoadRequest;
  answer: Captured;
  run: LoadResult;
  ceiling: LoadResult;
  /** The median over the rounds of (the scenario's req/s ÷ its ceiling's in the same round). */
  ratio: number;
  aim?: number;
}

/** The middle value (the upper of the two middle ones for an even count). */
function median<T>(items: T[], by: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => by(a) - by(b));
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Captures one answer of each scenario and checks its status, then measures it against its
 * ceiling: a bare node:http server replaying that answer (status, headers, bytes) from memory,
 * on the same core, sent the scenario's own request. The two are measured in turn, ROUNDS
 * times, so each ratio compares runs made a few seconds apart.
 */
export async function measureScenarios(scenarios: Scenario[]): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const s of scenarios) {
    const answer = await capture(s.url, s.request);
    if (answer.status !== s.status) {
      throw new Error(
        `${s.name}: answered ${answer.status}, not ${s.status}: ${answer.body.toString().slice(0, 500)}`,
      );
    }
    const bare = await startCeiling(answer);
    try {
      // the same path and query too, so the request line wrk sends is the same size
      const { pathname, search } = new URL(s.url);
      const ceilingSpec = { url: `${bare.base}${pathname}${search}`, request: s.request };
      const rounds: { run: LoadResult; ceiling: LoadResult }[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const measureOnce = round === 0 ? measure : (spec: LoadSpec) => runWrk(spec, DURATION);
        const run = await measureOnce({ url: s.url, request: s.request });
        checkRun(s.name, run, answer);
        const ceiling = await measureOnce(ceilingSpec);
        checkRun(`ceiling for ${s.name}`, ceiling, answer);
        rounds.push({ run, ceiling });
      }
      out.push({
        name: s.name,
        url: s.url,
        request: s.request,
        answer,
        run: median(rounds, (r) => r.run.rps).run,
        ceiling: median(rounds, (r) => r.ceiling.rps).ceiling,
        ratio: median(
          rounds.map((r) => r.run.rps / r.ceiling.rps),
          (x) => x,
        ),
        aim: s.aim,
      });
    } finally {
      await bare.stop();
    }
  }
  return out;
}

/** The rows to print: each scenario with its ratio, then each ceiling once per distinct answer. */
export function withCeilings(measured: Measured[]): Row[] {
  const ceilings = new Map<string, Row>();
  for (const m of measured) {
    ceilings.set(`${m.answer.status} ${m.answer.body.length} ${m.name}`, {
      name: `ceiling: bare node:http, ${m.answer.status} + ${m.answer.body.length} B (${m.name.split(" (")[0]})`,
      run: m.ceiling,
    });
  }
  return [
    ...measured.map((m) => ({ name: m.name, run: m.run, ceiling: m.ceiling, ratio: m.ratio, aim: m.aim })),
    ...ceilings.values(),
  ];
}
