import crypto from 'node:crypto';
import os from 'node:os';
import { promisify } from 'node:util';
import { BadUserInputError } from '../kernel/errors';
import { Slots } from '../db/slots';

const scryptOnPool = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

// At most one hash per core at once: more gain no throughput, and would take the cores from the
// requests the event loop serves meanwhile (and take every thread of libuv's pool, 4 by default).
const hashing = new Slots(os.availableParallelism());
const scrypt = (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) =>
  hashing.run(() => scryptOnPool(password, salt, keylen, options));

// scrypt with N = 2^15, r = 8, p = 1: about 100 ms a hash here, 32 MiB of memory each.
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** Refuses a password that is too short or too long (BAD_USER_INPUT naming the field). */
export function checkPasswordPolicy(password: string, field: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new BadUserInputError(field, problem);
}

function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}

/**
 * The hash of a password the policy accepts, null for one it refuses (`checkPasswordPolicy` then
 * says why). Mutations hash before their transaction opens: a pooled connection is never held for it.
 */
export async function hashAcceptable(password: string): Promise<string | null> {
  return passwordProblem(password) ? null : hashPassword(password);
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: COST.maxmem,
  });
  return crypto.timingSafeEqual(actual, expected);
}

// Compared against when the username is unknown, so that a miss costs as long as a hit.
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(crypto.randomBytes(12).toString('hex'));
  return decoy;
}
