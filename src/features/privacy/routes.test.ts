import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { form, signIn, type TestSession } from "../../../test/support/session.ts";
import { iso } from "../../db/time.ts";
import { CLI_ACTOR, recordAudit } from "../audit/index.ts";
import { leaderboardJobs } from "../leaderboard/index.ts";
import { grantRoleAudited } from "../moderation/index.ts";
import { DELETED_ACCOUNT } from "./index.ts";

reportSkippedPostgres("privacy: download and deletion");

const ADMIN = "admin@example.com";
const PAIR = "/compare/cursor-vs-github-copilot";

describe.each(testEngines())("a reader's data on %s", (engine) => {
  let t: TestApp;
  let admin: TestSession;

  beforeAll(async () => {
    t = await createTestApp(engine, { ADMIN_EMAILS: ADMIN });
    admin = await signIn(t, ADMIN);
  });
  afterAll(async () => {
    // picks and deletions schedule a recompute: it must not outlive the database
    if (t) await leaderboardJobs(t.deps).stop();
    await t?.dispose();
  });

  const db = () => t.db.db;

  async function userId(email: string): Promise<number | undefined> {
    const row = await db().selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    return row?.id;
  }

  /** A reader with a vote, a pick, a bookmark, an API token and a newsletter subscription. */
  async function activeReader(
    email: string,
    opts: { vote: string; winner: string; bookmark: string; tokenName: string },
  ) {
    const s = await signIn(t, email);
    expect((await s.post(`/tools/${opts.vote}/vote`, { value: "ship" })).status).toBe(303);
    expect((await s.post(`${PAIR}/pick`, { winner: opts.winner })).status).toBe(303);
    expect((await s.post(`/tools/${opts.bookmark}/bookmark`, { bookmarked: "yes" })).status).toBe(303);
    const created = await s.post("/account/tokens", { name: opts.tokenName, scope: "write" });
    expect(created.status).toBe(201);
    const token = /<code id="new-token">([^<]+)</.exec(await created.text())?.[1];
    if (!token) throw new Error("no token shown");
    const id = (await userId(email)) as number;
    const sub = await db()
      .insertInto("subscribers")
      .values({
        email,
        status: "confirmed",
        unsubscribe_token: randomBytes(18).toString("base64url"),
        user_id: id,
        created_at: iso(Date.now()),
        confirmed_at: iso(Date.now()),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const category = await db().selectFrom("categories").select("id").orderBy("id").executeTakeFirstOrThrow();
    await db()
      .insertInto("subscriber_categories")
      .values({ subscriber_id: sub.id, category_id: category.id })
      .execute();
    return { session: s, id, token };
  }

  /** The community figure the public tool page shows, read as a signed-out visitor. */
  async function publicFigure(slug: string): Promise<string> {
    const html = await (await t.request(`/tools/${slug}`)).text();
    const figure = new RegExp(`data-swap="community:${slug}">([^<]+)<`).exec(html)?.[1];
    if (!figure) throw new Error(`no community figure on /tools/${slug}`);
    return figure;
  }

  async function tableNames(): Promise<string[]> {
    const { rows } =
      engine === "sqlite"
        ? await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db())
        : await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(
            db(),
          );
    return rows.map((r) => r.name).sort();
  }

  /**
   * Every row of every table that still names the account: its address anywhere, or its id in a
   * column that links to accounts (or as an audit subject).
   */
  async function traces(
    id: number,
    email: string,
  ): Promise<{ table: string; row: Record<string, unknown> }[]> {
    const found: { table: string; row: Record<string, unknown> }[] = [];
    for (const table of await tableNames()) {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db());
      for (const row of rows) {
        const text = JSON.stringify(row).toLowerCase();
        const linked = Object.entries(row).some(
          ([k, v]) =>
            ((k === "user_id" ||
              k === "author_id" ||
              k === "actor_id" ||
              (table === "users" && k === "id")) &&
              Number(v) === id) ||
            (k === "subject" && v === `user:${id}`),
        );
        if (text.includes(email.toLowerCase()) || linked) found.push({ table, row });
      }
    }
    return found;
  }

  it("downloads everything about the reader as a JSON attachment, and nothing of another reader or any secret", async () => {
    const reader = await activeReader("download-me@example.com", {
      vote: "aider",
      winner: "cursor",
      bookmark: "ollama",
      tokenName: "my laptop script",
    });
    const other = await activeReader("someone-else@example.com", {
      vote: "cursor",
      winner: "github-copilot",
      bookmark: "qdrant",
      tokenName: "the other reader's bot",
    });

    const res = await reader.session.get("/account/data");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="shiporskip-data-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(res.headers.get("cache-control")).toContain("no-store");
    const text = await res.text();
    const data = JSON.parse(text);
    expect(data.account).toMatchObject({ id: reader.id, email: "download-me@example.com", role: "reader" });
    expect(data.votes).toEqual([expect.objectContaining({ tool: "aider", value: "ship" })]);
    expect(data.picks).toEqual([
      expect.objectContaining({ pair: ["cursor", "github-copilot"], winner: "cursor" }),
    ]);
    expect(data.bookmarks).toEqual([expect.objectContaining({ tool: "ollama" })]);
    expect(data.apiTokens).toEqual([expect.objectContaining({ name: "my laptop script", scope: "write" })]);
    expect(data.newsletter).toEqual([
      expect.objectContaining({
        email: "download-me@example.com",
        status: "confirmed",
        followedCategories: [expect.any(String)],
      }),
    ]);
    expect(data.sessions).toEqual([expect.objectContaining({ thisDevice: true })]);

    // nothing of the other reader
    for (const theirs of ["someone-else@example.com", "the other reader's bot", "qdrant", other.token]) {
      expect(text).not.toContain(theirs);
    }
    // no secret, and no hash of one
    const hashes = [
      ...(await db().selectFrom("sessions").select("token_hash as h").execute()),
      ...(await db().selectFrom("api_tokens").select("token_hash as h").execute()),
      ...(await db().selectFrom("sign_in_links").select("token_hash as h").execute()),
      ...(await db().selectFrom("subscribers").select("unsubscribe_token as h").execute()),
    ].map((r) => r.h);
    expect(hashes.length).toBeGreaterThan(4);
    for (const secret of [reader.token, reader.session.cookie.split("=")[1] as string, ...hashes]) {
      expect(text).not.toContain(secret);
    }
  });

  it("sends a signed-out visitor to sign in rather than a file", async () => {
    const res = await t.request("/account/data");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sign-in?next=%2Faccount%2Fdata");
  });

  it("deletes an account after confirmation: nothing of it is left but anonymized audit entries, and its votes and picks stop counting", async () => {
    const email = "Leaving@Example.com".toLowerCase();
    const reader = await activeReader(email, {
      vote: "aider",
      winner: "github-copilot",
      bookmark: "ollama",
      tokenName: "leaving script",
    });
    // a panelist once: a role change in the audit log naming the address, and a published revision
    await grantRoleAudited(db(), { actor: CLI_ACTOR, email, role: "panelist", reason: "joined the panel" });
    await db()
      .transaction()
      .execute((trx) =>
        recordAudit(trx, {
          actor: CLI_ACTOR,
          action: "test.note",
          subject: "tool:aider",
          reason: `Asked by ${email.toUpperCase()} by mail`,
          detail: { contact: email },
        }),
      );
    const revision = await db()
      .selectFrom("review_revisions")
      .select(["id", "author"])
      .orderBy("id")
      .executeTakeFirstOrThrow();
    await db()
      .updateTable("review_revisions")
      .set({ author_id: reader.id })
      .where("id", "=", revision.id)
      .execute();

    await leaderboardJobs(t.deps).runNow();
    const picksBefore = (await (await t.request("/leaderboard/picks.csv")).text()).trim().split("\n").length;
    const figureBefore = await publicFigure("aider");

    const page = await reader.session.get("/account/delete");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("published reviews stay on the site under your byline");
    expect(html).toContain("1 vote");
    expect(html).toContain('action="/account/delete"');

    // the confirmation is required, and so is the CSRF token
    const noCsrf = await reader.session.post("/account/delete", { confirm_email: email }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    const wrong = await reader.session.post("/account/delete", { confirm_email: "someone@example.com" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Nothing was deleted");
    expect(await userId(email)).toBe(reader.id);

    const done = await reader.session.post("/account/delete", { confirm_email: ` ${email.toUpperCase()} ` });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/account/deleted");
    expect(done.headers.getSetCookie().some((c) => /^sos_session=;/.test(c))).toBe(true);
    const confirmation = await t.request("/account/deleted");
    expect(confirmation.status).toBe(200);
    expect(await confirmation.text()).toContain("Your account is deleted");

    // signed out everywhere; the API token is dead
    expect((await reader.session.get("/account")).status).toBe(303);
    const api = await t.request("/api/v1/me/votes", { headers: { authorization: `Bearer ${reader.token}` } });
    expect(api.status).toBe(401);

    // nothing names the account any more, except audit entries with the address taken out
    const left = await traces(reader.id, email);
    expect(left.length).toBeGreaterThan(0);
    for (const { table, row } of left) {
      expect(table).toBe("audit_log");
      expect(JSON.stringify(row).toLowerCase()).not.toContain(email);
    }
    const deletion = left.find((l) => l.row.action === "account.delete")?.row;
    expect(deletion).toMatchObject({ actor_email: DELETED_ACCOUNT, subject: `user:${reader.id}` });
    expect(JSON.parse(deletion?.detail as string)).toMatchObject({
      by: "account holder",
      removed: {
        votes: 1,
        picks: 1,
        bookmarks: 1,
        apiTokens: 1,
        sessions: 1,
        subscriptions: 1,
        reviewsKept: 1,
      },
    });
    // the entries written before: kept, marked as redacted
    const grant = left.find((l) => l.row.action === "role.grant")?.row;
    expect(grant?.redacted_at).toEqual(expect.any(String));
    expect(JSON.parse(grant?.detail as string)).toMatchObject({ email: DELETED_ACCOUNT, to: "panelist" });
    const note = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "test.note")
      .executeTakeFirstOrThrow();
    expect(note.reason).toBe(`Asked by ${DELETED_ACCOUNT} by mail`);
    expect(note.redacted_at).not.toBeNull();

    // the review stays under its byline
    const kept = await db()
      .selectFrom("review_revisions")
      .select(["author", "author_id"])
      .where("id", "=", revision.id)
      .executeTakeFirstOrThrow();
    expect(kept).toEqual({ author: revision.author, author_id: null });

    // community figures and the boards no longer count the account
    expect(await publicFigure("aider")).not.toBe(figureBefore);
    await leaderboardJobs(t.deps).runNow();
    const picksAfter = (await (await t.request("/leaderboard/picks.csv")).text()).trim().split("\n").length;
    expect(picksAfter).toBe(picksBefore - 1);

    // the same address can start afresh, with an empty account
    const again = await signIn(t, email);
    const fresh = JSON.parse(await (await again.get("/account/data")).text());
    expect(fresh.account.id).not.toBe(reader.id);
    expect(fresh.votes).toEqual([]);
    expect(fresh.newsletter).toEqual([]);
  });

  it("drops the cached pages of the tools the account voted on and the pair it picked on, and no others at once", async () => {
    const reader = await signIn(t, "cached-leaver@example.com");
    expect((await reader.post("/tools/vllm/vote", { value: "skip" })).status).toBe(303);
    expect((await reader.post("/compare/langchain-vs-llamaindex/pick", { winner: "langchain" })).status).toBe(
      303,
    );
    const pages = [
      "/tools/vllm",
      "/compare/langchain-vs-llamaindex",
      "/tools/pgvector",
      "/compare/pinecone-vs-qdrant",
    ];
    t.deps.cache.clearLocal();
    for (const path of pages) {
      expect((await t.request(path)).status, path).toBe(200);
      expect(t.deps.cache.has(path), path).toBe(true);
    }
    const done = await reader.post("/account/delete", { confirm_email: "cached-leaver@example.com" });
    expect(done.status).toBe(303);
    expect(pages.filter((path) => t.deps.cache.has(path))).toEqual([
      "/tools/pgvector",
      "/compare/pinecone-vs-qdrant",
    ]);
    // lists showing many tools' figures follow on the figures timer
    expect(t.deps.cache.refreshingFigures).toBe(true);
    t.deps.cache.close();
  });

  it("keeps the audit log append-only apart from redactions", async () => {
    await db()
      .transaction()
      .execute((trx) =>
        recordAudit(trx, {
          actor: CLI_ACTOR,
          action: "test.kept",
          subject: "test:kept",
          reason: "kept as written",
        }),
      );
    const where = () => db().updateTable("audit_log").where("subject", "=", "test:kept");
    await expect(where().set({ reason: "rewritten" }).execute()).rejects.toThrow(/append-only/);
    await expect(
      where()
        .set({ action: "test.other", redacted_at: iso(Date.now()) })
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db().deleteFrom("audit_log").where("subject", "=", "test:kept").execute()).rejects.toThrow(
      /append-only/,
    );
    await where()
      .set({ reason: "redacted", redacted_at: iso(Date.now()) })
      .execute();
    const row = await db()
      .selectFrom("audit_log")
      .select(["reason", "action"])
      .where("subject", "=", "test:kept")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ reason: "redacted", action: "test.kept" });
  });

  it("lets an admin delete an account on request, with a reason and a confirmation, audited without the address", async () => {
    const email = "asked-by-mail@example.com";
    const reader = await signIn(t, email);
    expect((await reader.post("/tools/ollama/vote", { value: "skip" })).status).toBe(303);
    const id = (await userId(email)) as number;

    // found by the address the reader wrote from; its page links to the confirmation step
    const lookup = await admin.get(`/admin/accounts?email=${encodeURIComponent(` ${email.toUpperCase()}`)}`);
    expect(lookup.status).toBe(303);
    expect(lookup.headers.get("location")).toBe(`/admin/accounts/${id}`);
    const unknown = await admin.get("/admin/accounts?email=nobody-here%40example.com");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("No account has this address.");
    expect((await reader.get(`/admin/accounts?email=${encodeURIComponent(email)}`)).status).toBe(403);
    const account = await admin.get(`/admin/accounts/${id}`);
    expect(await account.text()).toContain(`href="/admin/accounts/${id}/delete"`);
    const page = await admin.get(`/admin/accounts/${id}/delete`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Published reviews stay under their byline");

    // readers cannot; the reason, the typed address and the CSRF token are all required
    expect(
      (await reader.post(`/admin/accounts/${id}/delete`, { reason: "why not", confirm_email: email })).status,
    ).toBe(403);
    expect(
      (
        await admin.post(
          `/admin/accounts/${id}/delete`,
          { reason: "asked by mail", confirm_email: email },
          { csrf: false },
        )
      ).status,
    ).toBe(403);
    const noReason = await admin.post(`/admin/accounts/${id}/delete`, { reason: "", confirm_email: email });
    expect(noReason.status).toBe(400);
    const wrongEmail = await admin.post(`/admin/accounts/${id}/delete`, {
      reason: "asked by mail",
      confirm_email: ADMIN,
    });
    expect(wrongEmail.status).toBe(400);
    expect(await userId(email)).toBe(id);

    const done = await admin.post(`/admin/accounts/${id}/delete`, {
      reason: `Request mailed from ${email} on Monday`,
      confirm_email: email,
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/admin/audit");
    expect(await userId(email)).toBeUndefined();
    const audit = await (await admin.get("/admin/audit")).text();
    expect(audit).toContain("account.delete");
    expect(audit).toContain("address of a deleted account removed");
    expect(audit).not.toContain(email);
    // what was removed, in words
    expect(audit).not.toContain("[object Object]");
    expect(audit).toMatch(/removed: [^<]*votes 1[^<]*sessions 1/);
    const entry = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "account.delete")
      .where("subject", "=", `user:${id}`)
      .executeTakeFirstOrThrow();
    expect(entry.actor_email).toBe(ADMIN);
    expect(entry.reason).toBe(`Request mailed from ${DELETED_ACCOUNT} on Monday`);
    expect(JSON.parse(entry.detail)).toMatchObject({ by: "admin", removed: { votes: 1, sessions: 1 } });
    for (const { row } of await traces(id, email)) expect(JSON.stringify(row)).not.toContain(email);
    // the reader's session died with the account
    expect((await reader.get("/account")).status).toBe(303);
  });

  it("refuses to let an admin delete another admin or their own account from moderation", async () => {
    const adminId = (await userId(ADMIN)) as number;
    const own = await admin.post(`/admin/accounts/${adminId}/delete`, {
      reason: "leaving",
      confirm_email: ADMIN,
    });
    expect(own.status).toBe(409);
    await grantRoleAudited(db(), {
      actor: CLI_ACTOR,
      email: "other-admin@example.com",
      role: "admin",
      reason: "test",
    });
    const otherId = (await userId("other-admin@example.com")) as number;
    const other = await admin.post(`/admin/accounts/${otherId}/delete`, {
      reason: "not allowed",
      confirm_email: "other-admin@example.com",
    });
    expect(other.status).toBe(409);
    expect(await userId("other-admin@example.com")).toBe(otherId);
  });

  it("refuses a deletion from a signed-out visitor", async () => {
    const res = await t.request("/account/delete", form({ confirm_email: "x@example.com" }));
    expect([401, 403]).toContain(res.status);
  });

  it("removes the record of expired sessions at the next sign-in, as /privacy says", async () => {
    const someone = await signIn(t, "expired-session@example.com");
    const id = (await userId(someone.email)) as number;
    const past = iso(Date.now() - 60_000);
    await db()
      .insertInto("sessions")
      .values({
        token_hash: `expired-${randomBytes(8).toString("hex")}`,
        user_id: id,
        user_agent: "an old browser",
        created_at: past,
        last_seen_at: past,
        expires_at: past,
      })
      .execute();
    const before = await db().selectFrom("sessions").select("user_agent").where("user_id", "=", id).execute();
    expect(before.map((r) => r.user_agent)).toContain("an old browser");
    await signIn(t, "someone-signing-in-later@example.com");
    const after = await db().selectFrom("sessions").select("user_agent").where("user_id", "=", id).execute();
    expect(after.map((r) => r.user_agent)).not.toContain("an old browser");
    expect(after.length).toBe(1);
  });

  it("links /privacy from every page's footer and from /account, and says how long things are kept", async () => {
    const home = await (await t.request("/")).text();
    expect(home).toMatch(/<footer[\s\S]*href="\/privacy"[\s\S]*<\/footer>/);
    const reader = await signIn(t, "privacy-reader@example.com");
    const account = await (await reader.get("/account")).text();
    expect(account).toContain('href="/privacy"');
    expect(account).toContain('href="/account/data"');
    expect(account).toContain('href="/account/delete"');
    const res = await t.request("/privacy");
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const words of [
      "15 minutes",
      "30 days",
      "7 days",
      "Download your data",
      "Delete your account",
      "Request logs",
    ]) {
      expect(text).toContain(words);
    }
  });
});
