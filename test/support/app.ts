/** An in-process app over a private seeded SQLite copy, for HTTP tests with app.request(). */
import { createApp } from "../../src/app.tsx";
import { loadConfig } from "../../src/config.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

export interface TestApp {
  request: (path: string, init?: RequestInit) => Promise<Response>;
  db: TestDatabase;
  deps: ReturnType<typeof createApp>["deps"];
  dispose(): Promise<void>;
}

/** Builds the app on a fresh seeded database of the given engine. */
export async function createTestApp(
  engine: "sqlite" | "postgres" = "sqlite",
  env: Record<string, string> = {},
): Promise<TestApp> {
  const db = await createTestDatabase(engine);
  const config = loadConfig({ NODE_ENV: "test", SITE_URL: "http://localhost:3000", ...env });
  const { app, deps } = createApp({ db: db.db, config });
  return {
    request: async (path, init) => app.request(path, init),
    db,
    deps,
    dispose: db.dispose,
  };
}
