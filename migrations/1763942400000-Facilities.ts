import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Facilities with their operator and lifecycle history, and the stored roll-ups of every node. */
export class Facilities1763942400000 implements MigrationInterface {
  name = 'Facilities1763942400000';

  async up(q: QueryRunner): Promise<void> {
    // Operators are registered organisations, keyed nationally by their unified social credit code.
    await q.query(`
      CREATE TABLE organisation (
        id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        credit_code char(18) COLLATE "C" NOT NULL,
        name        text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisation_credit_code_unique UNIQUE (credit_code),
        CONSTRAINT organisation_credit_code_charset CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
        CONSTRAINT organisation_name_length CHECK (char_length(name) BETWEEN 1 AND 100)
      )`);
    await q.query(`ALTER TABLE app_user ADD COLUMN organisation_id integer REFERENCES organisation (id)`);
    await q.query(`CREATE INDEX app_user_organisation ON app_user (organisation_id) WHERE organisation_id IS NOT NULL`);

    await q.query(`CREATE TYPE facility_type AS ENUM (
      'COUNTY_GUIDANCE_CENTER', 'TOWN_CENTER', 'COMMUNITY_STATION', 'MUTUAL_AID_CENTER', 'DAY_CARE_CENTER',
      'ACTIVITY_CENTER', 'HAPPINESS_HOME', 'MEAL_TABLE', 'TOWNSHIP_NURSING_HOME', 'INSTITUTION')`);
    await q.query(`CREATE TYPE facility_status AS ENUM (
      'PLANNED', 'UNDER_CONSTRUCTION', 'BUILT', 'ACCEPTED', 'OPERATING', 'SUSPENDED', 'CLOSED')`);
    await q.query(`CREATE TYPE operating_model AS ENUM (
      'PUBLIC_BUILT_PUBLIC_RUN', 'ENTRUSTED', 'PUBLIC_BUILT_PRIVATE_RUN', 'PRIVATE_BUILT_PRIVATE_RUN')`);
    await q.query(`CREATE TYPE facility_service AS ENUM (
      'MEALS', 'CLEANING', 'EMERGENCY', 'MEDICAL', 'BATHING', 'RECREATION', 'DAY_CARE', 'HOME_VISITS',
      'REHABILITATION', 'COMPANIONSHIP')`);
    await q.query(`CREATE TYPE facility_event_kind AS ENUM ('REGISTERED', 'TRANSITION', 'SERVICES_CHANGED')`);

    await q.query(`
      CREATE TABLE facility (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name            text NOT NULL,
        type            facility_type NOT NULL,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        organisation_id integer REFERENCES organisation (id),
        operating_model operating_model,
        services        facility_service[] NOT NULL DEFAULT '{}',
        floor_area_m2   numeric(10, 2),
        beds_total      integer NOT NULL DEFAULT 0,
        beds_nursing    integer NOT NULL DEFAULT 0,
        beds_dementia   integer NOT NULL DEFAULT 0,
        staff           integer,
        daily_diners    integer,
        -- the latest event's state, kept here for listing; facility_event is the history
        status          facility_status NOT NULL,
        status_since    date NOT NULL,
        last_event_on   date NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT facility_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT facility_floor_area CHECK (floor_area_m2 IS NULL OR floor_area_m2 >= 0),
        CONSTRAINT facility_beds CHECK (beds_total >= 0 AND beds_nursing BETWEEN 0 AND beds_total
          AND beds_dementia BETWEEN 0 AND beds_total),
        CONSTRAINT facility_staff CHECK (staff IS NULL OR staff >= 0),
        CONSTRAINT facility_daily_diners CHECK (daily_diners IS NULL OR daily_diners >= 0)
      )`);
    await q.query(`CREATE INDEX facility_jurisdiction ON facility (jurisdiction_id, status)`);
    await q.query(`CREATE INDEX facility_organisation ON facility (organisation_id) WHERE organisation_id IS NOT NULL`);

    // Each event carries the facility's coverage-relevant state after it: the history is replayable.
    await q.query(`
      CREATE TABLE facility_event (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        facility_id integer NOT NULL REFERENCES facility (id),
        kind        facility_event_kind NOT NULL,
        occurred_on date NOT NULL,
        from_status facility_status,
        status      facility_status NOT NULL,
        services    facility_service[] NOT NULL,
        note        text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by integer REFERENCES app_user (id),
        CONSTRAINT facility_event_note_length CHECK (note IS NULL OR char_length(note) <= 500)
      )`);
    await q.query(`CREATE INDEX facility_event_facility ON facility_event (facility_id, occurred_on, id)`);
    await q.query(`
      CREATE FUNCTION facility_event_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'facility history cannot be changed or deleted';
      END $$`);
    await q.query(`
      CREATE TRIGGER facility_event_immutable BEFORE UPDATE OR DELETE ON facility_event
      FOR EACH ROW EXECUTE FUNCTION facility_event_immutable()`);

    // Stored roll-ups, derived from the base tables and rebuilt from them on repair; hence no
    // foreign keys. rollup_value: every figure of a node today. rollup_change: the day-by-day
    // changes of figures that are asked for as of a past date; a figure on day D is the sum of
    // its changes up to D.
    await q.query(`
      CREATE TABLE rollup_value (
        node_id integer NOT NULL,
        key     text COLLATE "C" NOT NULL,
        value   bigint NOT NULL,
        PRIMARY KEY (node_id, key)
      )`);
    await q.query(`
      CREATE TABLE rollup_change (
        node_id integer NOT NULL,
        key     text COLLATE "C" NOT NULL,
        day     date NOT NULL,
        delta   bigint NOT NULL,
        PRIMARY KEY (node_id, key, day) INCLUDE (delta)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rollup_change`);
    await q.query(`DROP TABLE rollup_value`);
    await q.query(`DROP TABLE facility_event`);
    await q.query(`DROP FUNCTION facility_event_immutable`);
    await q.query(`DROP TABLE facility`);
    await q.query(`DROP TYPE facility_event_kind`);
    await q.query(`DROP TYPE facility_service`);
    await q.query(`DROP TYPE operating_model`);
    await q.query(`DROP TYPE facility_status`);
    await q.query(`DROP TYPE facility_type`);
    await q.query(`DROP INDEX app_user_organisation`);
    await q.query(`ALTER TABLE app_user DROP COLUMN organisation_id`);
    await q.query(`DROP TABLE organisation`);
  }
}
