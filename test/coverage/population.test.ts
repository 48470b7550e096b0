import { Role } from '../../src/kernel/actor';
import { thisMonthInChina, todayInChina } from '../../src/kernel/dates';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { createUser, insertJurisdictions, smallTree, type TestUser } from '../support/factories';
import { cacheRegion } from '../../src/db/cache-registry';
import { sharedCaches } from '../../src/db/shared-cache';
import { errorCodes, useHarness } from '../support/harness';

const h = useHarness();

// The share targets of the seeds divide by the elderly of the area, not by the people in the registry:
//   seed 004 篇四 (揚州 江都區): 「到20XX年底,全區享受政府購買居家養老服務人數達到老年人總數的10%以上」
//   seed 001: 「低收入老年人养老服务补贴覆盖面不低于xx%」
// Both are shares of 老年人总数 (the elderly population), which SUBSIDY_RECIPIENT_SHARE measures.

const RECORD = `mutation($code: String!, $year: Int!, $a60: Int!, $a80: Int!, $source: String!) {
  recordElderlyPopulation(code: $code, year: $year, aged60Plus: $a60, aged80Plus: $a80, source: $source) {
    jurisdiction { code } year aged60Plus aged80Plus basis complete children childrenWithFigure summary source recordedAt
  }
}`;
const POPULATION = `query($code: String!, $year: Int!) {
  jurisdiction(code: $code) { elderlyPopulation(year: $year) { aged60Plus aged80Plus basis complete children childrenWithFigure summary source } }
}`;
const CHILDREN = `query($code: String!, $year: Int!) {
  jurisdiction(code: $code) { children(first: 50) { edges { node { code elderlyPopulation(year: $year) { aged60Plus basis complete } } } } }
}`;
const IMPORT = `mutation($csv: String!) { importElderlyPopulation(csv: $csv) { rows recorded rejectedRows rejected { line field code } } }`;

const YEAR = Number(todayInChina().slice(0, 4));
const COUNTY = '321099';
// 测试县: 11 towns of one village each.
const TOWNS = Array.from({ length: 11 }, (_, i) => `${COUNTY}${100 + i}`);

async function elevenTowns(): Promise<void> {
  await smallTree(h.db);
  await insertJurisdictions(h.db, [[COUNTY, '测试县'], ...TOWNS.flatMap((town, i): [string, string][] => [[town, `第${i + 1}镇`], [`${town}201`, `第${i + 1}镇一村`]])]);
}

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await h.gql(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data;
}

const record = (user: TestUser, code: string, a60: number, a80: number, year = YEAR, source = '统计局 人口抽样调查') =>
  h.gql(RECORD, { code, year, a60, a80, source }, user.token);

async function population(user: TestUser, code: string, year = YEAR) {
  return (await ok(POPULATION, { code, year }, user.token)).jurisdiction.elderlyPopulation;
}

describe('the elderly population of a level, recorded or summed from its children', () => {
  it('sums the children that have a figure and says when some have none ("9 of 11 towns")', async () => {
    await elevenTowns();
    const staff = await createUser(h.db, '3210', [Role.CIVIL_AFFAIRS_STAFF]);
    // Town i has 1000 + i people of 60 or more, 100 + i of 80 or more.
    for (let i = 0; i < 9; i++) expect((await record(staff, TOWNS[i], 1000 + i, 100 + i)).errors).toBeUndefined();

    // 9 × 1000 + (0 + … + 8) = 9036; 9 × 100 + 36 = 936.
    expect(await population(staff, COUNTY)).toEqual({
      aged60Plus: 9036,
      aged80Plus: 936,
      basis: 'SUM_OF_CHILDREN',
      complete: false,
      children: 11,
      childrenWithFigure: 9,
      summary: 'sum of 9 of 11 towns (incomplete)',
      source: null,
    });
    // The city: one of its three counties has a figure, itself incomplete.
    expect(await population(staff, '3210')).toMatchObject({ aged60Plus: 9036, basis: 'SUM_OF_CHILDREN', complete: false, children: 3, childrenWithFigure: 1 });
    // A town holds its own figure; a village below it has none, and neither has a county with nothing recorded.
    expect(await population(staff, TOWNS[2])).toMatchObject({ aged60Plus: 1002, aged80Plus: 102, basis: 'RECORDED', complete: true, summary: 'recorded', source: '统计局 人口抽样调查' });
    expect(await population(staff, `${TOWNS[2]}201`)).toBeNull();
    expect(await population(staff, '321012')).toBeNull();

    // The last two towns: 9036 + 1009 + 1010 = 11055, 936 + 109 + 110 = 1155, complete.
    for (let i = 9; i < 11; i++) await record(staff, TOWNS[i], 1000 + i, 100 + i);
    expect(await population(staff, COUNTY)).toMatchObject({ aged60Plus: 11055, aged80Plus: 1155, basis: 'SUM_OF_CHILDREN', complete: true, childrenWithFigure: 11, summary: 'sum of 11 of 11 towns' });

    // The county's own figure (公安户籍) takes precedence over the sum of its towns.
    const recorded = await ok(RECORD, { code: COUNTY, year: YEAR, a60: 12000, a80: 1300, source: '公安户籍' }, staff.token);
    expect(recorded.recordElderlyPopulation).toMatchObject({ jurisdiction: { code: COUNTY }, year: YEAR, aged60Plus: 12000, basis: 'RECORDED', source: '公安户籍' });
    expect(await population(staff, '3210')).toMatchObject({ aged60Plus: 12000, aged80Plus: 1300, basis: 'SUM_OF_CHILDREN', complete: false, childrenWithFigure: 1 });
    // Another year has nothing.
    expect(await population(staff, COUNTY, YEAR - 1)).toBeNull();
  });

  it('supersedes a node’s figure of the year and keeps the old one, with who entered each and when, audited', async () => {
    await elevenTowns();
    const staff = await createUser(h.db, COUNTY, [Role.CIVIL_AFFAIRS_STAFF]);
    await record(staff, TOWNS[0], 1000, 100);
    const again = await record(staff, TOWNS[0], 1200, 150, YEAR, '公安户籍');
    expect(again.data.recordElderlyPopulation).toMatchObject({ aged60Plus: 1200, aged80Plus: 150, basis: 'RECORDED', source: '公安户籍' });
    const rows = await h.db.query(
      `SELECT id::int, aged_60_plus AS a60, source, supersedes::int, superseded_at IS NOT NULL AS superseded, recorded_by AS "recordedBy"
       FROM elderly_population ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, a60: 1000, source: '统计局 人口抽样调查', supersedes: null, superseded: true, recordedBy: staff.id },
      { id: 2, a60: 1200, source: '公安户籍', supersedes: 1, superseded: false, recordedBy: staff.id },
    ]);
    const audit = await h.db.query(`SELECT action, outcome, target_type AS "type", target_ids AS ids, detail FROM audit_entry ORDER BY id`);
    expect(audit.map((entry: any) => [entry.action, entry.outcome, entry.type, entry.ids])).toEqual([
      ['population.record', 'SUCCESS', 'ElderlyPopulation', ['1']],
      ['population.record', 'SUCCESS', 'ElderlyPopulation', ['2']],
    ]);
    expect(audit[1].detail).toMatchObject({ code: TOWNS[0], year: YEAR, aged60Plus: 1200, aged80Plus: 150, source: '公安户籍', supersedes: '1' });
  });

  it('reads the figures of a list of children in one statement however many children', async () => {
    await elevenTowns();
    const staff = await createUser(h.db, '3210', [Role.CIVIL_AFFAIRS_STAFF]);
    for (let i = 0; i < 11; i++) await record(staff, TOWNS[i], 1000 + i, 100 + i);
    await record(staff, '321012100', 500, 50);
    const statements = async (code: string) => {
      await h.gql(CHILDREN, { code, year: YEAR }, staff.token); // the caller and the tree are cached after this
      cacheRegion(h.app, 'elderly-population').clear(); // the figures are read again
      const res = await h.gql(CHILDREN, { code, year: YEAR }, staff.token);
      expect(res.errors).toBeUndefined();
      return { nodes: res.data.jurisdiction.children.edges.map((edge: any) => edge.node), statements: res.extensions!.sqlStatements };
    };
    const eleven = await statements(COUNTY);
    const two = await statements('321012');
    expect(eleven.nodes).toEqual(TOWNS.map((code, i) => ({ code, elderlyPopulation: { aged60Plus: 1000 + i, basis: 'RECORDED', complete: true } })));
    expect(two.nodes).toEqual([
      { code: '321012100', elderlyPopulation: { aged60Plus: 500, basis: 'RECORDED', complete: true } },
      { code: '321012101', elderlyPopulation: null },
    ]);
    expect(eleven.statements).toBe(two.statements);
    expect(eleven.statements).toBeGreaterThan(0);
  });

  it('keeps the figures across requests until a change to them is committed, however it is made', async () => {
    await elevenTowns();
    const staff = await createUser(h.db, '3210', [Role.CIVIL_AFFAIRS_STAFF]);
    await record(staff, TOWNS[0], 1000, 100);
    const read = async () => {
      const res = await h.gql(POPULATION, { code: TOWNS[0], year: YEAR }, staff.token);
      expect(res.errors).toBeUndefined();
      return { aged60Plus: res.data.jurisdiction.elderlyPopulation.aged60Plus, statements: res.extensions!.sqlStatements };
    };
    await read();
    expect(await read()).toEqual({ aged60Plus: 1000, statements: 0 });
    // A change made outside the API, rolled back: never seen; committed: in the next answer.
    await expect(
      h.db.transaction(async (tx) => {
        await tx.query(`UPDATE elderly_population SET aged_60_plus = 200 WHERE year = $1`, [YEAR]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await sharedCaches(h.app).sync();
    expect((await read()).aged60Plus).toBe(1000);
    await h.db.query(`UPDATE elderly_population SET aged_60_plus = 1500 WHERE year = $1`, [YEAR]);
    await sharedCaches(h.app).sync();
    expect((await read()).aged60Plus).toBe(1500);
    // Through the API.
    await record(staff, TOWNS[0], 1600, 100);
    expect((await read()).aged60Plus).toBe(1600);
  });

  it('refuses bad figures naming the field, and writes nothing', async () => {
    await elevenTowns();
    const staff = await createUser(h.db, COUNTY, [Role.CIVIL_AFFAIRS_STAFF]);
    const cases: [Record<string, unknown>, string][] = [
      [{ a60: 100, a80: 101 }, 'aged80Plus'],
      [{ a60: -1, a80: 0 }, 'aged60Plus'],
      [{ a60: 10, a80: -1 }, 'aged80Plus'],
      [{ year: 1900 }, 'year'],
      [{ year: YEAR + 1 }, 'year'],
      [{ source: '   ' }, 'source'],
      [{ source: '统'.repeat(201) }, 'source'],
    ];
    for (const [change, field] of cases) {
      const res = await h.gql(RECORD, { code: TOWNS[0], year: YEAR, a60: 100, a80: 10, source: '统计局', ...change }, staff.token);
      expect([field, errorCodes(res), res.errors?.[0].extensions.field]).toEqual([field, ['BAD_USER_INPUT'], field]);
    }
    expect(await h.db.query(`SELECT * FROM elderly_population`)).toEqual([]);
  });

  it('answers FORBIDDEN outside the caller’s subtree, whether or not the node exists, and to roles that do not record', async () => {
    await smallTree(h.db);
    const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
    // The sibling county, the city above, another province, a code that names nothing outside.
    for (const code of ['321023', '3210', '11', '329999']) {
      expect([code, errorCodes(await record(staff, code, 10, 1))]).toEqual([code, ['FORBIDDEN']]);
      expect([code, errorCodes(await h.gql(POPULATION, { code, year: YEAR }, staff.token))]).toEqual([code, ['FORBIDDEN']]);
    }
    // Inside, a code that names nothing may be said to.
    expect(errorCodes(await record(staff, '321012999', 10, 1))).toEqual(['NOT_FOUND']);
    for (const role of [Role.VILLAGE_WORKER, Role.LEADERSHIP_OFFICE, Role.FINANCE, Role.ANALYST]) {
      const user = await createUser(h.db, '321012', [role]);
      expect([role, errorCodes(await record(user, '321012', 10, 1))]).toEqual([role, ['FORBIDDEN']]);
    }
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    expect((await record(admin, '321012100', 10, 1)).errors).toBeUndefined();
    expect(await h.db.query(`SELECT count(*)::int AS n FROM elderly_population`)).toEqual([{ n: 1 }]);
  });
});

describe('importing many nodes’ figures from a CSV file', () => {
  it('records the good rows and refuses each bad one as a row: out of the subtree, unknown, inconsistent, twice', async () => {
    await smallTree(h.db);
    const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
    const csv = [
      '区划代码,年份,60岁以上人数,80岁以上人数,来源',
      `321012100,${YEAR},"12,345",1500,统计局`, // line 2: recorded (a thousands separator as spreadsheets write it)
      `321023100,${YEAR},800,90,统计局`, // line 3: the sibling county's town
      `321012101,${YEAR},700,701,统计局`, // line 4: more of 80+ than of 60+
      `321012100,${YEAR},1,1,统计局`, // line 5: 仙女镇 again
      `321012999,${YEAR},5,1,统计局`, // line 6: no such town
      `321012,${YEAR - 1},30000,4000,公安户籍`, // line 7: recorded
    ].join('\n');
    const res = await ok(IMPORT, { csv }, staff.token);
    expect(res.importElderlyPopulation).toEqual({
      rows: 6,
      recorded: 2,
      rejectedRows: 4,
      rejected: [
        { line: 3, field: 'code', code: 'OUT_OF_SCOPE' },
        { line: 4, field: 'aged80Plus', code: 'BAD_VALUE' },
        { line: 5, field: 'code', code: 'DUPLICATE_IN_FILE' },
        { line: 6, field: 'code', code: 'BAD_CODE' },
      ],
    });
    expect(await population(staff, '321012100')).toMatchObject({ aged60Plus: 12345, aged80Plus: 1500, basis: 'RECORDED' });
    expect(await population(staff, '321012', YEAR - 1)).toMatchObject({ aged60Plus: 30000, basis: 'RECORDED', source: '公安户籍' });
    expect(await h.db.query(`SELECT count(*)::int AS n FROM elderly_population`)).toEqual([{ n: 2 }]);
    // A file without a required column is refused whole.
    const bad = await h.gql(IMPORT, { csv: `code,year,aged60Plus\n321012100,${YEAR},5\n` }, staff.token);
    expect([errorCodes(bad), bad.errors?.[0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'csv']);
    // Village workers do not record populations.
    const worker = await createUser(h.db, '321012', [Role.VILLAGE_WORKER]);
    expect(errorCodes(await h.gql(IMPORT, { csv }, worker.token))).toEqual(['FORBIDDEN']);
  });
});

describe('SUBSIDY_RECIPIENT_SHARE divides by the elderly of the area (seed 004 篇四: 享受政府購買居家養老服務人數達到老年人總數的10%以上)', () => {
  const PROGRESS = `query($id: ID!, $asOf: Date) {
    target(id: $id) {
      progress(asOf: $asOf) { value numerator denominator denominatorSource status }
      board { progress { denominatorSource } rows { jurisdiction { code } value numerator denominator denominatorSource } }
    }
  }`;
  const villageId = (seq: number) => {
    const first17 = `32101219450601${String(seq).padStart(3, '0')}`;
    return first17 + nationalIdCheck(first17);
  };

  it('uses the recorded population, else a complete sum of the towns, else the registry, and says which', async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    // The registry: four people in 仙女镇's 东苑社区.
    const people = ['nationalId,name,villageCode,hukouCode', ...[1, 2, 3, 4].map((n) => `${villageId(n)},老人${n},321012100001,321012100001`)].join('\n');
    expect((await ok(`mutation($csv: String!) { importPeople(input: { csv: $csv }) { imported } }`, { csv: people }, admin.token)).importPeople.imported).toBe(4);
    // This month's run paid 30 people in the county: 20 in 仙女镇, 10 in 小纪镇 (as the run stores its totals).
    const month = `${thisMonthInChina()}-01`;
    for (const [code, recipients] of [['321012', 30], ['321012100', 20], ['321012101', 10]] as const) {
      await h.db.query(
        `INSERT INTO entitlement_total (month, node_id, scheme_id, recipients, amount_fen, province_fen, city_fen, county_fen, town_fen, village_fen)
         SELECT $1::date, id, 0, $2, 0, 0, 0, 0, 0, 0 FROM jurisdiction WHERE code = $3`,
        [month, recipients, code],
      );
    }
    const input = { jurisdictionCode: '321012', title: '政府购买居家养老服务覆盖老年人10%', metric: 'SUBSIDY_RECIPIENT_SHARE', threshold: 10, startsOn: `${YEAR}-01-01`, deadline: `${YEAR}-12-31` };
    const { id } = (await ok(`mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`, { input }, admin.token)).createTarget;
    const read = async () => (await ok(PROGRESS, { id }, admin.token)).target;

    // No population yet: 30 recipients of the 4 people of the registry (the run's figure and the registry disagree: 750 %).
    let target = await read();
    expect(target.progress).toEqual({ value: 750, numerator: 30, denominator: 4, denominatorSource: 'REGISTRY', status: 'ACHIEVED' });

    // 仙女镇 only: the county's sum would be incomplete, so the county still divides by the registry; 仙女镇 by its own 100 (20 %).
    await ok(RECORD, { code: '321012100', year: YEAR, a60: 100, a80: 10, source: '统计局' }, admin.token);
    target = await read();
    expect(target.progress).toMatchObject({ denominator: 4, denominatorSource: 'REGISTRY' });
    expect(target.board.rows).toEqual([
      { jurisdiction: { code: '321012100' }, value: 20, numerator: 20, denominator: 100, denominatorSource: 'POPULATION_RECORDED' },
      // 小纪镇: no population and no one registered: nothing to divide by.
      { jurisdiction: { code: '321012101' }, value: null, numerator: 10, denominator: 0, denominatorSource: 'REGISTRY' },
    ]);

    // Both towns: 100 + 200 = 300 of 60 or more; 30 of 300 is exactly the seed's 10 %.
    await ok(RECORD, { code: '321012101', year: YEAR, a60: 200, a80: 30, source: '统计局' }, admin.token);
    target = await read();
    expect(target.progress).toEqual({ value: 10, numerator: 30, denominator: 300, denominatorSource: 'POPULATION_SUM_OF_CHILDREN', status: 'ACHIEVED' });
    expect(target.board.progress.denominatorSource).toBe('POPULATION_SUM_OF_CHILDREN');

    // The county's own figure: 30 of 400 is 7.5 %, short of 10 %.
    await ok(RECORD, { code: '321012', year: YEAR, a60: 400, a80: 50, source: '公安户籍' }, admin.token);
    target = await read();
    expect(target.progress).toMatchObject({ value: 7.5, numerator: 30, denominator: 400, denominatorSource: 'POPULATION_RECORDED' });
    expect(target.progress.status).not.toBe('ACHIEVED');

    // A notice keeps what the board divided by.
    const notice = await ok(
      `mutation($input: IssueNoticeInput!) { issueNotice(input: $input) { progress { denominator denominatorSource } rows { jurisdiction { code } denominatorSource } } }`,
      { input: { targetId: id, title: '覆盖率通报' } },
      admin.token,
    );
    expect(notice.issueNotice).toEqual({
      progress: { denominator: 400, denominatorSource: 'POPULATION_RECORDED' },
      rows: expect.arrayContaining([
        { jurisdiction: { code: '321012100' }, denominatorSource: 'POPULATION_RECORDED' },
        { jurisdiction: { code: '321012101' }, denominatorSource: 'POPULATION_RECORDED' },
      ]),
    });

    // The board's download says what each line divided by.
    const csv = await (await fetch(`${h.url}/exports/targets/${id}/board.csv?order=CODE`, { headers: { authorization: `Bearer ${admin.token}` } })).text();
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('区划代码,名称,目标值,当前值,分子,分母,预期值,状态,状态代码,排名,分母口径,分母口径代码');
    expect(lines.slice(1, 3).map((line) => line.split(',').slice(-2))).toEqual([
      ['老年人口（本级统计数）', 'POPULATION_RECORDED'],
      ['老年人口（本级统计数）', 'POPULATION_RECORDED'],
    ]);
  });
});
