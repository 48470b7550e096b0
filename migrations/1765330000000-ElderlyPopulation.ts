import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The elderly population of a jurisdiction for a year (60+ and 80+, as the statistics bureau or the
 * household register counts it), the denominator of the share targets. A node holds at most one
 * current figure per year; recording again supersedes it, and the superseded rows stay, with who
 * entered each and when.
 */
export class ElderlyPopulation1765330000000 implements MigrationInterface {
  name = 'ElderlyPopulation1765330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE elderly_population (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        year            integer NOT NULL,
        aged_60_plus    integer NOT NULL,
        aged_80_plus    integer NOT NULL,
        source          text NOT NULL,
        recorded_by     integer NOT NULL REFERENCES app_user (id),
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        -- the row this one replaced, and when this one was replaced in turn
        supersedes      bigint REFERENCES elderly_population (id),
        superseded_at   timestamptz,
        CONSTRAINT elderly_population_year CHECK (year BETWEEN 1949 AND 2200),
        CONSTRAINT elderly_population_counts CHECK (aged_80_plus >= 0 AND aged_80_plus <= aged_60_plus)
      )
    `);
    await q.query(`
      CREATE UNIQUE INDEX elderly_population_current ON elderly_population (year, jurisdiction_id) WHERE superseded_at IS NULL
    `);
    await q.query(`CREATE INDEX elderly_population_history ON elderly_population (jurisdiction_id, year, recorded_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE elderly_population`);
  }
}
