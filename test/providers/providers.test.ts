import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/kernel/actor';
import { todayInChina } from '../../src/kernel/dates';
import { BanReason } from '../../src/providers/provider-kinds';
import { lastDayOfYears } from '../../src/providers/provider.rules';
import { createUser, insertOrganisation, smallTree, testCreditCode, type TestUser } from '../support/factories';
import { errorCodes, forgetCaches, useHarness, type GraphQLResponse } from '../support/harness';

const h = useHarness();

// Seed 004 篇四 (江都区), the document every rule below quotes.
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');

const COUNTY = '321012';
const TOWN = '321012100';
const OTHER_TOWN = '321012101';
const VILLAGE = '321012100001';
const VILLAGE_2 = '321012100002';
const OTHER_TOWN_VILLAGE = '321012101200';
const SIBLING = '321023';
const SIBLING_VILLAGE = '321023100001';

const A = { creditCode: testCreditCode(1), name: '扬州颐和养老服务有限公司' };
const B = { creditCode: testCreditCode(2), name: '江都康宁养老服务有限公司' };

const ENTRY = `id jurisdiction { code } organisation { creditCode name } admittedOn qualifications { kind number validFrom validUntil }`;
const BAN = `id jurisdiction { code } organisation { creditCode } reason detail from until lift { liftedOn reason } lastDay`;
const CONTRACT = `id jurisdiction { code } jointWith { code } provider { creditCode name } from until endedOn endReason renewsId renewedById
  area { code } catalogue { item serviceClass unitPriceFen minMinutes }`;
const ADMIT = `mutation($input: AdmitProviderInput!) { admitProvider(input: $input) { ${ENTRY} } }`;
const BAN_PROVIDER = `mutation($input: BanProviderInput!) { banProvider(input: $input) { ${BAN} } }`;
const LIFT = `mutation($id: ID!, $on: Date!, $reason: String!) { liftProviderBan(id: $id, liftedOn: $on, reason: $reason) { ${BAN} } }`;
const CREATE = `mutation($input: CreateContractInput!) { createContract(input: $input) { ${CONTRACT} } }`;
const RENEW = `mutation($id: ID!, $input: RenewContractInput) { renewContract(id: $id, input: $input) { ${CONTRACT} } }`;
const END = `mutation($id: ID!, $lastDay: Date!, $reason: String!) { endContract(id: $id, lastDay: $lastDay, reason: $reason) { ${CONTRACT} } }`;
const CONTRACTS = `query($under: String, $on: Date, $provider: String, $first: Int, $after: String) {
  contracts(under: $under, on: $on, provider: $provider, first: $first, after: $after) { totalCount edges { node { ${CONTRACT} } } pageInfo { hasNextPage endCursor } } }`;
const CONTRACT_BY_ID = `query($id: ID!) { contract(id: $id) { ${CONTRACT} } }`;
const CONTRACT_FOR = `query($village: String!, $item: ServiceItem!, $on: Date) { contractFor(village: $village, item: $item, on: $on) { id provider { creditCode } } }`;
const PROVIDERS = `query($under: String) { providers(under: $under) { totalCount edges { node { ${ENTRY} } } } }`;
const BANS = `query($under: String) { providerBans(under: $under) { totalCount edges { node { ${BAN} } } } }`;

/** The catalogue of the tests: 助餐 and 助潔 for the low-paid class (prices are the tests’ own: the documents set none). */
const CATALOGUE = [
  { item: 'MEALS', serviceClass: 'LOW_PAID', unitPriceFen: 1500 },
  { item: 'CLEANING', serviceClass: 'LOW_PAID', unitPriceFen: 4000, minMinutes: 90 },
];

function addDays(day: string, count: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + count)).toISOString().slice(0, 10);
}

let admin: TestUser;
let townAdmin: TestUser;
let siblingAdmin: TestUser;

async function ok<T = any>(query: string, variables: Record<string, unknown>, user: TestUser = admin): Promise<T> {
  const res = await h.gql(query, variables, user.token);
  expect(res.errors).toBeUndefined();
  return res.data;
}

const refusal = (res: GraphQLResponse) => ({ code: errorCodes(res)[0], field: res.errors?.[0].extensions.field });
const rowCount = async (table: string): Promise<number> => Number((await h.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
const contractTables = ['service_contract', 'service_contract_area', 'service_contract_price', 'service_contract_coverage'];
const counts = async () => Object.fromEntries(await Promise.all(contractTables.map(async (t) => [t, await rowCount(t)])));

const admit = (organisation: typeof A, at = COUNTY, user = admin) => ok(ADMIT, { input: { jurisdictionCode: at, organisation } }, user);
const contractInput = (overrides: Record<string, unknown> = {}) => ({
  jurisdictionCode: COUNTY,
  provider: A.creditCode,
  area: [TOWN],
  from: '2027-01-01',
  catalogue: CATALOGUE,
  ...overrides,
});
const create = async (overrides: Record<string, unknown> = {}, user = admin) => (await ok(CREATE, { input: contractInput(overrides) }, user)).createContract;

beforeEach(async () => {
  await smallTree(h.db);
  admin = await createUser(h.db, COUNTY, [Role.CIVIL_AFFAIRS_ADMIN]);
  townAdmin = await createUser(h.db, TOWN, [Role.CIVIL_AFFAIRS_ADMIN]);
  siblingAdmin = await createUser(h.db, SIBLING, [Role.CIVIL_AFFAIRS_ADMIN]);
});

describe('the provider library (服务商库)', () => {
  // «由區民政局招錄建立服務商庫,以區、鎮共同招標,選擇錄用服務商» (seed 004 篇四 四(三)).
  it('admits an organisation into a level’s library with its qualifications, found or registered by its credit code', async () => {
    expect(SEED_004).toContain('由區民政局招錄建立服務商庫,以區、鎮共同招標,選擇錄用服務商');
    await insertOrganisation(h.db, 1, A.name);
    const qualification = { kind: '养老机构备案', number: '苏江民备字2026001', validFrom: '2026-01-01', validUntil: '2030-12-31' };
    const { admitProvider: entry } = await ok(ADMIT, { input: { jurisdictionCode: COUNTY, organisation: A, admittedOn: '2026-08-31', qualifications: [qualification] } });
    expect(entry).toEqual({ id: expect.any(String), jurisdiction: { code: COUNTY }, organisation: A, admittedOn: '2026-08-31', qualifications: [qualification] });
    // Found by its code: no second organisation.
    expect(await rowCount('organisation')).toBe(1);
    // B is new to the platform: registered on admission, at a town, on today by default.
    const { admitProvider: atTown } = await admit(B, TOWN);
    expect([atTown.jurisdiction.code, atTown.admittedOn]).toEqual([TOWN, todayInChina()]);
    const listed = await ok(PROVIDERS, { under: COUNTY });
    expect(listed.providers.edges.map((e: any) => e.node.id)).toEqual([entry.id, atTown.id]);
    expect((await ok(PROVIDERS, { under: TOWN })).providers.edges.map((e: any) => e.node.id)).toEqual([atTown.id]);

    const again = await h.gql(ADMIT, { input: { jurisdictionCode: COUNTY, organisation: A } }, admin.token);
    expect(refusal(again)).toEqual({ code: 'CONFLICT', field: 'input.organisation' });
    const village = await h.gql(ADMIT, { input: { jurisdictionCode: VILLAGE, organisation: A } }, admin.token);
    expect(refusal(village)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.jurisdictionCode' });
    const badCode = await h.gql(ADMIT, { input: { jurisdictionCode: COUNTY, organisation: { ...A, creditCode: `${A.creditCode.slice(0, 17)}0` } } }, admin.token);
    expect(refusal(badCode)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.organisation.creditCode' });
    const badSpan = await h.gql(ADMIT, { input: { jurisdictionCode: COUNTY, organisation: B, qualifications: [{ ...qualification, validUntil: '2025-12-31' }] } }, admin.token);
    expect(refusal(badSpan)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.qualifications[0].validUntil' });
    // Outside the caller's subtree: FORBIDDEN alike for a node that exists and one that does not.
    for (const code of [SIBLING, '321099']) expect(refusal(await h.gql(ADMIT, { input: { jurisdictionCode: code, organisation: B } }, admin.token)).code).toBe('FORBIDDEN');
    expect(await rowCount('provider_entry')).toBe(2);
  });

  it('is listed in keyset pages in a number of statements that does not grow with the page size', async () => {
    for (let n = 1; n <= 12; n += 1) await admit({ creditCode: testCreditCode(10 + n), name: `服务商${n}` });
    const page = `query($first: Int, $after: String) { providers(first: $first, after: $after) { totalCount edges { node { ${ENTRY} } } pageInfo { endCursor } } }`;
    const first = await ok(page, { first: 5 });
    const rest = await ok(page, { first: 100, after: first.providers.pageInfo.endCursor });
    expect([first.providers.totalCount, first.providers.edges.length + rest.providers.edges.length]).toEqual([12, 12]);
    const statements: number[] = [];
    for (const size of [2, 11]) {
      await forgetCaches(h);
      const res = await h.gql(page, { first: size }, admin.token);
      expect(res.data!.providers.edges).toHaveLength(size);
      statements.push(res.extensions!.sqlStatements!);
    }
    expect(statements[0]).toBe(statements[1]);
  });
});

describe('bans (取消服務資格)', () => {
  it('run three years less a day by default («近三年內»), a leap day counting to 28 February', async () => {
    // «取消服務資格,並在近三年內不得參與全區範圍內的居家養老服務» (seed 004 篇四 五(三)3): three years from the first day, that day included.
    expect(SEED_004).toContain('取消服務資格,並在近三年內不得參與全區範圍內的');
    expect(lastDayOfYears('2026-12-07', 3)).toBe('2029-12-06');
    expect(lastDayOfYears('2024-02-29', 3)).toBe('2027-02-28');
    expect(lastDayOfYears('2024-03-01', 1)).toBe('2025-02-28');
    const today = todayInChina();
    const { banProvider: ban } = await ok(BAN_PROVIDER, { input: { jurisdictionCode: COUNTY, organisation: A, reason: 'FAKE_HEALTH_PRODUCTS', detail: '向老人推销虚假保健品' } });
    const [y, m, d] = today.split('-').map(Number);
    const third = new Date(Date.UTC(y + 3, m - 1, d - 1)).toISOString().slice(0, 10);
    expect(ban).toMatchObject({ jurisdiction: { code: COUNTY }, reason: 'FAKE_HEALTH_PRODUCTS', from: today, lift: null });
    // The day before the third anniversary (28 February when today is 29 February).
    expect(ban.until).toBe(m === 2 && d === 29 ? `${y + 3}-02-28` : third);
    expect(ban.lastDay).toBe(ban.until);
  });

  it('names the five reasons of the document, each with its quote', async () => {
    const res = await ok(`{ __type(name: "ProviderBanReason") { enumValues { name description } } }`, {});
    const values: { name: string; description: string }[] = res.__type.enumValues;
    expect(values.map((v) => v.name)).toEqual(Object.values(BanReason));
    for (const value of values) expect(SEED_004).toContain(value.description.split(' — ')[0]);
  });

  it('keep a banned provider out of the banning level’s subtree while they run, and are lifted by a record of their own', async () => {
    await admit(A);
    await admit(A, SIBLING, siblingAdmin);
    const { banProvider: ban } = await ok(BAN_PROVIDER, {
      input: { jurisdictionCode: COUNTY, organisation: A, reason: 'CASHING_SUBSIDIES', detail: '以送实物方式套取补贴', from: '2026-01-01', until: '2090-12-31' },
    });
    // Issue 20, acceptance 1: a banned provider is refused a new contract, the refusal naming the ban's level and last day.
    const refused = await h.gql(CREATE, { input: contractInput() }, admin.token);
    expect(refusal(refused)).toEqual({ code: 'CONFLICT', field: 'input.provider' });
    expect(refused.errors![0].message).toContain(`江都区 (${COUNTY})`);
    expect(refused.errors![0].message).toContain('until 2090-12-31');
    // A town below the banning county neither admits nor contracts it.
    expect(refusal(await h.gql(ADMIT, { input: { jurisdictionCode: TOWN, organisation: A } }, townAdmin.token))).toEqual({ code: 'CONFLICT', field: 'input.organisation' });
    // Outside the subtree the ban does not run: the sibling county contracts it.
    const sibling = await ok(CREATE, { input: contractInput({ jurisdictionCode: SIBLING, area: [SIBLING_VILLAGE] }) }, siblingAdmin);
    expect(sibling.createContract.jurisdiction.code).toBe(SIBLING);
    expect(await counts()).toEqual({ service_contract: 1, service_contract_area: 1, service_contract_price: 2, service_contract_coverage: 2 });

    // Lifting: a dated record, the ban itself as it was. Before the lift's day the ban still runs.
    const liftOn = addDays(todayInChina(), 10);
    const { liftProviderBan: lifted } = await ok(LIFT, { id: ban.id, on: liftOn, reason: '整改到位' });
    expect(lifted).toMatchObject({ until: '2090-12-31', lift: { liftedOn: liftOn, reason: '整改到位' }, lastDay: addDays(liftOn, -1) });
    expect(refusal(await h.gql(CREATE, { input: contractInput({ from: todayInChina() }) }, admin.token)).code).toBe('CONFLICT');
    const after = await ok(CREATE, { input: contractInput({ from: liftOn }) });
    expect(after.createContract.from).toBe(liftOn);
    expect(refusal(await h.gql(LIFT, { id: ban.id, on: liftOn, reason: '再次' }, admin.token))).toEqual({ code: 'CONFLICT', field: 'id' });
    // Bans are never changed or deleted, whoever asks.
    await expect(h.db.query(`UPDATE provider_ban SET until_day = '2091-01-01'`)).rejects.toThrow(/cannot be changed or deleted/);
    await expect(h.db.query(`DELETE FROM provider_ban_lift`)).rejects.toThrow(/cannot be changed or deleted/);
    // The server's own role may add bans and lifts, never change them (src/db/roles.ts).
    const [rights] = await h.app.query(
      `SELECT has_table_privilege(current_user, 'provider_ban', 'INSERT') AS "insert", has_table_privilege(current_user, 'provider_ban_lift', 'UPDATE') AS "update",
         has_table_privilege(current_user, 'provider_ban', 'DELETE') AS "delete"`,
    );
    expect(rights).toEqual({ insert: true, update: false, delete: false });
    // The trail has every step.
    const actions = (await h.db.query(`SELECT action FROM audit_entry WHERE outcome = 'SUCCESS' ORDER BY id`)).map((r: { action: string }) => r.action);
    expect(actions).toEqual(['provider.admit', 'provider.admit', 'provider.ban', 'contract.create', 'provider.liftBan', 'contract.create']);
  });
});

describe('contracts (服务合同)', () => {
  beforeEach(async () => {
    await admit(A);
    await admit(B);
  });

  // «招標服務以一年為期» (seed 004 篇四 四(三)); «每次服務時長不低於1小時» (篇四 五(三)2).
  it('run a year by default, price each item and class in fen, with visits of at least an hour', async () => {
    expect(SEED_004).toContain('招標服務以一年為期');
    expect(SEED_004).toContain('每次服務時長不低於1小時');
    const contract = await create();
    expect(contract).toEqual({
      id: expect.any(String),
      jurisdiction: { code: COUNTY },
      jointWith: null,
      provider: A,
      from: '2027-01-01',
      until: '2027-12-31',
      endedOn: null,
      endReason: null,
      renewsId: null,
      renewedById: null,
      area: [{ code: TOWN }],
      catalogue: [
        { item: 'MEALS', serviceClass: 'LOW_PAID', unitPriceFen: 1500, minMinutes: 60 },
        { item: 'CLEANING', serviceClass: 'LOW_PAID', unitPriceFen: 4000, minMinutes: 90 },
      ],
    });
    // The town's two villages × two items.
    expect(await counts()).toEqual({ service_contract: 1, service_contract_area: 1, service_contract_price: 2, service_contract_coverage: 4 });
  });

  it('never overlap for the same village and item: CONFLICT naming the village, nothing written', async () => {
    const first = await create();
    const before = await counts();
    // B for 助餐 in one of the same villages, from mid-year: refused.
    const refused = await h.gql(CREATE, { input: contractInput({ provider: B.creditCode, area: [VILLAGE_2], from: '2027-06-01', catalogue: [CATALOGUE[0]] }) }, admin.token);
    expect(refusal(refused)).toEqual({ code: 'CONFLICT', field: 'input.area' });
    expect(refused.errors![0].message).toContain(`(${VILLAGE_2}) already has MEALS from contract ${first.id}, 2027-01-01 to 2027-12-31`);
    expect(await counts()).toEqual(before);
    // Another item there, another village, or the next year: each is free.
    const errands = await create({ provider: B.creditCode, area: [VILLAGE_2], catalogue: [{ item: 'ERRANDS', serviceClass: 'PAID', unitPriceFen: 2000 }] });
    await create({ provider: B.creditCode, area: [OTHER_TOWN_VILLAGE], catalogue: [CATALOGUE[0]] });
    await create({ provider: B.creditCode, area: [VILLAGE_2], from: '2028-01-01', catalogue: [CATALOGUE[0]] });
    // The database holds the rule even against a write that skips the service.
    await expect(
      h.db.query(`INSERT INTO service_contract_coverage (contract_id, village_id, village_code, item, during)
        SELECT $1, id, code, 'MEALS', daterange('2027-03-01', '2027-03-31', '[]') FROM jurisdiction WHERE code = $2`, [errands.id, VILLAGE]),
    ).rejects.toThrow(/service_contract_coverage_no_overlap|conflicting key/);
  });

  // «以區、鎮共同招標» (seed 004 篇四 四(三)): the county tenders with one of its towns for the town's villages.
  it('may be made by a county and one of its towns jointly, read by the town, over the town’s villages only', async () => {
    expect(SEED_004).toContain('以區、鎮共同招標');
    const joint = await create({ jointWith: TOWN, area: [VILLAGE] });
    expect([joint.jurisdiction.code, joint.jointWith.code, joint.area]).toEqual([COUNTY, TOWN, [{ code: VILLAGE }]]);
    const townStaff = await createUser(h.db, TOWN, [Role.CIVIL_AFFAIRS_STAFF]);
    expect((await ok(CONTRACTS, { under: TOWN }, townStaff)).contracts.edges.map((e: any) => e.node.id)).toEqual([joint.id]);
    expect((await ok(CONTRACT_BY_ID, { id: joint.id }, townStaff)).contract.id).toBe(joint.id);
    const outside = await h.gql(CREATE, { input: contractInput({ jointWith: TOWN, area: [OTHER_TOWN_VILLAGE] }) }, admin.token);
    expect(refusal(outside)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.area[0]' });
    const notItsTown = await h.gql(CREATE, { input: contractInput({ jurisdictionCode: TOWN, jointWith: OTHER_TOWN }) }, admin.token);
    expect(refusal(notItsTown)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.jointWith' });
    // The town cannot make the county's contract: the county lies outside its subtree.
    expect(refusal(await h.gql(CREATE, { input: contractInput({ jointWith: TOWN, area: [VILLAGE] }) }, townAdmin.token)).code).toBe('FORBIDDEN');
    // Nor end it: a contract is managed from its contracting level.
    expect(refusal(await h.gql(END, { id: joint.id, lastDay: todayInChina(), reason: '终止' }, townAdmin.token)).code).toBe('FORBIDDEN');
  });

  it('are renewed as a new period from the day after, linked to the previous one, once', async () => {
    const first = await create({ from: '2026-01-01' });
    const { renewContract: second } = await ok(RENEW, { id: first.id });
    expect(second).toMatchObject({ from: '2027-01-01', until: '2027-12-31', renewsId: first.id, area: first.area, catalogue: first.catalogue, provider: A });
    expect((await ok(CONTRACT_BY_ID, { id: first.id })).contract.renewedById).toBe(second.id);
    expect(refusal(await h.gql(RENEW, { id: first.id }, admin.token))).toEqual({ code: 'CONFLICT', field: 'id' });
    const { renewContract: third } = await ok(RENEW, { id: second.id, input: { until: '2029-12-31', catalogue: [{ item: 'MEALS', serviceClass: 'FREE', unitPriceFen: 1800 }] } });
    expect(third).toMatchObject({ from: '2028-01-01', until: '2029-12-31', renewsId: second.id, catalogue: [{ item: 'MEALS', serviceClass: 'FREE', unitPriceFen: 1800, minMinutes: 60 }] });
    // A ban since then runs in the renewed period: refused as a new contract would be.
    await ok(BAN_PROVIDER, { input: { jurisdictionCode: COUNTY, organisation: A, reason: 'UNABLE_TO_DELIVER', detail: '中标后无力履约', from: '2030-06-01' } });
    expect(refusal(await h.gql(RENEW, { id: third.id }, admin.token))).toEqual({ code: 'CONFLICT', field: 'input.provider' });
  });

  it('are ended early on a dated day with a reason, never deleted, freeing the days after', async () => {
    const contract = await create({ from: '2026-01-01', until: '2090-12-31' });
    const lastDay = addDays(todayInChina(), 5);
    const { endContract: ended } = await ok(END, { id: contract.id, lastDay, reason: '季度考核不合格' });
    expect([ended.endedOn, ended.endReason, ended.until]).toEqual([lastDay, '季度考核不合格', '2090-12-31']);
    expect(refusal(await h.gql(END, { id: contract.id, lastDay, reason: '再次' }, admin.token))).toEqual({ code: 'CONFLICT', field: 'id' });
    expect(refusal(await h.gql(RENEW, { id: contract.id }, admin.token))).toEqual({ code: 'CONFLICT', field: 'id' });
    // B takes over the day after.
    const next = await create({ provider: B.creditCode, from: addDays(lastDay, 1) });
    const serving = async (on: string) => (await ok(CONTRACT_FOR, { village: VILLAGE, item: 'MEALS', on })).contractFor.map((c: any) => c.id);
    expect(await serving(lastDay)).toEqual([contract.id]);
    expect(await serving(addDays(lastDay, 1))).toEqual([next.id]);
    expect((await ok(CONTRACTS, { on: lastDay })).contracts.edges.map((e: any) => e.node.id)).toEqual([contract.id]);
    expect(refusal(await h.gql(END, { id: contract.id, lastDay: addDays(todayInChina(), -1), reason: 'x' }, admin.token)).code).toBe('CONFLICT');
    expect(await rowCount('service_contract')).toBe(2);
  });

  it('refuse bad input with BAD_USER_INPUT naming the field, writing nothing', async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, string][] = [
      [{ catalogue: [{ item: 'MEALS', serviceClass: 'PAID', unitPriceFen: -1 }] }, 'input.catalogue[0].unitPriceFen'],
      [{ catalogue: [{ item: 'MEALS', serviceClass: 'PAID', unitPriceFen: 100, minMinutes: 40 }] }, 'input.catalogue[0].minMinutes'],
      [{ catalogue: [CATALOGUE[0], CATALOGUE[0]] }, 'input.catalogue[1].serviceClass'],
      [{ catalogue: [] }, 'input.catalogue'],
      [{ until: '2026-12-31' }, 'input.until'],
      [{ area: [] }, 'input.area'],
      [{ area: ['32101210'] }, 'input.area[0]'],
      [{ area: [COUNTY] }, 'input.area[0]'],
      [{ jurisdictionCode: TOWN, area: [OTHER_TOWN_VILLAGE] }, 'input.area[0]'],
      [{ area: ['321012100999'] }, 'input.area[0]'],
      [{ jurisdictionCode: VILLAGE, area: [VILLAGE] }, 'input.jurisdictionCode'],
      [{ provider: 'nope' }, 'input.provider'],
      [{ provider: testCreditCode(9) }, 'input.provider'],
    ];
    for (const [overrides, field] of cases) {
      const res = await h.gql(CREATE, { input: contractInput(overrides) }, admin.token);
      expect([overrides, refusal(res)]).toEqual([overrides, { code: 'BAD_USER_INPUT', field }]);
    }
    // An item the catalogue does not know, or a day that is none, never reaches the service.
    for (const overrides of [{ catalogue: [{ item: 'TAXI', serviceClass: 'PAID', unitPriceFen: 1 }] }, { from: '2027-02-30' }]) {
      expect(errorCodes(await h.gql(CREATE, { input: contractInput(overrides) }, admin.token))).toEqual(['BAD_USER_INPUT']);
    }
    // An area outside the caller's subtree is FORBIDDEN, whether or not it exists.
    for (const code of [SIBLING_VILLAGE, '321023100999']) expect(refusal(await h.gql(CREATE, { input: contractInput({ area: [code] }) }, admin.token)).code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  });

  it('are read by the roles the rules name, a provider its own and a village worker those serving its village', async () => {
    const meals = await create({ area: [VILLAGE], catalogue: [CATALOGUE[0]] });
    const elsewhere = await create({ provider: B.creditCode, area: [OTHER_TOWN_VILLAGE], catalogue: [CATALOGUE[0]] });
    const ids = (data: any) => data.contracts.edges.map((e: any) => e.node.id);
    const worker = await createUser(h.db, VILLAGE, [Role.VILLAGE_WORKER]);
    expect(ids(await ok(CONTRACTS, {}, worker))).toEqual([meals.id]);
    expect(refusal(await h.gql(CONTRACT_BY_ID, { id: elsewhere.id }, worker.token))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect((await ok(CONTRACT_FOR, { village: VILLAGE, item: 'MEALS' }, worker)).contractFor).toEqual([]);
    expect((await ok(CONTRACT_FOR, { village: VILLAGE, item: 'MEALS', on: '2027-03-01' }, worker)).contractFor).toEqual([{ id: meals.id, provider: { creditCode: A.creditCode } }]);
    const finance = await createUser(h.db, COUNTY, [Role.FINANCE]);
    expect((await ok(CONTRACT_BY_ID, { id: meals.id }, finance)).contract.catalogue[0].unitPriceFen).toBe(1500);
    expect(refusal(await h.gql(PROVIDERS, {}, finance.token)).code).toBe('FORBIDDEN');
    // A provider sees its own organisation's entries and contracts only.
    const orgB = (await h.db.query(`SELECT id FROM organisation WHERE credit_code = $1`, [B.creditCode]))[0].id;
    const providerB = await createUser(h.db, COUNTY, [Role.SERVICE_PROVIDER], 'provider-b', { organisationId: orgB });
    expect(ids(await ok(CONTRACTS, {}, providerB))).toEqual([elsewhere.id]);
    expect(ids(await ok(CONTRACTS, { provider: A.creditCode }, providerB))).toEqual([]);
    expect(refusal(await h.gql(CONTRACT_BY_ID, { id: meals.id }, providerB.token)).code).toBe('FORBIDDEN');
    expect((await ok(PROVIDERS, {}, providerB)).providers.edges.map((e: any) => e.node.organisation.creditCode)).toEqual([B.creditCode]);
    const analyst = await createUser(h.db, COUNTY, [Role.ANALYST]);
    for (const query of [CONTRACTS, PROVIDERS, BANS]) expect(refusal(await h.gql(query, {}, analyst.token)).code).toBe('FORBIDDEN');
    // The sibling county's admin: FORBIDDEN alike for a contract that exists and one that does not.
    for (const id of [meals.id, '999999']) expect(refusal(await h.gql(CONTRACT_BY_ID, { id }, siblingAdmin.token)).code).toBe('FORBIDDEN');
  });

  it('are listed in keyset pages in a number of statements that does not grow with the page size', async () => {
    const villages = [VILLAGE, VILLAGE_2, OTHER_TOWN_VILLAGE];
    const items = ['MEALS', 'CLEANING', 'EMERGENCY', 'PERSONAL_CARE'];
    const made: string[] = [];
    for (const village of villages) for (const item of items) made.push((await create({ area: [village], catalogue: [{ item, serviceClass: 'PAID', unitPriceFen: 100 }] })).id);
    const first = await ok(CONTRACTS, { first: 5 });
    expect([first.contracts.totalCount, first.contracts.edges.length, first.contracts.pageInfo.hasNextPage]).toEqual([made.length, 5, true]);
    const rest = await ok(CONTRACTS, { first: 100, after: first.contracts.pageInfo.endCursor });
    expect([...ids(first), ...ids(rest)]).toEqual(made);
    const statements: number[] = [];
    for (const size of [2, 11]) {
      await forgetCaches(h);
      const res = await h.gql(CONTRACTS, { first: size }, admin.token);
      expect(res.data!.contracts.edges).toHaveLength(size);
      statements.push(res.extensions!.sqlStatements!);
    }
    expect(statements[0]).toBe(statements[1]);

    function ids(data: any): string[] {
      return data.contracts.edges.map((e: any) => e.node.id);
    }
  });
});
