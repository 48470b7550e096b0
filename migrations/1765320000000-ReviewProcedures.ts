import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Review procedures (申请 → 初审 → 公示 → 复审 → 核准) set by a jurisdiction for its subtree, one row per
 * version: effective from a day, ended (inclusive) by the day before the next version or by an end.
 * Its steps are an ordered JSON list checked by the service. Intake windows (集中申报) are the days a
 * node takes applications in for its subtree; windows of one node never overlap.
 */
export class ReviewProcedures1765320000000 implements MigrationInterface {
  name = 'ReviewProcedures1765320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE review_procedure (
        id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id    integer NOT NULL REFERENCES jurisdiction (id),
        name               text NOT NULL,
        source             text NOT NULL,
        template           text,
        uses_intake_windows boolean NOT NULL,
        effective_from     date NOT NULL,
        effective_to       date,
        steps              jsonb NOT NULL,
        created_by         integer REFERENCES app_user (id),
        created_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT review_procedure_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT review_procedure_source_length CHECK (char_length(source) BETWEEN 1 AND 2000),
        CONSTRAINT review_procedure_days CHECK (effective_to IS NULL OR effective_to >= effective_from),
        CONSTRAINT review_procedure_steps CHECK (jsonb_typeof(steps) = 'array' AND jsonb_array_length(steps) >= 1),
        CONSTRAINT review_procedure_no_overlap EXCLUDE USING gist (
          jurisdiction_id WITH =, daterange(effective_from, coalesce(effective_to, 'infinity'), '[]') WITH &&)
      )`);
    await q.query(`
      CREATE TABLE intake_window (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        name            text NOT NULL,
        opens           date NOT NULL,
        closes          date NOT NULL,
        created_by      integer REFERENCES app_user (id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT intake_window_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT intake_window_days CHECK (closes >= opens),
        CONSTRAINT intake_window_no_overlap EXCLUDE USING gist (
          jurisdiction_id WITH =, daterange(opens, closes, '[]') WITH &&)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE intake_window`);
    await q.query(`DROP TABLE review_procedure`);
  }
}
