/** npm run cli -- leaderboard:recompute: every board now, then running servers drop their cached pages. */
import { migrateToLatest } from "../db/migrate.ts";
import { recomputeBoards } from "../features/leaderboard/index.ts";
import { bumpChangeStamp } from "../http/change-stamp.ts";
import { withDatabase } from "./db.ts";

/** How long to wait for another instance's recompute before giving up. */
const WAIT_MS = 60_000;

/** Recomputes the boards, waiting for the lease if a server holds it; exit code 0, or 1 when it never came free. */
export async function runLeaderboardRecompute(): Promise<number> {
  return withDatabase(async (db) => {
    await migrateToLatest(db);
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const result = await recomputeBoards(db);
      if (result.status === "done") {
        await bumpChangeStamp(db);
        console.log(
          `recomputed ${result.boards} boards from ${result.picks} picks (${result.counted} counted overall)`,
        );
        return 0;
      }
      if (Date.now() > deadline) {
        console.error("another instance kept the recompute lease for a minute; try again later");
        return 1;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
}
