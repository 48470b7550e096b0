import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tier's or floor's amount is not always monthly: a facility construction subsidy is paid once, an
 * operating subsidy per diner and month. The column says what it holds, and the scheme's kind says the unit.
 */
export class SubsidyAmounts1764288000000 implements MigrationInterface {
  name = 'SubsidyAmounts1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subsidy_tier RENAME COLUMN monthly_amount_fen TO amount_fen`);
    await q.query(`ALTER TABLE subsidy_floor RENAME COLUMN monthly_amount_fen TO amount_fen`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subsidy_floor RENAME COLUMN amount_fen TO monthly_amount_fen`);
    await q.query(`ALTER TABLE subsidy_tier RENAME COLUMN amount_fen TO monthly_amount_fen`);
  }
}
