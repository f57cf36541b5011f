/** Process entry: config → database → migrate → app → listen. */
import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { createApp } from "./app.tsx";
import { loadConfig } from "./config.ts";
import { prepareDatabase } from "./db/setup.ts";

async function main() {
  const config = loadConfig();
  const handle = await prepareDatabase(config);
  const { app, deps } = createApp({ db: handle.db, config });
  const listener = getRequestListener(app.fetch);
  const server = createServer((req, res) => {
    if (deps.cache.tryServe(req, res)) return;
    listener(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(config.port, config.host, () => {
    const where = handle.engine === "postgres" ? "PostgreSQL" : config.sqlitePath;
    console.log(`Ship or Skip listening on ${config.siteUrl} (database: ${where})`);
  });
  const stop = () => {
    server.close();
    void handle.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
