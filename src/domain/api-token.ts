/** Personal API tokens: their scopes, what each allows in plain words, and how many an account keeps. */

export const TOKEN_SCOPES = ["read", "write"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** What each scope lets a token do, as the account page and the API reference say it. */
export const TOKEN_SCOPE_WORDS: Record<TokenScope, string> = {
  read: "Read only: see your account, votes and bookmarks",
  write: "Read and write: also vote, pick winners and bookmark tools for you",
};

/** Active tokens one account may hold; revoking one frees a place. */
export const MAX_API_TOKENS = 10;

/** The longest token name, in characters. */
export const TOKEN_NAME_MAX_LENGTH = 60;

/** Whether a token of `held` scope may do what needs `needed`: a write token also reads. */
export function scopeAllows(held: TokenScope, needed: TokenScope): boolean {
  return held === "write" || needed === "read";
}

/** Whether a string names a scope. */
export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}
