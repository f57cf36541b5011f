/**
 * Sign-in by email through real SMTP: the app's nodemailer transport talks to an smtp-server
 * on loopback, and the test reads the link out of the message as a reader's mail client would.
 */
import { type ParsedMail, simpleParser } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.ts";
import { cookieFrom, form, signIn } from "../../../test/support/session.ts";
import { type SmtpSink, startSmtpSink } from "../../../test/support/smtp-sink.ts";
import { createSignInLink } from "./service.ts";

interface Received {
  mailFrom: string;
  rcptTo: string[];
  mail: ParsedMail;
}

/** Recipients the server refuses, as a mailbox that does not exist would be. */
const REFUSED = "bounce@example.com";

let smtp: SmtpSink;
let t: TestApp;
const inbox: Received[] = [];

beforeAll(async () => {
  smtp = await startSmtpSink({
    onRcpt: (address) =>
      address === REFUSED ? { code: 550, message: "5.1.1 No such mailbox here" } : undefined,
  });
  t = await createTestApp("sqlite", { SMTP_URL: smtp.url });
});

afterAll(async () => {
  t?.deps.mailer.close();
  await t?.dispose();
  await smtp?.close();
});

beforeEach(() => {
  inbox.length = 0;
});

/** Asks for a link; what the server accepted meanwhile lands in the inbox, parsed. */
async function askForLink(email: string): Promise<Response> {
  const res = await t.request("/sign-in", form({ email, return_to: "/" }));
  for (const m of smtp.accepted.splice(0)) {
    inbox.push({ mailFrom: m.mailFrom, rcptTo: m.rcptTo, mail: await simpleParser(m.raw ?? "") });
  }
  return res;
}
const confirm = (token: string) => t.request("/sign-in/confirm", form({ token }));

/** The sign-in link in a message's plain-text part. */
function linkIn(mail: ParsedMail): string {
  const link = /https?:\/\/\S+\/sign-in\/confirm\?token=[A-Za-z0-9_-]+/.exec(mail.text ?? "")?.[0];
  if (!link) throw new Error(`no sign-in link in:\n${mail.text}`);
  return link;
}

/** The path and query of a link, for app.request. */
const target = (link: string) => {
  const url = new URL(link);
  return url.pathname + url.search;
};

/** Asks for a link for an address and returns the one message the server got for it. */
async function mailedLink(email: string): Promise<string> {
  const res = await askForLink(email);
  expect(res.status).toBe(303);
  const mine = inbox.filter((m) => m.rcptTo.includes(email));
  expect(mine).toHaveLength(1);
  return linkIn(mine[0]!.mail);
}

describe("sign-in mail over SMTP", () => {
  it("mails a link that opens a confirm page, and the button signs the reader in", async () => {
    const email = "reader@example.com";
    const res = await askForLink(email);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sign-in/sent");

    expect(inbox).toHaveLength(1);
    const [{ mailFrom, rcptTo, mail }] = inbox as [Received];
    expect(rcptTo).toEqual([email]);
    expect(mailFrom).toBe("no-reply@localhost");
    expect(mail.subject).toBe("Your sign-in link for Ship or Skip");
    expect(mail.from?.value).toEqual([{ address: "no-reply@localhost", name: "Ship or Skip" }]);
    expect([mail.to].flat().flatMap((a) => a?.value.map((v) => v.address))).toEqual([email]);
    const link = linkIn(mail);
    expect(link.startsWith("http://localhost:3000/sign-in/confirm?token=")).toBe(true);
    expect(mail.html).toContain(link);

    // following the link alone signs nobody in (mail scanners follow links)
    const page = await t.request(target(link));
    expect(page.status).toBe(200);
    expect(page.headers.getSetCookie()).toEqual([]);
    // the page carries a live token: never kept in the shared page cache
    expect(page.headers.get("cache-control")).toContain("no-store");
    const html = await page.text();
    expect(html).toContain("Sign me in");
    expect(html).toContain("You are signing in as r•••@example.com.");
    const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
    expect(token).toBe(new URL(link).searchParams.get("token"));

    const signedIn = await confirm(token!);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/");
    const line = signedIn.headers.getSetCookie().find((c) => c.startsWith("sos_session="));
    expect(line).toBeDefined();
    const attributes = line!.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/"]));
    expect(attributes.some((a) => a.startsWith("max-age="))).toBe(true);

    const cookie = `sos_session=${cookieFrom(signedIn, "sos_session")}`;
    const account = await t.request("/account", { headers: { cookie } });
    expect(account.status).toBe(200);
    expect(await account.text()).toContain(email);
  });

  it("refuses a link the second time, whether opened or posted", async () => {
    const link = await mailedLink("twice@example.com");
    const token = new URL(link).searchParams.get("token")!;
    expect((await confirm(token)).status).toBe(303);

    const opened = await t.request(target(link));
    expect(opened.status).toBe(400);
    expect(await opened.text()).toContain("already been used");
    const posted = await confirm(token);
    expect(posted.status).toBe(400);
    expect(await posted.text()).toContain("already been used");
    expect(posted.headers.getSetCookie().some((c) => c.startsWith("sos_session="))).toBe(false);
  });

  it("refuses a tampered token", async () => {
    const link = await mailedLink("tamper@example.com");
    const token = new URL(link).searchParams.get("token")!;
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const res of [
      await t.request(`/sign-in/confirm?token=${tampered}`),
      await confirm(tampered),
      await confirm(`${token}!`),
    ]) {
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("This sign-in link is not valid");
    }
    // the real one still works: a bad guess spends nothing
    expect((await confirm(token)).status).toBe(303);
  });

  it("refuses a link older than 15 minutes", async () => {
    const token = await createSignInLink(t.db.db, {
      email: "late@example.com",
      returnTo: "/",
      now: Date.now() - 16 * 60_000,
    });
    for (const res of [await t.request(`/sign-in/confirm?token=${token}`), await confirm(token)]) {
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("expired");
    }
  });

  it("answers the same for an unknown address as for a known one, and mails both", async () => {
    const known = "member@example.com";
    const unknown = "stranger@example.com";
    await signIn(t, known);
    const account = (email: string) =>
      t.db.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    expect(await account(known)).toBeDefined();
    expect(await account(unknown)).toBeUndefined();

    const [a, b] = [await askForLink(known), await askForLink(unknown)];
    const seen = async (r: Response) => ({
      status: r.status,
      location: r.headers.get("location"),
      cookies: r.headers.getSetCookie(),
      body: Buffer.from(await r.arrayBuffer()).toString("hex"),
    });
    expect(await seen(b)).toEqual(await seen(a));
    expect(inbox.map((m) => m.rcptTo)).toEqual([[known], [unknown]]);
    expect(inbox.map((m) => m.mail.subject)).toEqual([
      "Your sign-in link for Ship or Skip",
      "Your sign-in link for Ship or Skip",
    ]);
    // asking creates nothing: the account is made when the link is used
    expect(await account(unknown)).toBeUndefined();
  });

  it("shows a clear error page when the mail server refuses the recipient", async () => {
    const logged = vi.spyOn(t.deps.log, "error").mockImplementation(() => {});
    try {
      const res = await askForLink(REFUSED);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.status).toBeLessThan(600);
      expect(res.headers.get("content-type")).toContain("text/html");
      const html = await res.text();
      expect(html).toContain("The email could not be sent");
      expect(html).toContain("Try again in a few minutes");
      // nothing of the failure's internals reaches the reader
      expect(html).not.toMatch(/No such mailbox|550|\bat [\w.<>]+ \(|node_modules|nodemailer/i);
      expect(inbox).toEqual([]);
      // the server's reason is logged, without the address it quoted
      expect(logged).toHaveBeenCalledWith(
        { mail: "sign-in", error: expect.stringContaining("550") },
        "mail failed",
      );
      expect(JSON.stringify(logged.mock.calls)).not.toContain(REFUSED);
    } finally {
      logged.mockRestore();
    }
  });
});
