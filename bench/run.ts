/**
 * npm run bench: the reference comparison at 32 connections against the production server,
 * (1) a repeat view answered from the render cache with 304, (2) a cached full 200, identity
 * and brotli, (3) the leaderboard from the render cache, (4) a full render from SQLite with
 * the cache off; each
 * against its ceiling, a bare node:http server replaying the same answer (status, headers,
 * bytes) from memory. Load comes from wrk on one core, the servers run on the other
 * (bench/shared.ts). Prints requests/s, p50 and p99 latency and the ratio to the ceiling.
 * Then the vote bench (bench/votes.ts), the newsletter bench (bench/newsletter.ts), the
 * leaderboard fit (bench/leaderboard-fit.ts), the JSON API bench (bench/api.ts) and the MCP
 * bench (bench/mcp.ts), and what each compression level costs (bench/compression.ts).
 * `npm run bench -- votes` (or `-- pages`, `-- newsletter`, `-- leaderboard`, `-- api`, `-- mcp`,
 * `-- compression`) runs one only. BENCH_DURATION=3 shortens every run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { runApi } from "./api.ts";
import { runCompression } from "./compression.ts";
import { runLeaderboardFit } from "./leaderboard-fit.ts";
import { runMcp } from "./mcp.ts";
import { runNewsletter } from "./newsletter.ts";
import {
  BenchSetupError,
  capture,
  headerOf,
  loadCores,
  loadNote,
  type Measured,
  measureScenarios,
  printTable,
  startApp,
  stop,
  withCeilings,
} from "./shared.ts";
import { runVotes } from "./votes.ts";

const PATH = "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b";

async function runPages() {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-bench-"));
  try {
    const measured: Measured[] = [];
    // 1 to 3: the production server with its render cache
    const cached = await startApp({ dataDir, pageCache: "on" });
    let size = 0;
    try {
      const first = await capture(cached.base + PATH);
      size = first.body.length;
      const etag = headerOf(first, "etag");
      if (!etag) throw new Error(`${PATH} has no ETag`);
      // the leaderboard is a page like any other: rendered once from the stored boards, then cached
      await capture(`${cached.base}/leaderboard`);
      measured.push(
        ...(await measureScenarios([
          {
            name: "repeat view (If-None-Match → 304)",
            url: cached.base + PATH,
            request: { headers: { "if-none-match": etag } },
            status: 304,
          },
          { name: "cached page (200 from render cache)", url: cached.base + PATH, status: 200 },
          {
            // a browser's Accept-Encoding: the stored brotli bytes, compressed once (decision 17)
            name: "cached page, brotli (200 from render cache)",
            url: cached.base + PATH,
            request: { headers: { "accept-encoding": "gzip, deflate, br" } },
            status: 200,
          },
          { name: "/leaderboard (200 from render cache)", url: `${cached.base}/leaderboard`, status: 200 },
        ])),
      );
    } finally {
      await stop(cached.child);
    }

    // 4: every request renders from SQLite
    const uncached = await startApp({ dataDir, pageCache: "off" });
    try {
      measured.push(
        ...(await measureScenarios([
          { name: "full render from SQLite (cache off)", url: uncached.base + PATH, status: 200 },
        ])),
      );
    } finally {
      await stop(uncached.child);
    }

    const rows = await withCeilings(measured);
    console.log(`\nReference comparison page: ${size} bytes of HTML\n`);
    printTable(rows);
    console.log(`\n${loadNote()}`);
    console.log("Aims: repeat view ≥ 0.80 of its ceiling; full render ≥ 0.15.");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const BENCHES: Record<string, () => Promise<void>> = {
  pages: runPages,
  votes: runVotes,
  newsletter: runNewsletter,
  leaderboard: runLeaderboardFit,
  api: runApi,
  mcp: runMcp,
  compression: runCompression,
};

/** The benches that put HTTP load on a server, and so need wrk, taskset and two cores. */
const HTTP_BENCHES = new Set(["pages", "votes", "api", "mcp"]);

async function main() {
  const picked = process.argv.slice(2);
  const unknown = picked.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    throw new Error(`no bench called ${unknown.join(", ")}; choose from ${Object.keys(BENCHES).join(", ")}`);
  }
  const chosen = picked.length > 0 ? picked : Object.keys(BENCHES);
  // fail before any setup when wrk, taskset or a second core is missing
  if (chosen.some((name) => HTTP_BENCHES.has(name))) loadCores();
  // the machine's other work shows in every figure: say how busy it was
  const load = () =>
    loadavg()
      .map((n) => n.toFixed(2))
      .join(", ");
  for (const name of chosen) {
    console.log(`\n== ${name} (load average ${load()})`);
    await BENCHES[name]!();
    console.log(`load average after ${name}: ${load()}`);
  }
}

main().catch((err) => {
  console.error(err instanceof BenchSetupError ? `npm run bench: ${err.message}` : err);
  process.exit(1);
});
