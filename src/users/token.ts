import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthenticatedError } from '../graphql/errors';

interface TokenSettings {
  secret: string;
  ttlSeconds: number;
}

let settings: { key: KeyObject; ttlSeconds: number } | null = null;

/** Set once at start-up: the signing secret and how long a token lives. */
export function configureTokens(next: TokenSettings): void {
  // A key object made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
  // public key on every call, which costs more than the whole rest of a small request.
  settings = { key: createSecretKey(Buffer.from(next.secret, 'utf8')), ttlSeconds: next.ttlSeconds };
  verified.clear();
}

function current(): { key: KeyObject; ttlSeconds: number } {
  if (!settings) throw new Error('tokens are not configured');
  return settings;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** A signed token for the user; `tokenVersion` ties it to the current password and the last deactivation. */
export function issueToken(userId: number, tokenVersion: number): IssuedToken {
  const { key, ttlSeconds } = current();
  const token = jwt.sign({ pwv: tokenVersion }, key, {
    algorithm: 'HS256',
    subject: String(userId),
    expiresIn: ttlSeconds,
    issuer: 'yiyang',
  });
  const { exp } = jwt.decode(token) as { exp: number };
  return { token, expiresAt: new Date(exp * 1000) };
}

export interface TokenClaims {
  userId: number;
  tokenVersion: number;
}

// Tokens whose signature was checked, with their claims and expiry: a client sends the same token
// with every request, and checking the signature again would cost more than the rest of a small one.
const VERIFIED_KEPT = 10_000;
const verified = new Map<string, { claims: TokenClaims; expiresAtMs: number }>();

/** The claims of a valid, unexpired token of ours, or UNAUTHENTICATED. */
export function verifyToken(token: string): TokenClaims {
  const known = verified.get(token);
  if (known && known.expiresAtMs > Date.now()) return known.claims;
  if (known) verified.delete(token);
  try {
    const payload = jwt.verify(token, current().key, { algorithms: ['HS256'], issuer: 'yiyang' }) as jwt.JwtPayload;
    const userId = Number(payload.sub);
    if (!Number.isSafeInteger(userId) || typeof payload.pwv !== 'number' || typeof payload.exp !== 'number') throw new Error('malformed claims');
    const claims = { userId, tokenVersion: payload.pwv };
    if (verified.size >= VERIFIED_KEPT) verified.delete(verified.keys().next().value as string);
    verified.set(token, { claims, expiresAtMs: payload.exp * 1000 });
    return claims;
  } catch (error) {
    const expired = error instanceof jwt.TokenExpiredError;
    throw new UnauthenticatedError(expired ? 'The token has expired: sign in again' : 'The token is not valid: sign in again');
  }
}
