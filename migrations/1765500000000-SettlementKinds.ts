import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's words for settlement, in a migration of their own: PostgreSQL uses a new enum value only
 * once the transaction that added it has committed. PAYABLE: what a funding level owes providers from
 * approved settlement statements; SETTLEMENT: the posting that moves a provider's voucher charges there.
 */
export class SettlementKinds1765500000000 implements MigrationInterface {
  name = 'SettlementKinds1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE ledger_account_kind ADD VALUE IF NOT EXISTS 'PAYABLE'`);
    await q.query(`ALTER TYPE ledger_cause ADD VALUE IF NOT EXISTS 'SETTLEMENT'`);
  }

  async down(): Promise<void> {
    // PostgreSQL cannot drop an enum value: PAYABLE and SETTLEMENT stay, unused once the settlement is gone.
  }
}
