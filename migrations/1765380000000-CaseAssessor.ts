import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The assessor a case's assessment step is assigned to (江都: 「評估工作由區民政局委託第三方組織上門評估」):
 * a third-party assessor acts on the cases assigned to them only. The assignment belongs to the step:
 * a case leaving it (passed, returned, sent back by an objection) is assigned again if it comes back.
 */
export class CaseAssessor1765380000000 implements MigrationInterface {
  name = 'CaseAssessor1765380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE case_action ADD VALUE 'ASSIGN_ASSESSOR'`);
    await q.query(`ALTER TABLE application_case ADD COLUMN assessor_id integer REFERENCES app_user (id)`);
    await q.query(`
      ALTER TABLE application_case ADD CONSTRAINT application_case_assessor
      CHECK (assessor_id IS NULL OR step_capability = 'ASSESS_PEOPLE')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE application_case DROP CONSTRAINT application_case_assessor`);
    await q.query(`ALTER TABLE application_case DROP COLUMN assessor_id`);
    // An enum value cannot be dropped: ASSIGN_ASSESSOR stays in case_action.
  }
}
