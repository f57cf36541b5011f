/**
 * Double opt-in through real SMTP: the app's nodemailer transport talks to an smtp-server on
 * loopback, and the test follows the link in the received message as a reader would.
 */
import { type ParsedMail, simpleParser } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/support/app.ts";
import { form } from "../../../../test/support/session.ts";
import { type SmtpSink, startSmtpSink } from "../../../../test/support/smtp-sink.ts";

let smtp: SmtpSink;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await createTestApp("sqlite", { SMTP_URL: smtp.url });
});

afterAll(async () => {
  t?.deps.mailer.close();
  await t?.dispose();
  await smtp?.close();
});

beforeEach(() => {
  smtp.accepted.length = 0;
});

/** The path and query of a link, for app.request. */
const target = (link: string) => {
  const url = new URL(link);
  return url.pathname + url.search;
};

/** The one message the server received for an address. */
async function receivedBy(email: string): Promise<ParsedMail> {
  const mine = smtp.accepted.filter((m) => m.rcptTo.includes(email));
  expect(mine).toHaveLength(1);
  return simpleParser(mine[0]!.raw!);
}

const statusOf = async (email: string) =>
  (
    await t.db.db
      .selectFrom("subscribers")
      .select("status")
      .where("email", "=", email)
      .executeTakeFirstOrThrow()
  ).status;

describe("newsletter double opt-in over SMTP", () => {
  it("mails a confirmation link; its page's button confirms the subscription", async () => {
    const email = "inbox@example.com";
    const asked = await t.request("/newsletter", form({ email, category: "speech-audio", return_to: "/" }));
    expect(asked.status).toBe(303);
    expect(asked.headers.get("location")).toBe("/newsletter/check-email");

    const mail = await receivedBy(email);
    expect(mail.subject).toBe("Confirm your subscription to Weekly AI Tool Verdicts");
    expect(mail.from?.value).toEqual([{ address: "no-reply@localhost", name: "Ship or Skip" }]);
    const link = /https?:\/\/\S+\/newsletter\/confirm\?token=[A-Za-z0-9_-]+/.exec(mail.text ?? "")?.[0];
    if (!link) throw new Error(`no confirmation link in:\n${mail.text}`);
    expect(link.startsWith("http://localhost:3000/newsletter/confirm?token=")).toBe(true);
    expect(mail.html).toContain(link);

    // following the link, as a mail scanner would, confirms nothing
    const page = await t.request(target(link));
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toContain("no-store");
    const html = await page.text();
    expect(html).toContain("Confirm my subscription");
    expect(await statusOf(email)).toBe("pending");

    const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
    expect(token).toBe(new URL(link).searchParams.get("token"));
    const confirmed = await t.request("/newsletter/confirm", form({ token: token! }));
    expect(confirmed.status).toBe(303);
    expect(await statusOf(email)).toBe("confirmed");
    const landing = await t.request(confirmed.headers.get("location")!);
    expect(await landing.text()).toContain("Your subscription is confirmed");
  });

  it("tells a subscribed inbox it already is, with a one-click unsubscribe that works", async () => {
    const email = "again@example.com";
    await t.request("/newsletter", form({ email }));
    const first = await receivedBy(email);
    const link = /https?:\/\/\S+\/newsletter\/confirm\?token=[A-Za-z0-9_-]+/.exec(first.text ?? "")?.[0];
    const token = new URL(link!).searchParams.get("token")!;
    expect((await t.request("/newsletter/confirm", form({ token }))).status).toBe(303);

    smtp.accepted.length = 0;
    expect((await t.request("/newsletter", form({ email }))).status).toBe(303);
    const notice = await receivedBy(email);
    expect(notice.subject).toBe("You are already subscribed to Weekly AI Tool Verdicts");
    // a long header arrives folded over lines; unfold it as a mail client does
    const header = (name: string) =>
      notice.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n[ \t]+/g, " ");
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    const unsubscribe = /^List-Unsubscribe:\s*<(https?:\/\/[^>]+)>$/.exec(
      header("list-unsubscribe") ?? "",
    )?.[1];
    if (!unsubscribe) throw new Error(`no List-Unsubscribe header in ${JSON.stringify(notice.headerLines)}`);
    expect(notice.text).toContain(unsubscribe);

    // what a mail provider does for RFC 8058: POST the header's address, nothing else
    const res = await t.request(target(unsubscribe), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(await statusOf(email)).toBe("unsubscribed");
  });
});
