/**
 * The vote bench: votes/s through HTTP from signed-in sessions at 32 connections on SQLite, with
 * p99, and the ratio to a bare better-sqlite3 loop running the same transaction without HTTP.
 * setVote through Kysely without HTTP is printed between the two, to show where the cost sits.
 * Each case gets its own copy of one prepared database, and afterwards every copy's stored
 * community counts are checked against a fresh COUNT of its votes.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import type { VoteValue } from "../src/domain/community.ts";
import { summarizeCommunity } from "../src/domain/community.ts";
import { setVote } from "../src/features/community/service.ts";
import {
  type Captured,
  CONNECTIONS,
  capture,
  checkRun,
  DURATION,
  describeErrors,
  type LoadResult,
  loadNote,
  mulberry32,
  openBenchDatabase,
  runWrk,
  type Session,
  signIn,
  startApp,
  startCeiling,
  stop,
  WARMUP,
} from "./shared.ts";

const ACCOUNTS = 256;
const LOOP_SECONDS = 3;
const DB_FILE = "shiporskip.sqlite";
/** Cycled through by every case; long enough that the HTTP case rarely wraps. */
const SEQUENCE_LENGTH = 1 << 17;
/** Anything but a 303 beyond this share of answers fails the bench. */
const MAX_ERROR_SHARE = 0.005;

interface Tool {
  id: number;
  slug: string;
}

/** One vote: indexes into the sessions and tools; null withdraws. */
interface Vote {
  session: number;
  tool: number;
  value: VoteValue | null;
}

function drawValue(random: () => number): VoteValue | null {
  const r = random();
  return r < 0.45 ? "ship" : r < 0.8 ? "skip" : null;
}

function voteSequence(length: number, tools: number, seed: number): Vote[] {
  const random = mulberry32(seed);
  return Array.from({ length }, () => ({
    session: Math.floor(random() * ACCOUNTS),
    tool: Math.floor(random() * tools),
    value: drawValue(random),
  }));
}

/**
 * The transaction setVote runs on SQLite, by hand: the same statements and the same pragmas as
 * src/db/connection.ts, without Kysely's query building and without HTTP.
 */
function openBare(path: string) {
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const upsert = sqlite.prepare(
    `insert into votes (user_id, tool_id, value, created_at, updated_at) values (?, ?, ?, ?, ?)
     on conflict (user_id, tool_id) do update set value = excluded.value, updated_at = excluded.updated_at`,
  );
  const remove = sqlite.prepare("delete from votes where user_id = ? and tool_id = ?");
  const counts = sqlite.prepare<[number], { value: string; n: number }>(
    "select value, count(*) as n from votes where tool_id = ? group by value",
  );
  const update = sqlite.prepare(
    "update tools set community_ship = ?, community_skip = ?, community_wilson = ? where id = ?",
  );
  const vote = sqlite.transaction((userId: number, toolId: number, value: VoteValue | null) => {
    const at = new Date().toISOString();
    if (value === null) remove.run(userId, toolId);
    else upsert.run(userId, toolId, value, at, at);
    let ship = 0;
    let skip = 0;
    for (const row of counts.all(toolId)) {
      if (row.value === "ship") ship = row.n;
      else if (row.value === "skip") skip = row.n;
    }
    const summary = summarizeCommunity(ship, skip);
    update.run(summary.ship, summary.skip, summary.wilsonLower, toolId);
  });
  return { vote, close: () => sqlite.close() };
}

/**
 * Accounts signed in through the real sign-in-link functions, and a vote already on most
 * (account, tool) pairs, so every case starts in the steady state instead of filling an empty
 * table: upserts then hit both the update path and (after withdrawals) the insert path.
 */
async function buildTemplate(dir: string): Promise<{ sessions: Session[]; tools: Tool[]; initial: Vote[] }> {
  const handle = await openBenchDatabase(dir);
  const sessions: Session[] = [];
  let tools: Tool[];
  try {
    for (let i = 0; i < ACCOUNTS; i++) sessions.push(await signIn(handle.db, `voter${i}@bench.test`));
    tools = await handle.db.selectFrom("tools").select(["id", "slug"]).orderBy("id").execute();
  } finally {
    await handle.close();
  }
  const random = mulberry32(7);
  const initial: Vote[] = [];
  for (let session = 0; session < ACCOUNTS; session++) {
    for (let tool = 0; tool < tools.length; tool++) initial.push({ session, tool, value: drawValue(random) });
  }
  const bare = openBare(join(dir, DB_FILE));
  try {
    for (const v of initial) {
      if (v.value) bare.vote(sessions[v.session]!.userId, tools[v.tool]!.id, v.value);
    }
  } finally {
    bare.close();
  }
  return { sessions, tools, initial };
}

/** Which path each vote of the sequence takes, replayed from the starting state. */
function pathMix(initial: Vote[], sequence: Vote[], tools: number) {
  const held = new Set(initial.filter((v) => v.value).map((v) => v.session * tools + v.tool));
  const mix = { insert: 0, update: 0, delete: 0, "withdraw nothing": 0 };
  for (const v of sequence) {
    const key = v.session * tools + v.tool;
    if (v.value === null) {
      mix[held.delete(key) ? "delete" : "withdraw nothing"]++;
    } else {
      mix[held.has(key) ? "update" : "insert"]++;
      held.add(key);
    }
  }
  return Object.entries(mix)
    .map(([path, n]) => `${((100 * n) / sequence.length).toFixed(0)}% ${path}`)
    .join(", ");
}

/** Compares every tool's stored figures with a fresh count of its votes; returns the tools checked. */
function checkCounts(path: string, label: string): number {
  const sqlite = new SQLite(path);
  try {
    const rows = sqlite
      .prepare<
        [],
        { id: number; ship: number; skip: number; wilson: number; counted_ship: number; counted_skip: number }
      >(
        `select t.id, t.community_ship as ship, t.community_skip as skip, t.community_wilson as wilson,
           (select count(*) from votes v where v.tool_id = t.id and v.value = 'ship') as counted_ship,
           (select count(*) from votes v where v.tool_id = t.id and v.value = 'skip') as counted_skip
         from tools t`,
      )
      .all();
    for (const r of rows) {
      const wilson = summarizeCommunity(r.counted_ship, r.counted_skip).wilsonLower;
      if (r.ship !== r.counted_ship || r.skip !== r.counted_skip || Math.abs(r.wilson - wilson) > 1e-12) {
        throw new Error(
          `${label}: tool ${r.id} stores ${r.ship} ship / ${r.skip} skip, its votes count ${r.counted_ship} / ${r.counted_skip}`,
        );
      }
    }
    return rows.length;
  } finally {
    sqlite.close();
  }
}

/** How many votes were written since `since`: proof the case changed the database at all. */
function votesWrittenSince(path: string, since: string): number {
  const sqlite = new SQLite(path);
  try {
    const row = sqlite
      .prepare<[string], { n: number }>("select count(*) as n from votes where updated_at >= ?")
      .get(since);
    return row?.n ?? 0;
  } finally {
    sqlite.close();
  }
}

/**
 * The wrk script for the vote load: each request is the next vote of the sequence, as that
 * account would send it (its session cookie, its CSRF token in the form), prepared once in
 * init() from a file of `path<TAB>cookie<TAB>body` lines, then handed out in turn, so wrk does
 * no work per request beyond sending. init(args): the file, and the index of the first vote.
 */
const VOTE_SCRIPT = `
local requests = {}
local cursor = 1

function init(args)
  for line in io.lines(args[1]) do
    local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", path, {
      ["Cookie"] = cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
  cursor = tonumber(args[2]) % #requests + 1
end

function request()
  local r = requests[cursor]
  cursor = cursor % #requests + 1
  return r
end
`;

interface VoteRequest {
  path: string;
  cookie: string;
  body: string;
}

interface HttpResult {
  run: LoadResult;
  /** The answer to the first vote, sent by hand: what the ceiling replays. */
  answer: Captured;
  /** The ceiling: a bare node:http server answering every one of the same requests with the captured 303. */
  ceiling: LoadResult;
}

/**
 * The warm-up and the measured run of the vote script against one server; the measured run
 * continues the sequence where the warm-up stopped, so no vote is sent twice unless it wraps.
 */
async function voteLoad(base: string, script: string, file: string): Promise<LoadResult> {
  const warm = await runWrk({ url: base, script, args: [file, "1"] }, WARMUP);
  return runWrk({ url: base, script, args: [file, String(1 + warm.requests)] }, DURATION);
}

async function overHttp(
  dir: string,
  sessions: Session[],
  tools: Tool[],
  sequence: Vote[],
): Promise<HttpResult> {
  const requests: VoteRequest[] = sequence.map((v) => {
    const session = sessions[v.session]!;
    return {
      path: `/tools/${tools[v.tool]!.slug}/vote`,
      cookie: session.cookie,
      body: `value=${v.value ?? "none"}&_csrf=${session.csrf}`,
    };
  });
  const file = join(dir, "votes.tsv");
  writeFileSync(file, `${requests.map((r) => `${r.path}\t${r.cookie}\t${r.body}`).join("\n")}\n`);
  // the limit is per account per minute; a real one would answer nearly every request with 429
  const { child, base } = await startApp({
    dataDir: dir,
    pageCache: "on",
    env: { VOTE_RATE_LIMIT: "1000000000" },
  });
  let answer: Captured;
  let run: LoadResult;
  try {
    // one vote by hand first, so a wrong cookie or CSRF token fails here with the app's own
    // words; its answer is what the ceiling replays
    const first = requests[0]!;
    answer = await capture(`${base}${first.path}`, {
      method: "POST",
      headers: { cookie: first.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: first.body,
    });
    if (answer.status !== 303) {
      throw new Error(`a vote was answered ${answer.status}: ${answer.body.toString().slice(0, 500)}`);
    }
    run = await voteLoad(base, VOTE_SCRIPT, file);
  } finally {
    await stop(child);
  }
  const bare = await startCeiling(answer);
  try {
    const ceiling = await voteLoad(bare.base, VOTE_SCRIPT, file);
    return { run, answer, ceiling };
  } finally {
    await bare.stop();
  }
}

async function throughKysely(
  dir: string,
  sessions: Session[],
  tools: Tool[],
  sequence: Vote[],
): Promise<number> {
  const handle = await openBenchDatabase(dir);
  try {
    let i = 0;
    const run = async (seconds: number) => {
      const start = performance.now();
      const end = start + seconds * 1000;
      let done = 0;
      while (performance.now() < end) {
        const v = sequence[i++ % sequence.length]!;
        await setVote(handle.db, {
          userId: sessions[v.session]!.userId,
          toolId: tools[v.tool]!.id,
          value: v.value,
        });
        done++;
      }
      return done / ((performance.now() - start) / 1000);
    };
    await run(1);
    return await run(LOOP_SECONDS);
  } finally {
    await handle.close();
  }
}

function bareLoop(dir: string, sessions: Session[], tools: Tool[], sequence: Vote[]): number {
  const bare = openBare(join(dir, DB_FILE));
  try {
    let i = 0;
    const run = (seconds: number) => {
      const start = performance.now();
      const end = start + seconds * 1000;
      let done = 0;
      while (performance.now() < end) {
        const v = sequence[i++ % sequence.length]!;
        bare.vote(sessions[v.session]!.userId, tools[v.tool]!.id, v.value);
        done++;
      }
      return done / ((performance.now() - start) / 1000);
    };
    run(1);
    return run(LOOP_SECONDS);
  } finally {
    bare.close();
  }
}

export async function runVotes(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "shiporskip-bench-votes-"));
  try {
    const template = join(work, "template");
    const { sessions, tools, initial } = await buildTemplate(template);
    const sequence = voteSequence(SEQUENCE_LENGTH, tools.length, 42);
    const copies = { http: join(work, "http"), kysely: join(work, "kysely"), bare: join(work, "bare") };
    for (const dir of Object.values(copies)) {
      mkdirSync(dir);
      copyFileSync(join(template, DB_FILE), join(dir, DB_FILE));
    }
    const since = new Date().toISOString();

    const http = await overHttp(copies.http, sessions, tools, sequence);
    const kysely = await throughKysely(copies.kysely, sessions, tools, sequence);
    const bare = bareLoop(copies.bare, sessions, tools, sequence);

    let checked = 0;
    for (const [label, dir] of Object.entries(copies)) {
      checked = checkCounts(join(dir, DB_FILE), label);
      if (votesWrittenSince(join(dir, DB_FILE), since) === 0) {
        throw new Error(`${label}: no vote was written`);
      }
    }

    console.log(
      `\nVotes on SQLite: ${ACCOUNTS} signed-in accounts × ${tools.length} tools, each vote 45% ship / 35% skip / 20% withdraw`,
    );
    console.log(`paths taken: ${pathMix(initial, sequence, tools.length)}`);
    console.log(
      `HTTP: POST /tools/:slug/vote (form, 303), ${CONNECTIONS} connections, ${DURATION} s; loops: ${LOOP_SECONDS} s, one at a time\n`,
    );
    const width = 44;
    console.log(
      `${"scenario".padEnd(width)} ${"votes/s".padStart(9)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"× bare".padStart(8)} ${"× ceiling".padStart(10)}`,
    );
    const rows: [string, number, LoadResult | undefined, string][] = [
      ["HTTP, signed-in sessions", http.run.rps, http.run, (http.run.rps / http.ceiling.rps).toFixed(3)],
      ["setVote through Kysely, no HTTP", kysely, undefined, "–"],
      ["bare better-sqlite3 transaction", bare, undefined, "–"],
      ["ceiling: bare node:http, same requests, 303", http.ceiling.rps, http.ceiling, "–"],
    ];
    for (const [name, rate, run, ratio] of rows) {
      const p50 = run ? run.latency.p50.toFixed(2) : "–";
      const p99 = run ? run.latency.p99.toFixed(2) : "–";
      console.log(
        `${name.padEnd(width)} ${rate.toFixed(0).padStart(9)} ${p50.padStart(8)} ${p99.padStart(8)} ${(rate / bare).toFixed(3).padStart(8)} ${ratio.padStart(10)}`,
      );
    }
    console.log(`\n× bare: ÷ the bare better-sqlite3 loop; × ceiling: ÷ the bare node:http server's votes/s`);
    console.log(loadNote());
    console.log(
      `HTTP answers: ${http.run.requests} in ${http.run.seconds.toFixed(1)} s; failed: ${describeErrors(http.run)}`,
    );
    console.log(
      `counts consistent: yes (${checked} tools in each of ${Object.keys(copies).length} databases)`,
    );
    // answers differ a little in length (the Location names the tool), hence the looser size check
    checkRun("votes over HTTP", http.run, http.answer, {
      maxErrorShare: MAX_ERROR_SHARE,
      sizeTolerance: 0.25,
    });
    checkRun("the votes' ceiling", http.ceiling, http.answer, { sizeTolerance: 0.25 });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
