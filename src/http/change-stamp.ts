/**
 * A change stamp in the database, so operator commands (another process) can tell running
 * servers that public pages changed without Redis. The command moves the one-row
 * `site_changes.generation` on after its write has committed, with the write's scope kept in
 * `site_change_scopes`; each server reads the stamp every few seconds and, when it moved, drops
 * the pages (and memos) those scopes touch, or everything when a scope is missing.
 *
 * A server drops locally (PageCache.invalidateLocal), never through invalidate(): every instance
 * polls for itself, and invalidate() would also publish on the Redis bus, turning one change
 * into a message per instance.
 *
 * Writes made on the site move the stamp too (shareChangesThroughStamp), besides publishing on
 * Redis: while Redis is unreachable the stamp is what tells other instances, so their pages are
 * stale for at most one poll. See docs/decisions/013-change-stamp-for-every-write.md.
 */
import { sql } from "kysely";
import { iso } from "../db/time.ts";
import type { Db } from "../db/types.ts";
import { EVERY_PAGE, type PageCache, type PageScope } from "./page-cache.ts";

/** How often a server reads the stamp: stale pages after an import last at most this long. */
export const CHANGE_POLL_MS = 3000;

/**
 * How many moves' scopes are kept: an instance whose last read is further behind than this
 * clears every page instead of only those the missed writes touched.
 */
const KEPT_SCOPES = 1000;

/**
 * Moves the stamp on; call after a committed write that changes what public pages show, with
 * the scope it changed (every page when not said). Recreates the row if it has gone missing.
 * Throws on a database error.
 */
export async function bumpChangeStamp(
  db: Db,
  now: number = Date.now(),
  scope: PageScope = EVERY_PAGE,
): Promise<void> {
  await moveStamp(db, now, scope);
}

/**
 * bumpChangeStamp, resolving with the new generation. The move and its scope are written in
 * one transaction (the caller's, when it is in one), so a reader never sees a generation
 * without its scope; on PostgreSQL the stamp's row lock orders concurrent moves.
 */
async function moveStamp(db: Db, now: number, scope: PageScope): Promise<number> {
  if (!db.isTransaction) return db.transaction().execute((trx) => moveStamp(trx, now, scope));
  const row = await db
    .insertInto("site_changes")
    .values({ id: 1, generation: 1, changed_at: iso(now) })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({
        generation: sql<number>`site_changes.generation + 1`,
        changed_at: iso(now),
      }),
    )
    .returning("generation")
    .executeTakeFirstOrThrow();
  const generation = Number(row.generation);
  await db
    .insertInto("site_change_scopes")
    .values({ generation, scope: JSON.stringify(scope), changed_at: iso(now) })
    .onConflict((oc) =>
      oc.column("generation").doUpdateSet({ scope: JSON.stringify(scope), changed_at: iso(now) }),
    )
    .execute();
  await db
    .deleteFrom("site_change_scopes")
    .where("generation", "<=", generation - KEPT_SCOPES)
    .execute();
  return generation;
}

/**
 * The scopes of the moves after `after` up to `upTo`, in order; undefined when any is missing
 * (pruned, or written before scopes were kept), so the caller clears everything to be safe.
 */
export async function readChangeScopes(
  db: Db,
  after: number,
  upTo: number,
): Promise<PageScope[] | undefined> {
  if (upTo - after > KEPT_SCOPES) return undefined;
  const rows = await db
    .selectFrom("site_change_scopes")
    .select(["generation", "scope"])
    .where("generation", ">", after)
    .where("generation", "<=", upTo)
    .orderBy("generation")
    .execute();
  if (rows.length !== upTo - after) return undefined;
  try {
    return rows.map((r) => JSON.parse(r.scope) as PageScope);
  } catch {
    return undefined;
  }
}

/** The stamp's current generation; 0 when the row is missing. */
export async function readChangeStamp(db: Db): Promise<number> {
  const row = await db.selectFrom("site_changes").select("generation").where("id", "=", 1).executeTakeFirst();
  return row ? Number(row.generation) : 0;
}

/** A running watcher. */
export interface ChangeWatcher {
  /** Resolves once the first read has been attempted: changes after this are noticed. */
  readonly ready: Promise<void>;
  /** Stops polling; resolves when a read under way has finished, so the database may close. */
  stop(): Promise<void>;
}

/**
 * Reads the stamp every `intervalMs` and calls `onChange` when it differs from the last value
 * seen. The first read only sets that value, unless reads failed before it: then a change may
 * have been missed, so it calls `onChange` to be safe. Never throws: a failing read is logged
 * once until reads work again, and polling goes on. The timer never keeps the process alive.
 */
export function watchChangeStamp(opts: {
  db: Db;
  /** Gets the generation read, and the one seen before it (none after failed first reads). */
  onChange: (generation: number, previous: number | undefined) => void | Promise<void>;
  intervalMs?: number;
  log?: (line: string) => void;
}): ChangeWatcher {
  const intervalMs = opts.intervalMs ?? CHANGE_POLL_MS;
  const log = opts.log ?? ((line: string) => console.warn(line));
  let last: number | undefined;
  let failing = false;
  let missedSome = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> = Promise.resolve();

  const poll = async () => {
    let generation: number;
    try {
      generation = await readChangeStamp(opts.db);
    } catch (err) {
      if (stopped) return;
      missedSome = true;
      if (!failing) {
        failing = true;
        log(
          `Page cache: reading the change stamp failed (${(err as Error).message}); changes made by operator commands may not show until it works again.`,
        );
      }
      return;
    }
    if (stopped) return;
    if (failing) log("Page cache: the change stamp can be read again.");
    failing = false;
    const changed = last === undefined ? missedSome : generation !== last;
    const previous = last;
    last = generation;
    missedSome = false;
    if (!changed) return;
    try {
      await opts.onChange(generation, previous);
    } catch (err) {
      log(`Page cache: reacting to a change stamp failed: ${(err as Error).message}`);
    }
  };

  // a timeout per round rather than an interval, so a slow read never overlaps the next
  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      reading = poll().finally(next);
    }, intervalMs);
    timer.unref();
  };

  reading = poll().finally(next);
  return {
    ready: reading,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await reading;
    },
  };
}

/**
 * Ties a server's page cache to the stamp both ways: every invalidate() also moves the stamp,
 * and a move by anyone else (another instance, an operator command) clears this cache. A move
 * made only by this instance's own writes is recognised by its generations and ignored, since
 * invalidate() cleared the cache already. Never throws; a failing move is logged once until
 * moves work again. stop() unhooks the cache and ends polling.
 */
export function shareChangesThroughStamp(opts: {
  db: Db;
  cache: PageCache;
  intervalMs?: number;
  log?: (line: string) => void;
}): ChangeWatcher {
  const { db, cache } = opts;
  const log = opts.log ?? ((line: string) => console.warn(line));
  const ours = new Set<number>();
  let moveFailing = false;
  const before = cache.onInvalidate;
  const onInvalidate = (scope: PageScope) => {
    before?.(scope);
    moveStamp(db, Date.now(), scope).then(
      (generation) => {
        ours.add(generation);
        moveFailing = false;
      },
      (err: Error) => {
        if (moveFailing) return;
        moveFailing = true;
        log(
          `Page cache: moving the change stamp failed (${err.message}); other instances rely on Redis alone.`,
        );
      },
    );
  };
  cache.onInvalidate = onInvalidate;

  const watcher = watchChangeStamp({
    db,
    intervalMs: opts.intervalMs,
    log,
    onChange: async (generation, previous) => {
      const mine = new Set([...ours].filter((g) => g <= generation));
      for (const g of mine) ours.delete(g);
      if (previous === undefined || generation < previous) {
        cache.clearLocal();
        return;
      }
      const scopes = await readChangeScopes(db, previous, generation).catch(() => undefined);
      if (!scopes) {
        cache.clearLocal();
        return;
      }
      // this instance dropped the pages of its own moves when it made them
      scopes.forEach((scope, i) => {
        if (!mine.has(previous + 1 + i)) cache.invalidateLocal(scope);
      });
    },
  });
  return {
    ready: watcher.ready,
    async stop() {
      if (cache.onInvalidate === onInvalidate) cache.onInvalidate = before;
      await watcher.stop();
    },
  };
}
