/**
 * A site with something in every table a backup or an export carries: readers signed in
 * through the real routes who vote, bookmark, subscribe and make an API token; head-to-head
 * picks and a leaderboard recompute; a newsletter issue with deliveries; a role grant in the
 * audit log; a second published revision, a draft and a thesis resolution.
 */
import { sql } from "kysely";
import { iso } from "../../src/db/time.ts";
import type { Db } from "../../src/db/types.ts";
import { CLI_ACTOR } from "../../src/features/audit/index.ts";
import { recomputeBoards } from "../../src/features/leaderboard/index.ts";
import { grantRoleAudited } from "../../src/features/moderation/index.ts";
import { publishRevision } from "../../src/features/panel/index.ts";
import type { TestApp } from "./app.ts";
import { insertRoundRobin, makeAccounts, toolSlugs } from "./picks.ts";
import { signIn } from "./session.ts";
import { insertIssue, insertSubscribers } from "./subscribers.ts";

function ok(res: Response, what: string): void {
  if (res.status >= 400) throw new Error(`${what}: ${res.status}`);
}

export async function populateSite(t: TestApp): Promise<void> {
  const db: Db = t.db.db;
  const ada = await signIn(t, "ada@example.com");
  const bo = await signIn(t, "bo@example.com");
  ok(await ada.post("/tools/cursor/vote", { value: "ship" }), "vote");
  ok(await bo.post("/tools/cursor/vote", { value: "skip" }), "vote");
  ok(await bo.post("/tools/aider/vote", { value: "ship" }), "vote");
  ok(await ada.post("/tools/qdrant/bookmark", { bookmarked: "yes" }), "bookmark");
  ok(await bo.post("/tools/pgvector/bookmark", { bookmarked: "yes" }), "bookmark");
  ok(
    await ada.post("/newsletter", {
      email: "ada@example.com",
      category: ["vector-databases", "coding-assistants"],
    }),
    "subscribe",
  );
  ok(await ada.post("/account/tokens", { name: "laptop “script” — ünïcode 🚀", scope: "read" }), "token");

  await grantRoleAudited(db, {
    actor: CLI_ACTOR,
    email: "pan@example.com",
    role: "panelist",
    reason: 'joins the panel — naïve "quotes" and a tab\tinside',
  });
  const panelist = await db
    .selectFrom("users")
    .select("id")
    .where("email", "=", "pan@example.com")
    .executeTakeFirstOrThrow();
  await db
    .updateTable("users")
    .set({ display_name: "Pan O'Neil 🚢" })
    .where("id", "=", panelist.id)
    .execute();

  // head-to-head picks from accounts past the waiting period, then the boards
  const slugs = await toolSlugs(db, "coding-assistants");
  const pickers = await makeAccounts(db, 4, "picker");
  await insertRoundRobin(db, { users: pickers, slugs, strengths: slugs.map((_, i) => i / 2), seed: 17 });
  const recompute = await recomputeBoards(db);
  if (recompute.status === "busy") throw new Error("recompute lease busy");

  // a newsletter issue part-way through its send
  const subscribers = await insertSubscribers(db, { count: 5, prefix: "reader" });
  const issue = await insertIssue(db, { intro: "This week: two new verdicts." });
  await db
    .insertInto("deliveries")
    .values(
      subscribers.map((s, i) => ({
        issue_id: issue.id,
        subscriber_id: s.id,
        status: i < 3 ? "sent" : "pending",
        attempts: i < 3 ? 1 : 0,
        next_attempt_at: iso(),
        last_error: null,
        message_id: `<issue-${issue.number}-${s.id}@shiporskip.test>`,
        sent_at: i < 3 ? iso() : null,
      })),
    )
    .execute();

  // a second revision of one review, a draft in progress and a resolved thesis
  const first = await db
    .selectFrom("review_revisions")
    .selectAll()
    .where("persona", "=", "builder")
    .orderBy("id")
    .executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    await publishRevision(trx, {
      toolId: first.tool_id,
      persona: "builder",
      review: {
        score: first.score,
        verdict: first.verdict,
        summary: `${first.summary} Revised after a second look.`,
        answers: JSON.parse(first.answers),
      } as Parameters<typeof publishRevision>[1]["review"],
      author: "Pan O'Neil 🚢",
      authorId: panelist.id,
      provenance: "panelist",
      modelName: null,
    });
  });
  await db
    .insertInto("review_drafts")
    .values({
      tool_id: first.tool_id,
      persona: "skeptic",
      fields: JSON.stringify({ summary: "Half-written…", score: "" }),
      provenance: "panelist",
      model_name: null,
      author_id: panelist.id,
      author: "Pan O'Neil 🚢",
      base_revision: 1,
      created_at: iso(),
      updated_at: iso(),
    })
    .execute();
  const futurist = await db
    .selectFrom("review_revisions")
    .select("id")
    .where("persona", "=", "futurist")
    .orderBy("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("thesis_resolutions")
    .values({
      revision_id: futurist.id,
      outcome: "held",
      note: "It shipped as predicted.",
      resolved_by: "pan@example.com",
      resolved_at: iso(),
    })
    .execute();
  // a flag with a moderator's decision, so that table is not empty either
  await db
    .insertInto("leaderboard_flags")
    .values({
      user_id: pickers[0]!,
      flagged_at: iso(),
      evidence: JSON.stringify({ share: 0.9 }),
      status: "cleared",
      decided_by: "pan@example.com",
      decided_at: iso(),
      decision_reason: "a keen reader",
    })
    .onConflict((oc) => oc.column("user_id").doNothing())
    .execute();
  // a recompute lease as a running server would hold it: an export leaves it behind
  await sql`update leaderboard_state set lease_holder = 'server-1', lease_until = ${iso(Date.now() + 60_000)}`.execute(
    db,
  );
}
