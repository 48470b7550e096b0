import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { JurisdictionLevel } from '../../src/kernel/division-codes';
import { tierRule } from '../../src/policies/scheme-rules';
import { SCHEME_PARAMETER_DEFAULTS, TierCombination } from '../../src/policies/policy-kinds';
import { policyRepository } from '../../src/policies/policy.repository';
import { createUser, facilityWithHistory, insertJurisdictions, SMALL_TREE, type FacilitySpec, type FacilityStep, type TestUser } from '../support/factories';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';

const h = useHarness();

// Seed 000 (a town's plan), the document the rules below quote.
const SEED_000_FILE = fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('000'))!;
const SEED_000 = fs.readFileSync(path.join('/work/shared/seeds', SEED_000_FILE), 'utf8');
const CONTINUOUS = '对每个持续运营260天以上的实行助餐等服务的互助养老服务中心，镇将补助50元/人/月';
const ONE_PER_VILLAGE = '原则上，每个村（居）委会补助一个养老中心';

it.each([CONTINUOUS, ONE_PER_VILLAGE])('quotes seed 000 (%s) as it reads', (quote) => {
  expect(SEED_000_FILE).toMatch(/^000_/);
  expect(SEED_000).toContain(quote);
});

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
        tiers { tier { name amountFen } months operatingDays longestRun { from to days } eligible applied reasons { code message } }
        lines { month tier { name } operatingDays diners amountFen excludedBy { name } reason { code message } }
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
const months = (from: number, to: number, year = YEAR) => Array.from({ length: to - from + 1 }, (_, i) => `${year}-${String(from + i).padStart(2, '0')}`);
/** The same diner count recorded for every month of `year`. */
const everyMonth = (diners: number, year = YEAR): Record<string, number> => Object.fromEntries(months(1, 12, year).map((month) => [month, diners]));

const mutualAid = (steps: FacilityStep[], extra: Partial<FacilitySpec> = {}): FacilitySpec => ({
  name: '东苑互助养老中心',
  type: 'MUTUAL_AID_CENTER',
  jurisdictionCode: VILLAGE,
  services: ['MEALS'],
  dinerMonths: everyMonth(30),
  status: 'OPERATING',
  since: '2024-06-01',
  steps,
  ...extra,
});

// 50 元 × 30 diners = 1,500 元 for each month with at least one day of operation with meals (30 recorded for each month).
const MONTHLY = 5000 * 30;

interface OperatingCase {
  facility: FacilitySpec;
  /** Days of 2025 OPERATING with meals, counted by hand. */
  days: number;
  /** The longest run of consecutive such days, counted by hand. */
  run: { from: string; to: string; days: number } | null;
  paidMonths: string[];
  reason: string | null;
}

const YEAR_RUN = { from: '2025-01-01', to: '2025-12-31', days: 365 };

const OPERATING_CASES: [string, OperatingCase][] = [
  [
    'operating with meals until 27 October (300 days): paid for the ten months it operated',
    // 1 January – 27 October: 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 27 = 300; suspended from the 28th.
    { facility: mutualAid([{ to: 'SUSPENDED', on: '2025-10-28' }]), days: 300, run: { from: '2025-01-01', to: '2025-10-27', days: 300 }, paidMonths: months(1, 10), reason: null },
  ],
  [
    'operating with meals until 17 September (260 days): just enough, nine months',
    { facility: mutualAid([{ to: 'SUSPENDED', on: '2025-09-18' }]), days: 260, run: { from: '2025-01-01', to: '2025-09-17', days: 260 }, paidMonths: months(1, 9), reason: null },
  ],
  [
    'operating with meals until 16 September (259 days): refused with the day count',
    { facility: mutualAid([{ to: 'SUSPENDED', on: '2025-09-17' }]), days: 259, run: { from: '2025-01-01', to: '2025-09-16', days: 259 }, paidMonths: [], reason: 'TOO_FEW_OPERATING_DAYS' },
  ],
  [
    'operating all year without meals: refused, the service is missing',
    { facility: mutualAid([], { services: ['RECREATION', 'COMPANIONSHIP'] }), days: 0, run: null, paidMonths: [], reason: 'SERVICE_MISSING' },
  ],
  [
    // 持续运营: 320 days of operation in the year, but a 45-day suspension (15 April – 29 May) splits them.
    'suspended for 45 days from 15 April (320 days, at most 216 in a row): refused, the runs are not added up',
    // 1 January – 14 April (104) and 30 May – 31 December (2 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 216).
    {
      facility: mutualAid([
        { to: 'SUSPENDED', on: '2025-04-15' },
        { to: 'OPERATING', on: '2025-05-30' },
      ]),
      days: 320,
      run: { from: '2025-05-30', to: '2025-12-31', days: 216 },
      paidMonths: [],
      reason: 'TOO_FEW_OPERATING_DAYS',
    },
  ],
  [
    'suspended for 20 days from 1 March, then 286 days in a row: paid for every month it operated in',
    // 1 January – 28 February (59); 21 March – 31 December (11 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 286).
    {
      facility: mutualAid([
        { to: 'SUSPENDED', on: '2025-03-01' },
        { to: 'OPERATING', on: '2025-03-21' },
      ]),
      days: 345,
      run: { from: '2025-03-21', to: '2025-12-31', days: 286 },
      paidMonths: months(1, 12),
      reason: null,
    },
  ],
  [
    'meals added on 1 March (306 days with meals): paid from March',
    {
      facility: mutualAid([{ services: ['MEALS', 'RECREATION'], since: '2025-03-01' }], { services: ['RECREATION'] }),
      days: 306,
      run: { from: '2025-03-01', to: '2025-12-31', days: 306 },
      paidMonths: months(3, 12),
      reason: null,
    },
  ],
  [
    'meals added on 1 May (245 days with meals): refused',
    {
      facility: mutualAid([{ services: ['MEALS', 'RECREATION'], since: '2025-05-01' }], { services: ['RECREATION'] }),
      days: 245,
      run: { from: '2025-05-01', to: '2025-12-31', days: 245 },
      paidMonths: [],
      reason: 'TOO_FEW_OPERATING_DAYS',
    },
  ],
  [
    'a meal table (老饭桌) operating all year with meals: not a mutual-aid center',
    { facility: mutualAid([], { name: '东苑老饭桌', type: 'MEAL_TABLE' }), days: 365, run: YEAR_RUN, paidMonths: [], reason: 'FACILITY_TYPE' },
  ],
  [
    'a mutual-aid center with no diner count recorded for any month of the year: nothing to pay per diner',
    // Today's count (recorded at registration, for this month) is no count of 2025.
    { facility: mutualAid([], { dinerMonths: {}, dailyDiners: 30 }), days: 365, run: YEAR_RUN, paidMonths: [], reason: 'NO_DINERS' },
  ],
];

describe(`the operating subsidy (seed 000 ${SEED_000_FILE}: 「${CONTINUOUS}」)`, () => {
  it.each(OPERATING_CASES)('%s', async (_name, { facility, days, run, paidMonths, reason }) => {
    const { admin, finance } = await setUp();
    const id = await facilityWithHistory(h, admin.token, facility);
    const result = await subsidies(finance.token, id);
    const amount = paidMonths.length * MONTHLY;
    expect(result).toMatchObject({ year: YEAR, countedThrough: `${YEAR}-12-31`, amountFen: amount, dailyDiners: reason === 'NO_DINERS' ? null : 30 });
    const operating = schemeNamed(result, OPERATING);
    expect(operating).toMatchObject({ status: amount > 0 ? 'APPLIED' : 'NOT_ELIGIBLE', amountFen: amount, scheme: { kind: 'FACILITY_OPERATING' } });
    expect(operating.tiers).toHaveLength(1);
    expect(operating.tiers[0]).toMatchObject({ operatingDays: days, longestRun: run, eligible: reason === null, applied: amount > 0, months: months(1, 12) });
    expect(operating.tiers[0].reasons.map((r: any) => r.code)).toEqual(reason ? [reason] : []);
    if (reason === 'TOO_FEW_OPERATING_DAYS') {
      expect(operating.tiers[0].reasons[0].message).toBe(`operated at most ${run!.days} days in a row with MEALS (${run!.from} to ${run!.to}), fewer than 260`);
    }
    expect(operating.lines.map((l: any) => l.month)).toEqual(paidMonths);
    for (const line of operating.lines) expect(line).toMatchObject({ diners: 30, amountFen: MONTHLY, excludedBy: null, reason: null });
    expect(result.shares).toEqual(amount > 0 ? [{ level: 'TOWN', funder: { code: TOWN }, amountFen: amount }] : []);
    expect(operating.shares).toEqual(result.shares);
    // These facilities were registered already operating: no acceptance, so no construction subsidy.
    expect(schemeNamed(result, CONSTRUCTION).tiers[0].reasons.map((r: any) => r.code)).toContain('NOT_ACCEPTED_IN_PERIOD');
  });

  it('counts the days of a line month by month: a suspension from 1 to 20 March leaves 11 days there', async () => {
    const { admin, finance } = await setUp();
    const id = await facilityWithHistory(h, admin.token, OPERATING_CASES[5][1].facility);
    const lines = schemeNamed(await subsidies(finance.token, id), OPERATING).lines;
    expect(lines.map((l: any) => [l.month, l.operatingDays])).toEqual([
      ['2025-01', 31],
      ['2025-02', 28],
      ['2025-03', 11],
      ['2025-04', 30],
      ['2025-05', 31],
      ['2025-06', 30],
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
      { month: '2025-02', tier: { name: '助餐互助养老中心一次性补助' }, operatingDays: null, diners: null, amountFen: 1_000_000, excludedBy: null, reason: null },
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
      mutualAid([{ to: 'OPERATING', on: '2024-06-10' }], { status: 'ACCEPTED', since: '2024-05-20', dinerMonths: { ...everyMonth(30, 2024), ...everyMonth(30) } }),
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
      { code: 'TOO_FEW_OPERATING_DAYS', message: 'operated at most 205 days in a row with MEALS (2024-06-10 to 2024-12-31), fewer than 260' },
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
    const id = await facilityWithHistory(h, admin.token, mutualAid([], { dinerMonths: everyMonth(20) }));
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
    const id = await facilityWithHistory(h, admin.token, mutualAid([], { since: '2025-06-01', dinerMonths: everyMonth(1) }));
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
      { month: '2025-02', tier: { name: '建设补助' }, operatingDays: null, diners: null, amountFen: 0, excludedBy: { name: CONSTRUCTION }, reason: null },
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

describe(`持续运营 across the new year (seed 000 ${SEED_000_FILE}: 「${CONTINUOUS}」)`, () => {
  // Operating with meals since 1 June 2024, suspended from 1 March 2025: 214 days of 2024 and 59 of 2025 in one run.
  const acrossTheYear = mutualAid([{ to: 'SUSPENDED', on: '2025-03-01' }], { since: '2024-06-01' });
  const operatingScheme = (operatingRunFromPreviousYear?: boolean) => {
    const [, operating] = townSchemes();
    return { ...operating, version: { ...operating.version, ...(operatingRunFromPreviousYear === undefined ? {} : { operatingRunFromPreviousYear }) } };
  };

  it('counts a run within the year by default: 59 days of 2025, refused', async () => {
    const { admin, finance } = await setUp([operatingScheme()]);
    const id = await facilityWithHistory(h, admin.token, acrossTheYear);
    const operating = schemeNamed(await subsidies(finance.token, id), OPERATING);
    expect(operating).toMatchObject({ status: 'NOT_ELIGIBLE', amountFen: 0, lines: [] });
    expect(operating.tiers[0].longestRun).toEqual({ from: '2025-01-01', to: '2025-02-28', days: 59 });
    expect(operating.tiers[0].reasons).toEqual([
      { code: 'TOO_FEW_OPERATING_DAYS', message: 'operated at most 59 days in a row with MEALS (2025-01-01 to 2025-02-28), fewer than 260' },
    ]);
  });

  it('counts the run from 2024 where the version says a run may begin in the previous year: 273 days, January and February paid', async () => {
    const { admin, finance } = await setUp([operatingScheme(true)]);
    const id = await facilityWithHistory(h, admin.token, acrossTheYear);
    const operating = schemeNamed(await subsidies(finance.token, id), OPERATING);
    // 1 June 2024 – 28 February 2025: 214 + 59 = 273 days in a row.
    expect(operating.tiers[0]).toMatchObject({ longestRun: { from: '2024-06-01', to: '2025-02-28', days: 273 }, operatingDays: 59, eligible: true, applied: true });
    expect(operating.lines.map((l: any) => [l.month, l.amountFen])).toEqual([
      ['2025-01', MONTHLY],
      ['2025-02', MONTHLY],
    ]);
    const res = await h.gql(`query($at: String) { subsidySchemes(at: $at, month: "2025-06") { inForce { operatingRunFromPreviousYear oneFacilityPerVillage } } }`, { at: VILLAGE }, finance.token);
    expect(res.data.subsidySchemes).toEqual([{ inForce: { operatingRunFromPreviousYear: true, oneFacilityPerVillage: false } }]);
  });

  it('does not count a run that ended in the previous year toward this one', async () => {
    const { admin, finance } = await setUp([operatingScheme(true)]);
    // Operating all of 2024, suspended from 1 January 2025 to 1 December: 31 days in 2025.
    const id = await facilityWithHistory(
      h,
      admin.token,
      mutualAid([{ to: 'SUSPENDED', on: '2025-01-01' }, { to: 'OPERATING', on: '2025-12-01' }], { since: '2024-01-01' }),
    );
    const operating = schemeNamed(await subsidies(finance.token, id), OPERATING);
    expect(operating.tiers[0].longestRun).toEqual({ from: '2025-12-01', to: '2025-12-31', days: 31 });
    expect(operating.tiers[0].reasons.map((r: any) => r.code)).toEqual(['TOO_FEW_OPERATING_DAYS']);
  });

  it.each([
    ['a construction scheme', { ...townSchemes()[0], version: { ...townSchemes()[0].version, operatingRunFromPreviousYear: true } }, 'input.version.operatingRunFromPreviousYear'],
    [
      'a person scheme',
      { jurisdictionCode: TOWN, name: '高龄津贴', kind: 'OLD_AGE_ALLOWANCE', version: { fromMonth: '2025-01', funding: [{ level: 'TOWN', weight: 1 }], oneFacilityPerVillage: true, tiers: [{ name: '80岁以上', amountFen: 5000, minAge: 80 }] } },
      'input.version.oneFacilityPerVillage',
    ],
  ])('refuses the facility switch on %s, naming the field', async (_name, input, field) => {
    const { admin } = await setUp([]);
    const res = await h.gql(CREATE_SCHEME, { input }, admin.token);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions.field).toBe(field);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM subsidy_scheme`)).toEqual([{ n: 0 }]);
  });
});

describe(`50元/人/月 by each month's diners (seed 000 ${SEED_000_FILE}: 「${CONTINUOUS}」)`, () => {
  const RECORD = `mutation($id: ID!, $month: Month!, $diners: Int!) { recordFacilityDiners(id: $id, month: $month, diners: $diners) { id dailyDiners dinerMonths(year: ${YEAR}) { month diners } } }`;

  it('pays each month by the count recorded for it, and nothing for a month without one', async () => {
    const { admin, finance } = await setUp();
    // 30 diners to June, 40 from July, none recorded for August; today's count (55, this month's) is no 2025 count.
    const dinerMonths = { ...Object.fromEntries(months(1, 6).map((m) => [m, 30])), ...Object.fromEntries([...months(7, 7), ...months(9, 12)].map((m) => [m, 40])) };
    const id = await facilityWithHistory(h, admin.token, mutualAid([], { dinerMonths, dailyDiners: 55 }));
    const result = await subsidies(finance.token, id);
    const operating = schemeNamed(result, OPERATING);
    expect(operating.lines.map((l: any) => [l.month, l.diners, l.amountFen, l.reason])).toEqual([
      ...months(1, 6).map((m) => [m, 30, 5000 * 30, null]),
      ['2025-07', 40, 5000 * 40, null],
      ['2025-08', null, 0, { code: 'NO_DINERS', message: 'no diner count is recorded for 2025-08' }],
      ...months(9, 12).map((m) => [m, 40, 5000 * 40, null]),
    ]);
    expect(operating.amountFen).toBe(6 * 5000 * 30 + 5 * 5000 * 40);
    expect(result).toMatchObject({ amountFen: operating.amountFen, dailyDiners: 40 });
    expect(operating.tiers[0]).toMatchObject({ eligible: true, applied: true, reasons: [] });
  });

  it('records a month’s count (audited), replaces it when recorded again, keeps dailyDiners as the latest month’s and refuses a future month', async () => {
    const { admin } = await setUp();
    const id = await facilityWithHistory(h, admin.token, mutualAid([], { dinerMonths: {} }));
    const first = await h.gql(RECORD, { id, month: '2025-03', diners: 25 }, admin.token);
    expect(first.errors).toBeUndefined();
    expect(first.data.recordFacilityDiners).toEqual({ id, dailyDiners: 25, dinerMonths: [{ month: '2025-03', diners: 25 }] });
    // An earlier month recorded later does not move the facility's figure; the same month recorded again replaces it.
    await h.gql(RECORD, { id, month: '2025-01', diners: 10 }, admin.token);
    const again = await h.gql(RECORD, { id, month: '2025-03', diners: 27 }, admin.token);
    expect(again.data.recordFacilityDiners).toEqual({ id, dailyDiners: 27, dinerMonths: [{ month: '2025-01', diners: 10 }, { month: '2025-03', diners: 27 }] });
    const trail = await h.db.query(
      `SELECT outcome, target_ids AS "targetIds", detail FROM audit_entry WHERE action = 'recordFacilityDiners' ORDER BY id`,
    );
    expect(trail.map((e: any) => [e.outcome, e.targetIds, e.detail])).toEqual([
      ['SUCCESS', [id], { month: '2025-03', diners: 25, previous: null }],
      ['SUCCESS', [id], { month: '2025-01', diners: 10, previous: null }],
      ['SUCCESS', [id], { month: '2025-03', diners: 27, previous: 25 }],
    ]);
    const nextYear = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4)) + 1;
    for (const [variables, field] of [
      [{ id, month: `${nextYear}-01`, diners: 5 }, 'month'],
      [{ id, month: '1999-12', diners: 5 }, 'month'],
      [{ id, month: '2025-04', diners: -1 }, 'diners'],
    ] as const) {
      const refused = await h.gql(RECORD, variables, admin.token);
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors![0].extensions.field).toBe(field);
    }
    expect(await h.db.query(`SELECT to_char(month, 'YYYY-MM') AS month, diners FROM facility_diners WHERE facility_id = $1 ORDER BY month`, [id])).toEqual([
      { month: '2025-01', diners: 10 },
      { month: '2025-03', diners: 27 },
    ]);
  });

  it('refuses a facility outside the caller’s subtree with FORBIDDEN, nothing recorded', async () => {
    const { admin } = await setUp();
    const id = await facilityWithHistory(h, admin.token, mutualAid([], { dinerMonths: {} }));
    const other = await createUser(h.db, '321012101', [Role.CIVIL_AFFAIRS_ADMIN]);
    const res = await h.gql(RECORD, { id, month: '2025-03', diners: 25 }, other.token);
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM facility_diners`)).toEqual([{ n: 0 }]);
  });
});

describe(`one center per village (seed 000 ${SEED_000_FILE}: 「${ONE_PER_VILLAGE}」)`, () => {
  const DESIGNATE = `mutation($facilityId: ID!, $fromMonth: Month!) {
    designateVillageFacility(facilityId: $facilityId, fromMonth: $fromMonth) { village { code name } fromMonth facility { id name } }
  }`;
  const perVillage = () => townSchemes().map((scheme) => ({ ...scheme, version: { ...scheme.version, oneFacilityPerVillage: true } }));
  const OTHER_VILLAGE = '321012100002';

  async function twoCenters() {
    const fixture = await setUp(perVillage());
    const east = await facilityWithHistory(h, fixture.admin.token, mutualAid([]));
    const west = await facilityWithHistory(h, fixture.admin.token, mutualAid([], { name: '东苑第二互助养老中心' }));
    const alone = await facilityWithHistory(h, fixture.admin.token, mutualAid([], { name: '西园互助养老中心', jurisdictionCode: OTHER_VILLAGE }));
    return { ...fixture, east, west, alone };
  }

  const operatingOf = async (token: string, id: string) => schemeNamed(await subsidies(token, id), OPERATING);

  it('pays none of two qualifying centers of a village while none is designated, and the only center of another village', async () => {
    const { finance, east, west, alone } = await twoCenters();
    const [villageName] = (await h.db.query(`SELECT name FROM jurisdiction WHERE code = $1`, [VILLAGE])).map((r: any) => r.name);
    for (const id of [east, west]) {
      const operating = await operatingOf(finance.token, id);
      expect(operating).toMatchObject({ status: 'NOT_ELIGIBLE', amountFen: 0 });
      expect(operating.lines[0].reason).toEqual({ code: 'NOT_DESIGNATED', message: `2 centers of ${villageName} qualify for 2025-01 and none is designated` });
      expect(operating.tiers[0]).toMatchObject({ eligible: true, applied: false, reasons: [operating.lines[0].reason] });
    }
    expect(await operatingOf(finance.token, alone)).toMatchObject({ status: 'APPLIED', amountFen: 12 * MONTHLY });
  });

  it('pays the designated center, month by month as designated (audited), and tells the other why', async () => {
    const { admin, finance, east, west } = await twoCenters();
    const first = await h.gql(DESIGNATE, { facilityId: east, fromMonth: '2025-01' }, admin.token);
    expect(first.errors).toBeUndefined();
    expect(first.data.designateVillageFacility).toMatchObject({ village: { code: VILLAGE }, fromMonth: '2025-01', facility: { id: east, name: '东苑互助养老中心' } });
    const second = await h.gql(DESIGNATE, { facilityId: west, fromMonth: '2025-07' }, admin.token);
    expect(second.errors).toBeUndefined();

    const eastOperating = await operatingOf(finance.token, east);
    const westOperating = await operatingOf(finance.token, west);
    expect(eastOperating.lines.filter((l: any) => l.amountFen > 0).map((l: any) => l.month)).toEqual(months(1, 6));
    expect(westOperating.lines.filter((l: any) => l.amountFen > 0).map((l: any) => l.month)).toEqual(months(7, 12));
    expect(eastOperating.lines[6].reason).toEqual({ code: 'NOT_DESIGNATED', message: expect.stringContaining('东苑第二互助养老中心 is designated from 2025-07') });
    expect(westOperating.lines[0].reason).toEqual({ code: 'NOT_DESIGNATED', message: expect.stringContaining('东苑互助养老中心 is designated from 2025-01') });
    expect(eastOperating.amountFen + westOperating.amountFen).toBe(12 * MONTHLY);
    const trail = await h.db.query(`SELECT outcome, target_ids AS "targetIds", detail FROM audit_entry WHERE action = 'designateVillageFacility' ORDER BY id`);
    expect(trail).toEqual([
      { outcome: 'SUCCESS', targetIds: [east], detail: { villageCode: VILLAGE, fromMonth: '2025-01', previousFacilityId: null } },
      { outcome: 'SUCCESS', targetIds: [west], detail: { villageCode: VILLAGE, fromMonth: '2025-07', previousFacilityId: null } },
    ]);
  });

  it('pays a designated center alone when the other does not qualify, and leaves schemes without the rule alone', async () => {
    const { admin, finance } = await setUp([perVillage()[1], { ...townSchemes()[1], name: '县运营补助', jurisdictionCode: '321012', version: { ...townSchemes()[1].version, funding: [{ level: 'COUNTY', weight: 1 }] } }]);
    const east = await facilityWithHistory(h, admin.token, mutualAid([]));
    // A meal table in the same village: not of the tier's type, so no rival.
    const table = await facilityWithHistory(h, admin.token, mutualAid([], { name: '东苑老饭桌', type: 'MEAL_TABLE' }));
    const west = await facilityWithHistory(h, admin.token, mutualAid([], { name: '东苑第二互助养老中心' }));
    await h.gql(DESIGNATE, { facilityId: west, fromMonth: '2025-01' }, admin.token);
    const eastResult = await subsidies(finance.token, east);
    // The town's scheme pays one center; the county's pays every qualifying one.
    expect(schemeNamed(eastResult, OPERATING)).toMatchObject({ status: 'NOT_ELIGIBLE', amountFen: 0 });
    expect(schemeNamed(eastResult, '县运营补助')).toMatchObject({ status: 'APPLIED', amountFen: 12 * MONTHLY });
    expect(schemeNamed(await subsidies(finance.token, west), OPERATING)).toMatchObject({ status: 'APPLIED', amountFen: 12 * MONTHLY });
    expect(schemeNamed(await subsidies(finance.token, table), OPERATING).tiers[0].reasons.map((r: any) => r.code)).toEqual(['FACILITY_TYPE']);
  });

  it('reads a page of facilities under the rule in the same number of SQL statements for 2 facilities and for 8', async () => {
    const { admin, finance } = await setUp(perVillage());
    const LIST = `query($first: Int) { facilities(under: "${TOWN}", first: $first) { edges { node { id subsidies(year: ${YEAR}) { amountFen } } } } }`;
    for (let i = 0; i < 8; i += 1) {
      await facilityWithHistory(h, admin.token, mutualAid([], { name: `互助养老中心${i}`, jurisdictionCode: i % 2 ? VILLAGE : OTHER_VILLAGE }));
    }
    await forgetCaches(h);
    const two = await h.gql(LIST, { first: 2 }, finance.token);
    await forgetCaches(h);
    const eight = await h.gql(LIST, { first: 8 }, finance.token);
    expect(eight.errors).toBeUndefined();
    // Four centers in each village and none designated: none is paid.
    expect(eight.data.facilities.edges.map((e: any) => e.node.subsidies.amountFen)).toEqual(Array(8).fill(0));
    // The other centers of a village are read in one batch too; on a page that holds them already, their histories come with it.
    expect(eight.extensions!.sqlStatements!).toBeLessThanOrEqual(two.extensions!.sqlStatements!);
  });

  it('refuses a facility not located in a village (BAD_USER_INPUT) and one outside the caller’s subtree (FORBIDDEN), nothing designated', async () => {
    const { admin, finance } = await setUp(perVillage());
    const town = await facilityWithHistory(h, admin.token, { name: '仙女镇中心', type: 'TOWN_CENTER', jurisdictionCode: TOWN, services: ['MEALS'], status: 'OPERATING', since: '2024-06-01' });
    const village = await facilityWithHistory(h, admin.token, mutualAid([]));
    const atTown = await h.gql(DESIGNATE, { facilityId: town, fromMonth: '2025-01' }, admin.token);
    expect(errorCodes(atTown)).toEqual(['BAD_USER_INPUT']);
    expect(atTown.errors![0].extensions.field).toBe('facilityId');
    const other = await createUser(h.db, '321012101', [Role.CIVIL_AFFAIRS_ADMIN]);
    expect(errorCodes(await h.gql(DESIGNATE, { facilityId: village, fromMonth: '2025-01' }, other.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(DESIGNATE, { facilityId: village, fromMonth: '2025-01' }, finance.token))).toEqual(['FORBIDDEN']);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM village_facility_designation`)).toEqual([{ n: 0 }]);
  });
});
