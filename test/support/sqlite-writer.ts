/** A second process writing to a SQLite file while a test copies or exports it. */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * Another process writing as the site would: each transaction adds an account, its vote and an
 * audit entry together, so a consistent copy has as many of one as of the others. It prints its
 * count after each commit and stops when its stdin closes (or after a bounded number of writes).
 */
export interface Writer {
  child: ChildProcess;
  /** Transactions committed so far, as the writer last reported. */
  writes: () => number;
  /** Settles once 20 transactions are committed. */
  firstWrites: Promise<void>;
  /** Closes the writer's stdin and waits for it to exit. */
  stop: () => Promise<void>;
}

export function startWriter(path: string): Writer {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(path)});
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    const tool = db.prepare("select id from tools order by id limit 1").get().id;
    const addUser = db.prepare("insert into users (email, created_at) values (?, ?)");
    const addVote = db.prepare("insert into votes (user_id, tool_id, value, created_at, updated_at) values (?, ?, 'ship', ?, ?)");
    const addAudit = db.prepare("insert into audit_log (at, actor_id, actor_email, action, subject, reason, detail) values (?, null, 'writer', 'test.write', ?, 'concurrent write', '{}')");
    const write = db.transaction((i) => {
      const at = new Date().toISOString();
      const id = addUser.run("writer" + i + "@example.com", at).lastInsertRowid;
      addVote.run(id, tool, at, at);
      addAudit.run(at, "user:" + id);
    });
    let stop = false;
    process.stdin.on("close", () => { stop = true; });
    process.stdin.resume();
    let i = 0;
    (function loop() {
      if (stop || i >= 50000) { db.close(); process.exit(0); }
      write(i++);
      process.stdout.write(i + "\\n");
      setImmediate(loop);
    })();`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  let count = 0;
  let resolveFirst: () => void;
  let rejectFirst: (err: Error) => void;
  const firstWrites = new Promise<void>((resolve, reject) => {
    resolveFirst = resolve;
    rejectFirst = reject;
  });
  createInterface({ input: child.stdout! }).on("line", (l) => {
    count = Number(l);
    if (count >= 20) resolveFirst();
  });
  const exited = new Promise<void>((r) =>
    child.on("exit", (code) => {
      // settles nothing once the first writes were seen; otherwise the test fails at once
      rejectFirst(new Error(`the writer exited (${code}) after ${count} writes`));
      r();
    }),
  );
  return {
    child,
    writes: () => count,
    firstWrites,
    stop: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}
