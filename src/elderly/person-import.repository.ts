import type { EntityManager } from 'typeorm';
import type { NewCategory, PersonFields } from './person.repository';

// The writes of an import: many people at once, in a fixed number of statements however many rows.

export const personImportRepository = {
  /** The people already registered under these national IDs, wherever they live. */
  async registeredAmong(db: EntityManager, nationalIds: readonly string[]): Promise<{ nationalId: string; id: number; villageId: number }[]> {
    if (nationalIds.length === 0) return [];
    return db.query(
      `SELECT national_id AS "nationalId", id, village_id AS "villageId" FROM person WHERE national_id = ANY($1::char(18)[]) ORDER BY id`,
      [nationalIds],
    );
  },

  /**
   * Inserts many people with their categories in one statement, skipping anyone whose national ID is
   * registered by then (a registration that committed meanwhile); the new people's ids by national ID.
   */
  async insertMany(
    tx: EntityManager,
    people: readonly { fields: PersonFields; categories: readonly NewCategory[]; categoriesSince: string }[],
    userId: number,
  ): Promise<{ id: number; nationalId: string }[]> {
    const column = <T>(pick: (fields: PersonFields) => T) => people.map((person) => pick(person.fields));
    const categories = people.flatMap((person) =>
      person.categories.map((c) => ({ nationalId: person.fields.nationalId, category: c.category, grade: c.grade, since: person.categoriesSince })),
    );
    // In national ID order: two imports that share IDs then lock them in the same order and cannot deadlock.
    return tx.query(
      `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::sex[], $4::date[], $5::text[], $6::text[], $7::int[], $8::int[], $9::date[],
                              $10::text[], $11::bigint[], $12::bigint[])
           AS r (national_id, name, sex, birth_date, phone, address, village_id, hukou_id, resident_since, living_situations, own_fen, household_fen)
       ), inserted AS (
         INSERT INTO person (national_id, name, sex, birth_date, phone, address, village_id, hukou_jurisdiction_id, resident_since,
           living_situations, own_monthly_income_fen, household_monthly_income_fen, created_by)
         SELECT national_id, name, sex, birth_date, phone, address, village_id, hukou_id, resident_since,
           living_situations::living_situation[], own_fen, household_fen, $13
         FROM r ORDER BY national_id
         ON CONFLICT (national_id) DO NOTHING
         RETURNING id, national_id
       ), categories AS (
         INSERT INTO person_category (person_id, category, disability_grade, valid_from, recorded_by)
         SELECT i.id, c.category, c.grade, c.since, $13
         FROM unnest($14::text[], $15::hardship_category[], $16::int[], $17::date[]) AS c (national_id, category, grade, since)
         JOIN inserted i ON i.national_id = c.national_id
       )
       SELECT id, national_id AS "nationalId" FROM inserted ORDER BY id`,
      [
        column((f) => f.nationalId),
        column((f) => f.name),
        column((f) => f.sex),
        column((f) => f.birthDate),
        column((f) => f.phone),
        column((f) => f.address),
        column((f) => f.villageId),
        column((f) => f.hukouId),
        column((f) => f.residentSince),
        // Each person's situations as an array literal (enum names need no quoting), cast in SQL.
        column((f) => `{${f.livingSituations.join(',')}}`),
        column((f) => f.ownMonthlyIncomeFen),
        column((f) => f.householdMonthlyIncomeFen),
        userId,
        categories.map((c) => c.nationalId),
        categories.map((c) => c.category),
        categories.map((c) => c.grade),
        categories.map((c) => c.since),
      ],
    );
  },
};
