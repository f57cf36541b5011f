/**
 * What a failed send means, read from the SMTP reply: try again later (temporary), give up on
 * the address or the message (permanent), or stop the whole run. Pure: no I/O.
 */

/** What to do about a failed send. */
export type SendFailure =
  /** Try again later (4xx, dropped connection, timeout). `connection`: no SMTP reply at all. */
  | { kind: "retry"; reason: string; connection: boolean }
  /** The server refused the recipient for good (5xx at RCPT TO): mark the address bounced. */
  | { kind: "bounce"; reason: string }
  /** The server refused this message for good (5xx after DATA): give up on it, keep the address. */
  | { kind: "reject"; reason: string }
  /** Nothing can be sent (login or sender refused): stop the whole run. */
  | { kind: "abort"; reason: string };

interface SmtpErrorLike {
  message?: string;
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

/** Sorts a transport error (nodemailer's, with responseCode and command) into what to do next. */
export function classifySendError(err: unknown): SendFailure {
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as SmtpErrorLike;
  const reason = clip(e.response ?? e.message ?? String(err));
  const code = e.responseCode;
  const command = (e.command ?? "").toUpperCase();
  if (e.code === "EAUTH" || e.code === "ENOAUTH" || e.code === "ETLS" || e.code === "ECONFIG") {
    return { kind: "abort", reason };
  }
  if (typeof code === "number" && code >= 500 && code < 600 && code !== 503) {
    if (command.startsWith("RCPT")) return { kind: "bounce", reason };
    // a refused sender or login refuses every message alike: retrying each one is pointless
    if (command.startsWith("MAIL") || command.startsWith("AUTH") || command.startsWith("EHLO")) {
      return { kind: "abort", reason };
    }
    return { kind: "reject", reason };
  }
  if (typeof code === "number" && code >= 400) {
    return { kind: "retry", reason, connection: code === 421 };
  }
  return { kind: "retry", reason, connection: true };
}

const clip = (s: string) => (s.length > 500 ? `${s.slice(0, 497)}…` : s);
