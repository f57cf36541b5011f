/**
 * Recomputing the boards: read every pick, the accounts' ages and the moderators' decisions,
 * judge every pick once on the overall board (caps, waiting period, outlier test), fit each
 * category on the picks the overall board counted, then store boards, today's snapshots, each
 * pick's outcome and the flags. One recompute at a time across instances (the lease).
 */
import { randomBytes } from "node:crypto";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import {
  type AccountInput,
  type Board,
  type BoardEntry,
  computeBoard,
  DISCOUNT_REASONS,
  type DiscountReason,
  type ModeratorDecision,
  type PickInput,
  WAITING_PERIOD_HOURS,
} from "../../domain/leaderboard/index.ts";
import { type BoardEntryData, OVERALL, type PairData, type StoredBoard } from "./board-data.ts";
import { saveFlags } from "./flags.ts";
import { releaseLease, saveBoards, sourceStamp, takeLease } from "./store.ts";

/** Pick outcomes written per transaction. */
const OUTCOME_BATCH = 500;

/** How long a recompute may hold the lease before another instance may take over (it died). */
export const LEASE_MS = 5 * 60_000;

interface ToolRow {
  id: number;
  slug: string;
  name: string;
  categorySlug: string;
  categoryName: string;
}

interface PickRow extends PickInput {
  outcome: string | null;
}

export interface RecomputeResult {
  /** "busy" when another recompute held the lease: nothing was read or written. */
  status: "done" | "busy";
  picks?: number;
  counted?: number;
  boards?: number;
}

/** A holder name for the lease: which process, and a random part so two apps in one process differ. */
export function leaseHolder(): string {
  return `${process.pid}:${randomBytes(6).toString("hex")}`;
}

async function readSource(db: Db) {
  const [tools, picks, users, decided] = await Promise.all([
    db
      .selectFrom("tools")
      .innerJoin("categories", "categories.id", "tools.category_id")
      .select([
        "tools.id",
        "tools.slug",
        "tools.name",
        "categories.slug as categorySlug",
        "categories.name as categoryName",
      ])
      .execute(),
    db
      .selectFrom("picks")
      .select([
        "user_id",
        "low_tool_id",
        "high_tool_id",
        "winner_tool_id",
        "created_at",
        "updated_at",
        "network",
        "outcome",
      ])
      // a stable order, so the same picks give the same board (and the caps keep the earliest)
      .orderBy("updated_at")
      .orderBy("user_id")
      .orderBy("low_tool_id")
      .orderBy("high_tool_id")
      .execute(),
    db.selectFrom("users").select(["id", "created_at"]).execute(),
    db.selectFrom("leaderboard_flags").select(["user_id", "status"]).where("status", "!=", "open").execute(),
  ]);
  const pickRows: PickRow[] = picks.map((p) => ({
    userId: p.user_id,
    lowToolId: p.low_tool_id,
    highToolId: p.high_tool_id,
    winnerToolId: p.winner_tool_id,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    network: p.network,
    outcome: p.outcome,
  }));
  const accounts: AccountInput[] = users.map((u) => ({ id: u.id, createdAt: u.created_at }));
  const decisions = new Map<number, ModeratorDecision>(
    decided.map((d) => [d.user_id, d.status as ModeratorDecision]),
  );
  // tools in slug order by code unit, not by the engine's collation: the fit's bootstrap draws
  // follow this order, and whoever recomputes the board from picks.csv must be able to repeat it
  const sorted = (tools as ToolRow[]).sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return { tools: sorted, picks: pickRows, accounts, decisions };
}

const pairKey = (p: { lowToolId: number; highToolId: number; userId: number }) =>
  `${p.userId}:${p.lowToolId}:${p.highToolId}`;

/** A board as stored: slugs and names instead of ids, the counted picks per pair, the tallies given. */
function toStored(
  board: Board,
  scope: { key: string; title: string; tools: readonly ToolRow[] },
  tallies: { counted: number; discounted: Record<DiscountReason, number> },
  now: number,
): StoredBoard {
  const byId = new Map(scope.tools.map((t) => [t.id, t]));
  const slug = (id: number) => byId.get(id)?.slug ?? String(id);
  const entry = (e: BoardEntry): BoardEntryData => ({
    slug: slug(e.toolId),
    name: byId.get(e.toolId)?.name ?? String(e.toolId),
    rating: e.rating,
    lower: e.lower,
    upper: e.upper,
    rank: e.rank,
    tied: e.tied,
    provisional: e.provisional,
    needs: e.needs,
    picks: e.picks,
    wins: e.wins,
    opponents: e.opponents,
    winRate: e.winRate,
    component: e.component,
  });
  const pairs = new Map<string, PairData>();
  for (const w of board.wins) {
    const [a, b] = [slug(w.winner), slug(w.loser)].sort() as [string, string];
    const key = `${a}|${b}`;
    const pair = pairs.get(key) ?? { a, b, aWins: 0, bWins: 0 };
    if (slug(w.winner) === a) pair.aWins += w.count;
    else pair.bWins += w.count;
    pairs.set(key, pair);
  }
  return {
    scope: scope.key,
    title: scope.title,
    computedAt: iso(now),
    counted: tallies.counted,
    discounted: tallies.discounted,
    entries: board.entries.map(entry),
    separate: board.separate.map(entry),
    provisional: board.provisional.map(entry),
    components: board.components.map((c) => ({ index: c.index, slugs: c.toolIds.map(slug), picks: c.picks })),
    connected: board.connected,
    pairs: [...pairs.values()].sort((x, y) => x.a.localeCompare(y.a) || x.b.localeCompare(y.b)),
    tools: scope.tools.map((t) => ({ slug: t.slug, name: t.name })),
  };
}

const noDiscounts = (): Record<DiscountReason, number> =>
  Object.fromEntries(DISCOUNT_REASONS.map((r) => [r, 0])) as Record<DiscountReason, number>;

/**
 * Recomputes every board once, under the lease; "busy" when another recompute holds it.
 * `holder` names this instance; `now` is injectable for tests of days and waiting periods.
 */
export async function recomputeBoards(
  db: Db,
  opts: { holder?: string; now?: number; leaseMs?: number } = {},
): Promise<RecomputeResult> {
  const holder = opts.holder ?? leaseHolder();
  const now = opts.now ?? Date.now();
  if (!(await takeLease(db, holder, now, opts.leaseMs ?? LEASE_MS))) return { status: "busy" };
  try {
    // the stamp first: a pick landing while we read makes the next check see the boards as stale
    const stamp = await sourceStamp(db);
    const source = await readSource(db);
    const at = iso(now);
    const overall = computeBoard({
      tools: source.tools.map((t) => t.id),
      picks: source.picks,
      accounts: source.accounts,
      decisions: source.decisions,
      now: at,
    });
    // every pick is judged once, on the overall board; categories reuse the judgement
    const outcomes = new Map(overall.outcomes.map((o) => [pairKey(o), o]));
    const outcomeOf = (p: PickRow) => {
      const o = outcomes.get(pairKey(p));
      return o ? (o.counted ? "counted" : (o.reason ?? "counted")) : "counted";
    };
    const boards: StoredBoard[] = [
      toStored(
        overall,
        { key: OVERALL, title: "All categories", tools: source.tools },
        { counted: overall.counted, discounted: overall.discounted },
        now,
      ),
    ];
    const categories = new Map<string, { name: string; tools: ToolRow[] }>();
    for (const t of source.tools) {
      const c = categories.get(t.categorySlug) ?? { name: t.categoryName, tools: [] };
      c.tools.push(t);
      categories.set(t.categorySlug, c);
    }
    for (const [key, category] of [...categories].sort(([x], [y]) => x.localeCompare(y))) {
      const ids = new Set(category.tools.map((t) => t.id));
      const inside = source.picks.filter((p) => ids.has(p.lowToolId) && ids.has(p.highToolId));
      const tallies = { counted: 0, discounted: noDiscounts() };
      const counted: typeof inside = [];
      for (const p of inside) {
        const o = outcomeOf(p);
        if (o === "counted") {
          tallies.counted++;
          counted.push(p);
        } else tallies.discounted[o as DiscountReason]++;
      }
      const board = computeBoard({
        tools: [...ids],
        picks: counted,
        accounts: source.accounts,
        now: at,
        options: { integrity: false },
      });
      boards.push(toStored(board, { key, title: category.name, tools: category.tools }, tallies, now));
    }
    // Outcomes first, in short transactions so that a first recompute over many picks never holds
    // the database's write lock for long; only changed outcomes are written, and only on picks
    // not changed since they were read. The boards and the stamp come last: a recompute that
    // dies half-way leaves the boards stale, so the next start or pick finishes the job.
    const changed = source.picks.filter((p) => outcomeOf(p) !== p.outcome);
    for (let k = 0; k < changed.length; k += OUTCOME_BATCH) {
      await db.transaction().execute(async (trx) => {
        for (const p of changed.slice(k, k + OUTCOME_BATCH)) {
          await trx
            .updateTable("picks")
            .set({ outcome: outcomeOf(p) })
            .where("user_id", "=", p.userId)
            .where("low_tool_id", "=", p.lowToolId)
            .where("high_tool_id", "=", p.highToolId)
            .where("updated_at", "=", p.updatedAt)
            .execute();
        }
      });
    }
    await db.transaction().execute(async (trx) => {
      await saveBoards(trx, boards, { stamp, now });
      await saveFlags(trx, overall.flags, now);
    });
    return { status: "done", picks: source.picks.length, counted: overall.counted, boards: boards.length };
  } finally {
    await releaseLease(db, holder);
  }
}

/** When the first account whose picks still wait will have waited long enough (ISO), if any. */
export async function nextWaitingEnd(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom("picks")
    .innerJoin("users", "users.id", "picks.user_id")
    .select((eb) => eb.fn.min("users.created_at").as("first"))
    .where("picks.outcome", "=", "waiting-period")
    .executeTakeFirst();
  if (!row?.first) return undefined;
  return iso(Date.parse(row.first) + WAITING_PERIOD_HOURS * 3_600_000);
}
