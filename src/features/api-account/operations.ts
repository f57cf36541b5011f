/**
 * The API's operations for the account behind a personal API token: who it is (`/me`), its
 * votes, picks and bookmarks, and the writes that change them. Each write is declared with
 * its permission, token scope, rate rule and invalidation, which `write()` applies (see
 * docs/decisions/012-declared-writes.md), and changes state only through the community and
 * bookmarks features' services, exactly as the forms do.
 */
import type { Context } from "hono";
import { z } from "zod";
import { TOKEN_SCOPE_WORDS } from "../../domain/api-token.ts";
import { VOTE_VALUES } from "../../domain/community.ts";
import type { DiscountReason } from "../../domain/leaderboard/index.ts";
import { can, PERMISSIONS } from "../../domain/permissions.ts";
import { tokenAccount } from "../../http/api-auth.ts";
import type { Deps } from "../../http/deps.ts";
import { invalidParameters, unknownSlug } from "../../http/problem.ts";
import { votesPerAccount, WRITES_PER_VIEWER } from "../../http/rate-rules.ts";
import {
  type ApiOperation,
  type ApiTag,
  closestTools,
  communityFigureSchema,
  defineOperation,
} from "../api/index.ts";
import { bookmarkListOf, setBookmark } from "../bookmarks/index.ts";
import {
  ANY_PICK,
  type CommunityHooks,
  pickListOf,
  pickSplit,
  pickStandingNotice,
  readerPick,
  recordPick,
  setVote,
  voteListOf,
  voteScope,
} from "../community/index.ts";
import { findToolRefs, type ToolRef } from "../tools/index.ts";

/** The reference page's group for these operations. */
export const ACCOUNT_TAGS: ApiTag[] = [
  {
    name: "Your account",
    description:
      "What a personal API token's account holds, and the writes that change it: votes, head-to-head picks and bookmarks. Each needs a token (`Authorization: Bearer sos_…`), created on your [account page](/account): a `read` token for the reads, a `write` token for the writes. A session cookie never authorises these.",
  },
];
const TAG = "Your account";

/** The rules a pick is held back by when it is saved (the outlier test runs only at recompute). */
const HELD_BACK = [
  "waiting-period",
  "account-daily-cap",
  "network-daily-cap",
] as const satisfies readonly DiscountReason[];

const slugParam = z
  .string()
  .min(1)
  .max(100)
  .meta({ description: "A tool's catalog slug.", example: "cursor" });

const toolRefSchema = z
  .strictObject({ slug: z.string(), name: z.string() })
  .meta({ id: "ToolRef", description: "A tool, by slug and name." });

const isoInstant = z
  .string()
  .meta({ description: "An ISO-8601 instant in UTC.", example: "2026-12-07T19:00:00.000Z" });

const meSchema = z
  .strictObject({
    email: z.string().meta({ description: "The account's address: shown only to its own tokens." }),
    role: z.string().meta({ description: "reader, panelist or admin.", example: "reader" }),
    permissions: z.array(z.enum(PERMISSIONS)).meta({ description: "The named permissions the role grants." }),
    token: z.strictObject({
      scope: z.enum(["read", "write"]),
      allows: z.string().meta({ description: "What the token's scope allows, in words." }),
    }),
  })
  .meta({ id: "Me", description: "The account a token acts for." });

const voteResultSchema = z
  .strictObject({
    tool: toolRefSchema,
    vote: z
      .enum(VOTE_VALUES)
      .nullable()
      .meta({ description: "The account's vote now; null once withdrawn." }),
    community: communityFigureSchema,
  })
  .meta({
    id: "VoteResult",
    description: "The account's vote on a tool and the tool's community figure after it.",
  });

const pickResultSchema = z
  .strictObject({
    tools: z.array(toolRefSchema).length(2).meta({ description: "The pair, slugs in alphabetical order." }),
    pick: z.string().nullable().meta({ description: "The slug the account picked; null once withdrawn." }),
    picks: z
      .array(z.strictObject({ slug: z.string(), picks: z.int() }))
      .meta({ description: "Every reader's picks for each tool of the pair, in the order of `tools`." }),
    total: z.int().meta({ description: "Picks on the pair in all." }),
    counts: z.boolean().nullable().meta({
      description:
        "Whether the pick counts on the head-to-head leaderboard under the daily caps and the new-account waiting period, judged as the next recompute will (the outlier test runs then too); null once withdrawn.",
    }),
    notice: z
      .union([
        z.strictObject({
          reason: z.enum(HELD_BACK).meta({ description: "The rule that holds the pick back." }),
          from: isoInstant.nullable().meta({
            description:
              "When a waiting pick starts to count, or when a capped pick may be made again to count.",
          }),
          message: z.string().meta({ description: "The same, in words." }),
        }),
        z.null(),
      ])
      .meta({ description: "Why the saved pick does not count yet, and when it will; null when it counts." }),
  })
  .meta({ id: "PickResult", description: "The account's pick on a pair and how all picks on it split." });

const bookmarkResultSchema = z
  .strictObject({ tool: toolRefSchema, bookmarked: z.boolean() })
  .meta({ id: "BookmarkResult", description: "Whether the tool is now in the account's bookmarks." });

const myVotesSchema = z
  .strictObject({
    votes: z.array(
      z.strictObject({ tool: toolRefSchema, value: z.enum(VOTE_VALUES), updatedAt: isoInstant }),
    ),
  })
  .meta({ id: "MyVotes", description: "The account's votes, most recently changed first." });

const myPicksSchema = z
  .strictObject({
    picks: z.array(
      z.strictObject({
        tools: z.array(toolRefSchema).length(2),
        pick: z.string().meta({ description: "The slug picked." }),
        updatedAt: isoInstant,
      }),
    ),
  })
  .meta({ id: "MyPicks", description: "The account's head-to-head picks, most recently changed first." });

const myBookmarksSchema = z
  .strictObject({
    bookmarks: z.array(z.strictObject({ tool: toolRefSchema, bookmarkedAt: isoInstant })),
  })
  .meta({ id: "MyBookmarks", description: "The account's bookmarks, newest first." });

const ref = (t: { slug: string; name: string }) => ({ slug: t.slug, name: t.name });

/** The account's operations, bound to the app's dependencies. */
export function accountOperations(deps: Deps, hooks: CommunityHooks = {}): ApiOperation[] {
  const { db, config } = deps;

  /** The tools named by slugs, in order, or a 404 naming the unknown ones with the closest slugs. */
  async function toolsOr404(slugs: string[]): Promise<ToolRef[]> {
    const found = await findToolRefs(db, slugs);
    const unknown = slugs.filter((s) => !found.some((t) => t.slug === s));
    if (unknown.length > 0) {
      const { suggestions } = await closestTools(db, unknown);
      const named = unknown.map((u) => `"${u.slice(0, 100)}"`).join(" and ");
      throw unknownSlug(
        `${named} ${unknown.length === 1 ? "is" : "are"} not in the catalog. See "suggestions" for the closest slugs.`,
        suggestions,
      );
    }
    return slugs.map((s) => found.find((t) => t.slug === s) as ToolRef);
  }

  const voteOn = async (c: Context, slug: string, value: (typeof VOTE_VALUES)[number] | null) => {
    const [tool] = await toolsOr404([slug]);
    if (!tool) throw new Error("unreachable");
    const community = await setVote(db, { userId: tokenAccount(c).id, toolId: tool.id, value });
    deps.metrics.votes.inc();
    return { tool: ref(tool), vote: value, community };
  };

  /** The pair named in a pick's path, in alphabetical order, or a 400 / 404. */
  const pairOf = async (a: string, b: string) => {
    if (a === b) {
      throw invalidParameters([{ name: "b", in: "path", detail: "Name two different tools." }]);
    }
    const [first, second] = (await toolsOr404([a, b])).sort((x, y) => (x.slug < y.slug ? -1 : 1)) as [
      ToolRef,
      ToolRef,
    ];
    return [first, second] as const;
  };
  const pickOn = async (c: Context, a: string, b: string, winnerSlug: string | null) => {
    const [first, second] = await pairOf(a, b);
    const winner = winnerSlug === null ? null : [first, second].find((t) => t.slug === winnerSlug);
    if (winner === undefined) {
      throw invalidParameters([
        { name: "winner", in: "body", detail: `Pick one of the pair: "${first.slug}" or "${second.slug}".` },
      ]);
    }
    const userId = tokenAccount(c).id;
    // the same path as the comparison page's form: the network for the per-network cap, then the recompute
    await recordPick(deps, c, { userId, a: first, b: second, winner }, hooks);
    const [split, { mine, standing }] = await Promise.all([
      pickSplit(db, first, second),
      readerPick(db, userId, first, second),
    ]);
    const message = standing ? pickStandingNotice(standing) : null;
    return {
      tools: [ref(first), ref(second)],
      pick: mine,
      picks: [first, second].map((t) => ({ slug: t.slug, picks: split.counts[t.slug] ?? 0 })),
      total: split.total,
      counts: standing ? standing.reason === null : null,
      notice: standing?.reason && message ? { reason: standing.reason, from: standing.from, message } : null,
    };
  };
  const bookmark = async (c: Context, slug: string, on: boolean) => {
    const [tool] = await toolsOr404([slug]);
    if (!tool) throw new Error("unreachable");
    await setBookmark(db, { userId: tokenAccount(c).id, toolId: tool.id, on });
    return { tool: ref(tool), bookmarked: on };
  };

  const voteInvalidates = (c: Context) => voteScope(c.req.param("slug") ?? "");
  const votes = votesPerAccount(config.voteRateLimit);
  const pairParams = z.strictObject({
    a: slugParam.meta({ description: "One tool of the pair.", example: "cursor" }),
    b: slugParam.meta({ description: "The other; the order does not matter.", example: "github-copilot" }),
  });

  return [
    defineOperation({
      operationId: "getMe",
      method: "get",
      path: "/me",
      tag: TAG,
      summary: "The token's account",
      description:
        "The account a token acts for: its address (shown to its own tokens only), role, the permissions the role grants, and the token's scope.",
      response: meSchema,
      responseDescription: "The account.",
      auth: "token",
      scope: "read",
      example: { path: "/me" },
      handle: (c, { principal }) => {
        const account = tokenAccount(c);
        const scope = principal?.scope ?? "read";
        return {
          email: account.email,
          role: account.role,
          permissions: PERMISSIONS.filter((p) => can(account.role, p)),
          token: { scope, allows: TOKEN_SCOPE_WORDS[scope] },
        };
      },
    }),
    defineOperation({
      operationId: "listMyVotes",
      method: "get",
      path: "/me/votes",
      tag: TAG,
      summary: "The account's votes",
      description: "Every ship or skip vote the account holds, most recently changed first.",
      response: myVotesSchema,
      responseDescription: "The votes.",
      auth: "token",
      scope: "read",
      example: { path: "/me/votes" },
      handle: async (c) => ({
        votes: (await voteListOf(db, tokenAccount(c).id)).map((v) => ({
          tool: ref(v),
          value: v.value,
          updatedAt: v.updatedAt,
        })),
      }),
    }),
    defineOperation({
      operationId: "listMyPicks",
      method: "get",
      path: "/me/picks",
      tag: TAG,
      summary: "The account's head-to-head picks",
      description: "Every pair the account picked a winner on, most recently changed first.",
      response: myPicksSchema,
      responseDescription: "The picks.",
      auth: "token",
      scope: "read",
      example: { path: "/me/picks" },
      handle: async (c) => ({
        picks: (await pickListOf(db, tokenAccount(c).id)).map((p) => ({
          tools: p.tools.map(ref),
          pick: p.winner,
          updatedAt: p.updatedAt,
        })),
      }),
    }),
    defineOperation({
      operationId: "listMyBookmarks",
      method: "get",
      path: "/me/bookmarks",
      tag: TAG,
      summary: "The account's bookmarks",
      description: "The tools the account bookmarked, newest first.",
      response: myBookmarksSchema,
      responseDescription: "The bookmarks.",
      auth: "token",
      scope: "read",
      example: { path: "/me/bookmarks" },
      handle: async (c) => ({
        bookmarks: (await bookmarkListOf(db, tokenAccount(c).id)).map((b) => ({
          tool: ref(b),
          bookmarkedAt: b.bookmarkedAt,
        })),
      }),
    }),
    defineOperation({
      operationId: "castVote",
      method: "put",
      path: "/tools/{slug}/vote",
      tag: TAG,
      summary: "Cast or change a vote",
      description:
        "Votes ship or skip on a tool as the token's account; voting again changes the vote. One vote per account, counted in the tool's community figure at once. The same rate limit as the site's vote buttons applies, per account.",
      params: z.strictObject({ slug: slugParam }),
      body: z
        .strictObject({ value: z.enum(VOTE_VALUES).meta({ description: "ship or skip." }) })
        .meta({ id: "VoteRequest" }),
      response: voteResultSchema,
      responseDescription: "The vote and the tool's community figure after it.",
      auth: "token",
      scope: "write",
      permission: "vote:cast",
      rate: votes,
      invalidates: voteInvalidates,
      example: { path: "/tools/cursor/vote", body: { value: "ship" } },
      handle: (c, { params, body }) => voteOn(c, params.slug, body.value),
    }),
    defineOperation({
      operationId: "withdrawVote",
      method: "delete",
      path: "/tools/{slug}/vote",
      tag: TAG,
      summary: "Withdraw a vote",
      description:
        "Withdraws the account's vote on a tool, if it has one; withdrawing twice changes nothing.",
      params: z.strictObject({ slug: slugParam }),
      response: voteResultSchema,
      responseDescription: "No vote, and the tool's community figure after it.",
      auth: "token",
      scope: "write",
      permission: "vote:cast",
      rate: votes,
      invalidates: voteInvalidates,
      example: { path: "/tools/cursor/vote" },
      handle: (c, { params }) => voteOn(c, params.slug, null),
    }),
    defineOperation({
      operationId: "setPick",
      method: "put",
      path: "/picks/{a}/{b}",
      tag: TAG,
      summary: "Pick the winner of a pair",
      description:
        "Picks which of two tools the account would ship with (the head-to-head on their comparison page); picking again changes it. The pair is the same in either order.",
      params: pairParams,
      body: z
        .strictObject({ winner: slugParam.meta({ description: "The slug of one of the pair." }) })
        .meta({ id: "PickRequest" }),
      response: pickResultSchema,
      responseDescription: "The pick and how all picks on the pair split.",
      auth: "token",
      scope: "write",
      permission: "pick:cast",
      rate: WRITES_PER_VIEWER,
      invalidates: ANY_PICK,
      example: { path: "/picks/cursor/github-copilot", body: { winner: "cursor" } },
      handle: (c, { params, body }) => pickOn(c, params.a, params.b, body.winner),
    }),
    defineOperation({
      operationId: "withdrawPick",
      method: "delete",
      path: "/picks/{a}/{b}",
      tag: TAG,
      summary: "Withdraw a pick",
      description: "Withdraws the account's pick on a pair, if it has one.",
      params: pairParams,
      response: pickResultSchema,
      responseDescription: "No pick, and how the remaining picks on the pair split.",
      auth: "token",
      scope: "write",
      permission: "pick:cast",
      rate: WRITES_PER_VIEWER,
      invalidates: ANY_PICK,
      example: { path: "/picks/cursor/github-copilot" },
      handle: (c, { params }) => pickOn(c, params.a, params.b, null),
    }),
    defineOperation({
      operationId: "addBookmark",
      method: "put",
      path: "/bookmarks/{slug}",
      tag: TAG,
      summary: "Bookmark a tool",
      description: "Adds a tool to the account's bookmarks; adding it again changes nothing.",
      params: z.strictObject({ slug: slugParam }),
      response: bookmarkResultSchema,
      responseDescription: "The tool, bookmarked.",
      auth: "token",
      scope: "write",
      permission: "bookmark:edit",
      rate: WRITES_PER_VIEWER,
      // anonymous pages never show bookmarks, so no cached page goes stale
      invalidates: "nothing",
      example: { path: "/bookmarks/cursor" },
      handle: (c, { params }) => bookmark(c, params.slug, true),
    }),
    defineOperation({
      operationId: "removeBookmark",
      method: "delete",
      path: "/bookmarks/{slug}",
      tag: TAG,
      summary: "Remove a bookmark",
      description: "Removes a tool from the account's bookmarks, if it is there.",
      params: z.strictObject({ slug: slugParam }),
      response: bookmarkResultSchema,
      responseDescription: "The tool, no longer bookmarked.",
      auth: "token",
      scope: "write",
      permission: "bookmark:edit",
      rate: WRITES_PER_VIEWER,
      invalidates: "nothing",
      example: { path: "/bookmarks/cursor" },
      handle: (c, { params }) => bookmark(c, params.slug, false),
    }),
  ];
}
