import type { EntityManager } from 'typeorm';
import type { ServiceItem } from '../care/care-kinds';
import { namedQuery } from '../db/named-query';
import type { JurisdictionLevel } from '../kernel/division-codes';

export interface NodeRef {
  id: number;
  code: string;
  name: string;
  level: JurisdictionLevel;
}

/** A caregiver as stored, placed for the access layer: its base's code, its organisation, and itself. */
export interface CaregiverRow {
  id: number;
  organisation: { id: number; creditCode: string; name: string };
  basedAt: NodeRef;
  name: string;
  workCardNumber: string;
  phone: string;
  photoRef: string | null;
  specialities: ServiceItem[];
  trained: boolean;
  trainedOn: string | null;
  training: string | null;
  startedOn: string;
  leftOn: string | null;
  createdAt: Date;
  updatedAt: Date;
  jurisdictionCode: string;
  organisationId: number;
  caregiverId: number;
}

export interface BanRow {
  id: number;
  caregiverId: number;
  jurisdiction: NodeRef;
  reason: string;
  from: string;
  until: string;
  createdAt: Date;
}

export interface NewCaregiver {
  organisationId: number;
  jurisdictionId: number;
  name: string;
  workCardNumber: string;
  phone: string;
  photoRef: string | null;
  specialities: ServiceItem[];
  startedOn: string;
}

export type CaregiverChanges = Partial<Pick<NewCaregiver, 'jurisdictionId' | 'name' | 'workCardNumber' | 'phone' | 'photoRef' | 'specialities'>> & {
  trained?: boolean;
  trainedOn?: string;
  training?: string;
  leftOn?: string;
};

export interface CaregiverFilter {
  underCode: string;
  organisationId: number | null;
  caregiverId: number | null;
}

const NODE = (alias: string) => `json_build_object('id', ${alias}.id, 'code', ${alias}.code, 'name', ${alias}.name, 'level', ${alias}.level)`;
const COLUMNS = `c.id, json_build_object('id', o.id, 'creditCode', o.credit_code, 'name', o.name) AS organisation, ${NODE('j')} AS "basedAt",
  c.name, c.work_card_number AS "workCardNumber", c.phone, c.photo_ref AS "photoRef", c.specialities, c.trained,
  to_char(c.trained_on, 'YYYY-MM-DD') AS "trainedOn", c.training, to_char(c.started_on, 'YYYY-MM-DD') AS "startedOn",
  to_char(c.left_on, 'YYYY-MM-DD') AS "leftOn", c.created_at AS "createdAt", c.updated_at AS "updatedAt",
  j.code AS "jurisdictionCode", c.organisation_id AS "organisationId", c.id AS "caregiverId"
  FROM caregiver c JOIN organisation o ON o.id = c.organisation_id JOIN jurisdiction j ON j.id = c.jurisdiction_id`;
const BAN_COLUMNS = `b.id, b.caregiver_id AS "caregiverId", ${NODE('j')} AS jurisdiction, b.reason,
  to_char(b.from_day, 'YYYY-MM-DD') AS "from", to_char(b.until_day, 'YYYY-MM-DD') AS until, b.created_at AS "createdAt"
  FROM caregiver_ban b JOIN jurisdiction j ON j.id = b.jurisdiction_id`;

function filterSql(filter: CaregiverFilter, params: unknown[]): string {
  params.push(`${filter.underCode}%`);
  const clauses = [`j.code LIKE $${params.length}`];
  if (filter.organisationId !== null) {
    params.push(filter.organisationId);
    clauses.push(`c.organisation_id = $${params.length}`);
  }
  if (filter.caregiverId !== null) {
    params.push(filter.caregiverId);
    clauses.push(`c.id = $${params.length}`);
  }
  return clauses.join(' AND ');
}

const COLUMN_OF: Record<keyof CaregiverChanges, string> = {
  jurisdictionId: 'jurisdiction_id',
  name: 'name',
  workCardNumber: 'work_card_number',
  phone: 'phone',
  photoRef: 'photo_ref',
  specialities: 'specialities',
  trained: 'trained',
  trainedOn: 'trained_on',
  training: 'training',
  leftOn: 'left_on',
};

/** Whether `error` is PostgreSQL's unique violation (a work card number taken by a concurrent write). */
export const isUniqueViolation = (error: unknown) =>
  (error as { code?: string })?.code === '23505' || (error as { driverError?: { code?: string } })?.driverError?.code === '23505';

export const caregiverRepository = {
  async byIds(db: EntityManager, ids: readonly number[], forUpdate = false): Promise<CaregiverRow[]> {
    // Read on every visit (its caregiver's standing): prepared once per connection.
    if (!forUpdate) return namedQuery<CaregiverRow>(db, 'caregivers_by_ids', `SELECT ${COLUMNS} WHERE c.id = ANY($1::int[]) ORDER BY c.id`, [ids]);
    return db.query(`SELECT ${COLUMNS} WHERE c.id = ANY($1::int[]) ORDER BY c.id FOR UPDATE OF c`, [ids]);
  },

  /** Inserts the caregiver; null when the organisation already uses the work card number. */
  async insert(tx: EntityManager, caregiver: NewCaregiver): Promise<number | null> {
    const [row] = await tx.query(
      `INSERT INTO caregiver (organisation_id, jurisdiction_id, name, work_card_number, phone, photo_ref, specialities, started_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8)
       ON CONFLICT (organisation_id, work_card_number) DO NOTHING RETURNING id`,
      [caregiver.organisationId, caregiver.jurisdictionId, caregiver.name, caregiver.workCardNumber, caregiver.phone, caregiver.photoRef, caregiver.specialities, caregiver.startedOn],
    );
    return row?.id ?? null;
  },

  async update(tx: EntityManager, id: number, changes: CaregiverChanges): Promise<void> {
    const params: unknown[] = [id];
    const sets = ['updated_at = now()'];
    for (const [key, value] of Object.entries(changes) as [keyof CaregiverChanges, unknown][]) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${COLUMN_OF[key]} = $${params.length}${key === 'specialities' ? '::text[]' : ''}`);
    }
    await tx.query(`UPDATE caregiver SET ${sets.join(', ')} WHERE id = $1`, params);
  },

  /** Whether another caregiver of the organisation has the number. */
  async numberTaken(db: EntityManager, organisationId: number, workCardNumber: string, except: number): Promise<boolean> {
    const [row] = await db.query(`SELECT 1 FROM caregiver WHERE organisation_id = $1 AND work_card_number = $2 AND id <> $3`, [organisationId, workCardNumber, except]);
    return row !== undefined;
  },

  /** Up to `limit` caregivers matching after the id `after`, by id. */
  async search(db: EntityManager, filter: CaregiverFilter, after: number | null, limit: number): Promise<CaregiverRow[]> {
    const params: unknown[] = [];
    let where = filterSql(filter, params);
    if (after !== null) {
      params.push(after);
      where += ` AND c.id > $${params.length}`;
    }
    params.push(limit);
    return db.query(`SELECT ${COLUMNS} WHERE ${where} ORDER BY c.id LIMIT $${params.length}`, params);
  },

  async count(db: EntityManager, filter: CaregiverFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM caregiver c JOIN jurisdiction j ON j.id = c.jurisdiction_id WHERE ${filterSql(filter, params)}`,
      params,
    );
    return n;
  },

  /** Whether an account stands for the caregiver. */
  async hasAccount(db: EntityManager, caregiverId: number): Promise<boolean> {
    const [row] = await db.query(`SELECT 1 FROM app_user WHERE caregiver_id = $1`, [caregiverId]);
    return row !== undefined;
  },

  /** The bans of the caregivers, oldest first. */
  async bansOf(db: EntityManager, caregiverIds: readonly number[]): Promise<BanRow[]> {
    return namedQuery<BanRow>(db, 'caregiver_bans_of', `SELECT ${BAN_COLUMNS} WHERE b.caregiver_id = ANY($1::int[]) ORDER BY b.from_day, b.id`, [caregiverIds]);
  },

  async insertBan(tx: EntityManager, ban: { caregiverId: number; jurisdictionId: number; reason: string; from: string; until: string }, userId: number): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO caregiver_ban (caregiver_id, jurisdiction_id, reason, from_day, until_day, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [ban.caregiverId, ban.jurisdictionId, ban.reason, ban.from, ban.until, userId],
    );
    return id;
  },

  async banById(db: EntityManager, id: number): Promise<BanRow> {
    const [row] = await db.query(`SELECT ${BAN_COLUMNS} WHERE b.id = $1`, [id]);
    return row;
  },

  /** The supervision phone set nearest to a node on its path (by codes, the node's own first), or null. */
  async supervisionPhoneOn(db: EntityManager, path: readonly string[]): Promise<string | null> {
    const [row] = await db.query(
      `SELECT s.phone FROM service_supervision_phone s JOIN jurisdiction j ON j.id = s.jurisdiction_id
       WHERE j.code = ANY($1::text[]) ORDER BY length(j.code) DESC LIMIT 1`,
      [path],
    );
    return row?.phone ?? null;
  },

  async setSupervisionPhone(tx: EntityManager, jurisdictionId: number, phone: string, userId: number): Promise<{ updatedAt: Date }> {
    const [row] = await tx.query(
      `INSERT INTO service_supervision_phone (jurisdiction_id, phone, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (jurisdiction_id) DO UPDATE SET phone = EXCLUDED.phone, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING updated_at AS "updatedAt"`,
      [jurisdictionId, phone, userId],
    );
    return row;
  },
};
