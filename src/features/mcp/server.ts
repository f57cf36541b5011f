/**
 * The MCP server: five read-only tools and one resource per tool page, registered on a fresh
 * `McpServer` for each serving unit (an HTTP request, or a stdio connection), as the SDK's
 * factory entries expect. Both transports use this one definition.
 */
import {
  type CallToolResult,
  McpServer,
  ResourceNotFoundError,
  ResourceTemplate,
  type StandardSchemaWithJSON,
} from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { Db } from "../../db/types.ts";
import { communityLabel } from "../../domain/community.ts";
import { pricingModelName } from "../../domain/pricing-read.ts";
import { listToolNames } from "../catalog/index.ts";
import { toolLine, verdictMarkdown } from "./project.ts";
import * as schemas from "./schemas.ts";
import { compareTools, leaderboard, recommend, searchTools, ToolAnswerError, verdictFor } from "./service.ts";

export interface McpServerDeps {
  db: Db;
  /** The site's public address, for the page links in every answer. */
  siteUrl: string;
  /** Told about failures that are ours (not the caller's); the caller sees a plain message. */
  onError?: (err: unknown) => void;
}

export const SERVER_NAME = "ship-or-skip";
export const SERVER_VERSION = "0.1.0";
export const TOOL_URI_PREFIX = "shiporskip://tools/";

const INSTRUCTIONS =
  "Ship or Skip reviews AI tools: each gets a verdict from a four-persona panel (Builder, Skeptic, " +
  "Futurist, Founder; a score out of 100 and ship or skip each), a pricing read and a community vote. " +
  "Tools are named by slug. Use search_tools or recommend_tool to find slugs, get_verdict for one " +
  "tool, compare_tools for 2 to 4. Each tool page is also a resource at shiporskip://tools/{slug}.";

/**
 * A zod schema whose JSON Schema is made once. The SDK serves each HTTP request with a fresh
 * server and converts every schema it touches anew, which costs more than the tool's own
 * queries; the schemas never change, so their JSON Schema is kept. Validation stays zod's.
 */
function once<T extends z.ZodType>(schema: T): StandardSchemaWithJSON<z.input<T>, z.output<T>> {
  const std = schema["~standard"];
  const made = new Map<string, Record<string, unknown>>();
  const convert = (io: "input" | "output") => (opts: { target: string }) => {
    const key = `${io} ${opts.target}`;
    let json = made.get(key);
    if (!json) {
      json = std.jsonSchema[io](opts);
      made.set(key, json);
    }
    return json;
  };
  return {
    "~standard": {
      version: 1,
      vendor: std.vendor,
      validate: std.validate,
      jsonSchema: { input: convert("input"), output: convert("output") },
    },
  } as StandardSchemaWithJSON<z.input<T>, z.output<T>>;
}

const searchInput = once(schemas.searchInput);
const searchOutput = once(schemas.searchOutput);
const verdictInput = once(schemas.verdictInput);
const verdictOutput = once(schemas.verdictOutput);
const compareInput = once(schemas.compareInput);
const compareOutput = once(schemas.compareOutput);
const recommendInput = once(schemas.recommendInput);
const recommendOutput = once(schemas.recommendOutput);
const leaderboardInput = once(schemas.leaderboardInput);
const leaderboardOutput = once(schemas.leaderboardOutput);

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Runs a tool's work: structured content and a short text, or an error the model can act on. */
async function answer<T extends Record<string, unknown>>(
  deps: McpServerDeps,
  work: () => Promise<T>,
  text: (out: T) => string,
): Promise<CallToolResult> {
  try {
    const out = await work();
    return { content: [{ type: "text", text: text(out) }], structuredContent: out };
  } catch (err) {
    if (err instanceof ToolAnswerError)
      return { isError: true, content: [{ type: "text", text: err.message }] };
    deps.onError?.(err);
    return {
      isError: true,
      content: [
        { type: "text", text: "Something went wrong on Ship or Skip's side. Try again in a moment." },
      ],
    };
  }
}

/** A compared tool's name, by slug. */
function nameOf(out: { tools: { slug: string; name: string }[] }, slug: string): string {
  return out.tools.find((t) => t.slug === slug)?.name ?? slug;
}

/** A fresh server with every tool and resource registered. */
export function createMcpServer(deps: McpServerDeps): McpServer {
  const { db, siteUrl } = deps;
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION, title: "Ship or Skip" },
    { instructions: INSTRUCTIONS },
  );

  server.registerTool(
    "search_tools",
    {
      title: "Search the catalog",
      description:
        "Search Ship or Skip's catalog of AI tools, like the site's /tools page: words to look for, and " +
        "optional filters by category slug, pricing model, panel verdict and deployment, sorted by panel " +
        "score (default), community vote, newest or name. Returns one page of tools, each with its slug, " +
        "panel verdict and score, community figure and entry price. Use a slug with get_verdict or compare_tools.",
      inputSchema: searchInput,
      outputSchema: searchOutput,
      annotations: { title: "Search the catalog", ...READ_ONLY },
    },
    (input) =>
      answer(
        deps,
        () => searchTools(db, siteUrl, input),
        (out) =>
          out.total === 0
            ? "No tool matches. Drop a filter or use fewer words."
            : [
                `${out.total} tool${out.total === 1 ? "" : "s"} match (page ${out.page} of ${out.pages}):`,
                ...out.tools.map((t) => `- ${toolLine(t)}`),
              ].join("\n"),
      ),
  );

  server.registerTool(
    "get_verdict",
    {
      title: "Get a tool's verdict",
      description:
        "The panel's verdict on one tool by slug: the overall verdict and score, each persona's score, " +
        "ship/skip, summary and lens answers with its byline, structured pricing, the community vote, " +
        "competitors, where the Futurist's thesis stands and the verdict's history. An unknown slug " +
        "answers with the closest slugs.",
      inputSchema: verdictInput,
      outputSchema: verdictOutput,
      annotations: { title: "Get a tool's verdict", ...READ_ONLY },
    },
    ({ slug }) =>
      answer(
        deps,
        () => verdictFor(db, siteUrl, slug),
        (v) =>
          [
            `${toolLine(v)}.`,
            ...v.reviews.map((r) => `- ${r.personaName} ${r.score}/100, ${r.verdict}: ${r.summary}`),
            `Pricing: ${pricingModelName(v.pricing.model)}, entry ${v.pricing.entryPrice}. Community: ${communityLabel(v.community)}.`,
          ].join("\n"),
      ),
  );

  server.registerTool(
    "compare_tools",
    {
      title: "Compare 2 to 4 tools",
      description:
        "Compare 2 to 4 tools by slug, as the site's comparison page does: per tool the panel verdict, " +
        "score, persona verdicts, community vote and pricing; per pair the reviewer split (which persona " +
        "leans to which tool, and by how much), the pricing read in plain sentences, and readers' " +
        "head-to-head picks.",
      inputSchema: compareInput,
      outputSchema: compareOutput,
      annotations: { title: "Compare tools", ...READ_ONLY },
    },
    (input) =>
      answer(
        deps,
        () => compareTools(db, siteUrl, input),
        (out) =>
          [
            ...out.tools.map((t) => `- ${toolLine(t)}; ${communityLabel(t.community)}`),
            ...out.pairs.map((p) => `${nameOf(out, p.a)} vs ${nameOf(out, p.b)}: ${p.reviewerSplit.line}`),
          ].join("\n"),
      ),
  );

  server.registerTool(
    "recommend_tool",
    {
      title: "Recommend a tool for a need",
      description:
        "Recommend tools for a need described in words, optionally within one category slug and under " +
        "constraints: selfHosted, openSource (an OSI licence), freeTier (usable without paying), " +
        "maxEntryUsd (the entry price label's dollar figure, whatever its unit). Tools must meet every " +
        "constraint and match the need's words; they are ranked by fit (60%), panel score (30%) and " +
        "community vote (10%), nudged by the panel verdict. Each candidate carries the panel's own reasons.",
      inputSchema: recommendInput,
      outputSchema: recommendOutput,
      annotations: { title: "Recommend a tool", ...READ_ONLY },
    },
    (input) =>
      answer(
        deps,
        () => recommend(db, siteUrl, input),
        (out) =>
          [
            ...(out.candidates.length === 0 ? ["No tool fits."] : []),
            ...out.candidates.map((c) => `${c.position}. ${toolLine(c.tool)}. ${c.reasons[0] ?? ""}`),
            ...(out.hint ? [out.hint] : []),
          ].join("\n"),
      ),
  );

  server.registerTool(
    "leaderboard",
    {
      title: "Head-to-head leaderboard",
      description:
        "Tools ranked by readers' head-to-head picks on comparisons (Bradley–Terry ratings), for the whole " +
        "catalog or one category slug: rank (1 plus the number of tools whose whole 95% interval lies above its own), rating and interval, picks, " +
        "opponents, win rate; provisional tools apart with what they still need; picks counted and discounted.",
      inputSchema: leaderboardInput,
      outputSchema: leaderboardOutput,
      annotations: { title: "Leaderboard", ...READ_ONLY },
    },
    ({ category }) =>
      answer(
        deps,
        () => leaderboard(db, siteUrl, category),
        (out) => leaderboardText(out),
      ),
  );

  server.registerResource(
    "tool",
    new ResourceTemplate(`${TOOL_URI_PREFIX}{slug}`, {
      list: async () => ({
        resources: (await listToolNames(db)).map((t) => ({
          uri: `${TOOL_URI_PREFIX}${t.slug}`,
          name: t.slug,
          title: t.name,
          mimeType: "text/markdown",
        })),
      }),
      complete: {
        slug: async (prefix) =>
          (await listToolNames(db))
            .map((t) => t.slug)
            .filter((s) => s.startsWith(prefix))
            .slice(0, 20),
      },
    }),
    {
      title: "A tool's verdict",
      description:
        "A tool's page as Markdown: the panel verdict, each persona's review, pricing and community vote.",
      mimeType: "text/markdown",
    },
    async (uri, variables) => {
      const slug = String(variables.slug ?? "").toLowerCase();
      try {
        const v = await verdictFor(db, siteUrl, slug);
        return {
          contents: [
            { uri: uri.href, mimeType: "text/markdown", text: verdictMarkdown(v) },
            { uri: uri.href, mimeType: "application/json", text: JSON.stringify(v) },
          ],
        };
      } catch (err) {
        if (err instanceof ToolAnswerError) throw new ResourceNotFoundError(uri.href, err.message);
        // the client sees no internals (an SQL message, a path); the log gets the whole error
        deps.onError?.(err);
        throw new Error("Something went wrong on Ship or Skip's side. Try again in a moment.");
      }
    },
  );

  return server;
}

/** The board in a few lines: why it is empty, or its ranked tools with intervals and what stays provisional. */
function leaderboardText(out: schemas.LeaderboardOutput): string {
  const lines = [`${out.title} head-to-head board${out.computedAt ? ` (computed ${out.computedAt})` : ""}.`];
  if (out.message) lines.push(out.message);
  for (const e of [...out.entries, ...out.separate]) {
    lines.push(
      `${e.tied ? "=" : ""}${e.rank}. ${e.name} (${e.slug}): ${Math.round(e.rating)} [${Math.round(e.interval.lower)}–${Math.round(e.interval.upper)}], ${e.picks} picks`,
    );
  }
  if (out.separate.length > 0) {
    lines.push("Some tools were never compared with the rest; they are ranked only within their own group.");
  }
  if (out.provisional.length > 0) {
    lines.push(`Provisional (not ranked yet): ${out.provisional.map((e) => e.slug).join(", ")}.`);
  }
  const discounted = out.discounted.reduce((n, d) => n + d.picks, 0);
  lines.push(`${out.counted} picks counted, ${discounted} discounted. Open ${out.links.page}`);
  return lines.join("\n");
}
