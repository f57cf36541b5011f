/**
 * The MCP server over stdio, as a local client runs it: `npm run --silent mcp` in a child
 * process with a fresh DATA_DIR, so the first start migrates and seeds its SQLite file.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, describe, expect, it } from "vitest";
import { checkEveryTool } from "../../../test/support/mcp.ts";

const ROOT = join(import.meta.dirname, "../../..");
const dataDir = mkdtempSync(join(tmpdir(), "shiporskip-mcp-"));

/** The environment the client starts the server with: this one, on a private SQLite file. */
function serverEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return { ...env, DATA_DIR: dataDir, NODE_ENV: "test", SITE_URL: "http://localhost:3000" };
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("MCP over stdio (npm run mcp)", () => {
  let stderr = "";

  async function connect(negotiation?: { mode: { pin: string } }): Promise<Client> {
    const transport = new StdioClientTransport({
      command: "npm",
      args: ["run", "--silent", "mcp"],
      cwd: ROOT,
      env: serverEnv(),
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client(
      { name: "ship-or-skip-test", version: "1.0.0" },
      negotiation ? { versionNegotiation: negotiation } : {},
    );
    await client.connect(transport, { timeout: 60_000 });
    return client;
  }

  it("migrates and seeds on a first run, then answers every tool (2025 handshake)", async () => {
    const client = await connect();
    try {
      expect(client.getProtocolEra()).toBe("legacy");
      await checkEveryTool(client);
    } finally {
      await client.close();
    }
    // logs go to stderr, never into the protocol stream
    expect(stderr).toContain("seeded the starter catalog: 36 tools");
    expect(stderr).toContain("MCP server on stdio");
  }, 120_000);

  it("serves the stateless 2026-07-28 revision too", async () => {
    const client = await connect({ mode: { pin: "2026-07-28" } });
    try {
      expect(client.getProtocolEra()).toBe("modern");
      await checkEveryTool(client);
    } finally {
      await client.close();
    }
  }, 120_000);

  it("writes nothing but JSON-RPC lines to stdout", async () => {
    const child = spawn("npm", ["run", "--silent", "mcp"], { cwd: ROOT, env: serverEnv() });
    const init = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    };
    child.stdin.write(`${JSON.stringify(init)}\n`);
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        out += chunk;
        const nl = out.indexOf("\n");
        if (nl !== -1) resolve(out.slice(0, nl));
      });
      child.on("exit", (code) => reject(new Error(`exited with ${code} before answering: ${out}`)));
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.stdin.end();
    const reply = JSON.parse(firstLine);
    expect(reply.id).toBe(1);
    expect(reply.result.serverInfo.name).toBe("ship-or-skip");
    // closing stdin ends the server
    expect(await exited).toBe(0);
  }, 120_000);
});
