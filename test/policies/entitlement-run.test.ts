import { Client } from 'pg';
import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { addMonths, monthEnd, thisMonthInChina } from '../../src/kernel/dates';
import { createUser, insertJurisdictions, SMALL_TREE, type TestUser } from '../support/factories';
import { errorCodes, forgetCaches, useHarness, type GraphQLResponse } from '../support/harness';
import { enrolBeforePlatform } from '../../seeds/demo-enrolments';

const h = useHarness();

const MONTH = thisMonthInChina();
const REFERENCE_DAY = monthEnd(`${MONTH}-01`);
const REFERENCE_YEAR = Number(REFERENCE_DAY.slice(0, 4));

const CREATE_SCHEME = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`;
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id age } }`;
const STATUS = `mutation($id: ID!, $status: PersonStatus!, $on: Date) { recordPersonStatus(id: $id, status: $status, on: $on) { id } }`;
const MOVE = `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id } }`;
const RUN = `mutation($code: String!, $month: Month!) {
  runEntitlements(code: $code, month: $month) { id jurisdiction { code } month people recipients lines replacedLines amountFen finishedAt }
}`;
const TOTALS = `query($code: String!, $month: Month!) {
  jurisdiction(code: $code) {
    subsidyTotals(month: $month) {
      month recipients amountFen funders { level amountFen }
      schemes { name kind jurisdiction { code } recipients amountFen funders { level amountFen } }
    }
  }
}`;
const ENTITLEMENT = `query($id: ID!, $month: Month!) {
  entitlement(personId: $id, month: $month) { amountFen schemes { scheme { id } amountFen shares { level amountFen } } }
}`;

const PROVINCE_SCHEME = '江苏省高龄津贴';
const COUNTY_SCHEME = '江都区困难老人补贴';

let serial = 0;
/** A valid national ID for someone who is `age` on the month's last day (born on 1 March). */
function nationalId(region: string, age: number): string {
  serial += 1;
  const birthYear = REFERENCE_DAY.slice(5) >= '03-01' ? REFERENCE_YEAR - age : REFERENCE_YEAR - age - 1;
  const first17 = `${region}${birthYear}0301${String(serial * 2 + 1).padStart(3, '0')}`;
  return first17 + nationalIdCheck(first17);
}

interface World {
  province: TestUser;
  county: TestUser;
  people: Record<'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6', string>;
}

// Two schemes with amounts whose shares do not divide evenly:
// - 江苏省 (32): 80+ 100.01 元, province 4 : county 6 → 40.00 + 60.01 (the county's remainder 0.6 takes the fen);
// - 江都区 (321012): 60+ 低保 3.33 元, county 7 : town 3 → 2.33 + 1.00.
// People (户籍 in their village, resident since 2010):
//   P1 85, 东苑, 低保 → 100.01 + 3.33      P2 82, 龙川 → 100.01      P3 70, 小纪村, 低保 → 3.33
//   P4 65, 东苑 → nothing                  P5 90, 城南 (宝应县), 低保 → 100.01 (江都's scheme is not his)
//   P6 88, 东苑, died last month → not considered
async function world(): Promise<World> {
  await insertJurisdictions(h.db, SMALL_TREE);
  const province = await createUser(h.db, '32', [Role.CIVIL_AFFAIRS_ADMIN]);
  const county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
  for (const [token, input] of [
    [
      province.token,
      {
        jurisdictionCode: '32',
        name: PROVINCE_SCHEME,
        kind: 'OLD_AGE_ALLOWANCE',
        version: {
          fromMonth: '2024-01',
          funding: [
            { level: 'PROVINCE', weight: 4 },
            { level: 'COUNTY', weight: 6 },
          ],
          tiers: [{ name: '80周岁及以上', amountFen: 10001, minAge: 80 }],
        },
      },
    ],
    [
      county.token,
      {
        jurisdictionCode: '321012',
        name: COUNTY_SCHEME,
        kind: 'HARDSHIP_CARE_SUBSIDY',
        version: {
          fromMonth: '2024-01',
          funding: [
            { level: 'COUNTY', weight: 7 },
            { level: 'TOWN', weight: 3 },
          ],
          tiers: [{ name: '60周岁以上低保', amountFen: 333, minAge: 60, categoriesAny: ['MINIMUM_LIVING_ALLOWANCE'] }],
        },
      },
    ],
  ] as const) {
    const res = await h.gql(CREATE_SCHEME, { input }, token);
    expect(res.errors).toBeUndefined();
  }
  const specs = {
    P1: { age: 85, village: '321012100001', categories: ['MINIMUM_LIVING_ALLOWANCE'] },
    P2: { age: 82, village: '321012100002', categories: [] },
    P3: { age: 70, village: '321012101200', categories: ['MINIMUM_LIVING_ALLOWANCE'] },
    P4: { age: 65, village: '321012100001', categories: [] },
    P5: { age: 90, village: '321023100001', categories: ['MINIMUM_LIVING_ALLOWANCE'] },
    P6: { age: 88, village: '321012100001', categories: [] },
  };
  const people = {} as World['people'];
  for (const [key, spec] of Object.entries(specs) as [keyof World['people'], (typeof specs)['P1']][]) {
    const res = await h.gql(
      REGISTER,
      {
        input: {
          nationalId: nationalId(spec.village.slice(0, 6), spec.age),
          name: `测试老人${key}`,
          villageCode: spec.village,
          hukouCode: spec.village,
          residentSince: '2010-01-01',
          categories: spec.categories.map((category) => ({ category })),
          categoriesSince: '2020-01-01',
        },
      },
      province.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.registerPerson.age).toBe(spec.age);
    people[key] = res.data.registerPerson.id;
  }
  const died = await h.gql(STATUS, { id: people.P6, status: 'DECEASED', on: `${addMonths(MONTH, -1)}-01` }, province.token);
  expect(died.errors).toBeUndefined();
  return { province, county, people };
}

async function run(token: string, code: string, month = MONTH) {
  const res = await h.gql(RUN, { code, month }, token);
  expect(res.errors).toBeUndefined();
  return res.data.runEntitlements;
}

async function totals(token: string, code: string, month = MONTH) {
  const res = await h.gql(TOTALS, { code, month }, token);
  expect(res.errors).toBeUndefined();
  return res.data.jurisdiction.subsidyTotals;
}

/** Recipients and fen of a node, summed afresh from the stored lines of the villages below it. */
async function fromLines(code: string): Promise<{ recipients: number; amountFen: number }> {
  const [row] = await h.db.query(
    `SELECT count(DISTINCT l.person_id)::int AS recipients, coalesce(sum(l.amount_fen), 0)::int AS "amountFen"
     FROM entitlement_line l JOIN jurisdiction v ON v.id = l.village_id WHERE l.month = $1::date AND v.code LIKE $2`,
    [`${MONTH}-01`, `${code}%`],
  );
  return row;
}

const ALL_CODES = SMALL_TREE.map(([code]) => code);

/** Every node's stored totals agree with a recomputation from the lines. */
async function expectTotalsMatchLines(token: string, codes = ALL_CODES.filter((c) => c.startsWith('32'))): Promise<void> {
  for (const code of codes) {
    const stored = await totals(token, code);
    expect({ code, recipients: stored.recipients, amountFen: stored.amountFen }).toEqual({ code, ...(await fromLines(code)) });
    expect(stored.funders.reduce((sum: number, f: any) => sum + f.amountFen, 0)).toBe(stored.amountFen);
  }
}

describe('the monthly entitlement run', () => {
  it('stores one line per person and paying scheme, and totals by scheme and funding level at every level', async () => {
    const { province, county, people } = await world();
    const result = await run(county.token, '321012');
    // P1, P2, P3, P4 considered (P6 died last month, P5 lives in 宝应县); P1 twice, P2 and P3 once.
    expect(result).toMatchObject({ jurisdiction: { code: '321012' }, month: MONTH, people: 4, recipients: 3, lines: 4, replacedLines: 0 });
    expect(result.amountFen).toBe(10001 + 333 + 10001 + 333);

    expect(await totals(county.token, '321012100001')).toEqual({
      month: MONTH,
      recipients: 1,
      amountFen: 10334,
      funders: [
        { level: 'PROVINCE', amountFen: 4000 },
        { level: 'COUNTY', amountFen: 6001 + 233 },
        { level: 'TOWN', amountFen: 100 },
      ],
      schemes: expect.arrayContaining([
        { name: PROVINCE_SCHEME, kind: 'OLD_AGE_ALLOWANCE', jurisdiction: { code: '32' }, recipients: 1, amountFen: 10001, funders: [{ level: 'PROVINCE', amountFen: 4000 }, { level: 'COUNTY', amountFen: 6001 }] },
        { name: COUNTY_SCHEME, kind: 'HARDSHIP_CARE_SUBSIDY', jurisdiction: { code: '321012' }, recipients: 1, amountFen: 333, funders: [{ level: 'COUNTY', amountFen: 233 }, { level: 'TOWN', amountFen: 100 }] },
      ]),
    });
    // 仙女镇: P1 and P2.
    expect(await totals(county.token, '321012100')).toMatchObject({
      recipients: 2,
      amountFen: 20335,
      funders: [
        { level: 'PROVINCE', amountFen: 8000 },
        { level: 'COUNTY', amountFen: 6001 + 233 + 6001 },
        { level: 'TOWN', amountFen: 100 },
      ],
    });
    // 江都区 and everything above it: P1, P2, P3.
    const jiangdu = {
      recipients: 3,
      amountFen: 20668,
      funders: [
        { level: 'PROVINCE', amountFen: 8000 },
        { level: 'COUNTY', amountFen: 6001 + 233 + 6001 + 233 },
        { level: 'TOWN', amountFen: 200 },
      ],
    };
    expect(await totals(county.token, '321012')).toMatchObject(jiangdu);
    expect(await totals(province.token, '32')).toMatchObject(jiangdu);
    const bySchemes = (await totals(province.token, '32')).schemes.map((s: any) => [s.name, s.recipients, s.amountFen]);
    expect(bySchemes).toEqual(expect.arrayContaining([[PROVINCE_SCHEME, 2, 20002], [COUNTY_SCHEME, 2, 666]]));
    expect(await totals(province.token, '321023')).toMatchObject({ recipients: 0, amountFen: 0, funders: [], schemes: [] });

    // Each stored line is what the single-person explanation says, scheme by scheme and share by share.
    for (const id of [people.P1, people.P2, people.P3, people.P4]) {
      const explained = (await h.gql(ENTITLEMENT, { id, month: MONTH }, county.token)).data.entitlement;
      const lines = await h.db.query(
        `SELECT scheme_id::text AS "schemeId", amount_fen::int AS "amountFen", province_fen::int AS p, county_fen::int AS c, town_fen::int AS t
         FROM entitlement_line WHERE person_id = $1 AND month = $2::date ORDER BY scheme_id`,
        [id, `${MONTH}-01`],
      );
      const paying = explained.schemes.filter((s: any) => s.amountFen > 0);
      expect(lines.map((l: any) => [l.schemeId, l.amountFen])).toEqual(paying.map((s: any) => [s.scheme.id, s.amountFen]).sort());
      for (const line of lines) {
        const shares = paying.find((s: any) => s.scheme.id === line.schemeId).shares;
        const share = (level: string) => shares.find((s: any) => s.level === level)?.amountFen ?? 0;
        expect([line.p, line.c, line.t]).toEqual([share('PROVINCE'), share('COUNTY'), share('TOWN')]);
      }
    }
    await expectTotalsMatchLines(province.token);
  });

  it('is idempotent: running a month again, or its province, gives the same lines and totals', async () => {
    const { province, county } = await world();
    await run(county.token, '321012');
    await run(province.token, '321023');
    const linesBefore = await h.db.query(`SELECT person_id, scheme_id, tier_ids, amount_fen, county_fen FROM entitlement_line ORDER BY 1, 2`);
    const totalsBefore = await h.db.query(`SELECT * FROM entitlement_total ORDER BY month, node_id, scheme_id`);
    expect(await totals(province.token, '32')).toMatchObject({ recipients: 4, amountFen: 20668 + 10001 });

    const again = await run(county.token, '321012');
    expect(again).toMatchObject({ people: 4, recipients: 3, lines: 4, replacedLines: 4 });
    const whole = await run(province.token, '32');
    expect(whole).toMatchObject({ people: 5, recipients: 4, lines: 5, replacedLines: 5, amountFen: 30669 });
    expect(await h.db.query(`SELECT person_id, scheme_id, tier_ids, amount_fen, county_fen FROM entitlement_line ORDER BY 1, 2`)).toEqual(linesBefore);
    expect(await h.db.query(`SELECT * FROM entitlement_total ORDER BY month, node_id, scheme_id`)).toEqual(totalsBefore);
    await expectTotalsMatchLines(province.token);
  });

  it('follows people who move or die: a person has one line per scheme and month wherever the last run found them', async () => {
    const { province, county, people } = await world();
    await run(province.token, '32');
    // P2 moves from 龙川 (江都区) to 城南 (宝应县); P3 dies on the month's first day.
    expect((await h.gql(MOVE, { id: people.P2, input: { name: '测试老人P2', villageCode: '321023100001', hukouCode: '321012100002', residentSince: '2010-01-01' } }, province.token)).errors).toBeUndefined();
    expect((await h.gql(STATUS, { id: people.P3, status: 'DECEASED', on: `${MONTH}-01` }, province.token)).errors).toBeUndefined();

    // 宝应县 runs first: P2's line moves there; 江都区 keeps P3's line until it runs again.
    const baoying = await run(province.token, '321023');
    expect(baoying).toMatchObject({ people: 2, recipients: 2, lines: 2, replacedLines: 2 });
    expect(await totals(province.token, '321023')).toMatchObject({ recipients: 2, amountFen: 20002 });
    expect(await totals(county.token, '321012')).toMatchObject({ recipients: 2, amountFen: 10334 + 333 });
    expect(await totals(province.token, '32')).toMatchObject({ recipients: 4, amountFen: 10334 + 333 + 20002 });
    await expectTotalsMatchLines(province.token);

    const jiangdu = await run(county.token, '321012');
    expect(jiangdu).toMatchObject({ people: 2, recipients: 1, lines: 2, replacedLines: 3 });
    expect(await totals(county.token, '321012')).toMatchObject({ recipients: 1, amountFen: 10334 });
    expect(await totals(county.token, '321012101')).toMatchObject({ recipients: 0, amountFen: 0, schemes: [] });
    expect(await totals(province.token, '32')).toMatchObject({ recipients: 3, amountFen: 10334 + 20002 });
    await expectTotalsMatchLines(province.token);
    // P3 died on the month's first day: no line of his is left for the month.
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM entitlement_line WHERE person_id = $1`, [people.P3]);
    expect(n).toBe(0);
  });

  it('keeps months apart and lists the runs that reached a node', async () => {
    const { province, county } = await world();
    const last = addMonths(MONTH, -1);
    await run(county.token, '321012', last);
    await run(province.token, '32');
    // P6 died on last month's first day, so last month pays P1, P2 and P3 as this one does.
    expect(await totals(county.token, '321012', last)).toMatchObject({ recipients: 3, amountFen: 20668 });
    const res = await h.gql(
      `query($code: String!, $month: Month!) { jurisdiction(code: $code) { entitlementRuns(month: $month) { jurisdiction { code } month people } } }`,
      { code: '321012100', month: MONTH },
      county.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.jurisdiction.entitlementRuns).toEqual([{ jurisdiction: { code: '32' }, month: MONTH, people: 5 }]);
  });

  it('answers the totals and runs of a node’s children with the same number of statements for 2 or 11 children', async () => {
    await world();
    await insertJurisdictions(
      h.db,
      Array.from({ length: 10 }, (_, i) => [`3210121012${String(i + 1).padStart(2, '0')}`, `测试${i + 1}村委会`] as [string, string]),
    );
    const county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN], 'county-2');
    await run(county.token, '321012');
    const query = `query($code: String!, $month: Month!) {
      jurisdiction(code: $code) { children(first: 50) { edges { node { code
        subsidyTotals(month: $month) { recipients amountFen funders { level amountFen } schemes { name jurisdiction { code } recipients funders { level amountFen } } }
        entitlementRuns(month: $month) { jurisdiction { code } people }
      } } } }
    }`;
    // Both are counted cold: the first must not warm the server's caches for the second.
    await forgetCaches(h);
    const two = await h.gql(query, { code: '321012100', month: MONTH }, county.token);
    await forgetCaches(h);
    const eleven = await h.gql(query, { code: '321012101', month: MONTH }, county.token);
    expect(two.errors).toBeUndefined();
    expect(eleven.errors).toBeUndefined();
    expect(two.data.jurisdiction.children.edges).toHaveLength(2);
    expect(eleven.data.jurisdiction.children.edges).toHaveLength(11);
    expect(eleven.data.jurisdiction.children.edges[0].node.subsidyTotals).toMatchObject({ recipients: 1, amountFen: 333 });
    // The county's run reached every child; nothing else ran.
    for (const { node } of [...two.data.jurisdiction.children.edges, ...eleven.data.jurisdiction.children.edges]) {
      expect(node.entitlementRuns).toEqual([{ jurisdiction: { code: '321012' }, people: 4 }]);
    }
    expect(eleven.extensions!.sqlStatements).toBe(two.extensions!.sqlStatements);
  });
});

describe('the run reads every fact the rules read', () => {
  it('pays a person with several living situations and categories what their explanation says', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const created = await h.gql(
      CREATE_SCHEME,
      {
        input: {
          jurisdictionCode: '321012',
          name: '叠加补贴',
          kind: 'HOME_CARE_SUBSIDY',
          version: {
            fromMonth: '2024-01',
            combination: 'STACK',
            funding: [{ level: 'COUNTY', weight: 1 }],
            tiers: [
              { name: '独居', amountFen: 1100, minAge: 60, livingSituations: ['ALONE'] },
              { name: '低保且失独', amountFen: 2200, minAge: 60, categoriesAll: ['MINIMUM_LIVING_ALLOWANCE', 'BEREAVED_PARENTS'] },
              { name: '留守', amountFen: 4400, minAge: 60, livingSituations: ['LEFT_BEHIND'] },
            ],
          },
        },
      },
      county.token,
    );
    expect(created.errors).toBeUndefined();
    const registered = await h.gql(
      REGISTER,
      {
        input: {
          nationalId: nationalId('321012', 75),
          name: '测试老人',
          villageCode: '321012100001',
          hukouCode: '321012100001',
          residentSince: '2010-01-01',
          livingSituations: ['EMPTY_NEST', 'ALONE'],
          categories: [{ category: 'MINIMUM_LIVING_ALLOWANCE' }, { category: 'BEREAVED_PARENTS' }],
          categoriesSince: '2020-01-01',
        },
      },
      county.token,
    );
    expect(registered.errors).toBeUndefined();
    // 独居 and 低保且失独 stack: 11 + 22 元; 留守 does not apply.
    expect(await run(county.token, '321012')).toMatchObject({ people: 1, recipients: 1, lines: 1, amountFen: 3300 });
    const explained = (await h.gql(ENTITLEMENT, { id: registered.data.registerPerson.id, month: MONTH }, county.token)).data.entitlement;
    expect(explained.amountFen).toBe(3300);
    const [line] = await h.db.query(`SELECT amount_fen::int AS amount, array_length(tier_ids, 1) AS tiers FROM entitlement_line`);
    expect(line).toEqual({ amount: 3300, tiers: 2 });
  });
});

describe('the run pays a scheme that requires an application to the enrolled only', () => {
  // 「須到户籍所在地村(社區)提出申請」 (seed 004 篇四): 60+ 5 元, county-funded. Three people of 70 who
  // qualify: E enrolled since 2024-01, U enrolled until last month, N never enrolled → E alone, 5 元.
  it('reads the enrolments of a batch of people and pays the months within them', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const version = { fromMonth: '2024-01', requiresApplication: true, funding: [{ level: 'COUNTY', weight: 1 }], tiers: [{ name: '60周岁以上', amountFen: 500, minAge: 60 }] };
    const created = await h.gql(CREATE_SCHEME, { input: { jurisdictionCode: '321012', name: '居家养老服务补贴', kind: 'HOME_CARE_SUBSIDY', version } }, county.token);
    expect(created.errors).toBeUndefined();
    const schemeIds = [Number(created.data.createSubsidyScheme.id)];
    const ids: Record<string, number> = {};
    for (const key of ['E', 'U', 'N']) {
      const input = { nationalId: nationalId('321012', 70), name: `测试老人${key}`, villageCode: '321012100001', hukouCode: '321012100001', residentSince: '2010-01-01' };
      const res = await h.gql(REGISTER, { input }, county.token);
      expect(res.errors).toBeUndefined();
      ids[key] = Number(res.data.registerPerson.id);
    }
    await enrolBeforePlatform(h.db, county.id, [{ personId: ids.E, schemeIds }, { personId: ids.U, schemeIds }], '2024-01');
    await h.db.query(`UPDATE enrolment SET until_month = $2, end_reason = 'WITHDRAWN', ended_on = $2 WHERE person_id = $1`, [ids.U, `${addMonths(MONTH, -1)}-01`]);
    expect(await run(county.token, '321012')).toMatchObject({ people: 3, recipients: 1, lines: 1, amountFen: 500 });
    expect(await h.db.query(`SELECT person_id AS id FROM entitlement_line`)).toEqual([{ id: ids.E }]);
    // Last month U was still enrolled: both paid.
    expect(await run(county.token, '321012', addMonths(MONTH, -1))).toMatchObject({ people: 3, recipients: 2, amountFen: 1000 });
  });
});

describe('who may run and read', () => {
  it('refuses a run outside the caller’s subtree or without the capability, and leaves nothing behind', async () => {
    const { county } = await world();
    const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
    const baoying = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
    expect(errorCodes(await h.gql(RUN, { code: '321012', month: MONTH }, staff.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(RUN, { code: '321012', month: MONTH }, baoying.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(RUN, { code: '32', month: MONTH }, county.token))).toEqual(['FORBIDDEN']);
    const tooLate = await h.gql(RUN, { code: '321012', month: addMonths(MONTH, 2) }, county.token);
    expect(tooLate.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
    for (const table of ['entitlement_run', 'entitlement_line', 'entitlement_total']) {
      const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect({ table, n }).toEqual({ table, n: 0 });
    }
  });

  // Runs that reach the line INSERT wait there while a test transaction holds entitlement_run in
  // SHARE mode: each is then under way, holding its locks, until the test lets go. The test's own
  // connection lies outside the server's pool, which the runs and the requests use.
  async function holdRuns(during: (waiting: (n: number) => Promise<void>) => Promise<Promise<GraphQLResponse>[]>): Promise<GraphQLResponse[]> {
    const holder = new Client({ connectionString: h.databaseUrl });
    await holder.connect();
    try {
      await holder.query(`BEGIN`);
      await holder.query(`LOCK TABLE entitlement_run IN SHARE MODE`);
      const waiting = async (n: number) => {
        for (let i = 0; i < 200; i++) {
          const { rows } = await holder.query(
            `SELECT count(*)::int AS count FROM pg_locks WHERE relation = 'entitlement_run'::regclass AND NOT granted`,
          );
          if (rows[0].count >= n) return;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      };
      const held = await during(waiting);
      await holder.query(`COMMIT`);
      return await Promise.all(held);
    } finally {
      await holder.end();
    }
  }

  it('runs disjoint subtrees of a month side by side and refuses (CONFLICT) a run overlapping one under way', async () => {
    const { province, county } = await world();
    const baoying = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
    const nanjing = await createUser(h.db, '3201', [Role.CIVIL_AFFAIRS_ADMIN]);
    const [jiangdu, baoyingRun] = await holdRuns(async (waiting) => {
      const jiangdu = h.gql(RUN, { code: '321012', month: MONTH }, county.token);
      await waiting(1);
      const baoyingRun = h.gql(RUN, { code: '321023', month: MONTH }, baoying.token);
      await waiting(2);
      // The same node, an ancestor, a descendant: each overlaps a run under way.
      for (const [code, token] of [['321012', county.token], ['32', province.token], ['321012100', county.token], ['3210', province.token]]) {
        const busy = await h.gql(RUN, { code, month: MONTH }, token);
        expect({ code, extensions: busy.errors?.[0].extensions }).toMatchObject({ code, extensions: { code: 'CONFLICT', field: 'month' } });
      }
      // A caller who may not run there is told so, whatever runs.
      expect(errorCodes(await h.gql(RUN, { code: '321012', month: MONTH }, nanjing.token))).toEqual(['FORBIDDEN']);
      return [jiangdu, baoyingRun];
    });
    expect(jiangdu.errors).toBeUndefined();
    expect(jiangdu.data.runEntitlements).toMatchObject({ recipients: 3 });
    expect(baoyingRun.errors).toBeUndefined();
    expect(baoyingRun.data.runEntitlements).toMatchObject({ recipients: 1 });
    await expectTotalsMatchLines(province.token);
    expect(await totals(province.token, '32')).toMatchObject({ recipients: 4 });
    expect(await run(county.token, '321012100')).toMatchObject({ recipients: 2 });
  });

  it('never refuses a run because of calls an out-of-scope admin makes at the same time', async () => {
    const { county } = await world();
    const nanjing = await createUser(h.db, '3201', [Role.CIVIL_AFFAIRS_ADMIN]);
    for (let round = 0; round < 5; round++) {
      const refused = Array.from({ length: 10 }, () => h.gql(RUN, { code: '321012', month: MONTH }, nanjing.token));
      const legit = await h.gql(RUN, { code: '321012', month: MONTH }, county.token);
      expect({ round, errors: errorCodes(legit) }).toEqual({ round, errors: [] });
      for (const answer of await Promise.all(refused)) expect(errorCodes(answer)).toEqual(['FORBIDDEN']);
    }
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM entitlement_run`);
    expect(n).toBe(5);
  });

  it('keeps months apart: a run of another month goes while one is under way', async () => {
    const { county } = await world();
    const [current, previous] = await holdRuns(async (waiting) => {
      const current = h.gql(RUN, { code: '321012', month: MONTH }, county.token);
      await waiting(1);
      const previous = h.gql(RUN, { code: '321012', month: addMonths(MONTH, -1) }, county.token);
      await waiting(2);
      return [current, previous];
    });
    expect(errorCodes(current)).toEqual([]);
    expect(errorCodes(previous)).toEqual([]);
  });

  it('records the run in the audit trail', async () => {
    const { county } = await world();
    const result = await run(county.token, '321012');
    const entries = await h.db.query(`SELECT action, outcome, target_ids FROM audit_entry WHERE action = 'entitlementRun.run'`);
    expect(entries).toEqual([{ action: 'entitlementRun.run', outcome: 'SUCCESS', target_ids: [result.id] }]);
  });

  it.each([Role.FINANCE, Role.LEADERSHIP_OFFICE, Role.ANALYST, Role.CIVIL_AFFAIRS_STAFF])('%s reads the totals of its subtree', async (role) => {
    const { county } = await world();
    await run(county.token, '321012');
    const reader = await createUser(h.db, '321012', [role]);
    expect(await totals(reader.token, '321012')).toMatchObject({ recipients: 3, amountFen: 20668 });
  });

  it.each([Role.SERVICE_PROVIDER, Role.ASSESSOR])('%s does not read subsidy totals', async (role) => {
    const { county } = await world();
    await run(county.token, '321012');
    const reader = await createUser(h.db, '321012', [role]);
    expect(errorCodes(await h.gql(TOTALS, { code: '321012', month: MONTH }, reader.token))).toEqual(['FORBIDDEN']);
  });
});
