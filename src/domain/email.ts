/** Email addresses as accounts know them: validated, trimmed and lowercased. */
import { z } from "zod";

/** The longest address accepted (the SMTP path limit); forms use it as their maxlength. */
export const EMAIL_MAX_LENGTH = 254;

const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter your email address.")
  .max(EMAIL_MAX_LENGTH, `An email address has at most ${EMAIL_MAX_LENGTH} characters.`)
  .pipe(z.email("That does not look like an email address. Check it for typos, like name@example.com."))
  .transform((e) => e.toLowerCase());

/** The normalized address, or a sentence saying what is wrong with it. */
export function normalizeEmail(input: unknown): { ok: true; email: string } | { ok: false; error: string } {
  const parsed = emailSchema.safeParse(typeof input === "string" ? input : "");
  if (parsed.success) return { ok: true, email: parsed.data };
  return { ok: false, error: parsed.error.issues[0]?.message ?? "Enter a valid email address." };
}

/** "j•••@example.com": enough to recognise an address without showing it whole. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "•••";
  return `${email[0]}•••${email.slice(at)}`;
}

/** Who did something, for admin pages: operator names such as "cli" (no "@") whole, addresses masked. */
export function actorLabel(email: string): string {
  return email.includes("@") ? maskEmail(email) : email;
}
