import { Role } from '../../src/kernel/actor';
import { createUser, smallTree, TEST_PASSWORD } from '../support/factories';
import { sharedCaches } from '../../src/db/shared-cache';
import { errorCodes, useHarness } from '../support/harness';

const h = useHarness();

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt user { username roles jurisdiction { code } } } }`;
const ME = `{ me { username roles active jurisdiction { code name } } }`;

describe('login and me', () => {
  beforeEach(() => smallTree(h.db));

  it('signs in with the right password and the token opens me', async () => {
    await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@321012');
    const login = await h.gql(LOGIN, { u: 'Admin@321012', p: TEST_PASSWORD });
    expect(login.errors).toBeUndefined();
    expect(login.data.login.user).toEqual({ username: 'admin@321012', roles: ['CIVIL_AFFAIRS_ADMIN'], jurisdiction: { code: '321012' } });
    const lifetime = new Date(login.data.login.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(h.config.tokenTtlSeconds * 1000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(h.config.tokenTtlSeconds * 1000);
    const me = await h.gql(ME, {}, login.data.login.token);
    expect(me.data.me).toEqual({ username: 'admin@321012', roles: ['CIVIL_AFFAIRS_ADMIN'], active: true, jurisdiction: { code: '321012', name: '江都区' } });
  });

  it('gives the same answer for a wrong password, an unknown user and an inactive account, and audits each', async () => {
    const user = await createUser(h.db, '321012', [Role.FINANCE], 'finance@321012');
    await createUser(h.db, '321012', [Role.FINANCE], 'gone@321012');
    await h.db.query(`UPDATE app_user SET active = false WHERE username = 'gone@321012'`);
    const answers = await Promise.all([
      h.gql(LOGIN, { u: user.username, p: 'wrong-password-1' }),
      h.gql(LOGIN, { u: 'nobody@321012', p: TEST_PASSWORD }),
      h.gql(LOGIN, { u: 'gone@321012', p: TEST_PASSWORD }),
    ]);
    for (const answer of answers) {
      expect(answer.data).toBeNull();
      expect(answer.errors?.map((e) => [e.extensions.code, e.message])).toEqual([['UNAUTHENTICATED', 'Wrong username or password']]);
    }
    const audit = await h.db.query(`SELECT actor_username, outcome, error_code FROM audit_entry WHERE action = 'login' ORDER BY actor_username`);
    expect(audit).toEqual([
      { actor_username: 'finance@321012', outcome: 'FAILURE', error_code: 'UNAUTHENTICATED' },
      { actor_username: 'gone@321012', outcome: 'FAILURE', error_code: 'UNAUTHENTICATED' },
      { actor_username: 'nobody@321012', outcome: 'FAILURE', error_code: 'UNAUTHENTICATED' },
    ]);
  });

  it('stores the password with scrypt, never in clear', async () => {
    await createUser(h.db, '321012', [Role.FINANCE], 'finance@321012');
    const [{ password_hash }] = await h.db.query(`SELECT password_hash FROM app_user`);
    expect(password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(password_hash).not.toContain(TEST_PASSWORD);
  });

  it('stops a token at once when an administrator deactivates the user', async () => {
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const user = await createUser(h.db, '321012', [Role.FINANCE]);
    expect((await h.gql(ME, {}, user.token)).data.me.username).toBe(user.username);
    const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { active } }`;
    const deactivated = await h.gql(UPDATE, { input: { username: user.username, active: false } }, admin.token);
    expect(deactivated.data.updateUser).toEqual({ active: false });
    const after = await h.gql(ME, {}, user.token);
    expect(after.status).toBe(401);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
  });

  it('stops a token when the user is deactivated outside the API, as soon as the database tells the server', async () => {
    const user = await createUser(h.db, '321012', [Role.FINANCE]);
    expect((await h.gql(ME, {}, user.token)).data.me.username).toBe(user.username);
    await h.db.query(`UPDATE app_user SET active = false WHERE id = $1`, [user.id]);
    await sharedCaches(h.app).sync();
    const after = await h.gql(ME, {}, user.token);
    expect(after.status).toBe(401);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
  });

  it('keeps a token issued before a deactivation dead after the account is reactivated, through the API or by hand', async () => {
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { active } }`;
    for (const [how, setActive] of [
      ['the API', async (username: string, active: boolean) => expect((await h.gql(UPDATE, { input: { username, active } }, admin.token)).errors).toBeUndefined()],
      ['psql', async (username: string, active: boolean) => {
        await h.db.query(`UPDATE app_user SET active = $2 WHERE username = $1`, [username, active]);
        await sharedCaches(h.db).sync();
      }],
    ] as const) {
      const user = await createUser(h.db, '321012', [Role.FINANCE], `finance-${how === 'psql' ? 'sql' : 'api'}@321012`);
      expect((await h.gql(ME, {}, user.token)).data.me.username).toBe(user.username);
      await setActive(user.username, false);
      await setActive(user.username, true);
      const old = await h.gql(ME, {}, user.token);
      expect({ how, codes: errorCodes(old) }).toEqual({ how, codes: ['UNAUTHENTICATED'] });
      const login = await h.gql(LOGIN, { u: user.username, p: TEST_PASSWORD });
      expect((await h.gql(ME, {}, login.data.login.token)).data.me.username).toBe(user.username);
    }
  });

  it('rejects a malformed Authorization header', async () => {
    const response = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Token abc' },
      body: JSON.stringify({ query: ME }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('changePassword', () => {
  beforeEach(() => smallTree(h.db));

  const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token user { username } } }`;

  it('changes the password, returns a fresh token and retires the old ones', async () => {
    const user = await createUser(h.db, '321012100001', [Role.VILLAGE_WORKER]);
    const changed = await h.gql(CHANGE, { c: TEST_PASSWORD, n: 'a-new-password-2' }, user.token);
    expect(changed.errors).toBeUndefined();
    expect(errorCodes(await h.gql(ME, {}, user.token))).toEqual(['UNAUTHENTICATED']);
    expect((await h.gql(ME, {}, changed.data.changePassword.token)).data.me.username).toBe(user.username);
    const relogin = await h.gql(LOGIN, { u: user.username, p: 'a-new-password-2' });
    expect(relogin.data.login.user.username).toBe(user.username);
  });

  it.each([
    ['a wrong current password', 'not-the-password', 'a-new-password-2', 'currentPassword'],
    ['a short new password', TEST_PASSWORD, 'short', 'newPassword'],
    ['the same password again', TEST_PASSWORD, TEST_PASSWORD, 'newPassword'],
  ])('refuses %s naming the field and changes nothing', async (_what, current, next, field) => {
    const user = await createUser(h.db, '321012100001', [Role.VILLAGE_WORKER]);
    const [before] = await h.db.query(`SELECT password_hash FROM app_user WHERE id = $1`, [user.id]);
    const res = await h.gql(CHANGE, { c: current, n: next }, user.token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await h.db.query(`SELECT password_hash FROM app_user WHERE id = $1`, [user.id])).toEqual([before]);
    expect((await h.gql(ME, {}, user.token)).data.me.username).toBe(user.username);
  });
});
