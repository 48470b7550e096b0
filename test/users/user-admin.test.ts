import { Role } from '../../src/kernel/actor';
import { createUser, smallTree, type TestUser } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';

const h = useHarness();

const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { username displayName roles active jurisdiction { code } } }`;
const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username roles active jurisdiction { code } } }`;

const userRows = () => h.db.query(`SELECT username, roles::text[] AS roles, active, jurisdiction_id, password_hash FROM app_user ORDER BY username`);

describe('createUser', () => {
  let admin: TestUser;
  beforeEach(async () => {
    await smallTree(h.db);
    admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@321012');
  });

  it('creates a user below the admin and audits it in the same transaction', async () => {
    const input = { username: 'Worker@321012100001', password: 'worker-password-1', jurisdictionCode: '321012100001', roles: ['VILLAGE_WORKER'], displayName: ' 王芳 ' };
    const res = await h.gql(CREATE, { input }, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.createUser).toEqual({ username: 'worker@321012100001', displayName: '王芳', roles: ['VILLAGE_WORKER'], active: true, jurisdiction: { code: '321012100001' } });
    const [entry] = await h.db.query(
      `SELECT a.actor_username, a.actor_role, j.code, a.action, a.target_type, a.target_ids, a.outcome, a.detail,
         a.xmin::text = u.xmin::text AS same_transaction
       FROM audit_entry a JOIN jurisdiction j ON j.id = a.jurisdiction_id JOIN app_user u ON u.username = 'worker@321012100001'`,
    );
    expect(entry).toEqual({
      actor_username: 'admin@321012',
      actor_role: 'CIVIL_AFFAIRS_ADMIN',
      code: '321012100001',
      action: 'createUser',
      target_type: 'User',
      target_ids: ['worker@321012100001'],
      outcome: 'SUCCESS',
      detail: { jurisdictionCode: '321012100001', roles: ['VILLAGE_WORKER'] },
      same_transaction: true,
    });
    expect(JSON.stringify(entry.detail)).not.toContain('worker-password-1');
  });

  it.each([
    ['a malformed username', { username: 'x' }, 'BAD_USER_INPUT', 'input.username'],
    ['a short password', { password: 'short' }, 'BAD_USER_INPUT', 'input.password'],
    ['a malformed code', { jurisdictionCode: '3210x' }, 'BAD_USER_INPUT', 'input.jurisdictionCode'],
    ['no roles', { roles: [] }, 'BAD_USER_INPUT', 'input.roles'],
    ['a missing jurisdiction in the subtree', { jurisdictionCode: '321012999' }, 'NOT_FOUND', undefined],
    ['a jurisdiction above the admin', { jurisdictionCode: '3210' }, 'FORBIDDEN', undefined],
    ['a role the admin may not grant', { roles: ['PLATFORM_ADMIN'] }, 'FORBIDDEN', undefined],
    ['a taken username', { username: 'admin@321012' }, 'CONFLICT', 'input.username'],
  ])('refuses %s, writes no user, and audits the failure', async (_what, change, code, field) => {
    const before = await userRows();
    const input = { username: 'new@321012', password: 'new-password-1', jurisdictionCode: '321012100', roles: ['CIVIL_AFFAIRS_STAFF'], ...change };
    const res = await h.gql(CREATE, { input }, admin.token);
    expect(res.data).toBeNull();
    expect(errorCodes(res)).toEqual([code]);
    if (field) expect(res.errors?.[0].extensions.field).toBe(field);
    expect(await userRows()).toEqual(before);
    const audit = await h.db.query(`SELECT action, outcome, error_code FROM audit_entry`);
    expect(audit).toEqual([{ action: 'createUser', outcome: 'FAILURE', error_code: code }]);
  });

  it('lets a platform admin grant PLATFORM_ADMIN below itself', async () => {
    const platform = await createUser(h.db, '32', [Role.PLATFORM_ADMIN], 'root@32');
    const res = await h.gql(CREATE, { input: { username: 'ops@3210', password: 'ops-password-1', jurisdictionCode: '3210', roles: ['PLATFORM_ADMIN', 'ANALYST'] } }, platform.token);
    expect(res.data.createUser.roles).toEqual(['PLATFORM_ADMIN', 'ANALYST']);
  });
});

describe('updateUser and resetPassword', () => {
  let admin: TestUser;
  let staff: TestUser;
  beforeEach(async () => {
    await smallTree(h.db);
    admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@321012');
    staff = await createUser(h.db, '321012100', [Role.CIVIL_AFFAIRS_STAFF], 'staff@321012100');
  });

  it('changes roles, home and the active flag; a deactivated user loses access at once', async () => {
    const res = await h.gql(UPDATE, { input: { username: staff.username, roles: ['CIVIL_AFFAIRS_STAFF', 'ASSESSOR'], jurisdictionCode: '321012101', active: false } }, admin.token);
    expect(res.data.updateUser).toEqual({ username: staff.username, roles: ['CIVIL_AFFAIRS_STAFF', 'ASSESSOR'], active: false, jurisdiction: { code: '321012101' } });
    expect(errorCodes(await h.gql(`{ me { username } }`, {}, staff.token))).toEqual(['UNAUTHENTICATED']);
    const [entry] = await h.db.query(`SELECT detail FROM audit_entry WHERE action = 'updateUser'`);
    expect(entry.detail).toEqual({ roles: ['CIVIL_AFFAIRS_STAFF', 'ASSESSOR'], previousRoles: ['CIVIL_AFFAIRS_STAFF'], active: false, jurisdictionCode: '321012101' });
  });

  it('refuses to change the admin’s own roles or deactivate them', async () => {
    const roles = await h.gql(UPDATE, { input: { username: admin.username, roles: ['ANALYST'] } }, admin.token);
    expect(roles.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.roles' });
    const active = await h.gql(UPDATE, { input: { username: admin.username, active: false } }, admin.token);
    expect(active.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.active' });
  });

  it('resets a password: the old token stops, the new password signs in', async () => {
    const res = await h.gql(`mutation { resetPassword(username: "staff@321012100", newPassword: "fresh-password-9") { username } }`, {}, admin.token);
    expect(res.data.resetPassword.username).toBe(staff.username);
    expect(errorCodes(await h.gql(`{ me { username } }`, {}, staff.token))).toEqual(['UNAUTHENTICATED']);
    const login = await h.gql(`mutation { login(username: "staff@321012100", password: "fresh-password-9") { user { username } } }`);
    expect(login.data.login.user.username).toBe(staff.username);
  });

  it('resets only the passwords of users strictly below: a peer admin or the leadership office of the same level is FORBIDDEN', async () => {
    const peer = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN], 'peer@321012');
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE], 'office@321012');
    const RESET = `mutation($u: String!) { resetPassword(username: $u, newPassword: "fresh-password-9") { username } }`;
    const before = await h.db.query(`SELECT username, password_hash FROM app_user ORDER BY id`);
    for (const username of [peer.username, office.username, admin.username]) {
      expect({ username, codes: errorCodes(await h.gql(RESET, { u: username }, admin.token)) }).toEqual({ username, codes: ['FORBIDDEN'] });
    }
    expect(await h.db.query(`SELECT username, password_hash FROM app_user ORDER BY id`)).toEqual(before);
    expect((await h.gql(`{ me { username } }`, {}, peer.token)).data.me.username).toBe(peer.username);
    // An administrator above resets them.
    const city = await createUser(h.db, '3210', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@3210');
    expect(errorCodes(await h.gql(RESET, { u: peer.username }, city.token))).toEqual([]);
    const audit = await h.db.query(`SELECT target_ids, outcome, error_code FROM audit_entry WHERE action = 'resetPassword' ORDER BY id`);
    expect(audit.map((row: any) => [row.target_ids[0], row.outcome, row.error_code])).toEqual([
      [peer.username, 'FAILURE', 'FORBIDDEN'],
      [office.username, 'FAILURE', 'FORBIDDEN'],
      [admin.username, 'FAILURE', 'FORBIDDEN'],
      [peer.username, 'SUCCESS', null],
    ]);
  });
});

describe('a user outside the subtree', () => {
  it('gets the same answer as one that does not exist, to a read and to every management mutation', async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@321012');
    const outside = await createUser(h.db, '321023', [Role.FINANCE], 'finance@321023');
    const operations: [string, string][] = [
      ['user', `query($u: String!) { user(username: $u) { username } }`],
      ['updateUser', `mutation($u: String!) { updateUser(input: { username: $u, active: false }) { username } }`],
      ['resetPassword', `mutation($u: String!) { resetPassword(username: $u, newPassword: "fresh-password-9") { username } }`],
      ['unlockLogin', `mutation($u: String!) { unlockLogin(username: $u) { username } }`],
    ];
    const answer = async (query: string, username: string) => {
      const res = await h.gql(query, { u: username }, admin.token);
      return { data: res.data, errors: res.errors?.map((e) => [e.extensions.code, e.message]) };
    };
    for (const [name, query] of operations) {
      const missing = await answer(query, 'nobody@321012');
      expect({ name, errors: missing.errors }).toEqual({ name, errors: [['FORBIDDEN', expect.any(String)]] });
      expect({ name, answer: await answer(query, outside.username) }).toEqual({ name, answer: missing });
    }
    const [row] = await h.db.query(`SELECT active FROM app_user WHERE username = $1`, [outside.username]);
    expect(row.active).toBe(true);
  });
});

describe('users and auditTrail', () => {
  it('list only the subtree, filtered and paged', async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, '3210', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@3210');
    await createUser(h.db, '321012', [Role.FINANCE], 'finance@321012');
    await createUser(h.db, '321023', [Role.FINANCE], 'finance@321023');
    await createUser(h.db, '321012100', [Role.CIVIL_AFFAIRS_STAFF], 'staff@321012100');
    await createUser(h.db, '3201', [Role.FINANCE], 'finance@3201');
    await createUser(h.db, '32', [Role.FINANCE], 'finance@32');

    const all = await h.gql(`{ users { totalCount edges { node { username } } } }`, {}, admin.token);
    expect(all.data.users.edges.map((e: any) => e.node.username)).toEqual(['admin@3210', 'finance@321012', 'finance@321023', 'staff@321012100']);
    const finance = await h.gql(`{ users(role: FINANCE, under: "321012") { totalCount edges { node { username } } } }`, {}, admin.token);
    expect(finance.data.users).toEqual({ totalCount: 1, edges: [{ node: { username: 'finance@321012' } }] });
    const paged = await h.gql(`{ users(first: 2) { pageInfo { hasNextPage endCursor } } }`, {}, admin.token);
    const rest = await h.gql(`query($a: String) { users(first: 2, after: $a) { edges { node { username } } pageInfo { hasNextPage } } }`, { a: paged.data.users.pageInfo.endCursor }, admin.token);
    expect(rest.data.users.edges.map((e: any) => e.node.username)).toEqual(['finance@321023', 'staff@321012100']);
    expect(rest.data.users.pageInfo.hasNextPage).toBe(false);
    expect(errorCodes(await h.gql(`{ user(username: "finance@3201") { username } }`, {}, admin.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(`{ user(username: "nobody@3210") { username } }`, {}, admin.token))).toEqual(['FORBIDDEN']);
  });

  it('shows each admin the audit trail of their subtree only', async () => {
    await smallTree(h.db);
    const county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@321012');
    const sibling = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@321023');
    const city = await createUser(h.db, '3210', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@3210');
    const input = (username: string, code: string) => ({ input: { username, password: 'some-password-1', jurisdictionCode: code, roles: ['FINANCE'] } });
    await h.gql(CREATE, input('a@321012100', '321012100'), county.token);
    await h.gql(CREATE, input('b@321023100', '321023100'), sibling.token);

    const trail = (token: string) => h.gql(`{ auditTrail { totalCount edges { node { action actorUsername actorRole targetIds outcome jurisdiction { code } } } } }`, {}, token);
    const seenByCounty = await trail(county.token);
    expect(seenByCounty.data.auditTrail.edges.map((e: any) => e.node.targetIds)).toEqual([['a@321012100']]);
    expect(seenByCounty.data.auditTrail.edges[0].node).toEqual({ action: 'createUser', actorUsername: 'admin@321012', actorRole: 'CIVIL_AFFAIRS_ADMIN', targetIds: ['a@321012100'], outcome: 'SUCCESS', jurisdiction: { code: '321012100' } });
    const seenByCity = await trail(city.token);
    expect(seenByCity.data.auditTrail.edges.map((e: any) => e.node.targetIds[0])).toEqual(['b@321023100', 'a@321012100']);
    expect(errorCodes(await h.gql(`{ auditTrail(under: "3210") { totalCount } }`, {}, county.token))).toEqual(['FORBIDDEN']);
  });

  it('keeps the trail append-only', async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    await h.gql(CREATE, { input: { username: 'x@321012', password: 'some-password-1', jurisdictionCode: '321012', roles: ['FINANCE'] } }, admin.token);
    await expect(h.db.query(`UPDATE audit_entry SET outcome = 'FAILURE'`)).rejects.toThrow(/cannot be changed/);
    await expect(h.db.query(`DELETE FROM audit_entry`)).rejects.toThrow(/cannot be changed/);
  });
});
