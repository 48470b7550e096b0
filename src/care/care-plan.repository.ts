import type { EntityManager } from 'typeorm';
import type { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';

/** A person as a care plan reads them on a reference day: whether enrolled in its month, and the facts the rules read. */
export interface RecipientRow {
  id: number;
  name: string;
  nationalId: string;
  birthDate: string;
  villageCode: string;
  livingSituations: LivingSituation[];
  categories: HardshipCategory[];
  /** The latest assessment made by the reference day (expired or not). */
  assessment: { level: AbilityLevel; assessedOn: string; validUntil: string } | null;
  enrolled: boolean;
}

// $1 the reference day (the month's last day), $2 the month's first day.
const COLUMNS = `p.id, p.name, p.national_id AS "nationalId", to_char(p.birth_date, 'YYYY-MM-DD') AS "birthDate", v.code AS "villageCode",
  p.living_situations::text[] AS "livingSituations",
  coalesce((SELECT array_agg(c.category::text ORDER BY c.category) FROM person_category c
    WHERE c.person_id = p.id AND c.valid_from <= $1::date AND (c.valid_to IS NULL OR c.valid_to > $1::date)), '{}') AS categories,
  (SELECT json_build_object('level', a.level, 'assessedOn', to_char(a.assessed_on, 'YYYY-MM-DD'), 'validUntil', to_char(a.valid_until, 'YYYY-MM-DD'))
    FROM ability_assessment a WHERE a.person_id = p.id AND a.assessed_on <= $1::date ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) AS assessment,
  EXISTS (SELECT 1 FROM enrolment e WHERE e.person_id = p.id AND e.from_month <= $2::date AND (e.until_month IS NULL OR e.until_month >= $2::date)) AS enrolled
  FROM person p JOIN jurisdiction v ON v.id = p.village_id`;

const ENROLLED = `EXISTS (SELECT 1 FROM enrolment e WHERE e.person_id = p.id AND e.from_month <= $2::date AND (e.until_month IS NULL OR e.until_month >= $2::date))`;

export const carePlanRepository = {
  async byId(db: EntityManager, id: number, referenceDay: string, monthStart: string): Promise<RecipientRow | null> {
    const rows: RecipientRow[] = await db.query(`SELECT ${COLUMNS} WHERE p.id = $3`, [referenceDay, monthStart, id]);
    return rows[0] ?? null;
  },

  /** Up to `limit` people living at or below `code` enrolled in the month, by id after `after`. */
  async enrolledUnder(db: EntityManager, code: string, referenceDay: string, monthStart: string, after: number | null, limit: number): Promise<RecipientRow[]> {
    return db.query(
      `SELECT ${COLUMNS} WHERE v.code LIKE $3 || '%' AND ${ENROLLED} AND ($4::int IS NULL OR p.id > $4) ORDER BY p.id LIMIT $5`,
      [referenceDay, monthStart, code, after, limit],
    );
  },

  async countEnrolledUnder(db: EntityManager, code: string, monthStart: string): Promise<number> {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE v.code LIKE $1 || '%' AND ${ENROLLED}`,
      [code, monthStart],
    );
    return n;
  },
};
