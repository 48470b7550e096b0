import type { MigrationInterface, QueryRunner } from 'typeorm';

const FACILITY_KINDS = `('FACILITY_CONSTRUCTION', 'FACILITY_OPERATING')`;

/**
 * Facility subsidies are schemes too: a construction subsidy paid once on acceptance (验收合格) and an
 * operating subsidy per diner and month. Their tiers name facility types, the services a facility must
 * offer and the days it must have operated with them in the year.
 */
export class FacilitySubsidies1764288060000 implements MigrationInterface {
  name = 'FacilitySubsidies1764288060000';

  async up(q: QueryRunner): Promise<void> {
    // New enum values are not used in this migration, so adding them inside its transaction is safe.
    await q.query(`ALTER TYPE scheme_kind ADD VALUE 'FACILITY_CONSTRUCTION'`);
    await q.query(`ALTER TYPE scheme_kind ADD VALUE 'FACILITY_OPERATING'`);
    await q.query(`
      ALTER TABLE subsidy_tier
        ADD COLUMN facility_types     facility_type[] NOT NULL DEFAULT '{}',
        ADD COLUMN required_services  facility_service[] NOT NULL DEFAULT '{}',
        ADD COLUMN min_operating_days smallint,
        ADD CONSTRAINT subsidy_tier_operating_days CHECK (coalesce(min_operating_days, 0) BETWEEN 0 AND 366)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Schemes and floors of the facility kinds have no place in the older enum: they go with it.
    const schemes = `SELECT id FROM subsidy_scheme WHERE kind::text IN ${FACILITY_KINDS}`;
    const versions = `SELECT id FROM subsidy_scheme_version WHERE scheme_id IN (${schemes})`;
    await q.query(`DELETE FROM subsidy_tier WHERE version_id IN (${versions})`);
    await q.query(`DELETE FROM subsidy_funding WHERE version_id IN (${versions})`);
    await q.query(`DELETE FROM subsidy_scheme_version WHERE scheme_id IN (${schemes})`);
    await q.query(`DELETE FROM subsidy_scheme WHERE kind::text IN ${FACILITY_KINDS}`);
    await q.query(`DELETE FROM subsidy_floor WHERE kind::text IN ${FACILITY_KINDS}`);
    await q.query(`
      ALTER TABLE subsidy_tier
        DROP CONSTRAINT subsidy_tier_operating_days,
        DROP COLUMN min_operating_days,
        DROP COLUMN required_services,
        DROP COLUMN facility_types`);
    // PostgreSQL cannot drop an enum value: the type is made again without them.
    await q.query(`ALTER TYPE scheme_kind RENAME TO scheme_kind_with_facilities`);
    await q.query(`CREATE TYPE scheme_kind AS ENUM ('OLD_AGE_ALLOWANCE', 'HARDSHIP_CARE_SUBSIDY', 'HOME_CARE_SUBSIDY')`);
    await q.query(`ALTER TABLE subsidy_scheme ALTER COLUMN kind TYPE scheme_kind USING kind::text::scheme_kind`);
    await q.query(`ALTER TABLE subsidy_floor ALTER COLUMN kind TYPE scheme_kind USING kind::text::scheme_kind`);
    await q.query(`DROP TYPE scheme_kind_with_facilities`);
  }
}
