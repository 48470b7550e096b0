import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a province's monthly credit (a million postings and three million lines in one statement) should
 * not pay for: a reversal's reference checked by a foreign-key trigger on every credit (a reversal is made
 * only from its charge, by the order's trigger), an index entry for every posting that reverses nothing,
 * the balance guard's function called for every balance the lines' trigger moves, and a full page for
 * every balance updated (room left on the account's pages lets PostgreSQL update a balance in place).
 * And a sign-out should find the person's and the provider's accounts by their indexes: `IS NOT DISTINCT
 * FROM` matched no partial index, so every charge read every account.
 */
export class LedgerAtScale1765550000000 implements MigrationInterface {
  name = 'LedgerAtScale1765550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_posting DROP CONSTRAINT ledger_posting_reverses_id_fkey`);
    await q.query(`ALTER TABLE ledger_posting DROP CONSTRAINT ledger_posting_reversed_once`);
    await q.query(`CREATE UNIQUE INDEX ledger_posting_reversed_once ON ledger_posting (reverses_id) WHERE reverses_id IS NOT NULL`);
    await q.query(`ALTER TABLE ledger_account SET (fillfactor = 70)`);
    // The guard's function runs only for a change it could refuse: anything but a balance moved from
    // inside the lines' trigger (a balance set by hand is at depth 0 and still refused).
    await q.query(`DROP TRIGGER ledger_account_guard ON ledger_account`);
    await q.query(`
      CREATE TRIGGER ledger_account_guard BEFORE UPDATE ON ledger_account FOR EACH ROW
        WHEN (pg_trigger_depth() = 0 OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.person_id IS DISTINCT FROM OLD.person_id
              OR NEW.scheme_kind IS DISTINCT FROM OLD.scheme_kind OR NEW.jurisdiction_id IS DISTINCT FROM OLD.jurisdiction_id
              OR NEW.organisation_id IS DISTINCT FROM OLD.organisation_id)
        EXECUTE FUNCTION ledger_account_guard()`);
    await q.query(`CREATE TRIGGER ledger_account_kept BEFORE DELETE ON ledger_account FOR EACH ROW EXECUTE FUNCTION ledger_account_guard()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ledger_account_of(a_kind ledger_account_kind, a_person integer, a_scheme_kind scheme_kind, a_organisation integer)
      RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE found_id integer;
      BEGIN
        FOR attempt IN 1..2 LOOP
          IF a_kind = 'PERSONAL' THEN
            SELECT id INTO found_id FROM ledger_account WHERE kind = 'PERSONAL' AND person_id = a_person;
          ELSIF a_kind = 'PROVIDER' THEN
            SELECT id INTO found_id FROM ledger_account WHERE kind = 'PROVIDER' AND organisation_id = a_organisation;
          ELSIF a_kind = 'SUBSIDY' THEN
            SELECT id INTO found_id FROM ledger_account WHERE kind = 'SUBSIDY' AND person_id = a_person AND scheme_kind = a_scheme_kind;
          ELSE
            RAISE EXCEPTION 'ledger_account_of makes no % account', a_kind;
          END IF;
          EXIT WHEN found_id IS NOT NULL OR attempt = 2;
          INSERT INTO ledger_account (kind, person_id, scheme_kind, organisation_id) VALUES (a_kind, a_person, a_scheme_kind, a_organisation)
            ON CONFLICT DO NOTHING RETURNING id INTO found_id;
          EXIT WHEN found_id IS NOT NULL;
        END LOOP;
        RETURN found_id;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // ledger_account_of keeps its indexed lookups: it answers as the first one did.
    await q.query(`DROP TRIGGER ledger_account_kept ON ledger_account`);
    await q.query(`DROP TRIGGER ledger_account_guard ON ledger_account`);
    await q.query(`CREATE TRIGGER ledger_account_guard BEFORE UPDATE OR DELETE ON ledger_account FOR EACH ROW EXECUTE FUNCTION ledger_account_guard()`);
    await q.query(`ALTER TABLE ledger_account RESET (fillfactor)`);
    await q.query(`DROP INDEX ledger_posting_reversed_once`);
    await q.query(`ALTER TABLE ledger_posting ADD CONSTRAINT ledger_posting_reversed_once UNIQUE (reverses_id)`);
    await q.query(`ALTER TABLE ledger_posting ADD CONSTRAINT ledger_posting_reverses_id_fkey FOREIGN KEY (reverses_id) REFERENCES ledger_posting (id)`);
  }
}
