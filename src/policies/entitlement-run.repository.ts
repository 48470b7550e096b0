import type { EntityManager } from 'typeorm';
import { integerArray, integerArrays } from '../db/array-literal';
import { namedQuery } from '../db/named-query';
import { JurisdictionLevel } from '../kernel/division-codes';
import type { LineageNode } from './scheme-rules';
import type { SchemeKind } from './policy-kinds';

/** One stored line: what one person receives under one scheme in a month, and who pays it. */
export interface RunLine {
  personId: number;
  schemeId: number;
  versionId: number;
  villageId: number;
  tierIds: number[];
  amountFen: number;
  /** Shares by funding level, in LEVEL_COLUMNS order. */
  shares: [number, number, number, number, number];
}

/** The funding levels in the order of the share columns. */
export const LEVEL_COLUMNS: readonly JurisdictionLevel[] = [
  JurisdictionLevel.PROVINCE,
  JurisdictionLevel.CITY,
  JurisdictionLevel.COUNTY,
  JurisdictionLevel.TOWN,
  JurisdictionLevel.VILLAGE,
];
const SHARE_COLUMNS = 'province_fen, city_fen, county_fen, town_fen, village_fen';
const SUM_SHARES = 'sum(province_fen), sum(city_fen), sum(county_fen), sum(town_fen), sum(village_fen)';

/** What a run's lines add up to in one village for one scheme (0: all schemes, people counted once). */
export interface VillageDelta {
  villageId: number;
  schemeId: number;
  recipients: number;
  amountFen: number;
  shares: number[];
}

export interface TotalRow {
  nodeId: number;
  /** 0: every scheme together. */
  schemeId: number;
  recipients: number;
  amountFen: number;
  shares: number[];
}

/** One scheme's totals, with who set the scheme. */
export interface SchemeTotalRow extends TotalRow {
  scheme: { name: string; kind: SchemeKind; owner: LineageNode };
}

type TotalRowText = Omit<TotalRow, 'amountFen' | 'shares'> & { amountFen: string; p: string; c: string; co: string; t: string; v: string };

const totalRow = (row: TotalRowText): TotalRow => ({
  nodeId: row.nodeId,
  schemeId: row.schemeId,
  recipients: row.recipients,
  amountFen: safe(row.amountFen),
  shares: [safe(row.p), safe(row.c), safe(row.co), safe(row.t), safe(row.v)],
});

export interface RunRow {
  id: number;
  jurisdictionId: number;
  month: string;
  startedBy: number | null;
  startedAt: Date;
  finishedAt: Date | null;
  people: number;
  recipients: number;
  lines: number;
  replacedLines: number;
  amountFen: number;
}

const RUN_COLUMNS = `r.id, r.jurisdiction_id AS "jurisdictionId", to_char(r.month, 'YYYY-MM') AS month, r.started_by AS "startedBy",
  r.started_at AS "startedAt", r.finished_at AS "finishedAt", r.people, r.recipients, r.lines, r.replaced_lines AS "replacedLines",
  r.amount_fen AS "amountFen"`;

const toRun = (row: RunRow): RunRow => ({ ...row, amountFen: safe(row.amountFen) });

const safe = (value: string | number) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`total ${value} is not a safe integer`);
  return n;
};

// The changes a run makes to the totals, per village and scheme (0: all schemes), before they are
// rolled up to every ancestor: minus what the replaced lines held, plus what the new lines hold.
const DELTA_TABLE = 'entitlement_run_delta';

/** Minus the recipients (distinct people) and sums of replaced lines, per village and scheme and per village over all schemes. */
const subtractLines = (from: string) => `
  INSERT INTO ${DELTA_TABLE}
  SELECT village_id, coalesce(scheme_id, 0), -count(DISTINCT person_id), -sum(amount_fen),
    -sum(province_fen), -sum(city_fen), -sum(county_fen), -sum(town_fen), -sum(village_fen)
  FROM ${from} GROUP BY GROUPING SETS ((village_id, scheme_id), (village_id))`;

export const entitlementRunRepository = {
  async insertRun(tx: EntityManager, jurisdictionId: number, month: string, userId: number | null): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO entitlement_run (jurisdiction_id, month, started_by) VALUES ($1, $2::date, $3) RETURNING id`,
      [jurisdictionId, `${month}-01`, userId],
    );
    return id;
  },

  async finishRun(tx: EntityManager, runId: number, figures: { people: number; recipients: number; lines: number; replacedLines: number; amountFen: number }): Promise<void> {
    await tx.query(
      `UPDATE entitlement_run SET finished_at = clock_timestamp(), people = $2, recipients = $3, lines = $4, replaced_lines = $5, amount_fen = $6
       WHERE id = $1`,
      [runId, figures.people, figures.recipients, figures.lines, figures.replacedLines, figures.amountFen],
    );
  },

  /**
   * Removes the month's lines of the villages and of the people now living in them (a person who
   * moved in keeps no line elsewhere), recording what they held; returns how many went.
   */
  async replaceLines(tx: EntityManager, month: string, villageIds: readonly number[]): Promise<number> {
    await tx.query(
      `CREATE TEMP TABLE ${DELTA_TABLE} (village_id integer, scheme_id integer, recipients bigint, amount_fen bigint,
         province_fen bigint, city_fen bigint, county_fen bigint, town_fen bigint, village_fen bigint) ON COMMIT DROP`,
    );
    const [{ count }] = await tx.query(
      `WITH gone AS (
         DELETE FROM entitlement_line l
         WHERE l.month = $1::date AND (l.village_id = ANY($2::int[])
           OR l.person_id IN (SELECT p.id FROM person p WHERE p.village_id = ANY($2::int[])))
         RETURNING l.*
       ), recorded AS (${subtractLines('gone')} RETURNING 1)
       SELECT count(*)::int AS count FROM gone`,
      [`${month}-01`, villageIds],
    );
    return count;
  },

  /** Stores lines of a run (one statement for the batch). */
  async insertLines(tx: EntityManager, month: string, runId: number, lines: readonly RunLine[]): Promise<void> {
    if (lines.length === 0) return;
    const column = (pick: (line: RunLine) => number) => integerArray(lines.map(pick));
    await tx.query(
      `INSERT INTO entitlement_line (month, person_id, scheme_id, version_id, village_id, run_id, tier_ids, amount_fen, ${SHARE_COLUMNS})
       SELECT $1::date, person_id, scheme_id, version_id, village_id, $2, tier_ids::int[], amount_fen, p, c, co, t, v
       FROM unnest($3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[])
         AS x(person_id, scheme_id, version_id, village_id, tier_ids, amount_fen, p, c, co, t, v)`,
      [
        `${month}-01`,
        runId,
        column((l) => l.personId),
        column((l) => l.schemeId),
        column((l) => l.versionId),
        column((l) => l.villageId),
        integerArrays(lines.map((l) => l.tierIds)),
        column((l) => l.amountFen),
        ...[0, 1, 2, 3, 4].map((i) => column((l) => l.shares[i])),
      ],
    );
  },

  /**
   * Adds what the run's new lines hold, summed per village (`added`), to the changes replaceLines
   * recorded (same transaction) and applies them to the totals of every village and ancestor; totals
   * left at zero are removed.
   */
  async rollUp(tx: EntityManager, month: string, added: readonly VillageDelta[]): Promise<void> {
    const day = `${month}-01`;
    if (added.length > 0) {
      const column = (pick: (row: VillageDelta) => number) => integerArray(added.map(pick));
      await tx.query(
        `INSERT INTO ${DELTA_TABLE} SELECT * FROM unnest($1::int[], $2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])`,
        [
          column((r) => r.villageId),
          column((r) => r.schemeId),
          column((r) => r.recipients),
          column((r) => r.amountFen),
          ...[0, 1, 2, 3, 4].map((i) => column((r) => r.shares[i])),
        ],
      );
    }
    await tx.query(
      `INSERT INTO entitlement_total AS t (month, node_id, scheme_id, recipients, amount_fen, ${SHARE_COLUMNS})
       SELECT $1::date, a.id, d.scheme_id, sum(d.recipients), sum(d.amount_fen), ${SUM_SHARES}
       FROM ${DELTA_TABLE} d
       JOIN jurisdiction v ON v.id = d.village_id
       JOIN jurisdiction a ON a.code = ANY(string_to_array(v.path::text, '.'))
       GROUP BY a.id, d.scheme_id
       ORDER BY a.id, d.scheme_id
       ON CONFLICT (month, node_id, scheme_id) DO UPDATE SET
         recipients = t.recipients + EXCLUDED.recipients, amount_fen = t.amount_fen + EXCLUDED.amount_fen,
         province_fen = t.province_fen + EXCLUDED.province_fen, city_fen = t.city_fen + EXCLUDED.city_fen,
         county_fen = t.county_fen + EXCLUDED.county_fen, town_fen = t.town_fen + EXCLUDED.town_fen,
         village_fen = t.village_fen + EXCLUDED.village_fen`,
      [day],
    );
    await tx.query(`DELETE FROM entitlement_total WHERE month = $1::date AND recipients = 0 AND amount_fen = 0`, [day]);
  },

  /** The totals of the nodes for a month over all schemes (absent: nothing was paid there). */
  /** Fen paid in each node's subtree by the stored runs of the months from `fromMonth` to `toMonth` (YYYY-MM-01 days). */
  async amountsOver(db: EntityManager, nodeIds: readonly number[], fromMonth: string, toMonth: string): Promise<Map<number, number>> {
    const rows: { nodeId: number; amountFen: string }[] = await namedQuery(
      db,
      'entitlement_amounts_over',
      `SELECT node_id AS "nodeId", sum(amount_fen)::text AS "amountFen" FROM entitlement_total
       WHERE node_id = ANY($1::int[]) AND scheme_id = 0 AND month BETWEEN $2::date AND $3::date GROUP BY node_id`,
      [nodeIds, fromMonth, toMonth],
    );
    return new Map(rows.map((row) => [row.nodeId, Number(row.amountFen)]));
  },

  async totals(db: EntityManager, nodeIds: readonly number[], month: string): Promise<TotalRow[]> {
    const rows: TotalRowText[] = await namedQuery(
      db,
      'entitlement_totals_all',
      `SELECT node_id AS "nodeId", scheme_id AS "schemeId", recipients, amount_fen AS "amountFen",
         province_fen AS p, city_fen AS c, county_fen AS co, town_fen AS t, village_fen AS v
       FROM entitlement_total WHERE month = $1::date AND node_id = ANY($2::int[]) AND scheme_id = 0`,
      [`${month}-01`, nodeIds],
    );
    return rows.map(totalRow);
  },

  /** The totals of the nodes for a month scheme by scheme, with each scheme's name, kind and owner, in scheme order. */
  async schemeTotals(db: EntityManager, nodeIds: readonly number[], month: string): Promise<SchemeTotalRow[]> {
    const rows: (TotalRowText & { name: string; kind: SchemeKind; ownerId: number; code: string; ownerName: string; level: LineageNode['level'] })[] =
      await namedQuery(
        db,
        'entitlement_totals_by_scheme',
        `SELECT t.node_id AS "nodeId", t.scheme_id AS "schemeId", t.recipients, t.amount_fen AS "amountFen",
           t.province_fen AS p, t.city_fen AS c, t.county_fen AS co, t.town_fen AS t, t.village_fen AS v,
           s.name, s.kind, j.id AS "ownerId", j.code, j.name AS "ownerName", j.level
         FROM entitlement_total t JOIN subsidy_scheme s ON s.id = t.scheme_id JOIN jurisdiction j ON j.id = s.jurisdiction_id
         WHERE t.month = $1::date AND t.node_id = ANY($2::int[]) AND t.scheme_id <> 0
         ORDER BY t.node_id, t.scheme_id`,
        [`${month}-01`, nodeIds],
      );
    return rows.map((row) => ({
      ...totalRow(row),
      scheme: { name: row.name, kind: row.kind, owner: { id: row.ownerId, code: row.code, name: row.ownerName, level: row.level } },
    }));
  },

  /**
   * The month's finished runs that reached any of the nodes (run at one, above it or below it), with
   * the code, name and level of the node each was run for; latest first.
   */
  async runsTouching(db: EntityManager, codes: readonly string[], month: string): Promise<(RunRow & { root: LineageNode })[]> {
    const rows: (RunRow & { rootCode: string; rootName: string; rootLevel: LineageNode['level'] })[] = await db.query(
      `SELECT ${RUN_COLUMNS}, j.code AS "rootCode", j.name AS "rootName", j.level AS "rootLevel"
       FROM entitlement_run r JOIN jurisdiction j ON j.id = r.jurisdiction_id
       WHERE r.month = $2::date AND r.finished_at IS NOT NULL
         AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS n(code) WHERE j.code LIKE n.code || '%' OR n.code LIKE j.code || '%')
       ORDER BY r.finished_at DESC, r.id DESC`,
      [codes, `${month}-01`],
    );
    return rows.map(({ rootCode, rootName, rootLevel, ...run }) => ({
      ...toRun(run),
      root: { id: run.jurisdictionId, code: rootCode, name: rootName, level: rootLevel },
    }));
  },

  async runById(db: EntityManager, id: number): Promise<RunRow | null> {
    const [row]: RunRow[] = await db.query(`SELECT ${RUN_COLUMNS} FROM entitlement_run r WHERE r.id = $1`, [id]);
    return row ? toRun(row) : null;
  },
};
