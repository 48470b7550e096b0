import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Month and year sums of the dated changes of the people counts. Those figures change on nearly every
 * day for decades (birthdays, expiries), so a sum of day rows up to a day grows with the history; with
 * these, a figure on day D is its years before D's year, its months of that year before D's month,
 * and its days of that month up to D: about a hundred rows per key, whatever the history.
 */
export class PeopleCountPeriods1764374400000 implements MigrationInterface {
  name = 'PeopleCountPeriods1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rollup_change_period (
        node_id integer NOT NULL,
        key     text COLLATE "C" NOT NULL,
        grain   text NOT NULL,
        start   date NOT NULL,
        delta   bigint NOT NULL,
        PRIMARY KEY (node_id, key, grain, start) INCLUDE (delta),
        CONSTRAINT rollup_change_period_grain CHECK (grain IN ('year', 'month')),
        CONSTRAINT rollup_change_period_start CHECK (extract(day FROM start) = 1 AND (grain = 'month' OR extract(month FROM start) = 1))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rollup_change_period`);
  }
}
