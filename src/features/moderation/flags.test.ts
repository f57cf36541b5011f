import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { insertRoundRobin, makeAccounts, toolSlugs } from "../../../test/support/picks.ts";
import { signIn, type TestSession } from "../../../test/support/session.ts";
import { leaderboardJobs } from "../leaderboard/index.ts";

reportSkippedPostgres("moderating flagged leaderboard accounts");

const ADMIN = "admin@example.com";
const STRENGTHS = [1.2, 0.6, 0, -0.6, -1.2];

describe.each(testEngines())("flagged accounts in moderation on %s", (engine) => {
  let t: TestApp;
  let admin: TestSession;
  let riggers: number[];
  beforeAll(async () => {
    t = await createTestApp(engine, { ADMIN_EMAILS: ADMIN });
    admin = await signIn(t, ADMIN);
    const slugs = await toolSlugs(t.db.db, "coding-assistants");
    await insertRoundRobin(t.db.db, {
      users: await makeAccounts(t.db.db, 40, "fan"),
      slugs,
      strengths: STRENGTHS,
      seed: 3,
    });
    riggers = await makeAccounts(t.db.db, 2, "rigger");
    await insertRoundRobin(t.db.db, { users: riggers, slugs, strengths: STRENGTHS, seed: 4, against: true });
    expect((await leaderboardJobs(t.deps).runNow()).status).toBe("done");
  });
  afterAll(() => t.dispose());

  const auditOf = (userId: number) =>
    t.db.db
      .selectFrom("audit_log")
      .select(["action", "reason", "actor_email"])
      .where("subject", "=", `user:${userId}`)
      .orderBy("id")
      .execute();
  const outcomesOf = async (userId: number) =>
    new Set(
      (await t.db.db.selectFrom("picks").select("outcome").where("user_id", "=", userId).execute()).map(
        (r) => r.outcome,
      ),
    );

  it("lists flagged accounts with the evidence, for moderators only", async () => {
    const html = await (await admin.get("/admin/moderation/flags")).text();
    for (const id of riggers) expect(html).toContain(`Account #${id}`);
    expect(html).toContain("picks improbably often against the consensus");
    expect(html).toContain("Awaiting a decision");
    expect(html).toContain("10 picks discounted: flagged by the outlier test");
    expect(html).not.toMatch(/\d account flagged/);
    const reader = await signIn(t, "reader@example.com");
    expect((await reader.get("/admin/moderation/flags")).status).toBe(403);
    const signedOut = await t.request("/admin/moderation/flags");
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toMatch(/^\/sign-in\?next=/);
  });

  it("clears one account (its picks count after the recompute) and confirms the other, each audited", async () => {
    const [cleared, confirmed] = riggers as [number, number];
    const bad = await admin.post(`/admin/accounts/${cleared}/flag/clear`, { reason: "" });
    expect(bad.status).toBe(400);
    expect(await auditOf(cleared)).toEqual([]);

    const res = await admin.post(`/admin/accounts/${cleared}/flag/clear`, {
      reason: "A real contrarian, checked",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/moderation/flags?done=cleared");
    expect(
      (await admin.post(`/admin/accounts/${confirmed}/flag/confirm`, { reason: "Sock puppet of another" }))
        .status,
    ).toBe(303);
    expect(
      (await admin.post(`/admin/accounts/${confirmed}/flag/confirm`, { reason: "Sock puppet of another" }))
        .status,
    ).toBe(409);

    expect(await auditOf(cleared)).toEqual([
      { action: "leaderboard.flag.clear", reason: "A real contrarian, checked", actor_email: ADMIN },
    ]);
    expect(await auditOf(confirmed)).toEqual([
      { action: "leaderboard.flag.confirm", reason: "Sock puppet of another", actor_email: ADMIN },
    ]);

    await leaderboardJobs(t.deps).runNow();
    expect(await outcomesOf(cleared)).toEqual(new Set(["counted"]));
    expect(await outcomesOf(confirmed)).toEqual(new Set(["flagged-account"]));
    const flags = await t.db.db
      .selectFrom("leaderboard_flags")
      .select(["user_id", "status"])
      .orderBy("user_id")
      .execute();
    expect(flags).toEqual([
      { user_id: cleared, status: "cleared" },
      { user_id: confirmed, status: "confirmed" },
    ]);
    const html = await (await admin.get("/admin/moderation/flags")).text();
    expect(html).toContain("Cleared: picks count");
    expect(html).toContain("Confirmed: picks discounted");
    expect((await admin.post("/admin/accounts/999999/flag/clear", { reason: "No such flag" })).status).toBe(
      404,
    );
  });
});
