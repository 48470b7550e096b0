import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the documents leave to each scheme, stored per version: whether it pays only people whose
 * application was approved, the first month paid after an approval, the last month paid after a
 * death or a move away, and how long an ability assessment counts (null: until a newer one). The
 * defaults are those the rules applied before; they are settings, not policy. Tiers gain a minimum
 * age for women, living situations that exclude, and 户籍 or residence as alternatives.
 */
export class SchemeParameters1765310000000 implements MigrationInterface {
  name = 'SchemeParameters1765310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE first_month_rule AS ENUM ('MONTH_OF_APPROVAL', 'MONTH_AFTER_APPROVAL')`);
    await q.query(`CREATE TYPE last_month_rule AS ENUM ('STOP_IN_MONTH_OF_EVENT', 'PAY_MONTH_OF_EVENT')`);
    await q.query(
      `ALTER TABLE subsidy_scheme_version
         ADD COLUMN requires_application boolean NOT NULL DEFAULT false,
         ADD COLUMN first_month first_month_rule NOT NULL DEFAULT 'MONTH_OF_APPROVAL',
         ADD COLUMN last_month last_month_rule NOT NULL DEFAULT 'STOP_IN_MONTH_OF_EVENT',
         ADD COLUMN assessment_valid_months smallint CHECK (assessment_valid_months BETWEEN 1 AND 120)`,
    );
    await q.query(
      `ALTER TABLE subsidy_tier
         ADD COLUMN min_age_female smallint,
         ADD COLUMN living_situations_none living_situation[] NOT NULL DEFAULT '{}',
         ADD COLUMN hukou_or_resident boolean NOT NULL DEFAULT false`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subsidy_tier DROP COLUMN min_age_female, DROP COLUMN living_situations_none, DROP COLUMN hukou_or_resident`);
    await q.query(
      `ALTER TABLE subsidy_scheme_version DROP COLUMN requires_application, DROP COLUMN first_month, DROP COLUMN last_month,
         DROP COLUMN assessment_valid_months`,
    );
    await q.query(`DROP TYPE last_month_rule`);
    await q.query(`DROP TYPE first_month_rule`);
  }
}
