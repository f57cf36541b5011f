import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { decodeQuotedPrintable, readEml } from "./eml.ts";

async function build(mail: { subject: string; text: string; html?: string }): Promise<string> {
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
    const eml = readEml(raw);
    expect(eml.headers.subject).toBe("Sign in");
    expect(eml.text).toContain(link);
    expect(eml.text).toContain("Thanks — the team");
  });

  it("reads a single-part message", async () => {
    const eml = readEml(await build({ subject: "Plain", text: "just text" }));
    expect(eml.text.trim()).toBe("just text");
  });

  it("decodes quoted-printable soft breaks and bytes", () => {
    expect(decodeQuotedPrintable("caf=C3=A9 and a lo=\nng line")).toBe("café and a long line");
  });
});
