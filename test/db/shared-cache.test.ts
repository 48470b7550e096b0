import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { Role } from '../../src/kernel/actor';
import { SharedCaches, sharedCaches } from '../../src/db/shared-cache';
import { inTransactionScope } from '../../src/db/transaction';
import { rebuildRollups } from '../../src/coverage/rollup.rebuild';
import { thisMonthInChina } from '../../src/kernel/dates';
import { createUser, smallTree, TEST_PASSWORD, testCreditCode } from '../support/factories';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';

const h = useHarness();

const TOWN = `query($code: String!) { jurisdiction(code: $code) { name } }`;
const ME = `{ me { roles } }`;

async function listenerPids(db: DataSource): Promise<number[]> {
  const rows: { pid: number }[] = await db.query(
    `SELECT pid FROM pg_stat_activity WHERE application_name = 'yiyang-cache-listener' AND datname = current_database()`,
  );
  return rows.map((row) => row.pid);
}

describe('caches of the tree and of signed-in users', () => {
  beforeEach(() => smallTree(h.db));

  it('answers a repeated request without reading the user or the node again', async () => {
    const user = await createUser(h.db, '321012', [Role.ANALYST]);
    await forgetCaches(h);
    const cold = await h.gql(TOWN, { code: '321012100' }, user.token);
    const warm = await h.gql(TOWN, { code: '321012100' }, user.token);
    expect(warm.data).toEqual(cold.data);
    expect(cold.extensions?.sqlStatements).toBe(2);
    expect(warm.extensions?.sqlStatements).toBe(0);
  });

  it('hears of a change made by hand once it commits, and never of one rolled back', async () => {
    const user = await createUser(h.db, '321012', [Role.ANALYST]);
    // The notices of the tree and the user just written are heard before anything is cached.
    await sharedCaches(h.app).sync();
    const before = await h.gql(TOWN, { code: '321012100' }, user.token);
    await h.db.transaction(async (tx) => {
      await tx.query(`UPDATE jurisdiction SET name = '不存在镇' WHERE code = '321012100'`);
      throw new Error('rolled back');
    }).catch(() => undefined);
    await sharedCaches(h.app).sync();
    expect((await h.gql(TOWN, { code: '321012100' }, user.token)).extensions?.sqlStatements).toBe(0);

    await h.db.query(`UPDATE jurisdiction SET name = '仙女镇（新）' WHERE code = '321012100'`);
    await h.db.query(`UPDATE app_user SET roles = '{LEADERSHIP_OFFICE}' WHERE id = $1`, [user.id]);
    await sharedCaches(h.app).sync();
    const after = await h.gql(TOWN, { code: '321012100' }, user.token);
    expect(after.data.jurisdiction.name).toBe('仙女镇（新）');
    expect(after.data.jurisdiction.name).not.toBe(before.data.jurisdiction.name);
    expect((await h.gql(ME, {}, user.token)).data.me.roles).toEqual(['LEADERSHIP_OFFICE']);
  });

  it('keeps a month\'s subsidy totals until a statement changes them, then reads them again', async () => {
    const user = await createUser(h.db, '321012', [Role.ANALYST]);
    const month = thisMonthInChina();
    const TOTALS = `query($code: String!, $month: Month!) { jurisdiction(code: $code) { subsidyTotals(month: $month) { recipients amountFen } } }`;
    await h.db.query(
      `INSERT INTO entitlement_total (month, node_id, scheme_id, recipients, amount_fen, province_fen, city_fen, county_fen, town_fen, village_fen)
       SELECT $1::date, id, 0, 3, 24000, 0, 0, 24000, 0, 0 FROM jurisdiction WHERE code = '321012'`,
      [`${month}-01`],
    );
    await sharedCaches(h.app).sync();
    const cold = await h.gql(TOTALS, { code: '321012', month }, user.token);
    const warm = await h.gql(TOTALS, { code: '321012', month }, user.token);
    expect(cold.data.jurisdiction.subsidyTotals).toEqual({ recipients: 3, amountFen: 24000 });
    expect(warm.data).toEqual(cold.data);
    expect(warm.extensions?.sqlStatements).toBe(0);

    await h.db.query(`UPDATE entitlement_total SET recipients = 4, amount_fen = 32000, county_fen = 32000`);
    await sharedCaches(h.app).sync();
    const after = await h.gql(TOTALS, { code: '321012', month }, user.token);
    expect(after.data.jurisdiction.subsidyTotals).toEqual({ recipients: 4, amountFen: 32000 });
    // Only the totals were dropped: the caller and the node are still kept.
    expect(after.extensions?.sqlStatements).toBe(1);
  });

  it('keeps a page of targets and its count until a target changes, by the API or by hand', async () => {
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    const CREATE = `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`;
    const input = { jurisdictionCode: '321012', metric: 'VILLAGE_SERVICE', threshold: 80, baseline: 0, startsOn: '2025-01-01', deadline: '2026-06-30' };
    const PAGE = `query($first: Int) { targets(first: $first) { totalCount edges { node { title } } } }`;
    for (const title of ['甲', '乙']) expect((await h.gql(CREATE, { input: { ...input, title } }, office.token)).errors).toBeUndefined();
    // The writes' own notices are heard before anything is cached.
    await sharedCaches(h.app).sync();
    const cold = await h.gql(PAGE, { first: 1 }, office.token);
    const warm = await h.gql(PAGE, { first: 1 }, office.token);
    expect(cold.data.targets).toEqual({ totalCount: 2, edges: [{ node: { title: '乙' } }] });
    expect(warm.data).toEqual(cold.data);
    expect(warm.extensions?.sqlStatements).toBe(0);

    expect((await h.gql(CREATE, { input: { ...input, title: '丙' } }, office.token)).errors).toBeUndefined();
    const created = await h.gql(PAGE, { first: 1 }, office.token);
    expect(created.data.targets).toEqual({ totalCount: 3, edges: [{ node: { title: '丙' } }] });

    await h.db.query(`UPDATE target SET title = '丁' WHERE title = '丙'`);
    await sharedCaches(h.app).sync();
    const edited = await h.gql(PAGE, { first: 1 }, office.token);
    expect(edited.data.targets).toEqual({ totalCount: 3, edges: [{ node: { title: '丁' } }] });
  });

  it('keeps a board\'s overdue supervision items until an item changes, by the API or by hand', async () => {
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    const input = { jurisdictionCode: '321012', title: '覆盖率', metric: 'VILLAGE_SERVICE', threshold: 80, baseline: 0, startsOn: '2025-01-01', deadline: '2026-06-30' };
    const created = await h.gql(`mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`, { input }, office.token);
    const targetId = created.data.createTarget.id;
    const ITEM = `mutation($input: CreateSupervisionItemInput!) { createSupervisionItem(input: $input) { id } }`;
    const item = { jurisdictionCode: '321012', responsibleCode: '321012100', title: '甲', deadline: '2025-06-30' };
    expect((await h.gql(ITEM, { input: item }, office.token)).errors).toBeUndefined();
    // The writes' own notices are heard before anything is cached.
    await sharedCaches(h.app).sync();
    const BOARD = `query($id: ID!) { target(id: $id) { board { overdueItems { title } } } }`;
    const cold = await h.gql(BOARD, { id: targetId }, office.token);
    const warm = await h.gql(BOARD, { id: targetId }, office.token);
    expect(cold.data.target.board.overdueItems).toEqual([{ title: '甲' }]);
    expect(warm.data).toEqual(cold.data);
    expect(warm.extensions?.sqlStatements).toBeLessThan(cold.extensions?.sqlStatements as number);

    // An item issued through the API is on the next board at once.
    const second = await h.gql(ITEM, { input: { ...item, title: '乙', deadline: '2025-07-31' } }, office.token);
    expect((await h.gql(BOARD, { id: targetId }, office.token)).data.target.board.overdueItems).toEqual([{ title: '甲' }, { title: '乙' }]);
    // Closed through the API: gone at once.
    const close = `mutation($id: ID!) { addSupervisionNote(id: $id, note: "已整改", status: DONE) { status } }`;
    expect((await h.gql(close, { id: second.data.createSupervisionItem.id }, office.token)).errors).toBeUndefined();
    expect((await h.gql(BOARD, { id: targetId }, office.token)).data.target.board.overdueItems).toEqual([{ title: '甲' }]);
    // Closed by hand: gone once the notice is heard.
    await h.db.query(`UPDATE supervision_item SET status = 'DONE', closed_on = current_date WHERE title = '甲'`);
    await sharedCaches(h.app).sync();
    expect((await h.gql(BOARD, { id: targetId }, office.token)).data.target.board.overdueItems).toEqual([]);
  });

  it("keeps today's figures of the nodes asked about, and forgets only the nodes whose figures a statement changes", async () => {
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const TOWNS = `query($code: String!) { jurisdiction(code: $code) { children { edges { node {
      code coverage(metric: VILLAGE_SERVICE) { numerator rank } facilityStats { byTypeAndStatus { status count } }
    } } } } }`;
    const CREATE = `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`;
    const TRANSITION = `mutation($id: ID!, $to: FacilityStatus!) { transitionFacility(id: $id, to: $to) { status } }`;
    const statuses = (res: { data: any }) => Object.fromEntries(res.data.jurisdiction.children.edges.map((edge: any) => [edge.node.code, edge.node.facilityStats.byTypeAndStatus]));
    const numerators = (res: { data: any }) => Object.fromEntries(res.data.jurisdiction.children.edges.map((edge: any) => [edge.node.code, edge.node.coverage.numerator]));
    const input = { name: '东苑互助养老中心', type: 'MUTUAL_AID_CENTER', jurisdictionCode: '321012100001', status: 'OPERATING', since: '2025-03-01', operator: { creditCode: testCreditCode(1), name: '江都区颐康养老服务有限公司' } };
    const created = await h.gql(CREATE, { input }, admin.token);
    expect(created.errors).toBeUndefined();
    await sharedCaches(h.app).sync();
    const cold = await h.gql(TOWNS, { code: '321012' }, admin.token);
    const warm = await h.gql(TOWNS, { code: '321012' }, admin.token);
    expect(numerators(cold)).toEqual({ '321012100': 1, '321012101': 0 });
    expect(statuses(cold)).toEqual({ '321012100': [{ status: 'OPERATING', count: 1 }], '321012101': [] });
    expect(warm.data).toEqual(cold.data);
    expect(cold.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(warm.extensions?.sqlStatements).toBe(0);

    // A change through the API is in the next answer at once: the mutation answers once its server has heard it.
    const suspended = await h.gql(TRANSITION, { id: created.data.createFacility.id, to: 'SUSPENDED' }, admin.token);
    expect(suspended.errors).toBeUndefined();
    const moved = await h.gql(TOWNS, { code: '321012' }, admin.token);
    expect(numerators(moved)).toEqual({ '321012100': 0, '321012101': 0 });
    expect(statuses(moved)).toEqual({ '321012100': [{ status: 'SUSPENDED', count: 1 }], '321012101': [] });

    // A change by hand to one town's figure: that town is read again (its coverage and its facility
    // figures), its sibling is still kept.
    await h.db.query(
      `INSERT INTO rollup_value (node_id, key, value) SELECT id, 'covered:VILLAGE_SERVICE', 2 FROM jurisdiction WHERE code = '321012101'
       ON CONFLICT (node_id, key) DO UPDATE SET value = rollup_value.value + 2`,
    );
    await sharedCaches(h.app).sync();
    const edited = await h.gql(TOWNS, { code: '321012' }, admin.token);
    expect(numerators(edited)).toEqual({ '321012100': 0, '321012101': 2 });
    expect(edited.extensions?.sqlStatements).toBe(2);
    expect((await h.gql(TOWNS, { code: '321012' }, admin.token)).extensions?.sqlStatements).toBe(0);

    // A rebuild empties and refills every figure: nothing kept survives it.
    await rebuildRollups(h.db);
    await sharedCaches(h.app).sync();
    const rebuilt = await h.gql(TOWNS, { code: '321012' }, admin.token);
    expect(numerators(rebuilt)).toEqual({ '321012100': 0, '321012101': 0 });
    expect(statuses(rebuilt)).toEqual({ '321012100': [{ status: 'SUSPENDED', count: 1 }], '321012101': [] });
    expect(rebuilt.extensions?.sqlStatements).toBe(2);
    // … and leaves the notices on: a change after it is heard as before.
    await h.db.query(`INSERT INTO rollup_value (node_id, key, value) SELECT id, 'covered:VILLAGE_SERVICE', 1 FROM jurisdiction WHERE code = '321012100'`);
    await sharedCaches(h.app).sync();
    expect(numerators(await h.gql(TOWNS, { code: '321012' }, admin.token))).toEqual({ '321012100': 1, '321012101': 0 });
  });

  it('asks the listening connection one query at a time however many writes wait for their notices', async () => {
    const user = await createUser(h.db, '321012', [Role.ANALYST]);
    await sharedCaches(h.app).sync();
    await h.gql(TOWN, { code: '321012100' }, user.token);
    // Queries in flight on the listening connection, at most, while 50 writes wait for their notices.
    let inFlight = 0;
    let most = 0;
    const query = Client.prototype.query;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const listening = (this as unknown as { connectionParameters: { application_name?: string } }).connectionParameters.application_name === 'yiyang-cache-listener';
      const result = (query as (...a: unknown[]) => unknown).apply(this, args);
      if (listening && result instanceof Promise) {
        most = Math.max(most, ++inFlight);
        void result.finally(() => (inFlight -= 1)).catch(() => undefined);
      }
      return result as never;
    });
    try {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          await h.db.query(`UPDATE jurisdiction SET name = $2 WHERE code = $1`, [i % 2 ? '321012100' : '321012101', `镇${i}`]);
          await sharedCaches(h.app).sync();
        }),
      );
    } finally {
      spy.mockRestore();
    }
    expect(most).toBe(1);
    // The town was cached before the writes: once they have synced, the API answers the last one.
    const [{ name }] = await h.db.query(`SELECT name FROM jurisdiction WHERE code = '321012100'`);
    expect((await h.gql(TOWN, { code: '321012100' }, user.token)).data).toEqual({ jurisdiction: { name } });
  });

  it('reads the database while it cannot listen, and trusts its caches again once it can', async () => {
    const user = await createUser(h.db, '321012', [Role.ANALYST]);
    await h.gql(TOWN, { code: '321012100' }, user.token);
    const [pid] = await listenerPids(h.db);
    await h.db.query(`SELECT pg_terminate_backend($1, 5000)`, [pid]);
    for (let waited = 0; waited < 5000 && sharedCaches(h.app).trusted; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sharedCaches(h.app).trusted).toBe(false);
    // A change made while nobody listens is not missed: the caches were dropped with the connection.
    await h.db.query(`UPDATE app_user SET active = false WHERE id = $1`, [user.id]);
    const refused = await h.gql(TOWN, { code: '321012100' }, user.token);
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    await h.db.query(`UPDATE app_user SET active = true WHERE id = $1`, [user.id]);

    let pids: number[] = [];
    for (let waited = 0; waited < 5000 && (pids.length === 0 || pids[0] === pid); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      pids = await listenerPids(h.db);
    }
    expect(pids).toHaveLength(1);
    expect(pids[0]).not.toBe(pid);
    await sharedCaches(h.app).sync();
    // The deactivation revoked the old token: the user signs in again.
    const login = await h.gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: user.username, p: TEST_PASSWORD });
    const token = login.data.login.token;
    await h.gql(TOWN, { code: '321012100' }, token);
    expect((await h.gql(TOWN, { code: '321012100' }, token)).extensions?.sqlStatements).toBe(0);
  });

  it('keeps nothing read inside a request transaction, which may yet roll back and send no notice', async () => {
    const caches = new SharedCaches();
    const region = caches.region<number, string>('test', ['app_user'], 2);
    caches.trusted = true;
    await inTransactionScope(async () => region.fill(1, 'uncommitted', region.stamp()));
    expect(region.get(1)).toBeUndefined();
    region.fill(1, 'committed', region.stamp());
    expect(await inTransactionScope(async () => region.get(1))).toBe('committed');
  });

  it('keeps nothing read before a clear, and serves nothing where no server listens', () => {
    const caches = new SharedCaches();
    const region = caches.region<number, string>('test', ['app_user'], 2);
    caches.trusted = true;
    const stamp = region.stamp();
    caches.invalidate('app_user');
    region.fill(1, 'read before the clear', stamp);
    expect(region.get(1)).toBeUndefined();
    region.fill(1, 'one', region.stamp());
    region.fill(2, 'two', region.stamp());
    expect(region.get(1)).toBe('one');
    region.fill(3, 'three', region.stamp());
    expect([region.get(1), region.get(2), region.get(3)]).toEqual(['one', undefined, 'three']);
    caches.invalidate('jurisdiction');
    expect(region.get(1)).toBe('one');
    caches.trusted = false;
    expect(region.get(1)).toBeUndefined();
  });

  it('forgets the nodes a notice names, everything when it names none or cannot be read, and nothing read before', () => {
    const caches = new SharedCaches();
    const region = caches.region<number, string>('test-figures', ['rollup_value'], 10);
    caches.trusted = true;
    for (const id of [1, 2, 3]) region.fill(id, `figures of ${id}`, region.stamp());
    const stamp = region.stamp();
    caches.heard('rollup_value:1,3');
    expect([region.get(1), region.get(2), region.get(3)]).toEqual([undefined, 'figures of 2', undefined]);
    region.fill(1, 'read before the notice', stamp);
    expect(region.get(1)).toBeUndefined();
    caches.heard('app_user:2');
    expect(region.get(2)).toBe('figures of 2');
    caches.heard('rollup_value:2,x');
    expect(region.get(2)).toBeUndefined();
    region.fill(2, 'again', region.stamp());
    caches.heard('rollup_value');
    expect(region.get(2)).toBeUndefined();
  });
});
