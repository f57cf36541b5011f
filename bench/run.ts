/**
 * npm run bench: the reference comparison at 32 connections against the production server,
 * (1) a repeat view answered from the render cache with 304, (2) a cached full 200, (3) a full
 * render from SQLite with the cache off, and the ceiling: a bare node:http server sending the
 * same bytes from memory. Prints requests/s, p99 latency and the ratio to the ceiling.
 * Then the vote bench (bench/votes.ts), the newsletter bench (bench/newsletter.ts), the
 * leaderboard fit (bench/leaderboard-fit.ts), the JSON API bench (bench/api.ts) and the MCP
 * bench (bench/mcp.ts). `npm run bench -- votes` (or `-- pages`, `-- newsletter`,
 * `-- leaderboard`, `-- api`, `-- mcp`) runs one only.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runApi } from "./api.ts";
import { runLeaderboardFit } from "./leaderboard-fit.ts";
import { runMcp } from "./mcp.ts";
import { runNewsletter } from "./newsletter.ts";
import { CONNECTIONS, DURATION, freePort, measure, startApp, stop } from "./shared.ts";
import { runVotes } from "./votes.ts";

const PATH = "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b";

interface Result {
  name: string;
  rps: number;
  p99: number;
}

async function load(
  name: string,
  url: string,
  headers: Record<string, string> = {},
  expectStatus = 200,
): Promise<Result> {
  const r = await measure({ url, headers });
  const statusKey = `${Math.floor(expectStatus / 100)}xx` as "2xx" | "3xx";
  if (r[statusKey] === 0) throw new Error(`${name}: no ${expectStatus} responses`);
  return {
    name,
    rps: r.requests.average,
    p99: r.latency.p99,
  };
}

async function runPages() {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-bench-"));
  const results: Result[] = [];
  try {
    // 1 and 2: the production server with its render cache
    const cached = await startApp({ dataDir, pageCache: "on" });
    const first = await fetch(cached.base + PATH);
    const body = Buffer.from(await first.arrayBuffer());
    const etag = first.headers.get("etag") ?? "";
    results.push(
      await load("repeat view (If-None-Match → 304)", cached.base + PATH, { "if-none-match": etag }, 304),
    );
    results.push(await load("cached page (200 from render cache)", cached.base + PATH));
    // the leaderboard is a page like any other: rendered once from the stored boards, then cached
    await fetch(`${cached.base}/leaderboard`);
    results.push(await load("/leaderboard (200 from render cache)", `${cached.base}/leaderboard`));
    await stop(cached.child);

    // 3: every request renders from SQLite
    const uncached = await startApp({ dataDir, pageCache: "off" });
    results.push(await load("full render from SQLite (cache off)", uncached.base + PATH));
    await stop(uncached.child);

    // the ceiling: the same bytes from a bare node:http server
    const file = join(dataDir, "page.html");
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
      `\nReference comparison page: ${body.length} bytes of HTML, ${CONNECTIONS} connections, ${DURATION} s each\n`,
    );
    console.log(
      `${"scenario".padEnd(40)} ${"req/s".padStart(9)} ${"p99 ms".padStart(8)} ${"× ceiling".padStart(10)}`,
    );
    for (const r of [...results, ceiling]) {
      console.log(
        `${r.name.padEnd(40)} ${r.rps.toFixed(0).padStart(9)} ${r.p99.toFixed(1).padStart(8)} ${(r.rps / ceiling.rps).toFixed(2).padStart(10)}`,
      );
    }
    console.log("\nAims: repeat view ≥ 0.80 of the ceiling; full render ≥ 0.15.");
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
};

async function main() {
  const picked = process.argv.slice(2);
  const unknown = picked.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    throw new Error(`no bench called ${unknown.join(", ")}; choose from ${Object.keys(BENCHES).join(", ")}`);
  }
  for (const name of picked.length > 0 ? picked : Object.keys(BENCHES)) await BENCHES[name]!();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
