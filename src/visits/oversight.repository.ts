import type { EntityManager } from 'typeorm';
import type { JurisdictionLevel } from '../kernel/division-codes';
import { FIGURE_ROWS, figureParams, type FigureNode } from './node-figures';
import type { CheckedMaterial, OversightKind, OversightPurpose, Quarter } from './oversight.rules';

/** A person as an oversight visit reads them on its day. */
export interface VisitedPerson {
  id: number;
  villageCode: string;
  /** Enrolled in the day's month. */
  enrolled: boolean;
  /** Left behind (留守) or a dispersed 特困 (分散供养特困) that day. */
  welfareTarget: boolean;
}

export interface OversightVisitRow {
  id: number;
  by: { code: string; name: string; level: JurisdictionLevel };
  recipient: { id: number; name: string; nationalId: string };
  villageCode: string;
  kind: OversightKind;
  purpose: OversightPurpose;
  visitedOn: string;
  checked: CheckedMaterial[];
  findings: string;
  falsificationSuspected: boolean;
  record: string;
  recordedBy: string;
  recordedAt: Date;
}

export type NewOversightVisit = Pick<OversightVisitRow, 'kind' | 'purpose' | 'visitedOn' | 'checked' | 'findings' | 'falsificationSuspected' | 'record'> & {
  by: { id: number; code: string };
  person: VisitedPerson;
  userId: number;
};

export interface ShareRow {
  code: string;
  name: string;
  level: JurisdictionLevel;
  enrolled: number;
  reached: number;
}

const COLUMNS = `o.id, json_build_object('code', b.code, 'name', b.name, 'level', b.level) AS by,
  json_build_object('id', p.id, 'name', p.name, 'nationalId', p.national_id) AS recipient, o.village_code AS "villageCode", o.kind, o.purpose,
  to_char(o.visited_on, 'YYYY-MM-DD') AS "visitedOn", o.checked, o.findings, o.falsification_suspected AS "falsificationSuspected", o.record,
  u.username AS "recordedBy", o.recorded_at AS "recordedAt"
  FROM oversight_visit o JOIN jurisdiction b ON b.id = o.jurisdiction_id JOIN person p ON p.id = o.person_id JOIN app_user u ON u.id = o.recorded_by`;

const ENROLLED_IN = (from: string, to: string) =>
  `EXISTS (SELECT 1 FROM enrolment e WHERE e.person_id = p.id AND e.from_month <= ${to} AND (e.until_month IS NULL OR e.until_month >= ${from}))`;

export const oversightRepository = {
  async person(db: EntityManager, id: number, day: string): Promise<VisitedPerson | null> {
    const rows: VisitedPerson[] = await db.query(
      `SELECT p.id, v.code AS "villageCode", ${ENROLLED_IN(`date_trunc('month', $2::date)::date`, `date_trunc('month', $2::date)::date`)} AS enrolled,
         ('LEFT_BEHIND' = ANY (p.living_situations::text[]) OR EXISTS (SELECT 1 FROM person_category c WHERE c.person_id = p.id
           AND c.category = 'EXTREME_POVERTY_DISPERSED' AND c.valid_from <= $2::date AND (c.valid_to IS NULL OR c.valid_to > $2::date))) AS "welfareTarget"
       FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.id = $1`,
      [id, day],
    );
    return rows[0] ?? null;
  },

  async insert(tx: EntityManager, v: NewOversightVisit): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO oversight_visit (jurisdiction_id, jurisdiction_code, person_id, village_code, kind, purpose, visited_on, checked, findings,
         falsification_suspected, record, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [v.by.id, v.by.code, v.person.id, v.person.villageCode, v.kind, v.purpose, v.visitedOn, v.checked, v.findings, v.falsificationSuspected, v.record, v.userId],
    );
    return id;
  },

  async byId(db: EntityManager, id: number): Promise<OversightVisitRow> {
    const [row] = await db.query(`SELECT ${COLUMNS} WHERE o.id = $1`, [id]);
    return row;
  },

  /** Up to `limit` visits to people who lived at or below `code`, by id after `after`. */
  async search(db: EntityManager, code: string, after: number | null, limit: number): Promise<OversightVisitRow[]> {
    return db.query(`SELECT ${COLUMNS} WHERE o.village_code LIKE $1 || '%' AND ($2::int IS NULL OR o.id > $2) ORDER BY o.id LIMIT $3`, [code, after, limit]);
  },

  async count(db: EntityManager, code: string): Promise<number> {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM oversight_visit o WHERE o.village_code LIKE $1 || '%'`, [code]);
    return n;
  },

  /**
   * Per child of the node (the node itself for a village), in code order: the people living below it
   * enrolled in a month of the quarter, and how many of them a SPOT_CHECK dated in the quarter reached.
   * One statement for all the children, those without anyone enrolled as zeros.
   */
  async sharesByChild(db: EntityManager, node: FigureNode, quarter: Quarter): Promise<ShareRow[]> {
    return db.query(
      `WITH r AS (
         SELECT left(v.code, $3) AS code, EXISTS (SELECT 1 FROM oversight_visit o WHERE o.person_id = p.id AND o.purpose = 'SPOT_CHECK'
           AND o.visited_on BETWEEN $4::date AND $5::date) AS reached
         FROM person p JOIN jurisdiction v ON v.id = p.village_id
         WHERE v.code LIKE $2 || '%' AND ${ENROLLED_IN('$6::date', '$7::date')}
       ), f AS (SELECT code, count(*)::int AS enrolled, count(*) FILTER (WHERE reached)::int AS reached FROM r GROUP BY code)
       SELECT j.code, j.name, j.level, coalesce(f.enrolled, 0) AS enrolled, coalesce(f.reached, 0) AS reached
       ${FIGURE_ROWS}`,
      [...figureParams(node), quarter.firstDay, quarter.lastDay, quarter.firstMonth, quarter.lastMonth],
    );
  },
};
