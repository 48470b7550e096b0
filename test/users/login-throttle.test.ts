import { Role } from '../../src/kernel/actor';
import { createUser, smallTree, TEST_PASSWORD } from '../support/factories';
import { errorCodes, useHarness, type GraphQLResponse } from '../support/harness';

// Requests come through a trusted proxy on 127.0.0.1, which names the client in X-Forwarded-For.
const h = useHarness({ TRUSTED_PROXIES: '127.0.0.1' });

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { username } } }`;
const UNLOCK = `mutation($u: String!) { unlockLogin(username: $u) { username } }`;

async function login(username: string, password: string, from = '203.0.113.7'): Promise<GraphQLResponse> {
  const response = await fetch(`${h.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ query: LOGIN, variables: { u: username, p: password } }),
  });
  const body = (await response.json()) as { data?: any; errors?: GraphQLResponse['errors'] };
  return { status: response.status, data: body.data, errors: body.errors, extensions: undefined };
}

const retryAfter = (answer: GraphQLResponse) => answer.errors?.[0].extensions.retryAfterSeconds as number;

/** Lets the locks of `username` run out, as if their time had passed. */
const expireLocks = (username: string) =>
  h.db.query(`UPDATE login_throttle SET locked_until = clock_timestamp() - interval '1 second' WHERE username = $1 AND locked_until IS NOT NULL`, [username]);

beforeEach(() => smallTree(h.db));

describe('failed sign-ins', () => {
  it('lock a username and address for a minute after 5 failures, even for the right password, and audit the lock', async () => {
    const user = await createUser(h.db, '321012', [Role.FINANCE]);
    for (let i = 0; i < 5; i++) expect(errorCodes(await login(user.username, `wrong-password-${i}`))).toEqual(['UNAUTHENTICATED']);
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => login(user.username, `wrong-again-${i}`)));
    const right = await login(user.username, TEST_PASSWORD);
    for (const answer of [...guesses, right]) {
      expect(answer.data?.login ?? null).toBeNull();
      expect(errorCodes(answer)).toEqual(['LIMIT_EXCEEDED']);
      expect(retryAfter(answer)).toBeGreaterThan(0);
      expect(retryAfter(answer)).toBeLessThanOrEqual(60);
    }
    const locks = await h.db.query(`SELECT actor_username, detail FROM audit_entry WHERE action = 'login.lock'`);
    expect(locks).toEqual([{ actor_username: user.username, detail: { scope: 'address', address: '203.0.113.7', seconds: 60 } }]);
    // Another address is not held by this pair's lock.
    expect(errorCodes(await login(user.username, TEST_PASSWORD, '198.51.100.20'))).toEqual([]);
  });

  it('double the lock each time it is earned again, up to 15 minutes, and start again after a success', async () => {
    const user = await createUser(h.db, '321012', [Role.FINANCE]);
    const earnLock = async () => {
      for (let i = 0; i < 5; i++) await login(user.username, 'wrong-password');
      return retryAfter(await login(user.username, 'wrong-password'));
    };
    const waits: number[] = [];
    for (let round = 0; round < 6; round++) {
      waits.push(await earnLock());
      await expireLocks(user.username);
    }
    const limits = [60, 120, 240, 480, 900, 900];
    waits.forEach((wait, i) => {
      expect(wait).toBeLessThanOrEqual(limits[i]);
      expect(wait).toBeGreaterThan(limits[i] - 5);
    });
    expect(errorCodes(await login(user.username, TEST_PASSWORD))).toEqual([]);
    expect(await earnLock()).toBeLessThanOrEqual(60);
  });

  it('treat an unknown username as a known one: same answers, same lock', async () => {
    const user = await createUser(h.db, '321012', [Role.FINANCE]);
    const answers = async (username: string) => {
      const all: string[] = [];
      for (let i = 0; i < 7; i++) {
        const answer = await login(username, 'wrong-password');
        all.push(`${errorCodes(answer)}:${answer.errors?.[0].message.replace(/\d+ s/, 'N s')}`);
      }
      return all;
    };
    expect(await answers('nobody@321012')).toEqual(await answers(user.username));
  });

  it('lock the account for 5 minutes after 50 failures from any addresses, except for an address that signed in lately', async () => {
    const user = await createUser(h.db, '321012', [Role.FINANCE]);
    const home = '198.51.100.20';
    expect(errorCodes(await login(user.username, TEST_PASSWORD, home))).toEqual([]);
    for (let i = 0; i < 50; i++) await login(user.username, 'wrong-password', `203.0.113.${i + 1}`);
    const elsewhere = await login(user.username, TEST_PASSWORD, '192.0.2.99');
    expect(errorCodes(elsewhere)).toEqual(['LIMIT_EXCEEDED']);
    expect(retryAfter(elsewhere)).toBeGreaterThan(290);
    expect(retryAfter(elsewhere)).toBeLessThanOrEqual(300);
    expect(errorCodes(await login(user.username, TEST_PASSWORD, home))).toEqual([]);
    const [lock] = await h.db.query(`SELECT detail FROM audit_entry WHERE action = 'login.lock' AND detail->>'scope' = 'account'`);
    expect(lock.detail).toMatchObject({ scope: 'account', seconds: 300 });
  });
});

describe('unlockLogin', () => {
  it('lets an administrator of the user’s subtree lift the locks, audited; others are refused', async () => {
    const user = await createUser(h.db, '321012100', [Role.FINANCE]);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const outsider = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
    const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
    for (let i = 0; i < 5; i++) await login(user.username, 'wrong-password');
    expect(errorCodes(await login(user.username, TEST_PASSWORD))).toEqual(['LIMIT_EXCEEDED']);
    expect(errorCodes(await h.gql(UNLOCK, { u: user.username }, outsider.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(UNLOCK, { u: user.username }, staff.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await login(user.username, TEST_PASSWORD))).toEqual(['LIMIT_EXCEEDED']);
    const unlocked = await h.gql(UNLOCK, { u: user.username }, admin.token);
    expect(unlocked.data.unlockLogin).toEqual({ username: user.username });
    expect(errorCodes(await login(user.username, TEST_PASSWORD))).toEqual([]);
    const audit = await h.db.query(`SELECT actor_username, outcome, detail FROM audit_entry WHERE action = 'unlockLogin' ORDER BY id`);
    // Staff lack MANAGE_USERS: refused at the gate, and recorded there like every refused attempt.
    expect(audit.map((row: any) => [row.actor_username, row.outcome])).toEqual([
      [outsider.username, 'FAILURE'],
      [staff.username, 'FAILURE'],
      [admin.username, 'SUCCESS'],
    ]);
    expect(audit[2].detail).toEqual({ lifted: 1 });
  });
});
