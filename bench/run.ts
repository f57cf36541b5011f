/**
 * npm run bench: the reference comparison at 32 connections against the production server
 * (dist/main.js, built once per run), (1) a repeat view answered from the render cache with 304,
 * (2) a cached full 200, identity and brotli, (3) the leaderboard from the render cache, (4) the page for a
 * signed-in reader (their vote, pick and bookmark filled into the stored template), (5) a
 * full render from SQLite with the cache off; each against its ceiling, a bare node:http server
 * replaying the same answer (status, headers, bytes) from memory. Load comes from wrk on one
 * core, the servers run on the other (bench/shared.ts). Prints requests/s, p50 and p99 latency,
 * the ratio to the ceiling and the aims. Then the mixed load (bench/mixed.ts), the vote bench
 * (bench/votes.ts), the newsletter bench (bench/newsletter.ts), the leaderboard fit
 * (bench/leaderboard-fit.ts), the JSON API bench (bench/api.ts) and the MCP bench
 * (bench/mcp.ts), and what each compression level costs (bench/compression.ts). `npm run bench --
 * votes` (or `-- pages`, `-- mixed`, `-- newsletter`, `-- leaderboard`, `-- api`, `-- mcp`,
 * `-- compression`, several at once) runs those only. BENCH_DURATION=3
 * shortens every run. docs/benchmarks.md says what each measures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setBookmark } from "../src/features/bookmarks/index.ts";
import { setPick, setVote } from "../src/features/community/index.ts";
import { findToolRefs } from "../src/features/tools/index.ts";
import { runApi } from "./api.ts";
import { runCompression } from "./compression.ts";
import { runLeaderboardFit } from "./leaderboard-fit.ts";
import { runMcp } from "./mcp.ts";
import { runMixed } from "./mixed.ts";
import { runNewsletter } from "./newsletter.ts";
import {
  BenchSetupError,
  capture,
  headerOf,
  loadCores,
  loadNote,
  type Measured,
  measureScenarios,
  openBenchDatabase,
  printTable,
  type Session,
  signIn,
  startApp,
  stop,
  withCeilings,
} from "./shared.ts";
import { runVotes } from "./votes.ts";

const PAIR = ["gemini-2-5-flash-native-audio-output", "smolvlm2-2b"] as const;
const PATH = `/compare/${PAIR[0]}-vs-${PAIR[1]}`;

/** Aims (× ceiling) from issue 16: answers from the cache nearly as fast as bare node:http. */
const CACHED_AIM = 0.8;
const SIGNED_IN_AIM = 0.1;
/** An older aim, kept: a full render from SQLite with the cache off. */
const FULL_RENDER_AIM = 0.15;

/**
 * A reader signed in through the real sign-in link, with a vote on one tool of the pair, a pick
 * on the pair and a bookmark, so their render of the comparison has every personal part.
 */
async function prepareReader(dataDir: string): Promise<Session> {
  const handle = await openBenchDatabase(dataDir);
  try {
    const reader = await signIn(handle.db, "reader@bench.test");
    const [a, b] = await findToolRefs(handle.db, [...PAIR]);
    if (!a || !b) throw new Error(`the seeded catalog has no ${PAIR.join(" or ")}`);
    await setVote(handle.db, { userId: reader.userId, toolId: a.id, value: "ship" });
    await setPick(handle.db, { userId: reader.userId, a, b, winner: a });
    await setBookmark(handle.db, { userId: reader.userId, toolId: b.id, on: true });
    return reader;
  } finally {
    await handle.close();
  }
}

/** Throws unless the signed-in answer is the reader's own page, not the anonymous one. */
function checkPersonal(signedIn: Buffer, anonymous: Buffer): void {
  const html = signedIn.toString();
  if (signedIn.equals(anonymous) || !html.includes('action="/sign-out"')) {
    throw new Error(`the signed-in render of ${PATH} does not look like a signed-in reader's page`);
  }
}

async function runPages() {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-bench-"));
  try {
    const reader = await prepareReader(dataDir);
    const measured: Measured[] = [];
    // 1 to 4: the production server with its render cache
    const cached = await startApp({ dataDir, pageCache: "on" });
    let size = 0;
    try {
      const first = await capture(cached.base + PATH);
      size = first.body.length;
      const etag = headerOf(first, "etag");
      if (!etag) throw new Error(`${PATH} has no ETag`);
      const personal = { headers: { cookie: reader.cookie } };
      checkPersonal((await capture(cached.base + PATH, personal)).body, first.body);
      // the leaderboard is a page like any other: rendered once from the stored boards, then cached
      await capture(`${cached.base}/leaderboard`);
      measured.push(
        ...(await measureScenarios([
          {
            name: "repeat view (If-None-Match → 304)",
            url: cached.base + PATH,
            request: { headers: { "if-none-match": etag } },
            status: 304,
            aim: CACHED_AIM,
          },
          {
            name: "cached page (200 from render cache)",
            url: cached.base + PATH,
            status: 200,
            aim: CACHED_AIM,
          },
          {
            // a browser's Accept-Encoding: the stored brotli bytes, compressed once (decision 17)
            name: "cached page, brotli (200 from render cache)",
            url: cached.base + PATH,
            request: { headers: { "accept-encoding": "gzip, deflate, br" } },
            status: 200,
          },
          { name: "/leaderboard (200 from render cache)", url: `${cached.base}/leaderboard`, status: 200 },
          {
            name: "signed-in page (vote, pick, bookmark filled in)",
            url: cached.base + PATH,
            request: personal,
            status: 200,
            aim: SIGNED_IN_AIM,
          },
        ])),
      );
    } finally {
      await stop(cached.child);
    }

    // 5: every request renders from SQLite
    const uncached = await startApp({ dataDir, pageCache: "off" });
    try {
      measured.push(
        ...(await measureScenarios([
          {
            name: "full render from SQLite (cache off)",
            url: uncached.base + PATH,
            status: 200,
            aim: FULL_RENDER_AIM,
          },
        ])),
      );
    } finally {
      await stop(uncached.child);
    }

    const rows = withCeilings(measured);
    console.log(`\nReference comparison page: ${size} bytes of HTML\n`);
    printTable(rows);
    console.log(`\n${loadNote({ rounds: true })}`);
    console.log(
      `Aims (issue 16): repeat view and cached page ≥ ${CACHED_AIM.toFixed(2)} of their ceilings; signed-in render ≥ ${SIGNED_IN_AIM.toFixed(2)}; full render with the cache off ≥ ${FULL_RENDER_AIM.toFixed(2)}.`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const BENCHES: Record<string, () => Promise<void>> = {
  pages: runPages,
  mixed: runMixed,
  votes: runVotes,
  newsletter: runNewsletter,
  leaderboard: runLeaderboardFit,
  api: runApi,
  mcp: runMcp,
  compression: runCompression,
};

/** The benches that put HTTP load on a server, and so need wrk, taskset and two cores. */
const HTTP_BENCHES = new Set(["pages", "mixed", "votes", "api", "mcp"]);

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
