/**
 * A board as it is stored (JSON in leaderboard_boards and leaderboard_snapshots) and as pages,
 * the CSV and the API read it: plain data named by slugs, read back through its zod schema.
 */
import { z } from "zod";

const entrySchema = z.object({
  slug: z.string(),
  name: z.string(),
  rating: z.number(),
  lower: z.number(),
  upper: z.number(),
  /** Rank within its group of connected tools; null when provisional. */
  rank: z.number().nullable(),
  tied: z.boolean(),
  provisional: z.boolean(),
  /** What a provisional tool still needs (zeros otherwise). */
  needs: z.object({ picks: z.number(), opponents: z.number() }),
  picks: z.number(),
  wins: z.number(),
  opponents: z.number(),
  winRate: z.number().nullable(),
  /** Index into the board's groups; null for a tool without counted picks. */
  component: z.number().nullable(),
});

const pairSchema = z.object({
  /** The pair's tools in slug order, so each pair is listed once. */
  a: z.string(),
  b: z.string(),
  /** Counted picks for a over b, and for b over a. */
  aWins: z.number(),
  bWins: z.number(),
});

export const storedBoardSchema = z.object({
  /** "overall" or a category's slug. */
  scope: z.string(),
  title: z.string(),
  computedAt: z.string(),
  counted: z.number(),
  /** Discounted picks by reason (every reason listed, zero or not). */
  discounted: z.record(z.string(), z.number()),
  /** Ranked tools of the largest group, best first. */
  entries: z.array(entrySchema),
  /** Ranked tools of other groups, never compared with the first: ranked within their own group. */
  separate: z.array(entrySchema),
  provisional: z.array(entrySchema),
  components: z.array(z.object({ index: z.number(), slugs: z.array(z.string()), picks: z.number() })),
  connected: z.boolean(),
  pairs: z.array(pairSchema),
  /** Tools the board covers, with or without picks. */
  tools: z.array(z.object({ slug: z.string(), name: z.string() })),
});

/** One tool's line on a board. */
export type BoardEntryData = z.infer<typeof entrySchema>;
/** Counted picks on one pair, each way. */
export type PairData = z.infer<typeof pairSchema>;
/** A whole stored board. */
export type StoredBoard = z.infer<typeof storedBoardSchema>;

/** The key of the board across every category. */
export const OVERALL = "overall";
