/**
 * The API bench: GET /api/v1/tools/{slug} (a full answer and a 304 revalidation) and
 * GET /api/v1/compare for two tools, at 32 connections against the production server on SQLite,
 * each as a ratio to its ceiling: a bare node:http server replaying the same answer (status,
 * headers, bytes) from memory, on the same core, measured the same way with wrk.
 * The API's rate limit is lifted for the run, since every request comes from one address.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  capture,
  headerOf,
  loadNote,
  type Measured,
  measureScenarios,
  printTable,
  startApp,
  stop,
  withCeilings,
} from "./shared.ts";

const TOOL = "/api/v1/tools/cursor";
const COMPARE = "/api/v1/compare?tools=cursor,github-copilot";

/** Runs the API bench and prints its table. */
export async function runApi() {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-bench-api-"));
  try {
    const app = await startApp({ dataDir, pageCache: "on", env: { API_RATE_LIMIT: "1000000000" } });
    let measured: Measured[];
    let size: number;
    try {
      const first = await capture(app.base + TOOL);
      size = first.body.length;
      const etag = headerOf(first, "etag");
      if (!etag) throw new Error(`${TOOL} has no ETag`);
      measured = await measureScenarios([
        { name: `GET ${TOOL}`, url: app.base + TOOL, status: 200 },
        {
          name: `GET ${TOOL} (If-None-Match → 304)`,
          url: app.base + TOOL,
          request: { headers: { "if-none-match": etag } },
          status: 304,
        },
        { name: `GET ${COMPARE}`, url: app.base + COMPARE, status: 200 },
      ]);
    } finally {
      await stop(app.child);
    }
    const rows = withCeilings(measured);
    console.log(`\nJSON API: ${size} bytes for the tool\n`);
    printTable(rows);
    console.log(`\n${loadNote({ rounds: true })}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
