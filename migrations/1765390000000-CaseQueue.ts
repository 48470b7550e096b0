import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The code lengths of the levels: a node at each of them above (and at) the node a case awaits. */
const LEVEL_LENGTHS = 'ARRAY[2, 4, 6, 9, 12]';

/**
 * The queue rows of the open cases of a transition table (or the table): a case in review at each node
 * from the province down to its step's acting node, a returned case at each node from the province down
 * to its village (where it is resubmitted), keyed by its due date (none last) and id.
 */
const queueRows = (source: string) => `
  SELECT left(x.code, l.len) AS node_code, x.due, x.id AS case_id
  FROM (SELECT id, CASE WHEN state = 'IN_REVIEW' THEN acting_code ELSE village_code END AS code,
               coalesce(step_due, '9999-12-31'::date) AS due
        FROM ${source} WHERE state IN ('IN_REVIEW', 'RETURNED')) x
  JOIN unnest(${LEVEL_LENGTHS}) AS l (len) ON l.len <= char_length(x.code)`;

const insertRows = (rows: string) => `INSERT INTO case_queue (node_code, due, case_id) ${rows} ORDER BY 1, 2, 3`;
const deleteRows = (rows: string) => `
  DELETE FROM case_queue q USING (${rows}) o
  WHERE q.node_code = o.node_code AND q.due = o.due AND q.case_id = o.case_id`;

/**
 * Each caller's queue as a stored order. `case_queue` holds, for every node, the open cases that await
 * someone at or below it, by due date and id: a case in review at every ancestor of its step's acting
 * node (and that node), a returned case at every ancestor of its village (and the village). The cases
 * awaiting a caller are then among their home node's rows, in the order the queue shows them, and its
 * first page is the first matching rows of one index range instead of a sort of every open case of the
 * subtree (docs/adr/0008). Statement triggers on application_case keep it whoever writes, as they keep
 * case_figure: a change moves only the rows whose node or due date changed.
 */
export class CaseQueue1765390000000 implements MigrationInterface {
  name = 'CaseQueue1765390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_queue (
        node_code varchar(12) COLLATE "C" NOT NULL,
        due       date NOT NULL,
        case_id   integer NOT NULL,
        PRIMARY KEY (node_code, due, case_id)
      )`);
    await q.query(`
      CREATE FUNCTION case_queue_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${insertRows(queueRows('new_cases'))}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION case_queue_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${deleteRows(`${queueRows('old_cases')} EXCEPT ${queueRows('new_cases')}`)};
        ${insertRows(`${queueRows('new_cases')} EXCEPT ${queueRows('old_cases')}`)};
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION case_queue_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${deleteRows(queueRows('old_cases'))}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION case_queue_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN DELETE FROM case_queue; RETURN NULL; END $$`);
    for (const [op, event] of [
      ['insert', 'AFTER INSERT ON application_case REFERENCING NEW TABLE AS new_cases'],
      ['update', 'AFTER UPDATE ON application_case REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases'],
      ['delete', 'AFTER DELETE ON application_case REFERENCING OLD TABLE AS old_cases'],
      ['truncate', 'AFTER TRUNCATE ON application_case'],
    ]) {
      await q.query(`CREATE TRIGGER case_queue_${op} ${event} FOR EACH STATEMENT EXECUTE FUNCTION case_queue_${op}()`);
    }
    // The cases already filed.
    await q.query(insertRows(queueRows('application_case')));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER case_queue_${op} ON application_case`);
      await q.query(`DROP FUNCTION case_queue_${op}()`);
    }
    await q.query(`DROP TABLE case_queue`);
  }
}
