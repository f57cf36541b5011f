/**
 * Deleting an account: the audit log stays append-only, with one exception. An entry that names
 * a deleted account's address may be redacted: the address is replaced in its actor, reason and
 * detail, and `redacted_at` says when. What was done to what, and when (`id`, `at`, `action`,
 * `subject`), can never change, and an update that does not mark itself a redaction is refused
 * as before. Deletes are still refused. See docs/decisions/020-account-deletion.md.
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("audit_log").addColumn("redacted_at", "text").execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // the same function guards updates and deletes (migration 002's trigger stays as it is)
    await sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and new.redacted_at is not null and new.id = old.id and new.at = old.at
          and new.action = old.action and new.subject = old.subject then
          return new;
        end if;
        raise exception 'audit_log is append-only';
      end $$`.execute(db);
  } else {
    await sql`drop trigger audit_log_no_update`.execute(db);
    await sql`create trigger audit_log_no_update before update on audit_log
      when not (new.redacted_at is not null and new.id = old.id and new.at = old.at
        and new.action = old.action and new.subject = old.subject)
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
}
