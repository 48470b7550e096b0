import type { DataSource } from 'typeorm';
import type { Progress } from '../config/progress';
import { CODE_LENGTH, JurisdictionLevel, LEVELS } from '../kernel/division-codes';

// The division import's statements: staging the accepted rows, setting aside what a bulk load into
// the empty tree is better off without, writing the tree level by level and counting descendants.

// The accepted rows of one level, column by column: the shape they are sent to the database in.
export interface AcceptedColumns {
  code: string[];
  name: string[];
  townKind: string[];
  villageKind: string[];
}

export type Queryable = Pick<DataSource, 'query'>;

/** Rows per statement when filling the staging table: large enough to keep round trips few. */
const STAGE_CHUNK = 50_000;

export function acceptedCount(accepted: Map<JurisdictionLevel, AcceptedColumns>): number {
  let n = 0;
  for (const columns of accepted.values()) n += columns.code.length;
  return n;
}

// Sends the accepted rows to a temporary table, so that comparing them with the stored tree takes a few
// set-wise statements instead of one index probe per row.
export async function stageAccepted(tx: Queryable, accepted: Map<JurisdictionLevel, AcceptedColumns>, progress?: Progress): Promise<void> {
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
export async function setAsideForBulkLoad(tx: Queryable): Promise<string[] | null> {
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

/** Renames in place the stored divisions whose name or kind the source changed; returns how many. */
export async function updateRenamed(tx: Queryable): Promise<number> {
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
  return updated;
}

/**
 * Writes the staged rows of one level, each under its parent's id and path (the parent's path followed
 * by the node's own code). With `upsert`, into a non-empty tree, a code stored meanwhile by a concurrent
 * import is upserted rather than failing; without it, into the locked empty tree, nothing can conflict
 * and a plain insert skips the per-row speculative insertion.
 */
export async function writeLevel(tx: Queryable, depth: number, level: JurisdictionLevel, upsert: boolean): Promise<{ inserted: number; updated: number }> {
  const [{ inserted, updated }] = await tx.query(
    `WITH upserted AS (
       INSERT INTO jurisdiction (code, name, level, parent_id, path, town_kind, village_kind)
       SELECT s.code, s.name, s.level, p.id, coalesce(p.path, ''::ltree) || s.code::ltree, s.town_kind, s.village_kind
       FROM division_stage s
       LEFT JOIN jurisdiction p ON p.code = left(s.code, $2::int)
       WHERE s.level = $1::jurisdiction_level
       ${
         upsert
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
  return { inserted, updated };
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
