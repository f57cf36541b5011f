/**
 * Every number of the leaderboard method, named once. docs/decisions/014-leaderboard-method.md
 * says why each has its value; /methodology shows them.
 */

/** The rating of an average tool: ratings are centred to this mean within each component. */
export const RATING_BASE = 1000;
/** Points per tenfold odds: a tool rated RATING_SCALE above another is picked 10 to 1. */
export const RATING_SCALE = 400;
/** Ridge penalty λ on the natural-log strengths (a normal prior with sd 1/√λ ≈ 3.2). */
export const RIDGE = 0.1;
/** Bootstrap rounds for the 95% intervals. */
export const BOOTSTRAP_ROUNDS = 200;
/** Seed of the bootstrap's generator: the same picks always give the same intervals. */
export const BOOTSTRAP_SEED = 20261207;
/** Coverage of the intervals. */
export const INTERVAL_LEVEL = 0.95;

/** A tool is provisional until it has this many counted picks… */
export const MIN_PICKS = 40;
/** …against at least this many distinct opponents (or every other tool of a smaller board). */
export const MIN_OPPONENTS = 3;

/** Counted picks per account per UTC day; later picks that day are discounted. */
export const ACCOUNT_DAILY_CAP = 30;
/** Counted picks per network (IPv4 /24 or IPv6 /64) per UTC day. */
export const NETWORK_DAILY_CAP = 120;
/** An account's picks count only once the account is this old at recompute time. */
export const WAITING_PERIOD_HOURS = 24;

/**
 * False-flag bound per account and test: an honest account (picking as the model says) reaches
 * the threshold ln(1/α) with probability at most α, whatever its number of picks (Ville).
 */
export const OUTLIER_ALPHA = 0.001;
/** Model probabilities are clamped to [c, 1 − c] in the against-consensus test, so one upset weighs at most ln 19. */
export const OUTLIER_CLAMP = 0.05;
/** The lift test's alternative: the account picks as if the tool were this many times stronger (and its betters weaker). */
export const LIFT_ODDS = 9;
/** Fit, flag, refit without the flagged: at most this many passes. */
export const OUTLIER_PASSES = 3;
