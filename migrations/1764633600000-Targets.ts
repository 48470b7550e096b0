import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Targets (目标任务): a jurisdiction's goal for one metric by a deadline, and its allocation to the
 * children (a child's target `allocated_from` its parent's, one per child). Numbers are integers in
 * the metric's unit: hundredths of a percent for a rate, units for a count, fen for money, so that every comparison
 * is exact. Progress is never stored: it is read from the live roll-ups.
 */
export class Targets1764633600000 implements MigrationInterface {
  name = 'Targets1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE target_metric AS ENUM ('VILLAGE_SERVICE', 'MEAL_SERVICE', 'COMMUNITY_STATION', 'TOWN_CENTER',
      'COUNTY_GUIDANCE_CENTER', 'OPERATING_FACILITIES', 'OPERATING_BEDS', 'NURSING_BED_SHARE', 'DEMENTIA_BED_SHARE', 'SUBSIDY_RECIPIENT_SHARE',
      'ENTITLEMENT_SPENDING')`);
    await q.query(`CREATE TYPE target_comparator AS ENUM ('AT_LEAST', 'AT_MOST', 'EQUAL', 'BETWEEN')`);
    await q.query(`CREATE TYPE target_phase AS ENUM ('MOBILISATION', 'IMPLEMENTATION', 'EVALUATION', 'CONSOLIDATION')`);
    await q.query(`
      CREATE TABLE target (
        id               serial PRIMARY KEY,
        jurisdiction_id  integer NOT NULL REFERENCES jurisdiction (id),
        allocated_from   integer REFERENCES target (id) ON DELETE CASCADE,
        title            text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        metric           target_metric NOT NULL,
        facility_type    facility_type,
        comparator       target_comparator NOT NULL,
        threshold        bigint NOT NULL CHECK (threshold >= 0),
        threshold_high   bigint,
        baseline         bigint NOT NULL CHECK (baseline >= 0),
        starts_on        date NOT NULL,
        deadline         date NOT NULL,
        responsible_unit text CHECK (char_length(responsible_unit) BETWEEN 1 AND 200),
        created_by       integer REFERENCES app_user (id),
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT target_span CHECK (deadline > starts_on),
        CONSTRAINT target_range CHECK ((comparator = 'BETWEEN') = (threshold_high IS NOT NULL) AND (threshold_high IS NULL OR threshold_high >= threshold)),
        CONSTRAINT target_facility_type CHECK ((metric = 'OPERATING_FACILITIES') = (facility_type IS NOT NULL)),
        CONSTRAINT target_one_allocation_per_child UNIQUE (allocated_from, jurisdiction_id)
      )`);
    await q.query(`CREATE INDEX target_jurisdiction ON target (jurisdiction_id, id)`);
    await q.query(`CREATE INDEX target_allocated_from ON target (allocated_from) WHERE allocated_from IS NOT NULL`);
    await q.query(`
      CREATE TABLE target_phase_span (
        target_id integer NOT NULL REFERENCES target (id) ON DELETE CASCADE,
        phase     target_phase NOT NULL,
        starts_on date NOT NULL,
        ends_on   date NOT NULL,
        PRIMARY KEY (target_id, phase),
        CHECK (ends_on >= starts_on)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE target_phase_span`);
    await q.query(`DROP TABLE target`);
    await q.query(`DROP TYPE target_phase`);
    await q.query(`DROP TYPE target_comparator`);
    await q.query(`DROP TYPE target_metric`);
  }
}
