import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monitoring of cases. The figures of a node (open, waiting, in review, returned, overdue) are counted
 * on read from the open cases filed at its villages: an index over them holds everything the count
 * reads (village code, state, the day the step began, its due date), so the count never visits the
 * table. "Overdue" depends on today, which a stored count would have to be keyed by; counting on read
 * from this index keeps a county's towns at about 2 ms against 200,000 cases (docs/adr/0007).
 *
 * A supervision item (督办) may follow up the step of a case: the case and its version when the item was
 * issued (the version changes with every move of the case, so it names one step as reached), at most
 * one item per case and version.
 */
export class CaseMonitoring1765360000000 implements MigrationInterface {
  name = 'CaseMonitoring1765360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX application_case_open_village ON application_case (village_code, state, step_began, step_due)
      WHERE state IN ('IN_REVIEW', 'RETURNED')`);
    await q.query(`ALTER TABLE supervision_item ADD COLUMN case_id integer REFERENCES application_case (id), ADD COLUMN case_version integer`);
    await q.query(`ALTER TABLE supervision_item ADD CONSTRAINT supervision_item_case CHECK ((case_id IS NULL) = (case_version IS NULL))`);
    await q.query(`CREATE UNIQUE INDEX supervision_item_case_step ON supervision_item (case_id, case_version) WHERE case_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX supervision_item_case_step`);
    await q.query(`ALTER TABLE supervision_item DROP CONSTRAINT supervision_item_case`);
    await q.query(`ALTER TABLE supervision_item DROP COLUMN case_version, DROP COLUMN case_id`);
    await q.query(`DROP INDEX application_case_open_village`);
  }
}
