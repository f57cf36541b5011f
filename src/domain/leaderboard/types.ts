/**
 * The shapes of the head-to-head leaderboard: what the caller supplies (tools, picks, accounts,
 * moderator decisions, "now") and what it gets back. Pure data; no behaviour here.
 */

export type ToolId = number;
export type AccountId = number;

/** Wins of one tool over another: the only thing the fit reads. Counts may be fractional. */
export interface WinCount {
  winner: ToolId;
  loser: ToolId;
  count: number;
}

/** How the picks of a pair are weighted in the fit. */
export type Weighting = "none" | "inverse-pair-frequency";

export interface FitOptions {
  /** Ridge penalty on the natural-log strengths; defaults to RIDGE. */
  ridge?: number;
  /** Defaults to "none". */
  weighting?: Weighting;
}

export interface IntervalOptions extends FitOptions {
  /** Bootstrap rounds; defaults to BOOTSTRAP_ROUNDS. */
  rounds?: number;
  /** PRNG seed; defaults to BOOTSTRAP_SEED. */
  seed?: number;
  /** Two-sided coverage; defaults to 0.95. */
  level?: number;
}

/** The maximum-likelihood fit: ratings on the 1000 + 400·log10(odds) scale. */
export interface Fit {
  toolIds: ToolId[];
  /** Rating per tool, centred to a mean of 1000 within each connected component. */
  ratings: Map<ToolId, number>;
  /** Natural-log strengths, centred to mean 0 within each component (the model's θ). */
  strengths: Map<ToolId, number>;
  iterations: number;
  converged: boolean;
}

export interface Interval {
  lower: number;
  upper: number;
}

export interface RankInput {
  toolId: ToolId;
  rating: number;
  lower: number;
  upper: number;
}

export interface Rank {
  /** 1 + the number of tools whose lower bound is above this tool's upper bound. */
  rank: number;
  /** True when another tool shares the rank (shown "=2"). */
  tied: boolean;
}

/** One stored pick, as the caller reads it from `picks` plus the hashed network of its request. */
export interface PickInput {
  userId: AccountId;
  lowToolId: ToolId;
  highToolId: ToolId;
  winnerToolId: ToolId;
  /** ISO instant. */
  createdAt: string;
  /** ISO instant: when the pick got its current winner; the day of this instant is its day. */
  updatedAt: string;
  /** Hash of the IPv4 /24 or IPv6 /64 the pick came from; null for old picks (no network cap). */
  network: string | null;
}

export interface AccountInput {
  id: AccountId;
  /** ISO instant. */
  createdAt: string;
}

/** A moderator's word on an account: "cleared" is never flagged, "confirmed" is always discounted. */
export type ModeratorDecision = "cleared" | "confirmed";

export const DISCOUNT_REASONS = [
  "waiting-period",
  "account-daily-cap",
  "network-daily-cap",
  "flagged-account",
] as const;
export type DiscountReason = (typeof DISCOUNT_REASONS)[number];

/** What became of one pick: counted, or the reason it is not. In input order, the board's picks only. */
export interface PickOutcome {
  userId: AccountId;
  lowToolId: ToolId;
  highToolId: ToolId;
  winnerToolId: ToolId;
  /** YYYY-MM-DD (UTC) of updatedAt. */
  day: string;
  counted: boolean;
  reason: DiscountReason | null;
}

/** Numbers a moderator can read: why an account was flagged. */
export interface FlagEvidence {
  /** The account's picks tested (after caps and waiting period). */
  picks: number;
  /** Picks where the account chose the model's underdog (probability below one half). */
  underdogPicks: number;
  /** How many underdog picks the model expects from an honest account with these pairs. */
  expectedUnderdogPicks: number;
  /** Log-likelihood ratio of "picks against the consensus" over "picks as the model predicts". */
  againstConsensusLlr: number;
  /** The tool whose lift best explains the picks, with its test (null when the account has no relevant picks). */
  lift: {
    toolId: ToolId;
    /** Picks that could move this tool's standing: the tool in the pair, or a pair straddling its rating. */
    relevantPicks: number;
    /** Of those, the picks that helped it (it won, or a tool rated above it lost to one below). */
    helpfulPicks: number;
    /** The helpful picks the model expects. */
    expectedHelpfulPicks: number;
    /** Log-likelihood ratio of "picks as if this tool were LIFT_ODDS times stronger" over the model. */
    llr: number;
  } | null;
}

export type FlagRule = "against-consensus" | "lifts-one-tool" | "moderator-confirmed";

export interface AccountFlag {
  userId: AccountId;
  /** The rules that fired (a confirmed account lists "moderator-confirmed"). */
  rules: FlagRule[];
  evidence: FlagEvidence;
  /** Which pass of fit-flag-refit first flagged it (0 for a moderator confirmation). */
  pass: number;
}

export interface StandingsOptions extends IntervalOptions {
  /** Defaults to MIN_PICKS. */
  minPicks?: number;
  /** Defaults to MIN_OPPONENTS (capped at the board's number of tools minus one). */
  minOpponents?: number;
}

export interface BoardOptions extends StandingsOptions {
  /** Set false to count every pick (no caps, waiting period or outlier test): for comparisons. */
  integrity?: boolean;
  accountDailyCap?: number;
  networkDailyCap?: number;
  waitingPeriodHours?: number;
  outlierPasses?: number;
}

export interface BoardEntry {
  toolId: ToolId;
  rating: number;
  lower: number;
  upper: number;
  /** Rank within its component among non-provisional tools; null when provisional. */
  rank: number | null;
  tied: boolean;
  provisional: boolean;
  /** What a provisional tool still needs (zeros when not provisional). */
  needs: { picks: number; opponents: number };
  /** Counted picks on pairs with this tool. */
  picks: number;
  wins: number;
  /** Distinct opponents among counted picks. */
  opponents: number;
  /** wins ÷ picks; null without picks. */
  winRate: number | null;
  /** Index into `components` (0 is the largest); null for a tool without counted picks. */
  component: number | null;
}

export interface Component {
  index: number;
  toolIds: ToolId[];
  /** Counted picks between its tools. */
  picks: number;
}

/** Ratings, intervals, ranks, components and provisional status from win counts alone. */
export interface Standings {
  /** Non-provisional tools of the largest component, best first. */
  entries: BoardEntry[];
  /** Non-provisional tools of the other components, by component then rating (rank within their component). */
  separate: BoardEntry[];
  /** Provisional tools, by rating. */
  provisional: BoardEntry[];
  components: Component[];
  /** True when all tools with counted picks form one component. */
  connected: boolean;
  fit: Fit;
}

export interface BoardInput {
  tools: readonly ToolId[];
  /**
   * Every pick (pass all of them for a category board too): caps and the waiting period are
   * decided over all of them, then only picks between `tools` are fitted and reported.
   */
  picks: readonly PickInput[];
  accounts: readonly AccountInput[];
  /** Moderator decisions by account. */
  decisions?: ReadonlyMap<AccountId, ModeratorDecision>;
  /**
   * Flags raised elsewhere (a category board passes the overall board's flags): these accounts'
   * picks are discounted as "flagged-account" here too, unless cleared.
   */
  inheritedFlags?: readonly AccountFlag[];
  /** ISO instant of the recompute. */
  now: string;
  options?: BoardOptions;
}

export interface Board extends Standings {
  /** Counted picks. */
  counted: number;
  /** Discounted picks by reason. */
  discounted: Record<DiscountReason, number>;
  flags: AccountFlag[];
  outcomes: PickOutcome[];
  /** The counted picks as win counts: what the fit read. */
  wins: WinCount[];
}
