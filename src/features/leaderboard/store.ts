/**
 * The leaderboard's tables: the recompute lease (one recompute at a time across instances, on
 * either engine, with one conditional update), stored boards and their daily snapshots.
 */
import { readJson } from "../../db/json.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import { type StoredBoard, storedBoardSchema } from "./board-data.ts";

/**
 * Takes the recompute lease for `holder` until `now + ms`, unless another holder's lease is
 * still running. The update is one statement, so two instances cannot both win it.
 */
export async function takeLease(db: Db, holder: string, now: number, ms: number): Promise<boolean> {
  const at = iso(now);
  const result = await db
    .updateTable("leaderboard_state")
    .set({ lease_holder: holder, lease_until: iso(now + ms) })
    .where("id", "=", 1)
    .where((eb) =>
      eb.or([eb("lease_holder", "is", null), eb("lease_until", "<", at), eb("lease_holder", "=", holder)]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives the lease back, if `holder` still has it. */
export async function releaseLease(db: Db, holder: string): Promise<void> {
  await db
    .updateTable("leaderboard_state")
    .set({ lease_holder: null, lease_until: null })
    .where("id", "=", 1)
    .where("lease_holder", "=", holder)
    .execute();
}

/**
 * What the boards are computed from, summed up in a string: it changes when a pick is cast,
 * changed or withdrawn, or a moderator decides on a flag. Boards are stale when it differs from
 * the one the last recompute stored, or when that recompute was on an earlier UTC day.
 */
export async function sourceStamp(db: Db): Promise<string> {
  const [picks, flags] = await Promise.all([
    db
      .selectFrom("picks")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.max("updated_at").as("last")])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("leaderboard_flags")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.max("decided_at").as("last")])
      .where("status", "!=", "open")
      .executeTakeFirstOrThrow(),
  ]);
  return `picks:${Number(picks.n)}@${picks.last ?? "-"};decisions:${Number(flags.n)}@${flags.last ?? "-"}`;
}

/** Whether the stored boards no longer reflect the picks and decisions (or today has no snapshot). */
export async function boardsAreStale(db: Db, now: number = Date.now()): Promise<boolean> {
  const state = await db
    .selectFrom("leaderboard_state")
    .select(["source_stamp", "computed_at"])
    .where("id", "=", 1)
    .executeTakeFirstOrThrow();
  if (!state.computed_at || state.computed_at.slice(0, 10) !== iso(now).slice(0, 10)) return true;
  return state.source_stamp !== (await sourceStamp(db));
}

/** Stores every board, replaces today's snapshots and notes what they were computed from, in one transaction. */
export async function saveBoards(
  trx: Db,
  boards: readonly StoredBoard[],
  opts: { stamp: string; now: number },
): Promise<void> {
  const at = iso(opts.now);
  const day = at.slice(0, 10);
  const scopes = boards.map((b) => b.scope);
  // boards of categories that no longer exist go; their snapshots stay as history
  let stale = trx.deleteFrom("leaderboard_boards");
  if (scopes.length > 0) stale = stale.where("board", "not in", scopes);
  await stale.execute();
  for (const board of boards) {
    const data = JSON.stringify(board);
    await trx
      .insertInto("leaderboard_boards")
      .values({ board: board.scope, computed_at: at, data })
      .onConflict((oc) => oc.column("board").doUpdateSet({ computed_at: at, data }))
      .execute();
    await trx
      .insertInto("leaderboard_snapshots")
      .values({ board: board.scope, day, computed_at: at, data })
      .onConflict((oc) => oc.columns(["board", "day"]).doUpdateSet({ computed_at: at, data }))
      .execute();
  }
  await trx
    .updateTable("leaderboard_state")
    .set({ source_stamp: opts.stamp, computed_at: at })
    .where("id", "=", 1)
    .execute();
}

/** The current stored board of a scope, or undefined before the first recompute. */
export async function readBoard(db: Db, scope: string): Promise<StoredBoard | undefined> {
  const row = await db
    .selectFrom("leaderboard_boards")
    .select(["data"])
    .where("board", "=", scope)
    .executeTakeFirst();
  return row
    ? readJson(storedBoardSchema, row.data, { table: "leaderboard_boards", column: "data", row: scope })
    : undefined;
}

/** Every current stored board, by scope. */
export async function readBoards(db: Db): Promise<Map<string, StoredBoard>> {
  const rows = await db.selectFrom("leaderboard_boards").select(["board", "data"]).execute();
  return new Map(
    rows.map((r) => [
      r.board,
      readJson(storedBoardSchema, r.data, { table: "leaderboard_boards", column: "data", row: r.board }),
    ]),
  );
}

/** A scope's snapshot of one UTC day (YYYY-MM-DD), or undefined. */
export async function readSnapshot(db: Db, scope: string, day: string): Promise<StoredBoard | undefined> {
  const row = await db
    .selectFrom("leaderboard_snapshots")
    .select(["data"])
    .where("board", "=", scope)
    .where("day", "=", day)
    .executeTakeFirst();
  return row
    ? readJson(storedBoardSchema, row.data, {
        table: "leaderboard_snapshots",
        column: "data",
        row: `${scope}/${day}`,
      })
    : undefined;
}

/** The days a scope has snapshots for, oldest first. */
export async function snapshotDays(db: Db, scope: string): Promise<string[]> {
  const rows = await db
    .selectFrom("leaderboard_snapshots")
    .select("day")
    .where("board", "=", scope)
    .orderBy("day")
    .execute();
  return rows.map((r) => r.day);
}

/** Every snapshot of some scopes, oldest first: a tool's rating over time. */
export async function snapshotsOf(
  db: Db,
  scopes: readonly string[],
): Promise<{ day: string; board: StoredBoard }[]> {
  if (scopes.length === 0) return [];
  const rows = await db
    .selectFrom("leaderboard_snapshots")
    .select(["board", "day", "data"])
    .where("board", "in", [...scopes])
    .orderBy("day")
    .execute();
  return rows.map((r) => ({
    day: r.day,
    board: readJson(storedBoardSchema, r.data, {
      table: "leaderboard_snapshots",
      column: "data",
      row: `${r.board}/${r.day}`,
    }),
  }));
}

/** Every board's snapshot of one UTC day (YYYY-MM-DD). */
export async function snapshotsOfDay(db: Db, day: string): Promise<StoredBoard[]> {
  const rows = await db
    .selectFrom("leaderboard_snapshots")
    .select(["board", "data"])
    .where("day", "=", day)
    .execute();
  return rows.map((r) =>
    readJson(storedBoardSchema, r.data, {
      table: "leaderboard_snapshots",
      column: "data",
      row: `${r.board}/${day}`,
    }),
  );
}
