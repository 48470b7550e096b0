import { Role } from '../../src/kernel/actor';
import { todayInChina } from '../../src/kernel/dates';
import { importDivisions } from '../../src/jurisdictions/division-import.service';
import { countyOfTowns, createUser, insertJurisdictions, smallTree, testCreditCode } from '../support/factories';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';

const h = useHarness();

const CREATE_FACILITY = `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`;
const TRANSITION = `mutation($id: ID!, $to: FacilityStatus!, $on: Date) { transitionFacility(id: $id, to: $to, on: $on) { id } }`;
const CREATE_TARGET = `mutation($input: CreateTargetInput!) {
  createTarget(input: $input) {
    id title metric metricKind facilityType comparator threshold thresholdHigh baseline startsOn deadline responsibleUnit
    phases { phase startsOn endsOn } jurisdiction { code }
  }
}`;
const ALLOCATE = `mutation($id: ID!, $allocations: [TargetAllocationInput!]!) {
  allocateTarget(id: $id, allocations: $allocations) {
    id allocations { id jurisdiction { code } threshold baseline responsibleUnit allocatedFrom { id title jurisdiction { code } threshold } }
  }
}`;
const PROGRESS = `query($id: ID!, $asOf: Date) {
  target(id: $id) { progress(asOf: $asOf) { asOf value numerator denominator expected gap status } }
}`;

const operator = { creditCode: testCreditCode(1), name: '颐康养老服务有限公司' };

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await h.gql(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data;
}

async function progress(token: string, id: string, asOf?: string) {
  return (await ok(PROGRESS, { id, asOf }, token)).target.progress;
}

async function targetRows(): Promise<unknown[]> {
  return h.db.query(`SELECT * FROM target ORDER BY id`);
}

describe('a town’s target: 11 of 11 villages covered by the end of 2024', () => {
  it('follows the facilities as they open, live and as of any past day', async () => {
    // 宝应县 with all its real towns and villages; 西安丰镇 has exactly 11 villages.
    await importDivisions(h.db, { under: '321023' });
    const town = '321023110';
    const villages: { code: string }[] = await h.db.query(
      `SELECT code FROM jurisdiction WHERE parent_id = (SELECT id FROM jurisdiction WHERE code = $1) ORDER BY code`,
      [town],
    );
    expect(villages).toHaveLength(11);
    const office = await createUser(h.db, '321023', [Role.LEADERSHIP_OFFICE]);
    const admin = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);

    const created = await ok(
      CREATE_TARGET,
      {
        input: {
          jurisdictionCode: town,
          title: '11个行政村养老服务设施全覆盖',
          metric: 'VILLAGE_SERVICE',
          threshold: 100,
          startsOn: '2024-01-01',
          deadline: '2024-12-31',
          responsibleUnit: '西安丰镇人民政府',
          phases: [
            { phase: 'MOBILISATION', startsOn: '2024-01-01', endsOn: '2024-02-29' },
            { phase: 'IMPLEMENTATION', startsOn: '2024-03-01', endsOn: '2024-10-31' },
            { phase: 'EVALUATION', startsOn: '2024-11-01', endsOn: '2024-12-31' },
          ],
        },
      },
      office.token,
    );
    const target = created.createTarget;
    expect(target).toMatchObject({ metric: 'VILLAGE_SERVICE', metricKind: 'RATE', comparator: 'AT_LEAST', threshold: 100, baseline: 0, jurisdiction: { code: town } });
    expect(target.phases).toHaveLength(3);

    // Nothing open yet: at mid-year (day 182 of 365) 49.86 % is expected and 0 % is far behind.
    const midYear = await progress(office.token, target.id, '2024-07-01');
    expect(midYear).toMatchObject({ asOf: '2024-07-01', value: 0, numerator: 0, denominator: 11, status: 'BEHIND' });
    expect(midYear.expected).toBeCloseTo((100 * 182) / 365, 10);

    // Ten mutual-aid centers operating since 1 March 2024 (back-dated), the eleventh opening in October.
    const ids: string[] = [];
    for (const [i, village] of villages.entries()) {
      const input = {
        name: `${i + 1}号互助养老中心`,
        type: 'MUTUAL_AID_CENTER',
        jurisdictionCode: village.code,
        services: ['MEALS'],
        operator,
        ...(i < 10 ? { status: 'OPERATING', since: '2024-03-01' } : { status: 'ACCEPTED', since: '2024-09-10' }),
      };
      ids.push((await ok(CREATE_FACILITY, { input }, admin.token)).createFacility.id);
    }
    // Live, the deadline has passed with 10 of 11: OVERDUE, until the eleventh opens (no refresh in between).
    expect(await progress(office.token, target.id)).toMatchObject({ asOf: todayInChina(), numerator: 10, denominator: 11, status: 'OVERDUE' });
    await ok(TRANSITION, { id: ids[10], to: 'OPERATING', on: '2024-10-08' }, admin.token);
    expect(await progress(office.token, target.id)).toMatchObject({ numerator: 11, value: 100, status: 'ACHIEVED' });

    // The past as it was: on 1 July 2024 10 of 11 (90.9 %) was ahead of 49.86 %; 7 October short, 8 October achieved.
    const july = await progress(office.token, target.id, '2024-07-01');
    expect(july).toMatchObject({ numerator: 10, status: 'ON_TRACK' });
    expect(july.value).toBeCloseTo(1000 / 11, 10);
    expect(july.gap).toBeCloseTo(1000 / 11 - (100 * 182) / 365, 10);
    expect(await progress(office.token, target.id, '2024-10-07')).toMatchObject({ numerator: 10, status: 'ON_TRACK' });
    expect(await progress(office.token, target.id, '2024-10-08')).toMatchObject({ numerator: 11, status: 'ACHIEVED' });

    // The monthly series for the year: 0 until February, 10 from March, 11 from October.
    const series = (await ok(`query($id: ID!) { target(id: $id) { progressSeries(from: "2024-01-01", to: "2024-12-31") { asOf numerator status } } }`, { id: target.id }, office.token))
      .target.progressSeries;
    expect(series.map((point: any) => point.asOf)).toEqual([
      '2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30',
      '2024-07-31', '2024-08-31', '2024-09-30', '2024-10-31', '2024-11-30', '2024-12-31',
    ]);
    expect(series.map((point: any) => point.numerator)).toEqual([0, 0, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11]);
    expect(series.at(-1).status).toBe('ACHIEVED');
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    await smallTree(h.db);
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    const valid = { jurisdictionCode: '321012', title: '助餐服务覆盖', metric: 'MEAL_SERVICE', threshold: 60, startsOn: '2025-01-01', deadline: '2025-12-31' };
    const cases: [Record<string, unknown>, string][] = [
      [{ threshold: 100.5 }, 'input.threshold'],
      [{ threshold: 10.123 }, 'input.threshold'],
      [{ threshold: -1 }, 'input.threshold'],
      [{ deadline: '2024-12-31' }, 'input.deadline'],
      [{ startsOn: '1999-12-31' }, 'input.startsOn'],
      [{ title: '  ' }, 'input.title'],
      [{ facilityType: 'TOWN_CENTER' }, 'input.facilityType'],
      [{ metric: 'OPERATING_FACILITIES' }, 'input.facilityType'],
      [{ metric: 'OPERATING_FACILITIES', facilityType: 'MEAL_TABLE', threshold: 2.5 }, 'input.threshold'],
      [{ comparator: 'BETWEEN' }, 'input.thresholdHigh'],
      [{ comparator: 'BETWEEN', thresholdHigh: 50 }, 'input.thresholdHigh'],
      [{ thresholdHigh: 80 }, 'input.thresholdHigh'],
      [{ phases: [{ phase: 'IMPLEMENTATION', startsOn: '2025-03-01', endsOn: '2025-06-30' }, { phase: 'MOBILISATION', startsOn: '2025-07-01', endsOn: '2025-07-31' }] }, 'input.phases[1].phase'],
      [{ phases: [{ phase: 'MOBILISATION', startsOn: '2024-12-01', endsOn: '2025-01-31' }] }, 'input.phases[0]'],
      [{ jurisdictionCode: '321023' }, ''],
    ];
    for (const [change, field] of cases) {
      const res = await h.gql(CREATE_TARGET, { input: { ...valid, ...change } }, office.token);
      if (field === '') {
        expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      } else {
        expect([field, errorCodes(res)]).toEqual([field, ['BAD_USER_INPUT']]);
        expect(res.errors![0].extensions!.field).toBe(field);
      }
    }
    expect(await targetRows()).toEqual([]);
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'target.create' AND outcome = 'FAILURE'`);
    expect(n).toBe(cases.length);
  });

  it('refuses past progress for a metric kept live only', async () => {
    await smallTree(h.db);
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    const input = { jurisdictionCode: '321012', title: '认知障碍床位占比', metric: 'DEMENTIA_BED_SHARE', threshold: 5, startsOn: '2025-01-01', deadline: '2026-12-31' };
    const { createTarget } = await ok(CREATE_TARGET, { input }, office.token);
    const res = await h.gql(PROGRESS, { id: createTarget.id, asOf: '2025-06-30' }, office.token);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions!.field).toBe('asOf');
    // No beds: no figure, no status.
    expect(await progress(office.token, createTarget.id)).toMatchObject({ value: null, numerator: 0, denominator: 0, status: null });
  });
});

describe('a flow: subsidy spending summed from the target’s start', () => {
  it('adds up the stored months from the start month through the month of the day', async () => {
    await smallTree(h.db);
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    // The county's stored monthly totals (as runs leave them): 2024-12 before the start, then 2025-01 to 2025-03.
    const months: [string, number][] = [['2024-12-01', 999_999], ['2025-01-01', 400_000], ['2025-02-01', 350_000], ['2025-03-01', 250_000]];
    for (const [month, amountFen] of months) {
      await h.db.query(
        `INSERT INTO entitlement_total (month, node_id, scheme_id, recipients, amount_fen, province_fen, city_fen, county_fen, town_fen, village_fen)
         SELECT $1::date, id, 0, 10, $2, 0, 0, $2, 0, 0 FROM jurisdiction WHERE code = '321012'`,
        [month, amountFen],
      );
    }
    const input = { jurisdictionCode: '321012', title: '2025年补贴支出', metric: 'ENTITLEMENT_SPENDING', threshold: 1_000_000, baseline: 0, startsOn: '2025-01-01', deadline: '2025-12-31' };
    const { createTarget } = await ok(`mutation($input: CreateTargetInput!) { createTarget(input: $input) { id metricKind metricNature threshold } }`, { input }, office.token);
    expect(createTarget).toMatchObject({ metricKind: 'AMOUNT', metricNature: 'FLOW', threshold: 1_000_000 });
    expect(await progress(office.token, createTarget.id, '2024-12-31')).toMatchObject({ value: 0 });
    expect(await progress(office.token, createTarget.id, '2025-01-15')).toMatchObject({ value: 400_000 });
    expect(await progress(office.token, createTarget.id, '2025-02-28')).toMatchObject({ value: 750_000, status: 'ON_TRACK' });
    // Exactly the threshold by March: achieved.
    expect(await progress(office.token, createTarget.id, '2025-03-01')).toMatchObject({ value: 1_000_000, status: 'ACHIEVED' });
    expect(errorCodes(await h.gql(CREATE_TARGET, { input: { ...input, threshold: 1.5 } }, office.token))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('cascading a target down the tree', () => {
  const COUNT_TARGET = {
    jurisdictionCode: '321012',
    title: '新建互助养老中心',
    metric: 'OPERATING_FACILITIES',
    facilityType: 'MUTUAL_AID_CENTER',
    threshold: 5,
    startsOn: '2025-01-01',
    deadline: '2026-12-31',
  };

  it('splits a count so that the parts add up to the whole, and refuses a split that does not', async () => {
    await smallTree(h.db);
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    const { createTarget: target } = await ok(CREATE_TARGET, { input: COUNT_TARGET }, office.token);
    const before = await targetRows();

    const refusals: [unknown[], string][] = [
      [[{ jurisdictionCode: '321012100', threshold: 3 }, { jurisdictionCode: '321012101', threshold: 1 }], 'allocations'],
      [[{ jurisdictionCode: '321012100', threshold: 3 }, { jurisdictionCode: '321012101' }], 'allocations[1].threshold'],
      [[{ jurisdictionCode: '321012100', threshold: 3 }, { jurisdictionCode: '321023100', threshold: 2 }], 'allocations[1].jurisdictionCode'],
      [[{ jurisdictionCode: '321012100001', threshold: 5 }], 'allocations[0].jurisdictionCode'],
      [[{ jurisdictionCode: '321012100', threshold: 3 }, { jurisdictionCode: '321012100', threshold: 2 }], 'allocations[1].jurisdictionCode'],
      [[{ jurisdictionCode: '321012100', threshold: 2.5 }, { jurisdictionCode: '321012101', threshold: 2.5 }], 'allocations[0].threshold'],
    ];
    for (const [allocations, field] of refusals) {
      const res = await h.gql(ALLOCATE, { id: target.id, allocations }, office.token);
      expect([field, errorCodes(res)]).toEqual([field, ['BAD_USER_INPUT']]);
      expect(res.errors![0].extensions!.field).toBe(field);
      expect(await targetRows()).toEqual(before);
    }
    const sumRefusal = await h.gql(ALLOCATE, { id: target.id, allocations: refusals[0][0] }, office.token);
    expect(sumRefusal.errors![0].message).toBe('allocations: the allocations add up to 4, not the target’s 5');

    const allocated = await ok(
      ALLOCATE,
      { id: target.id, allocations: [{ jurisdictionCode: '321012100', threshold: 3, responsibleUnit: '仙女镇' }, { jurisdictionCode: '321012101', threshold: 2 }] },
      office.token,
    );
    expect(allocated.allocateTarget.allocations).toEqual([
      { id: expect.any(String), jurisdiction: { code: '321012100' }, threshold: 3, baseline: 0, responsibleUnit: '仙女镇', allocatedFrom: { id: target.id, title: COUNT_TARGET.title, jurisdiction: { code: '321012' }, threshold: 5 } },
      { id: expect.any(String), jurisdiction: { code: '321012101' }, threshold: 2, baseline: 0, responsibleUnit: null, allocatedFrom: { id: target.id, title: COUNT_TARGET.title, jurisdiction: { code: '321012' }, threshold: 5 } },
    ]);
    const first = allocated.allocateTarget.allocations;

    // Allocating again replaces: 仙女镇 keeps its target (now all five), 小纪镇 loses its own.
    const again = await ok(ALLOCATE, { id: target.id, allocations: [{ jurisdictionCode: '321012100', threshold: 5 }] }, office.token);
    expect(again.allocateTarget.allocations).toEqual([expect.objectContaining({ id: first[0].id, threshold: 5 })]);
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM target WHERE allocated_from = $1`, [Number(target.id)]);
    expect(n).toBe(1);
  });

  it('answers a target outside the caller’s subtree exactly as one that does not exist, to read and to allocate', async () => {
    await smallTree(h.db);
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    const townOffice = await createUser(h.db, '321012100', [Role.LEADERSHIP_OFFICE]);
    const input = { jurisdictionCode: '321012', title: '村级养老服务设施覆盖率', metric: 'VILLAGE_SERVICE', threshold: 80, startsOn: '2025-01-01', deadline: '2026-06-30' };
    const { createTarget: target } = await ok(CREATE_TARGET, { input }, office.token);
    const missing = String(Number(target.id) + 1000);
    const answer = (res: { errors?: readonly any[] }) => res.errors?.map((e) => ({ code: e.extensions.code, message: e.message }));

    const read = async (id: string) => answer(await h.gql(PROGRESS, { id }, townOffice.token));
    expect(await read(target.id)).toEqual([{ code: 'FORBIDDEN', message: expect.any(String) }]);
    expect(await read(missing)).toEqual(await read(target.id));

    const allocate = async (id: string) => answer(await h.gql(ALLOCATE, { id, allocations: [{ jurisdictionCode: '321012100001' }] }, townOffice.token));
    expect(await allocate(target.id)).toEqual([{ code: 'FORBIDDEN', message: expect.any(String) }]);
    expect(await allocate(missing)).toEqual(await allocate(target.id));
  });

  it('gives each child a rate target’s threshold unless told otherwise; the town sees what it was given, not the county’s target', async () => {
    await smallTree(h.db);
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    const townAdmin = await createUser(h.db, '321012100', [Role.CIVIL_AFFAIRS_ADMIN]);
    const input = { jurisdictionCode: '321012', title: '村级养老服务设施覆盖率', metric: 'VILLAGE_SERVICE', threshold: 80, startsOn: '2025-01-01', deadline: '2026-06-30' };
    const { createTarget: target } = await ok(CREATE_TARGET, { input }, office.token);
    await ok(ALLOCATE, { id: target.id, allocations: [{ jurisdictionCode: '321012100' }, { jurisdictionCode: '321012101', threshold: 100 }] }, office.token);

    const seen = await ok(`{ targets { totalCount edges { node { jurisdiction { code } threshold allocatedFrom { id } } } } }`, {}, townAdmin.token);
    expect(seen.targets).toEqual({ totalCount: 1, edges: [{ node: { jurisdiction: { code: '321012100' }, threshold: 80, allocatedFrom: { id: target.id } } }] });
    expect(errorCodes(await h.gql(PROGRESS, { id: target.id }, townAdmin.token))).toEqual(['FORBIDDEN']);

    // The town adds a stricter target of its own.
    const own = await ok(CREATE_TARGET, { input: { ...input, jurisdictionCode: '321012100', title: '仙女镇全覆盖', threshold: 100, deadline: '2025-12-31' } }, townAdmin.token);
    expect(own.createTarget).toMatchObject({ jurisdiction: { code: '321012100' }, threshold: 100 });
    const mine = await ok(`{ targets(allocated: false) { totalCount } }`, {}, townAdmin.token);
    expect(mine.targets.totalCount).toBe(1);
    // Pages count every target of the subtree, whether the page holds them all or not.
    const PAGE = `query($first: Int, $after: String) { targets(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
    const whole = await ok(PAGE, { first: 10 }, office.token);
    expect(whole.targets.totalCount).toBe(4);
    expect(whole.targets.edges).toHaveLength(4);
    const head = await ok(PAGE, { first: 1 }, office.token);
    expect(head.targets).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
    const rest = await ok(PAGE, { first: 10, after: head.targets.pageInfo.endCursor }, office.token);
    expect(rest.targets.totalCount).toBe(4);
    expect(rest.targets.edges.map((e: any) => e.node.id)).toEqual(whole.targets.edges.slice(1).map((e: any) => e.node.id));
  });

  it('refuses a level’s own target that is looser than the one allocated to it, naming what makes it looser', async () => {
    await smallTree(h.db);
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    const townAdmin = await createUser(h.db, '321012100', [Role.CIVIL_AFFAIRS_ADMIN]);
    const input = { jurisdictionCode: '321012', title: '村级养老服务设施覆盖率', metric: 'VILLAGE_SERVICE', threshold: 80, startsOn: '2025-01-01', deadline: '2026-06-30' };
    const { createTarget: target } = await ok(CREATE_TARGET, { input }, office.token);
    await ok(ALLOCATE, { id: target.id, allocations: [{ jurisdictionCode: '321012100' }] }, office.token);
    const own = { ...input, jurisdictionCode: '321012100', title: '仙女镇目标' };
    const refusals: [Record<string, unknown>, string][] = [
      [{ threshold: 79.99 }, 'input.threshold'],
      [{ deadline: '2026-07-01' }, 'input.deadline'],
      [{ comparator: 'AT_MOST', threshold: 100 }, 'input.comparator'],
      [{ comparator: 'BETWEEN', threshold: 70, thresholdHigh: 100 }, 'input.threshold'],
    ];
    for (const [change, field] of refusals) {
      const res = await h.gql(CREATE_TARGET, { input: { ...own, ...change } }, townAdmin.token);
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].extensions.field).toBe(field);
      expect(res.errors![0].message).toContain('≥ 80% by 2026-06-30');
    }
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM target t JOIN jurisdiction j ON j.id = t.jurisdiction_id WHERE j.code = '321012100'`);
    expect(n).toBe(1);
    // As strict, a range inside the allocation's, or another metric: accepted.
    await ok(CREATE_TARGET, { input: own }, townAdmin.token);
    await ok(CREATE_TARGET, { input: { ...own, comparator: 'BETWEEN', threshold: 90, thresholdHigh: 100, deadline: '2026-01-31' } }, townAdmin.token);
    await ok(CREATE_TARGET, { input: { ...own, metric: 'MEAL_SERVICE', threshold: 10 } }, townAdmin.token);
  });
});

describe('the progress board', () => {
  const BOARD = `query($id: ID!, $order: BoardOrder) {
    target(id: $id) {
      allocationSummary { children achieved allocatedValue achievedValue variance }
      board(order: $order) {
        asOf laggards progress { numerator denominator status }
        rows { jurisdiction { code name } target { id } threshold value numerator denominator expected gap variance status rank }
      }
    }
  }`;

  async function boardTarget(code: string, token: string): Promise<string> {
    const input = { jurisdictionCode: code, title: '村级覆盖率', metric: 'VILLAGE_SERVICE', threshold: 50, baseline: 0, startsOn: '2024-07-01', deadline: '2026-12-31' };
    return (await ok(CREATE_TARGET, { input }, token)).createTarget.id;
  }

  const STATEMENTS = 8;

  it('ranks the towns, laggards first, in the same number of SQL statements for 5 towns as for 60', async () => {
    await insertJurisdictions(h.db, [['32', '江苏省'], ['3210', '扬州市']]);
    await countyOfTowns(h, '321081', 5);
    await countyOfTowns(h, '321084', 60);
    const office = await createUser(h.db, '3210', [Role.LEADERSHIP_OFFICE]);
    const small = await boardTarget('321081', office.token);
    const large = await boardTarget('321084', office.token);
    // Give the first two towns of each county their own allocation.
    for (const [id, code] of [[small, '321081'], [large, '321084']]) {
      const allocations = [`${code}101`, `${code}102`].map((jurisdictionCode) => ({ jurisdictionCode, threshold: 100, baseline: 0 }));
      await ok(ALLOCATE, { id, allocations }, office.token);
    }

    await forgetCaches(h);
    const five = await h.gql(BOARD, { id: small }, office.token);
    await forgetCaches(h);
    const sixty = await h.gql(BOARD, { id: large }, office.token);
    expect(five.errors).toBeUndefined();
    expect(sixty.errors).toBeUndefined();
    // sign-in, the target, its county, the county's towns, the allocations, the allocations' towns, the
    // figures of the county and its towns today, and the towns' figures on the start day (the baselines
    // of those held to the county's rate).
    expect(sixty.extensions?.sqlStatements).toBe(five.extensions?.sqlStatements);
    expect(five.extensions?.sqlStatements).toBe(STATEMENTS);

    const board = sixty.data.target.board;
    expect(board.rows).toHaveLength(60);
    // 60 towns: 20 with both villages covered (100 %), 20 with one (50 %), 20 with none.
    expect(board.progress).toEqual({ numerator: 60, denominator: 120, status: 'ACHIEVED' });
    const byCode = new Map<string, any>(board.rows.map((row: any) => [row.jurisdiction.code, row]));
    // Town 1 (one village: 50 %) is held to its own 100 % and falls behind; town 2 (both) achieves it.
    expect(byCode.get('321084101')).toMatchObject({ threshold: 100, value: 50, variance: -50, target: { id: expect.any(String) }, rank: 21 });
    expect(byCode.get('321084102')).toMatchObject({ threshold: 100, value: 100, status: 'ACHIEVED', rank: 1 });
    // Others are held to the county's 50 %: town 4 (50 %) has achieved it; town 3 (0 %) lags.
    expect(byCode.get('321084104')).toMatchObject({ threshold: 50, value: 50, status: 'ACHIEVED', target: null, rank: 21 });
    expect(byCode.get('321084103')).toMatchObject({ threshold: 50, value: 0, numerator: 0, denominator: 2, rank: 41 });
    expect(['AT_RISK', 'BEHIND']).toContain(byCode.get('321084103').status);
    // Laggards first: the 20 uncovered towns and town 1, then the achievers.
    expect(board.laggards).toBe(21);
    expect(board.rows.slice(0, 21).every((row: any) => ['AT_RISK', 'BEHIND', 'OVERDUE'].includes(row.status))).toBe(true);
    expect(board.rows.slice(21).every((row: any) => row.status === 'ACHIEVED')).toBe(true);
    // Rank order on request.
    const best = (await ok(BOARD, { id: large, order: 'BEST_FIRST' }, office.token)).target.board.rows;
    expect(best.map((row: any) => row.rank)).toEqual([...best.map((row: any) => row.rank)].sort((a: number, b: number) => a - b));
    expect(best[0].value).toBe(100);

    // The allocation summed: 仙女镇-style parts of 100 % each over 4 villages, 3 of 4 covered.
    expect(sixty.data.target.allocationSummary).toEqual({ children: 2, achieved: 1, allocatedValue: 100, achievedValue: 75, variance: -25 });
    expect(five.data.target.allocationSummary).toMatchObject({ children: 2 });

    // A board of every village of the county, held to the county's rate: one level further down.
    const villages = await ok(`query($id: ID!) { target(id: $id) { board(level: VILLAGE, order: CODE) { rows { jurisdiction { code } value threshold } } } }`, { id: small }, office.token);
    expect(villages.target.board.rows).toHaveLength(10);
    expect(villages.target.board.rows[0]).toEqual({ jurisdiction: { code: '321081101201' }, value: 100, threshold: 50 });
    const above = await h.gql(`query($id: ID!) { target(id: $id) { board(level: CITY) { laggards } } }`, { id: small }, office.token);
    expect(errorCodes(above)).toEqual(['BAD_USER_INPUT']);
  });
});
