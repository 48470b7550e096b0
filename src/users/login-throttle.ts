import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';

// Failed sign-ins are counted per (username, client address) and per username over any address,
// within a window; reaching a threshold locks that key for a while (docs/accounts.md). Unknown
// usernames are counted the same way, so that answers never tell which accounts exist.
const WINDOW = '15 minutes';
const PAIR_FAILURES = 5;
/** The first lock of a (username, address) pair; each further one doubles, up to PAIR_LOCK_MAX. */
const PAIR_LOCK_SECONDS = 60;
const PAIR_LOCK_MAX_SECONDS = 15 * 60;
const ACCOUNT_FAILURES = 50;
const ACCOUNT_LOCK_SECONDS = 5 * 60;
/** An address that signed in to the account within this long is not held by the account's lock. */
const TRUSTED_ADDRESS = '30 days';
/** A day without a failure forgets how many times a pair was locked. */
const ESCALATION_KEPT = '1 day';
// The account's own row: the address column holds no address.
const ACCOUNT = '';

export interface ThrottleKey {
  /** Normalised, at most 64 characters. */
  username: string;
  address: string;
}

/** A lock a failure has just started. */
export interface StartedLock {
  scope: 'address' | 'account';
  seconds: number;
}

export const loginThrottle = {
  /** Seconds until `key` may try again (0: now): its pair's lock, or its account's unless the address signed in lately. */
  async waitFor(db: EntityManager, key: ThrottleKey): Promise<number> {
    const [row] = await namedQuery<{ seconds: number | null }>(
      db,
      'login_throttle_wait',
      `SELECT ceil(extract(epoch FROM max(t.locked_until) - clock_timestamp()))::int AS seconds
       FROM login_throttle t
       WHERE t.username = $1 AND t.locked_until > clock_timestamp()
         AND (t.address = $2 OR (t.address = '' AND NOT EXISTS (
           SELECT 1 FROM login_throttle p
           WHERE p.username = $1 AND p.address = $2 AND p.last_success > clock_timestamp() - $3::interval)))`,
      [key.username, key.address, TRUSTED_ADDRESS],
    );
    return Math.max(row?.seconds ?? 0, 0);
  },

  /**
   * Counts a failed sign-in against the pair and the account (one statement) and returns the locks it
   * started. Failures while a key is locked do not count again: a burst already in flight when the
   * lock starts does not lengthen it.
   */
  async failed(db: EntityManager, key: ThrottleKey): Promise<StartedLock[]> {
    const now = 'clock_timestamp()';
    const fresh = `t.window_start < ${now} - $3::interval`;
    const counted = `(CASE WHEN ${fresh} THEN 1 ELSE t.failures + 1 END)`;
    const reaches = `(${counted} >= CASE WHEN t.address = '' THEN $5::int ELSE $4::int END)`;
    const locked = `coalesce(t.locked_until > ${now}, false)`;
    const escalation = `(CASE WHEN t.window_start < ${now} - $9::interval THEN 0 ELSE t.locks END)`;
    const seconds = `(CASE WHEN t.address = '' THEN $8::float8 ELSE least($6::float8 * power(2, ${escalation}), $7::float8) END)`;
    const rows = await namedQuery<{ address: string; lockedSeconds: number | null }>(
      db,
      'login_throttle_failed',
      `WITH before AS (
         SELECT address, locked_until FROM login_throttle WHERE username = $1 AND address IN ($2, '') FOR UPDATE
       ), counted AS (
         INSERT INTO login_throttle AS t (username, address, failures, window_start)
         VALUES ($1, $2, 1, ${now}), ($1, '', 1, ${now})
         ON CONFLICT (username, address) DO UPDATE SET
           failures = CASE WHEN ${locked} THEN t.failures WHEN ${reaches} THEN 0 ELSE ${counted} END,
           window_start = CASE WHEN ${locked} THEN t.window_start WHEN ${reaches} OR ${fresh} THEN ${now} ELSE t.window_start END,
           locks = CASE WHEN ${locked} THEN t.locks WHEN ${reaches} THEN ${escalation} + 1 ELSE ${escalation} END,
           locked_until = CASE WHEN NOT ${locked} AND ${reaches} THEN ${now} + make_interval(secs => ${seconds}) ELSE t.locked_until END
         RETURNING t.address, t.locked_until
       )
       SELECT c.address, ceil(extract(epoch FROM c.locked_until - ${now}))::int AS "lockedSeconds"
       FROM counted c LEFT JOIN before b ON b.address = c.address
       WHERE c.locked_until > ${now} AND c.locked_until IS DISTINCT FROM b.locked_until`,
      [key.username, key.address, WINDOW, PAIR_FAILURES, ACCOUNT_FAILURES, PAIR_LOCK_SECONDS, PAIR_LOCK_MAX_SECONDS, ACCOUNT_LOCK_SECONDS, ESCALATION_KEPT],
    );
    return rows.map((row) => ({ scope: row.address === ACCOUNT ? 'account' : 'address', seconds: row.lockedSeconds! }));
  },

  /** A sign-in from the pair succeeded: its count and escalation start again, and the address is trusted by the account. */
  async succeeded(db: EntityManager, key: ThrottleKey): Promise<void> {
    await namedQuery(
      db,
      'login_throttle_succeeded',
      `INSERT INTO login_throttle AS t (username, address, last_success) VALUES ($1, $2, clock_timestamp())
       ON CONFLICT (username, address) DO UPDATE SET failures = 0, locks = 0, locked_until = NULL, window_start = clock_timestamp(),
         last_success = clock_timestamp()`,
      [key.username, key.address],
    );
  },

  /** Lifts every lock of the account and forgets its failures (the addresses it trusts stay trusted); returns how many keys were locked. */
  async unlock(db: EntityManager, username: string): Promise<number> {
    const rows = await namedQuery<{ wasLocked: boolean }>(
      db,
      'login_throttle_unlock',
      `UPDATE login_throttle t SET failures = 0, locks = 0, locked_until = NULL, window_start = clock_timestamp()
       FROM login_throttle o WHERE t.username = $1 AND o.username = t.username AND o.address = t.address
       RETURNING coalesce(o.locked_until > clock_timestamp(), false) AS "wasLocked"`,
      [username],
    );
    return rows.filter((row) => row.wasLocked).length;
  },
};
