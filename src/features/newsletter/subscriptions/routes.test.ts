/**
 * Newsletter subscriptions over HTTP on every engine: double opt-in, identical answers for
 * every address, bad links and addresses, unsubscribing (button and RFC 8058 one-click),
 * preferences and rate limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../../test/support/db.ts";
import { form, signIn } from "../../../../test/support/session.ts";
import { normalizeEmail } from "../../../domain/email.ts";
import { hashToken } from "../../../http/tokens.ts";
import type { OutgoingMail } from "../../../mail/mailer.ts";
import { confirmedRecipientsCount } from "../issues/index.ts";
import { CONFIRM_TTL_MS, confirmSubscription, getPreferences, subscribe, unsubscribe } from "./service.ts";

reportSkippedPostgres("newsletter subscriptions");

type Fields = Record<string, string | string[]>;

/** Page text with the entities hono/jsx writes turned back into characters. */
const decode = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

function confirmTokenIn(mail: OutgoingMail | undefined): string {
  const token = /\/newsletter\/confirm\?token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? "")?.[1];
  if (!token) throw new Error(`no confirmation link in: ${mail?.text}`);
  return token;
}

describe.each(testEngines())("newsletter subscriptions on %s", (engine) => {
  let t: TestApp;
  let clients = 0;
  /** A client address of its own, so the per-network limit only bites where a test wants it. */
  const freshClient = () => `198.51.${Math.floor(++clients / 250)}.${clients % 250}`;
  const post = (fields: Fields, from = freshClient()) => t.requestFrom(from, "/newsletter", form(fields));

  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t.dispose());

  const rowsFor = (email: string) =>
    t.db.db.selectFrom("subscribers").selectAll().where("email", "=", email).execute();
  const rowFor = async (email: string) => {
    const rows = await rowsFor(email);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };
  const followed = async (email: string) =>
    (
      await t.db.db
        .selectFrom("subscriber_categories")
        .innerJoin("subscribers", "subscribers.id", "subscriber_categories.subscriber_id")
        .innerJoin("categories", "categories.id", "subscriber_categories.category_id")
        .select("categories.slug")
        .where("subscribers.email", "=", email)
        .orderBy("categories.slug")
        .execute()
    ).map((r) => r.slug);
  const subscriberCount = async () =>
    Number(
      (
        await t.db.db
          .selectFrom("subscribers")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const postConfirm = (token: string) => t.request("/newsletter/confirm", form({ token }));
  /** Subscribes and confirms through the service; returns the row's unsubscribe token. */
  async function confirmedSubscriber(email: string, categorySlugs?: string[]): Promise<string> {
    const asked = await subscribe(t.db.db, { email, categorySlugs });
    if (!asked.ok || asked.send !== "confirmation") throw new Error("expected a confirmation");
    const done = await confirmSubscription(t.db.db, { token: asked.token });
    if (!done.ok) throw new Error(`confirmation failed: ${done.problem}`);
    return done.unsubscribeToken;
  }

  it("mails a confirmation link whose page changes nothing until its button is pressed", async () => {
    const before = await confirmedRecipientsCount(t.db.db);
    const sent = t.mail.length;
    const res = await post({
      email: "  New.Reader@Example.COM ",
      category: ["speech-audio", "coding-assistants"],
      return_to: "/",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/newsletter/check-email");
    expect(t.mail).toHaveLength(sent + 1);
    const mail = t.mail.at(-1)!;
    expect(mail.to).toBe("new.reader@example.com");
    expect(mail.subject).toBe("Confirm your subscription to Weekly AI Tool Verdicts");
    const token = confirmTokenIn(mail);
    expect(mail.text).toContain(`http://localhost:3000/newsletter/confirm?token=${token}`);
    expect(mail.html).toContain(`http://localhost:3000/newsletter/confirm?token=${token}`);

    const row = await rowFor("new.reader@example.com");
    expect(row.status).toBe("pending");
    // only the hash is kept: the database alone cannot confirm anyone
    expect(row.confirm_token_hash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const ttl = Date.parse(row.confirm_expires_at!) - Date.parse(row.created_at);
    expect(ttl).toBe(CONFIRM_TTL_MS);
    expect(row.unsubscribe_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await followed("new.reader@example.com")).toEqual(["coding-assistants", "speech-audio"]);

    const checkEmail = await t.request("/newsletter/check-email");
    expect(checkEmail.status).toBe(200);
    expect(await checkEmail.text()).toContain("Check your email");

    // a mail scanner opening the link twice subscribes nobody
    for (let i = 0; i < 2; i++) {
      const page = await t.request(`/newsletter/confirm?token=${token}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toContain("no-store");
      const html = await page.text();
      expect(html).toContain('action="/newsletter/confirm" method="post"');
      expect(html).toContain(`name="token" value="${token}"`);
      expect(html).toContain("n•••@example.com");
      expect((await rowFor("new.reader@example.com")).status).toBe("pending");
    }
    expect(await confirmedRecipientsCount(t.db.db)).toBe(before);

    const confirmed = await postConfirm(token);
    expect(confirmed.status).toBe(303);
    const location = confirmed.headers.get("location")!;
    expect(location).toBe(`/newsletter/preferences?token=${row.unsubscribe_token}&confirmed=1`);
    const after = await rowFor("new.reader@example.com");
    expect(after.status).toBe("confirmed");
    expect(after.confirmed_at).not.toBeNull();
    expect(after.unsubscribe_token).toBe(row.unsubscribe_token);
    expect(await confirmedRecipientsCount(t.db.db)).toBe(before + 1);

    const landing = await t.request(location);
    expect(landing.status).toBe(200);
    const html = await landing.text();
    expect(html).toContain("Your subscription is confirmed");
    expect(html).toMatch(/value="speech-audio" checked/);
    expect(html).not.toMatch(/value="foundation-models" checked/);
  });

  it("answers byte for byte the same whether an address is new, waiting or subscribed, with one row", async () => {
    const email = "twice@example.com";
    const seen = async (res: Response) => {
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        // the counters move with every request, whoever the address belongs to
        if (key !== "ratelimit") headers[key] = value;
      });
      return {
        status: res.status,
        headers,
        cookies: res.headers.getSetCookie(),
        body: Buffer.from(await res.arrayBuffer()).toString("hex"),
      };
    };
    const sent = t.mail.length;
    const asNew = await seen(await post({ email, category: "speech-audio" }));
    const firstToken = confirmTokenIn(t.mail.at(-1));
    const asPending = await seen(await post({ email, category: "image-generation" }));
    const secondToken = confirmTokenIn(t.mail.at(-1));
    expect(asPending).toEqual(asNew);
    expect(await rowsFor(email)).toHaveLength(1);
    // a new request replaces the waiting link, and its categories replace the waiting choice
    expect(secondToken).not.toBe(firstToken);
    expect(await followed(email)).toEqual(["image-generation"]);
    expect((await postConfirm(firstToken)).status).toBe(400);
    expect((await postConfirm(secondToken)).status).toBe(303);

    const confirmed = await rowFor(email);
    const asSubscribed = await seen(await post({ email: "TWICE@example.com", category: "agent-frameworks" }));
    expect(asSubscribed).toEqual(asNew);
    expect(asNew.status).toBe(303);
    expect(asNew.headers.location).toBe("/newsletter/check-email");
    // the subscriber's row is untouched by a stranger's request
    expect(await rowsFor(email)).toEqual([confirmed]);
    expect(await followed(email)).toEqual(["image-generation"]);

    // the inbox's owner is the one who learns the difference
    expect(t.mail.slice(sent).map((m) => [m.to, m.subject])).toEqual([
      [email, "Confirm your subscription to Weekly AI Tool Verdicts"],
      [email, "Confirm your subscription to Weekly AI Tool Verdicts"],
      [email, "You are already subscribed to Weekly AI Tool Verdicts"],
    ]);
    const notice = t.mail.at(-1)!;
    const unsubscribeLink = `http://localhost:3000/newsletter/unsubscribe?token=${confirmed.unsubscribe_token}`;
    expect(notice.text).toContain(
      `http://localhost:3000/newsletter/preferences?token=${confirmed.unsubscribe_token}`,
    );
    expect(notice.text).toContain(unsubscribeLink);
    expect(notice.text).not.toContain("/newsletter/confirm");
    expect(notice.headers).toEqual({
      "List-Unsubscribe": `<${unsubscribeLink}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
  });

  it("refuses expired, reused and tampered confirmation links with a clear 400 and changes nothing", async () => {
    // a real mailed link, used once through the button
    expect((await post({ email: "reused@example.com" })).status).toBe(303);
    const reusedToken = confirmTokenIn(t.mail.at(-1));
    expect((await postConfirm(reusedToken)).status).toBe(303);
    expect((await rowFor("reused@example.com")).status).toBe("confirmed");

    const fresh = await subscribe(t.db.db, { email: "tamper@example.com" });
    if (!fresh.ok || fresh.send !== "confirmation") throw new Error("expected a confirmation");
    const tampered = `${fresh.token.slice(0, -2)}${fresh.token.endsWith("AA") ? "BB" : "AA"}`;
    // last: any later subscription would purge a request this old
    const lateAt = Date.now() - CONFIRM_TTL_MS - 1000;
    const late = await subscribe(t.db.db, { email: "late@example.com", now: lateAt });
    if (!late.ok || late.send !== "confirmation") throw new Error("expected a confirmation");

    const cases: [string, string][] = [
      [late.token, "This confirmation link has expired: links stay valid for 7 days."],
      [reusedToken, "This subscription is confirmed already, so there is nothing left to do"],
      [tampered, "This confirmation link is not valid."],
      ["short", "This confirmation link is not valid."],
      [`${fresh.token}!`, "This confirmation link is not valid."],
    ];
    const snapshot = async () => t.db.db.selectFrom("subscribers").selectAll().orderBy("id").execute();
    const before = await snapshot();
    const sent = t.mail.length;
    for (const [token, message] of cases) {
      for (const res of [
        await t.request(`/newsletter/confirm?token=${encodeURIComponent(token)}`),
        await postConfirm(token),
      ]) {
        expect(res.status).toBe(400);
        const html = decode(await res.text());
        expect(html).toContain(message);
        expect(html).toContain('href="/newsletter');
      }
    }
    expect(await snapshot()).toEqual(before);
    expect(t.mail.length).toBe(sent);
    expect((await rowFor("late@example.com")).status).toBe("pending");

    // a second before the 7 days are up, the same kind of link still works
    const almost = await subscribe(t.db.db, { email: "almost@example.com", now: lateAt + 2000 });
    if (!almost.ok || almost.send !== "confirmation") throw new Error("expected a confirmation");
    expect((await postConfirm(almost.token)).status).toBe(303);
    // the tampered link's original still works: a bad guess spends nothing
    expect((await postConfirm(fresh.token)).status).toBe(303);
  });

  it("refuses a confirmation link from before the address unsubscribed", async () => {
    const asked = await subscribe(t.db.db, { email: "gone@example.com" });
    if (!asked.ok || asked.send !== "confirmation") throw new Error("expected a confirmation");
    expect((await postConfirm(asked.token)).status).toBe(303);
    const row = await rowFor("gone@example.com");
    expect((await unsubscribe(t.db.db, { token: row.unsubscribe_token })).ok).toBe(true);
    const res = await postConfirm(asked.token);
    expect(res.status).toBe(400);
    expect(decode(await res.text())).toContain("has been used already, and the subscription has ended since");
    expect((await rowFor("gone@example.com")).status).toBe("unsubscribed");
  });

  it("forgets requests never confirmed within 7 days, and keeps former subscribers' rows", async () => {
    const old = Date.now() - CONFIRM_TTL_MS - 1000;
    await subscribe(t.db.db, { email: "never@example.com", categorySlugs: ["speech-audio"], now: old });
    const formerToken = await confirmedSubscriber("former@example.com", ["vector-databases"]);
    await unsubscribe(t.db.db, { token: formerToken });
    await subscribe(t.db.db, { email: "former@example.com", now: old });
    expect((await rowFor("former@example.com")).status).toBe("pending");
    await confirmedSubscriber("bounced@example.com");
    await t.db.db
      .updateTable("subscribers")
      .set({ status: "bounced", bounced_at: new Date(old - 60_000).toISOString(), bounce_reason: "550 gone" })
      .where("email", "=", "bounced@example.com")
      .execute();
    await subscribe(t.db.db, { email: "bounced@example.com", now: old });

    expect((await post({ email: "trigger@example.com" })).status).toBe(303);
    expect(await rowsFor("never@example.com")).toEqual([]);
    const former = await rowFor("former@example.com");
    expect(former.status).toBe("unsubscribed");
    expect(former.confirm_token_hash).toBeNull();
    expect(former.unsubscribe_token).toBe(formerToken);
    expect(await followed("former@example.com")).toEqual(["vector-databases"]);
    // an address that bounced before asking again is still known to bounce
    const bounced = await rowFor("bounced@example.com");
    expect(bounced.status).toBe("bounced");
    expect(bounced.confirm_token_hash).toBeNull();
  });

  it("re-shows the form with the message for a malformed address, storing and sending nothing", async () => {
    const cases = ["", "   ", "not-an-address", "two@@example.com", "a@b", `${"x".repeat(250)}@example.com`];
    const count = await subscriberCount();
    const sent = t.mail.length;
    for (const typed of cases) {
      const res = await post({ email: typed, category: "speech-audio" });
      expect(res.status).toBe(400);
      const html = await res.text();
      const problem = normalizeEmail(typed);
      expect(problem.ok).toBe(false);
      if (!problem.ok) expect(decode(html)).toContain(problem.error);
      expect(html).toContain('aria-invalid="true"');
      expect(html).toContain(`value="${typed.slice(0, 254)}"`);
      // the categories picked survive the round trip
      expect(html).toMatch(/value="speech-audio" checked/);
    }
    // a missing field and a JSON body get the same clear answer
    expect((await post({})).status).toBe(400);
    expect(
      (
        await t.request("/newsletter", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "json@example.com" }),
        })
      ).status,
    ).toBe(400);
    expect(await subscriberCount()).toBe(count);
    expect(t.mail.length).toBe(sent);
  });

  it("refuses a category we do not have, storing and sending nothing", async () => {
    const count = await subscriberCount();
    const sent = t.mail.length;
    const res = await post({ email: "picky@example.com", category: ["speech-audio", "time-travel"] });
    expect(res.status).toBe(400);
    const html = decode(await res.text());
    expect(html).toContain("We have no category called “time-travel”");
    expect(html).toContain('value="picky@example.com"');
    expect(await subscriberCount()).toBe(count);
    expect(t.mail.length).toBe(sent);
  });

  it("unsubscribes with the page's button, harmlessly again and again", async () => {
    const token = await confirmedSubscriber("button@example.com");
    const page = await t.request(`/newsletter/unsubscribe?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toContain("no-store");
    const html = await page.text();
    expect(html).toContain(`action="/newsletter/unsubscribe?token=${token}" method="post"`);
    expect(html).toContain("b•••@example.com");
    // opening the page changes nothing
    expect((await rowFor("button@example.com")).status).toBe("confirmed");

    const before = await confirmedRecipientsCount(t.db.db);
    for (let i = 0; i < 3; i++) {
      const res = await t.request(
        `/newsletter/unsubscribe?token=${token}`,
        form({ token, return_to: "/newsletter" }),
      );
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("You are unsubscribed");
      const row = await rowFor("button@example.com");
      expect(row.status).toBe("unsubscribed");
      expect(row.unsubscribed_at).not.toBeNull();
    }
    expect(await confirmedRecipientsCount(t.db.db)).toBe(before - 1);

    // a signed-in reader pressing the button sends the form's CSRF token; a forged post without one is refused
    const other = await confirmedSubscriber("member@example.com");
    const session = await signIn(t, "member@example.com");
    const forged = await session.post(
      `/newsletter/unsubscribe?token=${other}`,
      { token: other },
      { csrf: false },
    );
    expect(forged.status).toBe(403);
    expect((await rowFor("member@example.com")).status).toBe("confirmed");
    const pressed = await session.post(`/newsletter/unsubscribe?token=${other}`, { token: other });
    expect(pressed.status).toBe(200);
    expect((await rowFor("member@example.com")).status).toBe("unsubscribed");

    for (const bad of ["short", `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`]) {
      for (const res of [
        await t.request(`/newsletter/unsubscribe?token=${bad}`),
        await t.request(`/newsletter/unsubscribe?token=${bad}`, form({ token: bad })),
      ]) {
        expect(res.status).toBe(400);
        expect(await res.text()).toContain("This newsletter link is not valid");
      }
    }
  });

  it("unsubscribes with an RFC 8058 one-click POST: no cookie, no CSRF token, answered 200", async () => {
    const token = await confirmedSubscriber("oneclick@example.com");
    const oneClick = () =>
      t.request(`/newsletter/unsubscribe?token=${token}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
    for (let i = 0; i < 2; i++) {
      const res = await oneClick();
      expect(res.status).toBe(200);
      expect((await rowFor("oneclick@example.com")).status).toBe("unsubscribed");
    }
    // the RFC allows multipart/form-data bodies too
    const multipart = await confirmedSubscriber("multipart@example.com");
    const body = new FormData();
    body.append("List-Unsubscribe", "One-Click");
    const res = await t.request(`/newsletter/unsubscribe?token=${multipart}`, { method: "POST", body });
    expect(res.status).toBe(200);
    expect((await rowFor("multipart@example.com")).status).toBe("unsubscribed");

    // subscribing again asks for confirmation again, and keeps the unsubscribe link stable
    expect((await post({ email: "oneclick@example.com" })).status).toBe(303);
    expect(t.mail.at(-1)?.subject).toBe("Confirm your subscription to Weekly AI Tool Verdicts");
    const again = await rowFor("oneclick@example.com");
    expect(again.status).toBe("pending");
    expect(again.unsubscribe_token).toBe(token);
    expect((await postConfirm(confirmTokenIn(t.mail.at(-1)))).status).toBe(303);
    expect((await rowFor("oneclick@example.com")).status).toBe("confirmed");
  });

  it("saves the categories a subscriber follows and shows them", async () => {
    const token = await confirmedSubscriber("prefs@example.com", ["speech-audio"]);
    const page = await t.request(`/newsletter/preferences?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toContain("no-store");
    const html = await page.text();
    expect(html.match(/type="checkbox"/g)).toHaveLength(10);
    expect(html.match(/ checked/g)).toHaveLength(1);
    expect(html).toMatch(/value="speech-audio" checked/);
    expect(html).toContain(`href="/newsletter/unsubscribe?token=${token}"`);

    const saved = await t.request(
      `/newsletter/preferences?token=${token}`,
      form({ token, category: ["vector-databases", "agent-frameworks"] }),
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/newsletter/preferences?token=${token}&saved=1`);
    expect(await followed("prefs@example.com")).toEqual(["agent-frameworks", "vector-databases"]);
    const shown = await (await t.request(saved.headers.get("location")!)).text();
    expect(shown).toContain("Saved.");
    expect(shown).toMatch(/value="vector-databases" checked/);
    expect(shown).toMatch(/value="agent-frameworks" checked/);
    expect(shown).not.toMatch(/value="speech-audio" checked/);

    const refused = await t.request(
      `/newsletter/preferences?token=${token}`,
      form({ token, category: ["speech-audio", "../../etc"] }),
    );
    expect(refused.status).toBe(400);
    expect(decode(await refused.text())).toContain("We have no category called “../../etc”");
    expect(await followed("prefs@example.com")).toEqual(["agent-frameworks", "vector-databases"]);

    // none ticked: follows nothing
    expect((await t.request(`/newsletter/preferences?token=${token}`, form({ token }))).status).toBe(303);
    expect(await followed("prefs@example.com")).toEqual([]);
    const prefs = await getPreferences(t.db.db, { token });
    expect(prefs.ok && prefs.preferences.categorySlugs).toEqual([]);

    const unknown = await t.request(
      "/newsletter/preferences?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("This newsletter link is not valid");
  });

  it("limits requests per address and per client network with 429, RateLimit and Retry-After", async () => {
    const sent = t.mail.length;
    const email = "limited@example.com";
    // the per-address limit is per network: one network that asks for an address again and again
    const from = freshClient();
    for (let i = 0; i < 5; i++) {
      const res = await post({ email }, from);
      expect(res.status).toBe(303);
      expect(res.headers.get("ratelimit-policy")).toContain('"newsletter-address";q=5;w=3600');
    }
    const refused = await post({ email }, from);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("ratelimit-policy")).toBe('"newsletter-address";q=5;w=3600');
    expect(refused.headers.get("ratelimit")).toMatch(/^"newsletter-address";r=0;t=\d+$/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("Too many subscription requests were made for this address.");
    expect(t.mail.length).toBe(sent + 5);

    // one IPv6 /64 is one client, however it rotates its addresses
    const count = await subscriberCount();
    for (let i = 1; i <= 20; i++) {
      const res = await post({ email: `crowd${i}@example.com` }, `2001:db8:5:7::${i.toString(16)}`);
      expect(res.status).toBe(303);
    }
    const crowded = await post({ email: "crowd21@example.com" }, "2001:db8:5:7::ffff");
    expect(crowded.status).toBe(429);
    expect(crowded.headers.get("ratelimit-policy")).toBe('"newsletter-client";q=20;w=3600');
    expect(crowded.headers.get("retry-after")).toBeTruthy();
    expect(await crowded.text()).toContain("Too many subscription requests came from your network.");
    expect(await subscriberCount()).toBe(count + 20);
    expect(await rowsFor("crowd21@example.com")).toEqual([]);
    // another network is not held back
    expect((await post({ email: "crowd21@example.com" }, "2001:db8:5:8::1")).status).toBe(303);
  });

  it("lets the owner subscribe from another network after one network asked 20 or more times", async () => {
    const sent = t.mail.length;
    const email = "owner-nl@example.com";
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await post({ email }, "198.51.200.66")).status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(5);
    expect(t.mail.length).toBe(sent + 5);
    expect((await post({ email }, "203.0.113.77")).status).toBe(303);
    expect(t.mail.length).toBe(sent + 6);
    expect(t.mail.at(-1)?.to).toBe(email);
  });

  it("counts only mails sent: refused categories use up no allowance", async () => {
    const email = "careful@example.com";
    const from = "198.51.201.1";
    for (let i = 0; i < 6; i++)
      expect((await post({ email, category: "no-such-thing" }, from)).status).toBe(400);
    expect((await post({ email }, from)).status).toBe(303);
  });

  it("prefills a signed-in reader's address and links only their own address to the account", async () => {
    const session = await signIn(t, "reader@example.com");
    const page = await session.get("/newsletter");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="subscribe-email" type="email" name="email"');
    expect(html).toContain('value="reader@example.com"');
    expect(html).toContain('href="/newsletter/issues"');
    // the anonymous page holds no address
    expect(await (await t.request("/newsletter")).text()).not.toContain('value="reader@example.com"');

    expect((await session.post("/newsletter", { email: "reader@example.com" })).status).toBe(303);
    expect((await session.post("/newsletter", { email: "friend@example.com" })).status).toBe(303);
    const user = await t.db.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "reader@example.com")
      .executeTakeFirstOrThrow();
    expect((await rowFor("reader@example.com")).user_id).toBe(user.id);
    expect((await rowFor("friend@example.com")).user_id).toBeNull();
  });

  it("puts exactly one working sign-up form on every page: the call to action, or else the footer's", async () => {
    for (const path of [
      "/",
      "/compare/gemini-2-5-flash-native-audio-output-vs-smolvlm2-2b",
      "/tools/cursor",
      "/tools",
      "/categories",
    ]) {
      const html = await (await t.request(path)).text();
      const cta = html.match(/id="newsletter-email"/g)?.length ?? 0;
      const footer = html.match(/id="footer-newsletter-email"/g)?.length ?? 0;
      expect({ path, forms: cta + footer }).toEqual({ path, forms: 1 });
      expect(html.match(/<form[^>]*action="\/newsletter" method="post"/g)).toHaveLength(1);
      expect(html).not.toMatch(/<input[^>]*name="email"[^>]*disabled/);
    }
    // the subscription flow's own pages do without the footer's second form
    for (const path of ["/newsletter", "/newsletter/check-email"]) {
      const html = await (await t.request(path)).text();
      expect(html).not.toContain('id="footer-newsletter-email"');
      expect(html.match(/<form[^>]*action="\/newsletter" method="post"/g)?.length ?? 0).toBe(
        path === "/newsletter" ? 1 : 0,
      );
    }
    const home = await (await t.request("/")).text();
    expect(home.match(/id="newsletter-email"/g)).toHaveLength(1);
    // the footer's form posts just an address
    const sent = t.mail.length;
    expect((await post({ email: "footer@example.com", return_to: "/tools" })).status).toBe(303);
    expect(t.mail.length).toBe(sent + 1);
    expect((await rowFor("footer@example.com")).status).toBe("pending");
  });
});

describe("newsletter check-email page in development", () => {
  it("points to the outbox when mail is written there, and not otherwise", async () => {
    const dev = await createTestApp("sqlite", { NODE_ENV: "development" });
    const test = await createTestApp("sqlite");
    try {
      expect(await (await dev.request("/newsletter/check-email")).text()).toContain('href="/dev/outbox"');
      expect(await (await test.request("/newsletter/check-email")).text()).not.toContain("/dev/outbox");
    } finally {
      await dev.dispose();
      await test.dispose();
    }
  });
});
