import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Official working-day arrangements (国务院办公厅关于…部分节假日安排的通知) entered by an administrator at a
 * jurisdiction for a year, taking precedence over the holiday package in that subtree. Each entry is a
 * revision: a new one supersedes the last and nothing is overwritten. Deadlines are read from them on
 * nearly every case, so servers keep them (db/shared-cache.ts) and a change tells every listening
 * server on commit.
 */
export class WorkingCalendar1765300000000 implements MigrationInterface {
  name = 'WorkingCalendar1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE working_calendar_year (
        id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id    integer NOT NULL REFERENCES jurisdiction (id),
        year               integer NOT NULL CHECK (year BETWEEN 1900 AND 2999),
        revision           integer NOT NULL CHECK (revision >= 1),
        -- [{ "date": "YYYY-MM-DD", "name": "春节" }, …] in day order
        holidays           jsonb NOT NULL CHECK (jsonb_typeof(holidays) = 'array'),
        makeup_days        date[] NOT NULL,
        source_title       text NOT NULL CHECK (char_length(source_title) BETWEEN 1 AND 200),
        source_number      text NOT NULL CHECK (char_length(source_number) BETWEEN 1 AND 100),
        entered_by         integer REFERENCES app_user (id),
        entered_by_username text,
        -- taken after the entry waited its turn: revisions and times agree
        entered_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (jurisdiction_id, year, revision)
      )`);
    await q.query(`
      CREATE TRIGGER working_calendar_year_cache_notice AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON working_calendar_year
      FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER working_calendar_year_cache_notice ON working_calendar_year`);
    await q.query(`DROP TABLE working_calendar_year`);
  }
}
