import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ORDER_VERDICT } from './1765470000000-Ledger';

const FIGURE_COLUMNS = `credited_fen, province_fen, city_fen, county_fen, town_fen, village_fen, voucher_charged_fen, own_paid_fen, returned_fen, adjusted_fen`;

/** The lines' trigger: balances and village figures follow every statement of lines (with `settled` when asked). */
function linesAdded(settled: boolean): string {
  return `
      CREATE OR REPLACE FUNCTION ledger_lines_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM new_lines GROUP BY posting_id HAVING sum(amount_fen) <> 0 OR count(*) < 2) THEN
          RAISE EXCEPTION 'a posting''s lines must sum to zero' USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_posting_balanced';
        END IF;
        UPDATE ledger_account a SET balance_fen = a.balance_fen + d.fen
          FROM (SELECT account_id, sum(amount_fen) AS fen FROM new_lines GROUP BY account_id) d
         WHERE a.id = d.account_id AND a.kind IN ('SUBSIDY', 'PERSONAL');
        INSERT INTO ledger_figure AS f (month, village_code, organisation_id, ${FIGURE_COLUMNS}${settled ? ', settled_fen' : ''})
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
               ${settled ? `, -coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'PROVIDER' AND p.cause = 'SETTLEMENT'), 0)` : ''}
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
          adjusted_fen = f.adjusted_fen + EXCLUDED.adjusted_fen${settled ? ', settled_fen = f.settled_fen + EXCLUDED.settled_fen' : ''};
        RETURN NULL;
      END $$`;
}

/**
 * Monthly settlement (服務結算每月一次, seed 004 篇四) and the rules a level sets on its vouchers.
 *
 * - A settlement statement is a contract's month: the charges and reversals of the provider's orders under
 *   the contract not settled before, town checks, a county review and finance's approval. Approved, it is
 *   kept as it is and its voucher total moves from the provider's account to the funders' payables, split
 *   by the schemes' cost shares, in one posting per village.
 * - Ledger rules (per level, from a month): the person's least share of a meal's price, whether vouchers
 *   pay at most the year's amount, and whether a frozen balance goes back to its funders.
 * - The charge now keeps both rules: a meal's own share is paid by the person, and the vouchers pay no more
 *   in a year than the year credited them.
 */
export class Settlement1765510000000 implements MigrationInterface {
  name = 'Settlement1765510000000';

  async up(q: QueryRunner): Promise<void> {
    // PAYABLE accounts belong to a funding level, as FUNDER accounts do.
    await q.query(`ALTER TABLE ledger_account DROP CONSTRAINT ledger_account_owner`);
    await q.query(`
      ALTER TABLE ledger_account ADD CONSTRAINT ledger_account_owner CHECK (CASE kind
          WHEN 'SUBSIDY' THEN person_id IS NOT NULL AND scheme_kind IS NOT NULL AND jurisdiction_id IS NULL AND organisation_id IS NULL
          WHEN 'PERSONAL' THEN person_id IS NOT NULL AND scheme_kind IS NULL AND jurisdiction_id IS NULL AND organisation_id IS NULL
          WHEN 'FUNDER' THEN jurisdiction_id IS NOT NULL AND person_id IS NULL AND scheme_kind IS NULL AND organisation_id IS NULL
          WHEN 'PAYABLE' THEN jurisdiction_id IS NOT NULL AND person_id IS NULL AND scheme_kind IS NULL AND organisation_id IS NULL
          ELSE organisation_id IS NOT NULL AND person_id IS NULL AND scheme_kind IS NULL AND jurisdiction_id IS NULL END)`);
    await q.query(`CREATE UNIQUE INDEX ledger_account_payable ON ledger_account (jurisdiction_id) WHERE kind = 'PAYABLE'`);
    await q.query(`CREATE INDEX ledger_account_frozen ON ledger_account (frozen_after) WHERE frozen_after IS NOT NULL`);

    // A settlement posting is a statement's, per village: it names no person.
    await q.query(`ALTER TABLE ledger_posting ALTER COLUMN person_id DROP NOT NULL, ADD COLUMN statement_id integer`);
    await q.query(`ALTER TABLE ledger_posting DROP CONSTRAINT ledger_posting_cause`);
    await q.query(`
      ALTER TABLE ledger_posting ADD CONSTRAINT ledger_posting_cause CHECK (CASE cause
          WHEN 'CREDIT' THEN person_id IS NOT NULL AND scheme_id IS NOT NULL AND run_id IS NOT NULL AND order_id IS NULL
          WHEN 'CHARGE' THEN person_id IS NOT NULL AND order_id IS NOT NULL AND organisation_id IS NOT NULL AND reverses_id IS NULL
          WHEN 'REVERSAL' THEN person_id IS NOT NULL AND order_id IS NOT NULL AND organisation_id IS NOT NULL AND reverses_id IS NOT NULL
          WHEN 'ADJUSTMENT' THEN person_id IS NOT NULL AND made_by IS NOT NULL AND approved_by IS NOT NULL AND approved_by <> made_by AND char_length(reason) BETWEEN 1 AND 500
          WHEN 'SETTLEMENT' THEN person_id IS NULL AND statement_id IS NOT NULL AND organisation_id IS NOT NULL AND order_id IS NULL
          ELSE person_id IS NOT NULL END)`);
    // The charges and reversals no approved statement has settled yet, by contract and month: what the
    // next statement gathers, however late an order was signed out. Approval takes its rows away.
    await q.query(`
      CREATE TABLE ledger_unsettled (
        posting_id  bigint PRIMARY KEY,
        contract_id integer NOT NULL,
        month       date NOT NULL
      )`);
    await q.query(`CREATE INDEX ledger_unsettled_contract ON ledger_unsettled (contract_id, month)`);
    await q.query(`
      INSERT INTO ledger_unsettled (posting_id, contract_id, month)
      SELECT p.id, o.contract_id, p.month FROM ledger_posting p JOIN work_order o ON o.id = p.order_id
       WHERE p.cause IN ('CHARGE', 'REVERSAL') AND o.contract_id IS NOT NULL`);
    await q.query(`ALTER TABLE ledger_figure ADD COLUMN settled_fen bigint NOT NULL DEFAULT 0`);
    await q.query(linesAdded(true));

    // A level's rules on its vouchers, from a month on; the nearest level's rules in force apply.
    await q.query(`
      CREATE TABLE ledger_rules (
        id                     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id        integer NOT NULL REFERENCES jurisdiction (id),
        code                   varchar(12) COLLATE "C" NOT NULL,
        from_month             date NOT NULL,
        meal_own_share_percent smallint NOT NULL,
        year_cap               boolean NOT NULL,
        return_frozen          boolean NOT NULL,
        source                 text NOT NULL,
        created_by             integer REFERENCES app_user (id),
        created_at             timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_rules_once UNIQUE (jurisdiction_id, from_month),
        CONSTRAINT ledger_rules_month CHECK (extract(day FROM from_month) = 1),
        CONSTRAINT ledger_rules_meal CHECK (meal_own_share_percent BETWEEN 0 AND 100),
        CONSTRAINT ledger_rules_source CHECK (char_length(source) BETWEEN 1 AND 2000)
      )`);
    await q.query(`CREATE INDEX ledger_rules_code ON ledger_rules (code COLLATE "C", from_month)`);
    // The rules in force for a village in a month: the nearest level's latest; with none set, the
    // documents' (meal: «原则上个人缴费部分应不低于用餐成本的50%», seed 000; year: «個人全年結算金額不得超過服務對象本人全年服務金額»,
    // seed 004 篇四); a frozen balance stays frozen (补贴账户自动冻结, the documents say no more).
    await q.query(`
      CREATE FUNCTION ledger_rules_at(a_village varchar, a_month date, OUT meal_own_share_percent smallint, OUT year_cap boolean, OUT return_frozen boolean)
      LANGUAGE sql STABLE AS $$
        SELECT coalesce(r.meal_own_share_percent, 50::smallint), coalesce(r.year_cap, true), coalesce(r.return_frozen, false)
          FROM (SELECT 1) one
          LEFT JOIN LATERAL (SELECT * FROM ledger_rules r WHERE starts_with(a_village, r.code) AND r.from_month <= a_month
                              ORDER BY length(r.code) DESC, r.from_month DESC LIMIT 1) r ON true
      $$`);

    // Weights in lowest terms, by level (`COUNTY:7,TOWN:3`), of what each level paid; null when none paid.
    await q.query(`
      CREATE FUNCTION ledger_weights(levels jurisdiction_level[], amounts numeric[]) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
      DECLARE divisor numeric := 0; amount numeric;
      BEGIN
        FOREACH amount IN ARRAY coalesce(amounts, '{}') LOOP
          IF amount > 0 THEN divisor := gcd(divisor, amount); END IF;
        END LOOP;
        IF divisor = 0 THEN RETURN NULL; END IF;
        RETURN (SELECT string_agg(l || ':' || (a / divisor), ',' ORDER BY l) FROM unnest(levels, amounts) AS u (l, a) WHERE a > 0);
      END $$`);

    // The charge, now with the level's rules: a meal's own share is the person's, and a voucher account
    // pays no more in a calendar year than that year credited it (credits and adjustments of its months,
    // less its charges, a reversal counted in its charge's year). The rest is the person's own payment.
    await q.query(`
      CREATE OR REPLACE FUNCTION ledger_order_verdict() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        price bigint; priced integer; meal bigint; rules record; voucher_room bigint; year_room bigint; year_start date; month date;
        left_to_pay bigint; taken bigint; account record; accounts integer[] := '{}'; amounts bigint[] := '{}'; posting bigint; charge record;
      BEGIN
        IF NEW.state = 'VERIFIED' THEN
          SELECT sum(p.unit_price_fen), count(*), coalesce(sum(p.unit_price_fen) FILTER (WHERE p.item = 'MEALS'), 0) INTO price, priced, meal
            FROM service_contract_price p
           WHERE p.contract_id = NEW.contract_id AND p.service_class = NEW.service_class AND p.item = ANY (NEW.items);
          IF coalesce(price, 0) = 0 OR priced < cardinality(NEW.items) THEN RETURN NULL; END IF;
          month := date_trunc('month', NEW.service_day)::date;
          year_start := date_trunc('year', NEW.service_day)::date;
          SELECT * INTO rules FROM ledger_rules_at(NEW.village_code, month);
          voucher_room := price - (meal * rules.meal_own_share_percent + 99) / 100;
          left_to_pay := price;
          FOR account IN SELECT id, balance_fen, frozen_after FROM ledger_account
                          WHERE kind = 'SUBSIDY' AND person_id = NEW.person_id ORDER BY scheme_kind FOR UPDATE LOOP
            CONTINUE WHEN account.frozen_after IS NOT NULL AND account.frozen_after < month;
            taken := least(voucher_room, account.balance_fen);
            CONTINUE WHEN taken <= 0;
            IF rules.year_cap THEN
              SELECT coalesce(sum(l.amount_fen), 0) INTO year_room
                FROM ledger_line l JOIN ledger_posting p ON p.id = l.posting_id LEFT JOIN ledger_posting r ON r.id = p.reverses_id
               WHERE l.account_id = account.id AND p.cause IN ('CREDIT', 'ADJUSTMENT', 'CHARGE', 'REVERSAL')
                 AND coalesce(r.month, p.month) >= year_start AND coalesce(r.month, p.month) < (year_start + interval '1 year');
              taken := least(taken, year_room);
              CONTINUE WHEN taken <= 0;
            END IF;
            accounts := accounts || account.id;
            amounts := amounts || -taken;
            voucher_room := voucher_room - taken;
            left_to_pay := left_to_pay - taken;
          END LOOP;
          IF left_to_pay > 0 THEN
            accounts := accounts || ledger_account_of('PERSONAL', NEW.person_id, NULL, NULL);
            amounts := amounts || -left_to_pay;
          END IF;
          accounts := accounts || ledger_account_of('PROVIDER', NULL, NULL, NEW.organisation_id);
          amounts := amounts || price;
          INSERT INTO ledger_posting (cause, month, village_code, person_id, order_id, organisation_id)
            VALUES ('CHARGE', month, NEW.village_code, NEW.person_id, NEW.id, NEW.organisation_id)
            RETURNING id INTO posting;
          INSERT INTO ledger_line (posting_id, account_id, amount_fen) SELECT posting, a, f FROM unnest(accounts, amounts) AS u (a, f);
          INSERT INTO ledger_unsettled (posting_id, contract_id, month) VALUES (posting, NEW.contract_id, month);
        ELSE
          SELECT id, village_code, person_id, organisation_id INTO charge FROM ledger_posting WHERE order_id = NEW.id AND cause = 'CHARGE';
          IF charge.id IS NULL THEN RETURN NULL; END IF;
          PERFORM 1 FROM ledger_account a JOIN ledger_line l ON l.account_id = a.id AND l.posting_id = charge.id
            WHERE a.kind = 'SUBSIDY' ORDER BY a.scheme_kind FOR UPDATE OF a;
          INSERT INTO ledger_posting (cause, month, village_code, person_id, order_id, organisation_id, reverses_id)
            VALUES ('REVERSAL', date_trunc('month', (now() AT TIME ZONE 'Asia/Shanghai'))::date, charge.village_code, charge.person_id, NEW.id, charge.organisation_id, charge.id)
            RETURNING id INTO posting;
          INSERT INTO ledger_line (posting_id, account_id, amount_fen) SELECT posting, account_id, -amount_fen FROM ledger_line WHERE posting_id = charge.id;
          INSERT INTO ledger_unsettled (posting_id, contract_id, month)
            VALUES (posting, NEW.contract_id, date_trunc('month', (now() AT TIME ZONE 'Asia/Shanghai'))::date);
        END IF;
        RETURN NULL;
      END $$`);

    // A contract's month: DRAFT (prepared, towns checking), REVIEWED (the county has reviewed it), APPROVED (finance).
    await q.query(`CREATE TYPE settlement_state AS ENUM ('DRAFT', 'REVIEWED', 'APPROVED')`);
    await q.query(`
      CREATE TABLE settlement_statement (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contract_id     integer NOT NULL REFERENCES service_contract (id),
        organisation_id integer NOT NULL REFERENCES organisation (id),
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        code            varchar(12) COLLATE "C" NOT NULL,
        month           date NOT NULL,
        state           settlement_state NOT NULL DEFAULT 'DRAFT',
        orders          integer NOT NULL DEFAULT 0,
        price_fen       bigint NOT NULL DEFAULT 0,
        voucher_fen     bigint NOT NULL DEFAULT 0,
        own_fen         bigint NOT NULL DEFAULT 0,
        prepared_by     integer REFERENCES app_user (id),
        prepared_at     timestamptz NOT NULL DEFAULT now(),
        reviewed_by     integer REFERENCES app_user (id),
        reviewed_at     timestamptz,
        approved_by     integer REFERENCES app_user (id),
        approved_at     timestamptz,
        CONSTRAINT settlement_statement_once UNIQUE (contract_id, month),
        CONSTRAINT settlement_statement_month CHECK (extract(day FROM month) = 1),
        CONSTRAINT settlement_statement_reviewed CHECK ((state <> 'DRAFT') = (reviewed_by IS NOT NULL) AND (reviewed_by IS NULL) = (reviewed_at IS NULL)),
        CONSTRAINT settlement_statement_approved CHECK ((state = 'APPROVED') = (approved_by IS NOT NULL) AND (approved_by IS NULL) = (approved_at IS NULL)),
        CONSTRAINT settlement_statement_two_people CHECK (approved_by <> reviewed_by)
      )`);
    await q.query(`CREATE INDEX settlement_statement_code ON settlement_statement (code COLLATE "C", month)`);
    await q.query(`CREATE INDEX settlement_statement_organisation ON settlement_statement (organisation_id, month)`);
    // One row per charge or reversal the statement settles, with what the vouchers and the person paid.
    await q.query(`
      CREATE TABLE settlement_item (
        statement_id integer NOT NULL REFERENCES settlement_statement (id),
        posting_id   bigint NOT NULL,
        order_id     integer NOT NULL,
        person_id    integer NOT NULL,
        village_code varchar(12) COLLATE "C" NOT NULL,
        service_day  date NOT NULL,
        reversal     boolean NOT NULL,
        price_fen    bigint NOT NULL,
        voucher_fen  bigint NOT NULL,
        own_fen      bigint NOT NULL,
        PRIMARY KEY (statement_id, posting_id),
        CONSTRAINT settlement_item_sum CHECK (price_fen = voucher_fen + own_fen)
      )`);
    // Each town's part, which the town checks (由各鎮核實上報數據).
    await q.query(`
      CREATE TABLE settlement_town (
        statement_id integer NOT NULL REFERENCES settlement_statement (id),
        town_code    varchar(9) COLLATE "C" NOT NULL,
        orders       integer NOT NULL,
        price_fen    bigint NOT NULL,
        voucher_fen  bigint NOT NULL,
        own_fen      bigint NOT NULL,
        checked_by   integer REFERENCES app_user (id),
        checked_at   timestamptz,
        PRIMARY KEY (statement_id, town_code),
        CONSTRAINT settlement_town_checked CHECK ((checked_by IS NULL) = (checked_at IS NULL))
      )`);
    // What each funder pays of each village's vouchers: the statement's total split by the cost shares.
    await q.query(`
      CREATE TABLE settlement_share (
        statement_id integer NOT NULL REFERENCES settlement_statement (id),
        village_code varchar(12) COLLATE "C" NOT NULL,
        funder_id    integer NOT NULL REFERENCES jurisdiction (id),
        amount_fen   bigint NOT NULL,
        PRIMARY KEY (statement_id, village_code, funder_id),
        CONSTRAINT settlement_share_amount CHECK (amount_fen <> 0)
      )`);

    // An approved statement is kept as it was approved: neither it nor its rows change or go.
    await q.query(`
      CREATE FUNCTION settlement_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'settlement_statement' THEN
          IF OLD.state = 'APPROVED' THEN
            RAISE EXCEPTION 'an approved settlement statement is kept as approved' USING ERRCODE = 'check_violation', CONSTRAINT = 'settlement_kept';
          END IF;
        ELSIF EXISTS (SELECT 1 FROM settlement_statement s WHERE s.id IN (SELECT statement_id FROM changed_rows) AND s.state = 'APPROVED') THEN
          RAISE EXCEPTION 'an approved settlement statement is kept as approved' USING ERRCODE = 'check_violation', CONSTRAINT = 'settlement_kept';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER settlement_statement_kept AFTER UPDATE OR DELETE ON settlement_statement FOR EACH ROW EXECUTE FUNCTION settlement_kept()`);
    for (const table of ['settlement_item', 'settlement_town', 'settlement_share']) {
      for (const [op, transition] of [['INSERT', 'NEW'], ['UPDATE', 'OLD'], ['DELETE', 'OLD']]) {
        await q.query(
          `CREATE TRIGGER ${table}_kept_${op.toLowerCase()} AFTER ${op} ON ${table} REFERENCING ${transition} TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION settlement_kept()`,
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['settlement_item', 'settlement_town', 'settlement_share']) {
      for (const op of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER ${table}_kept_${op} ON ${table}`);
    }
    await q.query(`DROP TRIGGER settlement_statement_kept ON settlement_statement`);
    await q.query(`DROP FUNCTION settlement_kept()`);
    await q.query(`DROP TABLE settlement_share`);
    await q.query(`DROP TABLE settlement_town`);
    await q.query(`DROP TABLE settlement_item`);
    await q.query(`DROP TABLE settlement_statement`);
    await q.query(`DROP TYPE settlement_state`);
    await q.query(`DROP FUNCTION ledger_weights(jurisdiction_level[], numeric[])`);
    await q.query(`DROP FUNCTION ledger_rules_at(varchar, date)`);
    await q.query(`DROP TABLE ledger_rules`);
    await q.query(linesAdded(false));
    await q.query(`ALTER TABLE ledger_figure DROP COLUMN settled_fen`);
    await q.query(`DROP TABLE ledger_unsettled`);
    await q.query(`ALTER TABLE ledger_posting DROP CONSTRAINT ledger_posting_cause`);
    await q.query(`
      ALTER TABLE ledger_posting ADD CONSTRAINT ledger_posting_cause CHECK (CASE cause
          WHEN 'CREDIT' THEN scheme_id IS NOT NULL AND run_id IS NOT NULL AND order_id IS NULL
          WHEN 'CHARGE' THEN order_id IS NOT NULL AND organisation_id IS NOT NULL AND reverses_id IS NULL
          WHEN 'REVERSAL' THEN order_id IS NOT NULL AND organisation_id IS NOT NULL AND reverses_id IS NOT NULL
          WHEN 'ADJUSTMENT' THEN made_by IS NOT NULL AND approved_by IS NOT NULL AND approved_by <> made_by AND char_length(reason) BETWEEN 1 AND 500
          ELSE true END)`);
    await q.query(`ALTER TABLE ledger_posting DROP COLUMN statement_id, ALTER COLUMN person_id SET NOT NULL`);
    await q.query(`DROP INDEX ledger_account_frozen`);
    await q.query(`DROP INDEX ledger_account_payable`);
    await q.query(`ALTER TABLE ledger_account DROP CONSTRAINT ledger_account_owner`);
    await q.query(`
      ALTER TABLE ledger_account ADD CONSTRAINT ledger_account_owner CHECK (CASE kind
          WHEN 'SUBSIDY' THEN person_id IS NOT NULL AND scheme_kind IS NOT NULL AND jurisdiction_id IS NULL AND organisation_id IS NULL
          WHEN 'PERSONAL' THEN person_id IS NOT NULL AND scheme_kind IS NULL AND jurisdiction_id IS NULL AND organisation_id IS NULL
          WHEN 'FUNDER' THEN jurisdiction_id IS NOT NULL AND person_id IS NULL AND scheme_kind IS NULL AND organisation_id IS NULL
          ELSE organisation_id IS NOT NULL AND person_id IS NULL AND scheme_kind IS NULL AND jurisdiction_id IS NULL END)`);
    // The charge as it was, without the level's rules.
    await q.query(ORDER_VERDICT.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  }
}
