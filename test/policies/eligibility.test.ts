import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { addMonths, monthEnd, thisMonthInChina } from '../../src/kernel/dates';
import { createUser, insertJurisdictions, SMALL_TREE, type TestUser } from '../support/factories';
import { useHarness } from '../support/harness';

// The scheme parameters and the tier conditions the seed documents need, each through the API as a user.

const h = useHarness();

const MONTH = thisMonthInChina();
const LAST_DAY = monthEnd(`${MONTH}-01`);
const YEAR = Number(LAST_DAY.slice(0, 4));
const VILLAGE = '321012100001';
// 银川市兴庆区 (seed 004: 「具有興慶區户籍或在興慶區常住外省籍(一年以上)」).
const XINGQING: [string, string][] = [
  ['64', '宁夏回族自治区'],
  ['6401', '银川市'],
  ['640104', '兴庆区'],
  ['640104001', '凤凰北街街道'],
  ['640104001001', '文化东街社区居委会'],
];
const XINGQING_VILLAGE = '640104001001';

const CREATE = `mutation($input: CreateSchemeInput!) {
  createSubsidyScheme(input: $input) {
    id inForce { requiresApplication firstMonth lastMonth assessmentValidMonths tiers { minAgeFemale livingSituationsNone hukouOrResident } }
  }
}`;
const ADD_VERSION = `mutation($id: ID!, $version: SchemeVersionInput!) {
  addSubsidySchemeVersion(id: $id, version: $version) { inForce { fromMonth requiresApplication firstMonth lastMonth assessmentValidMonths } }
}`;
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id age sex } }`;
const ASSESS = `mutation($id: ID!, $input: AssessmentInput!) { recordAbilityAssessment(personId: $id, input: $input) { id } }`;
const STATUS = `mutation($id: ID!, $status: PersonStatus!, $on: Date) { recordPersonStatus(id: $id, status: $status, on: $on) { id } }`;
const ENTITLEMENT = `query($id: ID!, $month: Month!) {
  entitlement(personId: $id, month: $month) { amountFen schemes { scheme { name } amountFen tiers { reasons { code message } } } }
}`;
const RUN = `mutation($code: String!, $month: Month!) { runEntitlements(code: $code, month: $month) { people recipients amountFen } }`;

let serial = 0;
interface Spec {
  age: number;
  male?: boolean;
  village?: string;
  hukou?: string;
  residentSince?: string;
  living?: string[];
  householdIncomeFen?: number;
  assessedOn?: string;
}

/** Registers someone `age` on the month's last day (born 1 March); the ID's sequence carries the sex. */
async function register(token: string, spec: Spec): Promise<string> {
  serial += 1;
  const hukou = spec.hukou ?? spec.village ?? VILLAGE;
  const born = LAST_DAY.slice(5) >= '03-01' ? YEAR - spec.age : YEAR - spec.age - 1;
  const first17 = `${hukou.slice(0, 6)}${born}0301${String(serial * 2 + (spec.male === false ? 0 : 1)).padStart(3, '0')}`;
  const input = {
    nationalId: first17 + nationalIdCheck(first17),
    name: `资格老人${serial}`,
    villageCode: spec.village ?? VILLAGE,
    hukouCode: hukou,
    residentSince: spec.residentSince ?? '2010-01-01',
    livingSituations: spec.living ?? [],
    householdMonthlyIncomeFen: spec.householdIncomeFen ?? null,
  };
  const res = await h.gql(REGISTER, { input }, token);
  expect(res.errors).toBeUndefined();
  expect(res.data.registerPerson).toMatchObject({ age: spec.age, sex: spec.male === false ? 'FEMALE' : 'MALE' });
  const id = res.data.registerPerson.id;
  if (spec.assessedOn) {
    const assessed = await h.gql(ASSESS, { id, input: { level: 'INTACT', assessedOn: spec.assessedOn, assessor: '第三方评估中心' } }, token);
    expect(assessed.errors).toBeUndefined();
  }
  return id;
}

async function scheme(token: string, code: string, version: object, tiers: object[]): Promise<string> {
  serial += 1;
  const input = { jurisdictionCode: code, name: `补贴${serial}`, kind: 'HOME_CARE_SUBSIDY', version: { fromMonth: '2024-01', funding: [{ level: 'COUNTY', weight: 1 }], ...version, tiers } };
  const res = await h.gql(CREATE, { input }, token);
  expect(res.errors).toBeUndefined();
  return res.data.createSubsidyScheme.id;
}

async function entitlement(token: string, id: string, month = MONTH) {
  const res = await h.gql(ENTITLEMENT, { id, month }, token);
  expect(res.errors).toBeUndefined();
  return res.data.entitlement;
}
const codesOf = (result: any) => result.schemes.flatMap((s: any) => s.tiers.flatMap((t: any) => t.reasons.map((r: any) => r.code)));

async function county(): Promise<TestUser> {
  await insertJurisdictions(h.db, SMALL_TREE);
  return createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
}

describe('scheme parameters', () => {
  it('are stored per version and read back; left out, they take their default settings', async () => {
    const admin = await county();
    const tier = [{ name: '80岁以上', amountFen: 6000, minAge: 80 }];
    const set = { requiresApplication: true, firstMonth: 'MONTH_AFTER_APPROVAL', lastMonth: 'PAY_MONTH_OF_EVENT', assessmentValidMonths: 12 };
    const res = await h.gql(CREATE, { input: { jurisdictionCode: '321012', name: '甲', kind: 'HOME_CARE_SUBSIDY', version: { fromMonth: '2024-01', funding: [{ level: 'COUNTY', weight: 1 }], ...set, tiers: tier } } }, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.createSubsidyScheme.inForce).toMatchObject(set);
    const next = addMonths(MONTH, 1);
    const added = await h.gql(ADD_VERSION, { id: res.data.createSubsidyScheme.id, version: { fromMonth: next, funding: [{ level: 'COUNTY', weight: 1 }], tiers: tier } }, admin.token);
    expect(added.errors).toBeUndefined();
    const [row] = await h.db.query(
      `SELECT requires_application, first_month, last_month, assessment_valid_months FROM subsidy_scheme_version WHERE from_month = $1::date`,
      [`${next}-01`],
    );
    expect(row).toEqual({ requires_application: false, first_month: 'MONTH_OF_APPROVAL', last_month: 'STOP_IN_MONTH_OF_EVENT', assessment_valid_months: null });
  });

  it.each([
    ['assessmentValidMonths 0', { assessmentValidMonths: 0 }, [{ name: 'a', amountFen: 100 }], 'input.version.assessmentValidMonths'],
    ['assessmentValidMonths 121', { assessmentValidMonths: 121 }, [{ name: 'a', amountFen: 100 }], 'input.version.assessmentValidMonths'],
    ['minAgeFemale 151', {}, [{ name: 'a', amountFen: 100, minAge: 60, minAgeFemale: 151 }], 'input.version.tiers[0].minAgeFemale'],
    ['maxAge below minAgeFemale', {}, [{ name: 'a', amountFen: 100, minAgeFemale: 70, maxAge: 65 }], 'input.version.tiers[0].maxAge'],
    ['a situation both required and excluded', {}, [{ name: 'a', amountFen: 100, livingSituations: ['ALONE'], livingSituationsNone: ['ALONE'] }], 'input.version.tiers[0].livingSituationsNone'],
    ['hukouOrResident without minResidentMonths', {}, [{ name: 'a', amountFen: 100, hukouRequired: true, hukouOrResident: true }], 'input.version.tiers[0].hukouOrResident'],
    ['hukouOrResident without hukouRequired', {}, [{ name: 'a', amountFen: 100, minResidentMonths: 12, hukouOrResident: true }], 'input.version.tiers[0].hukouOrResident'],
  ])('refuses %s, naming the field and writing nothing', async (_name, version, tiers, field) => {
    const admin = await county();
    const input = { jurisdictionCode: '321012', name: '乙', kind: 'HOME_CARE_SUBSIDY', version: { fromMonth: '2024-01', funding: [{ level: 'COUNTY', weight: 1 }], ...version, tiers } };
    const res = await h.gql(CREATE, { input }, admin.token);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const [{ n }] = await h.db.query(`SELECT (SELECT count(*) FROM subsidy_scheme) + (SELECT count(*) FROM subsidy_scheme_version) AS n`);
    expect(Number(n)).toBe(0);
  });
});

describe('lastMonth: the month of a death or a move', () => {
  // seed 004 篇四: 「對於服務對象中出現遷離、去世…應立即核銷平台人員信息、停止提供服務」: nothing for the month itself.
  it('STOP_IN_MONTH_OF_EVENT (江都, 「應立即…停止提供服務」) pays up to the month before; PAY_MONTH_OF_EVENT, a setting, pays the month too', async () => {
    const admin = await county();
    await scheme(admin.token, '321012', { lastMonth: 'STOP_IN_MONTH_OF_EVENT' }, [{ name: '立即停止', amountFen: 6000, minAge: 80 }]);
    await scheme(admin.token, '321012', { lastMonth: 'PAY_MONTH_OF_EVENT' }, [{ name: '当月照发', amountFen: 1000, minAge: 80 }]);
    const moved = await register(admin.token, { age: 85 });
    expect((await h.gql(STATUS, { id: moved, status: 'MOVED_AWAY', on: `${MONTH}-01` }, admin.token)).errors).toBeUndefined();
    const now = await entitlement(admin.token, moved);
    expect(now.amountFen).toBe(1000);
    expect(codesOf(now)).toEqual(['NOT_ACTIVE']);
    expect((await entitlement(admin.token, moved, addMonths(MONTH, -1))).amountFen).toBe(7000);
    expect(codesOf(await entitlement(admin.token, moved, addMonths(MONTH, 1)))).toEqual(['NOT_ACTIVE', 'NOT_ACTIVE']);
    // The monthly run reads the person for the scheme that pays the month, without counting them as registered.
    const stays = await register(admin.token, { age: 81 });
    expect(stays).toBeDefined();
    const run = await h.gql(RUN, { code: '321012', month: MONTH }, admin.token);
    expect(run.errors).toBeUndefined();
    expect(run.data.runEntitlements).toEqual({ people: 1, recipients: 2, amountFen: 7000 + 1000 });
  });
});

describe('assessmentValidMonths', () => {
  it('N months: an older assessment does not count, and the reason says so; none: it counts until superseded', async () => {
    const admin = await county();
    // No document sets a period: 6 here is a scheme's setting, not policy.
    await scheme(admin.token, '321012', { assessmentValidMonths: 6 }, [{ name: '评估六个月内', amountFen: 6000, abilities: ['INTACT'] }]);
    await scheme(admin.token, '321012', {}, [{ name: '评估至新评估为止', amountFen: 1000, abilities: ['INTACT'] }]);
    const old = await register(admin.token, { age: 85, assessedOn: `${addMonths(MONTH, -7)}-01` });
    const recent = await register(admin.token, { age: 85, assessedOn: `${addMonths(MONTH, -5)}-01` });
    const result = await entitlement(admin.token, old);
    expect(result.amountFen).toBe(1000);
    const expired = result.schemes.find((s: any) => s.amountFen === 0).tiers[0].reasons;
    expect(expired).toEqual([{ code: 'ASSESSMENT_EXPIRED', message: expect.stringContaining('6 months') }]);
    expect((await entitlement(admin.token, recent)).amountFen).toBe(7000);
  });
});

describe('tier conditions', () => {
  it('seed 000 「入住老人的年龄放宽到男60岁以上，女55岁以上」: minAge 60, minAgeFemale 55, by the sex the national ID carries', async () => {
    const admin = await county();
    await scheme(admin.token, '321012', {}, [{ name: '男60岁以上，女55岁以上', amountFen: 5000, minAge: 60, minAgeFemale: 55 }]);
    expect((await entitlement(admin.token, await register(admin.token, { age: 56, male: false }))).amountFen).toBe(5000);
    expect((await entitlement(admin.token, await register(admin.token, { age: 54, male: false }))).amountFen).toBe(0);
    const man = await entitlement(admin.token, await register(admin.token, { age: 56, male: true }));
    expect(man.amountFen).toBe(0);
    expect(codesOf(man)).toEqual(['AGE_BELOW']);
    expect((await entitlement(admin.token, await register(admin.token, { age: 60, male: true }))).amountFen).toBe(5000);
  });

  it('seed 004 「與子女共同生活且家庭成員月平均收入在570元以下的老人」: none of the living-alone situations', async () => {
    const admin = await county();
    const tier = { name: '与子女共同生活·家庭月均收入570元以下', amountFen: 3000, householdIncomeBelowFen: 57000, livingSituationsNone: ['EMPTY_NEST', 'ALONE'] };
    await scheme(admin.token, '321012', {}, [tier]);
    expect((await entitlement(admin.token, await register(admin.token, { age: 75, householdIncomeFen: 50000 }))).amountFen).toBe(3000);
    const alone = await entitlement(admin.token, await register(admin.token, { age: 75, householdIncomeFen: 50000, living: ['ALONE'] }));
    expect(alone.amountFen).toBe(0);
    expect(codesOf(alone)).toEqual(['EXCLUDED_LIVING_SITUATION']);
  });

  it('seed 004 「具有興慶區户籍或在興慶區常住外省籍(一年以上)」: 户籍 here or resident 12 months, either', async () => {
    await insertJurisdictions(h.db, [...SMALL_TREE, ...XINGQING]);
    const admin = await createUser(h.db, '640104', [Role.CIVIL_AFFAIRS_ADMIN]);
    const tier = { name: '兴庆区户籍或常住一年以上', amountFen: 4000, hukouRequired: true, minResidentMonths: 12, hukouOrResident: true };
    await scheme(admin.token, '640104', {}, [tier]);
    const here = XINGQING_VILLAGE;
    const lately = `${addMonths(MONTH, -3)}-01`;
    expect((await entitlement(admin.token, await register(admin.token, { age: 70, village: here, residentSince: lately }))).amountFen).toBe(4000);
    expect((await entitlement(admin.token, await register(admin.token, { age: 70, village: here, hukou: VILLAGE, residentSince: '2020-01-01' }))).amountFen).toBe(4000);
    const neither = await entitlement(admin.token, await register(admin.token, { age: 70, village: here, hukou: VILLAGE, residentSince: lately }));
    expect(neither.amountFen).toBe(0);
    expect(codesOf(neither)).toEqual(['NEITHER_HUKOU_NOR_RESIDENT']);
  });
});
