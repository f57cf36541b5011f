/** An in-process app over a private seeded database copy, for HTTP tests with app.request(). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app.tsx";
import { loadConfig } from "../../src/config.ts";
import type { OutgoingMail } from "../../src/mail/mailer.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

export interface TestApp {
  request: (path: string, init?: RequestInit) => Promise<Response>;
  /** A request as if from a client at this socket address. */
  requestFrom: (address: string, path: string, init?: RequestInit) => Promise<Response>;
  db: TestDatabase;
  /** The Hono app itself, for tests that read its route table or add a route of their own. */
  app: ReturnType<typeof createApp>["app"];
  deps: ReturnType<typeof createApp>["deps"];
  /** Messages the app sent, newest last (the mailer is replaced by a recorder). */
  mail: OutgoingMail[];
  dispose(): Promise<void>;
}

/** Builds the app on a fresh seeded database of the given engine; mail is recorded, not sent. */
export async function createTestApp(
  engine: "sqlite" | "postgres" = "sqlite",
  env: Record<string, string> = {},
): Promise<TestApp> {
  const db = await createTestDatabase(engine);
  const config = loadConfig({
    NODE_ENV: "test",
    SITE_URL: "http://localhost:3000",
    DATA_DIR: mkdtempSync(join(tmpdir(), "shiporskip-data-")),
    ...env,
  });
  const mail: OutgoingMail[] = [];
  const mailer = env.SMTP_URL
    ? undefined
    : { kind: "outbox" as const, send: async (m: OutgoingMail) => void mail.push(m), close() {} };
  const { app, deps } = createApp({ db: db.db, config, mailer });
  return {
    request: async (path, init) => app.request(path, init),
    requestFrom: async (address, path, init) =>
      app.request(path, init, { incoming: { socket: { remoteAddress: address } } }),
    db,
    app,
    deps,
    mail,
    dispose: db.dispose,
  };
}
