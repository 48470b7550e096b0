import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { addMonths, monthEnd, thisMonthInChina } from '../../src/kernel/dates';
import { createUser, insertJurisdictions, SMALL_TREE, type TestUser } from '../support/factories';
import { useHarness } from '../support/harness';
import { enrolBeforePlatform } from '../../seeds/demo-enrolments';

const h = useHarness();
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');

const MONTH = thisMonthInChina();
const REFERENCE_DAY = monthEnd(`${MONTH}-01`);
const REFERENCE_YEAR = Number(REFERENCE_DAY.slice(0, 4));

const SHENZHEN: [string, string][] = [
  ['44', '广东省'],
  ['4403', '深圳市'],
  ['440306', '宝安区'],
  ['440306024', '松岗街道'],
  ['440306024001', '东方社区居委会'],
];

const CREATE_SCHEME = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id name inForce { id tiers { id name } } } }`;
const CREATE_FLOOR = `mutation($input: CreateFloorInput!) { createSubsidyFloor(input: $input) { id amountFen jurisdiction { code } } }`;
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id age } }`;
const ASSESS = `mutation($id: ID!, $input: AssessmentInput!) { recordAbilityAssessment(personId: $id, input: $input) { id } }`;
const STATUS = `mutation($id: ID!, $status: PersonStatus!, $on: Date) { recordPersonStatus(id: $id, status: $status, on: $on) { id status } }`;
const ENTITLEMENT = `query($id: ID!, $month: Month!) {
  entitlement(personId: $id, month: $month) {
    month referenceDay age amountFen
    shares { level funder { code } amountFen }
    schemes {
      scheme { name } status amountFen excludedBy { name }
      shares { level funder { code } amountFen }
      tiers { tier { name } eligible applied reasons { code message } }
    }
  }
}`;

let serial = 0;
/** A valid national ID for someone who is `age` on the month's last day (born on 1 March, so the age never depends on the month). */
function nationalId(region: string, age: number, male = true): string {
  serial += 1;
  const birthYear = REFERENCE_DAY.slice(5) >= '03-01' ? REFERENCE_YEAR - age : REFERENCE_YEAR - age - 1;
  const sequence = String((serial % 499) * 2 + (male ? 1 : 0)).padStart(3, '0');
  const first17 = `${region}${birthYear}0301${sequence}`;
  return first17 + nationalIdCheck(first17);
}

interface PersonSpec {
  age: number;
  village: string;
  hukou: string;
  categories?: string[];
  living?: string[];
  ability?: string;
  assessedOn?: string;
  residentSince?: string;
}

async function register(token: string, spec: PersonSpec): Promise<string> {
  const res = await h.gql(
    REGISTER,
    {
      input: {
        nationalId: nationalId(spec.hukou.slice(0, 6), spec.age),
        name: `测试老人${serial}`,
        villageCode: spec.village,
        hukouCode: spec.hukou,
        residentSince: spec.residentSince ?? '2010-01-01',
        livingSituations: spec.living ?? [],
        categories: (spec.categories ?? []).map((category) => ({ category })),
        categoriesSince: '2020-01-01',
      },
    },
    token,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data.registerPerson.age).toBe(spec.age);
  const id = res.data.registerPerson.id;
  if (spec.ability) {
    const assessed = await h.gql(ASSESS, { id, input: { level: spec.ability, assessedOn: spec.assessedOn ?? REFERENCE_DAY.slice(0, 8) + '01', assessor: '扬州市第三方评估中心' } }, token);
    expect(assessed.errors).toBeUndefined();
  }
  return id;
}

async function entitlement(token: string, id: string, month = MONTH) {
  const res = await h.gql(ENTITLEMENT, { id, month }, token);
  expect(res.errors).toBeUndefined();
  return res.data.entitlement;
}

const reasonsOf = (result: any, scheme: string) =>
  result.schemes.find((s: any) => s.scheme.name === scheme).tiers.flatMap((t: any) => t.reasons.map((r: any) => r.code));

const HARDSHIP = ['EXTREME_POVERTY_DISPERSED', 'MINIMUM_LIVING_ALLOWANCE', 'BEREAVED_PARENTS', 'ENTITLED_GROUPS', 'MODEL_WORKER', 'CHILDLESS_WIDOWED'];
const ALL_LEVELS = ['INTACT', 'MILD', 'MODERATE', 'SEVERE', 'DEMENTIA'];
// 户籍在江都且长期(半年以上)居住在户籍地; district and town share the cost 7 : 3 (seed 004 篇四).
const JIANGDU_TERMS = { hukouRequired: true, minResidentMonths: 6 };
// 「須到户籍所在地村(社區)提出申請」; on a death or a move 「應立即核銷平台人員信息、停止提供服務」; no period for an assessment.
const JIANGDU_PARAMETERS = { requiresApplication: true, lastMonth: 'STOP_IN_MONTH_OF_EVENT' };
const JIANGDU_FUNDING = [
  { level: 'COUNTY', weight: 7 },
  { level: 'TOWN', weight: 3 },
];

function jiangduHardshipTiers() {
  const byAbility: [string, number, string[]][] = [
    ['自理', 8000, ['INTACT']],
    ['半失能', 15000, ['MILD', 'MODERATE']],
    // 「失能(重度失能)」: 失智 is not placed by the document.
    ['失能', 26000, ['SEVERE']],
  ];
  return [
    ...byAbility.map(([name, amount, abilities]) => ({ name: `困难老人·${name}`, amountFen: amount, minAge: 60, categoriesAny: HARDSHIP, abilities, ...JIANGDU_TERMS })),
    ...byAbility.map(([name, amount, abilities]) => ({
      name: `空巢独居老人·${name}`,
      amountFen: amount,
      minAge: 60,
      livingSituations: ['EMPTY_NEST', 'ALONE'],
      abilities,
      ...JIANGDU_TERMS,
    })),
  ];
}

async function jiangduSchemes(admin: TestUser): Promise<number[]> {
  const ids: number[] = [];
  for (const input of [
    {
      jurisdictionCode: '321012',
      name: '困难老人养老服务补贴',
      kind: 'HARDSHIP_CARE_SUBSIDY',
      version: { fromMonth: '2024-01', exclusionGroup: '江都区居家养老服务补贴', ...JIANGDU_PARAMETERS, funding: JIANGDU_FUNDING, tiers: jiangduHardshipTiers() },
    },
    {
      jurisdictionCode: '321012',
      name: '高龄老年人养老服务补贴',
      // 「政府購買居家養老服務」: a service subsidy, not a cash 高龄津贴.
      kind: 'HOME_CARE_SUBSIDY',
      version: {
        fromMonth: '2024-01',
        exclusionGroup: '江都区居家养老服务补贴',
        ...JIANGDU_PARAMETERS,
        funding: JIANGDU_FUNDING,
        // 在完成生活能力评估后: any level, but the assessment must be valid.
        tiers: [{ name: '80周岁及以上', amountFen: 6000, minAge: 80, abilities: ALL_LEVELS, ...JIANGDU_TERMS }],
      },
    },
  ]) {
    const res = await h.gql(CREATE_SCHEME, { input }, admin.token);
    expect(res.errors).toBeUndefined();
    ids.push(Number(res.data.createSubsidyScheme.id));
  }
  return ids;
}

/**
 * A 江都 person enrolled in both schemes since 2024-01, as an application approved before the platform:
 * 「須到户籍所在地村(社區)提出申請」 (seed 004 篇四), so the tiers judge only the months of an enrolment.
 */
async function registerEnrolled(admin: TestUser, schemes: readonly number[], spec: PersonSpec): Promise<string> {
  const id = await register(admin.token, spec);
  await enrolBeforePlatform(h.db, admin.id, [{ personId: Number(id), schemeIds: schemes }], '2024-01');
  return id;
}

describe('江都区 (seed 004 篇四): hardship elderly by ability 80 / 150 / 260 元, 80+ 60 元, not combinable', () => {
  const village = '321012100001';
  // 困难老人 amounts go county 70% / town 30%: 260 元 is 182 + 78, 150 元 is 105 + 45, 80 元 is 56 + 24, 60 元 is 42 + 18.
  it.each([
    ['82, 低保, 失能: the hardship tier beats the 80+ allowance', { age: 82, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE' }, 26000, [18200, 7800]],
    ['85, no category, 自理: only the 80+ allowance', { age: 85, ability: 'INTACT' }, 6000, [4200, 1800]],
    ['70, 低保, 自理', { age: 70, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'INTACT' }, 8000, [5600, 2400]],
    ['81, 失独, 自理: 80 元 beats 60 元', { age: 81, categories: ['BEREAVED_PARENTS'], ability: 'INTACT' }, 8000, [5600, 2400]],
    ['75, living alone, 中度失能', { age: 75, living: ['ALONE'], ability: 'MODERATE' }, 15000, [10500, 4500]],
    ['75, 低保 and living alone, 轻度失能: one tier only (就高)', { age: 75, living: ['ALONE'], categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'MILD' }, 15000, [10500, 4500]],
    ['65, no category, 失能: nothing', { age: 65, ability: 'SEVERE' }, 0, []],
  ])('%s', async (_name, spec, amount, shares) => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const schemes = await jiangduSchemes(admin);
    const id = await registerEnrolled(admin, schemes, { village, hukou: village, ...spec });
    const result = await entitlement(admin.token, id);
    expect(result).toMatchObject({ month: MONTH, referenceDay: REFERENCE_DAY, age: spec.age, amountFen: amount });
    expect(result.shares.map((s: any) => s.amountFen)).toEqual(shares);
    if (shares.length > 0) expect(result.shares.map((s: any) => s.funder.code)).toEqual(['321012', '321012100']);
    const paying = result.schemes.filter((s: any) => s.status === 'APPLIED');
    expect(paying.length).toBe(amount > 0 ? 1 : 0);
  });

  it('a person eligible for both schemes is told which one excluded the other', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const schemes = await jiangduSchemes(admin);
    const id = await registerEnrolled(admin, schemes, { age: 82, village, hukou: village, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE' });
    const result = await entitlement(admin.token, id);
    const allowance = result.schemes.find((s: any) => s.scheme.name === '高龄老年人养老服务补贴');
    expect(allowance).toMatchObject({ status: 'EXCLUDED', amountFen: 0, excludedBy: { name: '困难老人养老服务补贴' }, shares: [] });
    expect(allowance.tiers[0]).toMatchObject({ eligible: true, applied: false });
    const hardship = result.schemes.find((s: any) => s.scheme.name === '困难老人养老服务补贴');
    const applied = hardship.tiers.filter((t: any) => t.applied).map((t: any) => t.tier.name);
    expect(applied).toEqual(['困难老人·失能']);
  });

  it.each([
    ['户籍 outside 江都', { age: 83, hukou: '321023100001', ability: 'INTACT' }, 'HUKOU_OUTSIDE'],
    ['resident for fewer than six months', { age: 83, residentSince: `${addMonths(MONTH, -3)}-01`, ability: 'INTACT' }, 'RESIDENCE_TOO_SHORT'],
    ['never assessed', { age: 90 }, 'NOT_ASSESSED'],
  ])('the 80+ allowance does not pay: %s', async (_name, spec, reason) => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const schemes = await jiangduSchemes(admin);
    const id = await registerEnrolled(admin, schemes, { village, hukou: village, ...spec });
    const result = await entitlement(admin.token, id);
    expect(result.amountFen).toBe(0);
    expect(reasonsOf(result, '高龄老年人养老服务补贴')).toContain(reason);
  });

  it('pays nothing to a person who qualifies but is not enrolled: NOT_ENROLLED (「須到户籍所在地村(社區)提出申請」)', async () => {
    expect(SEED_004).toContain('須到户籍所在地村(社區)提出申請');
    await insertJurisdictions(h.db, SMALL_TREE);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    await jiangduSchemes(admin);
    // 82, 低保, 失能: 260 元 once enrolled (above); without an application, nothing.
    const id = await register(admin.token, { age: 82, village, hukou: village, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE' });
    const result = await entitlement(admin.token, id);
    expect(result).toMatchObject({ amountFen: 0, shares: [] });
    for (const name of ['困难老人养老服务补贴', '高龄老年人养老服务补贴']) {
      const scheme = result.schemes.find((s: any) => s.scheme.name === name);
      expect(scheme.status).toBe('NOT_ELIGIBLE');
      for (const tier of scheme.tiers) expect(tier.reasons).toEqual([{ code: 'NOT_ENROLLED', message: expect.stringContaining(name) }]);
    }
  });

  it('counts an assessment until a newer one: seed 004 篇四 sets no period, only 「在完成生活能力評估後」', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const schemes = await jiangduSchemes(admin);
    // Assessed 8 months ago, past the six months recorded as its validUntil: the scheme still counts it.
    const id = await registerEnrolled(admin, schemes, { age: 90, village, hukou: village, ability: 'INTACT', assessedOn: `${addMonths(MONTH, -8)}-10` });
    const result = await entitlement(admin.token, id);
    expect(result.amountFen).toBe(6000);
    expect(reasonsOf(result, '高龄老年人养老服务补贴')).toEqual([]);
  });

  it('stops paying in the month a person dies in (「應立即…停止提供服務」)', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const schemes = await jiangduSchemes(admin);
    const id = await registerEnrolled(admin, schemes, { age: 85, village, hukou: village, ability: 'INTACT', assessedOn: `${addMonths(MONTH, -2)}-01` });
    const died = await h.gql(STATUS, { id, status: 'DECEASED', on: `${MONTH}-01` }, admin.token);
    expect(died.errors).toBeUndefined();
    expect((await entitlement(admin.token, id)).amountFen).toBe(0);
    expect(reasonsOf(await entitlement(admin.token, id), '高龄老年人养老服务补贴')).toEqual(['NOT_ACTIVE']);
    expect((await entitlement(admin.token, id, addMonths(MONTH, -1))).amountFen).toBe(6000);
  });
});

describe('深圳 松岗 (seed 004 篇二): 500 / 300 / 300 / 200 元, the highest tier only', () => {
  const village = '440306024001';
  const tiers = [
    { name: '60岁及以上低保且生活不能自理', amountFen: 50000, minAge: 60, categoriesAll: ['MINIMUM_LIVING_ALLOWANCE'], abilities: ['SEVERE', 'DEMENTIA'] },
    { name: '60岁以上非低保生活不能自理', amountFen: 30000, minAge: 60, categoriesNone: ['MINIMUM_LIVING_ALLOWANCE'], abilities: ['SEVERE', 'DEMENTIA'] },
    { name: '60岁以上三无、低保、重点优抚', amountFen: 30000, minAge: 60, categoriesAny: ['THREE_NOS', 'MINIMUM_LIVING_ALLOWANCE', 'ENTITLED_GROUPS'] },
    { name: '80岁以上', amountFen: 20000, minAge: 80 },
  ].map((tier) => ({ ...tier, hukouRequired: true }));

  it.each([
    ['65, 低保, 失能', { age: 65, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE' }, 50000, '60岁及以上低保且生活不能自理'],
    ['70, no category, 失能', { age: 70, ability: 'SEVERE' }, 30000, '60岁以上非低保生活不能自理'],
    ['62, 低保, 自理', { age: 62, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'INTACT' }, 30000, '60岁以上三无、低保、重点优抚'],
    ['85, 低保, 失智: 500 元, not 500 + 300 + 200', { age: 85, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'DEMENTIA' }, 50000, '60岁及以上低保且生活不能自理'],
    ['85, no category, 自理', { age: 85, ability: 'INTACT' }, 20000, '80岁以上'],
    ['59, 低保, 失能: too young', { age: 59, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE' }, 0, null],
  ])('%s', async (_name, spec, amount, tier) => {
    await insertJurisdictions(h.db, SHENZHEN);
    const admin = await createUser(h.db, '440306', [Role.CIVIL_AFFAIRS_ADMIN]);
    const created = await h.gql(
      CREATE_SCHEME,
      {
        input: {
          jurisdictionCode: '440306',
          name: '社区居家养老服务补助',
          kind: 'HOME_CARE_SUBSIDY',
          version: { fromMonth: '2024-01', combination: 'HIGHEST', funding: [{ level: 'COUNTY', weight: 1 }], tiers },
        },
      },
      admin.token,
    );
    expect(created.errors).toBeUndefined();
    const id = await register(admin.token, { village, hukou: village, ...spec });
    const result = await entitlement(admin.token, id);
    expect(result.amountFen).toBe(amount);
    const applied = result.schemes[0].tiers.filter((t: any) => t.applied).map((t: any) => t.tier.name);
    expect(applied).toEqual(tier ? [tier] : []);
    if (amount > 0) expect(result.shares).toEqual([{ level: 'COUNTY', funder: { code: '440306' }, amountFen: amount }]);
  });
});

// The floor's terms are seed 001's 「90―99岁老人每人每月不低于50元」, a template of a province's plan; 江苏省 stands in for it here.
describe('floors set above (seed 001: 90–99 岁 每人每月不低于 50 元)', () => {
  async function setUp() {
    await insertJurisdictions(h.db, SMALL_TREE);
    const province = await createUser(h.db, '32', [Role.CIVIL_AFFAIRS_ADMIN]);
    const county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const floor = await h.gql(
      CREATE_FLOOR,
      { input: { jurisdictionCode: '32', kind: 'OLD_AGE_ALLOWANCE', minAge: 90, maxAge: 99, amountFen: 5000, fromMonth: '2024-01' } },
      province.token,
    );
    expect(floor.errors).toBeUndefined();
    return { county };
  }
  const allowance = (tiers: object[]) => ({
    jurisdictionCode: '321012',
    name: '高龄津贴',
    kind: 'OLD_AGE_ALLOWANCE',
    version: { fromMonth: '2025-01', funding: [{ level: 'COUNTY', weight: 1 }], tiers },
  });

  it.each([
    ['90–99 at 40 元', [{ name: '90-99岁', amountFen: 4000, minAge: 90, maxAge: 99 }], 0],
    ['80+ at 40 元 (it covers 90–99)', [{ name: '80岁以上', amountFen: 4000, minAge: 80 }], 0],
    ['80–89 at 30 元, then 95+ at 45 元', [{ name: '80-89岁', amountFen: 3000, minAge: 80, maxAge: 89 }, { name: '95岁以上', amountFen: 4500, minAge: 95 }], 1],
  ])('a county trying %s is refused, naming the floor and who set it', async (_name, tiers, index) => {
    const { county } = await setUp();
    const res = await h.gql(CREATE_SCHEME, { input: allowance(tiers) }, county.token);
    expect(res.data).toBeNull();
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.version.tiers[${index}].amountFen` });
    expect(res.errors![0].message).toContain('50.00 元');
    expect(res.errors![0].message).toContain('江苏省 (32)');
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM subsidy_scheme`);
    expect(n).toBe(0);
  });

  it('accepts amounts at or above the floor, and tiers outside its ages', async () => {
    const { county } = await setUp();
    const tiers = [
      { name: '80-89岁', amountFen: 3000, minAge: 80, maxAge: 89 },
      { name: '90-99岁', amountFen: 5000, minAge: 90, maxAge: 99 },
      { name: '100岁以上', amountFen: 30000, minAge: 100 },
    ];
    const res = await h.gql(CREATE_SCHEME, { input: allowance(tiers) }, county.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.createSubsidyScheme.inForce.tiers.map((t: any) => t.name)).toEqual(['80-89岁', '90-99岁', '100岁以上']);
  });
});

describe('cost shares', () => {
  it('splits an odd amount 7 : 3 to the fen: 3.33 元 is 2.33 + 1.00 (the larger remainder takes the fen)', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const res = await h.gql(
      CREATE_SCHEME,
      {
        input: {
          jurisdictionCode: '321012',
          name: '测试补贴',
          kind: 'HOME_CARE_SUBSIDY',
          version: { fromMonth: '2024-01', funding: JIANGDU_FUNDING, tiers: [{ name: '60岁以上', amountFen: 333, minAge: 60 }] },
        },
      },
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    const id = await register(admin.token, { age: 70, village: '321012100001', hukou: '321012100001' });
    const result = await entitlement(admin.token, id);
    // 333 × 7/10 = 233.1 and 333 × 3/10 = 99.9: floors 233 + 99 leave 1 fen for the larger remainder (0.9, the town).
    expect(result.shares).toEqual([
      { level: 'COUNTY', funder: { code: '321012' }, amountFen: 233 },
      { level: 'TOWN', funder: { code: '321012100' }, amountFen: 100 },
    ]);
  });
});
