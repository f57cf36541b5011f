import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/support/app.ts";
import { reportSkippedPostgres, testEngines } from "../../../../test/support/db.ts";
import { signIn, type TestSession } from "../../../../test/support/session.ts";
import { type DeliveryProgress, deliveryProgress } from "../delivery/index.ts";
import { previewIssue } from "../issues/index.ts";
import { EMAIL_PREVIEW_CSP } from "./routes.tsx";
import { MAX_INTRO_LENGTH } from "./service.ts";

reportSkippedPostgres("newsletter admin");

const ADMIN = "admin@example.com";
const SUBSCRIBERS = ["ada@example.com", "ben@example.com", "cleo@example.com"];

describe.each(testEngines())("newsletter admin on %s", (engine) => {
  let t: TestApp;
  let admin: TestSession;
  let reader: TestSession;

  beforeAll(async () => {
    t = await createTestApp(engine, { ADMIN_EMAILS: ADMIN });
    admin = await signIn(t, ADMIN);
    reader = await signIn(t, "reader@example.com");
    const now = new Date().toISOString();
    await t.db.db
      .insertInto("subscribers")
      .values([
        ...SUBSCRIBERS.map((email, i) => ({
          email,
          status: "confirmed" as const,
          unsubscribe_token: `confirmed-${i}`,
          created_at: now,
          confirmed_at: now,
        })),
        // neither of these may get an issue
        { email: "pending@example.com", status: "pending", unsubscribe_token: "pending-0", created_at: now },
        {
          email: "gone@example.com",
          status: "unsubscribed",
          unsubscribe_token: "gone-0",
          created_at: now,
          unsubscribed_at: now,
        },
      ])
      .execute();
  });
  afterAll(() => t?.dispose());

  const db = () => t.db.db;

  /** Polls the delivery of an issue until nothing is left pending (the send runs in the background). */
  async function delivered(number: number): Promise<DeliveryProgress> {
    const { id } = await db()
      .selectFrom("newsletter_issues")
      .select("id")
      .where("number", "=", number)
      .executeTakeFirstOrThrow();
    return vi.waitFor(
      async () => {
        const p = await deliveryProgress(db(), id);
        const issue = await db()
          .selectFrom("newsletter_issues")
          .select("status")
          .where("id", "=", id)
          .executeTakeFirstOrThrow();
        if (p.pending + p.sending > 0 || issue.status !== "sent") {
          throw new Error(`issue #${number} is not delivered yet`);
        }
        return p;
      },
      { timeout: 10_000, interval: 25 },
    );
  }

  const issueCount = async () =>
    Number(
      (
        await db()
          .selectFrom("newsletter_issues")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("sends signed-out visitors to sign in, refuses readers and opens for admins", async () => {
    const out = await t.request("/admin/newsletter");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/sign-in?next=%2Fadmin%2Fnewsletter");
    const outPreview = await t.request("/admin/newsletter/preview.html?intro=hi");
    expect(outPreview.status).toBe(303);
    expect(outPreview.headers.get("location")).toBe(
      "/sign-in?next=%2Fadmin%2Fnewsletter%2Fpreview.html%3Fintro%3Dhi",
    );

    for (const path of [
      "/admin/newsletter",
      "/admin/newsletter/preview.html",
      "/admin/newsletter/issues/1",
    ]) {
      const res = await reader.get(path);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain("newsletter:send");
    }
    expect((await reader.post("/admin/newsletter/send", { intro: "hello" })).status).toBe(403);
    expect((await reader.post("/admin/newsletter/preview", { intro: "hello" })).status).toBe(403);

    const res = await admin.get("/admin/newsletter");
    expect(res.status).toBe(200);
    expect(await issueCount()).toBe(0);
  });

  it("shows the audience, how to schedule, and a preview of the next issue with its subject", async () => {
    const { subject, number } = await previewIssue(db(), { intro: "" });
    expect(number).toBe(1);
    const html = await (await admin.get("/admin/newsletter")).text();
    expect(html).toContain(`<dt>Confirmed subscribers</dt><dd>${SUBSCRIBERS.length}</dd>`);
    expect(html).toContain("Send issue #1 to 3 subscribers");
    expect(html).toContain("NEWSLETTER_SCHEDULE=&quot;mon 09:00 Europe/Berlin&quot;");
    expect(html).toContain(`Subject: <strong>${subject.replace(/&/g, "&amp;")}</strong>`);
    expect(html).toContain('href="/admin/newsletter/preview.html"');
    expect(html).toContain("No issue has been sent yet.");
    // the preview is part of the page, not a frame around the email
    expect(html).not.toContain("<iframe");
    expect(html).not.toMatch(/ style="/);
  });

  it("previews an intro on the page and links to the email with it", async () => {
    const res = await admin.post("/admin/newsletter/preview", {
      intro: "Hello <readers>\r\n\r\nSecond part",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Hello &lt;readers&gt;\n\nSecond part</textarea>");
    expect(html).toContain('<p class="lede">Hello &lt;readers&gt;</p><p class="lede">Second part</p>');
    expect(html).toContain(
      `href="/admin/newsletter/preview.html?intro=${encodeURIComponent("Hello <readers>\n\nSecond part").replace(/&/g, "&amp;")}"`,
    );
    expect(await issueCount()).toBe(0);
  });

  it("serves the email itself as its own document, never cached", async () => {
    const res = await admin.get(
      `/admin/newsletter/preview.html?intro=${encodeURIComponent("A word <b>first</b>")}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    const { subject } = await previewIssue(db(), { intro: "" });
    expect(html).toContain("A word &lt;b&gt;first&lt;/b&gt;");
    expect(html).toContain(subject.split(":")[0]);
    expect(html).toMatch(/ style="/);
    expect(html).not.toContain("<script");

    const long = await admin.get(`/admin/newsletter/preview.html?intro=${"x".repeat(MAX_INTRO_LENGTH + 1)}`);
    expect(long.status).toBe(400);
  });

  it("gives the email preview a policy of its own that allows the inline styles mail needs", async () => {
    const res = await admin.get("/admin/newsletter/preview.html");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(EMAIL_PREVIEW_CSP);
    expect(EMAIL_PREVIEW_CSP).toContain("style-src 'unsafe-inline'");
    expect(EMAIL_PREVIEW_CSP).not.toContain("script-src");
    // every other page keeps the site's strict policy
    const page = await admin.get("/admin/newsletter");
    expect(page.headers.get("content-security-policy")).toContain("style-src 'self'");
  });

  it("refuses an intro that is too long with a 400, the message and the text kept", async () => {
    const text = `${"Long intro. ".repeat(200)}The end`;
    expect(text.length).toBeGreaterThan(MAX_INTRO_LENGTH);
    const res = await admin.post("/admin/newsletter/send", { intro: text, number: "1" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("The intro is too long: keep it to 2,000 characters or fewer.");
    expect(html).toContain(`${text}</textarea>`);
    expect(html).toContain('aria-invalid="true"');
    expect(await issueCount()).toBe(0);
    expect(t.mail).toHaveLength(0);
  });

  it("sends issue #1 to every confirmed subscriber in the background and shows its progress", async () => {
    const res = await admin.post("/admin/newsletter/send", {
      intro: "Welcome to the first issue.",
      number: "1",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/newsletter/issues/1");

    const progress = await delivered(1);
    expect(progress).toMatchObject({ total: 3, sent: 3, failed: 0, bounced: 0, pending: 0 });
    expect(t.mail.map((m) => m.to).sort()).toEqual(SUBSCRIBERS);
    for (const m of t.mail) {
      expect(m.subject).toMatch(/^Weekly AI Tool Verdicts #1: /);
      expect(m.text).toContain("Welcome to the first issue.");
      expect(m.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    }

    const audit = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "newsletter.send")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_email: ADMIN, subject: "issue:1" });
    expect(JSON.parse(audit[0]?.detail ?? "{}")).toMatchObject({ number: 1, recipients: 3 });

    const page = await (await admin.get("/admin/newsletter/issues/1")).text();
    expect(page).toContain("Issue #1: sent");
    expect(page).toContain('role="img" aria-label="3 of 3 sent, 0 failed or bounced"');
    expect(page).toContain('<rect class="day-bar-ship" x="0" y="0" width="100" height="10">');
    expect(page).toContain("<dt>Sent</dt><dd>3</dd>");
    expect(page).toContain("<dt>Bounced</dt><dd>0</dd>");
    expect(page).toContain('href="/newsletter/issues/1"');
    expect(page).not.toMatch(/ style="/);

    const overview = await (await admin.get("/admin/newsletter")).text();
    expect(overview).toContain('<a href="/admin/newsletter/issues/1">#1</a>');
    expect(overview).toContain("Send issue #2 to 3 subscribers");
  });

  it("refuses a form made for an issue that has already gone out", async () => {
    const res = await admin.post("/admin/newsletter/send", { intro: "", number: "1" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("the next issue is now #2");
    expect(await issueCount()).toBe(1);
  });

  it("makes a second send issue #2, covering the time since #1, answering before the mail is out", async () => {
    // a mail server that holds every message until the test lets go
    const recorder = t.deps.mailer;
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    t.deps.mailer = { ...recorder, send: async (m) => gate.then(() => recorder.send(m)) };
    try {
      const res = await admin.post("/admin/newsletter/send", { intro: "", number: "2" });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/admin/newsletter/issues/2");
      const page = await (await admin.get("/admin/newsletter/issues/2")).text();
      expect(page).toContain("Issue #2: sending");
      expect(page).toContain("<dt>Sent</dt><dd>0</dd>");
      expect(t.mail).toHaveLength(3);
    } finally {
      release();
      t.deps.mailer = recorder;
    }
    await delivered(2);
    const issues = await db()
      .selectFrom("newsletter_issues")
      .select(["number", "period_start", "period_end", "created_by"])
      .orderBy("number")
      .execute();
    expect(issues.map((i) => i.number)).toEqual([1, 2]);
    expect(issues[1]?.period_start).toBe(issues[0]?.period_end);
    expect(issues[1]?.created_by).toBe(ADMIN);
    expect(t.mail).toHaveLength(6);
    expect(t.mail.filter((m) => m.subject.startsWith("Weekly AI Tool Verdicts #2:"))).toHaveLength(3);
  });

  it("answers an unknown issue with 404", async () => {
    expect((await admin.get("/admin/newsletter/issues/99")).status).toBe(404);
    expect((await admin.get("/admin/newsletter/issues/abc")).status).toBe(404);
  });

  it("rate-limits sending", async () => {
    // four sends asked for so far (one too long, two sent, one stale); refused ones count too
    const tooLong = "x".repeat(MAX_INTRO_LENGTH + 1);
    expect((await admin.post("/admin/newsletter/send", { intro: tooLong })).status).toBe(400);
    const res = await admin.post("/admin/newsletter/send", { intro: tooLong });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect(await issueCount()).toBe(2);
  });
});

describe("newsletter admin with a schedule", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("sqlite", {
      ADMIN_EMAILS: ADMIN,
      NEWSLETTER_SCHEDULE: "mon 09:00 Europe/Berlin",
    });
  });
  afterAll(() => t?.dispose());

  it("shows when the next scheduled send is", async () => {
    const admin = await signIn(t, ADMIN);
    const html = await (await admin.get("/admin/newsletter")).text();
    expect(html).toContain("Mondays at 09:00 (Europe/Berlin). Next: <time datetime=");
    expect(html).toMatch(/>Mon,? \d{1,2} [A-Z][a-z]{2} \d{4},? 09:00<\/time>/);
    expect(html).not.toContain("No schedule");
  });
});
