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

/**
 * The CSRF token as one response shows it: a fresh random pad, then the token XORed with it
 * (base64url). Each page carries different bytes for the same token, so a compressed page's
 * size says nothing about the token however much attacker-chosen text sits beside it
 * (BREACH); unmaskToken gives the token back.
 */
export function maskToken(token: string): string {
  const bytes = Buffer.from(token, "base64url");
  const pad = randomBytes(bytes.length);
  const masked = Buffer.alloc(bytes.length);
  for (let i = 0; i < bytes.length; i++) masked[i] = bytes[i]! ^ pad[i]!;
  return Buffer.concat([pad, masked]).toString("base64url");
}

/** The token behind maskToken's output; a value that is not one comes back as it was sent. */
export function unmaskToken(sent: string): string {
  const raw = Buffer.from(sent, "base64url");
  if (raw.length < 2 || raw.length % 2 !== 0 || raw.toString("base64url") !== sent) return sent;
  const half = raw.length / 2;
  const token = Buffer.alloc(half);
  for (let i = 0; i < half; i++) token[i] = raw[i]! ^ raw[half + i]!;
  return token.toString("base64url");
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

/** What every personal API token starts with, so secret scanners (and people) recognise one. */
export const API_TOKEN_PREFIX = "sos_";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 40 base62 characters hold about 238 random bits. */
const API_TOKEN_BODY_LENGTH = 40;

/**
 * A new personal API token: the prefix and 40 random base62 characters (letters and digits
 * only, so a double click selects the whole token).
 */
export function newApiToken(): string {
  let body = "";
  while (body.length < API_TOKEN_BODY_LENGTH) {
    for (const byte of randomBytes(API_TOKEN_BODY_LENGTH)) {
      // 248 = 4 × 62: dropping the bytes above it keeps every character equally likely
      if (byte < 248 && body.length < API_TOKEN_BODY_LENGTH) body += BASE62[byte % 62];
    }
  }
  return API_TOKEN_PREFIX + body;
}

/** Whether a string could be a personal API token; anything else is refused before a lookup. */
export function isApiTokenShaped(value: string): boolean {
  return value.length === API_TOKEN_PREFIX.length + API_TOKEN_BODY_LENGTH && /^sos_[0-9A-Za-z]+$/.test(value);
}
