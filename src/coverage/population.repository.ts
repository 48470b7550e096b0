import type { EntityManager } from 'typeorm';

// The elderly population of nodes per year: the recorded figures (one current row per node and year,
// superseded rows kept) and the roll-up that reads a node's own figure or sums its children's.

// The first key of the advisory locks that serialise recordings of the same node (the second is the node's id).
const POPULATION_LOCK = 7_261_019;

export interface PopulationRecord {
  nodeId: number;
  year: number;
  aged60Plus: number;
  aged80Plus: number;
  source: string;
}

export interface RecordedRow {
  id: string;
  nodeId: number;
  /** The row it replaced. */
  supersedes: string | null;
}

/** A node's population for a year as the roll-up finds it. */
export interface PopulationRow {
  nodeId: number;
  /** The node has a figure of its own for the year. */
  recorded: boolean;
  aged60Plus: number;
  aged80Plus: number;
  /** The node's children, and those with a figure (their own or summed from below). */
  children: number;
  childrenWithFigure: number;
  /** No node on the way down lacks a figure: every part of the subtree is counted. */
  complete: boolean;
  /** The node's own record: where it comes from and when it was entered. */
  source: string | null;
  recordedAt: Date | null;
}

// A node's figure is its own record, else the sum of its children's, recursively. The walk goes down
// from each node only through nodes whose subtree holds a record of the year (`marked`) and stops at a
// recorded node, so what it reaches that is recorded is summed once. An unrecorded node on the way
// with a child whose subtree holds no record leaves a part uncounted: the sum is incomplete.
const ROLLUP = `
  WITH RECURSIVE
  roots AS (SELECT id, path FROM jurisdiction WHERE id = ANY($1::int[])),
  current AS (
    SELECT p.jurisdiction_id, p.aged_60_plus, p.aged_80_plus, j.code
    FROM elderly_population p JOIN jurisdiction j ON j.id = p.jurisdiction_id
    WHERE p.year = $2 AND p.superseded_at IS NULL AND j.path <@ ANY (ARRAY(SELECT path FROM roots))
  ),
  -- A code's ancestors are its prefixes at the levels' lengths, looked up by code (a prefix as long
  -- as the code is the node itself). Those above the roots are never walked to.
  marked AS (
    SELECT DISTINCT a.id
    FROM current r CROSS JOIN unnest(ARRAY[2, 4, 6, 9, 12]) AS prefix (length)
    JOIN jurisdiction a ON a.code = left(r.code, prefix.length)
  ),
  walk AS (
    SELECT r.id AS root, r.id AS node, NULL::integer AS child FROM roots r WHERE r.id IN (SELECT id FROM marked)
    UNION ALL
    SELECT w.root, c.id, COALESCE(w.child, c.id)
    FROM walk w JOIN jurisdiction c ON c.parent_id = w.node
    WHERE c.id IN (SELECT id FROM marked) AND NOT EXISTS (SELECT 1 FROM current r WHERE r.jurisdiction_id = w.node)
  )
  SELECT w.root AS "nodeId",
         bool_or(w.child IS NULL AND r.jurisdiction_id IS NOT NULL) AS recorded,
         coalesce(sum(r.aged_60_plus), 0)::int AS "aged60Plus",
         coalesce(sum(r.aged_80_plus), 0)::int AS "aged80Plus",
         (SELECT count(*) FROM jurisdiction c WHERE c.parent_id = w.root)::int AS children,
         count(DISTINCT w.child)::int AS "childrenWithFigure",
         NOT bool_or(r.jurisdiction_id IS NULL AND EXISTS (
           SELECT 1 FROM jurisdiction c WHERE c.parent_id = w.node AND c.id NOT IN (SELECT id FROM marked)
         )) AS complete,
         own.source, own.recorded_at AS "recordedAt"
  FROM walk w
  LEFT JOIN current r ON r.jurisdiction_id = w.node
  LEFT JOIN elderly_population own ON own.jurisdiction_id = w.root AND own.year = $2 AND own.superseded_at IS NULL
  GROUP BY w.root, own.source, own.recorded_at
`;

export const populationRepository = {
  /** The population of each node (that has one) for `year`, in one statement however many nodes. */
  async rollup(db: EntityManager, nodeIds: readonly number[], year: number): Promise<PopulationRow[]> {
    if (nodeIds.length === 0) return [];
    return db.query(ROLLUP, [nodeIds, year]);
  },

  /**
   * Records figures (at most one per node and year), superseding the current ones, in a fixed number of
   * statements however many rows: the nodes are locked in id order first, so two recordings of the same
   * node wait for each other and two imports cannot deadlock. The new rows' ids, with the ids they replaced.
   */
  async record(tx: EntityManager, records: readonly PopulationRecord[], userId: number): Promise<RecordedRow[]> {
    if (records.length === 0) return [];
    const column = <T>(pick: (record: PopulationRecord) => T) => records.map(pick);
    await tx.query(`SELECT pg_advisory_xact_lock($1, id) FROM (SELECT DISTINCT unnest($2::int[]) AS id ORDER BY 1) locked`, [
      POPULATION_LOCK,
      column((r) => r.nodeId),
    ]);
    // The current rows step aside before the new ones go in (one current row per node and year).
    const superseded: { id: string; nodeId: number; year: number }[] = await tx.query(
      // As a SELECT, so that the rows come back as rows (an UPDATE's come with its count).
      `WITH stepped AS (
         UPDATE elderly_population old SET superseded_at = now()
         FROM unnest($1::int[], $2::int[]) AS t(node_id, year)
         WHERE old.jurisdiction_id = t.node_id AND old.year = t.year AND old.superseded_at IS NULL
         RETURNING old.id, old.jurisdiction_id, old.year
       )
       SELECT id::text AS id, jurisdiction_id AS "nodeId", year FROM stepped`,
      [column((r) => r.nodeId), column((r) => r.year)],
    );
    const previous = new Map(superseded.map((row) => [`${row.nodeId}|${row.year}`, row.id]));
    const inserted: { id: string; nodeId: number; year: number }[] = await tx.query(
      `INSERT INTO elderly_population (jurisdiction_id, year, aged_60_plus, aged_80_plus, source, supersedes, recorded_by)
       SELECT t.*, $7 FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::text[], $6::bigint[]) AS t
       RETURNING id::text AS id, jurisdiction_id AS "nodeId", year`,
      [
        column((r) => r.nodeId),
        column((r) => r.year),
        column((r) => r.aged60Plus),
        column((r) => r.aged80Plus),
        column((r) => r.source),
        column((r) => previous.get(`${r.nodeId}|${r.year}`) ?? null),
        userId,
      ],
    );
    return inserted.map(({ id, nodeId, year }) => ({ id, nodeId, supersedes: previous.get(`${nodeId}|${year}`) ?? null }));
  },
};
