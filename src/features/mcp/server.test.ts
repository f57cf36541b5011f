/** The MCP server's own behaviour, over an in-memory pair: what a failure of ours looks like. */
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../../test/support/mcp.ts";
import type { Database } from "../../db/schema.ts";
import { createMcpServer } from "./server.ts";

/** A database whose every query fails with a message that must not reach the client. */
function brokenDb(): Kysely<Database> {
  const fail = () => {
    throw new Error("SQLITE_IOERR: disk I/O error at /srv/secret/shiporskip.sqlite");
  };
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: { close() {}, prepare: fail } }) });
}

describe("failures on our side", () => {
  const errors: unknown[] = [];
  let client: Client;

  beforeAll(async () => {
    const server = createMcpServer({
      db: brokenDb(),
      siteUrl: "https://ship.example",
      onError: (e) => errors.push(e),
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: "test", version: "1" });
    await client.connect(clientSide);
  });
  afterAll(async () => {
    await client.close();
  });

  it("tells the model plainly and logs the real error", async () => {
    const res = await client.callTool({ name: "get_verdict", arguments: { slug: "cursor" } });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toBe("Something went wrong on Ship or Skip's side. Try again in a moment.");
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain("SQLITE_IOERR");
  });

  it("keeps internals out of a failed resource read", async () => {
    const read = client.readResource({ uri: "shiporskip://tools/cursor" });
    await expect(read).rejects.toThrow("Something went wrong on Ship or Skip's side");
    await expect(read).rejects.not.toThrow(/SQLITE|secret/);
    expect(errors).toHaveLength(2);
  });
});
