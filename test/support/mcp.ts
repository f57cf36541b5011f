/**
 * What every MCP transport test checks, through the official client: the tools and their
 * schemas, a call of each (the client validates structured content against the advertised
 * output schema; here it is also parsed with the server's zod schema), the errors a model
 * can act on, and the tool resources.
 */
import type { Client } from "@modelcontextprotocol/client";
import { expect } from "vitest";
import {
  compareOutput,
  leaderboardOutput,
  recommendOutput,
  searchOutput,
  verdictOutput,
} from "../../src/features/mcp/schemas.ts";

export const TOOL_NAMES = ["compare_tools", "get_verdict", "leaderboard", "recommend_tool", "search_tools"];

type CallResult = Awaited<ReturnType<Client["callTool"]>>;

/** The text of a call's first content block. */
export function textOf(result: CallResult): string {
  const first = (result.content as { type: string; text?: string }[] | undefined)?.[0];
  return first?.type === "text" ? (first.text ?? "") : "";
}

/** Lists the tools, calls each one and reads a resource; fails on the first thing out of place. */
export async function checkEveryTool(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
  for (const t of tools) {
    expect(t.description?.length, t.name).toBeGreaterThan(80);
    expect(t.outputSchema?.type, t.name).toBe("object");
    expect(t.inputSchema.type, t.name).toBe("object");
    expect(t.annotations?.readOnlyHint, t.name).toBe(true);
  }

  const search = await client.callTool({
    name: "search_tools",
    arguments: { query: "vector", category: "vector-databases", limit: 5 },
  });
  expect(search.isError ?? false).toBe(false);
  const found = searchOutput.parse(search.structuredContent);
  expect(found.total).toBeGreaterThan(0);
  expect(found.tools.every((t) => t.category.slug === "vector-databases")).toBe(true);
  expect(textOf(search)).toContain(found.tools[0]?.slug);
  // tools are named by slug and name, never by database id
  expect(JSON.stringify(search.structuredContent)).not.toMatch(/"id"\s*:/);

  const verdict = await client.callTool({ name: "get_verdict", arguments: { slug: "cursor" } });
  const v = verdictOutput.parse(verdict.structuredContent);
  expect(v.slug).toBe("cursor");
  expect(v.reviews).toHaveLength(4);
  expect(v.reviews[0]?.lenses.length).toBeGreaterThanOrEqual(4);
  expect(v.links.page).toMatch(/\/tools\/cursor$/);
  expect(textOf(verdict)).toMatch(/^Cursor \(cursor\): (Ship|Skip|Split) · \d ship \/ \d skip, panel score/);

  const compare = await client.callTool({
    name: "compare_tools",
    arguments: { slugs: ["cursor", "github-copilot", "claude-code"] },
  });
  const cmp = compareOutput.parse(compare.structuredContent);
  expect(cmp.tools.map((t) => t.slug)).toEqual(["cursor", "github-copilot", "claude-code"]);
  expect(cmp.pairs).toHaveLength(3);
  expect(cmp.pairs[0]?.reviewerSplit.rows).toHaveLength(4);
  expect(cmp.pairs[0]?.pricingRead.at(-1)).toMatch(/^Prices as of /);
  expect(cmp.pairs[0]?.links.page).toMatch(/\/compare\/cursor-vs-github-copilot$/);
  expect(cmp.decisionTable).toHaveLength(3);
  expect(textOf(compare)).toContain("Cursor vs GitHub Copilot: ");

  const recommend = await client.callTool({
    name: "recommend_tool",
    arguments: { need: "self-hosted vector database for semantic search", constraints: { openSource: true } },
  });
  const rec = recommendOutput.parse(recommend.structuredContent);
  expect(rec.candidates.length).toBeGreaterThan(0);
  expect(rec.candidates[0]?.tool.category.slug).toBe("vector-databases");
  expect(rec.candidates.every((c) => c.meets.some((m) => m.startsWith("open source")))).toBe(true);
  expect(rec.candidates[0]?.reasons[0]).toMatch(/^(Builder|Skeptic|Futurist|Founder) \(\d+, (ship|skip)\): /);

  const board = await client.callTool({ name: "leaderboard", arguments: { category: "coding-assistants" } });
  const lb = leaderboardOutput.parse(board.structuredContent);
  expect(lb.category?.slug).toBe("coding-assistants");
  expect(lb.board).toBe("coding-assistants");
  // an empty board says why and how to fill it; a filled one lists its tools in the text
  if (lb.entries.length === 0) expect(textOf(board)).toContain(lb.message ?? "(no message)");
  else expect(textOf(board)).toContain(`(${lb.entries[0]?.slug})`);
  const nowhere = await client.callTool({ name: "leaderboard", arguments: { category: "coding-asistants" } });
  expect(nowhere.isError).toBe(true);
  expect(textOf(nowhere)).toContain("coding-assistants (");

  // errors the model can act on
  const unknown = await client.callTool({ name: "get_verdict", arguments: { slug: "cursr" } });
  expect(unknown.isError).toBe(true);
  expect(textOf(unknown)).toContain('No tool has the slug "cursr"');
  expect(textOf(unknown)).toContain("cursor (Cursor)");
  const one = await client.callTool({ name: "compare_tools", arguments: { slugs: ["cursor"] } });
  expect(one.isError).toBe(true);
  expect(textOf(one)).toContain("2 to 4");
  const five = await client.callTool({
    name: "compare_tools",
    arguments: { slugs: ["cursor", "aider", "devin", "claude-code", "github-copilot"] },
  });
  expect(five.isError).toBe(true);
  expect(textOf(five)).toContain("2 to 4");
  const twice = await client.callTool({ name: "compare_tools", arguments: { slugs: ["cursor", "cursor"] } });
  expect(textOf(twice)).toContain("named twice");
  const missing = await client.callTool({
    name: "compare_tools",
    arguments: { slugs: ["cursor", "ollamma"] },
  });
  expect(textOf(missing)).toContain("ollama (Ollama)");
  const nul = await client.callTool({ name: "search_tools", arguments: { query: "vec\u0000tor" } });
  expect(nul.isError).toBe(true);
  expect(textOf(nul)).toContain("control characters");
  const badCategory = await client.callTool({
    name: "search_tools",
    arguments: { category: "vector-database" },
  });
  expect(textOf(badCategory)).toContain("vector-databases (");

  // each tool page is a resource
  const templates = await client.listResourceTemplates();
  expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toContain("shiporskip://tools/{slug}");
  const { resources } = await client.listResources();
  expect(resources.length).toBeGreaterThanOrEqual(36);
  expect(resources.map((r) => r.uri)).toContain("shiporskip://tools/cursor");
  const page = await client.readResource({ uri: "shiporskip://tools/cursor" });
  const markdown = page.contents.find((c) => c.mimeType === "text/markdown");
  expect(markdown && "text" in markdown ? markdown.text : "").toMatch(/^# Cursor\n/);
  const json = page.contents.find((c) => c.mimeType === "application/json");
  expect(verdictOutput.parse(JSON.parse(json && "text" in json ? json.text : "{}")).slug).toBe("cursor");
  await expect(client.readResource({ uri: "shiporskip://tools/cursr" })).rejects.toThrow(/cursor/);
  await expect(client.readResource({ uri: "shiporskip://tools/CUR%00SOR" })).rejects.toThrow(
    /No tool has the slug/,
  );
}
