/**
 * Stopping an instance while an issue sent from the admin page is being delivered: the send is
 * told to stop, the messages already handed to the mail server finish, and every delivery it had
 * claimed but not sent goes back to the queue (nothing is left 'sending' for a lease to expire),
 * so the next start resumes exactly the rest. On SQLite and (with TEST_DATABASE_URL) PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config.ts";
import { type RunningInstance, startInstance } from "../src/instance.ts";
import { createTestDatabase, reportSkippedPostgres, type TestDatabase, testEngines } from "./support/db.ts";
import { signIn } from "./support/session.ts";
import { insertSubscribers } from "./support/subscribers.ts";

reportSkippedPostgres("stopping during a newsletter send");

const ADMIN = "stop-admin@example.com";
const SUBSCRIBERS = 120;

for (const engine of testEngines()) {
  describe(`stopping during a newsletter send on ${engine}`, () => {
    let db: TestDatabase | undefined;
    let instance: RunningInstance | undefined;

    afterAll(async () => {
      await db?.dispose().catch(() => {});
    });

    it("hands back every claimed delivery it did not send", async () => {
      db = await createTestDatabase(engine);
      await insertSubscribers(db.db, { count: SUBSCRIBERS });
      // the mail server holds every message until told to answer
      let answer: () => void = () => {};
      const answered = new Promise<void>((resolve) => {
        answer = resolve;
      });
      let handed = 0;
      const config = loadConfig({
        NODE_ENV: "test",
        HOST: "127.0.0.1",
        PORT: "0",
        SITE_URL: "http://localhost:3000",
        DATA_DIR: mkdtempSync(join(tmpdir(), "shiporskip-stop-send-")),
        ADMIN_EMAILS: ADMIN,
        LOG_LEVEL: "silent",
      });
      instance = await startInstance({
        config,
        db: db.db,
        mailer: {
          kind: "outbox",
          send: async () => {
            handed++;
            await answered;
          },
          close() {},
        },
      });
      const base = instance.url;
      const admin = await signIn(
        { db, request: (path, init) => fetch(`${base}${path}`, { redirect: "manual", ...init }) },
        ADMIN,
      );
      const sent = await admin.post("/admin/newsletter/send", { intro: "" });
      expect(sent.status).toBe(303);
      // the sender has claimed a batch and handed some messages to the mail server
      await vi.waitFor(() => expect(handed).toBeGreaterThan(0), { timeout: 20_000, interval: 10 });
      const statuses = async () => {
        const rows = await db!.db
          .selectFrom("deliveries")
          .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
          .groupBy("status")
          .execute();
        return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Record<string, number>;
      };
      const before = await statuses();
      expect(before.sending).toBeGreaterThan(handed);

      const stopping = instance.stop(10_000);
      // the stop has told the send to claim no more; the mail server answers what it holds
      answer();
      await stopping;

      const after = await statuses();
      expect(after.sending ?? 0).toBe(0);
      expect(after.sent).toBe(handed);
      expect(after.pending).toBe(SUBSCRIBERS - handed);
      expect(handed).toBeLessThan(SUBSCRIBERS);
    }, 60_000);
  });
}
