/** The closed sets the leaderboard's tables hold (src/db/schema.ts types its columns with them). */
import type { DiscountReason } from "./leaderboard/index.ts";

/** A moderator's decision on a flagged account: none yet, its picks count, or they stay discounted. */
export const FLAG_STATUSES = ["open", "cleared", "confirmed"] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

/** What the last recompute made of a pick: counted, or the reason it was not. */
export type PickOutcome = "counted" | DiscountReason;
