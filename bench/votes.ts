/**
 * The vote bench: votes/s through HTTP from signed-in sessions at 32 connections on SQLite, with
 * p99, and the ratio to a bare better-sqlite3 loop running the same transaction without HTTP.
 * setVote through Kysely without HTTP is printed between the two, to show where the cost sits.
 * Each case gets its own copy of one prepared database, and afterwards every copy's stored
 * community counts are checked against a fresh COUNT of its votes.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type autocannon from "autocannon";
import SQLite from "better-sqlite3";
import type { VoteValue } from "../src/domain/community.ts";
import { summarizeCommunity } from "../src/domain/community.ts";
import { SESSION_COOKIE } from "../src/features/accounts/index.ts";
import { createSignInLink, redeemSignInLink } from "../src/features/accounts/service.ts";
import { setVote } from "../src/features/community/service.ts";
import { csrfTokenFor } from "../src/http/tokens.ts";
import { CONNECTIONS, DURATION, measure, openBenchDatabase, startApp, stop } from "./shared.ts";

const ACCOUNTS = 256;
const LOOP_SECONDS = 3;
const DB_FILE = "shiporskip.sqlite";
/** Cycled through by every case; long enough that the HTTP case rarely wraps. */
const SEQUENCE_LENGTH = 1 << 17;
/** Anything but a 303 beyond this share of answers fails the bench. */
const MAX_ERROR_SHARE = 0.005;

interface Session {
  userId: number;
  cookie: string;
  csrf: string;
}

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

/** A small seeded generator, so every case and every run sees the same votes. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
    for (let i = 0; i < ACCOUNTS; i++) {
      const token = await createSignInLink(handle.db, { email: `voter${i}@bench.test`, returnTo: "/" });
      const signedIn = await redeemSignInLink(handle.db, { token, userAgent: "bench", adminEmails: [] });
      if (!signedIn.ok) throw new Error(`could not sign in voter${i}: ${signedIn.problem}`);
      sessions.push({
        userId: signedIn.user.id,
        cookie: `${SESSION_COOKIE}=${signedIn.sessionToken}`,
        csrf: csrfTokenFor(signedIn.sessionToken),
      });
    }
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

interface HttpResult {
  rps: number;
  p99: number;
  answered: number;
  bad: number;
  detail: string;
}

async function overHttp(
  dir: string,
  sessions: Session[],
  tools: Tool[],
  sequence: Vote[],
): Promise<HttpResult> {
  const form = "application/x-www-form-urlencoded";
  const requests = sequence.map((v) => {
    const session = sessions[v.session]!;
    return {
      path: `/tools/${tools[v.tool]!.slug}/vote`,
      headers: { cookie: session.cookie, "content-type": form },
      body: `value=${v.value ?? "none"}&_csrf=${session.csrf}`,
    };
  });
  // the limit is per account per minute; a real one would answer nearly every request with 429
  const { child, base } = await startApp({
    dataDir: dir,
    pageCache: "on",
    env: { VOTE_RATE_LIMIT: "1000000000" },
  });
  try {
    // one vote by hand first, so a wrong cookie or CSRF token fails here with the app's own words
    const first = requests[0]!;
    const probe = await fetch(`${base}${first.path}`, {
      method: "POST",
      headers: first.headers,
      body: first.body,
      redirect: "manual",
    });
    if (probe.status !== 303) {
      throw new Error(`a vote was answered ${probe.status}: ${(await probe.text()).slice(0, 500)}`);
    }
    let next = 1;
    const r = await measure({
      url: base,
      requests: [
        {
          setupRequest: (req: autocannon.Request): autocannon.Request => {
            const r = requests[next++ % requests.length]!;
            return {
              ...req,
              method: "POST",
              path: r.path,
              headers: { ...req.headers, ...r.headers },
              body: r.body,
            };
          },
        },
      ],
    });
    const answered = r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"];
    const bad = answered - r["2xx"] - r["3xx"] + r.errors;
    return {
      rps: r.requests.average,
      p99: r.latency.p99,
      answered,
      bad,
      detail: `${r["3xx"]} answered 3xx, ${r["2xx"]} 2xx, ${r["4xx"]} 4xx, ${r["5xx"]} 5xx, ${r.errors} socket errors (${r.timeouts} timeouts)`,
    };
  } finally {
    await stop(child);
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
    console.log(
      `${"scenario".padEnd(40)} ${"votes/s".padStart(9)} ${"p99 ms".padStart(8)} ${"× bare".padStart(10)}`,
    );
    const rows: [string, number, string][] = [
      ["HTTP, signed-in sessions", http.rps, http.p99.toFixed(1)],
      ["setVote through Kysely, no HTTP", kysely, "–"],
      ["bare better-sqlite3 transaction", bare, "–"],
    ];
    for (const [name, rate, p99] of rows) {
      console.log(
        `${name.padEnd(40)} ${rate.toFixed(0).padStart(9)} ${p99.padStart(8)} ${(rate / bare).toFixed(3).padStart(10)}`,
      );
    }
    console.log(`\nHTTP answers: ${http.detail}`);
    console.log(`not 2xx/3xx: ${http.bad} of ${http.answered}`);
    console.log(
      `counts consistent: yes (${checked} tools in each of ${Object.keys(copies).length} databases)`,
    );
    if (http.answered === 0 || http.bad > MAX_ERROR_SHARE * http.answered) {
      throw new Error(`${http.bad} of ${http.answered} votes failed over HTTP: ${http.detail}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
