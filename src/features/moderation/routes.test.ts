import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { confirmLink, form, signIn, type TestSession } from "../../../test/support/session.ts";
import { createSignInLink, ensureUser } from "../accounts/index.ts";
import { CLI_ACTOR, recordAudit } from "../audit/index.ts";
import { setVote } from "../community/index.ts";
import { findToolRefs } from "../tools/index.ts";
import { grantRoleAudited, voteHistory } from "./service.ts";

reportSkippedPostgres("moderation");

const ADMIN = "admin@example.com";
const SECOND_ADMIN = "second-admin@example.com";

describe.each(testEngines())("moderation on %s", (engine) => {
  let t: TestApp;
  let admin: TestSession;

  beforeAll(async () => {
    t = await createTestApp(engine, { ADMIN_EMAILS: `${ADMIN},${SECOND_ADMIN}` });
    admin = await signIn(t, ADMIN);
  });
  afterAll(() => t?.dispose());

  const db = () => t.db.db;

  async function userId(email: string): Promise<number> {
    const row = await db()
      .selectFrom("users")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Moderation entries (role grants from ADMIN_EMAILS sign-ins are not counted). */
  async function auditCount(subject?: string): Promise<number> {
    let q = db()
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("action", "!=", "role.grant");
    if (subject) q = q.where("subject", "=", subject);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  async function voteCount(email: string): Promise<number> {
    const row = await db()
      .selectFrom("votes")
      .innerJoin("users", "users.id", "votes.user_id")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("users.email", "=", email)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The community figure the public tool page shows, read as a signed-out visitor. */
  async function publicFigure(slug: string): Promise<string> {
    const html = await (await t.request(`/tools/${slug}`)).text();
    const figure = new RegExp(`data-swap="community:${slug}">([^<]+)<`).exec(html)?.[1];
    if (!figure) throw new Error(`no community figure on /tools/${slug}`);
    return figure;
  }

  /** One row of the votes-per-day table: day, ship, skip, running total. */
  function dayRow(html: string, day: string): number[] | undefined {
    const m = new RegExp(
      `<th scope="row">${day}</th><td class="num">(\\d+)</td><td class="num">(\\d+)</td><td class="num">(\\d+)</td>`,
    ).exec(html);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
  }

  it("shows an admin the votes on a tool per day, with a running total and masked voters", async () => {
    const [aider] = await findToolRefs(db(), ["aider"]);
    if (!aider) throw new Error("seed has no aider");
    const past = [
      ["early-ship@example.com", "ship", "2025-01-10T09:00:00Z"],
      ["early-skip@example.com", "skip", "2025-01-10T21:30:00Z"],
      ["later-ship@example.com", "ship", "2025-01-12T12:00:00Z"],
    ] as const;
    for (const [email, value, at] of past) {
      const user = await ensureUser(db(), email);
      await setVote(db(), { userId: user.id, toolId: aider.id, value, now: Date.parse(at) });
    }
    for (const [email, value] of [
      ["today-one@example.com", "ship"],
      ["today-two@example.com", "ship"],
      ["today-three@example.com", "skip"],
    ] as const) {
      const s = await signIn(t, email);
      expect((await s.post("/tools/aider/vote", { value })).status).toBe(303);
    }
    const today = new Date().toISOString().slice(0, 10);

    const res = await admin.get("/admin/moderation/tools/aider");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(dayRow(html, "2025-01-10")).toEqual([1, 1, 2]);
    expect(dayRow(html, "2025-01-12")).toEqual([1, 0, 3]);
    expect(dayRow(html, today)).toEqual([2, 1, 6]);
    expect(html).toContain('class="day-bar"');
    // voters link to their account pages, addresses masked
    const earlyId = await userId("early-ship@example.com");
    expect(html).toContain(`href="/admin/accounts/${earlyId}"`);
    expect(html).toContain("e•••@example.com");
    expect(html).not.toContain("early-ship@example.com");

    const history = await voteHistory(db(), "aider");
    expect(history?.days.map((d) => d.day)).toEqual(["2025-01-10", "2025-01-12", today]);

    const overview = await admin.get("/admin/moderation");
    expect(overview.status).toBe(200);
    const list = await overview.text();
    expect(list).toMatch(
      /<a href="\/admin\/moderation\/tools\/aider">Aider<\/a><\/th><td class="num">4<\/td><td class="num">2<\/td><td class="num">6<\/td>/,
    );
    expect(list).toContain('href="/admin/audit"');
    expect((await admin.get("/admin/moderation/tools/no-such-tool")).status).toBe(404);
  });

  it("removes an account's votes with a reason: public figures drop and one audit entry is written", async () => {
    const spammer = await signIn(t, "spammer@example.com");
    const bystander = await signIn(t, "bystander@example.com");
    await spammer.post("/tools/cursor/vote", { value: "skip" });
    await spammer.post("/tools/claude-code/vote", { value: "skip" });
    await bystander.post("/tools/cursor/vote", { value: "ship" });
    expect(await publicFigure("cursor")).toBe("50% ship · 2 votes");
    expect(await publicFigure("claude-code")).toBe("0% ship · 1 vote");
    expect(t.deps.cache.get("/tools/cursor")).toBeDefined();

    const id = await userId("spammer@example.com");
    const res = await admin.post(`/admin/accounts/${id}/votes/remove`, {
      reason: "  Skip-voting every coding tool from one address  ",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/admin/accounts/${id}?done=votes-removed&n=2`);

    // the cached anonymous page is gone, and the page rebuilt from the new figures
    expect(t.deps.cache.get("/tools/cursor")).toBeUndefined();
    expect(await publicFigure("cursor")).toBe("100% ship · 1 vote");
    expect(await publicFigure("claude-code")).toBe("No community votes yet");
    expect(await voteCount("spammer@example.com")).toBe(0);
    expect(await voteCount("bystander@example.com")).toBe(1);

    const entries = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("subject", "=", `user:${id}`)
      .execute();
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry?.action).toBe("votes.remove");
    expect(entry?.reason).toBe("Skip-voting every coding tool from one address");
    expect(entry?.actor_email).toBe(ADMIN);
    expect(entry?.actor_id).toBe(await userId(ADMIN));
    expect(JSON.parse(entry?.detail ?? "{}")).toEqual({
      email: "spammer@example.com",
      votes: [
        { tool: "claude-code", value: "skip" },
        { tool: "cursor", value: "skip" },
      ],
    });

    const page = await (await admin.get(`/admin/accounts/${id}?done=votes-removed&n=2`)).text();
    expect(page).toContain("Removed 2 votes");
    expect(page).toContain("spammer@example.com");
    expect(page).toContain("Skip-voting every coding tool from one address");

    const audit = await (await admin.get("/admin/audit")).text();
    expect(audit).toContain("votes.remove");
    expect(audit).toContain("s•••@example.com");

    // a second removal finds nothing and logs nothing
    const again = await admin.post(`/admin/accounts/${id}/votes/remove`, { reason: "Double check" });
    expect(again.headers.get("location")).toBe(`/admin/accounts/${id}?done=no-votes`);
    expect(await auditCount(`user:${id}`)).toBe(1);
  });

  it("refuses to update or delete audit entries", async () => {
    await recordAudit(db(), {
      actor: CLI_ACTOR,
      action: "test.append-only",
      subject: "test:append-only",
      reason: "Checking the triggers",
    });
    const before = await auditCount();
    await expect(
      db()
        .updateTable("audit_log")
        .set({ reason: "rewritten" })
        .where("subject", "=", "test:append-only")
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(
      db().deleteFrom("audit_log").where("subject", "=", "test:append-only").execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db().deleteFrom("audit_log").execute()).rejects.toThrow(/append-only/);
    expect(await auditCount()).toBe(before);
    const row = await db()
      .selectFrom("audit_log")
      .select("reason")
      .where("subject", "=", "test:append-only")
      .executeTakeFirstOrThrow();
    expect(row.reason).toBe("Checking the triggers");
  });

  it("blocks an account: its sessions end, it cannot sign in again, and unblocking lets it back", async () => {
    const troll = await signIn(t, "troll@example.com");
    expect((await troll.get("/account")).status).toBe(200);
    const id = await userId("troll@example.com");

    const res = await admin.post(`/admin/accounts/${id}/block`, { reason: "Abusive votes after warnings" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/admin/accounts/${id}?done=blocked&n=1`);

    const sessions = await db().selectFrom("sessions").select("id").where("user_id", "=", id).execute();
    expect(sessions).toHaveLength(0);
    const account = await troll.get("/account");
    expect(account.status).toBe(303);
    expect(account.headers.get("location")).toMatch(/^\/sign-in\?/);

    const token = await createSignInLink(db(), { email: "troll@example.com", returnTo: "/" });
    const confirm = await confirmLink(t, token);
    expect(confirm.status).toBe(400);
    expect(await confirm.text()).toMatch(/blocked/);

    const user = await db()
      .selectFrom("users")
      .select(["blocked_at", "blocked_reason"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(user.blocked_at).not.toBeNull();
    expect(user.blocked_reason).toBe("Abusive votes after warnings");
    const page = await (await admin.get(`/admin/accounts/${id}`)).text();
    expect(page).toContain("Blocked");
    expect(page).toContain(`action="/admin/accounts/${id}/unblock"`);

    // blocking twice is refused rather than logged twice
    expect((await admin.post(`/admin/accounts/${id}/block`, { reason: "Again" })).status).toBe(409);
    expect(await auditCount(`user:${id}`)).toBe(1);

    const lift = await admin.post(`/admin/accounts/${id}/unblock`, { reason: "Appeal accepted" });
    expect(lift.status).toBe(303);
    expect(lift.headers.get("location")).toBe(`/admin/accounts/${id}?done=unblocked`);
    expect(await auditCount(`user:${id}`)).toBe(2);
    const back = await signIn(t, "troll@example.com");
    expect((await back.get("/account")).status).toBe(200);
  });

  it("does not let an admin block themselves", async () => {
    const id = await userId(ADMIN);
    const res = await admin.post(`/admin/accounts/${id}/block`, { reason: "Testing a slip" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("You cannot block yourself");
    const row = await db()
      .selectFrom("users")
      .select("blocked_at")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.blocked_at).toBeNull();
    expect(await auditCount(`user:${id}`)).toBe(0);
    expect((await admin.get("/account")).status).toBe(200);
    const page = await (await admin.get(`/admin/accounts/${id}`)).text();
    expect(page).toContain("you cannot block yourself");
    expect(page).not.toContain(`action="/admin/accounts/${id}/block"`);
  });

  it("does not let an admin block another admin, listed in ADMIN_EMAILS or granted the role", async () => {
    await signIn(t, SECOND_ADMIN);
    const listed = await userId(SECOND_ADMIN);
    const res = await admin.post(`/admin/accounts/${listed}/block`, { reason: "Taking over the site" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("Remove it from ADMIN_EMAILS first");
    await grantRoleAudited(db(), {
      actor: CLI_ACTOR,
      email: "granted-admin@example.com",
      role: "admin",
      reason: "Helps moderate",
    });
    const granted = await userId("granted-admin@example.com");
    const other = await admin.post(`/admin/accounts/${granted}/block`, { reason: "Taking over the site" });
    expect(other.status).toBe(409);
    expect(await other.text()).toContain("Ask another admin");
    const page = await (await admin.get(`/admin/accounts/${granted}`)).text();
    expect(page).toContain("one admin cannot block another");
    expect(page).not.toContain(`action="/admin/accounts/${granted}/block"`);
    const rows = await db()
      .selectFrom("users")
      .select("blocked_at")
      .where("id", "in", [listed, granted])
      .execute();
    expect(rows.map((r) => r.blocked_at)).toEqual([null, null]);
    expect(await auditCount(`user:${listed}`)).toBe(0);
    expect(await auditCount(`user:${granted}`)).toBe(0);
  });

  it("answers readers with 403 and signed-out visitors with sign-in, changing nothing", async () => {
    const reader = await signIn(t, "curious-reader@example.com");
    const victim = await signIn(t, "victim@example.com");
    await victim.post("/tools/ollama/vote", { value: "ship" });
    const id = await userId("victim@example.com");
    const audits = await auditCount();

    for (const path of [
      "/admin/moderation",
      "/admin/moderation/tools/ollama",
      `/admin/accounts/${id}`,
      "/admin/audit",
    ]) {
      expect((await reader.get(path)).status, path).toBe(403);
      const anonymous = await t.request(path);
      expect(anonymous.status, path).toBe(303);
      expect(anonymous.headers.get("location")).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
    for (const action of ["votes/remove", "block", "unblock"]) {
      const path = `/admin/accounts/${id}/${action}`;
      expect((await reader.post(path, { reason: "I do not like them" })).status, path).toBe(403);
      const anonymous = await t.request(path, form({ reason: "Anonymous attempt" }));
      expect(anonymous.status, path).toBe(401);
    }
    expect(await voteCount("victim@example.com")).toBe(1);
    expect((await victim.get("/account")).status).toBe(200);
    expect(await auditCount()).toBe(audits);
  });

  it("asks for a reason of 3 to 500 characters, re-showing the form with a 400", async () => {
    const voter = await signIn(t, "needs-reason@example.com");
    await voter.post("/tools/vllm/vote", { value: "ship" });
    const id = await userId("needs-reason@example.com");
    const audits = await auditCount();

    const missing = await admin.post(`/admin/accounts/${id}/votes/remove`, {});
    expect(missing.status).toBe(400);
    const html = await missing.text();
    expect(html).toContain("Write a reason");
    expect(html).toContain('aria-invalid="true"');

    const blank = await admin.post(`/admin/accounts/${id}/block`, { reason: "    " });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain("Write a reason");

    const short = await admin.post(`/admin/accounts/${id}/votes/remove`, { reason: " ab " });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("at least 3 characters");

    const long = await admin.post(`/admin/accounts/${id}/block`, { reason: "x".repeat(501) });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("500 characters");

    expect(await voteCount("needs-reason@example.com")).toBe(1);
    expect((await voter.get("/account")).status).toBe(200);
    expect(await auditCount()).toBe(audits);
  });

  it("refuses a moderation form sent without the CSRF token", async () => {
    const voter = await signIn(t, "csrf-target@example.com");
    await voter.post("/tools/qdrant/vote", { value: "skip" });
    const id = await userId("csrf-target@example.com");
    const audits = await auditCount();
    const remove = await admin.post(
      `/admin/accounts/${id}/votes/remove`,
      { reason: "Forged" },
      { csrf: false },
    );
    expect(remove.status).toBe(403);
    const block = await admin.post(`/admin/accounts/${id}/block`, { reason: "Forged" }, { csrf: false });
    expect(block.status).toBe(403);
    expect(await voteCount("csrf-target@example.com")).toBe(1);
    expect((await voter.get("/account")).status).toBe(200);
    expect(await auditCount()).toBe(audits);
  });

  it("rate-limits moderation actions per admin", async () => {
    const second = await signIn(t, SECOND_ADMIN);
    const id = await userId("bystander@example.com");
    let last = 0;
    for (let i = 0; i < 61; i++) {
      last = (await second.post(`/admin/accounts/${id}/votes/remove`, { reason: "" })).status;
    }
    expect(last).toBe(429);
    // the limit is per admin: another admin is unaffected
    expect((await admin.post(`/admin/accounts/${id}/votes/remove`, { reason: "" })).status).toBe(400);
  });

  it("pages through the audit log, newest first", async () => {
    for (let i = 0; i < 55; i++) {
      await recordAudit(db(), {
        actor: CLI_ACTOR,
        action: "test.page",
        subject: `test:page-${i}`,
        reason: `Entry number ${i}`,
      });
    }
    const all = await db()
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const total = Number(all.n);
    const first = await (await admin.get("/admin/audit")).text();
    const rows = (html: string) =>
      html.split("<tbody>")[1]?.split("</tbody>")[0]?.match(/<tr>/g)?.length ?? 0;
    expect(rows(first)).toBe(50);
    expect(first.indexOf("Entry number 54")).toBeLessThan(first.indexOf("Entry number 53"));
    const next = /href="\/admin\/audit\?before=(\d+)"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await (await admin.get(`/admin/audit?before=${next}`)).text();
    expect(rows(second)).toBe(total - 50);
    expect(second).toContain("Newest entries");
    expect((await admin.get("/admin/audit?before=abc")).status).toBe(400);
  });

  it("records role grants from the command line with the cli actor", async () => {
    const granted = await grantRoleAudited(db(), {
      actor: CLI_ACTOR,
      email: "new-panelist@example.com",
      role: "panelist",
      reason: "Joining the panel",
    });
    expect(granted.previousRole).toBeNull();
    const entry = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("subject", "=", `user:${granted.id}`)
      .executeTakeFirstOrThrow();
    expect(entry.actor_id).toBeNull();
    expect(entry.actor_email).toBe("cli");
    expect(entry.action).toBe("role.grant");
    expect(JSON.parse(entry.detail)).toEqual({
      email: "new-panelist@example.com",
      from: null,
      to: "panelist",
    });
    const again = await grantRoleAudited(db(), {
      actor: CLI_ACTOR,
      email: "new-panelist@example.com",
      role: "admin",
      reason: "Promoted",
    });
    expect(again.previousRole).toBe("panelist");
  });
});
