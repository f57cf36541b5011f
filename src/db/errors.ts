/** Database errors the code reacts to, recognised the same way on SQLite and PostgreSQL. */

/** Whether an error is a unique-constraint (or primary-key) violation on either engine. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
