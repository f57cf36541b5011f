/**
 * Personal API tokens: created on /account, shown once, stored as a hash, revoked by deleting
 * the row. The API's bearer middleware (src/http/api-auth.ts) finds a token's account through
 * `findTokenCaller`, which the app hands it.
 */
import { isPostgres } from "../../db/locks.ts";
import { iso } from "../../db/time.ts";
import type { Db } from "../../db/types.ts";
import { MAX_API_TOKENS, type TokenScope } from "../../domain/api-token.ts";
import { isRole } from "../../domain/permissions.ts";
import type { TokenLookup } from "../../http/api-auth.ts";
import { hashToken, isApiTokenShaped, isTokenShaped, newApiToken, newToken } from "../../http/tokens.ts";

/** A token's last use is recorded at most this often, to spare a write per request. */
export const TOKEN_TOUCH_EVERY_MS = 60_000;

/** One token as its owner sees it on /account (never the token itself). */
export interface ApiTokenInfo {
  id: number;
  name: string;
  scope: TokenScope;
  /** The token's last four characters. */
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A creation form's one-time value: what newFormNonce makes, and nothing longer. */
export function isFormNonce(value: unknown): value is string {
  return typeof value === "string" && isTokenShaped(value) && value.length <= 64;
}

/** A fresh one-time value for a token creation form (random, so a page never repeats one). */
export function newFormNonce(): string {
  return newToken();
}

/**
 * Creates a token for an account and returns it: the only time it is ever seen. Refused when
 * the account already holds MAX_API_TOKENS, and when `nonce` (the creation form's one-time
 * value) already made a token: a reloaded or re-sent form must not make a second one.
 */
export async function createApiToken(
  db: Db,
  opts: { userId: number; name: string; scope: TokenScope; nonce?: string; now?: number },
): Promise<
  { ok: true; token: string; info: ApiTokenInfo } | { ok: false; problem: "too-many" | "already-created" }
> {
  const at = iso(opts.now ?? Date.now());
  const nonce = opts.nonce ?? null;
  return db.transaction().execute(async (trx) => {
    // two creations racing on PostgreSQL must not both see room for one more, nor both see a
    // nonce unused (SQLite runs one write transaction at a time); the unique index backs this
    if (isPostgres(trx)) {
      await trx.selectFrom("users").select("id").where("id", "=", opts.userId).forUpdate().execute();
    }
    if (nonce !== null) {
      const used = await trx
        .selectFrom("api_tokens")
        .select("id")
        .where("user_id", "=", opts.userId)
        .where("create_nonce", "=", nonce)
        .executeTakeFirst();
      if (used) return { ok: false as const, problem: "already-created" as const };
    }
    const held = await trx
      .selectFrom("api_tokens")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", opts.userId)
      .executeTakeFirstOrThrow();
    if (Number(held.n) >= MAX_API_TOKENS) return { ok: false as const, problem: "too-many" as const };
    const token = newApiToken();
    const hint = token.slice(-4);
    const row = await trx
      .insertInto("api_tokens")
      .values({
        user_id: opts.userId,
        name: opts.name,
        scope: opts.scope,
        token_hash: hashToken(token),
        hint,
        created_at: at,
        create_nonce: nonce,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return {
      ok: true as const,
      token,
      info: { id: row.id, name: opts.name, scope: opts.scope, hint, createdAt: at, lastUsedAt: null },
    };
  });
}

/** An account's tokens, newest first. */
export async function listApiTokens(db: Db, userId: number): Promise<ApiTokenInfo[]> {
  const rows = await db
    .selectFrom("api_tokens")
    .select(["id", "name", "scope", "hint", "created_at", "last_used_at"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scope: r.scope,
    hint: r.hint,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

/**
 * Revokes one of an account's tokens; it stops working with the next request. The revoked
 * token's name, or undefined when the account held no such token (already revoked, say).
 */
export async function revokeApiToken(
  db: Db,
  opts: { userId: number; tokenId: number },
): Promise<string | undefined> {
  const r = await db
    .deleteFrom("api_tokens")
    .where("id", "=", opts.tokenId)
    .where("user_id", "=", opts.userId)
    .returning("name")
    .executeTakeFirst();
  return r?.name;
}

/**
 * The account and scope behind a token, or undefined for an unknown (or revoked) one. A
 * blocked account's token is found and marked blocked, so the API can say why it refuses.
 * Records the last use at most once a minute.
 */
export async function findTokenCaller(db: Db, token: string, now = Date.now()): ReturnType<TokenLookup> {
  if (!isApiTokenShaped(token)) return undefined;
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select([
      "api_tokens.id as token_id",
      "api_tokens.scope",
      "api_tokens.last_used_at",
      "users.id",
      "users.email",
      "users.role",
      "users.blocked_at",
    ])
    .where("api_tokens.token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (!row) return undefined;
  const blocked = row.blocked_at !== null;
  if (!blocked && (row.last_used_at === null || Date.parse(row.last_used_at) <= now - TOKEN_TOUCH_EVERY_MS)) {
    await db
      .updateTable("api_tokens")
      .set({ last_used_at: iso(now) })
      .where("id", "=", row.token_id)
      .execute();
  }
  return {
    blocked,
    caller: {
      account: { id: row.id, email: row.email, role: isRole(row.role) ? row.role : "reader" },
      scope: row.scope,
      tokenId: row.token_id,
    },
  };
}
