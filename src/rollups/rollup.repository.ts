import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import { pathOfCode } from '../kernel/division-codes';

/** A day of `rollup_history` (days since 1970-01-01) as YYYY-MM-DD. */
const dayOfNumber = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

export interface FigureDelta {
  key: string;
  delta: number;
}

export interface DatedDelta extends FigureDelta {
  day: string;
}

/** A dated change of a unit's figure, to be added to the unit and every ancestor. */
export interface UnitDatedDelta extends DatedDelta {
  unitCode: string;
}

export interface NodeValue {
  nodeId: number;
  key: string;
  value: number;
}

// Namespace of the transaction-scoped advisory locks that serialise roll-up changes of one unit.
const UNIT_LOCK = 7_300_001;


/** A stored figure (bigint, which pg returns as text) as a number; it must be a safe integer. */
export const figureNumber = (value: string | number) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`roll-up value ${value} is not a safe integer`);
  return n;
};

interface HistoryRow {
  key: string;
  days: number[];
  figures: number[];
}

/** The day-by-day changes of stored histories by key, with an empty one for each of `keys` not stored. */
function changesByKey(rows: readonly HistoryRow[], keys: readonly string[]): Map<string, Map<string, number>> {
  const byKey = new Map<string, Map<string, number>>(keys.map((key) => [key, new Map()]));
  for (const row of rows) {
    const changes = new Map<string, number>();
    row.days.forEach((day, i) => changes.set(dayOfNumber(day), row.figures[i] - (i > 0 ? row.figures[i - 1] : 0)));
    byKey.set(row.key, changes);
  }
  return byKey;
}

export const rollupRepository = {
  /** Serialises changes to one unit's roll-ups until the transaction ends. */
  async lockUnit(tx: EntityManager, unitId: number): Promise<void> {
    await namedQuery(tx, 'rollup_lock_unit', `SELECT pg_advisory_xact_lock($1, $2)`, [UNIT_LOCK, unitId]);
  },

  /** As `lockUnit`, for the unit facility `facilityId` is located in: sent before the facility's row is read. */
  async lockUnitOfFacility(tx: EntityManager, facilityId: number): Promise<void> {
    await namedQuery(tx, 'rollup_lock_unit_of_facility', `SELECT pg_advisory_xact_lock($1, jurisdiction_id) FROM facility WHERE id = $2`, [
      UNIT_LOCK,
      facilityId,
    ]);
  },

  /**
   * Adds the deltas to the node `code` and every ancestor, in one statement: today's figures and, for
   * dated deltas, the figures' histories (`rollup_history`, merged by `rollup_history_sum`). Rows are
   * touched in (node, key) order, the figures' before the histories', so that concurrent writers queue
   * on shared ancestors instead of deadlocking. Dated deltas are at most one per key and day.
   */
  async apply(tx: EntityManager, code: string, current: readonly FigureDelta[], dated: readonly DatedDelta[]): Promise<void> {
    if (current.length === 0 && dated.length === 0) return;
    const path = pathOfCode(code);
    const applied = namedQuery(
      tx,
      'rollup_apply',
      `WITH path AS (
         SELECT id FROM jurisdiction WHERE code = ANY($1::text[])
       ), figures AS (
         INSERT INTO rollup_value AS r (node_id, key, value)
         SELECT p.id, d.key, d.delta FROM path p, unnest($2::text[], $3::bigint[]) AS d(key, delta)
         ORDER BY p.id, d.key
         ON CONFLICT (node_id, key) DO UPDATE SET value = r.value + EXCLUDED.value
         RETURNING 1
       )
       -- Each key's deltas as a history of its own (running sums from zero), added to the stored one.
       INSERT INTO rollup_history AS r (node_id, key, days, figures)
       SELECT p.id, h.key, h.days, h.figures FROM path p, (
         SELECT key, array_agg(day ORDER BY day) AS days, array_agg(figure ORDER BY day) AS figures FROM (
           SELECT d.key, d.day - date '1970-01-01' AS day, sum(d.delta) OVER (PARTITION BY d.key ORDER BY d.day)::integer AS figure
           FROM unnest($4::text[], $5::date[], $6::integer[]) AS d(key, day, delta)
         ) s GROUP BY key
       ) h
       WHERE (SELECT count(*) FROM figures) >= 0 -- the figures are written first
       ORDER BY p.id, h.key
       ON CONFLICT (node_id, key) DO UPDATE SET (days, figures) =
         (SELECT s.days, s.figures FROM rollup_history_sum(r.days, r.figures, EXCLUDED.days, EXCLUDED.figures) s)`,
      [path, current.map((d) => d.key), current.map((d) => d.delta), dated.map((d) => d.key), dated.map((d) => d.day), dated.map((d) => d.delta)],
    );
    if (dated.length === 0) {
      await applied;
      return;
    }
    // A change undone on its own day (opened and suspended today) can leave a history with no entry
    // at all: the row goes, as a rebuild would never write it. Sent behind the upsert without waiting
    // for it (rows it already locked), so that a pipelined transaction spends no round trip on it.
    const emptied = namedQuery(
      tx,
      'rollup_history_drop_empty',
      `DELETE FROM rollup_history WHERE node_id IN (SELECT id FROM jurisdiction WHERE code = ANY($1::text[])) AND key = ANY($2::text[]) AND cardinality(days) = 0`,
      [path, [...new Set(dated.map((d) => d.key))]],
    );
    await Promise.all([applied, emptied]);
  },

  /**
   * Adds dated changes of any number of units to each unit and every ancestor: the day rows and their
   * month and year sums (`rollup_change_period`, which `valuesAsOfByPeriods` reads). A constant number
   * of statements however many units and days: two, and a third when some sum comes to zero, whose
   * rows are then removed. Changes are summed per row first, and rows are touched in (node, key, day)
   * order, then (node, key, grain, start), as `apply` does: concurrent writers queue on shared
   * ancestors instead of deadlocking.
   */
  async applyAlongPaths(tx: EntityManager, changes: readonly UnitDatedDelta[]): Promise<void> {
    const days = new Map<string, { code: string; key: string; day: string; delta: number }>();
    const periods = new Map<string, { code: string; key: string; grain: 'year' | 'month'; start: string; delta: number }>();
    const add = <T extends { delta: number }>(sums: Map<string, T>, id: string, row: T) => {
      const sum = sums.get(id);
      if (sum) sum.delta += row.delta;
      else sums.set(id, row);
    };
    for (const { unitCode, key, day, delta } of changes) {
      const year = `${day.slice(0, 4)}-01-01`;
      const month = `${day.slice(0, 7)}-01`;
      for (const code of pathOfCode(unitCode)) {
        add(days, `${code}|${key}|${day}`, { code, key, day, delta });
        add(periods, `${code}|${key}|year|${year}`, { code, key, grain: 'year', start: year, delta });
        add(periods, `${code}|${key}|month|${month}`, { code, key, grain: 'month', start: month, delta });
      }
    }
    const dayRows = [...days.values()].filter((row) => row.delta !== 0);
    const periodRows = [...periods.values()].filter((row) => row.delta !== 0);
    if (dayRows.length === 0 && periodRows.length === 0) return;
    const emptiedDays: { nodeId: number; key: string; day: string }[] = await tx.query(
      `WITH applied AS (
         INSERT INTO rollup_change AS r (node_id, key, day, delta)
         SELECT j.id, d.key, d.day, d.delta FROM unnest($1::text[], $2::text[], $3::date[], $4::bigint[]) AS d(code, key, day, delta)
         JOIN jurisdiction j ON j.code = d.code
         ORDER BY j.id, d.key, d.day
         ON CONFLICT (node_id, key, day) DO UPDATE SET delta = r.delta + EXCLUDED.delta
         RETURNING r.node_id, r.key, r.day, r.delta
       )
       SELECT node_id AS "nodeId", key, to_char(day, 'YYYY-MM-DD') AS day FROM applied WHERE delta = 0`,
      [dayRows.map((r) => r.code), dayRows.map((r) => r.key), dayRows.map((r) => r.day), dayRows.map((r) => r.delta)],
    );
    const emptiedPeriods: { nodeId: number; key: string; grain: string; start: string }[] = await tx.query(
      `WITH applied AS (
         INSERT INTO rollup_change_period AS r (node_id, key, grain, start, delta)
         SELECT j.id, d.key, d.grain, d.start, d.delta
         FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::bigint[]) AS d(code, key, grain, start, delta)
         JOIN jurisdiction j ON j.code = d.code
         ORDER BY j.id, d.key, d.grain, d.start
         ON CONFLICT (node_id, key, grain, start) DO UPDATE SET delta = r.delta + EXCLUDED.delta
         RETURNING r.node_id, r.key, r.grain, r.start, r.delta
       )
       SELECT node_id AS "nodeId", key, grain, to_char(start, 'YYYY-MM-DD') AS start FROM applied WHERE delta = 0`,
      [periodRows.map((r) => r.code), periodRows.map((r) => r.key), periodRows.map((r) => r.grain), periodRows.map((r) => r.start), periodRows.map((r) => r.delta)],
    );
    if (emptiedDays.length > 0 || emptiedPeriods.length > 0) {
      // Rows this transaction just brought to zero, still locked by it: changes that cancel out leave no rows.
      await tx.query(
        `WITH days AS (
           DELETE FROM rollup_change r USING unnest($1::int[], $2::text[], $3::date[]) AS e(node_id, key, day)
           WHERE r.node_id = e.node_id AND r.key = e.key AND r.day = e.day AND r.delta = 0
         )
         DELETE FROM rollup_change_period r USING unnest($4::int[], $5::text[], $6::text[], $7::date[]) AS e(node_id, key, grain, start)
         WHERE r.node_id = e.node_id AND r.key = e.key AND r.grain = e.grain AND r.start = e.start AND r.delta = 0`,
        [
          emptiedDays.map((e) => e.nodeId),
          emptiedDays.map((e) => e.key),
          emptiedDays.map((e) => e.day),
          emptiedPeriods.map((e) => e.nodeId),
          emptiedPeriods.map((e) => e.key),
          emptiedPeriods.map((e) => e.grain),
          emptiedPeriods.map((e) => e.start),
        ],
      );
    }
  },

  /** The days one node's figures changed and by how much, by key (from `rollup_history`). */
  async changesOf(db: EntityManager, nodeId: number, keys: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const rows = await namedQuery<HistoryRow>(
      db,
      'rollup_histories_of',
      `SELECT key, days, figures FROM rollup_history WHERE node_id = $1 AND key = ANY($2::text[])`,
      [nodeId, keys],
    );
    return changesByKey(rows, keys);
  },

  /** As `changesOf`, for every key starting with `prefix` of the unit facility `facilityId` is located in (absent keys have no changes). */
  async changesOfUnitOfFacility(db: EntityManager, facilityId: number, prefix: string): Promise<Map<string, Map<string, number>>> {
    const rows = await namedQuery<HistoryRow>(
      db,
      'rollup_histories_of_unit_of_facility',
      `SELECT key, days, figures FROM rollup_history
       WHERE node_id = (SELECT jurisdiction_id FROM facility WHERE id = $1) AND key LIKE $2`,
      [facilityId, `${prefix}%`],
    );
    return changesByKey(rows, []);
  },

  /** Today's figures of the nodes for the keys (absent rows are zero). */
  async values(db: EntityManager, nodeIds: readonly number[], keys: readonly string[]): Promise<NodeValue[]> {
    const rows: { nodeId: number; key: string; value: string }[] = await namedQuery(
      db,
      'rollup_values',
      // One primary-key lookup per (node, key): as a prepared statement's generic plan, `node_id = ANY
      // AND key = ANY` scans every figure of each node and filters (a province's counties: 5,917 rows read for 151).
      `SELECT n.id AS "nodeId", k.key, v.value
       FROM unnest($1::int[]) AS n(id) CROSS JOIN unnest($2::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT value FROM rollup_value WHERE node_id = n.id AND key = k.key OFFSET 0) AS v`,
      [nodeIds, keys],
    );
    return rows.map((row) => ({ nodeId: row.nodeId, key: row.key, value: figureNumber(row.value) }));
  },

  /** Every non-zero figure of the nodes whose key starts with one of `prefixes`. */
  async valuesWithPrefixes(db: EntityManager, nodeIds: readonly number[], prefixes: readonly string[]): Promise<NodeValue[]> {
    const rows: { nodeId: number; key: string; value: string }[] = await namedQuery(
      db,
      'rollup_values_with_prefixes',
      `SELECT node_id AS "nodeId", key, value FROM rollup_value
       WHERE node_id = ANY($1::int[]) AND key LIKE ANY($2::text[]) AND value <> 0`,
      [nodeIds, prefixes.map((prefix) => `${prefix}%`)],
    );
    return rows.map((row) => ({ nodeId: row.nodeId, key: row.key, value: figureNumber(row.value) }));
  },

  /**
   * The figures `keys` of the nodes as they stand at the end of `day` (any day, those to come
   * included), for figures written by `applyAlongPaths`: the year sums before the day's year, the
   * month sums of that year before its month, and the day rows of that month up to the day. Zeros
   * are left out.
   */
  async valuesAsOfByPeriods(db: EntityManager, nodeIds: readonly number[], keys: readonly string[], day: string): Promise<NodeValue[]> {
    const rows: { nodeId: number; key: string; value: string }[] = await namedQuery(
      db,
      'rollup_values_as_of_by_periods',
      `SELECT node_id AS "nodeId", key, sum(delta) AS value FROM (
         SELECT node_id, key, delta FROM rollup_change_period
         WHERE node_id = ANY($1::int[]) AND key = ANY($2::text[]) AND grain = 'year' AND start < $3::date
         UNION ALL
         SELECT node_id, key, delta FROM rollup_change_period
         WHERE node_id = ANY($1::int[]) AND key = ANY($2::text[]) AND grain = 'month' AND start >= $3::date AND start < $4::date
         UNION ALL
         SELECT node_id, key, delta FROM rollup_change
         WHERE node_id = ANY($1::int[]) AND key = ANY($2::text[]) AND day >= $4::date AND day <= $5::date
       ) c
       GROUP BY node_id, key HAVING sum(delta) <> 0`,
      [nodeIds, keys, `${day.slice(0, 4)}-01-01`, `${day.slice(0, 7)}-01`, day],
    );
    return rows.map((row) => ({ nodeId: row.nodeId, key: row.key, value: figureNumber(row.value) }));
  },

  /** The figure `key` of the nodes as it stood at the end of `day`, from `rollup_history` (absent nodes are zero). */
  async valuesAsOf(db: EntityManager, nodeIds: readonly number[], key: string, day: string): Promise<Map<number, number>> {
    const rows: { nodeId: number; value: number | null }[] = await namedQuery(
      db,
      'rollup_values_as_of',
      `SELECT node_id AS "nodeId", figures[width_bucket($3::date - date '1970-01-01', days)] AS value FROM rollup_history
       WHERE node_id = ANY($1::int[]) AND key = $2`,
      [nodeIds, key, day],
    );
    return new Map(rows.map((row) => [row.nodeId, row.value ?? 0]));
  },

  /** The figure `key` of one node at the end of each of `days`, in their order, from `rollup_history`. */
  async valuesOnDays(db: EntityManager, nodeId: number, key: string, days: readonly string[]): Promise<number[]> {
    const rows: { value: number }[] = await namedQuery(
      db,
      'rollup_values_on_days',
      `SELECT coalesce(h.figures[width_bucket(p.day - date '1970-01-01', h.days)], 0) AS value
       FROM unnest($3::date[]) WITH ORDINALITY AS p(day, i)
       LEFT JOIN rollup_history h ON h.node_id = $1 AND h.key = $2
       ORDER BY p.i`,
      [nodeId, key, days],
    );
    return rows.map((row) => row.value);
  },
};
