import './production-runtime';
import 'reflect-metadata';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { Role } from '../src/kernel/actor';
import { createDataSource } from '../src/db/data-source';
import { addMonths, thisMonthInChina } from '../src/kernel/dates';
import { importDivisions } from '../src/jurisdictions/division-import.service';
import { hashPassword } from '../src/users/password';
import { generatePeople } from './people';
import { benchEnvironment, benchUser, check, gqlClient, keptDataSet, log, machineFloorUs, machineLine, onServer, progress, saveResults, sequentialReads, summary } from './support';
import { benchServer } from './server';

// npm run bench:entitlements [-- --fresh]: the monthly entitlement run for 1,000,000 synthetic people
// living in one province of the real national tree (江苏省, under the province's old-age allowance and
// every county's pair of 江都区-style subsidies), through the HTTP GraphQL API, run fresh and again;
// then the province's monthly totals read one request at a time. Writes bench/results/entitlements.json.
//
// The data set (tree, people, schemes) lives in its own database and is reused by later runs; --fresh
// builds it again.

const BENCH_DATABASE = 'yiyang_bench_entitlements';
const DATASET_VERSION = 1;
const MARKER_KEY = 'bench:entitlements:dataset';
const PROVINCE = '32';
const PEOPLE = 1_000_000;
const READ_WARMUP = 300;
const READ_REQUESTS = 500;

const HARDSHIP = ['EXTREME_POVERTY_DISPERSED', 'MINIMUM_LIVING_ALLOWANCE', 'BEREAVED_PARENTS', 'ENTITLED_GROUPS', 'MODEL_WORKER', 'CHILDLESS_WIDOWED'];
const ALL_LEVELS = ['INTACT', 'MILD', 'MODERATE', 'SEVERE', 'DEMENTIA'];

/** The province's allowance and its floor, and every county's two 江都区-style subsidies, created through the API. */
async function createSchemes(gql: ReturnType<typeof gqlClient>, token: string, counties: string[]): Promise<number> {
  const create = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`;
  await gql(
    `mutation($input: CreateFloorInput!) { createSubsidyFloor(input: $input) { id } }`,
    { input: { jurisdictionCode: PROVINCE, kind: 'OLD_AGE_ALLOWANCE', minAge: 90, maxAge: 99, amountFen: 5000, fromMonth: '2024-01' } },
    token,
  );
  await gql(
    create,
    {
      input: {
        jurisdictionCode: PROVINCE,
        name: '江苏省高龄津贴',
        kind: 'OLD_AGE_ALLOWANCE',
        version: {
          fromMonth: '2024-01',
          funding: [
            { level: 'PROVINCE', weight: 5 },
            { level: 'COUNTY', weight: 5 },
          ],
          tiers: [
            { name: '80-89周岁', amountFen: 3000, minAge: 80, maxAge: 89 },
            { name: '90-99周岁', amountFen: 5000, minAge: 90, maxAge: 99 },
            { name: '100周岁及以上', amountFen: 30000, minAge: 100 },
          ],
        },
      },
    },
    token,
  );
  const terms = { hukouRequired: true, minResidentMonths: 6 };
  const funding = [
    { level: 'COUNTY', weight: 7 },
    { level: 'TOWN', weight: 3 },
  ];
  const byAbility: [string, number, string[]][] = [
    ['自理', 8000, ['INTACT']],
    ['半失能', 15000, ['MILD', 'MODERATE']],
    ['失能', 26000, ['SEVERE', 'DEMENTIA']],
  ];
  for (const county of counties) {
    const group = `${county}居家养老服务补贴`;
    await gql(
      create,
      {
        input: {
          jurisdictionCode: county,
          name: '困难老人养老服务补贴',
          kind: 'HARDSHIP_CARE_SUBSIDY',
          version: {
            fromMonth: '2024-01',
            exclusionGroup: group,
            funding,
            tiers: [
              ...byAbility.map(([name, amount, abilities]) => ({ name: `困难老人·${name}`, amountFen: amount, minAge: 60, categoriesAny: HARDSHIP, abilities, ...terms })),
              ...byAbility.map(([name, amount, abilities]) => ({ name: `空巢独居·${name}`, amountFen: amount, minAge: 60, livingSituations: ['EMPTY_NEST', 'ALONE'], abilities, ...terms })),
            ],
          },
        },
      },
      token,
    );
    await gql(
      create,
      {
        input: {
          jurisdictionCode: county,
          name: '高龄老年人养老服务补贴',
          kind: 'OLD_AGE_ALLOWANCE',
          version: { fromMonth: '2024-01', exclusionGroup: group, funding, tiers: [{ name: '80周岁及以上', amountFen: 6000, minAge: 80, abilities: ALL_LEVELS, ...terms }] },
        },
      },
      token,
    );
  }
  return 1 + counties.length * 2;
}

const RUN = `mutation($code: String!, $month: Month!) {
  runEntitlements(code: $code, month: $month) { id people recipients lines replacedLines amountFen }
}`;
const TOTALS = `query($code: String!, $month: Month!) {
  jurisdiction(code: $code) {
    subsidyTotals(month: $month) {
      recipients amountFen funders { level amountFen }
      schemes { schemeId name kind jurisdiction { code } recipients amountFen funders { level amountFen } }
    }
  }
}`;
const TOTALS_HEADLINE = `query($code: String!, $month: Month!) {
  jurisdiction(code: $code) { subsidyTotals(month: $month) { recipients amountFen funders { level amountFen } } }
}`;

async function main(): Promise<void> {
  const { fresh, adminUrl, benchUrl, cfg } = benchEnvironment(BENCH_DATABASE);
  const month = thisMonthInChina();
  const serverVersion = await onServer(adminUrl, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);
  const floorUs = await machineFloorUs(adminUrl);

  const reuse = await keptDataSet(adminUrl, benchUrl, BENCH_DATABASE, fresh, MARKER_KEY, (marker) => marker?.version === DATASET_VERSION);
  const build: Record<string, number> = {};

  // Building and clearing run without the server's statement timeout, on a connection of their own.
  const builder = createDataSource({ url: benchUrl, statementTimeoutMs: 0, poolSize: 1, applicationName: 'yiyang-bench' });
  await builder.initialize();
  await builder.runMigrations({ transaction: 'each' });
  // Requests run as the application role, as in main.ts; the bench's own writes as the owner.
  const { database, dataSource, server, endpoint, gql } = await benchServer(cfg);
  const results: Record<string, unknown>[] = [];
  let output: Record<string, unknown>;
  try {
    const passwordHash = await hashPassword(crypto.randomBytes(16).toString('hex'));
    if (!reuse) {
      let started = performance.now();
      const imported = await importDivisions(builder, { under: null, progress });
      check(imported.inserted > 600_000 && imported.rejected.length === 0, `the import inserted ${imported.inserted} nodes`);
      build.tree_ms = Math.round(performance.now() - started);
      log(`tree imported in ${build.tree_ms} ms`);
      started = performance.now();
      progress.stage('generate people');
      await generatePeople(builder, PROVINCE, PEOPLE, month);
      progress.done();
      build.people_ms = Math.round(performance.now() - started);
      log(`people generated in ${build.people_ms} ms`);
    }
    const admin = await benchUser(dataSource, `bench-civil-affairs-admin@${PROVINCE}`, PROVINCE, [Role.CIVIL_AFFAIRS_ADMIN], passwordHash);
    const finance = await benchUser(dataSource, `bench-finance@${PROVINCE}`, PROVINCE, [Role.FINANCE], passwordHash);
    if (!reuse) {
      const counties: string[] = (await dataSource.query(`SELECT code FROM jurisdiction WHERE level = 'COUNTY' AND code LIKE $1 ORDER BY code`, [`${PROVINCE}%`])).map(
        (row: { code: string }) => row.code,
      );
      const started = performance.now();
      build.schemes = await createSchemes(gql, admin, counties);
      build.schemes_ms = Math.round(performance.now() - started);
      await builder.query(`CHECKPOINT`);
      await dataSource.query(`INSERT INTO app_setting (key, value) VALUES ($1, $2)`, [MARKER_KEY, JSON.stringify({ version: DATASET_VERSION })]);
    }
    const [data] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM person) AS people,
         (SELECT count(*)::int FROM person WHERE status = 'ACTIVE') AS active,
         (SELECT count(*)::int FROM jurisdiction WHERE level = 'VILLAGE' AND code LIKE $1) AS villages,
         (SELECT count(*)::int FROM jurisdiction) AS nodes,
         (SELECT count(*)::int FROM subsidy_scheme) AS schemes`,
      [`${PROVINCE}%`],
    );
    log(`data: ${JSON.stringify(data)}`);

    // The run: first on a month without lines (the last bench's are cleared), then again over its own.
    await builder.query(`DELETE FROM entitlement_line WHERE month = $1::date`, [`${month}-01`]);
    await builder.query(`DELETE FROM entitlement_total WHERE month = $1::date`, [`${month}-01`]);
    await builder.query(`VACUUM ANALYZE entitlement_line`);
    await builder.query(`VACUUM ANALYZE entitlement_total`);
    const runs: { ms: number; nodeCpuMs: number; run: any }[] = [];
    for (const label of ['first', 'again']) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const { data: result } = await gql(RUN, { code: PROVINCE, month }, admin);
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const nodeCpuMs = Math.round((used.user + used.system) / 1000);
      runs.push({ ms, nodeCpuMs, run: result.runEntitlements });
      log(`run (${label}): ${Math.round(ms)} ms, server process CPU ${nodeCpuMs} ms ${JSON.stringify(result.runEntitlements)}`);
    }
    const [first, again] = runs;
    check(first.run.people === data.active, `the run considered ${first.run.people} people of ${data.active} active`);
    check(JSON.stringify({ ...first.run, id: 0, replacedLines: 0 }) === JSON.stringify({ ...again.run, id: 0, replacedLines: 0 }), 'the second run differs from the first');
    check(again.run.replacedLines === first.run.lines, `the second run replaced ${again.run.replacedLines} of ${first.run.lines} lines`);
    for (const [label, { ms, nodeCpuMs, run }] of [['first run of the month', first], ['the month run again (replacing its lines)', again]] as const) {
      results.push({
        name: `monthly run for ${PROVINCE} 江苏省, ${label}`,
        p50_ms: Math.round(ms),
        p95_ms: Math.round(ms),
        runs: 1,
        people: run.people,
        people_per_s: Math.round(run.people / (ms / 1000)),
        server_process_cpu_ms: nodeCpuMs,
        recipients: run.recipients,
        lines: run.lines,
        replaced_lines: run.replacedLines,
        amount_fen: run.amountFen,
        goal: 'under 60 s',
        met: ms < 60_000,
      });
    }

    // The province's totals, read by the finance bureau once the runs' writes are flushed and vacuumed
    // (reads measured in steady state, not while autovacuum and the checkpointer catch up).
    await builder.query(`VACUUM ANALYZE entitlement_line`);
    await builder.query(`VACUUM ANALYZE entitlement_total`);
    await builder.query(`CHECKPOINT`);
    const full = await sequentialReads(endpoint, finance, TOTALS, { code: PROVINCE, month }, READ_WARMUP, READ_REQUESTS);
    const totals = full.last.data.jurisdiction.subsidyTotals;
    const [fromLines] = await dataSource.query(
      `SELECT count(DISTINCT person_id)::int AS recipients, sum(amount_fen)::bigint::text AS amount FROM entitlement_line WHERE month = $1::date`,
      [`${month}-01`],
    );
    check(totals.recipients === fromLines.recipients && String(totals.amountFen) === fromLines.amount, `totals ${JSON.stringify(totals)} vs lines ${JSON.stringify(fromLines)}`);
    check(totals.funders.reduce((sum: number, f: any) => sum + f.amountFen, 0) === totals.amountFen, 'funders do not add up');
    check(totals.schemes.reduce((sum: number, s: any) => sum + s.amountFen, 0) === totals.amountFen, 'schemes do not add up');
    results.push({
      name: `province monthly totals with every scheme (${PROVINCE}, ${totals.schemes.length} schemes)`,
      ...summary(full.samples),
      warmup: READ_WARMUP,
      requests: READ_REQUESTS,
      sql_statements: full.sqlStatements, cpu_steal_pct: full.stealPct,
      goal: 'p95 < 5 ms',
      met: summary(full.samples).p95_ms < 5,
    });
    const headline = await sequentialReads(endpoint, finance, TOTALS_HEADLINE, { code: PROVINCE, month }, READ_WARMUP, READ_REQUESTS);
    results.push({
      name: `province monthly totals, recipients, fen and funding levels only (${PROVINCE})`,
      ...summary(headline.samples),
      warmup: READ_WARMUP,
      requests: READ_REQUESTS,
      sql_statements: headline.sqlStatements, cpu_steal_pct: headline.stealPct,
      goal: 'p95 < 5 ms',
      met: summary(headline.samples).p95_ms < 5,
    });
    output = {
      benchmark: 'entitlements',
      date: new Date().toISOString(),
      month,
      machine: machineLine(serverVersion),
      machine_floor_select_1_us: floorUs,
      runtime: `Node ${process.version}, graphql-js with NODE_ENV=production, server in-process, read clients on a thread of their own`,
      data: { ...data, rebuilt: !reuse, build, province: PROVINCE, totals: { recipients: totals.recipients, amountFen: totals.amountFen, funders: totals.funders } },
      results,
    };
  } finally {
    await server.stop();
    await database.close();
    await builder.destroy();
  }
  saveResults('entitlements', output);
  log('results written to bench/results/entitlements.json');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
