import { Role } from '../../src/kernel/actor';
import { todayInChina } from '../../src/kernel/dates';
import { importDivisions } from '../../src/jurisdictions/division-import.service';
import { countyOfTowns, createUser, insertJurisdictions, smallTree, testCreditCode } from '../support/factories';
import { forgetCaches, useHarness } from '../support/harness';

const h = useHarness();

const CREATE = `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id status statusSince } }`;
const TRANSITION = `mutation($id: ID!, $to: FacilityStatus!, $on: Date) { transitionFacility(id: $id, to: $to, on: $on) { id status } }`;
const COVERAGE = `query($code: String!, $metric: CoverageMetric!, $asOf: Date) {
  jurisdiction(code: $code) { coverage(metric: $metric, asOf: $asOf) { numerator denominator rate asOf observedAt } }
}`;

async function coverage(token: string, code: string, metric: string, asOf?: string) {
  const res = await h.gql(COVERAGE, { code, metric, asOf }, token);
  expect(res.errors).toBeUndefined();
  return res.data.jurisdiction.coverage;
}

async function villagesBelow(code: string): Promise<number> {
  const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM jurisdiction WHERE level = 'VILLAGE' AND code LIKE $1`, [`${code}%`]);
  return n;
}

describe('the seed scenario: 11 of 11 villages', () => {
  it('a real town with 11 villages reports 11/11 once each has a mutual-aid center with meals, and the county and province move by exactly 11', async () => {
    // 宝应县 (all its real towns and villages) with 扬州市 and 江苏省 above it; 西安丰镇 has exactly 11 villages.
    await importDivisions(h.db, { under: '321023' });
    const town = '321023110';
    const villages: { code: string }[] = await h.db.query(`SELECT code FROM jurisdiction WHERE parent_id = (SELECT id FROM jurisdiction WHERE code = $1) ORDER BY code`, [town]);
    expect(villages).toHaveLength(11);
    const admin = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
    const office = await createUser(h.db, '32', [Role.LEADERSHIP_OFFICE]);

    const countyVillages = await villagesBelow('321023');
    const provinceVillages = await villagesBelow('32');
    expect(await coverage(office.token, town, 'VILLAGE_SERVICE')).toMatchObject({ numerator: 0, denominator: 11, rate: 0 });
    expect(await coverage(office.token, '321023', 'VILLAGE_SERVICE')).toMatchObject({ numerator: 0, denominator: countyVillages });

    // Ten are registered as already operating since 2024-03-01; the eleventh goes through the whole lifecycle.
    for (const [i, village] of villages.entries()) {
      const input = {
        name: `${i + 1}号互助养老中心`,
        type: 'MUTUAL_AID_CENTER',
        jurisdictionCode: village.code,
        services: ['MEALS', 'RECREATION'],
        operator: { creditCode: testCreditCode(1), name: '宝应县颐康养老服务有限公司' },
        ...(i < 10 ? { status: 'OPERATING', since: '2024-03-01' } : { since: '2024-01-05' }),
      };
      const created = await h.gql(CREATE, { input }, admin.token);
      expect(created.errors).toBeUndefined();
      if (i === 10) {
        for (const [to, on] of [
          ['UNDER_CONSTRUCTION', '2024-02-01'],
          ['BUILT', '2024-08-20'],
          ['ACCEPTED', '2024-09-10'],
          ['OPERATING', '2024-10-08'],
        ]) {
          const moved = await h.gql(TRANSITION, { id: created.data.createFacility.id, to, on }, admin.token);
          expect(moved.errors).toBeUndefined();
        }
      }
    }

    for (const metric of ['VILLAGE_SERVICE', 'MEAL_SERVICE']) {
      expect(await coverage(office.token, town, metric)).toMatchObject({ numerator: 11, denominator: 11, rate: 1, asOf: todayInChina() });
      expect(await coverage(office.token, '321023', metric)).toMatchObject({ numerator: 11, denominator: countyVillages });
      expect(await coverage(office.token, '3210', metric)).toMatchObject({ numerator: 11 });
      expect(await coverage(office.token, '32', metric)).toMatchObject({ numerator: 11, denominator: provinceVillages, rate: 11 / provinceVillages });
    }
    // History: before the openings, between them, and after the last.
    expect(await coverage(office.token, town, 'VILLAGE_SERVICE', '2024-02-29')).toMatchObject({ numerator: 0, asOf: '2024-02-29' });
    expect(await coverage(office.token, town, 'VILLAGE_SERVICE', '2024-03-01')).toMatchObject({ numerator: 10 });
    expect(await coverage(office.token, '32', 'VILLAGE_SERVICE', '2024-10-07')).toMatchObject({ numerator: 10 });
    expect(await coverage(office.token, '32', 'VILLAGE_SERVICE', '2024-10-08')).toMatchObject({ numerator: 11 });
    // No station and no town center: those metrics stay at zero.
    expect(await coverage(office.token, town, 'COMMUNITY_STATION')).toMatchObject({ numerator: 0, denominator: 11 });
    expect(await coverage(office.token, town, 'TOWN_CENTER')).toMatchObject({ numerator: 0, denominator: 1 });
  });
});

describe('a dashboard: a county with all its towns, two metrics and the rank each', () => {
  const DASHBOARD = `query($code: String!) {
    jurisdiction(code: $code) {
      name
      village: coverage(metric: VILLAGE_SERVICE) { numerator denominator rate rank }
      children(first: 100) {
        edges { node {
          code name
          village: coverage(metric: VILLAGE_SERVICE) { numerator denominator rate rank rankedAmong }
          meals: coverage(metric: MEAL_SERVICE) { numerator rate rank }
        } }
      }
    }
  }`;

  it('issues the same number of SQL statements for 5 towns as for 100', async () => {
    await insertJurisdictions(h.db, [['32', '江苏省'], ['3210', '扬州市']]);
    await countyOfTowns(h, '321081', 5);
    await countyOfTowns(h, '321084', 100);
    const office = await createUser(h.db, '3210', [Role.LEADERSHIP_OFFICE]);

    await forgetCaches(h);
    const five = await h.gql(DASHBOARD, { code: '321081' }, office.token);
    await forgetCaches(h);
    const hundred = await h.gql(DASHBOARD, { code: '321084' }, office.token);
    expect(five.errors).toBeUndefined();
    expect(hundred.errors).toBeUndefined();
    expect(five.data.jurisdiction.children.edges).toHaveLength(5);
    expect(hundred.data.jurisdiction.children.edges).toHaveLength(100);

    // Towns with t % 3 = 2 have both villages covered (rate 1: rank 1), t % 3 = 1 one (rate 0.5), t % 3 = 0 none.
    const full = Math.floor((100 + 1) / 3); // t = 2, 5, ..., 98
    const half = Math.ceil(100 / 3); // t = 1, 4, ..., 100
    const town = (res: typeof hundred, t: number) => res.data.jurisdiction.children.edges[t - 1].node;
    expect(town(hundred, 2).village).toEqual({ numerator: 2, denominator: 2, rate: 1, rank: 1, rankedAmong: 100 });
    expect(town(hundred, 1).village).toMatchObject({ numerator: 1, rate: 0.5, rank: full + 1 });
    expect(town(hundred, 3).village).toMatchObject({ numerator: 0, rate: 0, rank: full + half + 1 });
    expect(town(hundred, 2).meals).toEqual({ numerator: 1, rate: 0.5, rank: 1 });
    // The sibling county's five towns cover 1 + 2 + 0 + 1 + 2 of 10 villages (0.6): it ranks ahead of 0.5.
    expect(full * 2 + half).toBe(100);
    expect(hundred.data.jurisdiction.village).toEqual({ numerator: 100, denominator: 200, rate: 0.5, rank: 2 });
    expect(five.data.jurisdiction.village).toEqual({ numerator: 6, denominator: 10, rate: 0.6, rank: 1 });

    // sign-in, the county with its figures and its siblings with theirs (for its rank) in one, its page
    // of towns, and one batch of today's town figures for both metrics; the towns' ranks need no more
    // (their siblings are the page, their figures the ones already loaded).
    expect(hundred.extensions?.sqlStatements).toBe(five.extensions?.sqlStatements);
    expect(five.extensions?.sqlStatements).toBe(4);
  });

  it('reads the figures of a listed page ahead through fragments, aliases and variables alike, and only for callers who may see them', async () => {
    await insertJurisdictions(h.db, [['32', '江苏省'], ['3210', '扬州市']]);
    await countyOfTowns(h, '321084', 30);
    const office = await createUser(h.db, '3210', [Role.LEADERSHIP_OFFICE]);
    const FRAGMENTS = `query($code: String!, $metric: CoverageMetric!) {
      jurisdiction(code: $code) {
        children(first: 100) { edges { node { ...town ... on Jurisdiction { meals: coverage(metric: MEAL_SERVICE) { numerator rank } } } } }
      }
    }
    fragment town on Jurisdiction { code village: coverage(metric: $metric) { numerator denominator rank rankedAmong } }`;
    const PLAIN = `query($code: String!) {
      jurisdiction(code: $code) {
        children(first: 100) { edges { node { code meals: coverage(metric: MEAL_SERVICE) { numerator rank } } } }
      }
    }`;

    await forgetCaches(h);
    const withFragments = await h.gql(FRAGMENTS, { code: '321084', metric: 'VILLAGE_SERVICE' }, office.token);
    await forgetCaches(h);
    const plain = await h.gql(PLAIN, { code: '321084' }, office.token);
    expect(withFragments.errors).toBeUndefined();
    const towns = withFragments.data.jurisdiction.children.edges.map((edge: any) => edge.node);
    expect(towns).toHaveLength(30);
    // Town t covers t % 3 of its 2 villages (its first with meals): 10 towns each with 2, 1 and 0.
    for (const [i, town] of towns.entries()) {
      const t = i + 1;
      const covered = t % 3 === 2 ? 2 : t % 3 === 1 ? 1 : 0;
      expect(town.village).toEqual({ numerator: covered, denominator: 2, rank: covered === 2 ? 1 : covered === 1 ? 11 : 21, rankedAmong: 30 });
      expect(town.meals).toEqual({ numerator: covered > 0 ? 1 : 0, rank: covered > 0 ? 1 : 21 });
    }
    // Both metrics of the whole page, and their rankings, in the one batch the plain query needs for one.
    expect(withFragments.extensions?.sqlStatements).toBe(plain.extensions?.sqlStatements);

    // Reading ahead opens nothing: a role without coverage is refused every figure of the page.
    const assessor = await createUser(h.db, '3210', [Role.ASSESSOR]);
    const refused = await h.gql(PLAIN, { code: '321084' }, assessor.token);
    expect(refused.data.jurisdiction).toBeNull();
    expect(refused.errors?.length).toBeGreaterThan(0);
    expect(refused.errors?.every((error: any) => error.extensions.code === 'FORBIDDEN')).toBe(true);
  });
});

describe('ranking, trends and facility figures', () => {
  it('lists children ranked, laggards first on request, and pages through them', async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const create = (jurisdictionCode: string, type = 'COMMUNITY_STATION') =>
      h.gql(CREATE, { input: { name: '站', type, jurisdictionCode, status: 'OPERATING', since: '2025-05-01' } }, admin.token);
    expect((await create('321012101200')).errors).toBeUndefined();
    const RANKING = `query($order: CoverageOrder, $after: String) {
      jurisdiction(code: "321012") {
        childCoverage(metric: VILLAGE_SERVICE, order: $order, first: 1, after: $after) {
          totalCount
          edges { cursor node { jurisdiction { code } numerator denominator rate rank } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }`;
    const best = await h.gql(RANKING, {}, admin.token);
    expect(best.errors).toBeUndefined();
    expect(best.data.jurisdiction.childCoverage.totalCount).toBe(2);
    expect(best.data.jurisdiction.childCoverage.edges[0].node).toEqual({
      jurisdiction: { code: '321012101' },
      numerator: 1,
      denominator: 1,
      rate: 1,
      rank: 1,
    });
    const next = await h.gql(RANKING, { after: best.data.jurisdiction.childCoverage.pageInfo.endCursor }, admin.token);
    expect(next.data.jurisdiction.childCoverage.edges[0].node).toMatchObject({ jurisdiction: { code: '321012100' }, numerator: 0, rank: 2 });
    expect(next.data.jurisdiction.childCoverage.pageInfo.hasNextPage).toBe(false);
    const worst = await h.gql(RANKING, { order: 'RATE_ASC' }, admin.token);
    expect(worst.data.jurisdiction.childCoverage.edges[0].node.jurisdiction.code).toBe('321012100');
  });

  it('gives a month-end trend built from the history', async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const created = await h.gql(CREATE, { input: { name: '东苑站', type: 'COMMUNITY_STATION', jurisdictionCode: '321012100001', status: 'ACCEPTED', since: '2025-01-10' } }, admin.token);
    const id = created.data.createFacility.id;
    expect((await h.gql(TRANSITION, { id, to: 'OPERATING', on: '2025-02-14' }, admin.token)).errors).toBeUndefined();
    expect((await h.gql(TRANSITION, { id, to: 'SUSPENDED', on: '2025-04-01' }, admin.token)).errors).toBeUndefined();
    expect((await h.gql(TRANSITION, { id, to: 'OPERATING', on: '2025-05-31' }, admin.token)).errors).toBeUndefined();
    const res = await h.gql(
      `{ jurisdiction(code: "321012") { coverageTrend(metric: COMMUNITY_STATION, from: "2025-01-15", to: "2025-06-10") { asOf numerator denominator } } }`,
      {},
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.jurisdiction.coverageTrend).toEqual([
      { asOf: '2025-01-31', numerator: 0, denominator: 3 },
      { asOf: '2025-02-28', numerator: 1, denominator: 3 },
      { asOf: '2025-03-31', numerator: 1, denominator: 3 },
      { asOf: '2025-04-30', numerator: 0, denominator: 3 },
      { asOf: '2025-05-31', numerator: 1, denominator: 3 },
      { asOf: '2025-06-10', numerator: 1, denominator: 3 },
    ]);
  });

  it('counts facilities by type and status and the beds in operation', async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const home = (jurisdictionCode: string, status: string, total: number, nursing: number, dementia: number) =>
      h.gql(CREATE, { input: { name: '敬老院', type: 'TOWNSHIP_NURSING_HOME', jurisdictionCode, status, since: '2025-01-01', beds: { total, nursing, dementia } } }, admin.token);
    expect((await home('321012100', 'OPERATING', 100, 60, 5)).errors).toBeUndefined();
    expect((await home('321012101', 'OPERATING', 50, 20, 0)).errors).toBeUndefined();
    expect((await home('321012101', 'BUILT', 80, 80, 10)).errors).toBeUndefined();
    const res = await h.gql(
      `{ jurisdiction(code: "321012") { facilityStats {
          all: count operating: count(status: OPERATING) homes: count(type: TOWNSHIP_NURSING_HOME, status: BUILT)
          byTypeAndStatus { type status count } beds { total nursing dementia nursingShare dementiaShare } } } }`,
      {},
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.jurisdiction.facilityStats).toEqual({
      all: 3,
      operating: 2,
      homes: 1,
      byTypeAndStatus: [
        { type: 'TOWNSHIP_NURSING_HOME', status: 'BUILT', count: 1 },
        { type: 'TOWNSHIP_NURSING_HOME', status: 'OPERATING', count: 2 },
      ],
      beds: { total: 150, nursing: 80, dementia: 5, nursingShare: 80 / 150, dementiaShare: 5 / 150 },
    });
  });
});
