import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Role } from '../../src/kernel/actor';
import {
  JurisdictionLevel,
  levelOfCode,
  parentCodeOf,
  pathOfCode,
  townKindOf,
  villageKindOf,
} from '../../src/kernel/division-codes';
import { recountDescendants } from '../../src/jurisdictions/division-import.repository';
import { creditCodeCheck } from '../../src/facilities/credit-code';
import { PACKAGE_YEARS } from '../../src/calendar/package-calendar';
import { todayInChina } from '../../src/kernel/dates';
import { hashPassword } from '../../src/users/password';
import { issueToken } from '../../src/users/token';
import { TABLES, type Harness } from './harness';

/** Inserts nodes (parents before children) with level, path and kinds derived from their codes, then recounts. */
export async function insertJurisdictions(db: DataSource, nodes: [code: string, name: string][]): Promise<void> {
  for (const [code, name] of nodes) {
    const level = levelOfCode(code)!;
    await db.query(
      `INSERT INTO jurisdiction (code, name, level, parent_id, path, town_kind, village_kind)
       VALUES ($1, $2, $3, (SELECT id FROM jurisdiction WHERE code = $4), $5::ltree, $6, $7)`,
      [
        code,
        name,
        level,
        parentCodeOf(code),
        pathOfCode(code).join('.'),
        level === JurisdictionLevel.TOWN ? townKindOf(code, name) : null,
        level === JurisdictionLevel.VILLAGE ? villageKindOf(code, name) : null,
      ],
    );
  }
  await recountDescendants(db, null);
}

/**
 * A small slice of the real tree: 江都区 with two towns, a sibling county, a sibling city, and another
 * province — enough for every scope relation (own node, descendant, ancestor, sibling, other province).
 */
export const SMALL_TREE: [string, string][] = [
  ['32', '江苏省'],
  ['3210', '扬州市'],
  ['321012', '江都区'],
  ['321012100', '仙女镇'],
  ['321012100001', '东苑社区居委会'],
  ['321012100002', '龙川社区居委会'],
  ['321012101', '小纪镇'],
  ['321012101200', '小纪村委会'],
  ['321023', '宝应县'],
  ['321023100', '安宜镇'],
  ['321023100001', '城南社区居委会'],
  ['3201', '南京市'],
  ['320102', '玄武区'],
  ['320102002', '梅园新村街道'],
  ['320102002001', '梅园社区居委会'],
  ['11', '北京市'],
  ['1101', '市辖区'],
  ['110101', '东城区'],
  ['110101001', '东华门街道'],
  ['110101001001', '多福巷社区居委会'],
];

export async function smallTree(db: DataSource): Promise<void> {
  await insertJurisdictions(db, SMALL_TREE);
}

/**
 * Tests that count working days from today must not depend on whether the calendar package already
 * knows this year and the next: for each of them it does not know, every province of the test tree gets
 * a stand-in arrangement (no holidays, plainly marked as no official notice). Tests of the calendar
 * itself do not use it; the refusal of an unknown year is tested there.
 */
export async function standInCalendars(db: DataSource): Promise<void> {
  const year = Number(todayInChina().slice(0, 4));
  for (const missing of [year, year + 1].filter((y) => !PACKAGE_YEARS.has(y))) {
    await db.query(
      `INSERT INTO working_calendar_year (jurisdiction_id, year, revision, holidays, makeup_days, source_title, source_number)
       SELECT id, $1, 1, '[]', '{}', '测试替身：非官方安排（无节假日）', '测试替身' FROM jurisdiction WHERE level = 'PROVINCE'`,
      [missing],
    );
  }
}

export const TEST_PASSWORD = 'test-password-1';
let testHash: Promise<string> | null = null;

export interface TestUser {
  id: number;
  username: string;
  token: string;
}

/** A user at `code` with `roles` and a token; the password is TEST_PASSWORD. */
export async function createUser(
  db: DataSource,
  code: string,
  roles: Role[],
  username?: string,
  options: { organisationId?: number; caregiverId?: number } = {},
): Promise<TestUser> {
  testHash ??= hashPassword(TEST_PASSWORD);
  const name = username ?? `${roles.join('-').toLowerCase().replace(/_/g, '-')}@${code}`;
  // A CAREGIVER account stands for exactly one caregiver (the database checks it): without one given, the
  // account gets a caregiver of its own, of a test organisation, based at its home.
  if (roles.includes(Role.CAREGIVER) && options.caregiverId === undefined) {
    const [organisation] = await db.query(
      `INSERT INTO organisation (credit_code, name) VALUES ($1, '测试护理机构') ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name RETURNING id`,
      [testCreditCode(CAREGIVER_ORGANISATION)],
    );
    options = { organisationId: organisation.id, ...options, caregiverId: await insertCaregiver(db, organisation.id, code, `T-${createHash('sha1').update(name).digest('hex').slice(0, 12).toUpperCase()}`) };
  }
  const [row] = await db.query(
    `INSERT INTO app_user (username, password_hash, jurisdiction_id, roles, organisation_id, caregiver_id)
     SELECT $1, $2, id, $3::user_role[], $5, $6 FROM jurisdiction WHERE code = $4
     RETURNING id, (extract(epoch FROM password_changed_at) * 1000)::float8 AS "passwordVersion"`,
    [name, await testHash, roles, code, options.organisationId ?? null, options.caregiverId ?? null],
  );
  if (!row) throw new Error(`no jurisdiction ${code} for test user ${name}`);
  return { id: row.id, username: name, token: issueToken(row.id, row.passwordVersion).token };
}

/** The test organisation of caregivers `createUser` adds for CAREGIVER accounts. */
const CAREGIVER_ORGANISATION = 999_999;

/** A caregiver of the organisation based at `code`, inserted directly (as addCaregiver would), untrained unless `trainedOn` is given. */
export async function insertCaregiver(
  db: DataSource,
  organisationId: number,
  code: string,
  workCardNumber: string,
  options: { name?: string; phone?: string; trainedOn?: string; startedOn?: string } = {},
): Promise<number> {
  const [row] = await db.query(
    `INSERT INTO caregiver (organisation_id, jurisdiction_id, name, work_card_number, phone, started_on, trained, trained_on, training)
     SELECT $1, id, $3, $4, $5, $6, $7::date IS NOT NULL, $7::date, CASE WHEN $7::date IS NULL THEN NULL ELSE '岗前培训' END
     FROM jurisdiction WHERE code = $2 RETURNING id`,
    [organisationId, code, options.name ?? `护理员${workCardNumber}`, workCardNumber, options.phone ?? '13900001111', options.startedOn ?? '2024-01-01', options.trainedOn ?? null],
  );
  if (!row) throw new Error(`no jurisdiction ${code} for caregiver ${workCardNumber}`);
  return row.id;
}

/**
 * A work order written directly, as the visits API would leave it: BOOKED without a caregiver, ASSIGNED
 * with one, and with `visit` a visit decided VERIFIED (no reasons) or VOID (with them). For tests of what
 * reads orders; the visits' own tests go through the API.
 */
export async function insertWorkOrder(
  db: DataSource,
  order: {
    personId: number;
    organisationId: number;
    caregiverId?: number | null;
    items?: string[];
    plannedDay: string;
    visit?: { checkInAt: string; checkOutAt: string; serviceDay: string; voidReasons?: string[] };
    redoOf?: number;
  },
): Promise<number> {
  const visit = order.visit;
  const reasons = visit?.voidReasons ?? [];
  const state = visit ? (reasons.length > 0 ? 'VOID' : 'VERIFIED') : order.caregiverId ? 'ASSIGNED' : 'BOOKED';
  const [row] = await db.query(
    `INSERT INTO work_order (person_id, village_code, organisation_id, caregiver_id, items, booked_by_kind, planned_day, state,
       check_in_at, check_out_at, service_day, received_at, minutes, void_reasons, decided_at, redo_of)
     SELECT p.id, v.code, $2, $3, $4, 'PROVIDER', $5, $6::work_order_state, $7::timestamptz, $8::timestamptz, $9::date,
       CASE WHEN $7::timestamptz IS NULL THEN NULL ELSE coalesce($8::timestamptz, $7::timestamptz) END,
       CASE WHEN $6 = 'VERIFIED' THEN (extract(epoch FROM $8::timestamptz - $7::timestamptz) / 60)::int END,
       $10, CASE WHEN $7::timestamptz IS NULL THEN NULL ELSE now() END, $11
     FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.id = $1 RETURNING id`,
    [order.personId, order.organisationId, order.caregiverId ?? null, order.items ?? ['CLEANING'], order.plannedDay, state,
      visit?.checkInAt ?? null, visit?.checkOutAt ?? null, visit?.serviceDay ?? null, reasons, order.redoOf ?? null],
  );
  if (!row) throw new Error(`no person ${order.personId} for a work order`);
  return row.id;
}

/** A valid unified social credit code, distinct for each `n` (registered in 江都区). */
export function testCreditCode(n: number): string {
  const prefix = `52321012${String(n).padStart(9, '0')}`;
  return prefix + creditCodeCheck(prefix);
}

/** Registers an organisation directly (as facility registration would) and returns its id. */
export async function insertOrganisation(db: DataSource, n: number, name = `测试运营机构${n}`): Promise<{ id: number; creditCode: string; name: string }> {
  const creditCode = testCreditCode(n);
  const [row] = await db.query(`INSERT INTO organisation (credit_code, name) VALUES ($1, $2) RETURNING id`, [creditCode, name]);
  return { id: row.id, creditCode, name };
}

/** The rows of every table the harness empties before each test, as `captureTables` found them. */
export type TableRows = { table: string; rows: unknown[]; identity: boolean }[];


/**
 * Every row of the harness's tables, ids and timestamps included. A file that runs many small cases on
 * one fixture builds it once, captures it, and puts it back with `restoreTables` after each reset;
 * tokens issued for its users stay valid, since ids and password_changed_at come back unchanged.
 */
export async function captureTables(db: DataSource): Promise<TableRows> {
  const captured: TableRows = [];
  for (const { table, identity } of TABLES) {
    const [{ rows }] = await db.query(`SELECT coalesce(jsonb_agg(t), '[]'::jsonb) AS rows FROM ${table} t`);
    captured.push({ table, rows, identity });
  }
  return captured;
}

/** Puts captured rows back into the (emptied) tables and moves each id sequence past them, in one statement. */
export async function restoreTables(db: DataSource, captured: TableRows): Promise<void> {
  const params: string[] = [];
  const inserts: string[] = [];
  const sequences: string[] = [];
  captured.forEach(({ table, rows, identity }, i) => {
    params.push(JSON.stringify(rows));
    // Foreign keys are checked at the end of the statement, when every table is back.
    inserts.push(
      `t${i} AS (INSERT INTO ${table} ${identity ? 'OVERRIDING SYSTEM VALUE' : ''}
       SELECT * FROM jsonb_populate_recordset(null::${table}, $${i + 1}::jsonb) RETURNING ${identity ? 'id' : '1 AS id'})`,
    );
    if (identity) sequences.push(`setval(pg_get_serial_sequence('${table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM t${i}), false)`);
  });
  await db.query(`WITH ${inserts.join(',\n')} SELECT ${sequences.length ? sequences.join(', ') : '1'}`, params);
}

/** Empties the harness's tables as the harness does before each test, then restores the captured rows. */
export async function resetTables(db: DataSource, captured: TableRows): Promise<void> {
  await db.query(`TRUNCATE ${captured.map(({ table }) => table).join(', ')} RESTART IDENTITY CASCADE`);
  await restoreTables(db, captured);
}

/** One dated step of a facility's history: a lifecycle transition, or new services from a day. */
export type FacilityStep = { to: string; on: string } | { services: string[]; since: string };

export interface FacilitySpec {
  name: string;
  type: string;
  jurisdictionCode: string;
  services: string[];
  dailyDiners?: number | null;
  /** Diner counts recorded month by month (YYYY-MM → count), through recordFacilityDiners. */
  dinerMonths?: Record<string, number>;
  /** Registered in this status since this day (an existing facility entered as it stands). */
  status: string;
  since: string;
  steps?: FacilityStep[];
}

/**
 * Registers a facility through the API as its civil-affairs office would, then records its dated
 * transitions and service changes in order; returns its id.
 */
export async function facilityWithHistory(h: Harness, token: string, spec: FacilitySpec): Promise<string> {
  const created = await h.gql(
    `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`,
    {
      input: {
        name: spec.name,
        type: spec.type,
        jurisdictionCode: spec.jurisdictionCode,
        services: spec.services,
        dailyDiners: spec.dailyDiners ?? null,
        status: spec.status,
        since: spec.since,
      },
    },
    token,
  );
  if (created.errors) throw new Error(`createFacility ${spec.name}: ${JSON.stringify(created.errors)}`);
  const id: string = created.data.createFacility.id;
  for (const step of spec.steps ?? []) {
    const res =
      'to' in step
        ? await h.gql(`mutation($id: ID!, $to: FacilityStatus!, $on: Date) { transitionFacility(id: $id, to: $to, on: $on) { id } }`, { id, ...step }, token)
        : await h.gql(
            `mutation($id: ID!, $input: UpdateFacilityInput!) { updateFacility(id: $id, input: $input) { id } }`,
            { id, input: { services: step.services, servicesSince: step.since } },
            token,
          );
    if (res.errors) throw new Error(`${spec.name} ${JSON.stringify(step)}: ${JSON.stringify(res.errors)}`);
  }
  for (const [month, diners] of Object.entries(spec.dinerMonths ?? {})) {
    const res = await h.gql(`mutation($id: ID!, $month: Month!, $diners: Int!) { recordFacilityDiners(id: $id, month: $month, diners: $diners) { id } }`, { id, month, diners }, token);
    if (res.errors) throw new Error(`${spec.name} diners ${month}: ${JSON.stringify(res.errors)}`);
  }
  return id;
}

/**
 * A county `code` of `towns` towns with two villages each (under existing province and city nodes);
 * town t has t % 3 villages covered by a mutual-aid center operating since 2025-01-01 (the first with
 * meals), registered through the API by a civil-affairs admin of the county.
 */
export async function countyOfTowns(h: Harness, code: string, towns: number): Promise<void> {
  const townCode = (t: number) => `${code}${String(100 + t).padStart(3, '0')}`;
  const nodes: [string, string][] = [[code, `测试县${code}`]];
  for (let t = 1; t <= towns; t++) nodes.push([townCode(t), `第${t}镇`], [`${townCode(t)}201`, `第${t}镇一村`], [`${townCode(t)}202`, `第${t}镇二村`]);
  await insertJurisdictions(h.db, nodes);
  const admin = await createUser(h.db, code, [Role.CIVIL_AFFAIRS_ADMIN]);
  for (let t = 1; t <= towns; t++) {
    for (let v = 1; v <= t % 3 && v <= 2; v++) {
      await facilityWithHistory(h, admin.token, {
        name: `互助${t}-${v}`,
        type: 'MUTUAL_AID_CENTER',
        jurisdictionCode: `${townCode(t)}20${v}`,
        services: v === 1 ? ['MEALS'] : [],
        status: 'OPERATING',
        since: '2025-01-01',
      });
    }
  }
}
