/**
 * Accounts the outlier test flagged: the recompute writes the evidence, moderators decide.
 * "cleared" makes the account's picks count again, "confirmed" keeps them discounted whatever
 * the test says later; each decision is audited in the transaction that makes it.
 */
import { z } from "zod";
import { readJson } from "../../db/json.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import type { AccountFlag, FlagRule } from "../../domain/leaderboard/index.ts";
import type { FlagStatus } from "../../domain/leaderboard-store.ts";
import { type Actor, accountSubject, recordAudit } from "../audit/index.ts";

const evidenceSchema = z.object({
  rules: z.array(z.string()),
  picks: z.number(),
  underdogPicks: z.number(),
  expectedUnderdogPicks: z.number(),
  againstConsensusLlr: z.number(),
  lift: z
    .object({
      slug: z.string(),
      name: z.string(),
      relevantPicks: z.number(),
      helpfulPicks: z.number(),
      expectedHelpfulPicks: z.number(),
      llr: z.number(),
    })
    .nullable(),
});

/** What a moderator reads about why an account was flagged. */
export type FlagEvidenceData = z.infer<typeof evidenceSchema>;

/** A flagged account as moderation lists it. */
export interface FlaggedAccount {
  userId: number;
  email: string;
  accountCreatedAt: string;
  flaggedAt: string;
  status: FlagStatus;
  evidence: FlagEvidenceData;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  /** The account's picks by outcome, as the last recompute judged them. */
  outcomes: Record<string, number>;
}

/**
 * Stores the flags of a recompute: new ones open, existing ones get the latest evidence. Open
 * flags the test no longer raises go (no decision was made on them); decided ones stay.
 */
export async function saveFlags(trx: Db, flags: readonly AccountFlag[], now: number): Promise<void> {
  const tested = flags.filter((f) => !(f.rules as FlagRule[]).every((r) => r === "moderator-confirmed"));
  const names = new Map<number, { slug: string; name: string }>();
  const liftIds = [...new Set(tested.flatMap((f) => (f.evidence.lift ? [f.evidence.lift.toolId] : [])))];
  if (liftIds.length > 0) {
    const rows = await trx
      .selectFrom("tools")
      .select(["id", "slug", "name"])
      .where("id", "in", liftIds)
      .execute();
    for (const r of rows) names.set(r.id, { slug: r.slug, name: r.name });
  }
  const at = iso(now);
  const ids = tested.map((f) => f.userId);
  let gone = trx.deleteFrom("leaderboard_flags").where("status", "=", "open");
  if (ids.length > 0) gone = gone.where("user_id", "not in", ids);
  await gone.execute();
  for (const f of tested) {
    const lift = f.evidence.lift;
    const tool = lift ? names.get(lift.toolId) : undefined;
    const evidence: FlagEvidenceData = {
      rules: f.rules,
      picks: f.evidence.picks,
      underdogPicks: f.evidence.underdogPicks,
      expectedUnderdogPicks: f.evidence.expectedUnderdogPicks,
      againstConsensusLlr: f.evidence.againstConsensusLlr,
      lift:
        lift && tool
          ? {
              slug: tool.slug,
              name: tool.name,
              relevantPicks: lift.relevantPicks,
              helpfulPicks: lift.helpfulPicks,
              expectedHelpfulPicks: lift.expectedHelpfulPicks,
              llr: lift.llr,
            }
          : null,
    };
    const data = JSON.stringify(evidence);
    await trx
      .insertInto("leaderboard_flags")
      .values({ user_id: f.userId, flagged_at: at, evidence: data, status: "open" })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ evidence: data }))
      .execute();
  }
}

/** Flagged accounts, open ones first, then the most recently flagged. */
export async function flaggedAccounts(db: Db): Promise<FlaggedAccount[]> {
  const rows = await db
    .selectFrom("leaderboard_flags")
    .innerJoin("users", "users.id", "leaderboard_flags.user_id")
    .select([
      "leaderboard_flags.user_id",
      "users.email",
      "users.created_at",
      "leaderboard_flags.flagged_at",
      "leaderboard_flags.status",
      "leaderboard_flags.evidence",
      "leaderboard_flags.decided_by",
      "leaderboard_flags.decided_at",
      "leaderboard_flags.decision_reason",
    ])
    .orderBy("leaderboard_flags.flagged_at", "desc")
    .orderBy("leaderboard_flags.user_id")
    .execute();
  const ids = rows.map((r) => r.user_id);
  const counts =
    ids.length === 0
      ? []
      : await db
          .selectFrom("picks")
          .select(["user_id", "outcome", (eb) => eb.fn.countAll<number>().as("n")])
          .where("user_id", "in", ids)
          .groupBy(["user_id", "outcome"])
          .execute();
  const list = rows.map((r) => {
    const outcomes: Record<string, number> = {};
    for (const c of counts) if (c.user_id === r.user_id) outcomes[c.outcome ?? "pending"] = Number(c.n);
    return {
      userId: r.user_id,
      email: r.email,
      accountCreatedAt: r.created_at,
      flaggedAt: r.flagged_at,
      status: r.status,
      evidence: readJson(evidenceSchema, r.evidence, {
        table: "leaderboard_flags",
        column: "evidence",
        row: r.user_id,
      }),
      decidedBy: r.decided_by,
      decidedAt: r.decided_at,
      decisionReason: r.decision_reason,
      outcomes,
    };
  });
  return [...list.filter((f) => f.status === "open"), ...list.filter((f) => f.status !== "open")];
}

export type FlagDecisionProblem = "unknown" | "already";

/** Clears or confirms a flagged account, with an audit entry in the same transaction. */
export async function decideFlag(
  db: Db,
  opts: { actor: Actor; userId: number; decision: "cleared" | "confirmed"; reason: string; now?: number },
): Promise<{ ok: true } | { ok: false; problem: FlagDecisionProblem }> {
  const at = iso(opts.now ?? Date.now());
  return db.transaction().execute(async (trx) => {
    const flag = await trx
      .selectFrom("leaderboard_flags")
      .select(["status"])
      .where("user_id", "=", opts.userId)
      .executeTakeFirst();
    if (!flag) return { ok: false, problem: "unknown" } as const;
    if (flag.status === opts.decision) return { ok: false, problem: "already" } as const;
    await trx
      .updateTable("leaderboard_flags")
      .set({
        status: opts.decision,
        decided_by: opts.actor.email,
        decided_at: at,
        decision_reason: opts.reason,
      })
      .where("user_id", "=", opts.userId)
      .execute();
    await recordAudit(trx, {
      actor: opts.actor,
      action: opts.decision === "cleared" ? "leaderboard.flag.clear" : "leaderboard.flag.confirm",
      subject: accountSubject(opts.userId),
      reason: opts.reason,
      detail: { from: flag.status, to: opts.decision },
      now: opts.now,
    });
    return { ok: true } as const;
  });
}
