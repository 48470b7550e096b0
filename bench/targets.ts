import './production-runtime';
import 'reflect-metadata';
import crypto from 'node:crypto';
import { Role } from '../src/kernel/actor';
import { todayInChina } from '../src/kernel/dates';
import { hashPassword } from '../src/users/password';
import { BENCH_DATABASE, prepareData } from './coverage';
import { benchEnvironment, benchUser, check, loadAverage, log, machineFloorUs, machineLine, onServer, saveResults, sequentialReads, summary } from './support';
import { benchServer } from './server';

// npm run bench:targets [-- --fresh]: progress boards through the HTTP GraphQL API on the coverage
// benchmark's data set (the national tree, ~330,000 facilities with their histories; built by the
// first run of either benchmark): a province's target with a board of all its counties, and a
// county's 20 targets with their progress and boards of its towns. Writes bench/results/targets.json.

const PROVINCE = '37';
const READ_WARMUP = 300;
const READ_REQUESTS = 500;
const GOAL_MS = 10;

const CREATE = `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`;
const ALLOCATE = `mutation($id: ID!, $allocations: [TargetAllocationInput!]!) { allocateTarget(id: $id, allocations: $allocations) { id } }`;

const PROVINCE_BOARD = `query($id: ID!) {
  target(id: $id) {
    title progress { value expected status }
    board(level: COUNTY) {
      asOf laggards progress { numerator denominator value status }
      rows { jurisdiction { code name } threshold value numerator denominator expected gap status rank }
      overdueItems { id title }
    }
  }
}`;

const COUNTY_DESK = `query($code: String!) {
  targets(under: $code, allocated: false, first: 20) {
    totalCount
    edges { node { id title metric threshold deadline progress { value expected gap status } allocationSummary { children achieved variance } } }
  }
}`;

const COUNTY_TARGET_BOARD = `query($id: ID!) {
  target(id: $id) { title board { laggards rows { jurisdiction { code name } threshold value expected gap status rank } } }
}`;

const COUNTY_ALL_BOARDS = `query($code: String!) {
  targets(under: $code, allocated: false, first: 20) {
    edges { node { id title progress { value status } board { laggards rows { jurisdiction { code name } value expected status rank } } } }
  }
}`;

// The county's 20 targets: every catalogue metric, some several times with other thresholds and deadlines.
const COUNTY_TARGETS: { metric: string; threshold: number; facilityType?: string; deadline: string }[] = [
  { metric: 'VILLAGE_SERVICE', threshold: 60, deadline: '2027-12-31' },
  { metric: 'VILLAGE_SERVICE', threshold: 100, deadline: '2030-12-31' },
  { metric: 'MEAL_SERVICE', threshold: 40, deadline: '2027-06-30' },
  { metric: 'MEAL_SERVICE', threshold: 80, deadline: '2030-12-31' },
  { metric: 'COMMUNITY_STATION', threshold: 30, deadline: '2027-12-31' },
  { metric: 'COMMUNITY_STATION', threshold: 60, deadline: '2029-12-31' },
  { metric: 'TOWN_CENTER', threshold: 80, deadline: '2027-12-31' },
  { metric: 'TOWN_CENTER', threshold: 100, deadline: '2028-12-31' },
  { metric: 'COUNTY_GUIDANCE_CENTER', threshold: 100, deadline: '2026-12-31' },
  { metric: 'OPERATING_FACILITIES', facilityType: 'MUTUAL_AID_CENTER', threshold: 60, deadline: '2027-12-31' },
  { metric: 'OPERATING_FACILITIES', facilityType: 'COMMUNITY_STATION', threshold: 80, deadline: '2027-12-31' },
  { metric: 'OPERATING_FACILITIES', facilityType: 'MEAL_TABLE', threshold: 50, deadline: '2027-12-31' },
  { metric: 'OPERATING_FACILITIES', facilityType: 'DAY_CARE_CENTER', threshold: 40, deadline: '2027-12-31' },
  { metric: 'OPERATING_FACILITIES', facilityType: 'TOWN_CENTER', threshold: 40, deadline: '2027-12-31' },
  { metric: 'OPERATING_BEDS', threshold: 3000, deadline: '2028-12-31' },
  { metric: 'NURSING_BED_SHARE', threshold: 60, deadline: '2027-12-31' },
  { metric: 'DEMENTIA_BED_SHARE', threshold: 5, deadline: '2027-12-31' },
  { metric: 'SUBSIDY_RECIPIENT_SHARE', threshold: 10, deadline: '2027-12-31' },
  { metric: 'VILLAGE_SERVICE', threshold: 75, deadline: '2028-12-31' },
  { metric: 'MEAL_SERVICE', threshold: 60, deadline: '2028-12-31' },
];

async function main(): Promise<void> {
  const { fresh, adminUrl, benchUrl, cfg } = benchEnvironment(BENCH_DATABASE);
  const today = todayInChina();
  const loadAtStart = loadAverage();
  const floorUs = await machineFloorUs(adminUrl);
  const serverVersion = await onServer(adminUrl, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);
  const prepared = await prepareData(adminUrl, benchUrl, fresh, today);

  // Requests run as the application role, as in main.ts; the bench's own writes as the owner.
  const { database, dataSource, server, endpoint, gql } = await benchServer(cfg);
  const results: Record<string, unknown>[] = [];
  let output: Record<string, unknown>;
  try {
    // Each run sets its targets afresh.
    await dataSource.query(`DELETE FROM supervision_item`);
    await dataSource.query(`DELETE FROM target`);
    const [county] = await dataSource.query(
      `SELECT code, name, town_count AS towns FROM jurisdiction WHERE level = 'COUNTY' ORDER BY town_count DESC, code LIMIT 1`,
    );
    const [{ counties }] = await dataSource.query(`SELECT county_count AS counties FROM jurisdiction WHERE code = $1`, [PROVINCE]);
    const passwordHash = await hashPassword(crypto.randomBytes(16).toString('hex'));
    const provinceOffice = await benchUser(dataSource, `bench-leadership-office@${PROVINCE}`, PROVINCE, [Role.LEADERSHIP_OFFICE], passwordHash);
    const countyOffice = await benchUser(dataSource, 'bench-leadership-office@county', county.code, [Role.LEADERSHIP_OFFICE], passwordHash);
    log(`province ${PROVINCE} (${counties} counties); county ${county.code} ${county.name} (${county.towns} towns)`);

    // The province's village coverage target, allocated to its cities, with an overdue supervision item.
    const provinceTarget: string = (
      await gql(CREATE, { input: { jurisdictionCode: PROVINCE, title: '村级养老服务设施覆盖率', metric: 'VILLAGE_SERVICE', threshold: 40, startsOn: '2024-01-01', deadline: '2027-12-31' } }, provinceOffice)
    ).data.createTarget.id;
    const cities: { code: string }[] = await dataSource.query(`SELECT code FROM jurisdiction WHERE parent_id = (SELECT id FROM jurisdiction WHERE code = $1) ORDER BY code`, [PROVINCE]);
    await gql(ALLOCATE, { id: provinceTarget, allocations: cities.map(({ code }) => ({ jurisdictionCode: code })) }, provinceOffice);
    await gql(
      `mutation($input: CreateSupervisionItemInput!) { createSupervisionItem(input: $input) { id } }`,
      { input: { jurisdictionCode: PROVINCE, responsibleCode: cities[0].code, title: '覆盖率滞后整改', deadline: '2025-06-30', targetId: provinceTarget } },
      provinceOffice,
    );

    // The county's 20 targets; the coverage ones allocated to every town at the county's rate.
    const countyTargets: string[] = [];
    const towns: { code: string }[] = await dataSource.query(`SELECT code FROM jurisdiction WHERE parent_id = (SELECT id FROM jurisdiction WHERE code = $1) ORDER BY code`, [county.code]);
    for (const [i, spec] of COUNTY_TARGETS.entries()) {
      const res = await gql(CREATE, { input: { jurisdictionCode: county.code, title: `目标${i + 1} ${spec.metric}`, startsOn: '2025-01-01', ...spec } }, countyOffice);
      countyTargets.push(res.data.createTarget.id);
      if (['VILLAGE_SERVICE', 'MEAL_SERVICE', 'COMMUNITY_STATION'].includes(spec.metric)) {
        await gql(ALLOCATE, { id: res.data.createTarget.id, allocations: towns.map(({ code }) => ({ jurisdictionCode: code })) }, countyOffice);
      }
    }

    // (a) a province-wide board: every county.
    const a = await sequentialReads(endpoint, provinceOffice, PROVINCE_BOARD, { id: provinceTarget }, READ_WARMUP, READ_REQUESTS);
    const board = a.last.data.target.board;
    check(board.rows.length === counties, `the province board lists ${board.rows.length} rows, not ${counties} counties`);
    const rowSum = board.rows.reduce((sum: number, row: { numerator: number }) => sum + row.numerator, 0);
    check(rowSum === board.progress.numerator, `the counties' covered villages add up to ${rowSum}, not the province's ${board.progress.numerator}`);
    check(board.overdueItems.length === 1, 'the overdue supervision item is on the province board');
    results.push({
      name: `(a) a province's board of all its counties (${PROVINCE}, ${board.rows.length} rows)`,
      ...summary(a.samples),
      warmup: READ_WARMUP,
      requests: READ_REQUESTS,
      sql_statements: a.sqlStatements, cpu_steal_pct: a.stealPct,
      goal: `p95 < ${GOAL_MS} ms`,
      met: summary(a.samples).p95_ms < GOAL_MS,
    });
    log(`(a) ${JSON.stringify(results.at(-1))}`);

    // (b) a county's desk: its 20 targets with progress and allocation summaries.
    const b = await sequentialReads(endpoint, countyOffice, COUNTY_DESK, { code: county.code }, READ_WARMUP, READ_REQUESTS);
    check(b.last.data.targets.totalCount === 20, `the county has ${b.last.data.targets.totalCount} targets`);
    results.push({
      name: `(b) a county's 20 targets with progress and allocation summaries (${county.code})`,
      ...summary(b.samples),
      warmup: READ_WARMUP,
      requests: READ_REQUESTS,
      sql_statements: b.sqlStatements, cpu_steal_pct: b.stealPct,
      goal: `p95 < ${GOAL_MS} ms`,
      met: summary(b.samples).p95_ms < GOAL_MS,
    });
    log(`(b) ${JSON.stringify(results.at(-1))}`);

    // (c) one of the county's targets: the board of its towns.
    const c = await sequentialReads(endpoint, countyOffice, COUNTY_TARGET_BOARD, { id: countyTargets[0] }, READ_WARMUP, READ_REQUESTS);
    check(c.last.data.target.board.rows.length === county.towns, 'the county board lists every town');
    results.push({
      name: `(c) a county target's board of its ${county.towns} towns (${county.code})`,
      ...summary(c.samples),
      warmup: READ_WARMUP,
      requests: READ_REQUESTS,
      sql_statements: c.sqlStatements, cpu_steal_pct: c.stealPct,
      goal: `p95 < ${GOAL_MS} ms`,
      met: summary(c.samples).p95_ms < GOAL_MS,
    });
    log(`(c) ${JSON.stringify(results.at(-1))}`);

    // (d) all 20 boards of the county in one request: 20 × its towns rows.
    const d = await sequentialReads(endpoint, countyOffice, COUNTY_ALL_BOARDS, { code: county.code }, 100, 200);
    const rows = d.last.data.targets.edges.reduce((n: number, e: { node: { board: { rows: unknown[] } } }) => n + e.node.board.rows.length, 0);
    check(rows === 20 * county.towns, `the 20 boards hold ${rows} rows`);
    results.push({
      name: `(d) the county's 20 targets each with the board of its towns in one request (${rows} rows)`,
      ...summary(d.samples),
      warmup: 100,
      requests: 200,
      sql_statements: d.sqlStatements, cpu_steal_pct: d.stealPct,
      goal: 'none (a measure of scale: 20 boards at once)',
    });
    log(`(d) ${JSON.stringify(results.at(-1))}`);
    output = {
      benchmark: 'targets',
      date: new Date().toISOString(),
      today_in_china: today,
      load_average_at_start: loadAtStart,
      load_average_at_end: loadAverage(),
      machine: machineLine(serverVersion),
      machine_floor_select_1_us: floorUs,
      runtime: `Node ${process.version}, graphql-js with NODE_ENV=production, server in-process (statement counts exposed), read clients on a thread of their own`,
      data: { data_set: BENCH_DATABASE, generated_on: prepared.generatedOn, province: PROVINCE, counties, county: county.code, towns: county.towns, county_targets: 20 },
      results,
    };
  } finally {
    await server.stop();
    await database.close();
  }
  saveResults('targets', output);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
