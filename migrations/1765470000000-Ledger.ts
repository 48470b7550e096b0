import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An order VERIFIED is charged at its contract's price for its service class (every item priced, or
 * nothing is charged): from the person's voucher accounts (the service subsidies' kinds, in their order) as
 * far as they hold, the rest as the person's own payment (餘額不足時,應由個人賬户承擔消費, seed 004 篇四). An order
 * leaving VERIFIED (a call-back voids it) has its charge reversed, in the month of the void. (The settlement
 * migration replaces it with one that keeps the level's rules; its down() brings this one back.)
 */
export const ORDER_VERDICT = `
      CREATE FUNCTION ledger_order_verdict() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        price bigint; priced integer; left_to_pay bigint; taken bigint; account record;
        accounts integer[] := '{}'; amounts bigint[] := '{}'; posting bigint; charge record;
      BEGIN
        IF NEW.state = 'VERIFIED' THEN
          SELECT sum(p.unit_price_fen), count(*) INTO price, priced FROM service_contract_price p
           WHERE p.contract_id = NEW.contract_id AND p.service_class = NEW.service_class AND p.item = ANY (NEW.items);
          IF coalesce(price, 0) = 0 OR priced < cardinality(NEW.items) THEN RETURN NULL; END IF;
          left_to_pay := price;
          FOR account IN SELECT id, balance_fen, frozen_after FROM ledger_account
                          WHERE kind = 'SUBSIDY' AND person_id = NEW.person_id ORDER BY scheme_kind FOR UPDATE LOOP
            CONTINUE WHEN account.frozen_after IS NOT NULL AND account.frozen_after < date_trunc('month', NEW.service_day);
            taken := least(left_to_pay, account.balance_fen);
            CONTINUE WHEN taken <= 0;
            accounts := accounts || account.id;
            amounts := amounts || -taken;
            left_to_pay := left_to_pay - taken;
          END LOOP;
          IF left_to_pay > 0 THEN
            accounts := accounts || ledger_account_of('PERSONAL', NEW.person_id, NULL, NULL);
            amounts := amounts || -left_to_pay;
          END IF;
          accounts := accounts || ledger_account_of('PROVIDER', NULL, NULL, NEW.organisation_id);
          amounts := amounts || price;
          INSERT INTO ledger_posting (cause, month, village_code, person_id, order_id, organisation_id)
            VALUES ('CHARGE', date_trunc('month', NEW.service_day)::date, NEW.village_code, NEW.person_id, NEW.id, NEW.organisation_id)
            RETURNING id INTO posting;
          INSERT INTO ledger_line (posting_id, account_id, amount_fen) SELECT posting, a, f FROM unnest(accounts, amounts) AS u (a, f);
        ELSE
          SELECT id, village_code, person_id, organisation_id INTO charge FROM ledger_posting WHERE order_id = NEW.id AND cause = 'CHARGE';
          IF charge.id IS NULL THEN RETURN NULL; END IF;
          PERFORM 1 FROM ledger_account a JOIN ledger_line l ON l.account_id = a.id AND l.posting_id = charge.id
            WHERE a.kind = 'SUBSIDY' ORDER BY a.scheme_kind FOR UPDATE OF a;
          INSERT INTO ledger_posting (cause, month, village_code, person_id, order_id, organisation_id, reverses_id)
            VALUES ('REVERSAL', date_trunc('month', (now() AT TIME ZONE 'Asia/Shanghai'))::date, charge.village_code, charge.person_id, NEW.id, charge.organisation_id, charge.id)
            RETURNING id INTO posting;
          INSERT INTO ledger_line (posting_id, account_id, amount_fen) SELECT posting, account_id, -amount_fen FROM ledger_line WHERE posting_id = charge.id;
        END IF;
        RETURN NULL;
      END $$`;

/**
 * The voucher ledger (电子代金券): accounts, and postings of two or more lines that sum to zero, in fen.
 * The database keeps the ledger's promises itself: a posting whose lines do not balance is refused,
 * postings are never updated or deleted (a correction is a new posting), a person's balances follow
 * their postings and a subsidy account never goes below zero. An order's charge follows its verdict
 * here too, so that every path to VERIFIED or away from it (sign-out, offline batch, call-back) charges
 * once and reverses once.
 */
export class Ledger1765470000000 implements MigrationInterface {
  name = 'Ledger1765470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE ledger_account_kind AS ENUM ('SUBSIDY', 'PERSONAL', 'FUNDER', 'PROVIDER')`);
    await q.query(`CREATE TYPE ledger_cause AS ENUM ('CREDIT', 'CHARGE', 'REVERSAL', 'FREEZE_RETURN', 'ADJUSTMENT')`);
    // SUBSIDY: a person's voucher account of a scheme kind (补贴账户); PERSONAL: what the person paid
    // themselves (个人账户, outside the ledger: its balance is minus what they paid); FUNDER: a level that
    // pays; PROVIDER: what a provider is owed for the orders it served.
    await q.query(`
      CREATE TABLE ledger_account (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind            ledger_account_kind NOT NULL,
        person_id       integer REFERENCES person (id),
        scheme_kind     scheme_kind,
        jurisdiction_id integer REFERENCES jurisdiction (id),
        organisation_id integer REFERENCES organisation (id),
        balance_fen     bigint NOT NULL DEFAULT 0,
        frozen_after    date,
        frozen_on       date,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_account_owner CHECK (CASE kind
          WHEN 'SUBSIDY' THEN person_id IS NOT NULL AND scheme_kind IS NOT NULL AND jurisdiction_id IS NULL AND organisation_id IS NULL
          WHEN 'PERSONAL' THEN person_id IS NOT NULL AND scheme_kind IS NULL AND jurisdiction_id IS NULL AND organisation_id IS NULL
          WHEN 'FUNDER' THEN jurisdiction_id IS NOT NULL AND person_id IS NULL AND scheme_kind IS NULL AND organisation_id IS NULL
          ELSE organisation_id IS NOT NULL AND person_id IS NULL AND scheme_kind IS NULL AND jurisdiction_id IS NULL END),
        CONSTRAINT ledger_account_subsidy_not_negative CHECK (kind <> 'SUBSIDY' OR balance_fen >= 0),
        CONSTRAINT ledger_account_frozen CHECK ((frozen_after IS NULL) = (frozen_on IS NULL) AND (kind = 'SUBSIDY' OR frozen_after IS NULL)
          AND (frozen_after IS NULL OR extract(day FROM frozen_after) = 1))
      )`);
    await q.query(`CREATE UNIQUE INDEX ledger_account_subsidy ON ledger_account (person_id, scheme_kind) WHERE kind = 'SUBSIDY'`);
    await q.query(`CREATE UNIQUE INDEX ledger_account_personal ON ledger_account (person_id) WHERE kind = 'PERSONAL'`);
    await q.query(`CREATE UNIQUE INDEX ledger_account_funder ON ledger_account (jurisdiction_id) WHERE kind = 'FUNDER'`);
    await q.query(`CREATE UNIQUE INDEX ledger_account_provider ON ledger_account (organisation_id) WHERE kind = 'PROVIDER'`);

    await q.query(`
      CREATE TABLE ledger_credit_run (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        month           date NOT NULL,
        started_by      integer REFERENCES app_user (id),
        started_at      timestamptz NOT NULL DEFAULT now(),
        postings        integer NOT NULL DEFAULT 0,
        credited_fen    bigint NOT NULL DEFAULT 0,
        withheld        integer NOT NULL DEFAULT 0,
        CONSTRAINT ledger_credit_run_month CHECK (extract(day FROM month) = 1)
      )`);

    // A posting names its cause: the month's credit of a person and scheme (with its run), an order's charge
    // or its reversal, a freeze's return, an adjustment with its maker, approver and reason. village_code
    // is the person's village when posted: the figures roll up by its prefix.
    await q.query(`
      CREATE TABLE ledger_posting (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        cause           ledger_cause NOT NULL,
        month           date NOT NULL,
        village_code    varchar(12) COLLATE "C" NOT NULL,
        person_id       integer NOT NULL,
        scheme_id       integer,
        run_id          integer,
        order_id        integer,
        organisation_id integer,
        reverses_id     bigint REFERENCES ledger_posting (id),
        made_by         integer,
        approved_by     integer,
        reason          text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_posting_month CHECK (extract(day FROM month) = 1),
        CONSTRAINT ledger_posting_reversed_once UNIQUE (reverses_id),
        CONSTRAINT ledger_posting_cause CHECK (CASE cause
          WHEN 'CREDIT' THEN scheme_id IS NOT NULL AND run_id IS NOT NULL AND order_id IS NULL
          WHEN 'CHARGE' THEN order_id IS NOT NULL AND organisation_id IS NOT NULL AND reverses_id IS NULL
          WHEN 'REVERSAL' THEN order_id IS NOT NULL AND organisation_id IS NOT NULL AND reverses_id IS NOT NULL
          WHEN 'ADJUSTMENT' THEN made_by IS NOT NULL AND approved_by IS NOT NULL AND approved_by <> made_by AND char_length(reason) BETWEEN 1 AND 500
          ELSE true END)
      )`);
    await q.query(`CREATE INDEX ledger_posting_credit ON ledger_posting (person_id, scheme_id, month) WHERE cause = 'CREDIT'`);
    await q.query(`CREATE UNIQUE INDEX ledger_posting_charge ON ledger_posting (order_id) WHERE cause = 'CHARGE'`);
    await q.query(`CREATE INDEX ledger_posting_village ON ledger_posting (village_code COLLATE "C", month)`);

    // A manual adjustment: proposed by one person, approved (posted) or rejected by another (maker-checker).
    await q.query(`CREATE TYPE adjustment_state AS ENUM ('PROPOSED', 'APPROVED', 'REJECTED')`);
    await q.query(`
      CREATE TABLE ledger_adjustment (
        id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_id     integer NOT NULL REFERENCES person (id),
        scheme_kind   scheme_kind NOT NULL,
        funder_id     integer NOT NULL REFERENCES jurisdiction (id),
        amount_fen    bigint NOT NULL,
        reason        text NOT NULL,
        proposed_by   integer NOT NULL REFERENCES app_user (id),
        proposed_at   timestamptz NOT NULL DEFAULT now(),
        state         adjustment_state NOT NULL DEFAULT 'PROPOSED',
        decided_by    integer REFERENCES app_user (id),
        decided_at    timestamptz,
        decision_note text,
        posting_id    bigint REFERENCES ledger_posting (id),
        CONSTRAINT ledger_adjustment_amount CHECK (amount_fen <> 0 AND abs(amount_fen) <= 100000000),
        CONSTRAINT ledger_adjustment_reason CHECK (char_length(reason) BETWEEN 1 AND 500 AND char_length(decision_note) BETWEEN 1 AND 500),
        CONSTRAINT ledger_adjustment_decided CHECK ((state = 'PROPOSED') = (decided_by IS NULL) AND (decided_by IS NULL) = (decided_at IS NULL)
          AND (state = 'APPROVED') = (posting_id IS NOT NULL)),
        CONSTRAINT ledger_adjustment_two_people CHECK (decided_by <> proposed_by)
      )`);
    await q.query(`CREATE INDEX ledger_adjustment_person ON ledger_adjustment (person_id, id)`);

    // Lines are written only by the ledger's own statements, from accounts and postings they have just
    // read or made: no foreign keys to check millions of times in a month's credit.
    await q.query(`
      CREATE TABLE ledger_line (
        posting_id bigint NOT NULL,
        account_id integer NOT NULL,
        amount_fen bigint NOT NULL,
        PRIMARY KEY (posting_id, account_id),
        CONSTRAINT ledger_line_amount CHECK (amount_fen <> 0)
      )`);
    await q.query(`CREATE INDEX ledger_line_account ON ledger_line (account_id, posting_id)`);

    // What the postings of a month did in a village, for one provider (organisation_id, 0 for none):
    // credits with each funding level's share, charges to vouchers and to the person, returns and
    // adjustments. Ancestors' figures are sums over their villages' rows (by code prefix).
    await q.query(`
      CREATE TABLE ledger_figure (
        month               date NOT NULL,
        village_code        varchar(12) COLLATE "C" NOT NULL,
        organisation_id     integer NOT NULL,
        credited_fen        bigint NOT NULL DEFAULT 0,
        province_fen        bigint NOT NULL DEFAULT 0,
        city_fen            bigint NOT NULL DEFAULT 0,
        county_fen          bigint NOT NULL DEFAULT 0,
        town_fen            bigint NOT NULL DEFAULT 0,
        village_fen         bigint NOT NULL DEFAULT 0,
        voucher_charged_fen bigint NOT NULL DEFAULT 0,
        own_paid_fen        bigint NOT NULL DEFAULT 0,
        returned_fen        bigint NOT NULL DEFAULT 0,
        adjusted_fen        bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (village_code, month, organisation_id)
      )`);
    await q.query(`CREATE INDEX ledger_figure_organisation ON ledger_figure (organisation_id, month) WHERE organisation_id <> 0`);

    await q.query(`
      CREATE FUNCTION ledger_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger postings are kept: a correction is a new posting' USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_kept';
      END $$`);
    for (const table of ['ledger_posting', 'ledger_line']) {
      await q.query(`CREATE TRIGGER ${table}_kept BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_kept()`);
    }
    // A balance moves only with postings (from the lines' trigger, one level down); an account keeps its owner.
    await q.query(`
      CREATE FUNCTION ledger_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR NEW.kind <> OLD.kind OR NEW.person_id IS DISTINCT FROM OLD.person_id OR NEW.scheme_kind IS DISTINCT FROM OLD.scheme_kind
          OR NEW.jurisdiction_id IS DISTINCT FROM OLD.jurisdiction_id OR NEW.organisation_id IS DISTINCT FROM OLD.organisation_id
          OR (NEW.balance_fen <> OLD.balance_fen AND pg_trigger_depth() < 2) THEN
          RAISE EXCEPTION 'an account''s balance follows its postings' USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_account_guard';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER ledger_account_guard BEFORE UPDATE OR DELETE ON ledger_account FOR EACH ROW EXECUTE FUNCTION ledger_account_guard()`);

    await q.query(`
      CREATE FUNCTION ledger_lines_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM new_lines GROUP BY posting_id HAVING sum(amount_fen) <> 0 OR count(*) < 2) THEN
          RAISE EXCEPTION 'a posting''s lines must sum to zero' USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_posting_balanced';
        END IF;
        UPDATE ledger_account a SET balance_fen = a.balance_fen + d.fen
          FROM (SELECT account_id, sum(amount_fen) AS fen FROM new_lines GROUP BY account_id) d
         WHERE a.id = d.account_id AND a.kind IN ('SUBSIDY', 'PERSONAL');
        INSERT INTO ledger_figure AS f (month, village_code, organisation_id, credited_fen, province_fen, city_fen, county_fen, town_fen, village_fen,
            voucher_charged_fen, own_paid_fen, returned_fen, adjusted_fen)
        SELECT p.month, p.village_code, coalesce(p.organisation_id, 0),
               coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'SUBSIDY' AND p.cause = 'CREDIT'), 0),
               -coalesce(sum(l.amount_fen) FILTER (WHERE j.level = 'PROVINCE' AND p.cause = 'CREDIT'), 0),
               -coalesce(sum(l.amount_fen) FILTER (WHERE j.level = 'CITY' AND p.cause = 'CREDIT'), 0),
               -coalesce(sum(l.amount_fen) FILTER (WHERE j.level = 'COUNTY' AND p.cause = 'CREDIT'), 0),
               -coalesce(sum(l.amount_fen) FILTER (WHERE j.level = 'TOWN' AND p.cause = 'CREDIT'), 0),
               -coalesce(sum(l.amount_fen) FILTER (WHERE j.level = 'VILLAGE' AND p.cause = 'CREDIT'), 0),
               -coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'SUBSIDY' AND p.cause IN ('CHARGE', 'REVERSAL')), 0),
               -coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'PERSONAL' AND p.cause IN ('CHARGE', 'REVERSAL')), 0),
               -coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'SUBSIDY' AND p.cause = 'FREEZE_RETURN'), 0),
               coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'SUBSIDY' AND p.cause = 'ADJUSTMENT'), 0)
          FROM new_lines l
          JOIN ledger_posting p ON p.id = l.posting_id
          JOIN ledger_account a ON a.id = l.account_id
          LEFT JOIN jurisdiction j ON j.id = a.jurisdiction_id
         GROUP BY 1, 2, 3
        ON CONFLICT (village_code, month, organisation_id) DO UPDATE SET
          credited_fen = f.credited_fen + EXCLUDED.credited_fen, province_fen = f.province_fen + EXCLUDED.province_fen,
          city_fen = f.city_fen + EXCLUDED.city_fen, county_fen = f.county_fen + EXCLUDED.county_fen, town_fen = f.town_fen + EXCLUDED.town_fen,
          village_fen = f.village_fen + EXCLUDED.village_fen, voucher_charged_fen = f.voucher_charged_fen + EXCLUDED.voucher_charged_fen,
          own_paid_fen = f.own_paid_fen + EXCLUDED.own_paid_fen, returned_fen = f.returned_fen + EXCLUDED.returned_fen,
          adjusted_fen = f.adjusted_fen + EXCLUDED.adjusted_fen;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER ledger_lines_added AFTER INSERT ON ledger_line REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_lines_added()`);

    // The account of a person, funder or provider, made the first time it is needed.
    await q.query(`
      CREATE FUNCTION ledger_account_of(a_kind ledger_account_kind, a_person integer, a_scheme_kind scheme_kind, a_organisation integer)
      RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE found_id integer;
      BEGIN
        SELECT id INTO found_id FROM ledger_account WHERE kind = a_kind
          AND person_id IS NOT DISTINCT FROM a_person AND scheme_kind IS NOT DISTINCT FROM a_scheme_kind AND organisation_id IS NOT DISTINCT FROM a_organisation;
        IF found_id IS NULL THEN
          INSERT INTO ledger_account (kind, person_id, scheme_kind, organisation_id) VALUES (a_kind, a_person, a_scheme_kind, a_organisation)
            ON CONFLICT DO NOTHING RETURNING id INTO found_id;
          IF found_id IS NULL THEN
            SELECT id INTO found_id FROM ledger_account WHERE kind = a_kind
              AND person_id IS NOT DISTINCT FROM a_person AND scheme_kind IS NOT DISTINCT FROM a_scheme_kind AND organisation_id IS NOT DISTINCT FROM a_organisation;
          END IF;
        END IF;
        RETURN found_id;
      END $$`);

    // The charge and its reversal follow the order's verdict (ORDER_VERDICT above).
    await q.query(ORDER_VERDICT);
    await q.query(`
      CREATE TRIGGER work_order_ledger AFTER UPDATE OF state ON work_order FOR EACH ROW
        WHEN ((NEW.state = 'VERIFIED') <> (OLD.state = 'VERIFIED')) EXECUTE FUNCTION ledger_order_verdict()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER work_order_ledger ON work_order`);
    await q.query(`DROP FUNCTION ledger_order_verdict()`);
    await q.query(`DROP FUNCTION ledger_account_of(ledger_account_kind, integer, scheme_kind, integer)`);
    await q.query(`DROP TABLE ledger_figure`);
    await q.query(`DROP TABLE ledger_adjustment`);
    await q.query(`DROP TYPE adjustment_state`);
    await q.query(`DROP TABLE ledger_line`);
    await q.query(`DROP TABLE ledger_posting`);
    await q.query(`DROP TABLE ledger_credit_run`);
    await q.query(`DROP TABLE ledger_account`);
    await q.query(`DROP FUNCTION ledger_lines_added()`);
    await q.query(`DROP FUNCTION ledger_account_guard()`);
    await q.query(`DROP FUNCTION ledger_kept()`);
    await q.query(`DROP TYPE ledger_cause`);
    await q.query(`DROP TYPE ledger_account_kind`);
  }
}
