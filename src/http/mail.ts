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
  deps: Pick<Deps, "mailer">,
  mail: OutgoingMail,
  what: string,
): Promise<void> {
  try {
    await deps.mailer.send(mail);
  } catch (err) {
    console.error(`${what} mail failed:`, (err as Error).message);
    throw new HttpError(
      500,
      "The email could not be sent",
      "Our mail server did not accept the message. Try again in a few minutes.",
    );
  }
}
