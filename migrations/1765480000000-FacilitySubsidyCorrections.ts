import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Facility subsidies as seed 000 words them:
 * - 「持续运营260天以上」 is continuous operation: a version says whether a run of operating days may have
 *   begun in the previous year (default: no, the run lies within the year; a setting, not policy);
 * - 「50元/人/月」 is paid by each month's diners: a facility's diner count is recorded month by month
 *   (the figure on the facility stays, as the latest month's);
 * - 「原则上，每个村（居）委会补助一个养老中心」: a version may pay one center per village, the one designated
 *   for the village from a month on.
 */
export class FacilitySubsidyCorrections1765480000000 implements MigrationInterface {
  name = 'FacilitySubsidyCorrections1765480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE subsidy_scheme_version
         ADD COLUMN operating_run_from_previous_year boolean NOT NULL DEFAULT false,
         ADD COLUMN one_facility_per_village boolean NOT NULL DEFAULT false`,
    );
    await q.query(`
      CREATE TABLE facility_diners (
        facility_id integer NOT NULL REFERENCES facility (id),
        month       date NOT NULL,
        diners      integer NOT NULL,
        recorded_by integer REFERENCES app_user (id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (facility_id, month),
        CONSTRAINT facility_diners_month CHECK (extract(day FROM month) = 1),
        CONSTRAINT facility_diners_count CHECK (diners BETWEEN 0 AND 1000000)
      )`);
    // The one figure kept so far was the count as reported by now: it is this month's, and no earlier month's.
    await q.query(`
      INSERT INTO facility_diners (facility_id, month, diners)
      SELECT id, date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')::date, daily_diners FROM facility WHERE daily_diners IS NOT NULL`);
    await q.query(`
      CREATE TABLE village_facility_designation (
        village_id    integer NOT NULL REFERENCES jurisdiction (id),
        from_month    date NOT NULL,
        facility_id   integer NOT NULL REFERENCES facility (id),
        designated_by integer REFERENCES app_user (id),
        designated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (village_id, from_month),
        CONSTRAINT village_facility_designation_month CHECK (extract(day FROM from_month) = 1)
      )`);
    await q.query(`CREATE INDEX village_facility_designation_facility ON village_facility_designation (facility_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE village_facility_designation`);
    await q.query(`DROP TABLE facility_diners`);
    await q.query(`ALTER TABLE subsidy_scheme_version DROP COLUMN operating_run_from_previous_year, DROP COLUMN one_facility_per_village`);
  }
}
