import './production-runtime';
import 'reflect-metadata';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Role } from '../src/kernel/actor';
import { createDataSource } from '../src/db/data-source';
import { thisMonthInChina, todayInChina } from '../src/kernel/dates';
import { creditCodeCheck } from '../src/facilities/credit-code';
import { importDivisions } from '../src/jurisdictions/division-import.service';
import { hashPassword } from '../src/users/password';
import { generatePeople } from './people';
import { benchEnvironment, benchUser, check, freshDatabase, loadAverage, log, machineFloorUs, machineLine, onServer, progress, saveResults, sequentialReads, timedCase } from './support';
import { benchServer } from './server';

// npm run bench:ledger: the voucher ledger at a province's scale (江苏省, its own tree alone). 1,021,000
// synthetic people (1,000,580 living) under every county's home-care subsidy (7 : 3, district and town,
// as 江都区's); the month's entitlement run, then, timed through the HTTP GraphQL API, the month's voucher
// credits for the province (one voucher account each) and the same credits again (nothing to post); one
// county's provider with 100,000 verified orders charged to the vouchers, its month's settlement statement
// prepared and approved; an account's balance, a county's voucher figures and the statement read one
// request at a time. Writes bench/results/ledger.json. The database is built afresh on every run: a
// month is credited once, and a first credit is what is measured.

const BENCH_DATABASE = 'yiyang_bench_ledger';
const PROVINCE = '32';
const PEOPLE = 1_021_000;
const ORDERS = 100_000;
const ITEM_PRICE_FEN = 3000;
const MONTHLY_FEN = 5000;
const READ_WARMUP = 200;
const READS = 500;

const RUN = `mutation($code: String!, $month: Month!) { runEntitlements(code: $code, month: $month) { lines amountFen } }`;
const CREDIT = `mutation($at: String!, $month: Month!) { postVoucherCredits(at: $at, month: $month) { postings creditedFen withheld } }`;
const PREPARE = `mutation($contract: ID!, $month: Month!) { prepareSettlement(contract: $contract, month: $month) { id orders priceFen voucherFen ownFen funders { code level amountFen } towns { code } } }`;
const CHECK = `mutation($statement: ID!, $town: String!) { checkSettlementTown(statement: $statement, town: $town) { id } }`;
const REVIEW = `mutation($statement: ID!) { reviewSettlement(statement: $statement) { state } }`;
const APPROVE = `mutation($statement: ID!) { approveSettlement(statement: $statement) { state voucherFen } }`;
const VOUCHERS = `query($person: ID!) { personVouchers(person: $person, first: 10) { balanceFen ownPaidFen accounts { schemeKind balanceFen } } }`;
const FIGURES = `query($at: String!, $month: Month!) { voucherFigures(at: $at, month: $month) { creditedFen funders { level amountFen } voucherChargedFen ownPaidFen balanceFen } }`;
const STATEMENT = `query($id: ID!) { settlementStatement(id: $id) { id state orders priceFen voucherFen ownFen funders { code level amountFen } towns { code orders voucherFen checkedBy } } }`;

/** A valid unified social credit code for the bench's provider. */
function creditCode(): string {
  const prefix = '52320000000000001';
  return prefix + creditCodeCheck(prefix);
}

/** Every county's home-care subsidy through the API: 60 and over, funded 7 : 3 by the district and the town (seed 004 篇四). */
async function createSchemes(gql: ReturnType<typeof import('./support').gqlClient>, admin: string, counties: string[]): Promise<void> {
  for (const county of counties) {
    await gql(
      `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`,
      {
        input: {
          jurisdictionCode: county,
          name: '政府购买居家养老服务补贴',
          kind: 'HOME_CARE_SUBSIDY',
          version: { fromMonth: '2025-01', funding: [{ level: 'COUNTY', weight: 7 }, { level: 'TOWN', weight: 3 }], tiers: [{ name: '60周岁及以上', amountFen: MONTHLY_FEN, minAge: 60 }] },
        },
      },
      admin,
    );
    progress.advance();
  }
}

async function main(): Promise<void> {
  const { adminUrl, benchUrl, cfg } = benchEnvironment(BENCH_DATABASE);
  const month = thisMonthInChina();
  const today = todayInChina();
  const loadAtStart = loadAverage();
  const serverVersion = await onServer(adminUrl, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);
  const floorUs = await machineFloorUs(adminUrl);
  await freshDatabase(adminUrl, BENCH_DATABASE);

  const builder = createDataSource({ url: benchUrl, statementTimeoutMs: 0, poolSize: 1, applicationName: 'yiyang-bench' });
  await builder.initialize();
  await builder.runMigrations({ transaction: 'each' });
  const { database, server, endpoint, gql } = await benchServer(cfg);
  const build: Record<string, number> = {};
  const passwordHash = await hashPassword(crypto.randomBytes(16).toString('hex'));

  let started = performance.now();
  const imported = await importDivisions(builder, { under: PROVINCE, progress });
  check(imported.inserted > 20_000 && imported.rejected.length === 0, `the import inserted ${imported.inserted} nodes`);
  progress.stage('generate people');
  await generatePeople(builder, PROVINCE, PEOPLE, month);
  progress.done();
  build.tree_and_people_ms = Math.round(performance.now() - started);

  const admin = await benchUser(builder, `bench-ledger-admin@${PROVINCE}`, PROVINCE, [Role.CIVIL_AFFAIRS_ADMIN], passwordHash);
  const counties: string[] = (await builder.query(`SELECT code FROM jurisdiction WHERE level = 'COUNTY' ORDER BY code`)).map((r: { code: string }) => r.code);
  started = performance.now();
  progress.stage('schemes through the API', counties.length);
  await createSchemes(gql, admin, counties);
  progress.done();
  build.schemes_ms = Math.round(performance.now() - started);
  started = performance.now();
  const run = (await gql(RUN, { code: PROVINCE, month }, admin)).data.runEntitlements;
  build.entitlement_run_ms = Math.round(performance.now() - started);
  log(`entitlements: ${JSON.stringify(run)} in ${build.entitlement_run_ms} ms`);
  await builder.query(`VACUUM ANALYZE entitlement_line`);

  // The month's credits for the province, then again: the second finds nothing to post.
  started = performance.now();
  const credited = (await gql(CREDIT, { at: PROVINCE, month }, admin)).data.postVoucherCredits;
  const creditMs = performance.now() - started;
  started = performance.now();
  const again = (await gql(CREDIT, { at: PROVINCE, month }, admin)).data.postVoucherCredits;
  const againMs = performance.now() - started;
  const [{ accounts }] = await builder.query(`SELECT count(*)::int AS accounts FROM ledger_account WHERE kind = 'SUBSIDY'`);
  log(`credits: ${JSON.stringify(credited)} in ${Math.round(creditMs)} ms; again ${JSON.stringify(again)} in ${Math.round(againMs)} ms; ${accounts} accounts`);
  check(accounts >= 1_000_000 && credited.postings === accounts && credited.creditedFen === run.amountFen, `credited ${JSON.stringify(credited)} to ${accounts} accounts of ${run.amountFen} fen due`);
  check(again.postings === 0 && again.creditedFen === 0, `the second credit posted ${JSON.stringify(again)}`);
  for (const table of ['ledger_account', 'ledger_posting', 'ledger_line', 'ledger_figure']) await builder.query(`VACUUM ANALYZE ${table}`);

  // One county's provider: the county with the most people, a contract for all its towns, a caregiver a town.
  const [{ county }] = await builder.query(
    `SELECT left(v.code, 6) AS county FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.status = 'ACTIVE' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
  );
  const towns: string[] = (await builder.query(`SELECT t.code FROM jurisdiction t JOIN jurisdiction c ON c.id = t.parent_id WHERE c.code = $1 ORDER BY t.code`, [county])).map(
    (r: { code: string }) => r.code,
  );
  const organisation = { creditCode: creditCode(), name: `居家养老服务中心${county}` };
  await gql(`mutation($input: AdmitProviderInput!) { admitProvider(input: $input) { id } }`, { input: { jurisdictionCode: county, organisation, admittedOn: '2025-12-01' } }, admin);
  const catalogue = ['MEALS', 'CLEANING', 'PERSONAL_CARE', 'COMPANIONSHIP'].map((item) => ({ item, serviceClass: 'LOW_PAID', unitPriceFen: ITEM_PRICE_FEN }));
  const contract = (
    await gql(`mutation($input: CreateContractInput!) { createContract(input: $input) { id } }`, { input: { jurisdictionCode: county, provider: organisation.creditCode, area: towns, from: '2026-01-01', until: '2026-12-31', catalogue } }, admin)
  ).data.createContract.id;
  await builder.query(
    `INSERT INTO caregiver (organisation_id, jurisdiction_id, name, work_card_number, phone, started_on, trained, trained_on, training)
     SELECT c.organisation_id, t.id, '护理员' || t.code, 'T' || t.code, '139' || lpad(t.id::text, 8, '0'), date '2025-06-01', true, date '2025-07-01', '岗前培训'
       FROM jurisdiction t JOIN service_contract c ON c.id = $2 WHERE t.code = ANY ($1::varchar[])`,
    [towns, contract],
  );

  // 100,000 orders of the county's living people this month, signed in, then verified set-wise: each is
  // charged by the ledger's trigger as a sign-out charges it (a cleaning visit, or a meal one in four).
  started = performance.now();
  const days = Math.min(Number(today.slice(8, 10)), 28);
  await builder.query(
    `WITH people AS (
       SELECT p.id, v.code AS village_code, row_number() OVER (ORDER BY p.id) - 1 AS n, count(*) OVER () AS total
         FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.status = 'ACTIVE' AND v.code LIKE $1 || '%')
     INSERT INTO work_order (person_id, village_code, organisation_id, caregiver_id, contract_id, items, service_class, booked_by_kind, planned_day,
       state, check_in_at, service_day, received_at)
     SELECT p.id, p.village_code, c.organisation_id, g.id, c.id, CASE WHEN k % 4 = 0 THEN '{MEALS}' ELSE '{CLEANING}' END::text[], 'LOW_PAID', 'PROVIDER', d.day,
       'CHECKED_IN', d.day + time '09:00' - interval '8 hours', d.day, d.day + time '09:00' - interval '8 hours'
       FROM generate_series(0, $2 - 1) AS k
       JOIN people p ON p.n = k % p.total
       JOIN service_contract c ON c.id = $3
       JOIN caregiver g ON g.work_card_number = 'T' || left(p.village_code, 9)
       CROSS JOIN LATERAL (SELECT $4::date + (k % $5)::int AS day) d`,
    [county, ORDERS, contract, `${month}-01`, days],
  );
  build.orders_ms = Math.round(performance.now() - started);
  started = performance.now();
  progress.stage('verify and charge the orders', 10);
  for (let part = 0; part < 10; part++) {
    await builder.query(
      `UPDATE work_order SET state = 'VERIFIED', minutes = 65, check_out_at = check_in_at + interval '65 minutes', decided_at = check_in_at + interval '65 minutes'
        WHERE contract_id = $1 AND state = 'CHECKED_IN' AND id % 10 = $2`,
      [contract, part],
    );
    progress.advance();
  }
  progress.done();
  const chargeMs = performance.now() - started;
  const [{ charged }] = await builder.query(`SELECT count(*)::int AS charged FROM ledger_posting WHERE cause = 'CHARGE'`);
  check(charged === ORDERS, `${charged} orders charged of ${ORDERS}`);
  for (const table of ['work_order', 'ledger_posting', 'ledger_line', 'ledger_unsettled']) await builder.query(`VACUUM ANALYZE ${table}`);

  // The provider's month: prepared (timed), checked by every town, reviewed, approved (timed).
  const staff = await benchUser(builder, `bench-ledger-staff@${county}`, county, [Role.CIVIL_AFFAIRS_STAFF], passwordHash);
  const finance = await benchUser(builder, `bench-ledger-finance@${county}`, county, [Role.FINANCE], passwordHash);
  started = performance.now();
  const statement = (await gql(PREPARE, { contract, month }, admin)).data.prepareSettlement;
  const prepareMs = performance.now() - started;
  log(`statement: ${JSON.stringify({ ...statement, towns: statement.towns.length })} in ${Math.round(prepareMs)} ms`);
  check(statement.orders === ORDERS && statement.priceFen === ORDERS * ITEM_PRICE_FEN, `the statement holds ${statement.orders} orders, ${statement.priceFen} fen`);
  check(statement.funders.reduce((sum: number, f: { amountFen: number }) => sum + f.amountFen, 0) === statement.voucherFen, 'the funders’ shares do not add up to the vouchers');
  for (const town of statement.towns) await gql(CHECK, { statement: statement.id, town: town.code }, admin);
  await gql(REVIEW, { statement: statement.id }, staff);
  started = performance.now();
  const approved = (await gql(APPROVE, { statement: statement.id }, finance)).data.approveSettlement;
  const approveMs = performance.now() - started;
  check(approved.state === 'APPROVED' && approved.voucherFen === statement.voucherFen, `approval left ${JSON.stringify(approved)}`);

  // Reads, one request at a time: recipients' vouchers (each read audited), the county's figures, the statement.
  const people: { id: number }[] = await builder.query(`SELECT DISTINCT person_id AS id FROM work_order WHERE contract_id = $1 ORDER BY 1 LIMIT ${READ_WARMUP + READS}`, [contract]);
  const balances = await sequentialReads(endpoint, staff, VOUCHERS, people.map((p) => ({ person: String(p.id) })), READ_WARMUP, READS);
  check(balances.last.data.personVouchers.accounts.length === 1, 'a recipient without a voucher account');
  const figures = await sequentialReads(endpoint, staff, FIGURES, { at: county, month }, READ_WARMUP, READS);
  const [{ due }] = await builder.query(
    `SELECT sum(l.amount_fen)::float8 AS due FROM entitlement_line l JOIN jurisdiction v ON v.id = l.village_id WHERE l.month = $1::date AND v.code LIKE $2 || '%'`,
    [`${month}-01`, county],
  );
  check(figures.last.data.voucherFigures.creditedFen === due, `the county's figures credit ${figures.last.data.voucherFigures.creditedFen} fen, its lines ${due}`);
  const provinceFigures = await sequentialReads(endpoint, admin, FIGURES, { at: PROVINCE, month }, READ_WARMUP, READS);
  check(provinceFigures.last.data.voucherFigures.creditedFen === run.amountFen, 'the province’s figures differ from its run');
  const statementReads = await sequentialReads(endpoint, finance, STATEMENT, { id: statement.id }, READ_WARMUP, READS);

  await server.stop();
  await database.close();
  await builder.destroy();
  saveResults('ledger', {
    benchmark: 'ledger',
    date: new Date().toISOString(),
    month,
    machine: machineLine(serverVersion),
    machine_floor_select_1_us: floorUs,
    load_average_at_start: loadAtStart,
    load_average_at_end: loadAverage(),
    data: { province: PROVINCE, people: PEOPLE, voucher_accounts: accounts, county, towns: towns.length, orders: ORDERS, build_ms: build, credit: credited, statement: { ...statement, towns: statement.towns.length } },
    results: [
      { name: `the month’s voucher credits for the province (${accounts} accounts, one posting each)`, p50_ms: Math.round(creditMs), p95_ms: Math.round(creditMs), requests: 1, goal: '< 60 s', met: creditMs < 60_000 },
      { name: 'the same credits again (nothing changed, nothing posted)', p50_ms: Math.round(againMs), p95_ms: Math.round(againMs), requests: 1 },
      { name: `charging ${ORDERS} orders as they are verified (the sign-out's trigger, 10 statements)`, p50_ms: Math.round(chargeMs), p95_ms: Math.round(chargeMs), requests: 10, per_order_ms: Math.round((chargeMs / ORDERS) * 1000) / 1000 },
      { name: `a provider’s monthly statement of ${ORDERS} orders, prepared`, p50_ms: Math.round(prepareMs), p95_ms: Math.round(prepareMs), requests: 1, goal: '< 10 s', met: prepareMs < 10_000 },
      { name: 'the statement approved (its payable postings, one per village)', p50_ms: Math.round(approveMs), p95_ms: Math.round(approveMs), requests: 1 },
      timedCase('a recipient’s voucher account and postings (audited read)', balances.samples, 5, { warmup: READ_WARMUP, sql_statements: balances.sqlStatements, cpu_steal_pct: balances.stealPct }),
      timedCase(`a county’s voucher figures (${county})`, figures.samples, 5, { warmup: READ_WARMUP, sql_statements: figures.sqlStatements, cpu_steal_pct: figures.stealPct }),
      timedCase(`the province’s voucher figures (${PROVINCE})`, provinceFigures.samples, 5, { warmup: READ_WARMUP, sql_statements: provinceFigures.sqlStatements, cpu_steal_pct: provinceFigures.stealPct }),
      timedCase('the settlement statement with its towns and funders', statementReads.samples, 10, { warmup: READ_WARMUP, sql_statements: statementReads.sqlStatements, cpu_steal_pct: statementReads.stealPct }),
    ],
  });
}

main().catch((error) => {
  progress.done();
  console.error(error);
  process.exit(1);
});
