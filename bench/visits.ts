import './production-runtime';
import 'reflect-metadata';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { Role } from '../src/kernel/actor';
import { createDataSource } from '../src/db/data-source';
import { addMonths } from '../src/kernel/dates';
import { thisMonthInChina, todayInChina } from '../src/kernel/dates';
import { creditCodeCheck } from '../src/facilities/credit-code';
import { importDivisions } from '../src/jurisdictions/division-import.service';
import { hashPassword } from '../src/users/password';
import { issueToken } from '../src/users/token';
import { generatePeople } from './people';
import { benchEnvironment, benchUser, check, clientThread, keptDataSet, loadAverage, log, machineFloorUs, machineLine, onServer, progress, saveResults, sequentialReads, timedCase } from './support';
import { benchServer } from './server';

// npm run bench:visits [-- --fresh]: home visits in one province (江苏省, its own tree alone): 100,000
// enrolled recipients, a provider under contract in every county, ten caregivers a town, and
// 1,000,000 work orders in last month, verified and void, with their sign-in and sign-out events.
// Through the HTTP GraphQL API it times a caregiver's sign-in and sign-out (verification and the
// compliance roll-up included), a county's compliance board, a recipient's month, and closing last
// month for the whole province. Writes bench/results/visits.json.
//
// The data set lives in its own database and is reused while its month is last month; --fresh builds it again.

const BENCH_DATABASE = 'yiyang_bench_visits';
const DATASET_VERSION = 1;
const MARKER_KEY = 'bench:visits:dataset';
const PROVINCE = '32';
const PEOPLE = 110_000;
const RECIPIENTS = 100_000;
const ORDERS_PER_RECIPIENT = 10;
const CAREGIVERS_PER_TOWN = 10;
/** Sign-ins measured (after the warm-up), each by another caregiver on an order of today. */
const VISIT_WARMUP = 100;
const VISITS = 500;
const READ_WARMUP = 200;
const READS = 500;

const CHECK_IN = `mutation($input: VisitEventInput!) { checkIn(input: $input) { replayed reasons order { id state } } }`;
const CHECK_OUT = `mutation($input: VisitEventInput!) { checkOut(input: $input) { replayed reasons order { id state minutes } } }`;
const FIGURES = `recipients recipientsMet metShare requiredVisits makeUpVisits verifiedVisits verifiedHours voidOrders voidRate`;
const BOARD = `query($at: String!, $month: Month!) {
  careCompliance(at: $at, month: $month) { closed ${FIGURES} children { jurisdiction { code name } rank ${FIGURES} } }
}`;
const RECIPIENT_MONTH = `query($person: ID!, $month: Month!) {
  recipientCareMonth(person: $person, month: $month) { requiredVisits makeUpOwed verifiedVisits verifiedMinutes voidOrders met distinctItemsThisYear visits { orderId serviceDay minutes } }
}`;
const CLOSE = `mutation($under: String!, $month: Month!, $reclose: Boolean) { closeCareMonth(under: $under, month: $month, reclose: $reclose) { enrolled requiredVisits closed } }`;
const PLAN = `mutation($under: String!, $month: Month!) { planCareMonth(under: $under, month: $month) { enrolled } }`;

/** A valid unified social credit code for the bench's provider of county `n`. */
function creditCode(n: number): string {
  const prefix = `52320000${String(n).padStart(9, '0')}`;
  return prefix + creditCodeCheck(prefix);
}

/** The JIANGDU care rules at the province, and in every county a review procedure, a scheme, and a provider under contract for all its towns and every item. */
async function configure(gql: ReturnType<typeof import('./support').gqlClient>, admin: string, counties: { code: string; towns: string[] }[]): Promise<void> {
  await gql(`mutation($input: DefineCareRulesInput!) { defineCareRules(input: $input) { id } }`, { input: { jurisdictionCode: PROVINCE, effectiveFrom: '2026-01-01', fromTemplate: 'JIANGDU' } }, admin);
  const catalogue = ['MEALS', 'CLEANING', 'EMERGENCY', 'PERSONAL_CARE', 'COMPANIONSHIP', 'ERRANDS'].flatMap((item) =>
    ['FREE', 'LOW_PAID', 'PAID'].map((serviceClass) => ({ item, serviceClass, unitPriceFen: 5000 })),
  );
  for (const [i, county] of counties.entries()) {
    await gql(`mutation($input: DefineProcedureInput!) { defineReviewProcedure(input: $input) { id } }`, { input: { jurisdictionCode: county.code, effectiveFrom: '2025-01-01', fromTemplate: 'JIANGDU' } }, admin);
    await gql(
      `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`,
      {
        input: {
          jurisdictionCode: county.code,
          name: '居家养老服务补贴',
          kind: 'HARDSHIP_CARE_SUBSIDY',
          version: { fromMonth: '2025-01', requiresApplication: true, funding: [{ level: 'COUNTY', weight: 7 }, { level: 'TOWN', weight: 3 }], tiers: [{ name: '服务补贴', amountFen: 10000, minAge: 60 }] },
        },
      },
      admin,
    );
    const organisation = { creditCode: creditCode(i + 1), name: `居家养老服务中心${county.code}` };
    await gql(`mutation($input: AdmitProviderInput!) { admitProvider(input: $input) { id } }`, { input: { jurisdictionCode: county.code, organisation, admittedOn: '2025-12-01' } }, admin);
    await gql(
      `mutation($input: CreateContractInput!) { createContract(input: $input) { id } }`,
      { input: { jurisdictionCode: county.code, provider: organisation.creditCode, area: county.towns, from: '2026-01-01', until: '2026-12-31', catalogue } },
      admin,
    );
  }
}

/**
 * The recipients: the first 100,000 living people by id, each approved at their village (a case of
 * their county's procedure) and enrolled in its scheme from January; their home places (around their
 * county's seat, a fixed hash apart) and service cards (the token `card-<id>`, its SHA-256 stored);
 * ten trained caregivers a town, working for their county's provider.
 */
/** The recipients as a temporary table: the first 100,000 living people by id, numbered within their town. */
async function recipientTable(db: DataSource): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS bench_recipient`);
  await db.query(`
    CREATE TEMP TABLE bench_recipient AS
    SELECT r.*, (row_number() OVER (PARTITION BY r.town_code ORDER BY r.person_id) - 1)::int AS n_in_town
    FROM (SELECT p.id AS person_id, v.id AS village_id, v.code AS village_code, left(v.code, 9) AS town_code
      FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.status = 'ACTIVE' ORDER BY p.id LIMIT ${RECIPIENTS}) r`);
  await db.query(`ALTER TABLE bench_recipient ADD PRIMARY KEY (person_id)`);
}

async function generateRecipients(db: DataSource, filedBy: number): Promise<void> {
  await recipientTable(db);
  await db.query(
    `INSERT INTO application_case (person_id, village_id, village_code, procedure_id, state, filed_on, filed_by, filed_as_role, filer, decided_on)
     SELECT r.person_id, r.village_id, r.village_code, rp.id, 'APPROVED', date '2025-11-10', $1, 'VILLAGE_WORKER', 'VILLAGE_WORKER', date '2025-12-10'
     FROM bench_recipient r JOIN jurisdiction c ON c.code = left(r.village_code, 6) JOIN review_procedure rp ON rp.jurisdiction_id = c.id`,
    [filedBy],
  );
  await db.query(`
    INSERT INTO application_case_scheme (case_id, scheme_id)
    SELECT a.id, s.id FROM application_case a JOIN jurisdiction c ON c.code = left(a.village_code, 6) JOIN subsidy_scheme s ON s.jurisdiction_id = c.id`);
  await db.query(`
    INSERT INTO enrolment (person_id, scheme_id, case_id, from_month)
    SELECT a.person_id, s.scheme_id, a.id, date '2026-01-01' FROM application_case a JOIN application_case_scheme s ON s.case_id = a.id`);
  await db.query(`
    INSERT INTO person_home_place (person_id, lat, lng)
    SELECT person_id, 32.0 + (person_id % 1000) / 1000.0, 119.0 + (person_id / 1000 % 1000) / 1000.0 FROM bench_recipient`);
  await db.query(`INSERT INTO service_card (person_id, token_hash) SELECT person_id, sha256(convert_to('card-' || person_id, 'UTF8')) FROM bench_recipient`);
  await db.query(`
    INSERT INTO caregiver (organisation_id, jurisdiction_id, name, work_card_number, phone, started_on, trained, trained_on, training)
    SELECT c.organisation_id, t.id, '护理员' || t.code || '-' || k, 'T' || t.code || '-' || k, '139' || lpad((t.id * 10 + k)::text, 8, '0'),
      date '2025-06-01', true, date '2025-07-01', '岗前培训'
    FROM jurisdiction t JOIN service_contract c ON c.jurisdiction_id = (SELECT id FROM jurisdiction WHERE code = left(t.code, 6))
    CROSS JOIN generate_series(0, ${CAREGIVERS_PER_TOWN - 1}) AS k
    WHERE t.level = 'TOWN' AND t.code LIKE '${PROVINCE}%'`);
  await db.query(`ANALYZE application_case; ANALYZE enrolment; ANALYZE caregiver; ANALYZE person_home_place; ANALYZE service_card`);
}

/**
 * Last month's orders: ten a recipient, each by one of their town's caregivers in a slot of its own
 * (eight a day from 07:00, 90 minutes apart: no caregiver's visits overlap), 60 to 89 minutes long; one
 * in 33 lasted 40 minutes and is VOID (SHORTER_THAN_MINIMUM). Each has its sign-in and sign-out
 * events, at home, the card scanned. Written a county at a time, as the API leaves them.
 */
async function generateOrders(db: DataSource, month: string): Promise<void> {
  const counties: { code: string }[] = await db.query(`SELECT code FROM jurisdiction WHERE level = 'COUNTY' AND code LIKE '${PROVINCE}%' ORDER BY code`);
  progress.stage('generate orders', counties.length);
  for (const county of counties) {
    await db.query(
      `WITH planned AS (
         SELECT r.person_id, r.village_code, c.organisation_id, c.id AS contract_id, g.id AS caregiver_id, o.k,
           (r.n_in_town * ${ORDERS_PER_RECIPIENT} + o.k) / ${CAREGIVERS_PER_TOWN} AS slot,
           (r.person_id + o.k) % 33 = 0 AS short
         FROM bench_recipient r
         JOIN service_contract c ON c.jurisdiction_id = (SELECT id FROM jurisdiction WHERE code = $1)
         CROSS JOIN generate_series(0, ${ORDERS_PER_RECIPIENT - 1}) AS o (k)
         JOIN caregiver g ON g.work_card_number = 'T' || r.town_code || '-' || ((r.n_in_town * ${ORDERS_PER_RECIPIENT} + o.k) % ${CAREGIVERS_PER_TOWN})
         WHERE r.village_code LIKE $1 || '%'
       ), timed AS (
         SELECT p.*, ($2::date + (p.slot / 8) % 28) AS day,
           ($2::date + (p.slot / 8) % 28) + time '07:00' + (p.slot % 8) * interval '90 minutes' - interval '8 hours' AS check_in_at,
           CASE WHEN p.short THEN 40 ELSE 60 + (p.person_id + p.k) % 30 END AS minutes
         FROM planned p
       )
       INSERT INTO work_order (person_id, village_code, organisation_id, caregiver_id, contract_id, items, service_class, booked_by_kind, planned_day,
         state, check_in_at, check_out_at, service_day, received_at, minutes, void_reasons, decided_at, created_at, updated_at)
       SELECT t.person_id, t.village_code, t.organisation_id, t.caregiver_id, t.contract_id,
         ARRAY[(ARRAY['MEALS', 'CLEANING', 'PERSONAL_CARE', 'COMPANIONSHIP', 'ERRANDS'])[1 + (t.person_id + t.k) % 5]], 'FREE', 'PROVIDER', t.day,
         CASE WHEN t.short THEN 'VOID' ELSE 'VERIFIED' END::work_order_state, t.check_in_at, t.check_in_at + t.minutes * interval '1 minute', t.day,
         t.check_in_at + t.minutes * interval '1 minute' + interval '5 seconds', CASE WHEN t.short THEN NULL ELSE t.minutes END,
         CASE WHEN t.short THEN ARRAY['SHORTER_THAN_MINIMUM'] ELSE '{}' END, t.check_in_at + t.minutes * interval '1 minute' + interval '5 seconds',
         t.day - 3 + time '09:00', t.check_in_at + t.minutes * interval '1 minute' + interval '5 seconds'
       FROM timed t`,
      [county.code, `${month}-01`],
    );
    progress.advance();
  }
  progress.done();
  await db.query(`
    INSERT INTO visit_event (order_id, kind, caregiver_id, client_id, device_at, server_at, lat, lng, card_token_hash)
    SELECT o.id, e.kind::visit_event_kind, o.caregiver_id, md5(o.id || e.kind)::uuid, CASE e.kind WHEN 'CHECK_IN' THEN o.check_in_at ELSE o.check_out_at END,
      CASE e.kind WHEN 'CHECK_IN' THEN o.check_in_at ELSE o.check_out_at END + interval '5 seconds', h.lat, h.lng, s.token_hash
    FROM work_order o JOIN person_home_place h ON h.person_id = o.person_id
    JOIN service_card s ON s.person_id = o.person_id AND s.replaced_at IS NULL
    CROSS JOIN (VALUES ('CHECK_IN'), ('CHECK_OUT')) AS e (kind)`);
  await db.query(`ANALYZE work_order; ANALYZE visit_event`);
}

/** The measured caregivers: in each of the first towns one without an order today or yesterday (earlier runs' are busy: a run just after midnight in China signs in the day before), each with an account and an order of today for a recipient of their town. */
async function visitCallers(db: DataSource, passwordHash: string, today: string, count: number) {
  const rows: { caregiverId: number; orderId: number; personId: number; lat: number; lng: number; userId: number; passwordVersion: number }[] = await db.query(
    `WITH free AS (
       SELECT g.id, g.organisation_id, t.code AS town_code FROM caregiver g JOIN jurisdiction t ON t.id = g.jurisdiction_id
       WHERE NOT EXISTS (SELECT 1 FROM work_order w WHERE w.caregiver_id = g.id AND w.planned_day >= $3::date - 1)
     ), picked AS (
       SELECT DISTINCT ON (f.town_code) f.town_code, r.person_id, f.id AS caregiver_id, f.organisation_id, r.village_code
       FROM free f JOIN (SELECT p.id AS person_id, v.code AS village_code, left(v.code, 9) AS town_code
         FROM person p JOIN jurisdiction v ON v.id = p.village_id JOIN enrolment e ON e.person_id = p.id WHERE p.status = 'ACTIVE') r ON r.town_code = f.town_code
       ORDER BY f.town_code, f.id, r.person_id LIMIT $1
     ), users AS (
       INSERT INTO app_user (username, password_hash, jurisdiction_id, roles, caregiver_id)
       SELECT 'bench-visits-caregiver-' || p.caregiver_id, $2, (SELECT jurisdiction_id FROM caregiver WHERE id = p.caregiver_id), '{CAREGIVER}', p.caregiver_id FROM picked p
       ON CONFLICT (username) DO UPDATE SET active = true
       RETURNING id, caregiver_id, (extract(epoch FROM password_changed_at) * 1000)::float8 AS version
     ), orders AS (
       INSERT INTO work_order (person_id, village_code, organisation_id, caregiver_id, items, booked_by_kind, planned_day, state)
       SELECT p.person_id, p.village_code, p.organisation_id, p.caregiver_id, '{CLEANING}', 'PROVIDER', $3::date, 'ASSIGNED' FROM picked p
       RETURNING id, person_id, caregiver_id
     )
     SELECT o.caregiver_id AS "caregiverId", o.id AS "orderId", o.person_id AS "personId", h.lat, h.lng, u.id AS "userId", u.version AS "passwordVersion"
     FROM orders o JOIN users u ON u.caregiver_id = o.caregiver_id JOIN person_home_place h ON h.person_id = o.person_id ORDER BY o.id`,
    [count, passwordHash, today],
  );
  check(rows.length === count, `${rows.length} caregivers for ${count} visits`);
  return rows.map((row) => ({ ...row, token: issueToken(row.userId, row.passwordVersion).token }));
}

async function main(): Promise<void> {
  const { fresh, adminUrl, benchUrl, cfg } = benchEnvironment(BENCH_DATABASE);
  const today = todayInChina();
  const lastMonth = addMonths(thisMonthInChina(), -1);
  const loadAtStart = loadAverage();
  const serverVersion = await onServer(adminUrl, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);
  const floorUs = await machineFloorUs(adminUrl);
  const reuse = await keptDataSet(adminUrl, benchUrl, BENCH_DATABASE, fresh, MARKER_KEY, (marker) => marker?.version === DATASET_VERSION && marker?.month === lastMonth);

  const builder = createDataSource({ url: benchUrl, statementTimeoutMs: 0, poolSize: 1, applicationName: 'yiyang-bench' });
  await builder.initialize();
  await builder.runMigrations({ transaction: 'each' });
  const build: Record<string, number> = {};
  const passwordHash = await hashPassword(crypto.randomBytes(16).toString('hex'));
  const { database, server, endpoint, gql } = await benchServer(cfg);
  const adminOf = () => benchUser(builder, `bench-visits-admin@${PROVINCE}`, PROVINCE, [Role.CIVIL_AFFAIRS_ADMIN], passwordHash);
  const counties: { code: string; towns: string[] }[] = [];
  if (!reuse) {
    let started = performance.now();
    const imported = await importDivisions(builder, { under: PROVINCE, progress });
    check(imported.inserted > 20_000 && imported.rejected.length === 0, `the import inserted ${imported.inserted} nodes`);
    progress.stage('generate people');
    await generatePeople(builder, PROVINCE, PEOPLE, lastMonth);
    progress.done();
    build.tree_and_people_ms = Math.round(performance.now() - started);
    started = performance.now();
    const rows: { code: string; towns: string[] }[] = await builder.query(
      `SELECT c.code, array_agg(t.code ORDER BY t.code) AS towns FROM jurisdiction c JOIN jurisdiction t ON t.parent_id = c.id
       WHERE c.level = 'COUNTY' AND c.code LIKE '${PROVINCE}%' GROUP BY c.code ORDER BY c.code`,
    );
    counties.push(...rows);
    progress.stage('configure counties through the API');
    await configure(gql, await adminOf(), counties);
    progress.done();
    build.configure_ms = Math.round(performance.now() - started);
    started = performance.now();
    const [{ id: filer }] = await builder.query(`SELECT id FROM app_user WHERE username = $1`, [`bench-visits-admin@${PROVINCE}`]);
    await generateRecipients(builder, filer);
    await generateOrders(builder, lastMonth);
    build.orders_ms = Math.round(performance.now() - started);
    await builder.query(`INSERT INTO app_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
      MARKER_KEY,
      { version: DATASET_VERSION, month: lastMonth },
    ]);
    log(`data set built: ${JSON.stringify(build)}`);
  } else {
    await recipientTable(builder);
  }
  const admin = await adminOf();
  const [{ orders, recipients }] = await builder.query(
    `SELECT count(*)::int AS orders, count(DISTINCT person_id)::int AS recipients FROM work_order WHERE service_day >= $1::date AND service_day < $1::date + interval '1 month'`,
    [`${lastMonth}-01`],
  );
  check(orders === RECIPIENTS * ORDERS_PER_RECIPIENT && recipients === RECIPIENTS, `last month holds ${orders} orders of ${recipients} recipients`);

  // Closing last month for the province: planned and closed once when the data set is built, closed again by every later run.
  if (!reuse) await gql(PLAN, { under: PROVINCE, month: lastMonth }, admin);
  const started = performance.now();
  const closed = await gql(CLOSE, { under: PROVINCE, month: lastMonth, reclose: reuse }, admin);
  const closeMs = performance.now() - started;
  check(closed.data.closeCareMonth.enrolled === RECIPIENTS && closed.data.closeCareMonth.closed, `closed ${JSON.stringify(closed.data.closeCareMonth)}`);

  // This month's vouchers (the recipients' entitlements credited once a month), so that each sign-out below
  // is charged to a voucher account as it is in 江都区, the level's meal and yearly rules applied.
  const thisMonth = thisMonthInChina();
  const [{ creditRuns }] = await builder.query(`SELECT count(*)::int AS "creditRuns" FROM ledger_credit_run WHERE month = $1::date`, [`${thisMonth}-01`]);
  if (creditRuns === 0) {
    await gql(`mutation($code: String!, $month: Month!) { runEntitlements(code: $code, month: $month) { lines } }`, { code: PROVINCE, month: thisMonth }, admin);
    await gql(`mutation($at: String!, $month: Month!) { postVoucherCredits(at: $at, month: $month) { postings } }`, { at: PROVINCE, month: thisMonth }, admin);
  }
  const [{ vouchers }] = await builder.query(`SELECT count(*)::int AS vouchers FROM ledger_account WHERE kind = 'SUBSIDY' AND balance_fen > 0`);
  check(vouchers >= RECIPIENTS / 2, `${vouchers} voucher accounts hold a balance`);

  // Sign-ins and sign-outs of today's orders, each by another caregiver, at the recipient's home with the card scanned.
  const callers = await visitCallers(builder, passwordHash, today, VISIT_WARMUP + VISITS);
  const now = Date.now();
  const event = (c: (typeof callers)[number], offsetMinutes: number) => ({
    input: { order: String(c.orderId), clientId: crypto.randomUUID(), deviceAt: new Date(now + offsetMinutes * 60_000).toISOString(), place: { lat: c.lat, lng: c.lng }, cardToken: `card-${c.personId}` },
  });
  const tokens = callers.map((c) => c.token);
  const checkIns = await clientThread(endpoint, tokens, CHECK_IN, callers.map((c) => event(c, -75)), { warmup: VISIT_WARMUP, count: VISITS });
  check(checkIns.last.data.checkIn.order.state === 'CHECKED_IN', `sign-in left ${checkIns.last.data.checkIn.order.state}`);
  const checkOuts = await clientThread(endpoint, tokens, CHECK_OUT, callers.map((c) => event(c, -5)), { warmup: VISIT_WARMUP, count: VISITS });
  const verdict = checkOuts.last.data.checkOut;
  check(verdict.order.state === 'VERIFIED' && verdict.reasons.length === 0, `sign-out left ${verdict.order.state} ${verdict.reasons}`);
  const [{ verifiedToday }] = await builder.query(`SELECT count(*)::int AS "verifiedToday" FROM work_order WHERE planned_day = $1 AND state = 'VERIFIED'`, [today]);
  check(verifiedToday >= VISIT_WARMUP + VISITS, `${verifiedToday} of today's orders verified`);

  // A county's board of last month (the county with the most towns), and recipients' months, read by county staff.
  const [{ county }] = await builder.query(
    `SELECT c.code AS county FROM jurisdiction c JOIN jurisdiction t ON t.parent_id = c.id WHERE c.level = 'COUNTY' AND c.code LIKE '${PROVINCE}%'
     GROUP BY c.code ORDER BY count(*) DESC, c.code LIMIT 1`,
  );
  const staff = await benchUser(builder, `bench-visits-staff@${county}`, county, [Role.CIVIL_AFFAIRS_STAFF], passwordHash);
  const board = await sequentialReads(endpoint, staff, BOARD, { at: county, month: lastMonth }, READ_WARMUP, READS);
  const [expected] = await builder.query(
    `SELECT count(*)::int AS verified FROM work_order WHERE village_code LIKE $1 || '%' AND state = 'VERIFIED' AND service_day >= $2::date AND service_day < $2::date + interval '1 month'`,
    [county, `${lastMonth}-01`],
  );
  check(board.last.data.careCompliance.verifiedVisits === expected.verified, `the board shows ${board.last.data.careCompliance.verifiedVisits} verified visits, the orders ${expected.verified}`);
  const people: { id: number }[] = await builder.query(
    `SELECT DISTINCT person_id AS id FROM work_order WHERE village_code LIKE $1 || '%' AND service_day >= $2::date ORDER BY 1 LIMIT ${READ_WARMUP + READS}`,
    [county, `${lastMonth}-01`],
  );
  const months = await sequentialReads(endpoint, staff, RECIPIENT_MONTH, people.map((p) => ({ person: String(p.id), month: lastMonth })), READ_WARMUP, READS);
  check(months.last.data.recipientCareMonth.visits.length > 0, 'a recipient’s month without its visits');

  await server.stop();
  await database.close();
  await builder.destroy();
  saveResults('visits', {
    benchmark: 'visits',
    date: new Date().toISOString(),
    today_in_china: today,
    machine: machineLine(serverVersion),
    machine_floor_select_1_us: floorUs,
    load_average_at_start: loadAtStart,
    load_average_at_end: loadAverage(),
    data: { province: PROVINCE, recipients: RECIPIENTS, orders_last_month: orders, caregivers_per_town: CAREGIVERS_PER_TOWN, month: lastMonth, reused: reuse, build_ms: build },
    results: [
      timedCase('check-in (a caregiver’s sign-in, its facts recorded)', checkIns.samples, 15, { warmup: VISIT_WARMUP, sql_statements: checkIns.statements.at(-1), cpu_steal_pct: checkIns.stealPct }),
      timedCase('check-out (the verdict, the compliance roll-up and the voucher charge)', checkOuts.samples, 15, { warmup: VISIT_WARMUP, sql_statements: checkOuts.statements.at(-1), cpu_steal_pct: checkOuts.stealPct }),
      timedCase(`a county’s compliance board (${county}, with its towns ranked)`, board.samples, 10, { warmup: READ_WARMUP, sql_statements: board.sqlStatements, cpu_steal_pct: board.stealPct }),
      timedCase('a recipient’s month', months.samples, 5, { warmup: READ_WARMUP, sql_statements: months.sqlStatements, cpu_steal_pct: months.stealPct }),
      { name: `closing last month for the province (${RECIPIENTS} recipients)`, p50_ms: Math.round(closeMs), p95_ms: Math.round(closeMs), requests: 1, goal: '< 60 s', met: closeMs < 60_000 },
    ],
  });
}

main().catch((error) => {
  progress.done();
  console.error(error);
  process.exit(1);
});
