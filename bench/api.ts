/**
 * The API bench: GET /api/v1/tools/{slug} (a full answer and a 304 revalidation) and
 * GET /api/v1/compare for two tools, at 32 connections against the production server on SQLite,
 * each as a ratio to the ceiling: a bare node:http server sending the tool's JSON from memory.
 * The API's rate limit is lifted for the run, since every request comes from one address.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONNECTIONS, DURATION, freePort, measure, startApp, stop } from "./shared.ts";

const TOOL = "/api/v1/tools/cursor";
const COMPARE = "/api/v1/compare?tools=cursor,github-copilot";

interface Result {
  name: string;
  rps: number;
  p99: number;
}

async function load(name: string, url: string, headers: Record<string, string> = {}, status = 200) {
  const r = await measure({ url, headers });
  const key = `${Math.floor(status / 100)}xx` as "2xx" | "3xx";
  if (r[key] === 0 || r.non2xx > 0 !== (status !== 200))
    throw new Error(`${name}: not every answer was ${status}`);
  return { name, rps: r.requests.average, p99: r.latency.p99 };
}

/** Runs the API bench and prints its table. */
export async function runApi() {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-bench-api-"));
  try {
    const app = await startApp({ dataDir, pageCache: "on", env: { API_RATE_LIMIT: "1000000000" } });
    const results: Result[] = [];
    let body: Buffer;
    try {
      const first = await fetch(app.base + TOOL);
      body = Buffer.from(await first.arrayBuffer());
      const etag = first.headers.get("etag") ?? "";
      results.push(await load(`GET ${TOOL}`, app.base + TOOL));
      results.push(
        await load(`GET ${TOOL} (If-None-Match → 304)`, app.base + TOOL, { "if-none-match": etag }, 304),
      );
      results.push(await load(`GET ${COMPARE}`, app.base + COMPARE));
    } finally {
      await stop(app.child);
    }
    const file = join(dataDir, "tool.json");
    writeFileSync(file, body);
    const port = await freePort();
    const bare = fork(join(import.meta.dirname, "ceiling-server.ts"), [file, String(port)], {
      execArgv: ["--import", "tsx"],
      stdio: "inherit",
    });
    await new Promise((r) => bare.once("message", r));
    const ceiling = await load("ceiling: bare node:http, same bytes", `http://127.0.0.1:${port}/`);
    await stop(bare);

    console.log(
      `\nJSON API: ${body.length} bytes for the tool, ${CONNECTIONS} connections, ${DURATION} s each\n`,
    );
    console.log(
      `${"scenario".padEnd(58)} ${"req/s".padStart(9)} ${"p99 ms".padStart(8)} ${"× ceiling".padStart(10)}`,
    );
    for (const r of [...results, ceiling]) {
      console.log(
        `${r.name.padEnd(58)} ${r.rps.toFixed(0).padStart(9)} ${r.p99.toFixed(1).padStart(8)} ${(r.rps / ceiling.rps).toFixed(2).padStart(10)}`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
