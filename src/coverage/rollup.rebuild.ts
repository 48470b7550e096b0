import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import type { FacilityService } from '../facilities/facility-kinds';
import { AbilityStanding } from '../elderly/elderly-kinds';
import { ABILITY_KEY_PREFIX, abilityKey, AGE_BANDS, ageBandKey, CATEGORY_KEY_PREFIX, PEOPLE_KEYS, PEOPLE_TOTAL_KEY } from '../elderly/person-figures';
import { chinaDayOf } from '../graphql/dates';
import { COVERAGE_DEFINITIONS, COVERAGE_METRICS, coveredKey } from './metrics';

export interface RebuildReport {
  unitFlips: number;
  /** People counted on some day (the rest moved away or died before their counted span began). */
  countedPeople: number;
  changeRows: number;
  valueRows: number;
  ms: number;
  /** Where the time went: ms per step, in order. */
  steps: { step: string; ms: number }[];
}

/** What the rebuild needs of a transaction: statements, each timed. */
type Queryable = Pick<EntityManager, 'query'>;

/** `tx` with every statement's time added to `steps`, under its first line. */
function timed(tx: EntityManager, steps: { step: string; ms: number }[]): Queryable {
  return {
    async query(sql: string, parameters?: unknown[]) {
      const started = performance.now();
      try {
        return await tx.query(sql, parameters);
      } finally {
        const ms = performance.now() - started;
        if (ms >= 1) steps.push({ step: sql.trim().split('\n')[0].slice(0, 80), ms: Math.round(ms) });
      }
    },
  };
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

// The metric catalogue as SQL, so that the rebuild and the incremental path share one definition.
// Each metric is a bit of an integer mask: the rebuild computes once per facility-day which metrics
// it qualifies for, instead of once per (facility-day, metric).
const METRICS = COVERAGE_METRICS.map((metric, bit) => ({ key: coveredKey(metric), bit, definition: COVERAGE_DEFINITIONS[metric] }));
// The services some metric asks for; a facility-day's state is bit 0 (operating) and one bit per such service.
const SERVICES = [...new Set(METRICS.map((m) => m.definition.service).filter((s): s is FacilityService => s !== null))];

/** The metrics facility `f`, located in unit `u`, may count towards: its unit level and type qualify. */
function appliesMask(): string {
  return METRICS.map(({ bit, definition }) => {
    const types = `ARRAY[${definition.types.map(literal).join(', ')}]::facility_type[]`;
    return `CASE WHEN u.level = ${literal(definition.unit)} AND f.type = ANY (${types}) THEN ${1 << bit} ELSE 0 END`;
  }).join('\n        | ');
}

/** A day-end state as bits: 1 when OPERATING, plus the bit of each asked-for service it offers then. */
function stateBits(status: string, services: string): string {
  const offered = SERVICES.map((service, i) => ` | CASE WHEN ${literal(service)} = ANY (${services}) THEN ${2 << i} ELSE 0 END`).join('');
  return `CASE WHEN ${status} = 'OPERATING' THEN 1${offered} ELSE 0 END`;
}

/** The metrics a facility that may count towards `applies` qualifies for in day-end `state`. */
function qualifyingMask(applies: string, state: string): string {
  const anyService = METRICS.filter((m) => m.definition.service === null).reduce((mask, m) => mask | (1 << m.bit), 0);
  const byService = SERVICES.map((service, i) => {
    const mask = METRICS.filter((m) => m.definition.service === service).reduce((sum, m) => sum | (1 << m.bit), 0);
    return ` | CASE WHEN ${state} & ${2 << i} <> 0 THEN ${mask} ELSE 0 END`;
  }).join('');
  return `${applies} & CASE WHEN ${state} & 1 = 1 THEN ${anyService}${byService} ELSE 0 END`;
}

/** The roll-up key of metric bit `bit`. */
const metricKey = (bit: string) => `(ARRAY[${METRICS.map(({ key }) => literal(key)).join(', ')}]::text[])[${bit} + 1]`;

// Rolled up over a unit's lineage (a1 = its province … a5 = a village), each grouping level is one
// ancestor level: the node a group belongs to is the deepest column still grouped.
const ROLLUP = `ROLLUP (l.a1, l.a2, l.a3, l.a4, l.a5)`;
const ROLLUP_NODE = `CASE grouping(l.a1, l.a2, l.a3, l.a4, l.a5) WHEN 0 THEN l.a5 WHEN 1 THEN l.a4 WHEN 3 THEN l.a3 WHEN 7 THEN l.a2 WHEN 15 THEN l.a1 END`;

/** The day someone born on `birth` completes `years` years, as `dayOfAge` (person-figures.ts) says: 29 February falls on 1 March in other years. */
function sqlDayOfAge(birth: string, years: number): string {
  const year = `extract(year FROM ${birth})::int + ${years}`;
  return `CASE WHEN to_char(${birth}, 'MM-DD') = '02-29' THEN make_date(${year}, 2, 28) + 1
    ELSE make_date(${year}, extract(month FROM ${birth})::int, extract(day FROM ${birth})::int) END`;
}

// The age bands as rows (key, first day, day after): a person's stretch in a band is their counted span cut to it.
const AGE_BAND_ROWS = AGE_BANDS.map(
  ({ band, from, to }) =>
    `(${literal(ageBandKey(band))}, ${from === 0 ? 'NULL::date' : sqlDayOfAge('s.birth_date', from)}, ${to === null ? 'NULL::date' : sqlDayOfAge('s.birth_date', to)})`,
).join(',\n          ');

const NOT_ASSESSED_KEY = literal(abilityKey(AbilityStanding.NOT_ASSESSED));

/**
 * The people counts of every village, as `personFigureChanges` (elderly/person-figures.ts) computes
 * them person by person, here set-wise: a person's counted span and, within it, their stretches per
 * key as +1 on the first day and −1 on the day after the last. In `person_delta` (unit_id, key, day, delta).
 */
async function peopleDeltas(tx: Queryable): Promise<number> {
  // Counted from residentSince, else the day registered, until the day they moved away or died.
  await tx.query(`
    CREATE TEMP TABLE person_span ON COMMIT DROP AS
    SELECT p.id AS person_id, p.village_id AS unit_id, p.birth_date, s.from_day,
      CASE WHEN p.status = 'ACTIVE' THEN NULL ELSE coalesce(p.status_since, s.from_day) END AS to_day
    FROM person p
    CROSS JOIN LATERAL (SELECT coalesce(p.resident_since, ${chinaDayOf('p.created_at')}) AS from_day) s`);
  await tx.query(`DELETE FROM person_span WHERE to_day <= from_day`);
  await tx.query(`ANALYZE person_span`);
  const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM person_span`);

  // Stretches that never overlap within a key: the span itself (total, and NOT_ASSESSED to begin
  // with), its part in each age band, and each assessment's stretch (its level +1, NOT_ASSESSED −1).
  // An assessment applies from its day (the last recorded that day wins) to the next one's day or
  // the day after its validUntil, whichever is first. least/greatest ignore nulls: null is open-ended.
  await tx.query(`
    CREATE TEMP TABLE person_stretch ON COMMIT DROP AS
    WITH assessed AS (
      SELECT DISTINCT ON (a.person_id, a.assessed_on) a.person_id, a.assessed_on, a.valid_until, a.level
      FROM ability_assessment a ORDER BY a.person_id, a.assessed_on, a.id DESC
    ), assessment_stretch AS (
      SELECT person_id, level, assessed_on AS from_day,
        least(valid_until + 1, lead(assessed_on) OVER (PARTITION BY person_id ORDER BY assessed_on)) AS to_day
      FROM assessed
    ), stretch AS (
      SELECT s.unit_id, k.key, s.from_day, s.to_day, 1 AS sign
      FROM person_span s CROSS JOIN (VALUES (${literal(PEOPLE_TOTAL_KEY)}), (${NOT_ASSESSED_KEY})) AS k (key)
      UNION ALL
      SELECT s.unit_id, b.key, greatest(s.from_day, b.from_day), least(s.to_day, b.to_day), 1
      FROM person_span s CROSS JOIN LATERAL (VALUES
          ${AGE_BAND_ROWS}
        ) AS b (key, from_day, to_day)
      UNION ALL
      SELECT s.unit_id, k.key, greatest(s.from_day, a.from_day), least(s.to_day, a.to_day), k.sign
      FROM assessment_stretch a JOIN person_span s ON s.person_id = a.person_id
      CROSS JOIN LATERAL (VALUES (${literal(ABILITY_KEY_PREFIX)} || a.level::text, 1), (${NOT_ASSESSED_KEY}, -1)) AS k (key, sign)
    )
    SELECT unit_id, key, from_day, to_day, sign FROM stretch WHERE to_day IS NULL OR to_day > from_day`);

  // Categories may have overlapping records of one category: a person counts once, on the days the
  // open count of their records (cut to the span) leaves or returns to zero.
  await tx.query(`
    CREATE TEMP TABLE person_delta ON COMMIT DROP AS
    WITH category_cut AS (
      SELECT s.person_id, s.unit_id, c.category, greatest(c.valid_from, s.from_day) AS from_day, least(c.valid_to, s.to_day) AS to_day
      FROM person_category c JOIN person_span s ON s.person_id = c.person_id
    ), category_step AS (
      SELECT person_id, unit_id, category, from_day AS day, 1 AS step FROM category_cut WHERE to_day IS NULL OR to_day > from_day
      UNION ALL
      SELECT person_id, unit_id, category, to_day, -1 FROM category_cut WHERE to_day > from_day
    ), category_open AS (
      SELECT person_id, unit_id, category, day, sum(step)::int AS steps,
        sum(sum(step)::int) OVER (PARTITION BY person_id, category ORDER BY day) AS open
      FROM category_step GROUP BY person_id, unit_id, category, day
    ), change AS (
      SELECT unit_id, key, from_day AS day, sign AS delta FROM person_stretch
      UNION ALL
      SELECT unit_id, key, to_day, -sign FROM person_stretch WHERE to_day IS NOT NULL
      UNION ALL
      SELECT unit_id, ${literal(CATEGORY_KEY_PREFIX)} || category::text, day, (open > 0)::int - (open - steps > 0)::int
      FROM category_open WHERE (open > 0) <> (open - steps > 0)
    )
    SELECT unit_id, key COLLATE "C" AS key, day, sum(delta)::int AS delta FROM change GROUP BY 1, 2, 3 HAVING sum(delta) <> 0`);
  await tx.query(`ANALYZE person_delta`);
  return n;
}

/**
 * Recomputes every node's stored roll-ups from the base tables (facility, facility_event) in one
 * transaction: the repair path, and the way to load figures after a bulk import. Writers wait
 * for it (the roll-up tables are locked) and continue on the rebuilt figures.
 */
export async function rebuildRollups(dataSource: DataSource): Promise<RebuildReport> {
  const started = Date.now();
  const steps: { step: string; ms: number }[] = [];
  const report = await dataSource.transaction(async (transaction) => {
    const tx = timed(transaction, steps);
    await tx.query(`SET LOCAL work_mem = '256MB'`);
    await tx.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    await tx.query(`SET LOCAL jit = off`);
    await tx.query(`SET LOCAL statement_timeout = 0`);
    await tx.query(`LOCK TABLE rollup_value, rollup_change, rollup_change_period IN ACCESS EXCLUSIVE MODE`);
    await tx.query(`TRUNCATE rollup_value, rollup_change, rollup_change_period`);

    // Millions of rows go in at once: their indexes are rebuilt once over the whole tables instead of
    // kept up row by row (readers wait on the lock either way).
    const setAside: { drop: string; restore: string }[] = await tx.query(
      `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname) AS drop,
         format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass, k.conname, pg_get_constraintdef(k.oid)) AS restore
       FROM pg_constraint k
       WHERE k.conrelid IN ('rollup_value'::regclass, 'rollup_change'::regclass, 'rollup_change_period'::regclass) AND k.contype IN ('p', 'u')
       UNION ALL
       SELECT format('DROP INDEX %s', c.oid::regclass), pg_get_indexdef(c.oid)
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid IN ('rollup_value'::regclass, 'rollup_change'::regclass, 'rollup_change_period'::regclass)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)`,
    );
    for (const { drop } of setAside) await tx.query(drop);

    // Which metrics each facility may count towards, and the ancestors of every unit with a facility
    // or a person (a1 = province … a5 = village; the levels below the unit are null).
    await tx.query(`
      CREATE TEMP TABLE facility_metrics ON COMMIT DROP AS
      SELECT f.id AS facility_id, f.jurisdiction_id AS unit_id,
        ${appliesMask()} AS applies
      FROM facility f JOIN jurisdiction u ON u.id = f.jurisdiction_id`);
    await tx.query(`ANALYZE facility_metrics`);
    await tx.query(`
      CREATE TEMP TABLE unit_lineage ON COMMIT DROP AS
      SELECT u.id AS unit_id,
        CASE u.level WHEN 'PROVINCE' THEN u.id WHEN 'CITY' THEN p1.id WHEN 'COUNTY' THEN p2.id WHEN 'TOWN' THEN p3.id ELSE p3.parent_id END AS a1,
        CASE u.level WHEN 'CITY' THEN u.id WHEN 'COUNTY' THEN p1.id WHEN 'TOWN' THEN p2.id WHEN 'VILLAGE' THEN p3.id END AS a2,
        CASE u.level WHEN 'COUNTY' THEN u.id WHEN 'TOWN' THEN p1.id WHEN 'VILLAGE' THEN p2.id END AS a3,
        CASE u.level WHEN 'TOWN' THEN u.id WHEN 'VILLAGE' THEN p1.id END AS a4,
        CASE u.level WHEN 'VILLAGE' THEN u.id END AS a5
      FROM (SELECT jurisdiction_id FROM facility UNION SELECT village_id FROM person) d
      JOIN jurisdiction u ON u.id = d.jurisdiction_id
      LEFT JOIN jurisdiction p1 ON p1.id = u.parent_id
      LEFT JOIN jurisdiction p2 ON p2.id = p1.parent_id
      LEFT JOIN jurisdiction p3 ON p3.id = p2.parent_id`);
    await tx.query(`ANALYZE unit_lineage`);

    // The days each unit's coverage changes, per metric: a facility's state on a day is its last
    // entry of that day; a unit is covered while ≥ 1 of its facilities qualifies. Only the days a
    // facility's state changes can move a unit; a day's open count less that day's steps is the
    // count before it.
    await tx.query(`
      CREATE TEMP TABLE unit_flip ON COMMIT DROP AS
      WITH day_end AS (
        SELECT DISTINCT ON (e.facility_id, e.occurred_on) e.facility_id, e.occurred_on AS day,
          ${stateBits('e.status', 'e.services')} AS state
        FROM facility_event e ORDER BY e.facility_id, e.occurred_on, e.id DESC
      ), changed AS (
        SELECT facility_id, day, state, lag(state, 1, 0) OVER (PARTITION BY facility_id ORDER BY day) AS before
        FROM day_end
      ), qualifying AS (
        SELECT m.unit_id, c.day,
          ${qualifyingMask('m.applies', 'c.state')} AS now,
          ${qualifyingMask('m.applies', 'c.before')} AS was
        FROM changed c JOIN facility_metrics m ON m.facility_id = c.facility_id
        WHERE c.state <> c.before AND m.applies <> 0
      ), step AS (
        SELECT q.unit_id, b.bit, q.day, ((q.now >> b.bit) & 1) - ((q.was >> b.bit) & 1) AS step
        FROM qualifying q CROSS JOIN generate_series(0, ${METRICS.length - 1}) AS b (bit)
        WHERE q.now <> q.was AND ((q.now # q.was) >> b.bit) & 1 = 1
      ), open_count AS (
        SELECT unit_id, bit, day, sum(step)::int AS steps, sum(sum(step)::int) OVER (PARTITION BY unit_id, bit ORDER BY day) AS open
        FROM step GROUP BY unit_id, bit, day
      )
      SELECT unit_id, bit, day, ((open > 0)::int - (open - steps > 0)::int) AS delta
      FROM open_count WHERE (open > 0) <> (open - steps > 0)`);
    const [{ n: unitFlips }] = await tx.query(`SELECT count(*)::int AS n FROM unit_flip`);
    await tx.query(`ANALYZE unit_flip`);

    // Every node's figures are sums over the units below it and itself: one sorted pass over the
    // units' rows groups them at every ancestor level at once.
    await tx.query(`SET LOCAL enable_hashagg = off`);
    await tx.query(`
      INSERT INTO rollup_change (node_id, key, day, delta)
      SELECT g.node_id, ${metricKey('g.bit')}, g.day, g.delta FROM (
        SELECT f.bit, f.day, ${ROLLUP_NODE} AS node_id, sum(f.delta) AS delta
        FROM unit_flip f JOIN unit_lineage l ON l.unit_id = f.unit_id
        GROUP BY f.bit, f.day, ${ROLLUP}
      ) g
      WHERE g.node_id IS NOT NULL AND g.delta <> 0`);

    // The people counts: dated changes only (days to come included), rolled up the same way.
    const countedPeople = await peopleDeltas(tx);
    await tx.query(`
      INSERT INTO rollup_change (node_id, key, day, delta)
      SELECT g.node_id, g.key, g.day, g.delta FROM (
        SELECT d.key, d.day, ${ROLLUP_NODE} AS node_id, sum(d.delta) AS delta
        FROM person_delta d JOIN unit_lineage l ON l.unit_id = d.unit_id
        GROUP BY d.key, d.day, ${ROLLUP}
      ) g
      WHERE g.node_id IS NOT NULL AND g.delta <> 0`);
    // And their month and year sums, which the reads take for all but the last month.
    await tx.query(`
      INSERT INTO rollup_change_period (node_id, key, grain, start, delta)
      SELECT node_id, key, g.grain, g.start, sum(delta) FROM (
        SELECT c.node_id, c.key, c.delta, p.grain, p.start
        FROM rollup_change c
        CROSS JOIN LATERAL (VALUES ('year', date_trunc('year', c.day::timestamp)::date), ('month', date_trunc('month', c.day::timestamp)::date)) AS p (grain, start)
        WHERE c.key = ANY (ARRAY[${PEOPLE_KEYS.map(literal).join(', ')}])
      ) g
      GROUP BY node_id, key, g.grain, g.start HAVING sum(delta) <> 0`);

    // Today's figures, one family at a time so that each sorts on compact keys: facilities by type
    // and status, beds in operation, and covered units (what each unit's flips add up to).
    await tx.query(`
      INSERT INTO rollup_value (node_id, key, value)
      SELECT g.node_id, 'facilities:' || g.type || ':' || g.status, g.value FROM (
        SELECT u.type, u.status, ${ROLLUP_NODE} AS node_id, sum(u.n) AS value
        FROM (SELECT jurisdiction_id AS unit_id, type, status, count(*)::int AS n FROM facility GROUP BY 1, 2, 3) u
        JOIN unit_lineage l ON l.unit_id = u.unit_id
        GROUP BY u.type, u.status, ${ROLLUP}
      ) g
      WHERE g.node_id IS NOT NULL AND g.value <> 0`);
    await tx.query(`
      INSERT INTO rollup_value (node_id, key, value)
      SELECT g.node_id, g.key, g.value FROM (
        SELECT u.key, ${ROLLUP_NODE} AS node_id, sum(u.value) AS value
        FROM (
          SELECT f.jurisdiction_id AS unit_id, b.key COLLATE "C" AS key, sum(b.value)::int AS value
          FROM facility f
          CROSS JOIN LATERAL (VALUES ('beds:total', f.beds_total), ('beds:nursing', f.beds_nursing), ('beds:dementia', f.beds_dementia))
            AS b (key, value)
          WHERE f.status = 'OPERATING' AND b.value <> 0
          GROUP BY 1, 2
        ) u JOIN unit_lineage l ON l.unit_id = u.unit_id
        GROUP BY u.key, ${ROLLUP}
      ) g
      WHERE g.node_id IS NOT NULL AND g.value <> 0`);
    await tx.query(`
      INSERT INTO rollup_value (node_id, key, value)
      SELECT g.node_id, ${metricKey('g.bit')}, g.value FROM (
        SELECT u.bit, ${ROLLUP_NODE} AS node_id, sum(u.covered) AS value
        FROM (SELECT unit_id, bit, sum(delta)::int AS covered FROM unit_flip GROUP BY 1, 2) u
        JOIN unit_lineage l ON l.unit_id = u.unit_id
        WHERE u.covered <> 0
        GROUP BY u.bit, ${ROLLUP}
      ) g
      WHERE g.node_id IS NOT NULL AND g.value <> 0`);

    for (const { restore } of setAside) await tx.query(restore);
    const [{ changeRows, valueRows }] = await tx.query(
      `SELECT (SELECT count(*) FROM rollup_change)::int AS "changeRows", (SELECT count(*) FROM rollup_value)::int AS "valueRows"`,
    );
    return { unitFlips, countedPeople, changeRows, valueRows };
  });
  // Fresh statistics and visibility map: the as-of reads are index-only scans.
  await timed(dataSource.manager, steps).query(`VACUUM (ANALYZE) rollup_change, rollup_value, rollup_change_period`);
  return { ...report, ms: Date.now() - started, steps };
}
