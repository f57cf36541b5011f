import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { readEml } from "./eml.ts";

async function build(mail: {
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: string }[];
}): Promise<string> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await transport.sendMail({ from: "a@example.com", to: "b@example.com", ...mail });
  return (info.message as Buffer).toString("utf8");
}

describe("readEml", () => {
  it("reads back a long link from a message nodemailer wrote", async () => {
    const link = `http://localhost:3000/sign-in/confirm?token=${"x".repeat(120)}`;
    const raw = await build({
      subject: "Sign in",
      text: `Open this:\n\n${link}\n\nThanks — the team`,
      html: "<p>hi</p>",
    });
    const eml = await readEml(raw);
    expect(eml.headers.subject).toBe("Sign in");
    expect(eml.headers.to).toBe("b@example.com");
    expect(eml.headers.from).toBe("a@example.com");
    expect(eml.headers.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} /);
    expect(eml.text).toContain(link);
    expect(eml.text).toContain("Thanks — the team");
    expect(eml.html).toBe("<p>hi</p>");
  });

  it("reads a single-part message", async () => {
    const eml = await readEml(await build({ subject: "Plain", text: "just text" }));
    expect(eml.text.trim()).toBe("just text");
    expect(eml.html).toBeNull();
  });

  it("decodes a subject written as encoded words", async () => {
    const subject = "Café ☕ — your sign-in link, Zoë";
    const raw = await build({ subject, text: "hello" });
    expect(raw).toMatch(/^Subject: =\?UTF-8\?[QB]\?/m);
    expect((await readEml(raw)).headers.subject).toBe(subject);
  });

  it("finds the text and HTML parts inside nested multiparts", async () => {
    const raw = [
      "From: a@example.com",
      "To: b@example.com",
      "Subject: Nested",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="outer"',
      "",
      "--outer",
      'Content-Type: multipart/alternative; boundary="inner"',
      "",
      "--inner",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "caf=C3=A9 and a lo=",
      "ng line",
      "--inner",
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("<p>café</p>").toString("base64"),
      "--inner--",
      "--outer",
      "Content-Type: text/plain; name=notes.txt",
      "Content-Disposition: attachment; filename=notes.txt",
      "",
      "an attachment, not the message",
      "--outer--",
      "",
    ].join("\r\n");
    const eml = await readEml(raw);
    expect(eml.text.trim()).toBe("café and a long line");
    expect(eml.html).toBe("<p>café</p>");
  });

  it("finds the parts of a message nodemailer wrote with an attachment", async () => {
    const raw = await build({
      subject: "With a file",
      text: "the text part",
      html: "<p>the html part</p>",
      attachments: [{ filename: "notes.txt", content: "attached" }],
    });
    expect(raw).toMatch(/multipart\/mixed[\s\S]*multipart\/alternative/);
    const eml = await readEml(raw);
    expect(eml.text.trim()).toBe("the text part");
    expect(eml.html).toBe("<p>the html part</p>");
  });
});
