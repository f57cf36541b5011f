/**
 * When boards are recomputed: a few seconds after the last pick (debounced, never inside a
 * request), at start when stale, and on a slow timer that catches a new UTC day (today's
 * snapshot) and accounts whose waiting period has ended. After a recompute the leaderboard
 * pages (and the tool pages, which show ratings) are dropped from the page cache.
 */
import type { Db } from "../../db/types.ts";
import type { PageCache } from "../../http/page-cache.ts";
import { leaseHolder, nextWaitingEnd, type RecomputeResult, recomputeBoards } from "./recompute.ts";
import { boardsAreStale } from "./store.ts";

/** The wait after a pick before recomputing, so a burst of picks costs one recompute. */
export const DEBOUNCE_MS = 3000;
/** How often to look for a new day or ended waiting periods. */
const CHECK_MS = 10 * 60_000;
/** How long to wait before trying again when another instance holds the lease. */
const BUSY_RETRY_MS = 5000;

export interface LeaderboardJobOptions {
  db: Db;
  cache?: PageCache;
  debounceMs?: number;
  /** Failures are reported here (the recompute retries on the next pick or check). */
  onError?: (err: unknown) => void;
}

/** The recompute schedule of one app instance. */
export class LeaderboardJobs {
  private readonly holder = leaseHolder();
  private timer: NodeJS.Timeout | undefined;
  private checker: NodeJS.Timeout | undefined;
  private running: Promise<RecomputeResult> | undefined;
  /** A pick arrived while a recompute ran: run again once it ends. */
  private again = false;
  private stopped = false;

  constructor(private readonly opts: LeaderboardJobOptions) {}

  /**
   * Asks for a recompute within the debounce; cheap, returns at once, never throws. A recompute
   * already waiting is kept rather than pushed back, so steady picks (one a second, say) still
   * get their boards recomputed every debounce instead of never.
   */
  schedule(delayMs: number = this.opts.debounceMs ?? DEBOUNCE_MS): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runNow().catch(() => {});
    }, delayMs);
    this.timer.unref();
  }

  /**
   * Recomputes now (waiting for a recompute already under way first) and invalidates the
   * pages; for the CLI, tests and the start. "busy" when another instance held the lease.
   */
  async runNow(now?: number): Promise<RecomputeResult> {
    while (this.running) await this.running.catch(() => {});
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.again = false;
    const run = recomputeBoards(this.opts.db, { holder: this.holder, now });
    this.running = run;
    try {
      const result = await run;
      if (result.status === "done") {
        // the boards at once; standings on tool pages and lists with the other figures, soon
        this.opts.cache?.invalidate({ lists: ["leaderboard"], figures: true });
      } else this.schedule(BUSY_RETRY_MS);
      return result;
    } catch (err) {
      this.opts.onError?.(err);
      throw err;
    } finally {
      this.running = undefined;
      if (this.again) this.schedule();
    }
  }

  /** Recomputes if the boards are stale (new picks or decisions, a new day, waiting periods ended). */
  async refreshIfStale(now: number = Date.now()): Promise<RecomputeResult | undefined> {
    const waiting = await nextWaitingEnd(this.opts.db);
    const due =
      (waiting !== undefined && Date.parse(waiting) <= now) || (await boardsAreStale(this.opts.db, now));
    return due ? this.runNow(now) : undefined;
  }

  /** Starts the slow staleness check (and runs it once now); for the server process. */
  start(): void {
    const check = () => {
      void this.refreshIfStale().catch((err) => this.opts.onError?.(err));
    };
    check();
    this.checker = setInterval(check, CHECK_MS);
    this.checker.unref();
  }

  /** Stops the timers and waits for a recompute under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.checker) clearInterval(this.checker);
    await this.running?.catch(() => {});
  }
}
