/** Sending mail from a request: the development outbox pages point at, and one answer when sending fails. */
import type { OutgoingMail } from "../mail/mailer.ts";
import type { Deps } from "./deps.ts";
import { HttpError } from "./errors.ts";

/** The outbox folder pages may point a developer to, or undefined outside development or with real mail. */
export function devOutboxDir(deps: Pick<Deps, "config" | "mailer">): string | undefined {
  const { config, mailer } = deps;
  return config.env === "development" && mailer.kind === "outbox" ? config.outboxDir : undefined;
}

/** Sends one message; a failure is logged (labelled `what`) and becomes the same 500 page for every form. */
export async function sendMailOrFail(
  deps: Pick<Deps, "mailer" | "log">,
  mail: OutgoingMail,
  what: string,
): Promise<void> {
  try {
    await deps.mailer.send(mail);
  } catch (err) {
    // a mail server's refusal often quotes the recipient: addresses never reach the log
    deps.log.error(
      { mail: what, error: withoutAddresses(String((err as Error)?.message ?? err)) },
      "mail failed",
    );
    throw new HttpError(
      500,
      "The email could not be sent",
      "Our mail server did not accept the message. Try again in a few minutes.",
    );
  }
}

/** Text with every email address in it replaced by "[address]", for logs. */
export function withoutAddresses(text: string): string {
  return text.replace(/[^\s<>"'@,;:]+@[^\s<>"'@,;:]+/g, "[address]");
}
