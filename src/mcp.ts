/**
 * The MCP server over stdio, for local clients: `npm run --silent mcp`. Opens the database
 * `npm start` uses (DATABASE_URL, or the SQLite file under DATA_DIR), migrates it and loads the
 * starter catalog on a first run, then serves JSON-RPC on stdin and stdout until stdin closes.
 * Stdout carries protocol messages only: every log line goes to stderr.
 */
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { loadConfig } from "./config.ts";
import { createMcpServer } from "./features/mcp/index.ts";
import { prepareDatabase } from "./prepare-database.ts";

// a stray console.log anywhere would corrupt the protocol stream: send them all to stderr
console.log = console.error;
console.info = console.error;
console.debug = console.error;

async function main() {
  const config = loadConfig();
  const handle = await prepareDatabase(config, console.error);
  const where = handle.engine === "postgres" ? "PostgreSQL" : config.sqlitePath;
  const stdio = serveStdio(
    () =>
      createMcpServer({
        db: handle.db,
        siteUrl: config.siteUrl,
        onError: (err) => console.error(`mcp: a tool failed: ${(err as Error)?.stack ?? String(err)}`),
      }),
    { onerror: (err) => console.error(`mcp: ${err.message}`) },
  );
  console.error(`Ship or Skip MCP server on stdio (database: ${where})`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([stdio.close()])
      .then(() => handle.close())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  // the client closing its end of the pipe ends the session
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error(`Ship or Skip's MCP server could not start: ${(err as Error).message}`);
  process.exit(1);
});
