/** Routes of comparisons: /compare (picker) and /compare/:a-vs-:b with one canonical URL. */
import { Hono } from "hono";
import { raw as trustedHtml } from "hono/html";
import { candidateSlugs, comparePath, parsePair } from "../../domain/compare-path.ts";
import { pricingRead } from "../../domain/pricing-read.ts";
import { reviewerSplit } from "../../domain/reviewer-split.ts";
import { closest } from "../../domain/suggest.ts";
import type { Deps } from "../../http/deps.ts";
import { badRequest, notFound } from "../../http/errors.ts";
import { ScopedMemo } from "../../http/memo.ts";
import { pageShows, readersShareThisPage, sendPage } from "../../http/page.tsx";
import { pairKey } from "../../http/page-cache.ts";
import { renderHtml } from "../../ui/render.ts";
import { listToolNames } from "../catalog/index.ts";
import { pickSplit, readerPick } from "../community/index.ts";
import { readToolsWithRefs } from "../tools/index.ts";
import { featuredPairs } from "./service.ts";
import { CompareEvidence, CompareIndex, ComparePage } from "./views.tsx";

const SLUG = /^[a-z0-9-]{1,80}$/;

/** The comparison routes. */
export function compareRoutes(deps: Deps) {
  const app = new Hono();
  const { db, config } = deps;
  // each pair's evidence as HTML, kept until a write touches either tool
  const evidenceOf = new ScopedMemo<string>(deps.cache);

  app.get("/compare", async (c) => {
    const a = c.req.query("a")?.trim() || undefined;
    const b = c.req.query("b")?.trim() || undefined;
    for (const v of [a, b]) {
      if (v !== undefined && !SLUG.test(v)) {
        throw badRequest("Choose the tools from the lists: a tool is named by its catalog slug.", [
          { href: "/compare", label: "Start a new comparison" },
        ]);
      }
    }
    if (a && b) return c.redirect(comparePath(a, b), 303);
    pageShows(c, { lists: ["comparisons"], figures: true });
    readersShareThisPage(c);
    const [tools, featured] = await Promise.all([listToolNames(db), featuredPairs(db)]);
    return sendPage(
      c,
      <CompareIndex
        tools={tools}
        featured={featured}
        selected={{ a, b }}
        canonical={`${config.siteUrl}/compare`}
      />,
    );
  });

  app.get("/compare/:pair", async (c) => {
    const raw = c.req.param("pair");
    // noted before the tools are read: the evidence rendered from them below is kept only if
    // no write touched either tool since
    const readAt = deps.cache.currentGeneration;
    const found = await readToolsWithRefs(deps, candidateSlugs(raw));
    const pair = parsePair(raw, (s) => found.has(s));
    const a = pair && found.get(pair.a);
    const b = pair && found.get(pair.b);
    if (pair && a && b && a !== b) {
      const canonical = comparePath(a.ref.slug, b.ref.slug);
      if (c.req.path !== canonical) return c.redirect(canonical, 301);
      // the split's "counted" share moves with the leaderboard's recompute: a figure like the others
      pageShows(c, {
        tools: [a.ref.slug, b.ref.slug],
        pairs: [pairKey(a.ref.slug, b.ref.slug)],
        figures: true,
      });
      // the split is the same for every reader; their own pick is a personal part, loaded when
      // the page is filled for them (so signed-in readers can be served the stored page)
      const picks = await pickSplit(db, a.ref, b.ref);
      readersShareThisPage(c);
      const evidence = await evidenceOf.get(
        canonical,
        { tools: [a.ref.slug, b.ref.slug] },
        () =>
          renderHtml(
            <CompareEvidence
              a={a.tool}
              b={b.tool}
              split={reviewerSplit(a.tool, b.tool)}
              pricing={pricingRead(a.tool, b.tool)}
            />,
          ),
        { since: readAt },
      );
      return sendPage(
        c,
        <ComparePage
          a={a.tool}
          b={b.tool}
          evidence={trustedHtml(evidence)}
          canonical={`${config.siteUrl}${canonical}`}
          path={canonical}
          picks={picks}
          loadPick={(user) => readerPick(db, user?.id, a.ref, b.ref)}
        />,
      );
    }
    // something is wrong with the address: suggest where to go instead
    const names = await listToolNames(db);
    if (!pair) {
      throw notFound("A comparison address names two tools, like /compare/tool-a-vs-tool-b.", [
        ...closest(raw, names, 5).map((t) => ({ href: `/tools/${t.slug}`, label: t.name })),
        { href: "/compare", label: "Pick two tools to compare" },
      ]);
    }
    if (pair.a === pair.b) {
      const tool = names.find((n) => n.slug === pair.a);
      const peers = names.filter((n) => n.category === tool?.category && n.slug !== pair.a).slice(0, 5);
      throw notFound(
        `A tool cannot be compared with itself. Compare ${tool?.name ?? pair.a} with another tool instead.`,
        [
          ...peers.map((p) => ({
            href: comparePath(pair.a, p.slug),
            label: `${tool?.name ?? pair.a} vs ${p.name}`,
          })),
          { href: "/compare", label: "Pick two tools to compare" },
        ],
      );
    }
    const unknown = [pair.a, pair.b].filter((s) => !found.has(s));
    const suggestions = unknown.flatMap((u) => closest(u, names, 3));
    throw notFound(
      `${unknown.map((u) => `“${u.slice(0, 100)}”`).join(" and ")} ${unknown.length === 1 ? "is" : "are"} not in the catalog. Did you mean one of these?`,
      [
        ...suggestions.map((t) => ({ href: `/tools/${t.slug}`, label: t.name })),
        { href: "/compare", label: "Pick two tools to compare" },
      ],
    );
  });

  return app;
}
