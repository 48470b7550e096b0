import type { EntityManager } from 'typeorm';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { AbilityLevel, HardshipCategory, LivingSituation, PersonStatus } from './elderly-kinds';
import type { Sex } from './national-id';
import { chinaDayOf } from '../kernel/dates';
import type { PersonFigureFacts } from './person-figures';

export interface PersonRow {
  id: number;
  nationalId: string;
  name: string;
  sex: Sex;
  birthDate: string;
  phone: string | null;
  address: string | null;
  villageId: number;
  villageCode: string;
  villageName: string;
  hukouId: number;
  hukouCode: string;
  hukouName: string;
  hukouLevel: JurisdictionLevel;
  residentSince: string | null;
  livingSituations: LivingSituation[];
  ownMonthlyIncomeFen: number | null;
  householdMonthlyIncomeFen: number | null;
  status: PersonStatus;
  statusSince: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CategoryRow {
  personId: number;
  category: HardshipCategory;
  disabilityGrade: number | null;
  validFrom: string;
  validTo: string | null;
}

export interface AssessmentRow {
  id: number;
  personId: number;
  level: AbilityLevel;
  assessedOn: string;
  validUntil: string;
  assessor: string;
  note: string | null;
  recordedAt: Date;
}

export interface PersonFields {
  nationalId: string;
  name: string;
  sex: Sex;
  birthDate: string;
  phone: string | null;
  address: string | null;
  villageId: number;
  hukouId: number;
  residentSince: string | null;
  livingSituations: LivingSituation[];
  ownMonthlyIncomeFen: number | null;
  householdMonthlyIncomeFen: number | null;
}

export interface NewCategory {
  category: HardshipCategory;
  grade: number | null;
}

export interface PersonFilter {
  underCode: string;
  status: PersonStatus | null;
  category: HardshipCategory | null;
  nameContains: string | null;
}

const PERSON_COLUMNS = `p.id, p.national_id AS "nationalId", p.name, p.sex, to_char(p.birth_date, 'YYYY-MM-DD') AS "birthDate",
  p.phone, p.address, p.village_id AS "villageId", v.code AS "villageCode", v.name AS "villageName",
  p.hukou_jurisdiction_id AS "hukouId", h.code AS "hukouCode", h.name AS "hukouName", h.level AS "hukouLevel",
  to_char(p.resident_since, 'YYYY-MM-DD') AS "residentSince", p.living_situations::text[] AS "livingSituations",
  p.own_monthly_income_fen AS "ownMonthlyIncomeFen", p.household_monthly_income_fen AS "householdMonthlyIncomeFen",
  p.status, to_char(p.status_since, 'YYYY-MM-DD') AS "statusSince", p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;
const PERSON_FROM = `person p JOIN jurisdiction v ON v.id = p.village_id JOIN jurisdiction h ON h.id = p.hukou_jurisdiction_id`;

/** A bigint column of fen as a number (pg hands bigints over as text). */
export const fen = (value: string | number | null) => (value === null ? null : Number(value));

function toPerson(row: PersonRow): PersonRow {
  return { ...row, ownMonthlyIncomeFen: fen(row.ownMonthlyIncomeFen), householdMonthlyIncomeFen: fen(row.householdMonthlyIncomeFen) };
}

function filterSql(filter: PersonFilter, params: unknown[]): string {
  params.push(`${filter.underCode}%`);
  const clauses = [`v.code LIKE $${params.length}`];
  if (filter.status) {
    params.push(filter.status);
    clauses.push(`p.status = $${params.length}`);
  }
  if (filter.category) {
    params.push(filter.category);
    clauses.push(`EXISTS (SELECT 1 FROM person_category c WHERE c.person_id = p.id AND c.category = $${params.length} AND c.valid_to IS NULL)`);
  }
  if (filter.nameContains) {
    params.push(`%${filter.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    clauses.push(`p.name LIKE $${params.length}`);
  }
  return clauses.join(' AND ');
}

export const personRepository = {
  async byIds(db: EntityManager, ids: readonly number[]): Promise<PersonRow[]> {
    const rows: PersonRow[] = await db.query(`SELECT ${PERSON_COLUMNS} FROM ${PERSON_FROM} WHERE p.id = ANY($1::int[])`, [ids]);
    return rows.map(toPerson);
  },

  /** The person row locked for a change. */
  async lock(tx: EntityManager, id: number): Promise<PersonRow | null> {
    const rows: PersonRow[] = await tx.query(`SELECT ${PERSON_COLUMNS} FROM ${PERSON_FROM} WHERE p.id = $1 FOR UPDATE OF p`, [id]);
    return rows[0] ? toPerson(rows[0]) : null;
  },

  /** People living at or below a node, in id order. */
  async search(db: EntityManager, filter: PersonFilter, afterId: number | null, limit: number): Promise<PersonRow[]> {
    const params: unknown[] = [];
    let where = filterSql(filter, params);
    if (afterId !== null) {
      params.push(afterId);
      where += ` AND p.id > $${params.length}`;
    }
    params.push(limit);
    const rows: PersonRow[] = await db.query(
      `SELECT ${PERSON_COLUMNS} FROM ${PERSON_FROM} WHERE ${where} ORDER BY p.id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toPerson);
  },

  async count(db: EntityManager, filter: PersonFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ${PERSON_FROM} WHERE ${filterSql(filter, params)}`, params);
    return n;
  },

  /** What the people counts read of each person (categories and assessments oldest first), in one statement. */
  async figureFactsOf(db: EntityManager, ids: readonly number[]): Promise<(PersonFigureFacts & { id: number })[]> {
    return db.query(
      `SELECT p.id, v.code AS "villageCode", to_char(p.birth_date, 'YYYY-MM-DD') AS "birthDate", p.status,
         to_char(p.status_since, 'YYYY-MM-DD') AS "statusSince", to_char(p.resident_since, 'YYYY-MM-DD') AS "residentSince",
         to_char(${chinaDayOf('p.created_at')}, 'YYYY-MM-DD') AS "registeredOn",
         coalesce((SELECT json_agg(json_build_object('category', c.category, 'validFrom', to_char(c.valid_from, 'YYYY-MM-DD'),
             'validTo', to_char(c.valid_to, 'YYYY-MM-DD')) ORDER BY c.valid_from, c.id)
           FROM person_category c WHERE c.person_id = p.id), '[]') AS categories,
         coalesce((SELECT json_agg(json_build_object('level', a.level, 'assessedOn', to_char(a.assessed_on, 'YYYY-MM-DD'),
             'validUntil', to_char(a.valid_until, 'YYYY-MM-DD')) ORDER BY a.assessed_on, a.id)
           FROM ability_assessment a WHERE a.person_id = p.id), '[]') AS assessments
       FROM person p JOIN jurisdiction v ON v.id = p.village_id
       WHERE p.id = ANY($1::int[]) ORDER BY p.id`,
      [ids],
    );
  },

  /** The new person's id, or null when the national ID is already registered. */
  async insert(tx: EntityManager, fields: PersonFields, userId: number): Promise<number | null> {
    const rows: { id: number }[] = await tx.query(
      `INSERT INTO person (national_id, name, sex, birth_date, phone, address, village_id, hukou_jurisdiction_id, resident_since,
         living_situations, own_monthly_income_fen, household_monthly_income_fen, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (national_id) DO NOTHING RETURNING id`,
      [
        fields.nationalId,
        fields.name,
        fields.sex,
        fields.birthDate,
        fields.phone,
        fields.address,
        fields.villageId,
        fields.hukouId,
        fields.residentSince,
        fields.livingSituations,
        fields.ownMonthlyIncomeFen,
        fields.householdMonthlyIncomeFen,
        userId,
      ],
    );
    return rows[0]?.id ?? null;
  },

  async update(tx: EntityManager, id: number, fields: Omit<PersonFields, 'nationalId' | 'sex' | 'birthDate'>): Promise<void> {
    await tx.query(
      `UPDATE person SET name = $2, phone = $3, address = $4, village_id = $5, hukou_jurisdiction_id = $6, resident_since = $7,
         living_situations = $8, own_monthly_income_fen = $9, household_monthly_income_fen = $10, updated_at = now()
       WHERE id = $1`,
      [
        id,
        fields.name,
        fields.phone,
        fields.address,
        fields.villageId,
        fields.hukouId,
        fields.residentSince,
        fields.livingSituations,
        fields.ownMonthlyIncomeFen,
        fields.householdMonthlyIncomeFen,
      ],
    );
  },

  async setStatus(tx: EntityManager, id: number, status: PersonStatus, since: string): Promise<void> {
    await tx.query(`UPDATE person SET status = $2, status_since = $3, updated_at = now() WHERE id = $1`, [id, status, since]);
  },

  /** Every category record of the people, oldest first. */
  async categoriesOf(db: EntityManager, personIds: readonly number[]): Promise<CategoryRow[]> {
    return db.query(
      `SELECT person_id AS "personId", category, disability_grade AS "disabilityGrade",
         to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"
       FROM person_category WHERE person_id = ANY($1::int[]) ORDER BY person_id, valid_from, id`,
      [personIds],
    );
  },

  async openCategory(tx: EntityManager, personId: number, category: HardshipCategory, grade: number | null, from: string, userId: number): Promise<void> {
    await tx.query(
      `INSERT INTO person_category (person_id, category, disability_grade, valid_from, recorded_by) VALUES ($1, $2, $3, $4, $5)`,
      [personId, category, grade, from, userId],
    );
  },

  /** Ends the open record of a category on `on` (exclusive); a record opened that same day is removed instead. */
  async closeCategory(tx: EntityManager, personId: number, category: HardshipCategory, on: string): Promise<void> {
    await tx.query(`DELETE FROM person_category WHERE person_id = $1 AND category = $2 AND valid_to IS NULL AND valid_from >= $3`, [
      personId,
      category,
      on,
    ]);
    await tx.query(`UPDATE person_category SET valid_to = $3 WHERE person_id = $1 AND category = $2 AND valid_to IS NULL`, [personId, category, on]);
  },

  /** Every assessment of the people, oldest first. */
  async assessmentsOf(db: EntityManager, personIds: readonly number[]): Promise<AssessmentRow[]> {
    return db.query(
      `SELECT id::int AS id, person_id AS "personId", level, to_char(assessed_on, 'YYYY-MM-DD') AS "assessedOn",
         to_char(valid_until, 'YYYY-MM-DD') AS "validUntil", assessor, note, recorded_at AS "recordedAt"
       FROM ability_assessment WHERE person_id = ANY($1::int[]) ORDER BY person_id, assessed_on, id`,
      [personIds],
    );
  },

  async insertAssessment(
    tx: EntityManager,
    row: { personId: number; level: AbilityLevel; assessedOn: string; validUntil: string; assessor: string; note: string | null },
    userId: number,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ability_assessment (person_id, level, assessed_on, valid_until, assessor, note, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.personId, row.level, row.assessedOn, row.validUntil, row.assessor, row.note, userId],
    );
  },
};
