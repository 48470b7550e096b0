import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { AbilityStanding } from '../elderly/elderly-kinds';
import { ABILITY_KEY_PREFIX, abilityKey, AGE_BANDS, ageBandKey, CATEGORY_KEY_PREFIX, PEOPLE_KEYS, PEOPLE_TOTAL_KEY } from '../elderly/person-figures';
import { chinaDayOf } from '../kernel/dates';
import type { PoolClient } from 'pg';
import type { Progress } from '../config/progress';
import { copyInto, copyRows, CopyText, type CopyRow } from '../db/copy';
import { BASE_ROWS, facilityFigures, Facilities, rollUpFlips, Tree, unitFlips, type Events } from './rollup.compute';

export interface RebuildReport {
  unitFlips: number;
  /** People counted on some day (the rest moved away or died before their counted span began). */
  countedPeople: number;
  /** Figures with a history (`rollup_history` rows: one per node and coverage figure). */
  historyRows: number;
  /** Dated changes of the people counts (`rollup_change` rows). */
  changeRows: number;
  valueRows: number;
  ms: number;
  /** Where the time went: ms per step, in order. */
  steps: { step: string; ms: number }[];
}

/** What the rebuild needs of a transaction: statements, each timed. */
type Queryable = Pick<EntityManager, 'query'>;

/** Rows read between two progress reports. */
const PROGRESS_ROWS = 65_536;

/** copyRows, reporting the rows read to `progress` a batch at a time. */
async function copyRowsCounted(client: PoolClient, base: { query: string; columns: number }, read: (row: CopyRow) => void, progress: Progress | undefined): Promise<void> {
  let rows = 0;
  let reported = 0;
  const row = (fields: CopyRow) => {
    read(fields);
    if (++rows - reported === PROGRESS_ROWS) {
      progress!.advance(PROGRESS_ROWS);
      reported = rows;
    }
  };
  await copyRows(client, base.query, base.columns, progress ? row : read);
  progress?.advance(rows - reported);
}

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

/** Timing one step of the rebuild: reported to `progress` as a stage, its time added to the steps. */
type Step = <T>(name: string, work: () => T | Promise<T>, total?: number) => Promise<T>;

function stepper(steps: { step: string; ms: number }[], progress: Progress | undefined): Step {
  return async (name, work, total) => {
    progress?.stage(name, total);
    const begun = performance.now();
    try {
      return await work();
    } finally {
      steps.push({ step: name, ms: Math.round(performance.now() - begun) });
    }
  };
}

/** Locks and empties the roll-up tables and drops what the bulk load is better off without; returns how to restore it. */
async function lockAndSetAside(tx: Queryable): Promise<{ drop: string; restore: string }[]> {
  await tx.query(`SET LOCAL work_mem = '256MB'`);
  await tx.query(`SET LOCAL maintenance_work_mem = '512MB'`);
  await tx.query(`SET LOCAL jit = off`);
  await tx.query(`SET LOCAL statement_timeout = 0`);
  await tx.query(`LOCK TABLE rollup_value, rollup_history, rollup_change, rollup_change_period IN ACCESS EXCLUSIVE MODE`);
  await tx.query(`TRUNCATE rollup_value, rollup_history, rollup_change, rollup_change_period`);

  // Millions of rows go in at once: their indexes are rebuilt once over the whole tables instead of
  // kept up row by row (readers wait on the lock either way). Triggers that keep a copy of the rows a
  // statement changes (the figure notices) are set aside too, and not merely disabled, which would
  // still copy them: the TRUNCATE's notice tells every server to forget every figure on commit.
  const setAside: { drop: string; restore: string }[] = await tx.query(
    `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname) AS drop,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass, k.conname, pg_get_constraintdef(k.oid)) AS restore
     FROM pg_constraint k
     WHERE k.conrelid IN ('rollup_value'::regclass, 'rollup_history'::regclass, 'rollup_change'::regclass, 'rollup_change_period'::regclass) AND k.contype IN ('p', 'u')
     UNION ALL
     SELECT format('DROP INDEX %s', c.oid::regclass), pg_get_indexdef(c.oid)
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid IN ('rollup_value'::regclass, 'rollup_history'::regclass, 'rollup_change'::regclass, 'rollup_change_period'::regclass)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
     UNION ALL
     SELECT format('DROP TRIGGER %I ON %s', t.tgname, t.tgrelid::regclass), pg_get_triggerdef(t.oid)
     FROM pg_trigger t
     WHERE t.tgrelid IN ('rollup_value'::regclass, 'rollup_history'::regclass, 'rollup_change'::regclass, 'rollup_change_period'::regclass)
       AND NOT t.tgisinternal AND (t.tgnewtable IS NOT NULL OR t.tgoldtable IS NOT NULL)`,
  );
  for (const { drop } of setAside) await tx.query(drop);
  return setAside;
}

/** Reads the base rows of the facility figures, computes them in this process and writes them by COPY. */
async function rebuildFacilityFigures(
  tx: Queryable,
  client: PoolClient,
  step: Step,
  progress: Progress | undefined,
): Promise<{ unitFlips: number; historyRows: number; valueRows: number }> {
  // The base rows, as numbers.
  const [{ nodes, facilityIds }] = await tx.query(
    `SELECT (SELECT coalesce(max(id), 0) FROM jurisdiction)::int + 1 AS nodes, (SELECT coalesce(max(id), 0) FROM facility)::int + 1 AS "facilityIds"`,
  );
  const tree = new Tree(nodes);
  await step('read the tree (COPY)', () => copyRowsCounted(client, BASE_ROWS.tree, BASE_ROWS.tree.read(tree), progress));
  const facilities = new Facilities(facilityIds);
  await step('read the facilities (COPY)', () =>
    copyRowsCounted(client, BASE_ROWS.facilities, BASE_ROWS.facilities.read(facilities), progress),
  );
  const [{ entries }] = await tx.query(`SELECT count(*)::int AS entries FROM facility_event`);
  const events: Events = { facility: new Int32Array(entries), day: new Int32Array(entries), id: new Float64Array(entries), state: new Uint8Array(entries), length: 0 };
  await step(
    'read the facility histories (COPY)',
    () => copyRowsCounted(client, BASE_ROWS.events, BASE_ROWS.events.read(events), progress),
    entries,
  );

  // Coverage: the units' flips, added up along their ancestors into histories and today's figures;
  // and the facilities by type and status and beds in operation.
  const flips = await step('unit flips', () => unitFlips(tree, facilities, events));
  progress?.advance(flips.length);
  const histories = new CopyText();
  const values = new CopyText();
  await step('coverage histories', () => rollUpFlips(tree, flips, histories, values));
  await step('facility figures', () => facilityFigures(tree, facilities, values));
  const historyRows = await step('write rollup_history (COPY)', () => copyInto(client, 'rollup_history', ['node_id', 'key', 'days', 'figures'], histories), histories.rows);
  progress?.advance(historyRows);
  const valueRows = await step('write rollup_value (COPY)', () => copyInto(client, 'rollup_value', ['node_id', 'key', 'value'], values), values.rows);
  progress?.advance(valueRows);
  return { unitFlips: flips.length, historyRows, valueRows };
}

/** Rolls the people counts' dated changes up over every node, with their month and year sums; returns the people counted. */
async function rebuildPeopleCounts(tx: Queryable, progress: Progress | undefined): Promise<number> {
  // The people counts: dated changes only (days to come included), rolled up over the ancestors of
  // every village with a person (a1 = province … a5 = village; the levels below the unit are null).
  progress?.stage('people counts');
  await tx.query(`
    CREATE TEMP TABLE unit_lineage ON COMMIT DROP AS
    SELECT u.id AS unit_id,
      CASE u.level WHEN 'PROVINCE' THEN u.id WHEN 'CITY' THEN p1.id WHEN 'COUNTY' THEN p2.id WHEN 'TOWN' THEN p3.id ELSE p3.parent_id END AS a1,
      CASE u.level WHEN 'CITY' THEN u.id WHEN 'COUNTY' THEN p1.id WHEN 'TOWN' THEN p2.id WHEN 'VILLAGE' THEN p3.id END AS a2,
      CASE u.level WHEN 'COUNTY' THEN u.id WHEN 'TOWN' THEN p1.id WHEN 'VILLAGE' THEN p2.id END AS a3,
      CASE u.level WHEN 'TOWN' THEN u.id WHEN 'VILLAGE' THEN p1.id END AS a4,
      CASE u.level WHEN 'VILLAGE' THEN u.id END AS a5
    FROM (SELECT DISTINCT village_id FROM person) d
    JOIN jurisdiction u ON u.id = d.village_id
    LEFT JOIN jurisdiction p1 ON p1.id = u.parent_id
    LEFT JOIN jurisdiction p2 ON p2.id = p1.parent_id
    LEFT JOIN jurisdiction p3 ON p3.id = p2.parent_id`);
  await tx.query(`ANALYZE unit_lineage`);
  const countedPeople = await peopleDeltas(tx);
  progress?.advance(countedPeople);
  progress?.stage('write rollup_change and its month and year sums');
  // One sorted pass over the villages' rows groups them at every ancestor level at once.
  await tx.query(`SET LOCAL enable_hashagg = off`);
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
  return countedPeople;
}

/**
 * Recomputes every node's stored roll-ups from the base tables (facility, facility_event, and the
 * people tables) in one transaction: the repair path, and the way to load figures after a bulk
 * import. Writers wait for it (the roll-up tables are locked) and continue on the rebuilt figures.
 *
 * The facility figures are computed in this process from the base rows (rollup.compute.ts): they
 * come and go by COPY, and the histories are written once, whole, instead of summed up in sorts.
 * The people counts are computed set-wise in SQL. Reports its steps to `progress`, with the rows
 * read and written.
 */
export async function rebuildRollups(dataSource: DataSource, progress?: Progress): Promise<RebuildReport> {
  const started = Date.now();
  const steps: { step: string; ms: number }[] = [];
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  const tx = timed(runner.manager, steps);
  let report: Omit<RebuildReport, 'ms' | 'steps'>;
  try {
    progress?.stage('lock and set aside indexes');
    await runner.startTransaction();
    const setAside = await lockAndSetAside(tx);
    const written = await rebuildFacilityFigures(tx, client, stepper(steps, progress), progress);
    const countedPeople = await rebuildPeopleCounts(tx, progress);
    progress?.stage('restore indexes, constraints and triggers', setAside.length);
    for (const { restore } of setAside) {
      await tx.query(restore);
      progress?.advance();
    }
    progress?.stage('commit');
    const [{ changeRows }] = await tx.query(`SELECT count(*)::int AS "changeRows" FROM rollup_change`);
    report = { unitFlips: written.unitFlips, countedPeople, historyRows: written.historyRows, changeRows, valueRows: written.valueRows };
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
  // Fresh statistics and visibility map: the as-of reads are index-only scans.
  progress?.stage('vacuum and analyze');
  await timed(dataSource.manager, steps).query(`VACUUM (ANALYZE) rollup_value, rollup_history, rollup_change, rollup_change_period`);
  progress?.done();
  return { ...report, ms: Date.now() - started, steps };
}
