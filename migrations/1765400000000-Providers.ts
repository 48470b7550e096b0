import type { MigrationInterface, QueryRunner } from 'typeorm';

const ITEMS = `('MEALS', 'CLEANING', 'EMERGENCY', 'PERSONAL_CARE', 'COMPANIONSHIP', 'ERRANDS')`;
const CLASSES = `('FREE', 'LOW_PAID', 'PAID')`;
const REASONS = `('CASHING_SUBSIDIES', 'FAKE_HEALTH_PRODUCTS', 'RAISING_MONEY', 'UNABLE_TO_DELIVER', 'OTHER_ILLEGAL_ACTS')`;

/**
 * The provider library (服务商库), bans and service contracts of seed 004 篇四. A level admits registered
 * organisations into its library, with their qualifications. A ban (取消资格) is kept for good: lifting it
 * early is a record of its own, and neither is ever changed or deleted. A contract binds a county or town
 * (or a county and one of its towns jointly) to a provider for a period, over an area of towns and
 * villages, with a catalogue of prices per item and service class. Its coverage is expanded to one row
 * per village and item with the period as a daterange: the exclusion constraint keeps two exclusive
 * coverages of one village and item from sharing a day, whichever request writes them. Items, classes
 * and reasons are checked text, as the service catalogue of src/care/care-kinds.ts names them.
 */
export class Providers1765400000000 implements MigrationInterface {
  name = 'Providers1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_entry (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        organisation_id integer NOT NULL REFERENCES organisation (id),
        admitted_on     date NOT NULL,
        created_by      integer REFERENCES app_user (id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT provider_entry_once UNIQUE (jurisdiction_id, organisation_id)
      )`);
    await q.query(`CREATE INDEX provider_entry_organisation ON provider_entry (organisation_id)`);
    await q.query(`
      CREATE TABLE provider_qualification (
        id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        entry_id    integer NOT NULL REFERENCES provider_entry (id),
        kind        text NOT NULL,
        number      text NOT NULL,
        valid_from  date NOT NULL,
        valid_until date,
        CONSTRAINT provider_qualification_texts CHECK (char_length(kind) BETWEEN 1 AND 50 AND char_length(number) BETWEEN 1 AND 50),
        CONSTRAINT provider_qualification_days CHECK (valid_until IS NULL OR valid_until >= valid_from)
      )`);
    await q.query(`CREATE INDEX provider_qualification_entry ON provider_qualification (entry_id, id)`);
    await q.query(`
      CREATE TABLE provider_ban (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        organisation_id integer NOT NULL REFERENCES organisation (id),
        reason          text NOT NULL,
        detail          text NOT NULL,
        from_day        date NOT NULL,
        until_day       date NOT NULL,
        created_by      integer REFERENCES app_user (id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT provider_ban_reason CHECK (reason IN ${REASONS}),
        CONSTRAINT provider_ban_detail CHECK (char_length(detail) BETWEEN 1 AND 2000),
        CONSTRAINT provider_ban_days CHECK (until_day >= from_day)
      )`);
    await q.query(`CREATE INDEX provider_ban_organisation ON provider_ban (organisation_id)`);
    await q.query(`
      CREATE TABLE provider_ban_lift (
        id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ban_id     integer NOT NULL REFERENCES provider_ban (id),
        lifted_on  date NOT NULL,
        reason     text NOT NULL,
        created_by integer REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT provider_ban_lift_once UNIQUE (ban_id),
        CONSTRAINT provider_ban_lift_reason CHECK (char_length(reason) BETWEEN 1 AND 2000)
      )`);
    // A ban and its lifting are kept as they were written, as the case history is.
    await q.query(`
      CREATE FUNCTION provider_ban_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a ban and its lifting cannot be changed or deleted';
      END $$`);
    for (const table of ['provider_ban', 'provider_ban_lift']) {
      await q.query(`CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION provider_ban_immutable()`);
    }
    await q.query(`
      CREATE TABLE service_contract (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        joint_id        integer REFERENCES jurisdiction (id),
        organisation_id integer NOT NULL REFERENCES organisation (id),
        from_day        date NOT NULL,
        until_day       date NOT NULL,
        renews_id       integer REFERENCES service_contract (id),
        ended_on        date,
        end_reason      text,
        created_by      integer REFERENCES app_user (id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT service_contract_days CHECK (until_day >= from_day),
        CONSTRAINT service_contract_renewed_once UNIQUE (renews_id),
        CONSTRAINT service_contract_end CHECK ((ended_on IS NULL) = (end_reason IS NULL) AND char_length(end_reason) BETWEEN 1 AND 2000
          AND (ended_on IS NULL OR (ended_on >= from_day - 1 AND ended_on < until_day)))
      )`);
    await q.query(`CREATE INDEX service_contract_organisation ON service_contract (organisation_id, id)`);
    await q.query(`
      CREATE TABLE service_contract_area (
        contract_id     integer NOT NULL REFERENCES service_contract (id),
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        PRIMARY KEY (contract_id, jurisdiction_id)
      )`);
    await q.query(`
      CREATE TABLE service_contract_price (
        contract_id    integer NOT NULL REFERENCES service_contract (id),
        item           text NOT NULL,
        service_class  text NOT NULL,
        unit_price_fen integer NOT NULL,
        min_minutes    integer NOT NULL,
        PRIMARY KEY (contract_id, item, service_class),
        CONSTRAINT service_contract_price_item CHECK (item IN ${ITEMS} AND service_class IN ${CLASSES}),
        CONSTRAINT service_contract_price_amounts CHECK (unit_price_fen >= 0 AND min_minutes >= 60)
      )`);
    // One row per village and item of a contract, over its days in force ([from, last day + 1)); an
    // early end shortens it. Exclusive rows of one village and item never overlap; a later setting that
    // allows several providers writes rows with exclusive = false, which the constraint leaves alone.
    await q.query(`
      CREATE TABLE service_contract_coverage (
        contract_id  integer NOT NULL REFERENCES service_contract (id),
        village_id   integer NOT NULL REFERENCES jurisdiction (id),
        village_code varchar(12) COLLATE "C" NOT NULL,
        item         text NOT NULL,
        during       daterange NOT NULL,
        exclusive    boolean NOT NULL DEFAULT true,
        PRIMARY KEY (contract_id, village_id, item),
        CONSTRAINT service_contract_coverage_item CHECK (item IN ${ITEMS}),
        CONSTRAINT service_contract_coverage_no_overlap EXCLUDE USING gist (village_id WITH =, item WITH =, during WITH &&) WHERE (exclusive)
      )`);
    await q.query(`CREATE INDEX service_contract_coverage_village ON service_contract_coverage (village_code COLLATE "C", contract_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_contract_coverage`);
    await q.query(`DROP TABLE service_contract_price`);
    await q.query(`DROP TABLE service_contract_area`);
    await q.query(`DROP TABLE service_contract`);
    await q.query(`DROP TRIGGER provider_ban_lift_immutable ON provider_ban_lift`);
    await q.query(`DROP TRIGGER provider_ban_immutable ON provider_ban`);
    await q.query(`DROP FUNCTION provider_ban_immutable()`);
    await q.query(`DROP TABLE provider_ban_lift`);
    await q.query(`DROP TABLE provider_ban`);
    await q.query(`DROP TABLE provider_qualification`);
    await q.query(`DROP TABLE provider_entry`);
  }
}
