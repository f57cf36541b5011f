/** Secrets for links and sessions: random tokens, stored only as hashes. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps in place of a token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * The CSRF token of a session: derived from the session's secret cookie, which a
 * cross-site page can neither read nor guess, so no server-side secret is needed.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash("sha256").update(`csrf:${sessionToken}`).digest("base64url");
}

/** Compares two tokens in constant time. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether a string could be one of our tokens; anything else is refused before a lookup. */
export function isTokenShaped(value: string): boolean {
  return /^[A-Za-z0-9_-]{20,100}$/.test(value);
}
