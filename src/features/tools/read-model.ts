/**
 * The tools as pages read them, kept in process between writes: a tool's profile, pricing,
 * competitors and published panel cost four queries, and every comparison and tool page needs
 * them, signed in or not. Each tool is kept under its own scope ({ tools: [slug] }), so a vote,
 * a review or an edit drops that tool only, here and on every other instance (src/http/memo.ts).
 * A slug that names no tool is not kept: made-up addresses must not push real tools out.
 */

import type { ToolDetail, ToolWithRef } from "../../domain/tool.ts";
import type { Deps } from "../../http/deps.ts";
import { ScopedMemo } from "../../http/memo.ts";
import type { PageCache } from "../../http/page-cache.ts";
import { getToolsWithRefs } from "./model.ts";

const memos = new WeakMap<PageCache, ScopedMemo<ToolWithRef | null>>();

/** This app's memo of tools, made on first use. */
function memoOf(cache: PageCache): ScopedMemo<ToolWithRef | null> {
  let memo = memos.get(cache);
  if (!memo) {
    memo = new ScopedMemo<ToolWithRef | null>(cache);
    memos.set(cache, memo);
  }
  return memo;
}

/** As getToolsWithRefs, from the read model: only tools not kept are read, one query batch each. */
export async function readToolsWithRefs(
  deps: Pick<Deps, "db" | "cache">,
  slugs: readonly string[],
): Promise<Map<string, ToolWithRef>> {
  const memo = memoOf(deps.cache);
  const found = await Promise.all(
    slugs.map((slug) =>
      memo.get(
        slug,
        { tools: [slug] },
        async () => (await getToolsWithRefs(deps.db, [slug])).get(slug) ?? null,
        { keep: (tool) => tool !== null },
      ),
    ),
  );
  const out = new Map<string, ToolWithRef>();
  slugs.forEach((slug, i) => {
    const tool = found[i];
    if (tool) out.set(slug, tool);
  });
  return out;
}

/** One tool in full from the read model, or undefined. */
export async function readTool(
  deps: Pick<Deps, "db" | "cache">,
  slug: string,
): Promise<ToolDetail | undefined> {
  return (await readToolsWithRefs(deps, [slug])).get(slug)?.tool;
}
