/** Argument checking for `user:grant`, kept free of I/O so it can be tested on its own. */
import { normalizeEmail } from "../domain/email.ts";
import { isRole, ROLES, type Role } from "../domain/permissions.ts";

const GRANT_USAGE = "usage: npm run cli -- user:grant <email> <role> [reason]";

const DEFAULT_REASON = "Granted by an operator from the command line.";
const MAX_REASON = 500;

export type GrantArgs =
  | { ok: true; email: string; role: Role; reason: string }
  | { ok: false; error: string };

/** Checks `<email> <role> [reason…]`: a normalized address, a known role, an optional reason. */
export function parseGrantArgs(args: readonly string[]): GrantArgs {
  const [rawEmail, rawRole, ...rest] = args;
  if (rawEmail === undefined || rawRole === undefined) {
    return { ok: false, error: `user:grant needs an email address and a role.\n${GRANT_USAGE}` };
  }
  const email = normalizeEmail(rawEmail);
  if (!email.ok) return { ok: false, error: `"${rawEmail}": ${email.error}` };
  const role = rawRole.trim().toLowerCase();
  if (!isRole(role)) {
    return { ok: false, error: `"${rawRole}" is not a role. Roles: ${ROLES.join(", ")}.` };
  }
  const reason = rest.join(" ").trim() || DEFAULT_REASON;
  if (reason.length < 3 || reason.length > MAX_REASON) {
    return { ok: false, error: `The reason must be 3 to ${MAX_REASON} characters long.` };
  }
  return { ok: true, email: email.email, role, reason };
}
