import { Role } from '../../src/kernel/actor';
import { rebuildRollups } from '../../src/coverage/rollup.rebuild';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, insertJurisdictions, SMALL_TREE, type TestUser } from '../support/factories';
import { forgetCaches, useHarness } from '../support/harness';

const h = useHarness();

const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`;
const ASSESS = `mutation($id: ID!, $input: AssessmentInput!) { recordAbilityAssessment(personId: $id, input: $input) { id } }`;
const STATUS = `mutation($id: ID!, $status: PersonStatus!, $on: Date) { recordPersonStatus(id: $id, status: $status, on: $on) { id } }`;
const UPDATE = `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id } }`;
const COUNTS = `query($code: String!, $asOf: Date) {
  jurisdiction(code: $code) {
    peopleCounts(asOf: $asOf) { asOf total byCategory { category count } byAbility { level count } byAgeBand { band count } }
  }
}`;

const V1 = '321012100001'; // 东苑社区, 仙女镇
const V2 = '321012100002'; // 龙川社区, 仙女镇
const V3 = '321012101200'; // 小纪村, 小纪镇
const OUTSIDE = '321023100001'; // 宝应县: same city, another county

const nationalId = (birth: string, sequence: number) => {
  const first17 = `321012${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return first17 + nationalIdCheck(first17);
};

const shiftDay = (day: string, days: number) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
};

interface Counts {
  total: number;
  age?: Record<string, number>;
  ability?: Record<string, number>;
  category?: Record<string, number>;
}

/** The counts as the API gives them, with the zero entries of each list left out. */
async function countsOf(token: string, code: string, asOf: string | null): Promise<Counts> {
  const res = await h.gql(COUNTS, { code, asOf }, token);
  expect(res.errors).toBeUndefined();
  const counts = res.data.jurisdiction.peopleCounts;
  expect(counts.asOf).toBe(asOf ?? todayInChina());
  const nonZero = (rows: { count: number }[], name: string) =>
    Object.fromEntries(rows.filter((row) => row.count !== 0).map((row: any) => [row[name], row.count]));
  // The bands and the ability levels partition everyone counted.
  const sum = (rows: { count: number }[]) => rows.reduce((total, row) => total + row.count, 0);
  expect(sum(counts.byAgeBand)).toBe(counts.total);
  expect(sum(counts.byAbility)).toBe(counts.total);
  return {
    total: counts.total,
    age: nonZero(counts.byAgeBand, 'band'),
    ability: nonZero(counts.byAbility, 'level'),
    category: nonZero(counts.byCategory, 'category'),
  };
}

/** What is stored for a node's figure on any day, future days included: the sum of its changes up to it. */
async function storedOn(code: string, key: string, day: string): Promise<number> {
  const [{ value }] = await h.db.query(
    `SELECT coalesce(sum(c.delta), 0)::int AS value FROM rollup_change c JOIN jurisdiction j ON j.id = c.node_id
     WHERE j.code = $1 AND c.key = $2 AND c.day <= $3`,
    [code, key, day],
  );
  return value;
}

const peopleRows = () =>
  h.db.query(
    `SELECT node_id, key, 'day' AS grain, to_char(day, 'YYYY-MM-DD') AS day, delta::int FROM rollup_change WHERE key LIKE 'people:%'
     UNION ALL SELECT node_id, key, grain, to_char(start, 'YYYY-MM-DD'), delta::int FROM rollup_change_period
     ORDER BY 1, 2, 3, 4`,
  );

async function register(token: string, input: Record<string, unknown>): Promise<string> {
  const res = await h.gql(REGISTER, { input: { hukouCode: input.villageCode, ...input } }, token);
  expect(res.errors).toBeUndefined();
  return res.data.registerPerson.id;
}

async function send(token: string, query: string, variables: Record<string, unknown>): Promise<void> {
  const res = await h.gql(query, variables, token);
  expect(res.errors).toBeUndefined();
}

describe('people counts by category, ability and age band', () => {
  let staff: TestUser;
  let office: TestUser;
  const ids: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };

  beforeEach(async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
    const cityAdmin = await createUser(h.db, '3210', [Role.CIVIL_AFFAIRS_ADMIN]);
    office = await createUser(h.db, '32', [Role.LEADERSHIP_OFFICE]);
    // A: 80 on 1 June 2025; resident since 2020; 低保 since 2023; assessed MODERATE on 15 March 2025 for six months.
    ids.A = await register(staff.token, {
      nationalId: nationalId('1945-06-01', 11),
      name: '甲',
      villageCode: V1,
      residentSince: '2020-01-01',
      categories: [{ category: 'MINIMUM_LIVING_ALLOWANCE' }],
      categoriesSince: '2023-01-01',
    });
    await send(staff.token, ASSESS, { id: ids.A, input: { level: 'MODERATE', assessedOn: '2025-03-15', assessor: '评估员' } });
    // B: born 29 February 1936, so 90 on 1 March 2026; SEVERE for three years from January 2024, superseded
    // by INTACT on 1 July 2024 for six months; died on 10 April 2026.
    ids.B = await register(staff.token, { nationalId: nationalId('1936-02-29', 13), name: '乙', villageCode: V2, residentSince: '2010-05-05' });
    await send(staff.token, ASSESS, { id: ids.B, input: { level: 'SEVERE', assessedOn: '2024-01-10', validMonths: 36, assessor: '评估员' } });
    await send(staff.token, ASSESS, { id: ids.B, input: { level: 'INTACT', assessedOn: '2024-07-01', assessor: '评估员' } });
    await send(staff.token, STATUS, { id: ids.B, status: 'DECEASED', on: '2026-04-10' });
    // C: 56, no residence day recorded, so counted from today, the day registered; 残疾 recorded as since 2024.
    ids.C = await register(staff.token, {
      nationalId: nationalId('1970-08-15', 15),
      name: '丙',
      villageCode: V3,
      categories: [{ category: 'DISABILITY', disabilityGrade: 2 }],
      categoriesSince: '2024-06-15',
    });
    // D: in the sibling county, resident since 2000.
    ids.D = await register(cityAdmin.token, { nationalId: nationalId('1950-01-01', 17), name: '丁', villageCode: OUTSIDE, residentSince: '2000-01-01' });
  });

  const today = () => todayInChina();
  const yesterday = () => shiftDay(todayInChina(), -1);

  it.each([
    ['A is 79 the day before her 80th birthday', V1, '2025-05-31', { total: 1, age: { AGE_70_79: 1 }, ability: { MODERATE: 1 }, category: { MINIMUM_LIVING_ALLOWANCE: 1 } }],
    ['A is 80 on her birthday', V1, '2025-06-01', { total: 1, age: { AGE_80_89: 1 }, ability: { MODERATE: 1 }, category: { MINIMUM_LIVING_ALLOWANCE: 1 } }],
    ['A is not assessed the day before her assessment', V1, '2025-03-14', { total: 1, age: { AGE_70_79: 1 }, ability: { NOT_ASSESSED: 1 }, category: { MINIMUM_LIVING_ALLOWANCE: 1 } }],
    ['A’s assessment counts on its validUntil', V1, '2025-09-14', { total: 1, age: { AGE_80_89: 1 }, ability: { MODERATE: 1 }, category: { MINIMUM_LIVING_ALLOWANCE: 1 } }],
    ['A’s assessment stops counting the day after', V1, '2025-09-15', { total: 1, age: { AGE_80_89: 1 }, ability: { NOT_ASSESSED: 1 }, category: { MINIMUM_LIVING_ALLOWANCE: 1 } }],
    ['A is in no category before 2023', V1, '2022-12-31', { total: 1, age: { AGE_70_79: 1 }, ability: { NOT_ASSESSED: 1 }, category: {} }],
    ['A is not counted before she is resident', V1, '2019-12-31', { total: 0, age: {}, ability: {}, category: {} }],
    ['B, born on 29 February, is 89 on 28 February 2026', V2, '2026-02-28', { total: 1, age: { AGE_80_89: 1 }, ability: { NOT_ASSESSED: 1 }, category: {} }],
    ['B is 90 on 1 March 2026', V2, '2026-03-01', { total: 1, age: { AGE_90_99: 1 }, ability: { NOT_ASSESSED: 1 }, category: {} }],
    ['B is SEVERE until the newer assessment', V2, '2024-06-30', { total: 1, age: { AGE_80_89: 1 }, ability: { SEVERE: 1 }, category: {} }],
    ['B is INTACT from the newer assessment on', V2, '2024-07-01', { total: 1, age: { AGE_80_89: 1 }, ability: { INTACT: 1 }, category: {} }],
    ['B is INTACT up to its validUntil', V2, '2024-12-31', { total: 1, age: { AGE_80_89: 1 }, ability: { INTACT: 1 }, category: {} }],
    ['B is not assessed once the latest assessment expires, though the older one runs on', V2, '2025-01-01', { total: 1, age: { AGE_80_89: 1 }, ability: { NOT_ASSESSED: 1 }, category: {} }],
    ['B counts the day before he died', V2, '2026-04-09', { total: 1, age: { AGE_90_99: 1 }, ability: { NOT_ASSESSED: 1 }, category: {} }],
    ['B does not count from the day he died', V2, '2026-04-10', { total: 0, age: {}, ability: {}, category: {} }],
    ['仙女镇 adds up its villages', '321012100', '2026-03-01', { total: 2, age: { AGE_80_89: 1, AGE_90_99: 1 }, ability: { NOT_ASSESSED: 2 }, category: { MINIMUM_LIVING_ALLOWANCE: 1 } }],
    ['扬州市 in 2020: A, B and D of the sibling county', '3210', '2020-06-01', { total: 3, age: { AGE_70_79: 2, AGE_80_89: 1 }, ability: { NOT_ASSESSED: 3 }, category: {} }],
  ] as [string, string, string, Counts][])('%s (%s as of %s)', async (_what, code, asOf, expected) => {
    expect(await countsOf(office.token, code, asOf)).toEqual(expected);
  });

  it('counts someone without a residence day from the day registered, in their categories from then, and lives today', async () => {
    // Today: A (81, her assessment expired) and C (56, 残疾) in 江都区; B has died.
    expect(await countsOf(staff.token, '321012', null)).toEqual({
      total: 2,
      age: { UNDER_60: 1, AGE_80_89: 1 },
      ability: { NOT_ASSESSED: 2 },
      category: { MINIMUM_LIVING_ALLOWANCE: 1, DISABILITY: 1 },
    });
    expect(await countsOf(staff.token, V3, yesterday())).toEqual({ total: 0, age: {}, ability: {}, category: {} });
    expect(await countsOf(staff.token, V3, today())).toEqual({ total: 1, age: { UNDER_60: 1 }, ability: { NOT_ASSESSED: 1 }, category: { DISABILITY: 1 } });
    expect(await countsOf(office.token, '32', null)).toMatchObject({ total: 3, age: { UNDER_60: 1, AGE_70_79: 1, AGE_80_89: 1 } });
  });

  it('stores the changes still to come: C turns 60 on 15 August 2030 without any write that day', async () => {
    for (const code of [V3, '321012101', '321012', '3210', '32']) {
      expect(await storedOn(code, 'people:age:UNDER_60', '2030-08-14')).toBe(1);
      expect(await storedOn(code, 'people:age:AGE_60_69', '2030-08-14')).toBe(0);
      expect(await storedOn(code, 'people:age:UNDER_60', '2030-08-15')).toBe(0);
      expect(await storedOn(code, 'people:age:AGE_60_69', '2030-08-15')).toBe(1);
    }
    // And A reaches 100 on 1 June 2045.
    expect(await storedOn(V1, 'people:age:AGE_90_99', '2045-05-31')).toBe(1);
    expect(await storedOn(V1, 'people:age:AGE_100_PLUS', '2045-06-01')).toBe(1);
  });

  it('moves a person’s figures with them, on every day, and leaves no empty rows behind', async () => {
    const input = { name: '丙', hukouCode: V3, villageCode: V1, residentSince: '2021-09-01' };
    await send(staff.token, UPDATE, { id: ids.C, input });
    expect(await countsOf(staff.token, V3, null)).toEqual({ total: 0, age: {}, ability: {}, category: {} });
    expect(await countsOf(staff.token, '321012101', null)).toMatchObject({ total: 0 });
    expect(await countsOf(staff.token, V1, '2022-01-01')).toEqual({
      total: 2,
      age: { UNDER_60: 1, AGE_70_79: 1 },
      ability: { NOT_ASSESSED: 2 },
      category: {},
    });
    expect(await countsOf(staff.token, V1, '2021-08-31')).toEqual({ total: 1, age: { AGE_70_79: 1 }, ability: { NOT_ASSESSED: 1 }, category: {} });
    // Nothing remains at the village and town C left, not even rows whose changes cancelled out.
    const [{ n }] = await h.db.query(
      `SELECT (SELECT count(*) FROM rollup_change c JOIN jurisdiction j ON j.id = c.node_id WHERE j.code IN ($1, '321012101') AND c.key LIKE 'people:%')
         + (SELECT count(*) FROM rollup_change_period c JOIN jurisdiction j ON j.id = c.node_id WHERE j.code IN ($1, '321012101'))::int AS n`,
      [V3],
    );
    expect(Number(n)).toBe(0);
    const [{ zeros }] = await h.db.query(
      `SELECT (SELECT count(*) FROM rollup_change WHERE delta = 0) + (SELECT count(*) FROM rollup_change_period WHERE delta = 0) AS zeros`,
    );
    expect(Number(zeros)).toBe(0);
  });

  it('rebuilds from the base tables exactly what the writes kept', async () => {
    const live = await peopleRows();
    expect(live.length).toBeGreaterThan(50);
    await rebuildRollups(h.db);
    expect(await peopleRows()).toEqual(live);
  });

  it('refuses a day after today, naming asOf', async () => {
    const res = await h.gql(COUNTS, { code: '321012', asOf: shiftDay(todayInChina(), 1) }, staff.token);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'asOf' });
  });
});

describe('people counts of a list of children', () => {
  const CHILDREN = `query($code: String!) {
    jurisdiction(code: $code) {
      children(first: 50) { edges { node { code
        peopleCounts { total byAgeBand { band count } byAbility { level count } }
        past: peopleCounts(asOf: "2025-01-01") { total byCategory { category count } }
      } } }
    }
  }`;

  /** A county with `towns` towns, one village each, and one person registered in the odd towns' villages. */
  async function county(code: string, towns: number, admin: () => Promise<TestUser>): Promise<void> {
    const nodes: [string, string][] = [[code, `测试县${code}`]];
    for (let t = 1; t <= towns; t++) {
      const town = `${code}${String(100 + t).padStart(3, '0')}`;
      nodes.push([town, `第${t}镇`], [`${town}201`, `第${t}镇一村`]);
    }
    await insertJurisdictions(h.db, nodes);
    const { token } = await admin();
    for (let t = 1; t <= towns; t += 2) {
      const village = `${code}${String(100 + t).padStart(3, '0')}201`;
      const first17 = `${code}19500101${String(t).padStart(3, '0')}`;
      await register(token, { nationalId: first17 + nationalIdCheck(first17), name: `老人${t}`, villageCode: village, residentSince: '2020-01-01' });
    }
  }

  it('reads the figures of 2 children and of 20 with the same number of statements', async () => {
    await insertJurisdictions(h.db, [
      ['32', '江苏省'],
      ['3210', '扬州市'],
    ]);
    await county('321081', 2, () => createUser(h.db, '321081', [Role.CIVIL_AFFAIRS_ADMIN]));
    await county('321084', 20, () => createUser(h.db, '321084', [Role.CIVIL_AFFAIRS_ADMIN]));
    const analyst = await createUser(h.db, '3210', [Role.ANALYST]);

    await forgetCaches(h);
    const two = await h.gql(CHILDREN, { code: '321081' }, analyst.token);
    await forgetCaches(h);
    const twenty = await h.gql(CHILDREN, { code: '321084' }, analyst.token);
    expect(two.errors).toBeUndefined();
    expect(twenty.errors).toBeUndefined();
    const towns = twenty.data.jurisdiction.children.edges.map((e: any) => e.node);
    expect(towns).toHaveLength(20);
    // One 76-year-old in every odd town since 2020, none in the even ones.
    towns.forEach((town: any, i: number) => {
      const n = i % 2 === 0 ? 1 : 0;
      expect(town.peopleCounts.total).toBe(n);
      expect(town.peopleCounts.byAgeBand.find((b: any) => b.band === 'AGE_70_79').count).toBe(n);
      expect(town.peopleCounts.byAbility.find((b: any) => b.level === 'NOT_ASSESSED').count).toBe(n);
      expect(town.past.total).toBe(n);
    });
    // Sign-in, the county, its children, and one statement per day asked for, however many children.
    expect(twenty.extensions?.sqlStatements).toBe(two.extensions?.sqlStatements);
    expect(two.extensions?.sqlStatements).toBe(5);
  });
});
