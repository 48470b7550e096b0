import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The anomaly views of a county's year: verified orders by village and service day (without it the
 * schedules and the uncharged orders read every order of the county since it began, by planned day),
 * and an approved adjustment by its posting (without it, every adjustment of the nation).
 */
export class AnomalyIndexes1765520000000 implements MigrationInterface {
  name = 'AnomalyIndexes1765520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX work_order_verified_day ON work_order (village_code COLLATE "C", service_day) WHERE state = 'VERIFIED'`);
    await q.query(`CREATE INDEX ledger_adjustment_posting ON ledger_adjustment (posting_id) WHERE posting_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ledger_adjustment_posting`);
    await q.query(`DROP INDEX work_order_verified_day`);
  }
}
