import type { DataSource } from 'typeorm';
import { COVERAGE_DEFINITIONS, COVERAGE_METRICS, coveredKey } from './metrics';

export interface RebuildReport {
  unitFlips: number;
  changeRows: number;
  valueRows: number;
  ms: number;
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

// The metric catalogue as SQL rows, so that the rebuild and the incremental path share one definition.
function metricRows(): string {
  return COVERAGE_METRICS.map((metric) => {
    const definition = COVERAGE_DEFINITIONS[metric];
    const types = `ARRAY[${definition.types.map(literal).join(', ')}]::facility_type[]`;
    const service = definition.service ? `${literal(definition.service)}::facility_service` : 'NULL::facility_service';
    return `(${literal(coveredKey(metric))}, ${literal(definition.unit)}::jurisdiction_level, ${types}, ${service})`;
  }).join(',\n        ');
}

// Every node's figures are sums over the nodes below: a unit's contribution goes to the unit and to
// each ancestor, whose codes are its code's prefixes at the level lengths.
const ANCESTOR_LENGTHS = `(VALUES (2), (4), (6), (9), (12)) AS lengths(len)`;

/**
 * Recomputes every node's stored roll-ups from the base tables (facility, facility_event) in one
 * transaction: the repair path, and the way to load figures after a bulk import. Writers wait
 * for it (the roll-up tables are locked) and continue on the rebuilt figures.
 */
export async function rebuildRollups(dataSource: DataSource): Promise<RebuildReport> {
  const started = Date.now();
  const report = await dataSource.transaction(async (tx) => {
    await tx.query(`SET LOCAL work_mem = '256MB'`);
    await tx.query(`SET LOCAL jit = off`);
    await tx.query(`SET LOCAL statement_timeout = 0`);
    await tx.query(`LOCK TABLE rollup_value, rollup_change IN ACCESS EXCLUSIVE MODE`);
    await tx.query(`TRUNCATE rollup_value, rollup_change`);

    // The days each unit's coverage changes, per metric: a facility's state on a day is its last
    // entry of that day; a unit is covered while ≥ 1 of its facilities qualifies.
    await tx.query(`
      CREATE TEMP TABLE unit_flip ON COMMIT DROP AS
      WITH metric (key, unit_level, types, service) AS (VALUES
        ${metricRows()}
      ), day_end AS (
        SELECT DISTINCT ON (e.facility_id, e.occurred_on) e.facility_id, e.occurred_on AS day, e.status, e.services
        FROM facility_event e ORDER BY e.facility_id, e.occurred_on, e.id DESC
      ), state AS (
        SELECT f.jurisdiction_id AS unit_id, d.facility_id, m.key, d.day,
               (d.status = 'OPERATING' AND (m.service IS NULL OR m.service = ANY (d.services)))::int AS qualifies
        FROM day_end d
        JOIN facility f ON f.id = d.facility_id
        JOIN jurisdiction u ON u.id = f.jurisdiction_id
        JOIN metric m ON m.unit_level = u.level AND f.type = ANY (m.types)
      ), step AS (
        SELECT unit_id, key, day,
               qualifies - coalesce(lag(qualifies) OVER (PARTITION BY facility_id, key ORDER BY day), 0) AS step
        FROM state
      ), open_count AS (
        SELECT unit_id, key, day,
               sum(sum(step)) OVER (PARTITION BY unit_id, key ORDER BY day) AS open
        FROM step WHERE step <> 0 GROUP BY unit_id, key, day
      ), flip AS (
        SELECT unit_id, key, day,
               (open > 0)::int - (coalesce(lag(open) OVER (PARTITION BY unit_id, key ORDER BY day), 0) > 0)::int AS delta
        FROM open_count
      )
      SELECT f.unit_id, u.code, f.key, f.day, f.delta FROM flip f JOIN jurisdiction u ON u.id = f.unit_id WHERE f.delta <> 0`);
    const [{ n: unitFlips }] = await tx.query(`SELECT count(*)::int AS n FROM unit_flip`);

    await tx.query(`
      INSERT INTO rollup_change (node_id, key, day, delta)
      SELECT a.id, x.key, x.day, x.delta FROM (
        SELECT left(f.code, lengths.len) AS code, f.key, f.day, sum(f.delta) AS delta
        FROM unit_flip f JOIN ${ANCESTOR_LENGTHS} ON lengths.len <= length(f.code)
        GROUP BY 1, 2, 3 HAVING sum(f.delta) <> 0
      ) x JOIN jurisdiction a ON a.code = x.code`);

    await tx.query(`
      INSERT INTO rollup_value (node_id, key, value)
      SELECT a.id, x.key, x.value FROM (
        SELECT left(c.code, lengths.len) AS code, c.key, sum(c.value) AS value
        FROM (
          SELECT u.code, 'facilities:' || f.type || ':' || f.status AS key, 1::bigint AS value
          FROM facility f JOIN jurisdiction u ON u.id = f.jurisdiction_id
          UNION ALL
          SELECT u.code, b.key, b.value
          FROM facility f JOIN jurisdiction u ON u.id = f.jurisdiction_id
          CROSS JOIN LATERAL (VALUES ('beds:total', f.beds_total), ('beds:nursing', f.beds_nursing), ('beds:dementia', f.beds_dementia))
            AS b (key, value)
          WHERE f.status = 'OPERATING' AND b.value <> 0
          UNION ALL
          SELECT code, key, delta FROM unit_flip
        ) c JOIN ${ANCESTOR_LENGTHS} ON lengths.len <= length(c.code)
        GROUP BY 1, 2 HAVING sum(c.value) <> 0
      ) x JOIN jurisdiction a ON a.code = x.code`);
    const [{ changeRows, valueRows }] = await tx.query(
      `SELECT (SELECT count(*) FROM rollup_change)::int AS "changeRows", (SELECT count(*) FROM rollup_value)::int AS "valueRows"`,
    );
    return { unitFlips, changeRows, valueRows };
  });
  // Fresh statistics and visibility map: the as-of reads are index-only scans.
  await dataSource.query(`VACUUM (ANALYZE) rollup_change, rollup_value`);
  return { ...report, ms: Date.now() - started };
}
