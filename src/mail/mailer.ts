/**
 * Outgoing mail: through SMTP when SMTP_URL is set, otherwise written to the outbox folder
 * as .eml files, so a first run needs no mail account and a developer can read every message.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nodemailer from "nodemailer";

export interface OutgoingMail {
  /** The mailer's MAIL_FROM unless set. */
  from?: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** A fixed Message-ID ("<…@host>"), so a message sent again is recognisably the same one. */
  messageId?: string;
}

export interface Mailer {
  /** "smtp" or "outbox": pages tell developers where to look. */
  readonly kind: "smtp" | "outbox";
  /** Sends one message; resolves once the server (or the disk) has it. */
  send(mail: OutgoingMail): Promise<void>;
  /** Checks that the server can be reached and accepts our login; the outbox always can. */
  verify?(): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl?: string;
  from: string;
  outboxDir: string;
  /**
   * Bulk sending: keep this many SMTP connections open and reuse them for many messages,
   * instead of one connection per message. Failures keep nodemailer's `responseCode` and
   * `command`, so a caller can tell a refused recipient (5xx at RCPT TO) from a busy server.
   */
  pool?: { maxConnections: number; maxMessages?: number };
}

/** The mailer the config asks for. */
export function createMailer(opts: MailerOptions): Mailer {
  if (opts.smtpUrl) {
    const transport = opts.pool
      ? nodemailer.createTransport({
          url: opts.smtpUrl,
          pool: true,
          maxConnections: opts.pool.maxConnections,
          maxMessages: opts.pool.maxMessages ?? 1000,
          // nodemailer waits up to 10 minutes on a silent socket by default; a bulk send
          // would rather count the message as a transient failure and retry it later
          connectionTimeout: 30_000,
          greetingTimeout: 30_000,
          socketTimeout: 60_000,
        })
      : nodemailer.createTransport(opts.smtpUrl);
    return {
      kind: "smtp",
      async send(mail) {
        await transport.sendMail({ from: opts.from, ...mail });
      },
      async verify() {
        await transport.verify();
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
    async verify() {},
    close: () => {},
  };
}
