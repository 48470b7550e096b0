import type { EntityManager } from 'typeorm';
import type { BudgetPurpose, FundingSource } from './funding.rules';

// Each level's budget lines by year, source and purpose (one current row per key, superseded rows kept),
// the lottery-fund rule each level states (one current row per level and first year), and the figures
// of many nodes read in one statement each.

// The first key of the advisory locks that serialise the funding writes of one node (the second is its id).
const FUNDING_LOCK = 7_261_021;

export interface BudgetLineRow {
  id: string;
  jurisdiction: { code: string; name: string; level: string };
  year: number;
  source: FundingSource;
  purpose: BudgetPurpose;
  amountFen: number;
  note: string | null;
  recordedBy: string;
  recordedAt: Date;
  supersedes: string | null;
  supersededAt: Date | null;
}

export interface LotteryRuleRow {
  id: string;
  jurisdiction: { code: string; name: string; level: string };
  fromYear: number;
  minPercent: number | null;
  source: string;
  recordedBy: string;
  recordedAt: Date;
  supersedes: string | null;
  supersededAt: Date | null;
}

/** A node's current lines of a year summed by source and purpose: its own, and those of its whole subtree. */
export interface SourceSumRow {
  nodeId: number;
  source: FundingSource;
  purpose: BudgetPurpose;
  /** Whether the node has a line of its own (an own 0 is recorded, not missing). */
  hasOwn: boolean;
  ownFen: number;
  subtreeFen: number;
}

const LINE = `
  SELECT l.id::text AS id, json_build_object('code', j.code, 'name', j.name, 'level', j.level) AS jurisdiction, l.year, l.source, l.purpose,
         l.amount_fen::text AS "amountFen", l.note, u.username AS "recordedBy", l.recorded_at AS "recordedAt",
         l.supersedes::text AS supersedes, l.superseded_at AS "supersededAt"
  FROM budget_line l JOIN jurisdiction j ON j.id = l.jurisdiction_id JOIN app_user u ON u.id = l.recorded_by`;

const RULE_COLUMNS = `
  r.id::text AS id, json_build_object('code', j.code, 'name', j.name, 'level', j.level) AS jurisdiction, r.from_year AS "fromYear",
         r.min_percent AS "minPercent", r.source, u.username AS "recordedBy", r.recorded_at AS "recordedAt",
         r.supersedes::text AS supersedes, r.superseded_at AS "supersededAt"
  FROM lottery_fund_rule r JOIN jurisdiction j ON j.id = r.jurisdiction_id JOIN app_user u ON u.id = r.recorded_by`;
const RULE = `SELECT ${RULE_COLUMNS}`;

const lineOf = (row: BudgetLineRow): BudgetLineRow => ({ ...row, amountFen: Number(row.amountFen) });

export const fundingRepository = {
  /** Serialises the funding writes of a node: two corrections of the same line wait for each other. */
  async lock(tx: EntityManager, nodeId: number): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [FUNDING_LOCK, nodeId]);
  },

  /** The current amount of a node's line, null when none is recorded. */
  async currentAmount(tx: EntityManager, nodeId: number, year: number, source: FundingSource, purpose: BudgetPurpose): Promise<number | null> {
    const [row] = await tx.query(
      `SELECT amount_fen::text AS amount FROM budget_line
       WHERE jurisdiction_id = $1 AND year = $2 AND source = $3 AND purpose = $4 AND superseded_at IS NULL`,
      [nodeId, year, source, purpose],
    );
    return row ? Number(row.amount) : null;
  },

  /** Records a line, superseding the current one of the same key (kept); the new row's id and the id it replaced. */
  async recordLine(
    tx: EntityManager,
    line: { nodeId: number; year: number; source: FundingSource; purpose: BudgetPurpose; amountFen: number; note: string | null },
    userId: number,
  ): Promise<{ id: string; supersedes: string | null }> {
    const [row] = await tx.query(
      `WITH stepped AS (
         UPDATE budget_line SET superseded_at = now()
         WHERE jurisdiction_id = $1 AND year = $2 AND source = $3 AND purpose = $4 AND superseded_at IS NULL
         RETURNING id
       ), added AS (
         INSERT INTO budget_line (jurisdiction_id, year, source, purpose, amount_fen, note, recorded_by, supersedes)
         SELECT $1, $2, $3, $4, $5, $6, $7, (SELECT id FROM stepped)
         RETURNING id, supersedes
       )
       SELECT id::text AS id, supersedes::text AS supersedes FROM added`,
      [line.nodeId, line.year, line.source, line.purpose, line.amountFen, line.note, userId],
    );
    return row;
  },

  /** Records a level's rule from a year, superseding the current one from that year (kept). */
  async recordRule(
    tx: EntityManager,
    rule: { nodeId: number; fromYear: number; minPercent: number | null; source: string },
    userId: number,
  ): Promise<{ id: string; supersedes: string | null }> {
    const [row] = await tx.query(
      `WITH stepped AS (
         UPDATE lottery_fund_rule SET superseded_at = now()
         WHERE jurisdiction_id = $1 AND from_year = $2 AND superseded_at IS NULL
         RETURNING id
       ), added AS (
         INSERT INTO lottery_fund_rule (jurisdiction_id, from_year, min_percent, source, recorded_by, supersedes)
         SELECT $1, $2, $3, $4, $5, (SELECT id FROM stepped)
         RETURNING id, supersedes
       )
       SELECT id::text AS id, supersedes::text AS supersedes FROM added`,
      [rule.nodeId, rule.fromYear, rule.minPercent, rule.source, userId],
    );
    return row;
  },

  async lineById(db: EntityManager, id: string): Promise<BudgetLineRow> {
    const [row] = await db.query(`${LINE} WHERE l.id = $1`, [id]);
    return lineOf(row);
  },

  async ruleById(db: EntityManager, id: string): Promise<LotteryRuleRow> {
    const [row] = await db.query(`${RULE} WHERE r.id = $1`, [id]);
    return row;
  },

  /** A node's lines of a year (the superseded ones too with `history`), by source, purpose and time recorded. */
  async lines(db: EntityManager, nodeId: number, year: number, history: boolean): Promise<BudgetLineRow[]> {
    const rows: BudgetLineRow[] = await db.query(
      `${LINE} WHERE l.jurisdiction_id = $1 AND l.year = $2 AND ($3 OR l.superseded_at IS NULL) ORDER BY l.source, l.purpose, l.recorded_at, l.id`,
      [nodeId, year, history],
    );
    return rows.map(lineOf);
  },

  /** The rule in force in `year` at each node (the current one with the latest first year not after it), in one statement. */
  async rulesInForce(db: EntityManager, nodeIds: readonly number[], year: number): Promise<LotteryRuleRow[]> {
    if (nodeIds.length === 0) return [];
    return db.query(
      `SELECT DISTINCT ON (r.jurisdiction_id) ${RULE_COLUMNS}
       WHERE r.jurisdiction_id = ANY($1::int[]) AND r.from_year <= $2 AND r.superseded_at IS NULL
       ORDER BY r.jurisdiction_id, r.from_year DESC`,
      [nodeIds, year],
    );
  },

  /** A node and its children, the node first and the children in code order. */
  async nodeAndChildren(db: EntityManager, nodeId: number): Promise<{ id: number; code: string; name: string; level: string }[]> {
    return db.query(`SELECT id, code, name, level FROM jurisdiction WHERE id = $1 OR parent_id = $1 ORDER BY id <> $1, code`, [nodeId]);
  },

  /** The current lines of `year` of each node and of its subtree, summed by source and purpose, in one statement however many nodes. */
  async sums(db: EntityManager, nodeIds: readonly number[], year: number): Promise<SourceSumRow[]> {
    if (nodeIds.length === 0) return [];
    const rows: SourceSumRow[] = await db.query(
      `WITH roots AS (SELECT id, path FROM jurisdiction WHERE id = ANY($1::int[])),
       lines AS (
         SELECT l.jurisdiction_id, l.source, l.purpose, l.amount_fen, j.path
         FROM budget_line l JOIN jurisdiction j ON j.id = l.jurisdiction_id
         WHERE l.year = $2 AND l.superseded_at IS NULL AND j.path <@ ANY (ARRAY(SELECT path FROM roots))
       )
       SELECT r.id AS "nodeId", l.source, l.purpose, bool_or(l.jurisdiction_id = r.id) AS "hasOwn",
              coalesce(sum(l.amount_fen) FILTER (WHERE l.jurisdiction_id = r.id), 0)::text AS "ownFen",
              sum(l.amount_fen)::text AS "subtreeFen"
       FROM roots r JOIN lines l ON l.path <@ r.path
       GROUP BY r.id, l.source, l.purpose`,
      [nodeIds, year],
    );
    return rows.map((row) => ({ ...row, ownFen: Number(row.ownFen), subtreeFen: Number(row.subtreeFen) }));
  },
};
