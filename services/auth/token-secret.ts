import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Token text: `dg_<id>_<secret>`; the id finds the stored row, the whole token is compared by hash. */
const TOKEN_SHAPE = /^dg_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export function newTokenId(): string {
  return randomBytes(8).toString('hex');
}

/** A new token for `tokenId` carrying 256 random bits. */
export function newTokenValue(tokenId: string): string {
  return `dg_${tokenId}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The id part of a well-formed token, or null when the text cannot be one of ours. */
export function tokenIdOf(token: string): string | null {
  return TOKEN_SHAPE.exec(token)?.[1] ?? null;
}

/**
 * Compares the token's hash with the stored one (hex, or its bytes as cached) in constant time (one-shot digest:
 * this runs on every request).
 */
export function tokenMatches(token: string, storedHash: string | Buffer): boolean {
  const actual = hash('sha256', token, 'buffer');
  const expected = typeof storedHash === 'string' ? Buffer.from(storedHash, 'hex') : storedHash;
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Extracts the bearer token from an Authorization header value. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
