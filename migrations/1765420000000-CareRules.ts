import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Care rules (服务频次 and the oversight figures) set by a jurisdiction for its subtree, one row per
 * version: effective from a day, ended (inclusive) by the day before the next version. The rule set
 * is one JSON object checked by the service (src/care/care-rules.rules.ts); versions of one node never
 * share a day.
 */
export class CareRules1765420000000 implements MigrationInterface {
  name = 'CareRules1765420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE care_rules (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        name            text NOT NULL,
        source          text NOT NULL,
        template        text,
        effective_from  date NOT NULL,
        effective_to    date,
        rules           jsonb NOT NULL,
        created_by      integer REFERENCES app_user (id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT care_rules_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT care_rules_source_length CHECK (char_length(source) BETWEEN 1 AND 2000),
        CONSTRAINT care_rules_days CHECK (effective_to IS NULL OR effective_to >= effective_from),
        CONSTRAINT care_rules_set CHECK (jsonb_typeof(rules) = 'object' AND jsonb_typeof(rules -> 'visitRules') = 'array'),
        CONSTRAINT care_rules_no_overlap EXCLUDE USING gist (
          jurisdiction_id WITH =, daterange(effective_from, coalesce(effective_to, 'infinity'), '[]') WITH &&)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE care_rules`);
  }
}
