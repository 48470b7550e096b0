import type { MigrationInterface, QueryRunner } from 'typeorm';

const ITEMS = `ARRAY['MEALS', 'CLEANING', 'EMERGENCY', 'PERSONAL_CARE', 'COMPANIONSHIP', 'ERRANDS']::text[]`;
const CLASSES = `('FREE', 'LOW_PAID', 'PAID')`;
const REASONS = `ARRAY['NO_CHECK_OUT', 'CHECK_OUT_NOT_AFTER_CHECK_IN', 'SHORTER_THAN_MINIMUM', 'CAREGIVER_OVERLAP', 'RECIPIENT_NOT_ENROLLED',
  'RECIPIENT_DECEASED', 'RECIPIENT_MOVED_AWAY', 'ITEM_NOT_CONTRACTED', 'CAREGIVER_NOT_TRAINED', 'CAREGIVER_BARRED', 'AWAY_FROM_HOME',
  'NO_PLACE_EVIDENCE', 'WRONG_CARD', 'SYNCED_TOO_LATE', 'VOIDED_ON_CALLBACK']::text[]`;

/**
 * Home visits as work orders (seed 004 篇四: «服務前掃二維碼簽入,服務結束後簽出»).
 *
 * - A recipient's registered place (coordinates of the home, personal data) and service card: the card's
 *   token is what its QR code holds; only its SHA-256 is stored, and a replaced card stops counting.
 * - A work order is booked for a recipient with a provider (by the provider, a village worker or the
 *   recipient's agent), assigned to a caregiver, and then carries the visit: sign-in and sign-out on the
 *   device's clock, the day of the visit in China, the server's time of its last event, the verdict
 *   (VERIFIED, or VOID with every reason) and, when redone, the order that redoes it. An order created by
 *   an offline device carries the device's id for it, so a batch sent twice creates it once.
 * - Each sign-in and sign-out is an event of its own, with its client id (unique per caregiver: a re-sent
 *   event is the same event), both clocks, the coordinates and the hash of the card scanned. Events are
 *   facts: never changed or deleted; a correction is a new order.
 */
export class WorkOrders1765430000000 implements MigrationInterface {
  name = 'WorkOrders1765430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE person_home_place (
        person_id   integer PRIMARY KEY REFERENCES person (id),
        lat         double precision NOT NULL,
        lng         double precision NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by integer REFERENCES app_user (id),
        CONSTRAINT person_home_place_range CHECK (lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180)
      )`);
    await q.query(`
      CREATE TABLE service_card (
        id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_id   integer NOT NULL REFERENCES person (id),
        token_hash  bytea NOT NULL,
        issued_at   timestamptz NOT NULL DEFAULT now(),
        issued_by   integer REFERENCES app_user (id),
        replaced_at timestamptz,
        CONSTRAINT service_card_token_unique UNIQUE (token_hash),
        CONSTRAINT service_card_hash_length CHECK (octet_length(token_hash) = 32)
      )`);
    await q.query(`CREATE UNIQUE INDEX service_card_current ON service_card (person_id) WHERE replaced_at IS NULL`);

    await q.query(`CREATE TYPE work_order_state AS ENUM ('BOOKED', 'ASSIGNED', 'CHECKED_IN', 'VERIFIED', 'VOID', 'CANCELLED')`);
    await q.query(`CREATE TYPE work_order_booker AS ENUM ('PROVIDER', 'VILLAGE_WORKER', 'AGENT')`);
    await q.query(`
      CREATE TABLE work_order (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_id       integer NOT NULL REFERENCES person (id),
        village_code    varchar(12) COLLATE "C" NOT NULL,
        organisation_id integer NOT NULL REFERENCES organisation (id),
        caregiver_id    integer REFERENCES caregiver (id),
        contract_id     integer REFERENCES service_contract (id),
        items           text[] NOT NULL,
        service_class   text,
        booked_by_kind  work_order_booker NOT NULL,
        booked_by       integer REFERENCES app_user (id),
        agent_name      text,
        planned_day     date NOT NULL,
        client_id       uuid,
        state           work_order_state NOT NULL,
        check_in_at     timestamptz,
        check_out_at    timestamptz,
        service_day     date,
        received_at     timestamptz,
        minutes         integer,
        void_reasons    text[] NOT NULL DEFAULT '{}',
        decided_at      timestamptz,
        redo_of         integer REFERENCES work_order (id),
        cancel_reason   text,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT work_order_items CHECK (cardinality(items) BETWEEN 1 AND 6 AND items <@ ${ITEMS}),
        CONSTRAINT work_order_class CHECK (service_class IS NULL OR service_class IN ${CLASSES}),
        CONSTRAINT work_order_void_reasons CHECK (void_reasons <@ ${REASONS} AND (state = 'VOID') = (cardinality(void_reasons) > 0)),
        CONSTRAINT work_order_agent CHECK ((booked_by_kind = 'AGENT') = (agent_name IS NOT NULL) AND char_length(agent_name) BETWEEN 1 AND 50),
        CONSTRAINT work_order_assigned CHECK (state IN ('BOOKED', 'CANCELLED') OR caregiver_id IS NOT NULL),
        CONSTRAINT work_order_visited CHECK ((state IN ('CHECKED_IN', 'VERIFIED', 'VOID')) = (check_in_at IS NOT NULL AND service_day IS NOT NULL AND received_at IS NOT NULL)),
        CONSTRAINT work_order_decided CHECK ((state IN ('VERIFIED', 'VOID')) = (decided_at IS NOT NULL)),
        CONSTRAINT work_order_minutes CHECK ((state = 'VERIFIED') <= (minutes IS NOT NULL AND minutes > 0)),
        CONSTRAINT work_order_cancelled CHECK ((state = 'CANCELLED') = (cancel_reason IS NOT NULL) AND char_length(cancel_reason) BETWEEN 1 AND 500),
        CONSTRAINT work_order_redone_once UNIQUE (redo_of),
        CONSTRAINT work_order_client_unique UNIQUE (client_id)
      )`);
    await q.query(`CREATE INDEX work_order_village ON work_order (village_code COLLATE "C", planned_day, id)`);
    await q.query(`CREATE INDEX work_order_person ON work_order (person_id, service_day)`);
    await q.query(`CREATE INDEX work_order_organisation ON work_order (organisation_id, planned_day, id)`);
    await q.query(`CREATE INDEX work_order_caregiver ON work_order (caregiver_id, check_in_at) WHERE caregiver_id IS NOT NULL`);

    await q.query(`CREATE TYPE visit_event_kind AS ENUM ('CHECK_IN', 'CHECK_OUT')`);
    await q.query(`
      CREATE TABLE visit_event (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id        integer NOT NULL REFERENCES work_order (id),
        kind            visit_event_kind NOT NULL,
        caregiver_id    integer NOT NULL REFERENCES caregiver (id),
        client_id       uuid NOT NULL,
        device_at       timestamptz NOT NULL,
        server_at       timestamptz NOT NULL DEFAULT now(),
        lat             double precision,
        lng             double precision,
        card_token_hash bytea,
        recorded_by     integer REFERENCES app_user (id),
        CONSTRAINT visit_event_client_unique UNIQUE (caregiver_id, client_id),
        CONSTRAINT visit_event_once UNIQUE (order_id, kind),
        CONSTRAINT visit_event_place CHECK ((lat IS NULL) = (lng IS NULL) AND (lat IS NULL OR (lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180))),
        CONSTRAINT visit_event_card_hash CHECK (card_token_hash IS NULL OR octet_length(card_token_hash) = 32)
      )`);
    await q.query(`
      CREATE FUNCTION visit_event_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a visit event is a recorded fact: it is never changed or deleted';
      END $$`);
    await q.query(`CREATE TRIGGER visit_event_kept BEFORE UPDATE OR DELETE ON visit_event FOR EACH ROW EXECUTE FUNCTION visit_event_kept()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER visit_event_kept ON visit_event`);
    await q.query(`DROP FUNCTION visit_event_kept()`);
    await q.query(`DROP TABLE visit_event`);
    await q.query(`DROP TYPE visit_event_kind`);
    await q.query(`DROP TABLE work_order`);
    await q.query(`DROP TYPE work_order_booker`);
    await q.query(`DROP TYPE work_order_state`);
    await q.query(`DROP TABLE service_card`);
    await q.query(`DROP TABLE person_home_place`);
  }
}
