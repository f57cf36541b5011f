/**
 * npm run bench -- newsletter: the real `newsletter:send` command renders and delivers one
 * issue to 1,000, 5,000 and 10,000 subscribers into an SMTP server on loopback. The server runs
 * here and the sender in a child process of its own, so the peak memory reported is the
 * sender's alone. Prints elapsed seconds, messages/s and peak MB per size, checks that the
 * server accepted exactly one message per subscriber, and says whether 10,000 took under 60 s.
 * BENCH_NEWSLETTER_SIZES=1000,20000 picks other sizes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deliveryProgress } from "../src/features/newsletter/delivery/index.ts";
import { startSmtpSink } from "../test/support/smtp-sink.ts";
import { insertSubscribers } from "../test/support/subscribers.ts";
import { childEnv, openBenchDatabase, root } from "./shared.ts";

const SIZES = (process.env.BENCH_NEWSLETTER_SIZES ?? "1000,5000,10000")
  .split(",")
  .map((s) => Number.parseInt(s.trim(), 10))
  .filter((n) => n > 0);
const AIM_SIZE = 10_000;
const AIM_SECONDS = 60;

interface Run {
  size: number;
  seconds: number;
  sendSeconds: number;
  rate: number;
  peakMb: number;
  liveMb: number;
}

/**
 * One send of `size`. With `liveHeap`, the sender runs a full GC every second (bench/memory-probe.ts)
 * and reports the largest heap after one; that run's timing is not the one reported.
 */
async function runSize(size: number, liveHeap = false): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-bench-newsletter-"));
  const sink = await startSmtpSink({ keepBodies: false });
  try {
    const handle = await openBenchDatabase(dataDir);
    try {
      await insertSubscribers(handle.db, { count: size, prefix: "reader" });
    } finally {
      await handle.close();
    }

    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...(liveHeap ? ["--expose-gc"] : []),
        "--import",
        "tsx",
        "--import",
        "./bench/memory-probe.ts",
        "src/cli/main.ts",
        "newsletter:send",
        "--intro",
        "This week: what the panel shipped and skipped.",
      ],
      {
        cwd: root,
        env: childEnv({
          DATA_DIR: dataDir,
          SMTP_URL: sink.url,
          SITE_URL: "https://shiporskip.example",
          BENCH_LIVE_HEAP: liveHeap ? "1" : "0",
        }),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`newsletter:send exited with ${code}:\n${out}`);
    const memory = /max-rss-kb (\d+) live-heap-kb (\d+)/.exec(out);
    if (!memory) throw new Error(`newsletter:send did not report its memory:\n${out}`);

    // exactly one accepted message per subscriber, each with its own Message-ID
    const addresses = new Set(sink.accepted.flatMap((m) => m.rcptTo));
    const ids = new Set(sink.accepted.map((m) => m.messageId));
    if (sink.accepted.length !== size || addresses.size !== size || ids.size !== size) {
      throw new Error(
        `${size} subscribers: the server accepted ${sink.accepted.length} messages for ${addresses.size} addresses with ${ids.size} Message-IDs`,
      );
    }
    const check = await openBenchDatabase(dataDir);
    try {
      const issue = await check.db
        .selectFrom("newsletter_issues")
        .select(["id", "status"])
        .executeTakeFirstOrThrow();
      const p = await deliveryProgress(check.db, issue.id);
      if (issue.status !== "sent" || p.sent !== size) {
        throw new Error(`${size} subscribers: issue ${issue.status}, ${p.sent} deliveries recorded as sent`);
      }
    } finally {
      await check.close();
    }
    const first = sink.accepted[0]!.at;
    const last = sink.accepted[sink.accepted.length - 1]!.at;
    const sendSeconds = Math.max(0.001, (last - first) / 1000);
    return {
      size,
      seconds,
      sendSeconds,
      rate: size / seconds,
      peakMb: Number(memory[1]) / 1024,
      liveMb: Number(memory[2]) / 1024,
    };
  } finally {
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Row extends Run {
  /** From the second run, with a full GC every second. */
  liveMb: number;
  gcPeakMb: number;
}

export async function runNewsletter(): Promise<void> {
  const rows: Row[] = [];
  for (const size of SIZES) {
    const plain = await runSize(size);
    const probed = await runSize(size, true);
    rows.push({ ...plain, liveMb: probed.liveMb, gcPeakMb: probed.peakMb });
  }
  console.log(
    "\nNewsletter: `newsletter:send` in its own process (SQLite, pooled SMTP) into smtp-server on loopback\n",
  );
  console.log(
    `${"subscribers".padStart(11)} ${"elapsed s".padStart(10)} ${"sending s".padStart(10)} ${"msg/s".padStart(8)} ${"peak RSS MB".padStart(12)} ${"GC/s: peak RSS MB".padStart(18)} ${"live heap MB".padStart(13)}`,
  );
  for (const r of rows) {
    console.log(
      `${String(r.size).padStart(11)} ${r.seconds.toFixed(1).padStart(10)} ${r.sendSeconds.toFixed(1).padStart(10)} ${r.rate.toFixed(0).padStart(8)} ${r.peakMb.toFixed(0).padStart(12)} ${r.gcPeakMb.toFixed(0).padStart(18)} ${r.liveMb.toFixed(0).padStart(13)}`,
    );
  }
  console.log(
    "\nelapsed: the whole command (start, issue built, queued, rendered, delivered, exit); sending: first to last accepted message; msg/s over elapsed.",
  );
  console.log(
    "peak RSS: the sender process's own maximum resident memory, garbage V8 has not collected yet included.",
  );
  console.log(
    "GC/s: a second run of each size with a full GC forced every second; live heap is the largest heap left right after one (what the sender really holds).",
  );
  console.log(
    `every size: the server accepted exactly one message per subscriber; every delivery recorded as sent`,
  );
  const aim = rows.find((r) => r.size === AIM_SIZE);
  if (aim) {
    console.log(
      `aim: ${AIM_SIZE} subscribers in under ${AIM_SECONDS} s: ${aim.seconds < AIM_SECONDS ? "met" : "NOT met"} (${aim.seconds.toFixed(1)} s)`,
    );
  }
  if (rows.length > 1) {
    const [small, large] = [rows[0]!, rows[rows.length - 1]!];
    const times = (large.size / small.size).toFixed(0);
    console.log(
      `memory, ${small.size} → ${large.size} subscribers (${times}×): peak RSS ${small.peakMb.toFixed(0)} → ${large.peakMb.toFixed(0)} MB; with a full GC every second ${small.gcPeakMb.toFixed(0)} → ${large.gcPeakMb.toFixed(0)} MB, live heap ${small.liveMb.toFixed(0)} → ${large.liveMb.toFixed(0)} MB`,
    );
  }
}
