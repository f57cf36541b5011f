/**
 * The MCP bench: `compare_tools` round trips over Streamable HTTP against the production server
 * on SQLite, from 32 official clients at once, each on the stateless 2026-07-28 revision (one
 * POST per call) and validating every answer against the advertised output schema, as a real
 * client does; then the same call as a raw POST from wrk, the server's share alone, against its
 * ceiling: a bare node:http server replaying the same answer (status, headers, bytes).
 * The official clients run in this process, pinned to the load core for that part, so they
 * never take the server's core. Prints calls/s and latency percentiles; no aim is asserted.
 * The rate limit is lifted for the run (MCP_RATE_LIMIT), so the figure is the server's, not
 * the limiter's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import {
  CONNECTIONS,
  capture,
  DURATION,
  loadCores,
  loadNote,
  type Measured,
  measureScenarios,
  pinProcess,
  printTable,
  startApp,
  stop,
  withCeilings,
} from "./shared.ts";

const SLUGS = ["gemini-2-5-flash-native-audio-output", "smolvlm2-2b"];

/** The one POST a 2026-07-28 client sends for the call, as the official client writes it. */
const RAW_CALL = {
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: {
    name: "compare_tools",
    arguments: { slugs: SLUGS },
    _meta: {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1.0.0" },
      "io.modelcontextprotocol/clientCapabilities": {},
    },
  },
};
const RAW_HEADERS = {
  accept: "application/json, text/event-stream",
  "content-type": "application/json",
  "mcp-method": "tools/call",
  "mcp-name": "compare_tools",
  "mcp-protocol-version": "2026-07-28",
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs the MCP bench and prints its figures. */
export async function runMcp(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-bench-mcp-"));
  const app = await startApp({ dataDir, pageCache: "on", env: { MCP_RATE_LIMIT: "100000000" } });
  const clients: Client[] = [];
  // the official clients are this process: off the server's core while they run
  const affinity = pinProcess(process.pid, String(loadCores().client));
  let raw: Measured[];
  try {
    for (let i = 0; i < CONNECTIONS; i++) {
      const client = new Client(
        { name: `bench-${i}`, version: "1.0.0" },
        { versionNegotiation: { mode: { pin: "2026-07-28" } } },
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(`${app.base}/mcp`)));
      await client.listTools();
      clients.push(client);
    }
    const call = async (client: Client) => {
      const res = await client.callTool({ name: "compare_tools", arguments: { slugs: SLUGS } });
      if (res.isError) throw new Error(`compare_tools failed: ${JSON.stringify(res.content)}`);
    };
    // warm-up, as the page benches do
    let failed = 0;
    const run = async (seconds: number, latencies?: number[]) => {
      const until = performance.now() + seconds * 1000;
      await Promise.all(
        clients.map(async (client) => {
          while (performance.now() < until) {
            const started = performance.now();
            try {
              await call(client);
              latencies?.push(performance.now() - started);
            } catch (err) {
              // a keep-alive socket the server closed as the client reused it: counted, not fatal
              failed++;
              if (failed > 50) throw err;
            }
          }
        }),
      );
    };
    await run(2);
    const latencies: number[] = [];
    const started = performance.now();
    await run(DURATION, latencies);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `\nMCP compare_tools over Streamable HTTP (2026-07-28), ${CONNECTIONS} clients, ${DURATION} s\n`,
    );
    console.log(
      `${"calls/s".padEnd(10)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"calls".padStart(8)} ${"failed".padStart(7)}`,
    );
    console.log(
      `${(latencies.length / seconds).toFixed(0).padEnd(10)} ${percentile(latencies, 50).toFixed(1).padStart(8)} ${percentile(latencies, 99).toFixed(1).padStart(8)} ${String(latencies.length).padStart(8)} ${String(failed).padStart(7)}`,
    );
    // the server alone: the same POST from wrk, no client-side work
    const url = `${app.base}/mcp`;
    const request = { method: "POST", headers: RAW_HEADERS, body: JSON.stringify(RAW_CALL) };
    const answer = await capture(url, request);
    const text = answer.body.toString();
    if (answer.status !== 200 || !text.includes('"structuredContent"') || text.includes('"isError":true')) {
      throw new Error(`raw compare_tools: answered ${answer.status}: ${text.slice(0, 500)}`);
    }
    raw = await measureScenarios([
      { name: "raw POST /mcp tools/call compare_tools", url, request, status: 200 },
    ]);
  } finally {
    pinProcess(process.pid, affinity);
    await Promise.allSettled(clients.map((c) => c.close()));
    await stop(app.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`\nThe same call as a raw POST, from wrk:\n`);
  printTable(withCeilings(raw));
  console.log(`\n${loadNote({ rounds: true })}`);
}
