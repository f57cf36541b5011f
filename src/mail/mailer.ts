/**
 * Outgoing mail: through SMTP when SMTP_URL is set, otherwise written to the outbox folder
 * as .eml files, so a first run needs no mail account and a developer can read every message.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nodemailer from "nodemailer";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  /** "smtp" or "outbox": pages tell developers where to look. */
  readonly kind: "smtp" | "outbox";
  /** Sends one message; resolves once the server (or the disk) has it. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** The mailer the config asks for. */
export function createMailer(opts: { smtpUrl?: string; from: string; outboxDir: string }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    return {
      kind: "smtp",
      async send(mail) {
        await transport.sendMail({ from: opts.from, ...mail });
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    kind: "outbox",
    async send(mail) {
      const info = await transport.sendMail({ from: opts.from, ...mail });
      mkdirSync(opts.outboxDir, { recursive: true });
      // names sort by time, so the newest message is the last one
      const name = `${new Date().toISOString().replace(/[:.]/g, "-").toLowerCase()}-${randomBytes(3).toString("hex")}.eml`;
      writeFileSync(join(opts.outboxDir, name), info.message as Buffer);
    },
    close: () => {},
  };
}
