import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import type { SupervisionStatus } from './desk-kinds';

export interface SupervisionNoteRow {
  itemId: number;
  note: string;
  statusAfter: SupervisionStatus;
  writtenBy: string | null;
  writtenAt: Date;
}

export interface SupervisionItemRow {
  id: number;
  issuerId: number;
  /** The issuer's division code: where the item is placed. */
  jurisdictionCode: string;
  responsibleId: number;
  responsibleCode: string;
  responsibleUnit: string | null;
  targetId: number | null;
  /** The case whose overdue step it follows up, and the case's version then (one item per step reached). */
  caseId: number | null;
  caseVersion: number | null;
  title: string;
  detail: string | null;
  deadline: string;
  status: SupervisionStatus;
  closedOn: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SupervisionFilter {
  /** Items issued at or below this code, or assigned to a unit at or below it. */
  underCode: string;
  status: SupervisionStatus | null;
  /** Only open items whose deadline is before this day. */
  overdueOn: string | null;
}

const COLUMNS = `s.id, s.jurisdiction_id AS "issuerId", i.code AS "jurisdictionCode", s.responsible_jurisdiction_id AS "responsibleId",
  r.code AS "responsibleCode", s.responsible_unit AS "responsibleUnit", s.target_id AS "targetId", s.case_id AS "caseId",
  s.case_version AS "caseVersion", s.title, s.detail, s.deadline,
  s.status, s.closed_on AS "closedOn", s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;
const FROM = `supervision_item s JOIN jurisdiction i ON i.id = s.jurisdiction_id JOIN jurisdiction r ON r.id = s.responsible_jurisdiction_id`;

function filterSql(filter: SupervisionFilter, params: unknown[]): string {
  params.push(`${filter.underCode}%`);
  const clauses = [`(i.code LIKE $${params.length} OR r.code LIKE $${params.length})`];
  if (filter.status) {
    params.push(filter.status);
    clauses.push(`s.status = $${params.length}`);
  }
  if (filter.overdueOn) {
    params.push(filter.overdueOn);
    clauses.push(`s.status = 'OPEN' AND s.deadline < $${params.length}::date`);
  }
  return clauses.join(' AND ');
}

export const supervisionRepository = {
  async byIds(db: EntityManager, ids: readonly number[]): Promise<SupervisionItemRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.id = ANY($1::int[])`, [ids]);
  },

  async lock(tx: EntityManager, id: number): Promise<SupervisionItemRow | null> {
    const [row] = await tx.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.id = $1 FOR UPDATE OF s`, [id]);
    return row ?? null;
  },

  /** A page of items, soonest deadline first (then newest). */
  async list(db: EntityManager, filter: SupervisionFilter, offset: number, limit: number): Promise<SupervisionItemRow[]> {
    const params: unknown[] = [];
    const where = filterSql(filter, params);
    params.push(offset, limit);
    return db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${where} ORDER BY s.deadline, s.id DESC OFFSET $${params.length - 1} LIMIT $${params.length}`, params);
  },

  async count(db: EntityManager, filter: SupervisionFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ${FROM} WHERE ${filterSql(filter, params)}`, params);
    return n;
  },

  /** The open items issued at each of the jurisdictions whose deadline is before `day`. */
  async overdueIssuedAt(db: EntityManager, issuerIds: readonly number[], day: string): Promise<SupervisionItemRow[]> {
    return namedQuery(
      db,
      'supervision_overdue_issued_at',
      `SELECT ${COLUMNS} FROM ${FROM} WHERE s.jurisdiction_id = ANY($1::int[]) AND s.status = 'OPEN' AND s.deadline < $2::date ORDER BY s.deadline, s.id`,
      [issuerIds, day],
    );
  },

  /** The items that follow up these cases, oldest first. */
  async ofCases(db: EntityManager, caseIds: readonly number[]): Promise<SupervisionItemRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.case_id = ANY($1::int[]) ORDER BY s.id`, [caseIds]);
  },

  /** The item issued for this case at this version, if one was. */
  async forCaseStep(tx: EntityManager, caseId: number, caseVersion: number): Promise<number | null> {
    const [row] = await tx.query(`SELECT id FROM supervision_item WHERE case_id = $1 AND case_version = $2`, [caseId, caseVersion]);
    return row?.id ?? null;
  },

  async notesOf(db: EntityManager, itemIds: readonly number[]): Promise<SupervisionNoteRow[]> {
    return db.query(
      `SELECT n.item_id AS "itemId", n.note, n.status_after AS "statusAfter", u.username AS "writtenBy", n.written_at AS "writtenAt"
       FROM supervision_note n LEFT JOIN app_user u ON u.id = n.written_by WHERE n.item_id = ANY($1::int[]) ORDER BY n.id`,
      [itemIds],
    );
  },

  async insert(
    tx: EntityManager,
    item: Pick<SupervisionItemRow, 'issuerId' | 'responsibleId' | 'responsibleUnit' | 'targetId' | 'title' | 'detail' | 'deadline'> &
      Partial<Pick<SupervisionItemRow, 'caseId' | 'caseVersion'>>,
    userId: number,
  ): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO supervision_item (jurisdiction_id, responsible_jurisdiction_id, responsible_unit, target_id, title, detail, deadline, created_by,
         case_id, case_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [item.issuerId, item.responsibleId, item.responsibleUnit, item.targetId, item.title, item.detail, item.deadline, userId,
        item.caseId ?? null, item.caseVersion ?? null],
    );
    return id;
  },

  /** Appends a follow-up note and sets the item's status (closed on `day` unless OPEN). */
  async addNote(tx: EntityManager, itemId: number, note: string, status: SupervisionStatus, day: string, userId: number): Promise<void> {
    await tx.query(
      `WITH n AS (INSERT INTO supervision_note (item_id, note, status_after, written_by) VALUES ($1, $2, $3, $5) RETURNING item_id)
       UPDATE supervision_item s SET status = $3, closed_on = CASE WHEN $3 = 'OPEN' THEN NULL ELSE coalesce(s.closed_on, $4::date) END,
         updated_at = now()
       FROM n WHERE s.id = n.item_id`,
      [itemId, note, status, day, userId],
    );
  },
};
