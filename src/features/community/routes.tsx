/** Community votes on tools and head-to-head picks on comparisons. */
import { type Context, Hono } from "hono";
import { VOTE_VALUES, type VoteValue } from "../../domain/community.ts";
import { candidateSlugs, comparePath, parsePair } from "../../domain/compare-path.ts";
import type { Deps } from "../../http/deps.ts";
import { badRequest, HttpError, notFound } from "../../http/errors.ts";
import { isEnhanced, readFields } from "../../http/form.ts";
import { sendFragment } from "../../http/page.tsx";
import { votesPerAccount, WRITES_PER_VIEWER } from "../../http/rate-rules.ts";
import { safeReturnPath } from "../../http/return-path.ts";
import { signedInUser } from "../../http/viewer.ts";
import { write } from "../../http/write.ts";
import { CommunityFigure, VoteControl } from "../../ui/tool-controls.tsx";
import { findToolRefs } from "../tools/index.ts";
import { ANY_PICK, type CommunityHooks, recordPick, voteScope } from "./record.ts";
import { pickSplit, readerPick, setVote } from "./service.ts";
import { HeadToHead } from "./views.tsx";

/** Signed-out readers are sent to sign in, and come back to the page they were on. */
function signInFirst(reason: "vote" | "pick", fallback: (c: Context) => string) {
  return async (c: Context): Promise<Response> => {
    const fields = await readFields(c);
    const returnTo = safeReturnPath(fields.return_to, fallback(c));
    const to = `/sign-in?next=${encodeURIComponent(returnTo)}&reason=${reason}`;
    if (isEnhanced(c)) {
      throw new HttpError(
        401,
        "Please sign in",
        `Sign in to ${reason === "vote" ? "vote" : "pick a winner"}.`,
        [{ href: to, label: "Sign in" }],
      );
    }
    return c.redirect(to, 303);
  };
}

/** The community routes. */
export function communityRoutes(deps: Deps, hooks: CommunityHooks = {}) {
  const app = new Hono();
  const { db, config } = deps;

  const voting = write(deps, {
    permission: "vote:cast",
    signedOut: signInFirst("vote", (c) => `/tools/${c.req.param("slug")}`),
    rate: votesPerAccount(config.voteRateLimit),
    invalidates: (c) => voteScope(c.req.param("slug") ?? ""),
  });
  const picking = write(deps, {
    permission: "pick:cast",
    signedOut: signInFirst("pick", (c) => `/compare/${c.req.param("pair")}`),
    rate: WRITES_PER_VIEWER,
    // recordPick narrows this to the pair picked on
    invalidates: ANY_PICK,
  });

  app.on(["POST", "PUT", "DELETE"], "/tools/:slug/vote", voting, async (c) => {
    const slug = c.req.param("slug");
    const fields = await readFields(c);
    const returnTo = safeReturnPath(fields.return_to, `/tools/${slug}`);
    const [tool] = await findToolRefs(db, [slug]);
    if (!tool) throw notFound(`There is no tool called “${slug.slice(0, 100)}” to vote on.`);
    const raw = c.req.method === "DELETE" ? "none" : (fields.value ?? "");
    if (raw !== "none" && !(VOTE_VALUES as readonly string[]).includes(raw)) {
      throw badRequest("A vote is “ship” or “skip” (or “none” to withdraw it).", [
        { href: `/tools/${slug}`, label: `Back to ${tool.name}` },
      ]);
    }
    const value = raw === "none" ? null : (raw as VoteValue);
    const community = await setVote(db, { userId: signedInUser(c).id, toolId: tool.id, value });
    deps.metrics.votes.inc();
    if (!isEnhanced(c)) return c.redirect(returnTo, 303);
    return sendFragment(
      c,
      <>
        <VoteControl slug={tool.slug} name={tool.name} />
        <CommunityFigure slug={tool.slug} community={community} />
      </>,
    );
  });

  app.on(["POST", "PUT", "DELETE"], "/compare/:pair/pick", picking, async (c) => {
    const raw = c.req.param("pair");
    const fields = await readFields(c);
    const found = await findToolRefs(db, candidateSlugs(raw));
    const pair = parsePair(raw, (s) => found.some((t) => t.slug === s));
    const a = pair && found.find((t) => t.slug === pair.a);
    const b = pair && found.find((t) => t.slug === pair.b);
    if (!a || !b || a === b) throw notFound("There is no such comparison to pick a winner on.");
    const path = comparePath(a.slug, b.slug);
    const returnTo = safeReturnPath(fields.return_to, path);
    const choice = c.req.method === "DELETE" ? "none" : (fields.winner ?? "");
    const winner = choice === "none" ? null : [a, b].find((t) => t.slug === choice);
    if (winner === undefined) {
      throw badRequest(`Pick one of the two tools: “${a.slug}” or “${b.slug}” (or “none” to withdraw).`, [
        { href: path, label: `Back to ${a.name} vs ${b.name}` },
      ]);
    }
    const user = signedInUser(c);
    await recordPick(deps, c, { userId: user.id, a, b, winner }, hooks);
    if (!isEnhanced(c)) return c.redirect(returnTo, 303);
    const [first, second] = a.slug < b.slug ? [a, b] : [b, a];
    const [split, { mine, standing }] = await Promise.all([
      pickSplit(db, first, second),
      readerPick(db, user.id, first, second),
    ]);
    return sendFragment(
      c,
      <HeadToHead a={first} b={second} path={path} split={split} mine={mine} standing={standing} />,
    );
  });

  return app;
}
