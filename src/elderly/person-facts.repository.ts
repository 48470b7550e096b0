import type { EntityManager } from 'typeorm';
import type { AbilityLevel, HardshipCategory, LivingSituation, PersonStatus } from './elderly-kinds';
import type { PersonEnrolment, PersonFacts } from './person-facts';
import type { Sex } from './national-id';
import { fen } from './person.repository';

// The registry as the monthly entitlement run reads it: every active person of a set of villages,
// through a cursor, with only the facts the rules read on the run's day.

export const personFactsRepository = {
  /**
   * Opens `cursor` (within `tx`) over the people living in the villages who are still active on
   * `day` or left (died, moved away) in its month, for the schemes that pay that month, with the facts the rules read on that day: the categories in force and the latest
   * assessment made by then, and the enrolments covering its month.
   */
  async openFactsCursor(tx: EntityManager, cursor: string, villageIds: readonly number[], day: string): Promise<void> {
    // Every row will be read: plan for the whole result (hash joins), not for the first rows.
    await tx.query(`SET LOCAL cursor_tuple_fraction = 1.0`);
    await tx.query(
      `DECLARE ${cursor} NO SCROLL CURSOR FOR
       SELECT p.id, p.village_id AS "villageId", to_char(p.birth_date, 'YYYY-MM-DD') AS "birthDate", p.sex, p.status,
         to_char(p.status_since, 'YYYY-MM-DD') AS "statusSince", h.code AS "hukouCode",
         to_char(p.resident_since, 'YYYY-MM-DD') AS "residentSince", array_to_string(p.living_situations, ',') AS "livingSituations",
         p.own_monthly_income_fen AS "ownIncome", p.household_monthly_income_fen AS "householdIncome", c.categories, a.assessment, e.enrolments
       FROM person p
       JOIN jurisdiction h ON h.id = p.hukou_jurisdiction_id
       LEFT JOIN (
         SELECT c.person_id, string_agg(c.category || ' ' || c.valid_from || ' ' || coalesce(c.valid_to::text, ''), ';' ORDER BY c.valid_from, c.id) AS categories
         FROM person_category c JOIN person cp ON cp.id = c.person_id
         WHERE cp.village_id = ANY($1::int[]) AND c.valid_from <= $2::date AND (c.valid_to IS NULL OR c.valid_to > $2::date)
         GROUP BY c.person_id
       ) c ON c.person_id = p.id
       LEFT JOIN (
         SELECT DISTINCT ON (a.person_id) a.person_id, a.level || ' ' || a.assessed_on || ' ' || a.valid_until AS assessment
         FROM ability_assessment a JOIN person ap ON ap.id = a.person_id
         WHERE ap.village_id = ANY($1::int[]) AND a.assessed_on <= $2::date
         ORDER BY a.person_id, a.assessed_on DESC, a.id DESC
       ) a ON a.person_id = p.id
       LEFT JOIN (
         SELECT e.person_id, string_agg(e.scheme_id || ' ' || to_char(e.from_month, 'YYYY-MM') || ' ' || coalesce(to_char(e.until_month, 'YYYY-MM'), ''), ';') AS enrolments
         FROM enrolment e JOIN person ep ON ep.id = e.person_id
         WHERE ep.village_id = ANY($1::int[]) AND e.from_month <= $2::date AND (e.until_month IS NULL OR e.until_month >= date_trunc('month', $2::date))
         GROUP BY e.person_id
       ) e ON e.person_id = p.id
       WHERE p.village_id = ANY($1::int[]) AND (p.status = 'ACTIVE' OR p.status_since >= date_trunc('month', $2::date))`,
      [villageIds, day],
    );
  },

  /** The next `count` people of a cursor opened by openFactsCursor; fewer (or none) at its end. */
  async fetchFacts(tx: EntityManager, cursor: string, count: number): Promise<{ villageId: number; facts: PersonFacts }[]> {
    const rows: FactsRow[] = await tx.query(`FETCH ${count} FROM ${cursor}`);
    return rows.map((row) => ({
      villageId: row.villageId,
      facts: {
        id: row.id,
        birthDate: row.birthDate,
        sex: row.sex,
        status: row.status,
        statusSince: row.statusSince,
        hukouCode: row.hukouCode,
        residentSince: row.residentSince,
        livingSituations: row.livingSituations ? (row.livingSituations.split(',') as LivingSituation[]) : [],
        ownMonthlyIncomeFen: fen(row.ownIncome),
        householdMonthlyIncomeFen: fen(row.householdIncome),
        categories: (row.categories ? row.categories.split(';') : []).map((entry) => {
          const [category, validFrom, validTo] = entry.split(' ');
          return { category: category as HardshipCategory, validFrom, validTo: validTo || null };
        }),
        assessments: row.assessment
          ? [(([level, assessedOn, validUntil]) => ({ level: level as AbilityLevel, assessedOn, validUntil }))(row.assessment.split(' '))]
          : [],
        enrolments: parseEnrolments(row.enrolments),
      },
    }));
  },

  /** The person's enrolments (every one, for any month): what the single-person entitlement reads. */
  async enrolmentsOf(db: EntityManager, personId: number): Promise<PersonEnrolment[]> {
    return db.query(
      `SELECT scheme_id AS "schemeId", to_char(from_month, 'YYYY-MM') AS "fromMonth", to_char(until_month, 'YYYY-MM') AS "untilMonth"
       FROM enrolment WHERE person_id = $1 ORDER BY from_month, id`,
      [personId],
    );
  },
};

interface FactsRow {
  id: number;
  villageId: number;
  birthDate: string;
  sex: Sex;
  status: PersonStatus;
  statusSince: string | null;
  hukouCode: string;
  residentSince: string | null;
  /** Comma-separated; text columns cost less to read than arrays. */
  livingSituations: string;
  ownIncome: string | null;
  householdIncome: string | null;
  /** `category validFrom validTo`, ';'-separated. */
  categories: string | null;
  assessment: string | null;
  /** `schemeId fromMonth untilMonth`, ';'-separated. */
  enrolments: string | null;
}

function parseEnrolments(text: string | null): PersonEnrolment[] {
  return (text ? text.split(';') : []).map((entry) => {
    const [schemeId, fromMonth, untilMonth] = entry.split(' ');
    return { schemeId: Number(schemeId), fromMonth, untilMonth: untilMonth || null };
  });
}
