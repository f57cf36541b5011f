/**
 * The mixed load (issue 16): anonymous readers read every public page of one production server
 * (page cache on) while signed-in readers write over real HTTP, at 0, 2, 5 and 10 votes a second,
 * each rate with one pick a second. How much read throughput survives the writes ("kept", ÷ the
 * same reads with no write at all) is the figure: every write makes some cached pages stale, and
 * the reads that follow render them again.
 *
 * The reads come from wrk on the load core, cycling through the page list (a Lua request()
 * function). The writes come from this process, pinned to the load core for the runs, sent on a
 * fixed schedule whatever the answers take (an open loop, as independent readers would), spread
 * round-robin over ACCOUNTS accounts so no account nears its per-minute limit. The ceiling for
 * the reads is a bare node:http server answering the same requests with one tool page.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { comparePath, parsePair } from "../src/domain/compare-path.ts";
import {
  aimCell,
  type Captured,
  capture,
  checkBytesPerAnswer,
  checkErrors,
  checkRun,
  DURATION,
  type LoadResult,
  loadCores,
  loadNote,
  mulberry32,
  openBenchDatabase,
  pinProcess,
  runWrk,
  type Session,
  signIn,
  startApp,
  startCeiling,
  stop,
  WARMUP,
  wireSize,
} from "./shared.ts";

/** Writers: enough that 10 votes a second is 6 a minute each, well under VOTE_RATE_LIMIT's 30. */
const ACCOUNTS = 100;
const VOTE_RATES = process.env.BENCH_VOTE_RATES
  ? process.env.BENCH_VOTE_RATES.split(",").map(Number)
  : [0, 2, 5, 10];
const PICKS_PER_SECOND = 1;
/** Comparison pages read: the sitemap's, topped up with pairs from one category. */
const COMPARISONS = 25;
/** Aims from issue 16: the share of the no-write read throughput kept at a vote rate. */
const KEEP_AIMS: Record<number, number> = { 5: 0.8, 10: 0.6 };

interface Pair {
  path: string;
  a: string;
  b: string;
}

/** What the runs read and write: pages, accounts, tools and pairs. */
interface Plan {
  paths: string[];
  sessions: Session[];
  tools: string[];
  pairs: Pair[];
}

/**
 * The wrk script for the reads: each request is the next page of the list (one path a line,
 * read in init(args[1])), so every connection walks through every page in turn.
 */
const READ_SCRIPT = `
local requests = {}
local cursor = 1

function init(args)
  for path in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("GET", path)
  end
end

function request()
  local r = requests[cursor]
  cursor = cursor % #requests + 1
  return r
end
`;

// ---------------------------------------------------------------------------------------------
// Setup

/** Accounts signed in through the real sign-in links, and each tool's slug and category. */
async function prepareWriters(dataDir: string) {
  const handle = await openBenchDatabase(dataDir);
  try {
    const sessions: Session[] = [];
    for (let i = 0; i < ACCOUNTS; i++) sessions.push(await signIn(handle.db, `mixed${i}@bench.test`));
    const tools = await handle.db
      .selectFrom("tools")
      .select(["slug", "category_id"])
      .orderBy("slug")
      .execute();
    return { sessions, tools };
  } finally {
    await handle.close();
  }
}

/**
 * Every public page, as the server lists them in its sitemap, plus /compare; and comparison
 * pages up to COMPARISONS, the sitemap's first, then pairs of tools from one category.
 */
async function discoverPages(
  base: string,
  tools: { slug: string; category_id: number }[],
): Promise<{ paths: string[]; pairs: Pair[] }> {
  const sitemap = await capture(`${base}/sitemap.xml`);
  if (sitemap.status !== 200) throw new Error(`/sitemap.xml answered ${sitemap.status}`);
  const listed = [...sitemap.body.toString().matchAll(/<loc>([^<]+)<\/loc>/g)].map(
    (m) => new URL(m[1]!).pathname,
  );
  const known = new Set(tools.map((t) => t.slug));
  const pairs: Pair[] = [];
  for (const path of listed.filter((p) => p.startsWith("/compare/"))) {
    const pair = parsePair(path.slice("/compare/".length), (s) => known.has(s));
    if (pair) pairs.push({ path, ...pair });
  }
  for (let i = 0; i < tools.length && pairs.length < COMPARISONS; i++) {
    for (let j = i + 1; j < tools.length && pairs.length < COMPARISONS; j++) {
      const [a, b] = [tools[i]!, tools[j]!];
      const path = comparePath(a.slug, b.slug);
      if (a.category_id === b.category_id && !pairs.some((p) => p.path === path)) {
        pairs.push({ path, a: a.slug, b: b.slug });
      }
    }
  }
  const others = listed.filter((p) => !p.startsWith("/compare/"));
  return { paths: [...others, "/compare", ...pairs.map((p) => p.path)], pairs };
}

/** Reads every page once: each must be a 200 (and is now in the page cache); returns the answers. */
async function readAll(base: string, paths: string[]): Promise<Map<string, Captured>> {
  const answers = new Map<string, Captured>();
  for (const path of paths) {
    const answer = await capture(base + path);
    if (answer.status !== 200) {
      throw new Error(`${path} answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
    }
    answers.set(path, answer);
  }
  return answers;
}

// ---------------------------------------------------------------------------------------------
// Writes

interface WriteCounts {
  /** Votes and picks answered 303 (done), of those sent inside the measured window. */
  votes: number;
  picks: number;
  /** Writes answered otherwise, or not at all, over the whole run (warm-up included). */
  failed: number;
  firstFailure?: string;
  /** The measured window's length. */
  seconds: number;
}

/** One form POST as a browser sends it; resolves with the status, and the body when it is not a 303. */
function postForm(
  agent: Agent,
  url: string,
  cookie: string,
  form: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(form);
    const req = httpRequest(
      url,
      {
        method: "POST",
        agent,
        headers: {
          cookie,
          "content-type": "application/x-www-form-urlencoded",
          "content-length": String(body.length),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Calls `action` perSecond times a second on a fixed schedule, catching up after a late timer; returns the stop. */
function every(perSecond: number, action: () => void): () => void {
  if (perSecond <= 0) return () => {};
  const interval = 1000 / perSecond;
  let next = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = performance.now();
    while (next <= now) {
      action();
      next += interval;
    }
    timer = setTimeout(tick, next - now);
  };
  tick();
  return () => clearTimeout(timer);
}

/**
 * Starts the writes: `votesPerSecond` votes (a random tool, 45% ship, 35% skip, 20% withdrawn)
 * and PICKS_PER_SECOND picks (a random pair and winner), account after account. Call
 * `measureFrom()` when the measured window opens and `finish()` when it closes.
 */
function startWrites(base: string, plan: Plan, votesPerSecond: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const random = mulberry32(votesPerSecond + 1);
  const counts: WriteCounts = { votes: 0, picks: 0, failed: 0, seconds: 0 };
  const inFlight = new Set<Promise<void>>();
  let windowStart = Number.POSITIVE_INFINITY;
  let account = 0;
  const send = (kind: "votes" | "picks", path: string, form: string) => {
    const session = plan.sessions[account++ % plan.sessions.length]!;
    const sentAt = performance.now();
    const done = postForm(agent, base + path, session.cookie, `${form}&_csrf=${session.csrf}`).then(
      ({ status, text }) => {
        if (status === 303) {
          if (sentAt >= windowStart) counts[kind]++;
          return;
        }
        counts.failed++;
        counts.firstFailure ??= `${path} answered ${status}: ${text.slice(0, 200)}`;
      },
      (err: Error) => {
        counts.failed++;
        counts.firstFailure ??= `${path}: ${err.message}`;
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  const anyTool = () => plan.tools[Math.floor(random() * plan.tools.length)];
  const stops = [
    every(votesPerSecond, () => {
      const r = random();
      const value = r < 0.45 ? "ship" : r < 0.8 ? "skip" : "none";
      send("votes", `/tools/${anyTool()}/vote`, `value=${value}`);
    }),
    every(PICKS_PER_SECOND, () => {
      const pair = plan.pairs[Math.floor(random() * plan.pairs.length)]!;
      send("picks", `${pair.path}/pick`, `winner=${random() < 0.5 ? pair.a : pair.b}`);
    }),
  ];
  return {
    measureFrom() {
      windowStart = performance.now();
    },
    async finish(): Promise<WriteCounts> {
      for (const stopWrites of stops) stopWrites();
      counts.seconds = (performance.now() - windowStart) / 1000;
      await Promise.allSettled([...inFlight]);
      agent.destroy();
      return counts;
    },
  };
}

/** One vote and one pick by hand, before any load: a wrong cookie or token fails here in the app's words. */
async function checkWritesWork(base: string, plan: Plan): Promise<void> {
  const agent = new Agent();
  const [session, pair] = [plan.sessions[0]!, plan.pairs[0]!];
  try {
    for (const [path, form] of [
      [`/tools/${plan.tools[0]}/vote`, "value=ship"],
      [`${pair.path}/pick`, `winner=${pair.a}`],
    ] as const) {
      const { status, text } = await postForm(
        agent,
        base + path,
        session.cookie,
        `${form}&_csrf=${session.csrf}`,
      );
      if (status !== 303) throw new Error(`POST ${path} answered ${status}: ${text.slice(0, 500)}`);
    }
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Runs

interface MixedRow {
  name: string;
  votesPerSecond: number | null;
  run: LoadResult;
  writes?: WriteCounts;
}

/** The reads' warm-up and measured run, with the writes (if any) going on throughout. */
async function readsUnderWrites(
  base: string,
  plan: Plan,
  pathsFile: string,
  votesPerSecond: number | null,
): Promise<{ run: LoadResult; writes?: WriteCounts }> {
  const load = { url: base, script: READ_SCRIPT, args: [pathsFile] };
  const writes = votesPerSecond === null ? undefined : startWrites(base, plan, votesPerSecond);
  let run: LoadResult;
  let counts: WriteCounts | undefined;
  try {
    await runWrk(load, WARMUP);
    writes?.measureFrom();
    run = await runWrk(load, DURATION);
  } finally {
    // the writes stop as the measured run ends (or fails), so none outlives it
    counts = await writes?.finish();
  }
  return { run, writes: counts };
}

function printMixed(rows: MixedRow[], ceiling: LoadResult, ceilingName: string): void {
  const baseline = rows[0]!.run.rps;
  const width = Math.max(30, ceilingName.length);
  const head = [
    "load".padEnd(width),
    "reads/s".padStart(8),
    "p50 ms".padStart(8),
    "p99 ms".padStart(8),
    "errors".padStart(6),
    "kept".padStart(5),
    "aim (kept)".padEnd(14),
    "× ceiling".padStart(9),
    "votes/s".padStart(7),
    "picks/s".padStart(7),
    "failed".padStart(6),
  ];
  console.log(head.join(" "));
  for (const { name, votesPerSecond, run, writes } of rows) {
    const kept = run.rps / baseline;
    const rate = (n: number) => (writes ? (n / writes.seconds).toFixed(1) : "–");
    const cells = [
      name.padEnd(width),
      run.rps.toFixed(0).padStart(8),
      run.latency.p50.toFixed(2).padStart(8),
      run.latency.p99.toFixed(2).padStart(8),
      String(run.errors).padStart(6),
      kept.toFixed(2).padStart(5),
      aimCell(kept, votesPerSecond === null ? undefined : KEEP_AIMS[votesPerSecond]).padEnd(14),
      (run.rps / ceiling.rps).toFixed(2).padStart(9),
      rate(writes?.votes ?? 0).padStart(7),
      rate(writes?.picks ?? 0).padStart(7),
      (writes ? String(writes.failed) : "–").padStart(6),
    ];
    console.log(cells.join(" "));
  }
  const c = ceiling;
  console.log(
    `${ceilingName.padEnd(width)} ${c.rps.toFixed(0).padStart(8)} ${c.latency.p50.toFixed(2).padStart(8)} ${c.latency.p99.toFixed(2).padStart(8)} ${String(c.errors).padStart(6)}`,
  );
}

/** Runs the mixed bench and prints its table. */
export async function runMixed(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-bench-mixed-"));
  try {
    const { sessions, tools } = await prepareWriters(dataDir);
    const app = await startApp({ dataDir, pageCache: "on" });
    const rows: MixedRow[] = [];
    let answers: Map<string, Captured>;
    let pathsFile: string;
    // the writes are sent from this process: off the server's core while they run
    const affinity = pinProcess(process.pid, String(loadCores().client));
    try {
      const { paths, pairs } = await discoverPages(app.base, tools);
      answers = await readAll(app.base, paths);
      pathsFile = join(dataDir, "paths.txt");
      writeFileSync(pathsFile, `${paths.join("\n")}\n`);
      const plan: Plan = { paths, sessions, tools: tools.map((t) => t.slug), pairs };
      await checkWritesWork(app.base, plan);
      // every page is read equally often, so an answer's mean size is the pages' mean size
      const meanSize = [...answers.values()].reduce((sum, a) => sum + wireSize(a), 0) / answers.size;
      for (const votesPerSecond of [null, ...VOTE_RATES]) {
        const name =
          votesPerSecond === null
            ? "reads alone (no writes)"
            : `${votesPerSecond} votes/s + ${PICKS_PER_SECOND} pick/s`;
        const { run, writes } = await readsUnderWrites(app.base, plan, pathsFile, votesPerSecond);
        checkErrors(name, run);
        checkBytesPerAnswer(name, run, meanSize, 0.1, "the pages' mean answer");
        rows.push({ name, votesPerSecond, run, writes });
      }
    } finally {
      pinProcess(process.pid, affinity);
      await stop(app.child);
    }

    // the reads' ceiling: the same requests, each answered with one typical page, a tool's
    const typical = [...answers].find(([path]) => path.startsWith("/tools/"))!;
    const bare = await startCeiling(typical[1]);
    let ceiling: LoadResult;
    try {
      const load = { url: bare.base, script: READ_SCRIPT, args: [pathsFile] };
      await runWrk(load, WARMUP);
      ceiling = await runWrk(load, DURATION);
      checkRun("ceiling for the reads", ceiling, typical[1]);
    } finally {
      await bare.stop();
    }

    const comparisons = [...answers.keys()].filter((p) => p.startsWith("/compare/")).length;
    const meanBody = [...answers.values()].reduce((sum, a) => sum + a.body.length, 0) / answers.size;
    console.log(
      `\nAnonymous reads of ${answers.size} pages (${comparisons} comparisons; ${meanBody.toFixed(0)} B of HTML on average), page cache on, while ${ACCOUNTS} signed-in accounts vote and pick over HTTP\n`,
    );
    const ceilingName = `ceiling: bare node:http, ${typical[0]} (${typical[1].body.length} B)`;
    printMixed(rows, ceiling, ceilingName);
    console.log(`\n${loadNote()}`);
    console.log(
      "kept = reads/s ÷ reads/s with no writes at all; votes/s and picks/s = writes answered 303 per second of the measured run; failed = writes answered otherwise (warm-up included)",
    );
    console.log("Aims (issue 16): reads keep ≥ 0.80 at 5 votes/s and ≥ 0.60 at 10 votes/s.");
    const failure = rows.find((r) => r.writes?.firstFailure)?.writes?.firstFailure;
    if (failure) console.log(`first failed write: ${failure}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
