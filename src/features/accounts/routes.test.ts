import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../test/support/db.ts";
import { confirmLink, cookieFrom, form, signIn } from "../../../test/support/session.ts";
import { createMailer } from "../../mail/mailer.ts";
import { createSignInLink, LINK_TTL_MS } from "./service.ts";

reportSkippedPostgres("sign-in, sessions and CSRF");

/** The token in the newest recorded mail's link. */
function lastToken(t: TestApp): string {
  const text = t.mail.at(-1)?.text ?? "";
  const token = /\/sign-in\/confirm\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no link in mail: ${text}`);
  return token;
}

describe.each(testEngines())("sign-in on %s", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { ADMIN_EMAILS: "Chief@Example.com" });
  });
  afterAll(() => t.dispose());

  const count = async (table: "sessions" | "users" | "sign_in_links") =>
    Number(
      (
        await t.db.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("emails a link, opens a confirm page, and signs in only on the button's POST", async () => {
    const res = await t.request(
      "/sign-in",
      form({ email: "  Ada@Example.COM ", return_to: "/tools/cursor" }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sign-in/sent");
    const mail = t.mail.at(-1);
    expect(mail?.to).toBe("ada@example.com");
    expect(mail?.subject).toBe("Your sign-in link for Ship or Skip");
    const token = lastToken(t);

    // a mail scanner following the link twice signs nobody in
    for (let i = 0; i < 2; i++) {
      const page = await t.request(`/sign-in/confirm?token=${token}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('action="/sign-in/confirm" method="post"');
      expect(html).toContain("a•••@example.com");
      expect(page.headers.getSetCookie()).toEqual([]);
    }
    const sessions = await count("sessions");
    const confirmed = await confirmLink(t, token);
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("location")).toBe("/tools/cursor");
    const cookie = confirmed.headers.getSetCookie().find((c) => c.startsWith("sos_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(await count("sessions")).toBe(sessions + 1);
    const account = await t.request("/account", {
      headers: { cookie: `sos_session=${cookieFrom(confirmed, "sos_session")}` },
    });
    expect(await account.text()).toContain("ada@example.com");
  });

  it("stores links and sessions only as hashes", async () => {
    await t.request("/sign-in", form({ email: "hash@example.com" }));
    const token = lastToken(t);
    const links = await t.db.db.selectFrom("sign_in_links").select("token_hash").execute();
    expect(links.some((l) => l.token_hash.includes(token))).toBe(false);
    const confirmed = await confirmLink(t, token);
    const session = cookieFrom(confirmed, "sos_session") ?? "";
    const rows = await t.db.db.selectFrom("sessions").select("token_hash").execute();
    expect(rows.some((r) => r.token_hash === session)).toBe(false);
  });

  it("refuses a reused, expired or tampered link with a clear message and changes nothing", async () => {
    const used = await createSignInLink(t.db.db, { email: "once@example.com", returnTo: "/" });
    expect((await confirmLink(t, used)).status).toBe(303);
    const expired = await createSignInLink(t.db.db, {
      email: "late@example.com",
      returnTo: "/",
      now: Date.now() - LINK_TTL_MS - 1000,
    });
    const fresh = await createSignInLink(t.db.db, { email: "tamper@example.com", returnTo: "/" });
    const tampered = `${fresh.slice(0, -2)}${fresh.endsWith("AA") ? "BB" : "AA"}`;
    const cases: [string, string][] = [
      [used, "already been used"],
      [expired, "expired"],
      [tampered, "not valid"],
      ["short", "not valid"],
    ];
    const sessions = await count("sessions");
    const users = await count("users");
    for (const [token, message] of cases) {
      const res = await confirmLink(t, token);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(message);
      expect(res.headers.getSetCookie()).toEqual([]);
      const page = await t.request(`/sign-in/confirm?token=${encodeURIComponent(token)}`);
      expect(page.status).toBe(400);
    }
    expect(await count("sessions")).toBe(sessions);
    expect(await count("users")).toBe(users);
    // the tampered link's original still works: nothing was used up
    expect((await confirmLink(t, fresh)).status).toBe(303);
  });

  it("lets only one of two racing confirmations through", async () => {
    const token = await createSignInLink(t.db.db, { email: "race@example.com", returnTo: "/" });
    const results = await Promise.all([confirmLink(t, token), confirmLink(t, token), confirmLink(t, token)]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 400, 400]);
  });

  it("answers a known and an unknown address exactly alike, and mails both", async () => {
    await signIn(t, "known@example.com");
    const sent = t.mail.length;
    const known = await t.request("/sign-in", form({ email: "known@example.com" }));
    const unknown = await t.request("/sign-in", form({ email: "stranger@example.com" }));
    expect(unknown.status).toBe(known.status);
    expect(unknown.headers.get("location")).toBe(known.headers.get("location"));
    expect(await unknown.text()).toBe(await known.text());
    expect(t.mail.slice(sent).map((m) => m.to)).toEqual(["known@example.com", "stranger@example.com"]);
    expect(
      await t.db.db.selectFrom("users").select("id").where("email", "=", "stranger@example.com").execute(),
    ).toEqual([]);
  });

  it("explains a malformed address, keeps what was typed, and sends nothing", async () => {
    const sent = t.mail.length;
    const links = await count("sign_in_links");
    for (const email of ["", "not-an-address", "a@b@c", `${"x".repeat(300)}@example.com`]) {
      const res = await t.request("/sign-in", form({ email }));
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('class="field-error"');
      expect(html).toContain('aria-invalid="true"');
    }
    const kept = await (await t.request("/sign-in", form({ email: "<b>ada</b>" }))).text();
    expect(kept).toContain('value="&lt;b&gt;ada&lt;/b&gt;"');
    expect(t.mail.length).toBe(sent);
    expect(await count("sign_in_links")).toBe(links);
  });

  it("makes ADMIN_EMAILS admins, whatever their case", async () => {
    const chief = await signIn(t, "chief@example.com");
    expect(await (await chief.get("/account")).text()).toMatch(/<dt>Role<\/dt><dd>admin/);
    const audit = await t.db.db
      .selectFrom("audit_log")
      .select(["action", "reason"])
      .where("actor_email", "=", "chief@example.com")
      .execute();
    expect(audit).toEqual([{ action: "role.grant", reason: "Listed in ADMIN_EMAILS" }]);
    await signIn(t, "chief@example.com");
    expect(
      await t.db.db
        .selectFrom("audit_log")
        .select("id")
        .where("actor_email", "=", "chief@example.com")
        .execute(),
    ).toHaveLength(1);
    const adminPage = await (await chief.get("/account")).text();
    expect(adminPage).toContain('<a href="/admin/moderation">Moderation</a>');
    expect(adminPage).toContain('<a href="/admin/newsletter">Newsletter</a>');
    const plain = await signIn(t, "plain@example.com");
    expect(await (await plain.get("/account")).text()).not.toContain("/admin/");
    expect(await (await plain.get("/account")).text()).toMatch(/<dt>Role<\/dt><dd>reader/);
  });

  it("ends the old session when a browser signs in again", async () => {
    const first = await signIn(t, "again@example.com");
    const token = await createSignInLink(t.db.db, { email: "other@example.com", returnTo: "/" });
    const res = await t.request(
      "/sign-in/confirm",
      form({ token, _csrf: first.csrf }, { cookie: first.cookie }),
    );
    expect(res.status).toBe(303);
    expect((await first.get("/account")).headers.get("location")).toMatch(/^\/sign-in/);
  });

  it("lists sessions, signs out one device, and signs out everywhere", async () => {
    const laptop = await signIn(t, "multi@example.com");
    const phone = await signIn(t, "multi@example.com");
    const html = await (await laptop.get("/account")).text();
    expect(html.match(/\/account\/sessions\/\d+\/end/g)).toHaveLength(2);
    expect(html).toContain("this device");

    const signOut = await phone.post("/sign-out", {});
    expect(signOut.status).toBe(303);
    expect((await phone.get("/account")).headers.get("location")).toMatch(/^\/sign-in/);
    expect((await laptop.get("/account")).status).toBe(200);

    const tablet = await signIn(t, "multi@example.com");
    const everywhere = await tablet.post("/account/sign-out-everywhere", {});
    expect(everywhere.status).toBe(303);
    for (const s of [laptop, tablet]) {
      expect((await s.get("/account")).headers.get("location")).toMatch(/^\/sign-in/);
    }
  });

  it("refuses state changes without the session's CSRF token, or from another site", async () => {
    const r = await signIn(t, "csrf@example.com");
    const tries = [
      await r.post("/tools/cursor/vote", { value: "ship" }, { csrf: false }),
      await r.post("/tools/cursor/vote", { value: "ship", _csrf: "forged" }, { csrf: false }),
      await r.post("/tools/cursor/vote", { value: "ship" }, { headers: { "sec-fetch-site": "cross-site" } }),
      await r.post("/tools/cursor/vote", { value: "ship" }, { headers: { origin: "https://evil.example" } }),
      await r.post("/account/sign-out-everywhere", {}, { csrf: false }),
    ];
    expect(tries.map((x) => x.status)).toEqual([403, 403, 403, 403, 403]);
    expect(await tries[0]?.text()).toContain("Reload the page and try again");
    const votes = await t.db.db
      .selectFrom("votes")
      .innerJoin("users", "users.id", "votes.user_id")
      .select("votes.tool_id")
      .where("users.email", "=", "csrf@example.com")
      .execute();
    expect(votes).toEqual([]);
    expect((await r.get("/account")).status).toBe(200);
    // a cross-site post is refused even signed out
    const anon = await t.request(
      "/tools/cursor/bookmark",
      form({ bookmarked: "yes" }, { origin: "https://evil.example" }),
    );
    expect(anon.status).toBe(403);
    // same-origin posts pass
    const ok = await r.post(
      "/tools/cursor/vote",
      { value: "ship" },
      { headers: { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" } },
    );
    expect(ok.status).toBe(303);
  });
});

describe("sign-in rate limits", () => {
  it("limits links per address, with RateLimit headers and Retry-After", async () => {
    const t = await createTestApp("sqlite");
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await t.request("/sign-in", form({ email: "spam@example.com" }))).status);
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
    const refused = await t.request("/sign-in", form({ email: "SPAM@example.com" }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("ratelimit-policy")).toBe('"sign-in-address";q=5;w=3600');
    expect(refused.headers.get("ratelimit")).toMatch(/^"sign-in-address";r=0;t=\d+$/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(await refused.text()).toContain("Too many sign-in links");
    expect(t.mail).toHaveLength(5);
    await t.dispose();
  });

  it("limits links per client by socket address, ignoring X-Forwarded-For unless a proxy is trusted", async () => {
    const t = await createTestApp("sqlite");
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      // a client rotating a forged header does not escape the limit
      const res = await t.requestFrom(
        "203.0.113.7",
        "/sign-in",
        form({ email: `a${i}@example.com` }, { "x-forwarded-for": `198.51.100.${i}` }),
      );
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 303)).toHaveLength(20);
    expect(statuses.at(-1)).toBe(429);
    expect((await t.requestFrom("203.0.113.8", "/sign-in", form({ email: "b@example.com" }))).status).toBe(
      303,
    );
    await t.dispose();
  });

  it("does not let one network lock an address out of signing in from another", async () => {
    const t = await createTestApp("sqlite");
    for (let i = 0; i < 6; i++)
      await t.requestFrom("198.51.100.1", "/sign-in", form({ email: "target@example.com" }));
    expect(
      (await t.requestFrom("198.51.100.1", "/sign-in", form({ email: "target@example.com" }))).status,
    ).toBe(429);
    expect(
      (await t.requestFrom("203.0.113.50", "/sign-in", form({ email: "target@example.com" }))).status,
    ).toBe(303);
    await t.dispose();
  });

  it("lets the owner get a link from another network after one network asked 20 or more times", async () => {
    const t = await createTestApp("sqlite", { ADMIN_EMAILS: "owner@example.com" });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push(
        (await t.requestFrom("198.51.100.66", "/sign-in", form({ email: "owner@example.com" }))).status,
      );
    expect(statuses.filter((s) => s === 303)).toHaveLength(5);
    expect(t.mail).toHaveLength(5);
    const owner = await t.requestFrom("203.0.113.9", "/sign-in", form({ email: "Owner@example.com" }));
    expect(owner.status).toBe(303);
    expect(t.mail).toHaveLength(6);
    expect(t.mail.at(-1)?.to).toBe("owner@example.com");
    await t.dispose();
  });

  it("caps the mail to one inbox from many networks, for minutes only, counting only links sent", async () => {
    // only Date is faked: the store and the handler read the window on it
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = await createTestApp("sqlite");
    for (let i = 0; i < 10; i++)
      expect(
        (await t.requestFrom(`198.51.100.${i}`, "/sign-in", form({ email: "busy@example.com" }))).status,
      ).toBe(303);
    const capped = await t.requestFrom("203.0.113.9", "/sign-in", form({ email: "busy@example.com" }));
    expect(capped.status).toBe(429);
    expect(Number(capped.headers.get("retry-after"))).toBeLessThanOrEqual(600);
    expect(t.mail).toHaveLength(10);
    vi.setSystemTime(Date.now() + 10 * 60_000);
    expect((await t.requestFrom("203.0.113.9", "/sign-in", form({ email: "busy@example.com" }))).status).toBe(
      303,
    );
    vi.useRealTimers();
    await t.dispose();
  });

  it("counts IPv6 clients by /64, so rotating addresses does not escape the limit", async () => {
    const t = await createTestApp("sqlite");
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await t.requestFrom(
        `2001:db8:5:6::${(i + 1).toString(16)}`,
        "/sign-in",
        form({ email: `v6-${i}@example.com` }),
      );
      statuses.push(res.status);
    }
    expect(statuses.at(-1)).toBe(429);
    await t.dispose();
  });

  it("behind one trusted proxy, keys on the address the proxy saw, not what the client wrote", async () => {
    const t = await createTestApp("sqlite", { TRUST_PROXY: "1" });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await t.requestFrom(
        "10.0.0.2",
        "/sign-in",
        form({ email: `c${i}@example.com` }, { "x-forwarded-for": `1.2.3.${i}, 198.51.100.9` }),
      );
      statuses.push(res.status);
    }
    expect(statuses.at(-1)).toBe(429);
    // another real client behind the same proxy is unaffected
    const other = await t.requestFrom(
      "10.0.0.2",
      "/sign-in",
      form({ email: "d@example.com" }, { "x-forwarded-for": "198.51.100.10" }),
    );
    expect(other.status).toBe(303);
    await t.dispose();
  });
});

describe("development outbox", () => {
  it("shows the outbox only to this machine, never through a proxy, and never caches it", async () => {
    const t = await createTestApp("sqlite", { NODE_ENV: "development" });
    expect(await (await t.request("/sign-in")).text()).toContain('<a href="/dev/outbox">the outbox</a>');
    const local = await t.requestFrom("127.0.0.1", "/dev/outbox");
    expect(local.status).toBe(200);
    expect(local.headers.get("cache-control")).toBe("no-store");
    expect((await t.requestFrom("203.0.113.9", "/dev/outbox")).status).toBe(404);
    const proxied = await t.requestFrom("127.0.0.1", "/dev/outbox", {
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    expect(proxied.status).toBe(404);
    expect(t.deps.cache.get("/dev/outbox")).toBeUndefined();
    await t.dispose();
    const prod = await createTestApp("sqlite", { NODE_ENV: "production" });
    expect(await (await prod.request("/sign-in")).text()).not.toContain("/dev/outbox");
    expect((await prod.requestFrom("127.0.0.1", "/dev/outbox")).status).toBe(404);
    await prod.dispose();
  });

  it("refuses the outbox and form posts under another site's name (DNS rebinding)", async () => {
    const t = await createTestApp("sqlite", { NODE_ENV: "development", PORT: "3000" });
    const rebound = { host: "attacker.example" };
    expect((await t.requestFrom("127.0.0.1", "/dev/outbox", { headers: rebound })).status).toBe(404);
    expect(
      (await t.requestFrom("127.0.0.1", "http://attacker.example/dev/outbox", { headers: rebound })).status,
    ).toBe(404);
    expect(
      (await t.requestFrom("127.0.0.1", "/dev/outbox", { headers: { host: "attacker.example:3000" } }))
        .status,
    ).toBe(404);
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "localhost"])
      expect((await t.requestFrom("127.0.0.1", "/dev/outbox", { headers: { host } })).status).toBe(200);
    expect(
      (await t.requestFrom("127.0.0.1", "/dev/outbox", { headers: { host: "localhost:4000" } })).status,
    ).toBe(404);

    const sent = t.mail.length;
    const post = await t.requestFrom(
      "127.0.0.1",
      "http://attacker.example/sign-in",
      form({ email: "dev@example.com" }, { origin: "http://attacker.example", ...rebound }),
    );
    expect(post.status).toBe(403);
    expect(t.mail.length).toBe(sent);
    // the developer's own browser on this machine still posts
    const own = await t.requestFrom(
      "127.0.0.1",
      "http://127.0.0.1:3000/sign-in",
      form({ email: "dev@example.com" }, { origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }),
    );
    expect(own.status).toBe(303);
    await t.dispose();
  });

  it("lists and shows a message the outbox wrote, its subject decoded and both its parts", async () => {
    const t = await createTestApp("sqlite", { NODE_ENV: "development" });
    const outbox = createMailer({ from: "site@example.com", outboxDir: t.deps.config.outboxDir });
    const subject = "Café ☕ — your sign-in link";
    await outbox.send({
      to: "zoë@example.com",
      subject,
      text: "Open http://localhost:3000/sign-in/confirm?token=abc",
      html: '<p style="color:#123456">Open the link</p>',
    });
    const list = await (await t.requestFrom("127.0.0.1", "/dev/outbox")).text();
    expect(list).toContain(subject);
    expect(list).not.toContain("=?UTF-8?");
    const name = /href="\/dev\/outbox\/([\w.-]+\.eml)"/.exec(list)?.[1];

    const page = await t.requestFrom("127.0.0.1", `/dev/outbox/${name}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<h1>${subject}</h1>`);
    expect(html).toContain(
      '<a href="http://localhost:3000/sign-in/confirm?token=abc">http://localhost:3000/sign-in/confirm?token=abc</a>',
    );
    expect(html).toContain(`<a href="/dev/outbox/${name}/html">View the HTML part</a>`);

    const part = await t.requestFrom("127.0.0.1", `/dev/outbox/${name}/html`);
    expect(part.status).toBe(200);
    expect(await part.text()).toBe('<p style="color:#123456">Open the link</p>');
    expect(part.headers.get("content-security-policy")).toContain("style-src 'unsafe-inline'");
    expect(part.headers.get("content-security-policy")).not.toContain("script-src");
    expect(part.headers.get("cache-control")).toBe("no-store");
    expect((await t.requestFrom("203.0.113.9", `/dev/outbox/${name}/html`)).status).toBe(404);
    expect((await t.requestFrom("127.0.0.1", "/dev/outbox/missing.eml/html")).status).toBe(404);
    await t.dispose();
  });
});
