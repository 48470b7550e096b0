import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import type { FacilityType } from '../facilities/facility-kinds';
import type { TargetComparator, TargetMetric, TargetPhase } from './target-kinds';

export interface PhaseSpan {
  phase: TargetPhase;
  startsOn: string;
  endsOn: string;
}

/** A target as stored: numbers in the metric's unit (hundredths of a percent for a rate). */
export interface TargetRow {
  id: number;
  jurisdictionId: number;
  jurisdictionCode: string;
  allocatedFrom: number | null;
  title: string;
  metric: TargetMetric;
  facilityType: FacilityType | null;
  comparator: TargetComparator;
  threshold: number;
  thresholdHigh: number | null;
  baseline: number;
  startsOn: string;
  deadline: string;
  responsibleUnit: string | null;
  phases: PhaseSpan[];
  /** Milliseconds since the epoch (a board reads hundreds of targets: a number is read far faster than a timestamp's text). */
  createdAt: number;
  updatedAt: number;
}

export type NewTarget = Omit<TargetRow, 'id' | 'jurisdictionCode' | 'createdAt' | 'updatedAt'>;

export interface TargetFilter {
  underCode: string;
  metric: TargetMetric | null;
  /** true: only targets allocated from above; false: only targets a level set itself. */
  allocated: boolean | null;
}

const COLUMNS = `t.id, t.jurisdiction_id AS "jurisdictionId", j.code AS "jurisdictionCode", t.allocated_from AS "allocatedFrom",
  t.title, t.metric, t.facility_type AS "facilityType", t.comparator, t.threshold::float8 AS threshold,
  t.threshold_high::float8 AS "thresholdHigh", t.baseline::float8 AS baseline, t.starts_on AS "startsOn", t.deadline,
  t.responsible_unit AS "responsibleUnit", (extract(epoch FROM t.created_at) * 1000)::float8 AS "createdAt", (extract(epoch FROM t.updated_at) * 1000)::float8 AS "updatedAt",
  coalesce((SELECT json_agg(json_build_object('phase', p.phase, 'startsOn', p.starts_on, 'endsOn', p.ends_on) ORDER BY p.starts_on, p.phase)
            FROM target_phase_span p WHERE p.target_id = t.id), '[]'::json) AS phases`;

function filterSql(filter: TargetFilter, params: unknown[]): string {
  params.push(`${filter.underCode}%`);
  const clauses = [`j.code LIKE $${params.length}`];
  if (filter.metric) {
    params.push(filter.metric);
    clauses.push(`t.metric = $${params.length}`);
  }
  if (filter.allocated !== null) clauses.push(filter.allocated ? 't.allocated_from IS NOT NULL' : 't.allocated_from IS NULL');
  return clauses.join(' AND ');
}

export const targetRepository = {
  async byIds(db: EntityManager, ids: readonly number[]): Promise<TargetRow[]> {
    return namedQuery(db, 'targets_by_id', `SELECT ${COLUMNS} FROM target t JOIN jurisdiction j ON j.id = t.jurisdiction_id WHERE t.id = ANY($1::int[])`, [ids]);
  },

  /** A page of the targets set at nodes of the subtree, newest first. */
  async list(db: EntityManager, filter: TargetFilter, beforeId: number | null, limit: number): Promise<TargetRow[]> {
    const params: unknown[] = [];
    const where = filterSql(filter, params);
    params.push(beforeId, limit);
    return db.query(
      `SELECT ${COLUMNS} FROM target t JOIN jurisdiction j ON j.id = t.jurisdiction_id
       WHERE ${where} AND ($${params.length - 1}::int IS NULL OR t.id < $${params.length - 1}) ORDER BY t.id DESC LIMIT $${params.length}`,
      params,
    );
  },

  async count(db: EntityManager, filter: TargetFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM target t JOIN jurisdiction j ON j.id = t.jurisdiction_id WHERE ${filterSql(filter, params)}`,
      params,
    );
    return n;
  },

  /** The targets set at each of the nodes, oldest first. */
  async ofNodes(db: EntityManager, nodeIds: readonly number[]): Promise<TargetRow[]> {
    return db.query(
      `SELECT ${COLUMNS} FROM target t JOIN jurisdiction j ON j.id = t.jurisdiction_id WHERE t.jurisdiction_id = ANY($1::int[]) ORDER BY t.id`,
      [nodeIds],
    );
  },

  /** The allocations of each of the targets (one child target per child node). */
  async allocationsOf(db: EntityManager, targetIds: readonly number[]): Promise<TargetRow[]> {
    return namedQuery(
      db,
      'target_allocations',
      `SELECT ${COLUMNS} FROM target t JOIN jurisdiction j ON j.id = t.jurisdiction_id WHERE t.allocated_from = ANY($1::int[]) ORDER BY j.code`,
      [targetIds],
    );
  },

  /** Locks a target for a change of its allocation. */
  async lock(tx: EntityManager, id: number): Promise<TargetRow | null> {
    const [row] = await tx.query(`SELECT ${COLUMNS} FROM target t JOIN jurisdiction j ON j.id = t.jurisdiction_id WHERE t.id = $1 FOR UPDATE OF t`, [id]);
    return row ?? null;
  },

  async insert(tx: EntityManager, target: NewTarget, userId: number): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO target (jurisdiction_id, allocated_from, title, metric, facility_type, comparator, threshold, threshold_high, baseline,
         starts_on, deadline, responsible_unit, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        target.jurisdictionId,
        target.allocatedFrom,
        target.title,
        target.metric,
        target.facilityType,
        target.comparator,
        target.threshold,
        target.thresholdHigh,
        target.baseline,
        target.startsOn,
        target.deadline,
        target.responsibleUnit,
        userId,
      ],
    );
    await this.replacePhases(tx, id, target.phases);
    return id;
  },

  /**
   * Sets the allocation of a target: one child target per listed child, updated in place when the
   * child had one (its own allocations below stay), inserted otherwise; children no longer listed lose
   * theirs (and what they allocated from it). Returns the ids in the order given.
   */
  async replaceAllocations(tx: EntityManager, parentId: number, children: readonly NewTarget[], userId: number): Promise<number[]> {
    await tx.query(`DELETE FROM target WHERE allocated_from = $1 AND NOT (jurisdiction_id = ANY($2::int[]))`, [
      parentId,
      children.map((child) => child.jurisdictionId),
    ]);
    const rows: { id: number; jurisdictionId: number }[] = await tx.query(
      `INSERT INTO target AS t (jurisdiction_id, allocated_from, title, metric, facility_type, comparator, threshold, threshold_high, baseline,
         starts_on, deadline, responsible_unit, created_by)
       SELECT c.jurisdiction_id, $1, c.title, $2::target_metric, $3::facility_type, $4::target_comparator, c.threshold, c.threshold_high,
         c.baseline, $5::date, $6::date, c.responsible_unit, $7
       FROM unnest($8::int[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[])
         AS c (jurisdiction_id, title, threshold, threshold_high, baseline, responsible_unit)
       ORDER BY c.jurisdiction_id
       ON CONFLICT (allocated_from, jurisdiction_id) DO UPDATE SET title = EXCLUDED.title, comparator = EXCLUDED.comparator,
         threshold = EXCLUDED.threshold, threshold_high = EXCLUDED.threshold_high, baseline = EXCLUDED.baseline,
         starts_on = EXCLUDED.starts_on, deadline = EXCLUDED.deadline, responsible_unit = EXCLUDED.responsible_unit, updated_at = now()
       RETURNING t.id, t.jurisdiction_id AS "jurisdictionId"`,
      [
        parentId,
        children[0]?.metric ?? null,
        children[0]?.facilityType ?? null,
        children[0]?.comparator ?? null,
        children[0]?.startsOn ?? null,
        children[0]?.deadline ?? null,
        userId,
        children.map((c) => c.jurisdictionId),
        children.map((c) => c.title),
        children.map((c) => c.threshold),
        children.map((c) => c.thresholdHigh),
        children.map((c) => c.baseline),
        children.map((c) => c.responsibleUnit),
      ],
    );
    const idOf = new Map(rows.map((row) => [row.jurisdictionId, row.id]));
    return children.map((child) => idOf.get(child.jurisdictionId)!);
  },

  async replacePhases(tx: EntityManager, targetId: number, phases: readonly PhaseSpan[]): Promise<void> {
    await tx.query(`DELETE FROM target_phase_span WHERE target_id = $1`, [targetId]);
    if (phases.length === 0) return;
    await tx.query(
      `INSERT INTO target_phase_span (target_id, phase, starts_on, ends_on)
       SELECT $1, p.phase::target_phase, p.starts_on, p.ends_on FROM unnest($2::text[], $3::date[], $4::date[]) AS p (phase, starts_on, ends_on)`,
      [targetId, phases.map((p) => p.phase), phases.map((p) => p.startsOn), phases.map((p) => p.endsOn)],
    );
  },
};
