import type { MigrationInterface, QueryRunner } from 'typeorm';

const CAUSES = `
          WHEN 'CREDIT' THEN person_id IS NOT NULL AND scheme_id IS NOT NULL AND run_id IS NOT NULL AND order_id IS NULL
          WHEN 'CHARGE' THEN person_id IS NOT NULL AND order_id IS NOT NULL AND organisation_id IS NOT NULL AND reverses_id IS NULL
          WHEN 'REVERSAL' THEN person_id IS NOT NULL AND order_id IS NOT NULL AND organisation_id IS NOT NULL AND reverses_id IS NOT NULL
          WHEN 'ADJUSTMENT' THEN person_id IS NOT NULL AND made_by IS NOT NULL AND approved_by IS NOT NULL AND approved_by <> made_by AND char_length(reason) BETWEEN 1 AND 500
          WHEN 'SETTLEMENT' THEN person_id IS NULL AND statement_id IS NOT NULL AND organisation_id IS NOT NULL AND order_id IS NULL`;

/**
 * Facility subsidies paid through the ledger (seed 000: 一次性补助, 运营补助 50元/人/月): a facility's year is
 * proposed for payment by the civil-affairs office at what the rules make it due less what was paid
 * before, funder by funder, and approved by finance, never by its proposer. An approved payment posts
 * each funder's share from its budget (FUNDER) to what it owes the operator (PAYABLE).
 */
export class FacilitySubsidyPayments1765540000000 implements MigrationInterface {
  name = 'FacilitySubsidyPayments1765540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_posting ADD COLUMN facility_id integer`);
    await q.query(`ALTER TABLE ledger_posting DROP CONSTRAINT ledger_posting_cause`);
    await q.query(`
      ALTER TABLE ledger_posting ADD CONSTRAINT ledger_posting_cause CHECK (CASE cause ${CAUSES}
          WHEN 'FACILITY_SUBSIDY' THEN person_id IS NULL AND facility_id IS NOT NULL AND made_by IS NOT NULL AND approved_by IS NOT NULL AND approved_by <> made_by
          ELSE person_id IS NOT NULL END)`);
    await q.query(`
      CREATE TABLE facility_subsidy_payment (
        id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        facility_id   integer NOT NULL REFERENCES facility (id),
        year          smallint NOT NULL,
        amount_fen    bigint NOT NULL,
        state         adjustment_state NOT NULL DEFAULT 'PROPOSED',
        proposed_by   integer NOT NULL REFERENCES app_user (id),
        proposed_at   timestamptz NOT NULL DEFAULT now(),
        decided_by    integer REFERENCES app_user (id),
        decided_at    timestamptz,
        decision_note text,
        posting_id    bigint REFERENCES ledger_posting (id),
        CONSTRAINT facility_subsidy_payment_year CHECK (year BETWEEN 2000 AND 2100),
        CONSTRAINT facility_subsidy_payment_decided CHECK ((state = 'PROPOSED') = (decided_by IS NULL) AND (decided_by IS NULL) = (decided_at IS NULL)
          AND (state = 'APPROVED') = (posting_id IS NOT NULL) AND char_length(decision_note) BETWEEN 1 AND 500),
        CONSTRAINT facility_subsidy_payment_two_people CHECK (decided_by <> proposed_by)
      )`);
    // One open proposal for a facility's year at a time.
    await q.query(`CREATE UNIQUE INDEX facility_subsidy_payment_open ON facility_subsidy_payment (facility_id, year) WHERE state = 'PROPOSED'`);
    await q.query(`
      CREATE TABLE facility_subsidy_payment_share (
        payment_id integer NOT NULL REFERENCES facility_subsidy_payment (id),
        funder_id  integer NOT NULL REFERENCES jurisdiction (id),
        amount_fen bigint NOT NULL,
        PRIMARY KEY (payment_id, funder_id),
        CONSTRAINT facility_subsidy_payment_share_amount CHECK (amount_fen <> 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE facility_subsidy_payment_share`);
    await q.query(`DROP TABLE facility_subsidy_payment`);
    await q.query(`ALTER TABLE ledger_posting DROP CONSTRAINT ledger_posting_cause`);
    await q.query(`ALTER TABLE ledger_posting ADD CONSTRAINT ledger_posting_cause CHECK (CASE cause ${CAUSES} ELSE person_id IS NOT NULL END)`);
    await q.query(`ALTER TABLE ledger_posting DROP COLUMN facility_id`);
  }
}
