import { Role } from '../../src/kernel/actor';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, insertCaregiver, insertOrganisation, smallTree, type TestUser } from '../support/factories';
import { errorCodes, useHarness, type GraphQLResponse } from '../support/harness';

// Caregivers (助老服务人员) of seed 004 篇四, 江都区: «上門服務人員要統一着裝,佩帶工作牌,工作牌必須標有服務人員姓名、照片、
// 服務工號、聯繫電話、所在組織的名稱和服務監督電話» and «服務商要對服務人員集中開展文明禮儀和業務技能的培訓,培訓不合格人員不得上崗».

const h = useHarness();

const COUNTY = '321012';
const TOWN = '321012100';
const VILLAGE = '321012100001';
const OTHER_TOWN_VILLAGE = '321012101200';
const PHONE = '13912345678';

interface World {
  orgA: { id: number; creditCode: string; name: string };
  orgB: { id: number; creditCode: string; name: string };
  provider: TestUser;
  providerB: TestUser;
  admin: TestUser;
  townAdmin: TestUser;
  staff: TestUser;
  leadership: TestUser;
  analyst: TestUser;
}

async function world(): Promise<World> {
  await smallTree(h.db);
  const orgA = await insertOrganisation(h.db, 1, '扬州颐和养老服务有限公司');
  const orgB = await insertOrganisation(h.db, 2, '江都康宁养老服务有限公司');
  return {
    orgA,
    orgB,
    provider: await createUser(h.db, COUNTY, [Role.SERVICE_PROVIDER], 'provider-a@321012', { organisationId: orgA.id }),
    providerB: await createUser(h.db, COUNTY, [Role.SERVICE_PROVIDER], 'provider-b@321012', { organisationId: orgB.id }),
    admin: await createUser(h.db, COUNTY, [Role.CIVIL_AFFAIRS_ADMIN]),
    townAdmin: await createUser(h.db, TOWN, [Role.CIVIL_AFFAIRS_ADMIN]),
    staff: await createUser(h.db, COUNTY, [Role.CIVIL_AFFAIRS_STAFF]),
    leadership: await createUser(h.db, COUNTY, [Role.LEADERSHIP_OFFICE]),
    analyst: await createUser(h.db, COUNTY, [Role.ANALYST]),
  };
}

const ADD = `mutation($input: AddCaregiverInput!) { addCaregiver(input: $input) {
  id name workCardNumber phone photoRef basedAt { code } organisation { creditCode } specialities trained startedOn leftOn } }`;
const GET = `query($id: ID!) { caregiver(id: $id) { id name phone trained trainedOn training leftOn standing { mayServe reasons } } }`;
const STANDING = `query($id: ID!, $at: String, $on: Date) { caregiver(id: $id) { standing(at: $at, on: $on) { mayServe reasons } } }`;
const CARD = `query($id: ID!) { caregiverCard(id: $id) { name photoRef workCardNumber phone organisationName supervisionPhone } }`;
const TRAIN = `mutation($id: ID!, $input: CaregiverTrainingInput!) { recordCaregiverTraining(id: $id, input: $input) { trained trainedOn training } }`;
const BAN = `mutation($input: BanCaregiverInput!) { banCaregiver(input: $input) { id jurisdiction { code } reason from until } }`;
const LIST = `query($under: String, $organisation: String, $first: Int, $after: String) {
  caregivers(under: $under, organisation: $organisation, first: $first, after: $after) {
    totalCount edges { node { id workCardNumber phone bans { reason } standing { mayServe } } } pageInfo { hasNextPage endCursor } } }`;

const newCaregiver = (extra: Record<string, unknown> = {}) => ({
  name: '王芳',
  workCardNumber: 'jd-001',
  phone: PHONE,
  photoRef: 'photos/jd-001.jpg',
  basedAt: VILLAGE,
  startedOn: '2025-09-01',
  specialities: ['PERSONAL_CARE', 'MEALS', 'MEALS'],
  ...extra,
});

async function ok(query: string, variables: Record<string, unknown>, user: TestUser): Promise<any> {
  const res = await h.gql(query, variables, user.token);
  expect(res.errors).toBeUndefined();
  return res.data;
}

const caregiverRows = async () => h.db.query(`SELECT * FROM caregiver ORDER BY id`);
const refusal = (res: GraphQLResponse) => ({ codes: errorCodes(res), field: res.errors?.[0]?.extensions.field, message: res.errors?.[0]?.message });

describe('caregivers of a provider organisation', () => {
  it('are added by the provider to its own organisation, their work card number unique within it (服務工號 on the work card)', async () => {
    const w = await world();
    const added = (await ok(ADD, { input: newCaregiver() }, w.provider)).addCaregiver;
    expect(added).toEqual({
      id: expect.any(String),
      name: '王芳',
      workCardNumber: 'JD-001',
      phone: PHONE,
      photoRef: 'photos/jd-001.jpg',
      basedAt: { code: VILLAGE },
      organisation: { creditCode: w.orgA.creditCode },
      // Each once, in the catalogue's order (src/care/care-kinds.ts).
      specialities: ['MEALS', 'PERSONAL_CARE'],
      trained: false,
      startedOn: '2025-09-01',
      leftOn: null,
    });
    // The same number again in the organisation, whatever its case: CONFLICT naming the field, nothing written.
    const before = await caregiverRows();
    const again = await h.gql(ADD, { input: newCaregiver({ name: '李娟', workCardNumber: 'JD-001' }) }, w.provider.token);
    expect(refusal(again)).toMatchObject({ codes: ['CONFLICT'], field: 'input.workCardNumber' });
    expect(await caregiverRows()).toEqual(before);
    // Another organisation numbers its own staff.
    await ok(ADD, { input: newCaregiver({ name: '李娟' }) }, w.providerB);
    const [{ entries }] = await h.db.query(`SELECT count(*)::int AS entries FROM audit_entry WHERE action = 'caregiver.add' AND outcome = 'SUCCESS'`);
    expect(entries).toBe(2);
  });

  // Formats and lengths are not from the documents: the settings of docs/caregivers.md.
  it.each([
    ['input.name', { name: '  ' }],
    ['input.workCardNumber', { workCardNumber: '工号1' }],
    ['input.workCardNumber', { workCardNumber: 'A'.repeat(21) }],
    ['input.phone', { phone: '12345' }],
    ['input.photoRef', { photoRef: 'a b' }],
    ['input.basedAt', { basedAt: '32101' }],
    ['input.startedOn', { startedOn: '1899-12-31' }],
  ])('refuses bad input on %s with BAD_USER_INPUT naming it, writing nothing', async (field, extra) => {
    const w = await world();
    const res = await h.gql(ADD, { input: newCaregiver(extra) }, w.provider.token);
    expect(refusal(res)).toMatchObject({ codes: ['BAD_USER_INPUT'], field });
    expect(await caregiverRows()).toEqual([]);
  });

  // Not from the documents (docs/caregivers.md): the card's supervision phone is a level's on the caregiver's path.
  it('refuses a base above a county (the work card needs the county’s supervision phone) with BAD_USER_INPUT', async () => {
    const w = await world();
    const cityProvider = await createUser(h.db, '3210', [Role.SERVICE_PROVIDER], 'provider-a@3210', { organisationId: w.orgA.id });
    const res = await h.gql(ADD, { input: newCaregiver({ basedAt: '3210' }) }, cityProvider.token);
    expect(refusal(res)).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'input.basedAt' });
    expect(await caregiverRows()).toEqual([]);
  });

  it('refuses a base outside the provider’s subtree, and every role but a provider, with FORBIDDEN', async () => {
    const w = await world();
    expect(errorCodes(await h.gql(ADD, { input: newCaregiver({ basedAt: '321023100001' }) }, w.provider.token))).toEqual(['FORBIDDEN']);
    for (const user of [w.admin, w.staff, w.leadership, w.analyst]) {
      expect(errorCodes(await h.gql(ADD, { input: newCaregiver() }, user.token))).toEqual(['FORBIDDEN']);
    }
    expect(await caregiverRows()).toEqual([]);
  });

  // «培訓不合格人員不得上崗» (seed 004 篇四): an untrained caregiver, or one whose latest training failed, may not serve.
  it('may serve only once a training is recorded as passed, and not after a later one failed', async () => {
    const w = await world();
    const { id } = (await ok(ADD, { input: newCaregiver() }, w.provider)).addCaregiver;
    expect((await ok(GET, { id }, w.provider)).caregiver.standing).toEqual({ mayServe: false, reasons: ['NOT_TRAINED'] });
    const today = todayInChina();
    const trained = await ok(TRAIN, { id, input: { training: '文明禮儀和業務技能培訓', on: '2025-08-20', passed: true } }, w.provider);
    expect(trained.recordCaregiverTraining).toEqual({ trained: true, trainedOn: '2025-08-20', training: '文明禮儀和業務技能培訓' });
    expect((await ok(GET, { id }, w.provider)).caregiver.standing).toEqual({ mayServe: true, reasons: [] });
    // Before the training day, and before the first day of work, not yet.
    expect((await ok(STANDING, { id, on: '2025-08-19' }, w.provider)).caregiver.standing).toEqual({ mayServe: false, reasons: ['NOT_TRAINED', 'NOT_STARTED'] });
    // An older training than the latest is refused; a training after today too.
    expect(refusal(await h.gql(TRAIN, { id, input: { training: '复训', on: '2025-08-01', passed: true } }, w.provider.token))).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'input.on' });
    expect(refusal(await h.gql(TRAIN, { id, input: { training: '复训', on: '2999-01-01', passed: true } }, w.provider.token))).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'input.on' });
    await ok(TRAIN, { id, input: { training: '年度复训', on: today, passed: false } }, w.provider);
    expect((await ok(GET, { id }, w.provider)).caregiver).toMatchObject({ trained: false, trainedOn: today, standing: { mayServe: false, reasons: ['NOT_TRAINED'] } });
  });

  it('stops serving after their last day (endCaregiver), kept on record; ending twice is a CONFLICT', async () => {
    const w = await world();
    const id = String(await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'JD-002', { trainedOn: '2024-01-01' }));
    const END = `mutation($id: ID!, $on: Date!) { endCaregiver(id: $id, leftOn: $on) { leftOn } }`;
    expect(refusal(await h.gql(END, { id, on: '2023-12-31' }, w.provider.token))).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'leftOn' });
    expect((await ok(END, { id, on: '2025-06-30' }, w.provider)).endCaregiver).toEqual({ leftOn: '2025-06-30' });
    expect((await ok(STANDING, { id, on: '2025-06-30' }, w.provider)).caregiver.standing.mayServe).toBe(true);
    expect((await ok(STANDING, { id, on: '2025-07-01' }, w.provider)).caregiver.standing).toEqual({ mayServe: false, reasons: ['LEFT'] });
    expect(errorCodes(await h.gql(END, { id, on: '2025-07-31' }, w.provider.token))).toEqual(['CONFLICT']);
  });

  it('are changed only by their own provider; a work card number taken in the organisation is a CONFLICT', async () => {
    const w = await world();
    const id = String(await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'JD-003'));
    await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'JD-004');
    const UPDATE = `mutation($id: ID!, $input: UpdateCaregiverInput!) { updateCaregiver(id: $id, input: $input) { name workCardNumber basedAt { code } } }`;
    expect((await ok(UPDATE, { id, input: { name: '赵敏', basedAt: TOWN } }, w.provider)).updateCaregiver).toEqual({ name: '赵敏', workCardNumber: 'JD-003', basedAt: { code: TOWN } });
    const before = await caregiverRows();
    expect(refusal(await h.gql(UPDATE, { id, input: { workCardNumber: 'jd-004' } }, w.provider.token))).toMatchObject({ codes: ['CONFLICT'], field: 'input.workCardNumber' });
    // Organisation B's provider: the same FORBIDDEN as for a caregiver that does not exist.
    const foreign = refusal(await h.gql(UPDATE, { id, input: { name: 'x' } }, w.providerB.token));
    const missing = refusal(await h.gql(UPDATE, { id: '999999', input: { name: 'x' } }, w.providerB.token));
    expect(foreign).toEqual({ ...missing, field: undefined });
    expect(foreign.codes).toEqual(['FORBIDDEN']);
    expect(await caregiverRows()).toEqual(before);
  });
});

describe('the work card', () => {
  // «工作牌必須標有服務人員姓名、照片、服務工號、聯繫電話、所在組織的名稱和服務監督電話» (seed 004 篇四).
  it('shows the name, photo, work card number, phone, organisation and the supervision phone set nearest the caregiver’s base', async () => {
    const w = await world();
    const { id } = (await ok(ADD, { input: newCaregiver() }, w.provider)).addCaregiver;
    const elsewhere = String(await insertCaregiver(h.db, w.orgA.id, OTHER_TOWN_VILLAGE, 'JD-009'));
    const card = { name: '王芳', photoRef: 'photos/jd-001.jpg', workCardNumber: 'JD-001', phone: PHONE, organisationName: w.orgA.name };
    // The documents give no number: unset until a level sets it.
    expect((await ok(CARD, { id }, w.provider)).caregiverCard).toEqual({ ...card, supervisionPhone: null });
    const SET = `mutation($code: String!, $phone: String!) { setServiceSupervisionPhone(jurisdictionCode: $code, phone: $phone) { jurisdiction { code } phone } }`;
    expect(errorCodes(await h.gql(SET, { code: COUNTY, phone: '0514-86881234' }, w.townAdmin.token))).toEqual(['FORBIDDEN']);
    expect(refusal(await h.gql(SET, { code: COUNTY, phone: 'call us' }, w.admin.token))).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'phone' });
    expect((await ok(SET, { code: COUNTY, phone: '0514-86881234' }, w.admin)).setServiceSupervisionPhone).toEqual({ jurisdiction: { code: COUNTY }, phone: '0514-86881234' });
    expect((await ok(CARD, { id }, w.provider)).caregiverCard).toEqual({ ...card, supervisionPhone: '0514-86881234' });
    // A town that sets its own: its caregivers' cards show it, the rest of the county's keep the county's.
    await ok(SET, { code: TOWN, phone: '0514-86005678' }, w.townAdmin);
    expect((await ok(CARD, { id }, w.provider)).caregiverCard.supervisionPhone).toBe('0514-86005678');
    expect((await ok(CARD, { id: elsewhere }, w.provider)).caregiverCard.supervisionPhone).toBe('0514-86881234');
  });

  // docs/personal-data.md: the leadership office follows caregivers, it does not call them.
  it('shows the phone in full to the civil-affairs offices and the provider, masked to the leadership office, on the record and the card alike', async () => {
    const w = await world();
    const id = String(await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'JD-005', { phone: PHONE }));
    const masked = `${PHONE.slice(0, 3)}****${PHONE.slice(-4)}`;
    for (const [user, phone] of [[w.staff, PHONE], [w.admin, PHONE], [w.provider, PHONE], [w.leadership, masked]] as const) {
      expect((await ok(GET, { id }, user)).caregiver.phone).toBe(phone);
      expect((await ok(CARD, { id }, user)).caregiverCard.phone).toBe(phone);
      const list = await ok(LIST, { under: COUNTY }, user);
      expect(list.caregivers.edges.map((e: any) => e.node.phone)).toEqual([phone]);
    }
    expect(errorCodes(await h.gql(GET, { id }, w.analyst.token))).toEqual(['FORBIDDEN']);
  });
});

// The documents bar providers (取消服務資格, seed 004 篇四), not caregivers: «a county/town admin may bar a caregiver»,
// with its reason and period, is this system's rule (docs/caregivers.md#bans).
describe('bans of caregivers', () => {
  it('bar a caregiver in the banning town’s subtree while they run, and nowhere else; kept, never deleted', async () => {
    const w = await world();
    const id = String(await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'JD-006', { trainedOn: '2024-01-01' }));
    const today = todayInChina();
    const until = `${Number(today.slice(0, 4)) + 1}-12-31`;
    const banned = (await ok(BAN, { input: { caregiverId: id, jurisdictionCode: TOWN, reason: '服务对象投诉,核实属实', until } }, w.townAdmin)).banCaregiver;
    expect(banned).toEqual({ id: expect.any(String), jurisdiction: { code: TOWN }, reason: '服务对象投诉,核实属实', from: today, until });
    expect((await ok(STANDING, { id, at: VILLAGE }, w.provider)).caregiver.standing).toEqual({ mayServe: false, reasons: ['BANNED'] });
    expect((await ok(STANDING, { id, at: OTHER_TOWN_VILLAGE }, w.provider)).caregiver.standing).toEqual({ mayServe: true, reasons: [] });
    const after = `${Number(until.slice(0, 4)) + 1}-01-01`;
    expect((await ok(STANDING, { id, at: VILLAGE, on: after }, w.provider)).caregiver.standing.mayServe).toBe(true);
    // The provider sees the ban on its caregiver.
    expect((await ok(LIST, {}, w.provider)).caregivers.edges[0].node.bans).toEqual([{ reason: '服务对象投诉,核实属实' }]);
    await expect(h.db.query(`DELETE FROM caregiver_ban`)).rejects.toThrow(/never changed or deleted/);
    await expect(h.db.query(`UPDATE caregiver_ban SET until_day = from_day`)).rejects.toThrow(/never changed or deleted/);
    const [{ entries }] = await h.db.query(`SELECT count(*)::int AS entries FROM audit_entry WHERE action = 'caregiver.ban' AND outcome = 'SUCCESS'`);
    expect(entries).toBe(1);
  });

  it.each([
    ['input.jurisdictionCode', { jurisdictionCode: VILLAGE }],
    ['input.reason', { reason: ' ' }],
    ['input.from', { from: '2020-01-01' }],
    ['input.until', { until: '2020-01-01' }],
  ])('refuses bad input on %s with BAD_USER_INPUT naming it, writing nothing', async (field, extra) => {
    const w = await world();
    const id = String(await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'JD-007'));
    const res = await h.gql(BAN, { input: { caregiverId: id, jurisdictionCode: TOWN, reason: '投诉', until: '2999-01-01', ...extra } }, w.townAdmin.token);
    expect(refusal(res)).toMatchObject({ codes: ['BAD_USER_INPUT'], field });
    expect(await h.db.query(`SELECT * FROM caregiver_ban`)).toEqual([]);
  });

  it('are set only by a civil-affairs administrator reaching the caregiver: a caregiver of another town is FORBIDDEN like a missing one', async () => {
    const w = await world();
    const elsewhere = String(await insertCaregiver(h.db, w.orgA.id, OTHER_TOWN_VILLAGE, 'JD-008'));
    const input = (caregiverId: string) => ({ caregiverId, jurisdictionCode: TOWN, reason: '投诉', until: '2999-01-01' });
    const foreign = refusal(await h.gql(BAN, { input: input(elsewhere) }, w.townAdmin.token));
    const missing = refusal(await h.gql(BAN, { input: input('999999') }, w.townAdmin.token));
    expect(foreign).toEqual(missing);
    expect(foreign.codes).toEqual(['FORBIDDEN']);
    for (const user of [w.provider, w.staff, w.leadership]) expect(errorCodes(await h.gql(BAN, { input: input(elsewhere) }, user.token))).toEqual(['FORBIDDEN']);
  });
});

describe('caregivers(under, organisation)', () => {
  it('lists what each caller may see, by id in keyset pages: a provider its own staff, an office its subtree', async () => {
    const w = await world();
    const a = [await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'A-1'), await insertCaregiver(h.db, w.orgA.id, OTHER_TOWN_VILLAGE, 'A-2')].map(String);
    const b = String(await insertCaregiver(h.db, w.orgB.id, VILLAGE, 'B-1'));
    const sibling = String(await insertCaregiver(h.db, w.orgA.id, '321023100001', 'A-3'));
    const ids = (data: any) => data.caregivers.edges.map((e: any) => e.node.id);
    expect(ids(await ok(LIST, { first: 50 }, w.staff))).toEqual([...a, b]);
    expect(ids(await ok(LIST, { under: TOWN, first: 50 }, w.staff))).toEqual([a[0], b]);
    expect(ids(await ok(LIST, { organisation: w.orgB.creditCode }, w.staff))).toEqual([b]);
    expect(ids(await ok(LIST, {}, w.provider))).toEqual(a);
    expect(ids(await ok(LIST, { organisation: w.orgB.creditCode }, w.provider))).toEqual([]);
    const page = await ok(LIST, { first: 2 }, w.staff);
    expect([ids(page), page.caregivers.totalCount, page.caregivers.pageInfo.hasNextPage]).toEqual([a, 3, true]);
    const rest = await ok(LIST, { first: 2, after: page.caregivers.pageInfo.endCursor }, w.staff);
    expect([ids(rest), rest.caregivers.pageInfo.hasNextPage]).toEqual([[b], false]);
    expect(ids(await ok(LIST, {}, w.staff))).not.toContain(sibling);
    expect(errorCodes(await h.gql(LIST, { under: '321023' }, w.staff.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(LIST, {}, w.analyst.token))).toEqual(['FORBIDDEN']);
    expect(refusal(await h.gql(LIST, { first: 0 }, w.staff.token))).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'first' });
  });

  it('reads a page of 2 or of 12 caregivers, their bans and standing, in the same number of statements', async () => {
    const w = await world();
    for (let i = 0; i < 14; i += 1) {
      const id = await insertCaregiver(h.db, w.orgA.id, i % 2 ? VILLAGE : OTHER_TOWN_VILLAGE, `N-${i}`, { trainedOn: '2024-01-01' });
      await h.db.query(`INSERT INTO caregiver_ban (caregiver_id, jurisdiction_id, reason, from_day, until_day) SELECT $1, id, '投诉', '2024-01-01', '2024-12-31' FROM jurisdiction WHERE code = $2`, [id, TOWN]);
    }
    await ok(LIST, { first: 2 }, w.staff);
    const counts: number[] = [];
    for (const first of [2, 12]) {
      const res = await h.gql(LIST, { first }, w.staff.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.caregivers.edges).toHaveLength(first);
      counts.push(res.extensions!.sqlStatements!);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});

// A caregiver «sees and acts on their own orders only» (issue 20); until the orders exist, their own record and card.
describe('the CAREGIVER role', () => {
  const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { username roles organisation { creditCode } caregiver { id } } }`;
  const account = (caregiverId: string | null, extra: Record<string, unknown> = {}) => ({
    input: { username: 'wangfang', password: 'caregiver-password-1', jurisdictionCode: VILLAGE, roles: [Role.CAREGIVER], caregiverId, ...extra },
  });
  const users = async () => h.db.query(`SELECT username, roles::text[], caregiver_id FROM app_user ORDER BY id`);

  it('is given by a provider for its own caregiver only, alone, once; the account belongs to the caregiver’s organisation', async () => {
    const w = await world();
    const own = String(await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'JD-010'));
    const foreign = String(await insertCaregiver(h.db, w.orgB.id, VILLAGE, 'JD-010'));
    const before = await users();
    expect(errorCodes(await h.gql(CREATE, account(foreign), w.provider.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(CREATE, account('999999'), w.provider.token))).toEqual(['FORBIDDEN']);
    expect(refusal(await h.gql(CREATE, account(null), w.provider.token))).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'input.caregiverId' });
    // A provider grants CAREGIVER and nothing else; a caregiver's account holds no other role.
    expect(errorCodes(await h.gql(CREATE, account(null, { roles: [Role.VILLAGE_WORKER] }), w.provider.token))).toEqual(['FORBIDDEN']);
    expect(refusal(await h.gql(CREATE, account(own, { roles: [Role.CAREGIVER, Role.VILLAGE_WORKER] }), w.admin.token))).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'input.roles' });
    expect(refusal(await h.gql(CREATE, account(own, { roles: [Role.VILLAGE_WORKER] }), w.admin.token))).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'input.caregiverId' });
    expect(await users()).toEqual(before);

    const created = (await ok(CREATE, account(own), w.provider)).createUser;
    expect(created).toEqual({ username: 'wangfang', roles: [Role.CAREGIVER], organisation: { creditCode: w.orgA.creditCode }, caregiver: { id: own } });
    expect(refusal(await h.gql(CREATE, account(own, { username: 'wangfang2' }), w.admin.token))).toMatchObject({ codes: ['CONFLICT'], field: 'input.caregiverId' });
    // An administrator may create one too, for a caregiver based in the subtree.
    expect((await ok(CREATE, account(foreign, { username: 'lijuan' }), w.admin)).createUser.caregiver).toEqual({ id: foreign });
    // The link holds in the database as well.
    await expect(h.db.query(`UPDATE app_user SET caregiver_id = NULL WHERE username = 'wangfang'`)).rejects.toThrow(/app_user_caregiver_link/);
    const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username } }`;
    expect(refusal(await h.gql(UPDATE, { input: { username: 'wangfang', roles: [Role.VILLAGE_WORKER] } }, w.admin.token))).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'input.roles' });
    expect(refusal(await h.gql(UPDATE, { input: { username: 'wangfang', organisationCreditCode: w.orgB.creditCode } }, w.admin.token))).toMatchObject({
      codes: ['BAD_USER_INPUT'],
      field: 'input.organisationCreditCode',
    });
  });

  it('sees `me`, their own record and card, and nothing else', async () => {
    const w = await world();
    const own = String(await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'JD-011', { trainedOn: '2024-01-01' }));
    const other = String(await insertCaregiver(h.db, w.orgA.id, VILLAGE, 'JD-012'));
    await ok(CREATE, account(own), w.provider);
    const login = await h.gql(`mutation { login(username: "wangfang", password: "caregiver-password-1") { token } }`);
    const caregiver = { id: 0, username: 'wangfang', token: login.data.login.token as string };
    expect((await ok(`{ me { username roles caregiver { id workCardNumber phone } } }`, {}, caregiver)).me).toEqual({
      username: 'wangfang',
      roles: [Role.CAREGIVER],
      caregiver: { id: own, workCardNumber: 'JD-011', phone: '13900001111' },
    });
    expect((await ok(GET, { id: own }, caregiver)).caregiver.standing.mayServe).toBe(true);
    expect((await ok(CARD, { id: own }, caregiver)).caregiverCard.workCardNumber).toBe('JD-011');
    expect((await ok(LIST, { first: 50 }, caregiver)).caregivers.edges.map((e: any) => e.node.id)).toEqual([own]);
    // Another caregiver of the same organisation and village: the same FORBIDDEN as one that does not exist.
    const foreign = refusal(await h.gql(GET, { id: other }, caregiver.token));
    expect(foreign).toEqual(refusal(await h.gql(GET, { id: '999999' }, caregiver.token)));
    expect(foreign.codes).toEqual(['FORBIDDEN']);
    for (const query of [`{ jurisdiction(code: "${VILLAGE}") { name } }`, `{ facilities { totalCount } }`, `{ people { totalCount } }`, `{ users { totalCount } }`, `{ subsidySchemes { id } }`]) {
      expect([query, errorCodes(await h.gql(query, {}, caregiver.token))]).toEqual([query, ['FORBIDDEN']]);
    }
    const UPDATE = `mutation($id: ID!) { updateCaregiver(id: $id, input: { name: "x" }) { id } }`;
    expect(errorCodes(await h.gql(UPDATE, { id: own }, caregiver.token))).toEqual(['FORBIDDEN']);
    // Their provider may reset their password (a user it could have created), not a village worker's.
    const RESET = `mutation($u: String!) { resetPassword(username: $u, newPassword: "a-new-password-9") { username } }`;
    expect((await ok(RESET, { u: 'wangfang' }, w.provider)).resetPassword).toEqual({ username: 'wangfang' });
    const worker = await createUser(h.db, VILLAGE, [Role.VILLAGE_WORKER]);
    expect(errorCodes(await h.gql(RESET, { u: worker.username }, w.provider.token))).toEqual(['FORBIDDEN']);
  });
});
