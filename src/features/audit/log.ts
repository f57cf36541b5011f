/**
 * The append-only audit log: moderation, role changes and (later) catalog edits each write
 * one entry, inside the transaction of the change they record. Triggers refuse updates and
 * deletes (migration 002).
 */

import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";

/** Who did something: an account, or an operator at the command line (no account id). */
export interface Actor {
  id: number | null;
  email: string;
}

/** The actor the operator CLI writes audit entries as. */
export const CLI_ACTOR: Actor = { id: null, email: "cli" };

export interface AuditInput {
  actor: Actor;
  /** Dotted verb, e.g. "votes.remove" or "account.block". */
  action: string;
  /** What was acted on, e.g. "user:12" or "tool:cursor". */
  subject: string;
  reason: string;
  /** What changed, kept as JSON. */
  detail?: Record<string, unknown>;
  now?: number;
}

/** The subject string audit entries use for an account. */
export const accountSubject = (userId: number) => `user:${userId}`;

/** Appends one entry to the audit log; call it inside the transaction of the change it records. */
export async function recordAudit(trx: Db, entry: AuditInput): Promise<void> {
  await trx
    .insertInto("audit_log")
    .values({
      at: iso(entry.now ?? Date.now()),
      actor_id: entry.actor.id,
      actor_email: entry.actor.email,
      action: entry.action,
      subject: entry.subject,
      reason: entry.reason,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}
