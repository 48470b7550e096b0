import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { JurisdictionLevel } from '../../src/kernel/division-codes';
import { tierRule } from '../../src/policies/scheme-rules';
import { SCHEME_PARAMETER_DEFAULTS, TierCombination } from '../../src/policies/policy-kinds';
import { policyRepository } from '../../src/policies/policy.repository';
import { createUser, facilityWithHistory, insertJurisdictions, SMALL_TREE, type FacilitySpec, type FacilityStep, type TestUser } from '../support/factories';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';

const h = useHarness();

// Seed 000 (a town's plan): a one-time construction subsidy for mutual-aid centers with meal service
// accepted (验收合格) in the year, and 50 元 per diner a month for those that operated at least 260 days
// with meals; the town pays. Here the town is 仙女镇 (321012100) of 江都区, the facilities in 东苑社区.
const TOWN = '321012100';
const VILLAGE = '321012100001';
const YEAR = 2025;

const CREATE_SCHEME = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id inForce { tiers { id name } } } }`;
const SUBSIDIES = `query($id: ID!, $year: Int!) {
  facility(id: $id) {
    subsidies(year: $year) {
      year countedThrough acceptedOn operatingDays dailyDiners amountFen
      shares { level funder { code } amountFen }
      schemes {
        scheme { name kind jurisdiction { code } } status amountFen excludedBy { name }
        shares { level funder { code } amountFen }
        tiers { tier { name amountFen } months operatingDays eligible applied reasons { code message } }
        lines { month tier { name } operatingDays diners amountFen excludedBy { name } }
      }
    }
  }
}`;

const CONSTRUCTION = '互助养老中心建设补助';
const OPERATING = '互助养老中心运营补助';

const townSchemes = (town = TOWN) => [
  {
    jurisdictionCode: town,
    name: CONSTRUCTION,
    kind: 'FACILITY_CONSTRUCTION',
    version: {
      fromMonth: '2024-01',
      funding: [{ level: 'TOWN', weight: 1 }],
      tiers: [{ name: '助餐互助养老中心一次性补助', amountFen: 1_000_000, facilityTypes: ['MUTUAL_AID_CENTER'], requiredServices: ['MEALS'] }],
    },
  },
  {
    jurisdictionCode: town,
    name: OPERATING,
    kind: 'FACILITY_OPERATING',
    version: {
      fromMonth: '2024-01',
      funding: [{ level: 'TOWN', weight: 1 }],
      tiers: [{ name: '运营260天以上·50元/人/月', amountFen: 5000, facilityTypes: ['MUTUAL_AID_CENTER'], requiredServices: ['MEALS'], minOperatingDays: 260 }],
    },
  },
];

interface Fixture {
  admin: TestUser;
  finance: TestUser;
}

async function setUp(schemes: object[] = townSchemes()): Promise<Fixture> {
  await insertJurisdictions(h.db, SMALL_TREE);
  const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
  // 财政 pays: the finance bureau of the county reads what each facility is due.
  const finance = await createUser(h.db, '321012', [Role.FINANCE]);
  for (const input of schemes) {
    const res = await h.gql(CREATE_SCHEME, { input }, admin.token);
    expect(res.errors).toBeUndefined();
  }
  return { admin, finance };
}

async function subsidies(token: string, id: string, year = YEAR) {
  const res = await h.gql(SUBSIDIES, { id, year }, token);
  expect(res.errors).toBeUndefined();
  return res.data.facility.subsidies;
}

const schemeNamed = (result: any, name: string) => result.schemes.find((s: any) => s.scheme.name === name);
const months = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${YEAR}-${String(from + i).padStart(2, '0')}`);

const mutualAid = (steps: FacilityStep[], extra: Partial<FacilitySpec> = {}): FacilitySpec => ({
  name: '东苑互助养老中心',
  type: 'MUTUAL_AID_CENTER',
  jurisdictionCode: VILLAGE,
  services: ['MEALS'],
  dailyDiners: 30,
  status: 'OPERATING',
  since: '2024-06-01',
  steps,
  ...extra,
});

// 50 元 × 30 diners = 1,500 元 for each month with at least one day of operation with meals.
const MONTHLY = 5000 * 30;

interface OperatingCase {
  facility: FacilitySpec;
  /** Days of 2025 OPERATING with meals, counted by hand. */
  days: number;
  paidMonths: string[];
  reason: string | null;
}

const OPERATING_CASES: [string, OperatingCase][] = [
  [
    'operating with meals until 27 October (300 days): paid for the ten months it operated',
    // 1 January – 27 October: 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 27 = 300; suspended from the 28th.
    { facility: mutualAid([{ to: 'SUSPENDED', on: '2025-10-28' }]), days: 300, paidMonths: months(1, 10), reason: null },
  ],
  [
    'operating with meals until 17 September (260 days): just enough, nine months',
    { facility: mutualAid([{ to: 'SUSPENDED', on: '2025-09-18' }]), days: 260, paidMonths: months(1, 9), reason: null },
  ],
  [
    'operating with meals until 16 September (259 days): refused with the day count',
    { facility: mutualAid([{ to: 'SUSPENDED', on: '2025-09-17' }]), days: 259, paidMonths: [], reason: 'TOO_FEW_OPERATING_DAYS' },
  ],
  [
    'operating all year without meals: refused, the service is missing',
    { facility: mutualAid([], { services: ['RECREATION', 'COMPANIONSHIP'] }), days: 0, paidMonths: [], reason: 'SERVICE_MISSING' },
  ],
  [
    'suspended from 15 April to 9 June (309 days): paid for every month but May',
    // 1 January – 14 April (104) and 10 June – 31 December (205).
    {
      facility: mutualAid([
        { to: 'SUSPENDED', on: '2025-04-15' },
        { to: 'OPERATING', on: '2025-06-10' },
      ]),
      days: 309,
      paidMonths: [...months(1, 4), ...months(6, 12)],
      reason: null,
    },
  ],
  [
    'meals added on 1 March (306 days with meals): paid from March',
    {
      facility: mutualAid([{ services: ['MEALS', 'RECREATION'], since: '2025-03-01' }], { services: ['RECREATION'] }),
      days: 306,
      paidMonths: months(3, 12),
      reason: null,
    },
  ],
  [
    'meals added on 1 May (245 days with meals): refused',
    {
      facility: mutualAid([{ services: ['MEALS', 'RECREATION'], since: '2025-05-01' }], { services: ['RECREATION'] }),
      days: 245,
      paidMonths: [],
      reason: 'TOO_FEW_OPERATING_DAYS',
    },
  ],
  [
    'a meal table (老饭桌) operating all year with meals: not a mutual-aid center',
    { facility: mutualAid([], { name: '东苑老饭桌', type: 'MEAL_TABLE' }), days: 365, paidMonths: [], reason: 'FACILITY_TYPE' },
  ],
  [
    'a mutual-aid center with no daily diners recorded: nothing to pay per diner',
    { facility: mutualAid([], { dailyDiners: null }), days: 365, paidMonths: [], reason: 'NO_DINERS' },
  ],
];

describe('the operating subsidy (seed 000: 50 元/人/月 for ≥ 260 days with meals)', () => {
  it.each(OPERATING_CASES)('%s', async (_name, { facility, days, paidMonths, reason }) => {
    const { admin, finance } = await setUp();
    const id = await facilityWithHistory(h, admin.token, facility);
    const result = await subsidies(finance.token, id);
    const amount = paidMonths.length * MONTHLY;
    expect(result).toMatchObject({ year: YEAR, countedThrough: `${YEAR}-12-31`, amountFen: amount, dailyDiners: facility.dailyDiners ?? null });
    const operating = schemeNamed(result, OPERATING);
    expect(operating).toMatchObject({ status: amount > 0 ? 'APPLIED' : 'NOT_ELIGIBLE', amountFen: amount, scheme: { kind: 'FACILITY_OPERATING' } });
    expect(operating.tiers).toHaveLength(1);
    expect(operating.tiers[0]).toMatchObject({ operatingDays: days, eligible: reason === null, applied: amount > 0, months: months(1, 12) });
    expect(operating.tiers[0].reasons.map((r: any) => r.code)).toEqual(reason ? [reason] : []);
    if (reason === 'TOO_FEW_OPERATING_DAYS') expect(operating.tiers[0].reasons[0].message).toBe(`operated ${days} days with MEALS in ${YEAR}, fewer than 260`);
    expect(operating.lines.map((l: any) => l.month)).toEqual(paidMonths);
    for (const line of operating.lines) expect(line).toMatchObject({ diners: 30, amountFen: MONTHLY, excludedBy: null });
    expect(result.shares).toEqual(amount > 0 ? [{ level: 'TOWN', funder: { code: TOWN }, amountFen: amount }] : []);
    expect(operating.shares).toEqual(result.shares);
    // These facilities were registered already operating: no acceptance, so no construction subsidy.
    expect(schemeNamed(result, CONSTRUCTION).tiers[0].reasons.map((r: any) => r.code)).toContain('NOT_ACCEPTED_IN_PERIOD');
  });

  it('counts the days of a line month by month: a suspension in April leaves 14 days there, none in May', async () => {
    const { admin, finance } = await setUp();
    const id = await facilityWithHistory(h, admin.token, OPERATING_CASES[4][1].facility);
    const lines = schemeNamed(await subsidies(finance.token, id), OPERATING).lines;
    expect(lines.map((l: any) => [l.month, l.operatingDays])).toEqual([
      ['2025-01', 31],
      ['2025-02', 28],
      ['2025-03', 31],
      ['2025-04', 14],
      ['2025-06', 21],
      ['2025-07', 31],
      ['2025-08', 31],
      ['2025-09', 30],
      ['2025-10', 31],
      ['2025-11', 30],
      ['2025-12', 31],
    ]);
  });
});

describe('the construction subsidy (once, in the year of acceptance)', () => {
  // Built at the end of 2024, accepted on 20 February 2025, operating with meals from 1 March.
  const acceptedIn2025 = mutualAid(
    [
      { to: 'ACCEPTED', on: '2025-02-20' },
      { to: 'OPERATING', on: '2025-03-01' },
    ],
    { status: 'BUILT', since: '2024-12-01' },
  );

  it('pays 10,000 元 for the year of acceptance, in the month of acceptance, beside the operating subsidy from March', async () => {
    const { admin, finance } = await setUp();
    const id = await facilityWithHistory(h, admin.token, acceptedIn2025);
    const result = await subsidies(finance.token, id);
    const construction = schemeNamed(result, CONSTRUCTION);
    expect(construction).toMatchObject({ status: 'APPLIED', amountFen: 1_000_000 });
    expect(construction.tiers).toEqual([
      expect.objectContaining({ months: ['2025-02'], operatingDays: null, eligible: true, applied: true, reasons: [] }),
    ]);
    expect(construction.lines).toEqual([
      { month: '2025-02', tier: { name: '助餐互助养老中心一次性补助' }, operatingDays: null, diners: null, amountFen: 1_000_000, excludedBy: null },
    ]);
    // 1 March – 31 December: 306 days with meals, ten months.
    const operating = schemeNamed(result, OPERATING);
    expect(operating.tiers[0].operatingDays).toBe(306);
    expect(operating.lines.map((l: any) => l.month)).toEqual(months(3, 12));
    expect(result).toMatchObject({ acceptedOn: '2025-02-20', operatingDays: 306, amountFen: 1_000_000 + 10 * MONTHLY });
    expect(result.shares).toEqual([{ level: 'TOWN', funder: { code: TOWN }, amountFen: 1_000_000 + 10 * MONTHLY }]);
  });

  it('pays nothing for the year before the acceptance, nor for the year after', async () => {
    const { admin, finance } = await setUp();
    const id = await facilityWithHistory(h, admin.token, acceptedIn2025);
    const before = schemeNamed(await subsidies(finance.token, id, 2024), CONSTRUCTION);
    expect(before).toMatchObject({ status: 'NOT_ELIGIBLE', amountFen: 0, lines: [] });
    expect(before.tiers[0].reasons).toEqual([{ code: 'NOT_ACCEPTED_IN_PERIOD', message: 'first accepted on 2025-02-20, after 2024-12-31' }]);
    const after = schemeNamed(await subsidies(finance.token, id, 2026), CONSTRUCTION);
    expect(after).toMatchObject({ status: 'NOT_ELIGIBLE', amountFen: 0, lines: [] });
    expect(after.tiers[0].reasons).toEqual([{ code: 'NOT_ACCEPTED_IN_PERIOD', message: 'first accepted on 2025-02-20: paid once, for 2025' }]);
  });

  it('is paid once: a facility accepted in 2024 whose history records a second acceptance in 2025 gets it for 2024 only', async () => {
    const { admin, finance } = await setUp();
    const id = await facilityWithHistory(
      h,
      admin.token,
      mutualAid([{ to: 'OPERATING', on: '2024-06-10' }], { status: 'ACCEPTED', since: '2024-05-20' }),
    );
    // An acceptance entered again later (a re-inspection recorded as 验收合格): history is append-only, so it is inserted as such.
    await h.db.query(
      `INSERT INTO facility_event (facility_id, kind, occurred_on, from_status, status, services) VALUES ($1, 'TRANSITION', '2025-03-01', 'OPERATING', 'ACCEPTED', '{MEALS}'),
         ($1, 'TRANSITION', '2025-03-02', 'ACCEPTED', 'OPERATING', '{MEALS}')`,
      [id],
    );
    const first = await subsidies(finance.token, id, 2024);
    expect(first).toMatchObject({ acceptedOn: '2024-05-20' });
    expect(schemeNamed(first, CONSTRUCTION)).toMatchObject({ status: 'APPLIED', amountFen: 1_000_000, lines: [expect.objectContaining({ month: '2024-05' })] });
    // 10 June – 31 December 2024 is 205 days: too few for the operating subsidy that year.
    expect(schemeNamed(first, OPERATING).tiers[0].reasons).toEqual([
      { code: 'TOO_FEW_OPERATING_DAYS', message: 'operated 205 days with MEALS in 2024, fewer than 260' },
    ]);
    const second = schemeNamed(await subsidies(finance.token, id, 2025), CONSTRUCTION);
    expect(second).toMatchObject({ status: 'NOT_ELIGIBLE', amountFen: 0 });
    expect(second.tiers[0].reasons).toEqual([{ code: 'NOT_ACCEPTED_IN_PERIOD', message: 'first accepted on 2024-05-20: paid once, for 2024' }]);
  });

  it.each([
    ['a meal table', { type: 'MEAL_TABLE', name: '东苑老饭桌' }, 'FACILITY_TYPE', 'a MEAL_TABLE is none of MUTUAL_AID_CENTER'],
    ['a mutual-aid center accepted without meals', { services: ['RECREATION'] }, 'SERVICE_MISSING', 'offered no MEALS when accepted on 2025-02-20'],
  ])('refuses %s', async (_name, extra, code, message) => {
    const { admin, finance } = await setUp();
    const id = await facilityWithHistory(h, admin.token, { ...acceptedIn2025, ...extra });
    const construction = schemeNamed(await subsidies(finance.token, id), CONSTRUCTION);
    expect(construction).toMatchObject({ status: 'NOT_ELIGIBLE', amountFen: 0, lines: [] });
    expect(construction.tiers[0].reasons).toEqual([{ code, message }]);
  });
});

describe('schemes over time, cost shares and exclusion', () => {
  it('pays each month under the version in force then: 50 元 to June, 60 元 from July', async () => {
    const { admin, finance } = await setUp([
      {
        ...townSchemes()[1],
        version: { ...townSchemes()[1].version, fromMonth: '2025-01', toMonth: '2025-06' },
      },
    ]);
    // The change from July was decided then: recorded as the version that followed (the API adds versions from this month on).
    const [{ id: schemeId }] = await h.db.query(`SELECT id FROM subsidy_scheme WHERE name = $1`, [OPERATING]);
    await policyRepository.insertVersion(
      h.db.manager,
      schemeId,
      {
        fromMonth: '2025-07',
        toMonth: null,
        combination: TierCombination.HIGHEST,
        exclusionGroup: null,
        ...SCHEME_PARAMETER_DEFAULTS,
        funding: [{ level: JurisdictionLevel.TOWN, weight: 1 }],
        tiers: [
          tierRule({ position: 1, name: '运营260天以上·60元/人/月', amountFen: 6000, minOperatingDays: 260 }),
        ],
      },
      null,
    );
    const id = await facilityWithHistory(h, admin.token, mutualAid([], { dailyDiners: 20 }));
    const operating = schemeNamed(await subsidies(finance.token, id), OPERATING);
    // 6 × 50 元 × 20 + 6 × 60 元 × 20 = 6,000 + 7,200 元.
    expect(operating.amountFen).toBe(600_000 + 720_000);
    expect(operating.lines.map((l: any) => [l.month, l.tier.name, l.amountFen])).toEqual([
      ...months(1, 6).map((m) => [m, '运营260天以上·50元/人/月', 100_000]),
      ...months(7, 12).map((m) => [m, '运营260天以上·60元/人/月', 120_000]),
    ]);
    expect(operating.tiers.map((t: any) => [t.tier.name, t.months, t.applied])).toEqual([
      ['运营260天以上·50元/人/月', months(1, 6), true],
      ['运营260天以上·60元/人/月', months(7, 12), true],
    ]);
  });

  it('splits an odd yearly amount 7 : 3 between county and town once, to the fen', async () => {
    const { admin, finance } = await setUp([
      {
        jurisdictionCode: '321012',
        name: '江都区设施运营补助',
        kind: 'FACILITY_OPERATING',
        version: {
          fromMonth: '2024-01',
          funding: [
            { level: 'COUNTY', weight: 7 },
            { level: 'TOWN', weight: 3 },
          ],
          tiers: [{ name: '运营200天以上', amountFen: 3333, minOperatingDays: 200 }],
        },
      },
    ]);
    // Operating from 1 June: 214 days, seven months of 33.33 元 × 1 diner = 233.31 元.
    const id = await facilityWithHistory(h, admin.token, mutualAid([], { since: '2025-06-01', dailyDiners: 1 }));
    const result = await subsidies(finance.token, id);
    expect(result.amountFen).toBe(23_331);
    // 23,331 × 0.7 = 16,331.7 and × 0.3 = 6,999.3: the floors leave one fen for the larger remainder, the county.
    // (Split month by month it would be 7 × (23.33 + 10.00) 元, 0.7 fen away from the county's exact share.)
    expect(result.shares).toEqual([
      { level: 'COUNTY', funder: { code: '321012' }, amountFen: 16_332 },
      { level: 'TOWN', funder: { code: TOWN }, amountFen: 6_999 },
    ]);
  });

  it('pays one construction subsidy of an exclusion group: the town’s 10,000 元, not the county’s 5,000 元 as well', async () => {
    const group = '设施建设补助';
    const [town] = townSchemes();
    const { admin, finance } = await setUp([
      { ...town, version: { ...town.version, exclusionGroup: group } },
      {
        jurisdictionCode: '321012',
        name: '江都区设施建设补助',
        kind: 'FACILITY_CONSTRUCTION',
        version: { fromMonth: '2024-01', exclusionGroup: group, funding: [{ level: 'COUNTY', weight: 1 }], tiers: [{ name: '建设补助', amountFen: 500_000 }] },
      },
    ]);
    const id = await facilityWithHistory(h, admin.token, mutualAid([{ to: 'OPERATING', on: '2025-03-01' }], { status: 'ACCEPTED', since: '2025-02-20' }));
    const result = await subsidies(finance.token, id);
    expect(result.schemes.map((s: any) => [s.scheme.name, s.status, s.amountFen, s.excludedBy?.name ?? null])).toEqual([
      ['江都区设施建设补助', 'EXCLUDED', 0, CONSTRUCTION],
      [CONSTRUCTION, 'APPLIED', 1_000_000, null],
    ]);
    expect(schemeNamed(result, '江都区设施建设补助').lines).toEqual([
      { month: '2025-02', tier: { name: '建设补助' }, operatingDays: null, diners: null, amountFen: 0, excludedBy: { name: CONSTRUCTION } },
    ]);
    expect(result.shares).toEqual([{ level: 'TOWN', funder: { code: TOWN }, amountFen: 1_000_000 }]);
  });

  it('applies the schemes of the facility’s lineage only: another town’s scheme does not reach it', async () => {
    const { admin, finance } = await setUp([...townSchemes(), ...townSchemes('321012101')]);
    const id = await facilityWithHistory(h, admin.token, mutualAid([]));
    const result = await subsidies(finance.token, id);
    expect(result.schemes.map((s: any) => s.scheme.jurisdiction.code)).toEqual([TOWN, TOWN]);
    expect(result.amountFen).toBe(12 * MONTHLY);
  });

  it('leaves facility schemes out of a person’s entitlement and out of the monthly run', async () => {
    const { admin } = await setUp();
    const res = await h.gql(
      `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`,
      { input: { nationalId: `32101219450601102${nationalIdCheck('32101219450601102')}`, name: '赵七', villageCode: VILLAGE, hukouCode: VILLAGE } },
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    const entitlement = await h.gql(
      `query($id: ID!) { entitlement(personId: $id, month: "2025-06") { amountFen schemes { scheme { name } } } }`,
      { id: res.data.registerPerson.id },
      admin.token,
    );
    expect(entitlement.errors).toBeUndefined();
    expect(entitlement.data.entitlement).toEqual({ amountFen: 0, schemes: [] });
    const run = await h.gql(
      `mutation { runEntitlements(code: "${TOWN}", month: "2025-06") { people recipients lines amountFen } }`,
      {},
      admin.token,
    );
    expect(run.errors).toBeUndefined();
    expect(run.data.runEntitlements).toEqual({ people: 1, recipients: 0, lines: 0, amountFen: 0 });
  });
});

describe('setting facility schemes', () => {
  const tableCounts = async () =>
    (
      await h.db.query(
        `SELECT (SELECT count(*) FROM subsidy_scheme)::int AS schemes, (SELECT count(*) FROM subsidy_scheme_version)::int AS versions,
                (SELECT count(*) FROM subsidy_tier)::int AS tiers, (SELECT count(*) FROM subsidy_funding)::int AS funding,
                (SELECT count(*) FROM subsidy_floor)::int AS floors`,
      )
    )[0];

  const scheme = (kind: string, tier: object) => ({
    jurisdictionCode: TOWN,
    name: '测试补助',
    kind,
    version: { fromMonth: '2025-01', funding: [{ level: 'TOWN', weight: 1 }], tiers: [{ name: '测试档', amountFen: 5000, ...tier }] },
  });

  it.each([
    ['an operating tier with an age band', scheme('FACILITY_OPERATING', { minAge: 60, facilityTypes: ['MUTUAL_AID_CENTER'] }), 'input.version.tiers[0].minAge'],
    ['a construction tier with hardship categories', scheme('FACILITY_CONSTRUCTION', { categoriesAny: ['MINIMUM_LIVING_ALLOWANCE'] }), 'input.version.tiers[0].categoriesAny'],
    ['a construction tier asking for 户籍', scheme('FACILITY_CONSTRUCTION', { hukouRequired: true }), 'input.version.tiers[0].hukouRequired'],
    ['an operating tier with an income ceiling', scheme('FACILITY_OPERATING', { ownIncomeBelowFen: 60000 }), 'input.version.tiers[0].ownIncomeBelowFen'],
    ['a person tier with facility types', scheme('OLD_AGE_ALLOWANCE', { minAge: 80, facilityTypes: ['MUTUAL_AID_CENTER'] }), 'input.version.tiers[0].facilityTypes'],
    ['a person tier with required services', scheme('HOME_CARE_SUBSIDY', { requiredServices: ['MEALS'] }), 'input.version.tiers[0].requiredServices'],
    ['a person tier with operating days', scheme('HARDSHIP_CARE_SUBSIDY', { minOperatingDays: 260 }), 'input.version.tiers[0].minOperatingDays'],
    ['a construction tier with operating days', scheme('FACILITY_CONSTRUCTION', { minOperatingDays: 260 }), 'input.version.tiers[0].minOperatingDays'],
    ['an operating tier asking for 367 days', scheme('FACILITY_OPERATING', { minOperatingDays: 367 }), 'input.version.tiers[0].minOperatingDays'],
  ])('refuses %s: BAD_USER_INPUT naming the field, nothing written', async (_name, input, field) => {
    const { admin } = await setUp([]);
    const before = await tableCounts();
    const res = await h.gql(CREATE_SCHEME, { input }, admin.token);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions.field).toBe(field);
    expect(res.data).toBeNull();
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses a person condition in a new version of a facility scheme, naming the field, nothing written', async () => {
    const { admin } = await setUp([scheme('FACILITY_OPERATING', { facilityTypes: ['MUTUAL_AID_CENTER'] })]);
    const [{ id }] = await h.db.query(`SELECT id::text FROM subsidy_scheme`);
    const before = await tableCounts();
    const res = await h.gql(
      `mutation($id: ID!, $version: SchemeVersionInput!) { addSubsidySchemeVersion(id: $id, version: $version) { id } }`,
      {
        id,
        version: { fromMonth: '2099-01', funding: [{ level: 'TOWN', weight: 1 }], tiers: [{ name: '新档', amountFen: 6000, abilities: ['SEVERE'] }] },
      },
      admin.token,
    );
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions.field).toBe('version.tiers[0].abilities');
    expect(await tableCounts()).toEqual(before);
  });

  it('takes floors for facility kinds without ages, refuses one with an age, and holds operating tiers to them', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const FLOOR = `mutation($input: CreateFloorInput!) { createSubsidyFloor(input: $input) { kind minAge maxAge amountFen jurisdiction { code } } }`;
    const floor = { jurisdictionCode: '321012', kind: 'FACILITY_OPERATING', amountFen: 4000, fromMonth: '2025-01' };
    const before = await tableCounts();
    const aged = await h.gql(FLOOR, { input: { ...floor, minAge: 60 } }, county.token);
    expect(errorCodes(aged)).toEqual(['BAD_USER_INPUT']);
    expect(aged.errors![0].extensions.field).toBe('input.minAge');
    expect(await tableCounts()).toEqual(before);

    const set = await h.gql(FLOOR, { input: floor }, county.token);
    expect(set.errors).toBeUndefined();
    expect(set.data.createSubsidyFloor).toEqual({ kind: 'FACILITY_OPERATING', minAge: null, maxAge: null, amountFen: 4000, jurisdiction: { code: '321012' } });

    const low = await h.gql(CREATE_SCHEME, { input: scheme('FACILITY_OPERATING', { amountFen: 3000 }) }, county.token);
    expect(errorCodes(low)).toEqual(['BAD_USER_INPUT']);
    expect(low.errors![0].extensions.field).toBe('input.version.tiers[0].amountFen');
    expect(low.errors![0].message).toContain('30.00 元 is below the floor of 40.00 元 per diner a month set by 江都区 (321012)');
    // Construction schemes are another kind: the operating floor does not bind them.
    const other = await h.gql(CREATE_SCHEME, { input: scheme('FACILITY_CONSTRUCTION', { amountFen: 3000 }) }, county.token);
    expect(other.errors).toBeUndefined();
    const fine = await h.gql(CREATE_SCHEME, { input: { ...scheme('FACILITY_OPERATING', { amountFen: 5000 }), name: '运营补助' } }, county.token);
    expect(fine.errors).toBeUndefined();
  });

  it('reads the new tier conditions back', async () => {
    const { admin } = await setUp();
    const res = await h.gql(
      `query($at: String) { subsidySchemes(at: $at, month: "2025-06") { name kind inForce { tiers { amountFen facilityTypes requiredServices minOperatingDays minAge } } } }`,
      { at: VILLAGE },
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.subsidySchemes).toEqual([
      { name: CONSTRUCTION, kind: 'FACILITY_CONSTRUCTION', inForce: { tiers: [{ amountFen: 1_000_000, facilityTypes: ['MUTUAL_AID_CENTER'], requiredServices: ['MEALS'], minOperatingDays: null, minAge: null }] } },
      { name: OPERATING, kind: 'FACILITY_OPERATING', inForce: { tiers: [{ amountFen: 5000, facilityTypes: ['MUTUAL_AID_CENTER'], requiredServices: ['MEALS'], minOperatingDays: 260, minAge: null }] } },
    ]);
  });
});

describe('reading facility subsidies', () => {
  it('refuses a year before 2000 or after this one with BAD_USER_INPUT on year', async () => {
    const { admin, finance } = await setUp();
    const id = await facilityWithHistory(h, admin.token, mutualAid([]));
    const nextYear = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4)) + 1;
    for (const year of [1999, nextYear]) {
      const res = await h.gql(SUBSIDIES, { id, year }, finance.token);
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].extensions.field).toBe('year');
    }
  });

  it('reads the subsidies of a page of facilities in the same number of SQL statements for 2 facilities and for 8', async () => {
    const { admin, finance } = await setUp();
    const LIST = `query($first: Int) { facilities(under: "${TOWN}", first: $first) { edges { node { id subsidies(year: ${YEAR}) { amountFen schemes { amountFen } } } } } }`;
    for (let i = 0; i < 8; i += 1) {
      await facilityWithHistory(h, admin.token, mutualAid([], { name: `互助养老中心${i}`, jurisdictionCode: i % 2 ? VILLAGE : '321012100002' }));
    }
    await forgetCaches(h);
    const two = await h.gql(LIST, { first: 2 }, finance.token);
    await forgetCaches(h);
    const eight = await h.gql(LIST, { first: 8 }, finance.token);
    expect(two.errors).toBeUndefined();
    expect(eight.errors).toBeUndefined();
    expect(eight.data.facilities.edges.map((e: any) => e.node.subsidies.amountFen)).toEqual(Array(8).fill(12 * MONTHLY));
    // Histories, lineages, schemes and floors are read in one batch each, however many facilities the page holds.
    expect(eight.extensions?.sqlStatements).toBe(two.extensions?.sqlStatements);
  });
});
