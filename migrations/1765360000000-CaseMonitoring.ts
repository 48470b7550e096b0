import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The code lengths of the levels: a case counts at its village and at each ancestor (province, city, county, town). */
const LEVEL_LENGTHS = 'ARRAY[2, 4, 6, 9, 12]';

/** The open cases of a transition table (or the table), each counted `sign` times, by village, state, the day the step began and its due date. */
const openRows = (source: string, sign: number) =>
  `SELECT village_code, state, step_began, coalesce(step_due, 'infinity'::date) AS step_due, ${sign} AS d
   FROM ${source} WHERE state IN ('IN_REVIEW', 'RETURNED')`;

/**
 * Adds the differences of the rows (the new ones counted once, the old ones taken away) to every node
 * on their paths, in one statement, in key order: concurrent writers queue on a shared ancestor's
 * rows instead of deadlocking.
 */
const addAlongPaths = (parts: string[]) => `
  INSERT INTO case_figure AS f (node_code, level_length, state, step_began, step_due, cases)
  SELECT left(x.village_code, l.len), l.len, x.state, x.step_began, x.step_due, sum(x.d)
  FROM (${parts.join(' UNION ALL ')}) x CROSS JOIN unnest(${LEVEL_LENGTHS}) AS l (len)
  GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.d) <> 0
  ORDER BY 1, 3, 4, 5
  ON CONFLICT (node_code, state, step_began, step_due) DO UPDATE SET cases = f.cases + excluded.cases`;

/**
 * Monitoring of cases. Each node stores its open cases (in review or returned) by state, the day their
 * step began and its due date, counted at the village each case is filed at and at every ancestor:
 * "overdue" (due before today), "waiting" (begun after today) and "in review" are then sums over a
 * node's rows for any today, and a county's towns read in one index range (docs/adr/0007). Statement
 * triggers on application_case keep the rows, whoever writes a case (the API, an import, a script):
 * a node's figures never differ from a count of its cases. Rows that fall to 0 stay, as zeros.
 *
 * A supervision item (督办) may follow up the step of a case: the case and its version when the item was
 * issued (the version changes with every move of the case, so it names one step as reached), at most
 * one item per case and version.
 */
export class CaseMonitoring1765360000000 implements MigrationInterface {
  name = 'CaseMonitoring1765360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_figure (
        node_code    varchar(12) COLLATE "C" NOT NULL,
        level_length smallint NOT NULL,
        state        case_state NOT NULL,
        step_began   date NOT NULL,
        step_due     date NOT NULL,
        cases        integer NOT NULL,
        PRIMARY KEY (node_code, state, step_began, step_due),
        CONSTRAINT case_figure_level CHECK (level_length = char_length(node_code)),
        CONSTRAINT case_figure_open CHECK (state IN ('IN_REVIEW', 'RETURNED'))
      )`);
    // A node's children: one level, one code range.
    await q.query(`CREATE INDEX case_figure_children ON case_figure (level_length, node_code, state, step_began, step_due) INCLUDE (cases)`);
    await q.query(`
      CREATE FUNCTION case_figure_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addAlongPaths([openRows('new_cases', 1)])}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION case_figure_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addAlongPaths([openRows('new_cases', 1), openRows('old_cases', -1)])}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION case_figure_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addAlongPaths([openRows('old_cases', -1)])}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION case_figure_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN DELETE FROM case_figure; RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER case_figure_insert AFTER INSERT ON application_case REFERENCING NEW TABLE AS new_cases
      FOR EACH STATEMENT EXECUTE FUNCTION case_figure_insert()`);
    await q.query(`CREATE TRIGGER case_figure_update AFTER UPDATE ON application_case REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases
      FOR EACH STATEMENT EXECUTE FUNCTION case_figure_update()`);
    await q.query(`CREATE TRIGGER case_figure_delete AFTER DELETE ON application_case REFERENCING OLD TABLE AS old_cases
      FOR EACH STATEMENT EXECUTE FUNCTION case_figure_delete()`);
    await q.query(`CREATE TRIGGER case_figure_truncate AFTER TRUNCATE ON application_case FOR EACH STATEMENT EXECUTE FUNCTION case_figure_truncate()`);
    // The cases already filed.
    await q.query(addAlongPaths([openRows('application_case', 1)]));

    await q.query(`ALTER TABLE supervision_item ADD COLUMN case_id integer REFERENCES application_case (id), ADD COLUMN case_version integer`);
    await q.query(`ALTER TABLE supervision_item ADD CONSTRAINT supervision_item_case CHECK ((case_id IS NULL) = (case_version IS NULL))`);
    await q.query(`CREATE UNIQUE INDEX supervision_item_case_step ON supervision_item (case_id, case_version) WHERE case_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX supervision_item_case_step`);
    await q.query(`ALTER TABLE supervision_item DROP CONSTRAINT supervision_item_case`);
    await q.query(`ALTER TABLE supervision_item DROP COLUMN case_version, DROP COLUMN case_id`);
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER case_figure_${op} ON application_case`);
      await q.query(`DROP FUNCTION case_figure_${op}()`);
    }
    await q.query(`DROP TABLE case_figure`);
  }
}
