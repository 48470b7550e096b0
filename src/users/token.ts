import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { UnauthenticatedError } from '../kernel/errors';
import { text } from '../kernel/messages';

interface TokenSettings {
  secret: string;
  ttlSeconds: number;
}

/** Where a secret generated outside production is kept: a file of the data directory only its owner may read. */
export function tokenSecretFile(dataDir: string): string {
  return path.join(dataDir, 'token-secret');
}

/**
 * JWT_SECRET, or outside production a random secret kept in the data directory (mode 600), so that
 * tokens survive restarts. Never in the database: what the application may read there is data, and
 * a dump, a replica or a BI view must not carry the key that signs every token.
 */
export function signingSecret(cfg: { jwtSecret: string | null; dataDir: string }): string {
  if (cfg.jwtSecret) return cfg.jwtSecret;
  const file = tokenSecretFile(cfg.dataDir);
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    // Written aside and linked into place: of two processes starting at once, both read the first one's.
    const draft = `${file}.${process.pid}`;
    fs.writeFileSync(draft, randomBytes(48).toString('base64url'), { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  if (fs.statSync(file).mode & 0o077) fs.chmodSync(file, 0o600);
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable token secret: remove it to have a new one made`);
  return secret;
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
    throw new UnauthenticatedError(text(expired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID'));
  }
}
