/**
 * Recording a pick made by a request, the one way both the comparison page's form and the
 * JSON API's token writes take: the client's network is hashed for the leaderboard's
 * per-network daily cap, and the hook tells the leaderboard to schedule its recompute.
 */
import type { Context } from "hono";
import {
  ACCOUNT_DAILY_CAP,
  NETWORK_DAILY_CAP,
  WAITING_PERIOD_HOURS,
} from "../../domain/leaderboard/index.ts";
import { clientAddress, pickNetwork } from "../../http/client-address.ts";
import type { Deps } from "../../http/deps.ts";
import { type PageScope, pairKey } from "../../http/page-cache.ts";
import { changed } from "../../http/write.ts";
import { formatUtcMinute } from "../../ui/labels.ts";
import type { ToolRef } from "../tools/index.ts";
import { networkKey, type PickStanding, setPick } from "./service.ts";

export interface CommunityHooks {
  /** Runs after a pick is set or withdrawn (the leaderboard schedules its recompute); must not throw. */
  onPick?: () => void;
}

/** Sets (a winner) or withdraws (null) the account's pick on a pair from a request, with its network, then runs the hook. */
export async function recordPick(
  deps: Deps,
  c: Context,
  pick: { userId: number; a: ToolRef; b: ToolRef; winner: ToolRef | null },
  hooks: CommunityHooks = {},
): Promise<void> {
  const network = await networkKey(deps.db, pickNetwork(clientAddress(c, deps.config.trustProxy)));
  await setPick(deps.db, { ...pick, network });
  deps.metrics.picks.inc();
  changed(c, pickScope(pick.a.slug, pick.b.slug));
  hooks.onPick?.();
}

/** What a vote on a tool makes stale: the tool's own pages at once, and figures on lists soon. */
export function voteScope(slug: string): PageScope {
  return { tools: [slug], figures: true };
}

/** What a pick makes stale: the pair's split at once, and figures on lists (popular pairs) soon. */
export function pickScope(a: string, b: string): PageScope {
  return { pairs: [pairKey(a, b)], figures: true };
}

/** What a pick's declaration allows for before the handler knows the pair (recordPick narrows it). */
export const ANY_PICK: PageScope = { pairs: "all", figures: true };

/** Why a saved pick does not count on the leaderboard yet and when it will, in one plain sentence. */
export function pickStandingNotice(standing: PickStanding): string | null {
  const { reason, from } = standing;
  if (reason === null) return null;
  const when = from ? `${formatUtcMinute(from)} UTC` : "the next UTC day";
  if (reason === "waiting-period") {
    return `The pick is saved but does not count yet: new accounts wait ${WAITING_PERIOD_HOURS} hours before their picks count. It will count from ${when} without anything more to do.`;
  }
  if (reason === "account-daily-cap") {
    return `The pick is saved but does not count: each account has ${ACCOUNT_DAILY_CAP} counted picks per UTC day, and today's are used. Pick on this pair again after ${when} for it to count.`;
  }
  return `The pick is saved but does not count: each network has ${NETWORK_DAILY_CAP} counted picks per UTC day, and today's are used. Pick on this pair again after ${when} for it to count.`;
}
