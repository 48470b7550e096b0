import { Role } from '../../src/kernel/actor';
import { rebuildRollups } from '../../src/coverage/rollup.rebuild';
import { COVERAGE_DEFINITIONS, COVERAGE_METRICS } from '../../src/facilities/coverage-metrics';
import { FACILITY_LEVELS, FacilityStatus, FacilityType, NEXT_STATUSES } from '../../src/facilities/facility-kinds';
import { todayInChina } from '../../src/kernel/dates';
import { importDivisions } from '../../src/jurisdictions/division-import.service';
import { levelOfCode } from '../../src/kernel/division-codes';
import { createUser, testCreditCode, type TestUser } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';
import { dayNumber, dayOf, generator } from '../support/random';

/**
 * Random facility registrations, transitions and service changes (most of them back-dated) through
 * the API on the real tree of 江都区; after every batch, every node's stored figures, today and as of
 * several past days, must equal a recomputation from the base tables done here from scratch.
 */

const h = useHarness();
jest.setTimeout(180_000);

const SEED = Number(process.env.CONSISTENCY_SEED ?? 20241231);
const BATCHES = 5;
const OPERATIONS_PER_BATCH = 80;
const FIRST_DAY = '2023-01-01';



interface Tracked {
  id: string;
  type: FacilityType;
  status: FacilityStatus;
  lastDay: string;
  meals: boolean;
}

interface EventRow {
  facilityId: number;
  day: string;
  status: FacilityStatus;
  services: string[];
  type: FacilityType;
  code: string;
}

/** Every node's covered units per metric on `day`, worked out from the history alone. */
function expectedCoverage(events: EventRow[], nodeCodes: string[], day: string): Map<string, number> {
  // The state of each facility at the end of the day: its last entry up to that day (events come in recorded order).
  const latest = new Map<number, EventRow>();
  for (const event of events) if (event.day <= day) {
    const seen = latest.get(event.facilityId);
    if (!seen || seen.day <= event.day) latest.set(event.facilityId, event);
  }
  const covered = new Map<string, Set<string>>(COVERAGE_METRICS.map((metric) => [metric, new Set()]));
  for (const state of latest.values()) {
    for (const metric of COVERAGE_METRICS) {
      const definition = COVERAGE_DEFINITIONS[metric];
      const counts =
        state.status === FacilityStatus.OPERATING &&
        levelOfCode(state.code) === definition.unit &&
        definition.types.includes(state.type) &&
        (definition.service === null || state.services.includes(definition.service));
      if (counts) covered.get(metric)!.add(state.code);
    }
  }
  const figures = new Map<string, number>();
  for (const code of nodeCodes) {
    for (const metric of COVERAGE_METRICS) {
      const n = [...covered.get(metric)!].filter((unit) => unit.startsWith(code)).length;
      if (n !== 0) figures.set(`${code}|${metric}`, n);
    }
  }
  return figures;
}

async function storedCoverage(day: string | null): Promise<Map<string, number>> {
  const rows: { code: string; key: string; value: string }[] =
    day === null
      ? await h.db.query(`SELECT j.code, r.key, r.value FROM rollup_value r JOIN jurisdiction j ON j.id = r.node_id WHERE r.key LIKE 'covered:%'`)
      : await h.db.query(
          `SELECT j.code, h.key, (
             SELECT e.figure FROM unnest(h.days, h.figures) AS e(day, figure)
             WHERE date '1970-01-01' + e.day <= $1::date ORDER BY e.day DESC LIMIT 1
           ) AS value
           FROM rollup_history h JOIN jurisdiction j ON j.id = h.node_id WHERE h.key LIKE 'covered:%'`,
          [day],
        );
  const figures = new Map<string, number>();
  for (const row of rows) if (Number(row.value) !== 0) figures.set(`${row.code}|${row.key.slice('covered:'.length)}`, Number(row.value));
  return figures;
}

/** Stored histories that are empty, whose days are not strictly ascending or that list a day on which the figure did not change. */
async function malformedHistories(): Promise<number> {
  const [{ n }] = await h.db.query(
    `SELECT (SELECT count(*) FROM rollup_history WHERE cardinality(days) = 0)::int + count(*)::int AS n FROM rollup_history h CROSS JOIN LATERAL (
       SELECT e.day, e.figure, lag(e.day) OVER w AS previous_day, lag(e.figure, 1, 0) OVER w AS previous_figure
       FROM unnest(h.days, h.figures) WITH ORDINALITY AS e(day, figure, i) WINDOW w AS (ORDER BY e.i)
     ) e
     WHERE e.day <= e.previous_day OR e.figure = e.previous_figure`,
  );
  return n;
}

/** Facility counts and beds of every node, from the facility table. */
async function expectedCurrent(): Promise<Map<string, number>> {
  const rows: { code: string; key: string; value: string }[] = await h.db.query(
    `SELECT a.code, x.key, sum(x.value) AS value
     FROM (
       SELECT f.jurisdiction_id, 'facilities:' || f.type || ':' || f.status AS key, 1 AS value FROM facility f
       UNION ALL SELECT f.jurisdiction_id, 'beds:total', f.beds_total FROM facility f WHERE f.status = 'OPERATING'
       UNION ALL SELECT f.jurisdiction_id, 'beds:nursing', f.beds_nursing FROM facility f WHERE f.status = 'OPERATING'
     ) x
     JOIN jurisdiction u ON u.id = x.jurisdiction_id
     JOIN jurisdiction a ON u.path <@ a.path
     GROUP BY a.code, x.key HAVING sum(x.value) <> 0`,
  );
  return new Map(rows.map((row) => [`${row.code}|${row.key}`, Number(row.value)]));
}

async function storedCurrent(): Promise<Map<string, number>> {
  const rows: { code: string; key: string; value: string }[] = await h.db.query(
    `SELECT j.code, r.key, r.value FROM rollup_value r JOIN jurisdiction j ON j.id = r.node_id
     WHERE (r.key LIKE 'facilities:%' OR r.key IN ('beds:total', 'beds:nursing')) AND r.value <> 0`,
  );
  return new Map(rows.map((row) => [`${row.code}|${row.key}`, Number(row.value)]));
}

const sorted = (figures: Map<string, number>) => [...figures].sort(([a], [b]) => (a < b ? -1 : 1));

describe('stored roll-ups under random changes', () => {
  it(`equal a recomputation from scratch after every batch, today and as of past days (seed ${SEED})`, async () => {
    await importDivisions(h.db, { under: '321012' });
    const today = todayInChina();
    const admin: TestUser = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const random = generator(SEED);

    // A few places, so that facilities share units and coverage overlaps: 3 towns, 12 of their villages, the county.
    const towns: { code: string }[] = await h.db.query(
      `SELECT code FROM jurisdiction WHERE level = 'TOWN' AND code LIKE '321012%' ORDER BY code LIMIT 3`,
    );
    const villages: { code: string }[] = await h.db.query(
      `SELECT code FROM jurisdiction WHERE level = 'VILLAGE' AND left(code, 9) = ANY($1) ORDER BY code`,
      [towns.map((t) => t.code)],
    );
    const places = {
      COUNTY: ['321012'],
      TOWN: towns.map((t) => t.code),
      VILLAGE: Array.from({ length: 12 }, (_, i) => villages[(i * 7) % villages.length].code),
    } as const;
    const nodeCodes: string[] = (await h.db.query(`SELECT code FROM jurisdiction ORDER BY code`)).map((row: { code: string }) => row.code);

    const facilities: Tracked[] = [];
    const randomDay = (from: string) => dayOf(dayNumber(from) + random.int(dayNumber(today) - dayNumber(from) + 1));
    let rejected = 0;

    for (let batch = 0; batch < BATCHES; batch++) {
      for (let op = 0; op < OPERATIONS_PER_BATCH; op++) {
        const live = facilities.filter((f) => f.status !== FacilityStatus.CLOSED);
        const roll = random.next();
        if (live.length < 6 || roll < 0.3) {
          const type = random.pick(Object.values(FacilityType));
          const level = random.pick(FACILITY_LEVELS[type]);
          const since = randomDay(FIRST_DAY);
          const status = random.pick(Object.values(FacilityStatus).filter((s) => s !== FacilityStatus.CLOSED));
          const meals = random.next() < 0.5;
          const res = await h.gql(
            `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`,
            {
              input: {
                name: `设施${facilities.length + 1}`,
                type,
                jurisdictionCode: random.pick(places[level as keyof typeof places]),
                status,
                since,
                services: meals ? ['MEALS'] : ['RECREATION'],
                beds: { total: 10, nursing: 6, dementia: 1 },
                operator: { creditCode: testCreditCode(1), name: '江都区测试运营机构' },
              },
            },
            admin.token,
          );
          expect(res.errors).toBeUndefined();
          facilities.push({ id: res.data.createFacility.id, type, status, lastDay: since, meals });
        } else if (roll < 0.85) {
          const facility = random.pick(live);
          const to = random.pick(NEXT_STATUSES[facility.status]);
          // Mostly back-dated: anywhere between the facility's latest entry and today.
          const on = randomDay(facility.lastDay);
          const res = await h.gql(
            `mutation($id: ID!, $to: FacilityStatus!, $on: Date) { transitionFacility(id: $id, to: $to, on: $on) { status } }`,
            { id: facility.id, to, on },
            admin.token,
          );
          expect(res.errors).toBeUndefined();
          Object.assign(facility, { status: to, lastDay: on });
        } else if (roll < 0.95) {
          const facility = random.pick(live);
          const since = randomDay(facility.lastDay);
          const res = await h.gql(
            `mutation($id: ID!, $input: UpdateFacilityInput!) { updateFacility(id: $id, input: $input) { services } }`,
            { id: facility.id, input: { services: facility.meals ? ['RECREATION'] : ['MEALS', 'RECREATION'], servicesSince: since } },
            admin.token,
          );
          expect(res.errors).toBeUndefined();
          Object.assign(facility, { meals: !facility.meals, lastDay: since });
        } else {
          // Refused changes leave no trace: a day before the latest entry, a transition the lifecycle does not allow,
          // or (CONFLICT) a move to the status the facility already has.
          const facility = random.pick(live);
          const before = await h.db.query(`SELECT count(*)::int AS n FROM facility_event`);
          const res = await h.gql(
            `mutation($id: ID!, $to: FacilityStatus!, $on: Date) { transitionFacility(id: $id, to: $to, on: $on) { status } }`,
            { id: facility.id, to: FacilityStatus.PLANNED, on: FIRST_DAY },
            admin.token,
          );
          expect(errorCodes(res)).toEqual([facility.status === FacilityStatus.PLANNED ? 'CONFLICT' : 'BAD_USER_INPUT']);
          expect(await h.db.query(`SELECT count(*)::int AS n FROM facility_event`)).toEqual(before);
          rejected++;
        }
      }

      const events: EventRow[] = await h.db.query(
        `SELECT e.facility_id AS "facilityId", e.occurred_on AS day, e.status, e.services::text[] AS services, f.type, j.code
         FROM facility_event e JOIN facility f ON f.id = e.facility_id JOIN jurisdiction j ON j.id = f.jurisdiction_id ORDER BY e.id`,
      );
      const pastDays = [FIRST_DAY, ...Array.from({ length: 5 }, () => randomDay(FIRST_DAY)), ...Array.from({ length: 3 }, () => random.pick(events).day)];
      expect(sorted(await storedCoverage(null))).toEqual(sorted(expectedCoverage(events, nodeCodes, today)));
      for (const day of pastDays) {
        expect([day, sorted(await storedCoverage(day))]).toEqual([day, sorted(expectedCoverage(events, nodeCodes, day))]);
      }
      expect(sorted(await storedCurrent())).toEqual(sorted(await expectedCurrent()));
      expect(await malformedHistories()).toBe(0);
    }

    // The API answers from the same figures; and the repair path rebuilds exactly what the live path kept.
    const events: EventRow[] = await h.db.query(
      `SELECT e.facility_id AS "facilityId", e.occurred_on AS day, e.status, e.services::text[] AS services, f.type, j.code
       FROM facility_event e JOIN facility f ON f.id = e.facility_id JOIN jurisdiction j ON j.id = f.jurisdiction_id ORDER BY e.id`,
    );
    const day = random.pick(events).day;
    const res = await h.gql(
      `query($day: Date) { jurisdiction(code: "321012") { live: coverage(metric: VILLAGE_SERVICE) { numerator } past: coverage(metric: VILLAGE_SERVICE, asOf: $day) { numerator } } }`,
      { day: day === today ? null : day },
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.jurisdiction.live.numerator).toBe(expectedCoverage(events, ['321012'], today).get('321012|VILLAGE_SERVICE') ?? 0);
    expect(res.data.jurisdiction.past.numerator).toBe(expectedCoverage(events, ['321012'], day).get('321012|VILLAGE_SERVICE') ?? 0);

    const live = { today: sorted(await storedCoverage(null)), current: sorted(await storedCurrent()), past: sorted(await storedCoverage(day)) };
    await rebuildRollups(h.db);
    expect({ today: sorted(await storedCoverage(null)), current: sorted(await storedCurrent()), past: sorted(await storedCoverage(day)) }).toEqual(live);
    expect(await malformedHistories()).toBe(0);
    expect(facilities.length).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(0);
  });
});
