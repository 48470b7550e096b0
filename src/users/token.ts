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
}

function current(): { key: KeyObject; ttlSeconds: number } {
  if (!settings) throw new Error('tokens are not configured');
  return settings;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** A signed token for the user; `passwordVersion` ties it to the current password. */
export function issueToken(userId: number, passwordVersion: number): IssuedToken {
  const { key, ttlSeconds } = current();
  const token = jwt.sign({ pwv: passwordVersion }, key, {
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
  passwordVersion: number;
}

/** The claims of a valid, unexpired token of ours, or UNAUTHENTICATED. */
export function verifyToken(token: string): TokenClaims {
  try {
    const claims = jwt.verify(token, current().key, { algorithms: ['HS256'], issuer: 'yiyang' }) as jwt.JwtPayload;
    const userId = Number(claims.sub);
    if (!Number.isSafeInteger(userId) || typeof claims.pwv !== 'number') throw new Error('malformed claims');
    return { userId, passwordVersion: claims.pwv };
  } catch (error) {
    const expired = error instanceof jwt.TokenExpiredError;
    throw new UnauthenticatedError(expired ? 'The token has expired: sign in again' : 'The token is not valid: sign in again');
  }
}
