/**
 * A real SMTP server on loopback (smtp-server) that keeps what it accepted, for the mail tests
 * and the newsletter bench. Hooks decide per recipient (RCPT TO) and per message (after DATA)
 * whether to accept, so tests can play a mailbox that does not exist or a greylisting server.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** A refusal: the SMTP reply code and text the server answers with. */
export interface Refusal {
  code: number;
  message: string;
}

/** One message the server acknowledged with 250. */
export interface Accepted {
  /** The envelope sender (MAIL FROM), "" for a null sender. */
  mailFrom: string;
  rcptTo: string[];
  /** The raw message, unless the sink was told not to keep bodies. */
  raw: Buffer | null;
  /** The Message-ID header as sent, e.g. "<issue-1.sub-4@localhost>". */
  messageId: string | null;
  at: number;
}

export interface SinkOptions {
  /** Refuse a recipient by returning a Refusal. */
  onRcpt?: (address: string, attempt: number) => Refusal | undefined;
  /**
   * Decide after the whole message arrived, before the server answers: undefined accepts,
   * a Refusal refuses, and a promise holds the answer back until it settles.
   */
  onMessage?: (message: {
    rcptTo: string[];
    raw: Buffer;
    index: number;
  }) => Refusal | undefined | Promise<Refusal | undefined>;
  /** Keep raw bodies (default true); the bench turns it off. */
  keepBodies?: boolean;
  /** The clock the `at` times are read from (default Date.now): a test's injected clock. */
  now?: () => number;
}

export interface SmtpSink {
  url: string;
  port: number;
  accepted: Accepted[];
  /** Every RCPT TO seen, in order, with the time it came. */
  rcpts: { address: string; at: number }[];
  /** Messages whose data arrived (accepted or not). */
  received(): number;
  close(): Promise<void>;
}

const refusal = (r: Refusal) => Object.assign(new Error(r.message), { responseCode: r.code });

/** The Message-ID header of a raw message, read from the header block only. */
function messageIdOf(raw: Buffer): string | null {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString("latin1");
  return /^message-id:\s*(<[^>\r\n]+>)/im.exec(head)?.[1] ?? null;
}

/** Starts a sink on a free loopback port. */
export async function startSmtpSink(opts: SinkOptions = {}): Promise<SmtpSink> {
  const now = opts.now ?? Date.now;
  const accepted: Accepted[] = [];
  const rcpts: { address: string; at: number }[] = [];
  const attempts = new Map<string, number>();
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    maxClients: 100,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      const addr = address.address.toLowerCase();
      rcpts.push({ address: addr, at: now() });
      const attempt = (attempts.get(addr) ?? 0) + 1;
      attempts.set(addr, attempt);
      const refused = opts.onRcpt?.(addr, attempt);
      callback(refused ? refusal(refused) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        const rcptTo = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const index = received++;
        Promise.resolve(opts.onMessage?.({ rcptTo, raw, index })).then(
          (refused) => {
            if (refused) return callback(refusal(refused));
            accepted.push({
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              rcptTo,
              raw: opts.keepBodies === false ? null : raw,
              messageId: messageIdOf(raw),
              at: now(),
            });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  // a client killed mid-session leaves a reset socket behind; that is expected here
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    accepted,
    rcpts,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
