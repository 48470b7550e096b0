import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's cause for a facility subsidy paid (建设补助, 运营补助, seed 000), in a migration of its own:
 * PostgreSQL uses a new enum value only once the transaction that added it has committed.
 */
export class FacilitySubsidyCause1765530000000 implements MigrationInterface {
  name = 'FacilitySubsidyCause1765530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE ledger_cause ADD VALUE IF NOT EXISTS 'FACILITY_SUBSIDY'`);
  }

  async down(): Promise<void> {
    // PostgreSQL cannot drop an enum value: FACILITY_SUBSIDY stays, unused once the payments are gone.
  }
}
