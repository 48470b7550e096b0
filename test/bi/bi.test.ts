import { Client } from 'pg';
import { Role } from '../../src/kernel/actor';
import { grantBiRole } from '../../src/bi/bi-role';
import { COVERAGE_DEFINITIONS } from '../../src/facilities/coverage-metrics';
import { todayInChina } from '../../src/kernel/dates';
import { TargetComparator, TargetStatus } from '../../src/targets/target-kinds';
import { ratio, statusOn, type TargetRule } from '../../src/targets/target-progress';
import { createUser, facilityWithHistory, smallTree } from '../support/factories';
import { useHarness } from '../support/harness';
import { generator } from '../support/random';

const h = useHarness();

// Roles belong to the whole server: a name of this process's own, dropped at the end.
const ROLE = `yiyang_bi_t${process.pid}`;
const PASSWORD = 'bi-test-password-0123456789';

const PERSONAL_TABLES = ['person', 'person_category', 'ability_assessment', 'entitlement_line', 'app_user', 'audit_entry'];

async function asBiRole<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const url = new URL(h.databaseUrl);
  url.username = ROLE;
  url.password = PASSWORD;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function views(): Promise<string[]> {
  const rows: { name: string }[] = await h.db.query(`SELECT table_name AS name FROM information_schema.views WHERE table_schema = 'bi' ORDER BY 1`);
  return rows.map((row) => `bi.${row.name}`);
}

describe('the BI door', () => {
  afterAll(async () => {
    await h.db.query(`DROP OWNED BY ${ROLE}`).catch(() => undefined);
    await h.db.query(`DROP ROLE IF EXISTS ${ROLE}`);
  });

  it('lets the BI role read the views, and nothing else', async () => {
    await smallTree(h.db);
    const result = await grantBiRole(h.db.manager, ROLE, PASSWORD);
    expect(result.views).toEqual(await views());
    expect(result.views).toEqual(
      expect.arrayContaining(['bi.coverage', 'bi.coverage_monthly', 'bi.jurisdictions', 'bi.targets', 'bi.target_progress', 'bi.subsidy_totals']),
    );
    // Granting again updates the role in place.
    expect((await grantBiRole(h.db.manager, ROLE, PASSWORD)).created).toBe(false);

    const tables: { name: string }[] = await h.db.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    expect(tables.length).toBeGreaterThan(20);
    await asBiRole(async (client) => {
      for (const view of result.views) {
        const res = await client.query(`SELECT * FROM ${view} LIMIT 1`);
        expect([view, Array.isArray(res.rows)]).toEqual([view, true]);
      }
      for (const { name } of tables) {
        const refused = await client.query(`SELECT * FROM public.${name} LIMIT 1`).then(
          () => null,
          (error: { code?: string }) => error.code,
        );
        expect([name, refused]).toEqual([name, '42501']);
      }
      // Its sessions are read-only, and it creates nothing.
      expect((await client.query(`SHOW default_transaction_read_only`)).rows).toEqual([{ default_transaction_read_only: 'on' }]);
      const write = await client.query(`CREATE TABLE bi.scratch (a integer)`).then(
        () => null,
        (error: { code?: string }) => error.code,
      );
      expect(['25006', '42501']).toContain(write);
    });
  });

  it('describes the coverage metrics as the API defines them', async () => {
    const rows: { metric: string; unit: string }[] = await h.db.query(`SELECT metric, unit_level AS unit FROM bi.coverage_metric ORDER BY metric`);
    expect(rows).toEqual(
      Object.values(COVERAGE_DEFINITIONS)
        .map((definition) => ({ metric: definition.metric, unit: definition.unit }))
        .sort((a, b) => (a.metric < b.metric ? -1 : 1)),
    );
  });

  it('holds no personal data: no view reads the registry, the users or the trail, and no column names a person', async () => {
    const used: { view: string; table: string }[] = await h.db.query(
      `SELECT DISTINCT view_name AS view, table_name AS table FROM information_schema.view_table_usage WHERE view_schema = 'bi'`,
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((row) => PERSONAL_TABLES.includes(row.table))).toEqual([]);
    const columns: { column: string }[] = await h.db.query(`SELECT DISTINCT column_name AS column FROM information_schema.columns WHERE table_schema = 'bi'`);
    for (const { column } of columns) expect([column, /national_id|phone|address|birth|person|username|password/.test(column)]).toEqual([column, false]);
  });

  it('shows the figures the API shows: coverage, targets and their progress', async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    await facilityWithHistory(h, admin.token, {
      name: '东苑互助养老中心',
      type: 'MUTUAL_AID_CENTER',
      jurisdictionCode: '321012100001',
      services: ['MEALS'],
      status: 'OPERATING',
      since: '2024-03-01',
    });
    // This month's stored totals, for a spending target (a flow from its start).
    await h.db.query(
      `INSERT INTO entitlement_total (month, node_id, scheme_id, recipients, amount_fen, province_fen, city_fen, county_fen, town_fen, village_fen)
       SELECT $1::date, id, 0, 3, 60000, 0, 0, 60000, 0, 0 FROM jurisdiction WHERE code = '321012'`,
      [`${todayInChina().slice(0, 7)}-01`],
    );
    for (const [metric, threshold] of [['VILLAGE_SERVICE', 30], ['MEAL_SERVICE', 100], ['ENTITLEMENT_SPENDING', 100000]] as const) {
      const res = await h.gql(
        `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`,
        { input: { jurisdictionCode: '321012', title: metric, metric, threshold, startsOn: '2024-01-01', deadline: '2030-12-31' } },
        admin.token,
      );
      expect(res.errors).toBeUndefined();
    }
    await grantBiRole(h.db.manager, ROLE, PASSWORD);
    const api = await h.gql(
      `{ targets { edges { node { id metric threshold progress { value numerator denominator expected status } } } }
         jurisdiction(code: "321012") { coverage(metric: VILLAGE_SERVICE) { numerator denominator } } }`,
      {},
      admin.token,
    );
    expect(api.errors).toBeUndefined();
    await asBiRole(async (client) => {
      const { rows: coverage } = await client.query(`SELECT numerator, denominator, as_of FROM bi.coverage WHERE code = '321012' AND metric = 'VILLAGE_SERVICE'`);
      expect(coverage).toEqual([{ numerator: '1', denominator: 3, as_of: todayInChina() }]);
      expect(api.data.jurisdiction.coverage).toEqual({ numerator: 1, denominator: 3 });
      const { rows: monthly } = await client.query(
        `SELECT as_of, numerator FROM bi.coverage_monthly WHERE code = '321012100' AND metric = 'MEAL_SERVICE' AND as_of IN ('2024-02-29', '2024-03-31')`,
      );
      expect(monthly).toEqual([
        { as_of: '2024-02-29', numerator: '0' },
        { as_of: '2024-03-31', numerator: '1' },
      ]);
      for (const { node } of api.data.targets.edges) {
        const { rows } = await client.query(`SELECT numerator, denominator, value, expected, status FROM bi.target_progress WHERE target_id = $1`, [Number(node.id)]);
        expect(rows).toHaveLength(1);
        const [row] = rows;
        expect([node.metric, Number(row.numerator), Number(row.denominator), row.status]).toEqual([
          node.metric,
          node.progress.numerator,
          node.progress.denominator,
          node.progress.status,
        ]);
        expect(Number(row.value)).toBeCloseTo(node.progress.value, 9);
        expect(Number(row.expected)).toBeCloseTo(node.progress.expected, 9);
      }
    });
  });

  it('states progress by the same rules as the API: 3,000 random targets, figures and days', async () => {
    const { int } = generator(20_251_203);
    const comparators = Object.values(TargetComparator);
    const day = (offset: number) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
    const cases = Array.from({ length: 3000 }, () => {
      const comparator = comparators[int(comparators.length)];
      const threshold = int(200);
      const rule: TargetRule = {
        comparator,
        threshold,
        thresholdHigh: comparator === TargetComparator.BETWEEN ? threshold + int(50) : null,
        baseline: int(3) === 0 ? threshold : int(250),
        startsOn: day(0),
        deadline: day(1 + int(400)),
      };
      const den = 1 + int(40);
      return { rule, num: int(250 * den), den, day: day(int(500) - 50) };
    });
    const rows: { status: string | null }[] = await h.db.query(
      `SELECT bi.target_status(c, t, th, b, s, d, n, m, x) AS status
       FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::date[], $6::date[], $7::numeric[], $8::numeric[], $9::date[])
         WITH ORDINALITY AS u (c, t, th, b, s, d, n, m, x, i) ORDER BY i`,
      [
        cases.map((c) => c.rule.comparator),
        cases.map((c) => c.rule.threshold),
        cases.map((c) => c.rule.thresholdHigh),
        cases.map((c) => c.rule.baseline),
        cases.map((c) => c.rule.startsOn),
        cases.map((c) => c.rule.deadline),
        cases.map((c) => c.num),
        cases.map((c) => c.den),
        cases.map((c) => c.day),
      ],
    );
    const expected = cases.map((c) => statusOn(c.rule, ratio(c.num, c.den), c.day));
    const mismatches = cases.filter((_, i) => rows[i].status !== expected[i]).slice(0, 5);
    expect(mismatches).toEqual([]);
    // Every status came up, so every rule was compared.
    expect(new Set(expected)).toEqual(new Set(Object.values(TargetStatus)));
  });
});
