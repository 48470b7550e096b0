import './production-runtime';
import 'reflect-metadata';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { Role } from '../src/kernel/actor';
import { createDataSource } from '../src/db/data-source';
import { thisMonthInChina, todayInChina } from '../src/kernel/dates';
import { PACKAGE_YEARS } from '../src/calendar/package-calendar';
import { nextDay, WorkingCalendar } from '../src/calendar/working-days';
import { importDivisions } from '../src/jurisdictions/division-import.service';
import { hashPassword } from '../src/users/password';
import { generatePeople } from './people';
import { benchEnvironment, benchUser, check, clientThread, gqlClient, keptDataSet, loadAverage, log, machineFloorUs, machineLine, onServer, progress, saveResults, sequentialReads, summary } from './support';
import { benchServer } from './server';

// npm run bench:cases [-- --fresh]: applications under review in one province of the real national
// tree (江苏省): 200,000 cases in every state, every county following a review procedure (the 深圳
// template or the 江都 one, intake windows and all), through the HTTP GraphQL API: each caller's queue
// of the cases awaiting their action, a county's approval at the last step (which enrols), and, where
// the schema has them, the case figures of a county's towns and of the province's cities. Writes
// bench/results/cases.json.
//
// The data set lives in its own database and is reused by later runs of the same day (its dates,
// due dates and waiting cases are counted from the day it was built); --fresh builds it again.

const BENCH_DATABASE = 'yiyang_bench_cases';
const DATASET_VERSION = 1;
const MARKER_KEY = 'bench:cases:dataset';
const PROVINCE = '32';
/** People generated: the applicants of the cases and spare ones, who apply in each run's approval set. */
const PEOPLE = 250_000;
/** The cases of the data set, and those each run puts at their last step to approve (200,000 in all). */
const BASE_CASES = 199_400;
const APPROVAL_CASES = 600;
const APPROVAL_WARMUP = 50;
const READ_WARMUP = 300;
const READ_REQUESTS = 500;
/** Callers of each kind the queue reads take in turn. */
const CALLERS = 50;

const JIANGDU_WINDOWS = [
  ['2025年上半年集中申報', '2025-05-31', '2025-06-30'],
  ['2025年下半年集中申報', '2025-11-30', '2025-12-31'],
  ['2026年上半年集中申報', '2026-05-31', '2026-06-30'],
] as const;

const QUEUE = `query($first: Int!) {
  cases(awaitingMyAction: true, first: $first) {
    edges { cursor node { id state applicant { name nationalId } village { code name } schemes { name }
      currentStep { position kind name actingNode { code } began dueDate overdue } allowedActions } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const APPROVE = `mutation($input: DecideCaseInput!) {
  decideCase(input: $input) { id state enrolments { scheme { id } fromMonth } }
}`;

const FIGURES = `query($code: String!) {
  jurisdiction(code: $code) {
    caseFigures { open inReview waiting returned overdue }
    childCaseFigures(first: 50) { edges { node { jurisdiction { code name } open inReview waiting returned overdue rank } } }
  }
}`;

const day = (d: string, n: number) => {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
};

/**
 * The due dates the calendar gives: for each day from 2024-12-01 through the last year the package
 * knows, the day 5 and 10 working days after it (深圳's 街道複審 and 初審 / 核准), as `enterStep` counts them.
 */
async function dueDays(db: DataSource): Promise<void> {
  const calendar = new WorkingCalendar(PACKAGE_YEARS);
  const last = `${Math.max(...PACKAGE_YEARS.keys())}-12-31`;
  const days: string[] = [];
  const due5: (string | null)[] = [];
  const due10: (string | null)[] = [];
  const attempt = (from: string, n: number) => {
    try {
      return calendar.addWorkingDays(from, n);
    } catch {
      return null;
    }
  };
  for (let d = '2024-12-01'; d <= last; d = nextDay(d)) {
    days.push(d);
    due5.push(attempt(d, 5));
    due10.push(attempt(d, 10));
  }
  await db.query(`DROP TABLE IF EXISTS bench_day`);
  await db.query(
    `CREATE TEMP TABLE bench_day AS SELECT d.day, d.due5, d.due10 FROM unnest($1::date[], $2::date[], $3::date[]) AS d (day, due5, due10)`,
    [days, due5, due10],
  );
  await db.query(`ALTER TABLE bench_day ADD PRIMARY KEY (day)`);
}

/** The bench's users who file and review the generated cases (their history names them), by role. */
async function historyUsers(dataSource: DataSource, passwordHash: string) {
  const users: Record<string, string> = {
    filer: Role.VILLAGE_WORKER,
    reviewer: Role.CIVIL_AFFAIRS_STAFF,
    admin: Role.CIVIL_AFFAIRS_ADMIN,
    approvals: Role.VILLAGE_WORKER,
  };
  const tokens: Record<string, string> = {};
  for (const [name, role] of Object.entries(users)) tokens[name] = await benchUser(dataSource, `bench-cases-${name}@${PROVINCE}`, PROVINCE, [role as Role], passwordHash);
  const rows: { username: string; id: number }[] = await dataSource.query(`SELECT username, id FROM app_user WHERE username LIKE 'bench-cases-%@${PROVINCE}'`);
  const id = (name: string) => rows.find((r) => r.username === `bench-cases-${name}@${PROVINCE}`)!.id;
  return { tokens, filer: id('filer'), reviewer: id('reviewer'), admin: id('admin'), approvals: id('approvals') };
}

/**
 * Every county's review procedure from 2025-01-01 (through the API, from the templates: one county in
 * three follows 江都's, with its intake windows, the others 深圳's) and its scheme that requires an
 * application, besides one of the province.
 */
async function configure(gql: ReturnType<typeof gqlClient>, admin: string, db: DataSource, counties: string[], waitingOpens: string): Promise<void> {
  const define = `mutation($input: DefineProcedureInput!) { defineReviewProcedure(input: $input) { id } }`;
  const create = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`;
  const version = (name: string) => ({
    fromMonth: '2025-01',
    requiresApplication: true,
    funding: [
      { level: 'COUNTY', weight: 7 },
      { level: 'TOWN', weight: 3 },
    ],
    tiers: [{ name, amountFen: 10000, minAge: 60 }],
  });
  await gql(create, { input: { jurisdictionCode: PROVINCE, name: '江苏省居家养老服务补贴', kind: 'HARDSHIP_CARE_SUBSIDY', version: { ...version('申请核准'), funding: [{ level: 'PROVINCE', weight: 1 }] } } }, admin);
  for (const [i, county] of counties.entries()) {
    const jiangdu = i % 3 === 0;
    await gql(define, { input: { jurisdictionCode: county, effectiveFrom: '2025-01-01', fromTemplate: jiangdu ? 'JIANGDU' : 'SHENZHEN' } }, admin);
    await gql(create, { input: { jurisdictionCode: county, name: '居家养老服务补贴', kind: 'HARDSHIP_CARE_SUBSIDY', version: version('申请核准') } }, admin);
    // The next window opens a week from today: what was filed since the last one closed waits for it.
    if (jiangdu) {
      const window = `mutation($input: OpenIntakeWindowInput!) { openIntakeWindow(input: $input) { id } }`;
      await gql(window, { input: { jurisdictionCode: county, name: '下一期集中申報', opens: waitingOpens, closes: day(waitingOpens, 17) } }, admin);
    }
  }
  // The windows that closed before today cannot be opened through the API: the 江都 counties' windows of 2025 and 2026 are written here.
  await db.query(
    `INSERT INTO intake_window (jurisdiction_id, name, opens, closes)
     SELECT p.jurisdiction_id, w.name, w.opens, w.closes FROM review_procedure p
     CROSS JOIN unnest($1::text[], $2::date[], $3::date[]) AS w (name, opens, closes)
     WHERE p.template = 'JIANGDU' AND p.jurisdiction_id IN (SELECT id FROM jurisdiction WHERE level = 'COUNTY' AND code LIKE '${PROVINCE}%')`,
    JIANGDU_WINDOWS[0].map((_, k) => JIANGDU_WINDOWS.map((w) => w[k])),
  );
}

/** Each county with its procedure, scheme and windows, and the province's scheme (a temporary table). */
async function countyTable(db: DataSource): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS bench_county`);
  await db.query(`
    CREATE TEMP TABLE bench_county AS
    SELECT j.code, p.id AS procedure_id, p.template = 'JIANGDU' AS jiangdu,
      (SELECT s.id FROM subsidy_scheme s WHERE s.jurisdiction_id = j.id) AS scheme_id,
      (SELECT s.id FROM subsidy_scheme s JOIN jurisdiction pj ON pj.id = s.jurisdiction_id WHERE pj.code = '${PROVINCE}' AND s.name = '江苏省居家养老服务补贴') AS province_scheme_id,
      (SELECT array_agg(w.id ORDER BY w.opens) FROM intake_window w WHERE w.jurisdiction_id = j.id) AS windows
    FROM jurisdiction j JOIN review_procedure p ON p.jurisdiction_id = j.id
    WHERE j.level = 'COUNTY' AND j.code LIKE '${PROVINCE}%'`);
}

// Per procedure, by step position: the acting node's code length, the capability, and who acts in the history.
const STEPS = `
  CASE WHEN k.jiangdu THEN ARRAY[12, 9, 6, 6, 12] ELSE ARRAY[12, 12, 9, 6] END AS levels,
  CASE WHEN k.jiangdu THEN ARRAY['REVIEW_CASES', 'REVIEW_CASES', 'REVIEW_CASES', 'ASSESS_PEOPLE', 'REVIEW_CASES']
    ELSE ARRAY['REVIEW_CASES', 'REVIEW_CASES', 'REVIEW_CASES', 'APPROVE_CASES'] END AS capabilities`;

/**
 * Plans cases (a temporary table `bench_plan`, one row per case with its id taken from the table's
 * sequence) from `source`: rows of (person_id, kind) where kind is one of the states, WAITING, or
 * LAST_STEP (in review at the procedure's last step, ready for approval). Days are counted from
 * `today`; due dates from the calendar (bench_day), as `enterStep` gives them.
 */
async function planCases(db: DataSource, source: string, today: string, waitingOpens: string): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS bench_plan`);
  await db.query(
    `CREATE TEMP TABLE bench_plan AS
     WITH base AS (
       SELECT s.person_id, s.kind, h.id AS village_id, h.code AS village_code, bc.procedure_id, bc.jiangdu, bc.scheme_id, bc.province_scheme_id, bc.windows,
         (s.person_id::bigint * 104729 % 1009)::int AS r
       FROM (${source}) s JOIN person p ON p.id = s.person_id JOIN jurisdiction h ON h.id = p.hukou_jurisdiction_id
       JOIN bench_county bc ON bc.code = left(h.code, 6)
     ), k AS (
       -- Only 江都's intake windows make a case wait: a 深圳 county's would-be waiting cases are in review.
       SELECT base.person_id, CASE WHEN base.kind = 'WAITING' AND NOT base.jiangdu THEN 'IN_REVIEW' ELSE base.kind END AS kind,
         base.village_id, base.village_code, base.procedure_id, base.jiangdu, base.scheme_id, base.province_scheme_id, base.windows, base.r,
         CASE WHEN jiangdu THEN 5 ELSE 4 END AS n_steps FROM base
     ), steps AS (
       SELECT k.*, ${STEPS},
         -- The position a case in review is at; the step a return, refusal or withdrawal was made at.
         CASE k.kind WHEN 'IN_REVIEW' THEN 1 + k.r % k.n_steps WHEN 'LAST_STEP' THEN k.n_steps WHEN 'WAITING' THEN 1 WHEN 'RETURNED' THEN 1 END AS pos,
         CASE k.kind WHEN 'RETURNED' THEN CASE WHEN k.r % 2 = 0 THEN 1 WHEN k.jiangdu THEN 2 ELSE 3 END
           WHEN 'REFUSED' THEN CASE WHEN k.jiangdu THEN 2 ELSE 4 END
           WHEN 'WITHDRAWN' THEN 1 + k.r % 2
           WHEN 'APPROVED' THEN k.n_steps END AS final_pos,
         -- Filed: 江都 cases in an intake window (the cases decided in any of them, the open ones in 2026's first), or after the last one (waiting).
         CASE
           WHEN k.kind = 'CLOSED' THEN date '2025-03-01' + k.r % 60
           WHEN k.kind = 'WAITING' THEN date '2026-07-01' + k.r % ($1::date - date '2026-07-01')
           WHEN k.jiangdu AND k.kind IN ('APPROVED', 'REFUSED', 'WITHDRAWN') THEN (ARRAY[date '2025-05-31', date '2025-11-30', date '2026-05-31'])[1 + k.r % 3] + k.r % 30
           WHEN k.jiangdu THEN date '2026-05-31' + k.r % 30
           WHEN k.kind IN ('APPROVED', 'REFUSED', 'WITHDRAWN') THEN date '2025-01-02' + k.r * 7 % 480
           WHEN k.kind = 'RETURNED' THEN $1::date - (15 + k.r % 60)
           WHEN k.kind = 'LAST_STEP' THEN $1::date - (12 + k.r % 8) - 3 * (k.r % 4)
           ELSE $1::date - (k.r % 25) - CASE WHEN 1 + k.r % k.n_steps = 1 THEN 0 ELSE 3 + k.r % 6 END
         END AS filed_on
       FROM k
     )
     SELECT nextval(pg_get_serial_sequence('application_case', 'id'))::int AS case_id, s.*,
       CASE WHEN s.kind IN ('IN_REVIEW', 'WAITING', 'LAST_STEP') THEN 'IN_REVIEW' ELSE s.kind END::case_state AS state,
       CASE WHEN s.kind = 'WAITING' THEN $2::date
         WHEN s.kind = 'RETURNED' THEN least($1::date, s.filed_on + 5 + s.r % 30)
         WHEN s.pos = 1 THEN s.filed_on
         WHEN s.kind = 'LAST_STEP' AND s.jiangdu THEN $1::date - (14 + s.r % 10)
         WHEN s.kind = 'LAST_STEP' THEN $1::date - s.r % 8
         WHEN s.jiangdu THEN least($1::date, s.filed_on + 10 * s.pos + s.r % 60)
         ELSE $1::date - (s.r % 25) END AS began,
       CASE WHEN s.kind IN ('APPROVED', 'REFUSED', 'WITHDRAWN') THEN s.filed_on + 20 + s.r % 40
         WHEN s.kind = 'CLOSED' THEN date '2025-06-01' END AS decided_on,
       CASE WHEN s.kind = 'WAITING' THEN s.windows[4]
         WHEN NOT s.jiangdu THEN NULL
         WHEN s.kind = 'CLOSED' THEN s.windows[1]
         WHEN s.kind IN ('APPROVED', 'REFUSED', 'WITHDRAWN') THEN s.windows[1 + s.r % 3]
         ELSE s.windows[3] END AS window_id,
       s.r % 4 = 0 AS with_province
     FROM steps s`,
    [today, waitingOpens],
  );
  // The step the case is at: its acting node and due date (深圳: 初審 and 核准 10 working days, 複審 5,
  // the 公示 counted within 初審 and so due when 初審 is; 江都: no deadlines).
  await db.query(`
    ALTER TABLE bench_plan ADD COLUMN acting_code text, ADD COLUMN acting_node_id int, ADD COLUMN capability text, ADD COLUMN due date`);
  await db.query(`
    UPDATE bench_plan p SET acting_code = left(p.village_code, p.levels[p.pos]), capability = p.capabilities[p.pos],
      due = CASE WHEN p.state = 'RETURNED' OR p.jiangdu THEN NULL
        WHEN p.pos = 1 THEN (SELECT due10 FROM bench_day WHERE day = p.began)
        WHEN p.pos = 2 THEN (SELECT due10 FROM bench_day WHERE day = p.filed_on)
        WHEN p.pos = 3 THEN (SELECT due5 FROM bench_day WHERE day = p.began)
        ELSE (SELECT due10 FROM bench_day WHERE day = p.began) END
    WHERE p.pos IS NOT NULL`);
  await db.query(`UPDATE bench_plan p SET acting_node_id = j.id FROM jurisdiction j WHERE j.code = p.acting_code`);
  const [bad] = await db.query(
    `SELECT count(*) FILTER (WHERE pos IS NOT NULL AND (acting_node_id IS NULL OR (NOT jiangdu AND state = 'IN_REVIEW' AND due IS NULL)))::int AS unplaced,
       count(*) FILTER (WHERE filed_on > $1::date OR decided_on > $1::date OR (began > $1::date AND kind <> 'WAITING'))::int AS future
     FROM bench_plan`,
    [today],
  );
  check(bad.unplaced === 0 && bad.future === 0, `planned cases without a step or dated after today: ${JSON.stringify(bad)}`);
}

/**
 * Writes the planned cases as the application does (case-filing.ts, case-decision.ts): the case row,
 * its schemes, its materials, its history (filed, each step passed, the last decision with its
 * idempotency key and answer), and the enrolments of the approved ones from the month of approval.
 */
async function insertPlanned(db: DataSource, users: { filer: number; reviewer: number; admin: number }, filedBy: number): Promise<void> {
  await db.query(
    `INSERT INTO application_case (id, person_id, village_id, village_code, procedure_id, intake_window_id, state, step_position, step_began,
       step_due, acting_node_id, acting_code, step_capability, filed_on, filed_by, filed_as_role, filer, agent_name, agent_relation,
       closed_reason, decided_on, version, created_at, updated_at)
     OVERRIDING SYSTEM VALUE
     SELECT p.case_id, p.person_id, p.village_id, p.village_code, p.procedure_id, p.window_id, p.state, p.pos, p.began, p.due,
       p.acting_node_id, p.acting_code, p.capability, p.filed_on, $1, 'VILLAGE_WORKER',
       CASE WHEN p.r % 3 = 0 THEN 'AGENT' ELSE 'VILLAGE_WORKER' END::case_filer,
       CASE WHEN p.r % 3 = 0 THEN '家属' || p.person_id END, CASE WHEN p.r % 3 = 0 THEN '子女' END,
       CASE WHEN p.kind = 'CLOSED' THEN 'DECEASED' END, p.decided_on,
       1 + coalesce(p.final_pos, p.pos - 1, 0) + CASE WHEN p.kind = 'CLOSED' THEN 1 ELSE 0 END,
       p.filed_on + time '09:00', coalesce(p.decided_on, p.began, p.filed_on) + time '16:00'
     FROM bench_plan p`,
    [filedBy],
  );
  await db.query(`
    INSERT INTO application_case_scheme (case_id, scheme_id)
    SELECT case_id, scheme_id FROM bench_plan UNION ALL SELECT case_id, province_scheme_id FROM bench_plan WHERE with_province`);
  await db.query(
    `INSERT INTO application_material (case_id, kind, received_on, checked_by, checked_at)
     SELECT p.case_id, m.kind, p.filed_on, $1, p.filed_on + time '09:30' FROM bench_plan p
     CROSS JOIN unnest(ARRAY['身份证复印件', '户口簿复印件']) AS m (kind)`,
    [filedBy],
  );
  // Entry 0 is the filing; entries 1..passes pass steps 1..passes; a last one decides (or closes) the case.
  await db.query(
    `INSERT INTO application_history (case_id, at, user_id, username, role, step_position, action, opinion, reasons, idempotency_key, answer)
     SELECT h.case_id, h.on_day + time '10:00' + h.j * interval '1 minute', u.id, u.username, u.roles[1]::text, h.step, h.action::case_action,
       CASE WHEN h.action IN ('PASS', 'APPROVE') THEN '同意' END,
       CASE h.action WHEN 'REFUSE' THEN '不符合申请条件' WHEN 'CLOSE' THEN 'DECEASED' END,
       CASE WHEN h.action NOT IN ('FILE', 'CLOSE') THEN 'bench-' || h.case_id || '-' || h.j END,
       CASE WHEN h.action NOT IN ('FILE', 'CLOSE') THEN jsonb_build_object('caseId', h.case_id, 'state', h.next_state, 'step', h.next_step) END
     FROM (
       SELECT p.case_id, e.j, e.step, e.action, e.next_state, e.next_step,
         p.filed_on + CASE WHEN e.j = 0 THEN 0 ELSE ((coalesce(p.decided_on, p.began) - p.filed_on) * e.j / e.m) END AS on_day,
         CASE WHEN e.action IN ('FILE', 'CLOSE', 'WITHDRAW') THEN 12 ELSE p.levels[e.step] END AS level
       FROM bench_plan p
       CROSS JOIN LATERAL (
         SELECT CASE WHEN p.kind = 'CLOSED' THEN 0 WHEN p.final_pos IS NOT NULL THEN p.final_pos - 1 WHEN p.kind = 'WAITING' THEN 0 ELSE p.pos - 1 END AS passes,
           CASE WHEN p.kind = 'CLOSED' THEN 'CLOSE' ELSE CASE p.kind WHEN 'APPROVED' THEN 'APPROVE' WHEN 'REFUSED' THEN 'REFUSE' WHEN 'WITHDRAWN' THEN 'WITHDRAW'
             WHEN 'RETURNED' THEN 'RETURN' END END AS last
       ) f
       CROSS JOIN LATERAL (SELECT f.passes + CASE WHEN f.last IS NULL THEN 0 ELSE 1 END AS m) n
       CROSS JOIN LATERAL (
         SELECT g.j, n.m,
           CASE WHEN g.j = 0 THEN 'FILE' WHEN g.j <= f.passes THEN 'PASS' ELSE f.last END AS action,
           CASE WHEN g.j = 0 OR (g.j > f.passes AND f.last = 'CLOSE') THEN NULL WHEN g.j <= f.passes THEN g.j ELSE p.final_pos END AS step,
           CASE WHEN g.j <= f.passes THEN 'IN_REVIEW' WHEN f.last = 'RETURN' THEN 'RETURNED' ELSE p.kind END AS next_state,
           CASE WHEN g.j <= f.passes THEN g.j + 1 WHEN f.last = 'RETURN' THEN 1 END AS next_step
         FROM generate_series(0, n.m) AS g (j)
       ) e
     ) h
     JOIN app_user u ON u.id = CASE h.level WHEN 12 THEN $1::int WHEN 9 THEN $2::int ELSE $3::int END`,
    [users.filer, users.reviewer, users.admin],
  );
  await db.query(`
    INSERT INTO enrolment (person_id, scheme_id, case_id, from_month, created_at)
    SELECT p.person_id, s.scheme_id, p.case_id, date_trunc('month', p.decided_on)::date, p.decided_on + time '16:00'
    FROM bench_plan p JOIN application_case_scheme s ON s.case_id = p.case_id WHERE p.kind = 'APPROVED'`);
}

/** The data set's 199,400 cases: one per applicant, the first people by id, their states spread by a fixed hash. */
async function generateCases(db: DataSource, users: { filer: number; reviewer: number; admin: number }, today: string, waitingOpens: string): Promise<void> {
  await planCases(
    db,
    `SELECT p.id AS person_id,
       CASE WHEN p.status = 'DECEASED' THEN 'CLOSED' ELSE (
         SELECT CASE WHEN b < 35 THEN 'IN_REVIEW' WHEN b < 40 THEN 'WAITING' WHEN b < 47 THEN 'RETURNED' WHEN b < 80 THEN 'APPROVED'
           WHEN b < 88 THEN 'REFUSED' ELSE 'WITHDRAWN' END FROM (SELECT (p.id::bigint * 7919 % 100)::int AS b) x) END AS kind
     FROM (SELECT id, status FROM person ORDER BY id LIMIT ${BASE_CASES}) p`,
    today,
    waitingOpens,
  );
  await insertPlanned(db, users, users.filer);
}

/**
 * The run's approval set: 600 spare applicants (no case of their own), each with a case at its
 * procedure's last step (深圳 核准 by the county, 江都 公示 held its 5 working days). The last run's set,
 * approved by now, is taken out first, its history with it (the history refuses deletion to the
 * application: the owner lifts that inside the one transaction that removes the set).
 */
async function prepareApprovals(db: DataSource, users: { filer: number; reviewer: number; admin: number; approvals: number }, today: string, waitingOpens: string): Promise<void> {
  await db.transaction(async (tx) => {
    const set = `SELECT id FROM application_case WHERE filed_by = ${users.approvals}`;
    await tx.query(`ALTER TABLE application_history DISABLE TRIGGER application_history_immutable`);
    await tx.query(`DELETE FROM application_history WHERE case_id IN (${set})`);
    await tx.query(`ALTER TABLE application_history ENABLE TRIGGER application_history_immutable`);
    for (const table of ['enrolment', 'application_case_scheme', 'application_material']) await tx.query(`DELETE FROM ${table} WHERE case_id IN (${set})`);
    await tx.query(`DELETE FROM application_case WHERE filed_by = ${users.approvals}`);
  });
  await planCases(
    db,
    `SELECT p.id AS person_id, 'LAST_STEP' AS kind FROM person p
     WHERE p.status = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM application_case c WHERE c.person_id = p.id)
     ORDER BY p.id::bigint * 7919 % 1009, p.id LIMIT ${APPROVAL_CASES}`,
    today,
    waitingOpens,
  );
  await insertPlanned(db, users, users.approvals);
}

interface Caller {
  code: string;
  token: string;
  /** The step capabilities the role acts with, and whether it files (its villages' returned cases). */
  capabilities: string[];
}

/** What the caller's queue should hold, from the base table: the first `first` ids. */
async function expectedQueue(db: DataSource, caller: Caller, today: string, first: number): Promise<{ ids: number[]; total: number }> {
  const params = [caller.code, today, caller.capabilities];
  const awaiting = `application_case c WHERE c.village_code LIKE $1 || '%' AND (
      (c.state = 'IN_REVIEW' AND c.step_began <= $2::date AND c.step_capability = ANY($3::text[]) AND c.acting_code LIKE $1 || '%')
      OR (c.state = 'RETURNED'))`;
  const rows: { id: number }[] = await db.query(`SELECT c.id FROM ${awaiting} ORDER BY coalesce(c.step_due, '9999-12-31'), c.id LIMIT ${first}`, params);
  const [{ total }] = await db.query(`SELECT count(*)::int AS total FROM ${awaiting}`, params);
  return { ids: rows.map((r) => r.id), total };
}

/** Checks a queue's first page against the base table: the same cases in the same order, each with an action for the caller. */
function checkQueue(label: string, page: any, expected: { ids: number[]; total: number }, first: number): void {
  const ids = page.edges.map((e: any) => Number(e.node.id));
  check(JSON.stringify(ids) === JSON.stringify(expected.ids), `${label}: queue ${ids.slice(0, 5).join(',')}… is not the base table's ${expected.ids.slice(0, 5).join(',')}…`);
  check(page.pageInfo.hasNextPage === expected.total > first, `${label}: hasNextPage ${page.pageInfo.hasNextPage} with ${expected.total} awaiting`);
  for (const e of page.edges) check(e.node.allowedActions.length > 0, `${label}: case ${e.node.id} awaits the caller but allows nothing`);
}

async function main(): Promise<void> {
  const { fresh, adminUrl, benchUrl, cfg } = benchEnvironment(BENCH_DATABASE);
  const today = todayInChina();
  const waitingOpens = day(today, 7);
  const loadAtStart = loadAverage();
  const serverVersion = await onServer(adminUrl, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);
  const floorUs = await machineFloorUs(adminUrl);

  // Its days are counted from the day it was built: another day's data set is built again.
  const reuse = await keptDataSet(adminUrl, benchUrl, BENCH_DATABASE, fresh, MARKER_KEY, (marker) => marker?.version === DATASET_VERSION && marker?.day === today);

  const builder = createDataSource({ url: benchUrl, statementTimeoutMs: 0, poolSize: 1, applicationName: 'yiyang-bench' });
  await builder.initialize();
  await builder.runMigrations({ transaction: 'each' });
  const build: Record<string, number> = {};
  const passwordHash = await hashPassword(crypto.randomBytes(16).toString('hex'));
  if (!reuse) {
    let started = performance.now();
    const imported = await importDivisions(builder, { under: null, progress });
    check(imported.inserted > 600_000 && imported.rejected.length === 0, `the import inserted ${imported.inserted} nodes`);
    build.tree_ms = Math.round(performance.now() - started);
    started = performance.now();
    progress.stage('generate people');
    await generatePeople(builder, PROVINCE, PEOPLE, thisMonthInChina());
    progress.done();
    build.people_ms = Math.round(performance.now() - started);
    log(`tree in ${build.tree_ms} ms, ${PEOPLE} people in ${build.people_ms} ms`);
  }

  // Requests run as the application role, as in main.ts; the bench's own writes as the owner.
  const { database, dataSource, server, endpoint, gql } = await benchServer(cfg);
  const results: Record<string, unknown>[] = [];
  let output: Record<string, unknown>;
  try {
    const users = await historyUsers(dataSource, passwordHash);
    const counties: string[] = (await builder.query(`SELECT code FROM jurisdiction WHERE level = 'COUNTY' AND code LIKE $1 ORDER BY code`, [`${PROVINCE}%`])).map(
      (row: { code: string }) => row.code,
    );
    await dueDays(builder);
    if (!reuse) {
      let started = performance.now();
      await configure(gql, users.tokens.admin, builder, counties, waitingOpens);
      build.configure_ms = Math.round(performance.now() - started);
      await countyTable(builder);
      started = performance.now();
      progress.stage('generate cases');
      await generateCases(builder, users, today, waitingOpens);
      progress.done();
      build.cases_ms = Math.round(performance.now() - started);
      log(`cases generated in ${build.cases_ms} ms`);
      await builder.query(`INSERT INTO app_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
        MARKER_KEY,
        JSON.stringify({ version: DATASET_VERSION, day: today }),
      ]);
    }
    await countyTable(builder);
    await prepareApprovals(builder, users, today, waitingOpens);
    for (const table of ['application_case', 'application_case_scheme', 'application_material', 'application_history', 'enrolment']) await builder.query(`VACUUM ANALYZE ${table}`);
    await builder.query(`CHECKPOINT`);

    const [data] = await builder.query(
      `SELECT (SELECT count(*)::int FROM application_case) AS cases,
         (SELECT count(*)::int FROM person) AS people,
         (SELECT count(*)::int FROM application_history) AS history_rows,
         (SELECT count(*)::int FROM application_material) AS materials,
         (SELECT count(*)::int FROM enrolment) AS enrolments,
         (SELECT count(*)::int FROM jurisdiction WHERE level = 'COUNTY' AND code LIKE $2) AS counties,
         (SELECT count(*)::int FROM review_procedure WHERE template = 'JIANGDU') AS jiangdu_counties,
         (SELECT jsonb_object_agg(s, n) FROM (
            SELECT CASE WHEN state = 'IN_REVIEW' AND step_began > $1::date THEN 'WAITING' ELSE state::text END AS s, count(*)::int AS n
            FROM application_case GROUP BY 1) x) AS by_state,
         (SELECT count(*)::int FROM application_case WHERE state = 'IN_REVIEW' AND step_began <= $1::date AND step_due < $1::date) AS overdue,
         (SELECT count(*)::int FROM application_case WHERE state = 'IN_REVIEW' AND step_began <= $1::date AND step_due >= $1::date) AS due_not_overdue`,
      [today, `${PROVINCE}%`],
    );
    log(`data: ${JSON.stringify(data)}`);
    check(data.cases === BASE_CASES + APPROVAL_CASES, `${data.cases} cases`);
    for (const state of ['IN_REVIEW', 'WAITING', 'RETURNED', 'APPROVED', 'REFUSED', 'WITHDRAWN', 'CLOSED']) check((data.by_state[state] ?? 0) > 0, `no case ${state}`);
    check(data.overdue > 0 && data.due_not_overdue > 0, 'some cases in review are overdue and some not');

    // (a) The queue of cases awaiting the caller, first page of 20, for the busiest towns' staff, counties' administrators and villages' workers.
    const busiest = async (length: number): Promise<{ code: string; awaiting: number }[]> =>
      builder.query(
          `SELECT left(acting_code, ${length}) AS code, count(*)::int AS awaiting FROM application_case
           WHERE state = 'IN_REVIEW' AND step_began <= $1::date AND length(acting_code) >= ${length} AND village_code LIKE '${PROVINCE}%'
           GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${CALLERS}`,
        [today],
      );
    const kinds: { label: string; role: Role; length: number; capabilities: string[] }[] = [
      { label: "a town's civil-affairs staff", role: Role.CIVIL_AFFAIRS_STAFF, length: 9, capabilities: ['REVIEW_CASES', 'ASSESS_PEOPLE'] },
      { label: "a county's civil-affairs administrator", role: Role.CIVIL_AFFAIRS_ADMIN, length: 6, capabilities: ['REVIEW_CASES', 'APPROVE_CASES', 'ASSESS_PEOPLE'] },
      { label: "a village's worker", role: Role.VILLAGE_WORKER, length: 12, capabilities: ['REVIEW_CASES'] },
    ];
    // (0) The API's floor on the machine meanwhile: the smallest signed-in read (its user row is read each time).
    const floor = await clientThread(endpoint, users.tokens.reviewer, `{ me { username } }`, {}, { warmup: READ_WARMUP, count: READ_REQUESTS });
    results.push({
      name: '(0) { me { username } }, the floor',
      ...summary(floor.samples),
      warmup: READ_WARMUP,
      requests: READ_REQUESTS,
      sql_statements: floor.last.sqlStatements,
      server_busy_ms_per_request: Math.round(floor.serverBusyMsPerRequest * 100) / 100,
      cpu_steal_pct: floor.stealPct,
      goal: 'none (the floor)',
    });
    log(`(0) ${JSON.stringify(results.at(-1))}`);
    const statementsBySize: Record<string, Record<number, { cold: number | undefined; warm: number | undefined }>> = {};
    const adminsByCounty = new Map<string, string>();
    // Every caller first: the users' writes send notices that clear the servers' caches of users, which must land before counting.
    const callersOf = new Map<string, { nodes: { code: string; awaiting: number }[]; callers: Caller[] }>();
    for (const kind of kinds) {
      const nodes = await busiest(kind.length);
      const callers: Caller[] = [];
      for (const node of nodes) {
        const token = await benchUser(dataSource, `bench-cases-${kind.role.toLowerCase()}@${node.code}`, node.code, [kind.role], passwordHash);
        callers.push({ code: node.code, token, capabilities: kind.capabilities });
      }
      callersOf.set(kind.label, { nodes, callers });
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const kind of kinds) {
      const { nodes, callers } = callersOf.get(kind.label)!;
      // Statements per request for pages of 5, 20 and 100: the first request of a caller not read before (caches cold for its
      // cases' nodes and calendars), then the same again (warm). The warm counts must not depend on the page size.
      const sizes: Record<number, { cold: number | undefined; warm: number | undefined }> = {};
      for (const [i, first] of [5, 20, 100].entries()) {
        const caller = callers[callers.length - 1 - i];
        const cold = await gql(QUEUE, { first }, caller.token);
        await gql(QUEUE, { first }, caller.token);
        const warm = await gql(QUEUE, { first }, caller.token);
        checkQueue(`${kind.label} ${caller.code} first ${first}`, warm.data.cases, await expectedQueue(builder, caller, today, first), first);
        sizes[first] = { cold: cold.sqlStatements, warm: warm.sqlStatements };
      }
      statementsBySize[kind.label] = sizes;
      const warm = [5, 20, 100].map((n) => sizes[n].warm);
      check(warm.every((n) => n !== undefined && n === warm[0]), `${kind.label}: statements per queue request ${JSON.stringify(sizes)} depend on the page size`);
      // Every caller's first page, checked against the base table before and after the timed requests.
      for (const caller of callers) checkQueue(`${kind.label} ${caller.code}`, (await gql(QUEUE, { first: 20 }, caller.token)).data.cases, await expectedQueue(builder, caller, today, 20), 20);
      const run = await clientThread(endpoint, callers.map((c) => c.token), QUEUE, { first: 20 }, { warmup: READ_WARMUP, count: READ_REQUESTS });
      const last = callers[(READ_WARMUP + READ_REQUESTS - 1) % callers.length];
      checkQueue(`${kind.label} ${last.code} (last timed)`, run.last.data.cases, await expectedQueue(builder, last, today, 20), 20);
      const statements = new Set(run.statements);
      results.push({
        name: `(a) the queue, first 20 cases awaiting ${kind.label} (${callers.length} of the busiest, in turn; ${nodes[0].awaiting} to ${nodes.at(-1)!.awaiting} awaiting)`,
        ...summary(run.samples),
        warmup: READ_WARMUP,
        requests: READ_REQUESTS,
        sql_statements: [...statements].sort((a, b) => (a ?? 0) - (b ?? 0)).join(' or '),
        sql_statements_by_page_size: sizes,
        server_busy_ms_per_request: Math.round(run.serverBusyMsPerRequest * 100) / 100,
        cpu_steal_pct: run.stealPct,
        goal: 'p95 < 10 ms',
        met: summary(run.samples).p95_ms < 10,
      });
      log(`(a) ${JSON.stringify(results.at(-1))}`);
      if (kind.role === Role.CIVIL_AFFAIRS_ADMIN) for (const c of callers) adminsByCounty.set(c.code, c.token);
    }

    // (b) Approvals at the last step of 600 distinct cases, by their county's administrator, one at a time.
    const approvals: { id: number; county: string; position: number; schemes: number }[] = await builder.query(
      `SELECT c.id, left(c.village_code, 6) AS county, c.step_position AS position, (SELECT count(*)::int FROM application_case_scheme s WHERE s.case_id = c.id) AS schemes
       FROM application_case c WHERE c.filed_by = $1 ORDER BY c.id::bigint * 7919 % 1009, c.id`,
      [users.approvals],
    );
    check(approvals.length === APPROVAL_CASES, `${approvals.length} cases prepared for approval`);
    for (const county of new Set(approvals.map((a) => a.county))) {
      if (!adminsByCounty.has(county)) adminsByCounty.set(county, await benchUser(dataSource, `bench-cases-civil_affairs_admin@${county}`, county, [Role.CIVIL_AFFAIRS_ADMIN], passwordHash));
    }
    const approvalSamples: number[] = [];
    const approvalStatements = new Set<number | undefined>();
    for (const [i, a] of approvals.entries()) {
      const res = await gql(APPROVE, { input: { caseId: String(a.id), action: 'APPROVE', step: a.position, opinion: '同意', idempotencyKey: `bench-approve-${a.id}` } }, adminsByCounty.get(a.county)!);
      check(res.data.decideCase.state === 'APPROVED' && res.data.decideCase.enrolments.length === a.schemes, `case ${a.id} approved as ${JSON.stringify(res.data.decideCase)}`);
      if (i >= APPROVAL_WARMUP) {
        approvalSamples.push(res.ms);
        approvalStatements.add(res.sqlStatements);
      }
    }
    const [enrolled] = await builder.query(
      `SELECT count(DISTINCT c.id)::int AS cases, count(e.id)::int AS enrolments, sum(CASE WHEN e.from_month = date_trunc('month', $2::date) THEN 1 ELSE 0 END)::int AS this_month
       FROM application_case c LEFT JOIN enrolment e ON e.case_id = c.id WHERE c.filed_by = $1 AND c.state = 'APPROVED' AND c.decided_on = $2::date`,
      [users.approvals, today],
    );
    const schemes = approvals.reduce((n, a) => n + a.schemes, 0);
    check(enrolled.cases === APPROVAL_CASES && enrolled.enrolments === schemes && enrolled.this_month === schemes, `approved and enrolled: ${JSON.stringify(enrolled)} of ${schemes} schemes`);
    results.push({
      name: `(b) an approval at the last step (decideCase APPROVE) of ${APPROVAL_CASES - APPROVAL_WARMUP} distinct cases by their county's administrator, each enrolling`,
      ...summary(approvalSamples),
      warmup: APPROVAL_WARMUP,
      requests: approvalSamples.length,
      sql_statements: [...approvalStatements].sort((x, y) => (x ?? 0) - (y ?? 0)).join(' or '),
      enrolments: enrolled.enrolments,
      procedures: { shenzhen_county_approval: approvals.filter((a) => a.position === 4).length, jiangdu_public_notice: approvals.filter((a) => a.position === 5).length },
      goal: 'p95 < 20 ms',
      met: summary(approvalSamples).p95_ms < 20,
    });
    log(`(b) ${JSON.stringify(results.at(-1))}`);

    // (c) The case figures of a county's towns, and of the province's cities, where the schema has them.
    const introspection = await gql(`{ __type(name: "Jurisdiction") { fields { name } } }`, {}, users.tokens.admin);
    const fields: string[] = introspection.data.__type.fields.map((f: { name: string }) => f.name);
    let figuresSkipped: string | null = null;
    if (fields.includes('caseFigures') && fields.includes('childCaseFigures')) {
      const figureCounts = async (parent: string) =>
        builder.query(
          `SELECT left(c.village_code, length($1) + CASE length($1) WHEN 2 THEN 2 WHEN 4 THEN 2 WHEN 6 THEN 3 ELSE 3 END) AS code,
             count(*) FILTER (WHERE c.state IN ('IN_REVIEW', 'RETURNED'))::int AS open,
             count(*) FILTER (WHERE c.state = 'IN_REVIEW' AND c.step_began <= $2::date)::int AS "inReview",
             count(*) FILTER (WHERE c.state = 'IN_REVIEW' AND c.step_began > $2::date)::int AS waiting,
             count(*) FILTER (WHERE c.state = 'RETURNED')::int AS returned,
             count(*) FILTER (WHERE c.state = 'IN_REVIEW' AND c.step_began <= $2::date AND c.step_due < $2::date)::int AS overdue
           FROM application_case c WHERE c.village_code LIKE $1 || '%' GROUP BY 1`,
          [parent, today],
        ) as Promise<{ code: string; open: number; inReview: number; waiting: number; returned: number; overdue: number }[]>;
      const checkFigures = async (code: string, answer: any) => {
        const counted = await figureCounts(code);
        const sum = (k: 'open' | 'inReview' | 'waiting' | 'returned' | 'overdue') => counted.reduce((n, r) => n + r[k], 0);
        const figures = answer.jurisdiction.caseFigures;
        for (const k of ['open', 'inReview', 'waiting', 'returned', 'overdue'] as const) check(figures[k] === sum(k), `${code} ${k}: ${figures[k]}, the base table ${sum(k)}`);
        for (const { node } of answer.jurisdiction.childCaseFigures.edges) {
          const row = counted.find((r) => r.code === node.jurisdiction.code);
          for (const k of ['open', 'inReview', 'waiting', 'returned', 'overdue'] as const) check(node[k] === (row?.[k] ?? 0), `${node.jurisdiction.code} ${k}: ${node[k]}, the base table ${row?.[k] ?? 0}`);
        }
      };
      const figureCounties = (await busiest(6)).map((r) => r.code);
      for (const code of figureCounties) await checkFigures(code, (await gql(FIGURES, { code }, users.tokens.admin)).data);
      const c = await sequentialReads(endpoint, users.tokens.admin, FIGURES, figureCounties.map((code: string) => ({ code })), READ_WARMUP, READ_REQUESTS);
      results.push({
        name: `(c) case figures of a county and of its towns (${figureCounties.length} counties in turn)`,
        ...summary(c.samples),
        warmup: READ_WARMUP,
        requests: READ_REQUESTS,
        sql_statements: [...new Set(c.statements)].join(' or '),
        cpu_steal_pct: c.stealPct,
        goal: 'p95 < 10 ms',
        met: summary(c.samples).p95_ms < 10,
      });
      log(`(c) ${JSON.stringify(results.at(-1))}`);
      await checkFigures(PROVINCE, (await gql(FIGURES, { code: PROVINCE }, users.tokens.admin)).data);
      const p = await sequentialReads(endpoint, users.tokens.admin, FIGURES, { code: PROVINCE }, READ_WARMUP, READ_REQUESTS);
      results.push({
        name: `(c) case figures of the province and of its cities (${PROVINCE})`,
        ...summary(p.samples),
        warmup: READ_WARMUP,
        requests: READ_REQUESTS,
        sql_statements: [...new Set(p.statements)].join(' or '),
        cpu_steal_pct: p.stealPct,
        goal: 'none (reported)',
      });
      log(`(c) ${JSON.stringify(results.at(-1))}`);
    } else {
      figuresSkipped = 'the schema has no Jurisdiction.caseFigures / childCaseFigures: (c) skipped';
      log(figuresSkipped);
    }
    output = {
      benchmark: 'cases',
      date: new Date().toISOString(),
      today_in_china: today,
      load_average_at_start: loadAtStart,
      load_average_at_end: loadAverage(),
      machine: machineLine(serverVersion),
      machine_floor_select_1_us: floorUs,
      runtime: `Node ${process.version}, graphql-js with NODE_ENV=production, server in-process (statement counts exposed), read clients on a thread of their own, approvals sent from the server's thread`,
      data: { ...data, province: PROVINCE, rebuilt: !reuse, build },
      statements_by_page_size: statementsBySize,
      ...(figuresSkipped ? { skipped: figuresSkipped } : {}),
      results,
    };
  } finally {
    await server.stop();
    await database.close();
    await builder.destroy();
  }
  saveResults('cases', output);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
