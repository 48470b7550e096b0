import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Call-backs of work orders and the oversight of recipients (seed 004 篇四 and 篇五, seed 003).
 *
 * - An order's call-back (回訪): the provider's («各服務商要對日工單進行100%回訪»), or the county's online one
 *   («線上回訪率不低於日工單的10%») of an order its draw picked; one of each kind per order. It records whether the
 *   recipient was reached, the satisfaction answer, a note, and whether the service was below standard, which
 *   voids a verified order («對服務質態及時長不符合規範的,均作廢單處理»). A call-back is a recorded fact: never changed.
 * - A county's draw of a day's verified orders for its online call-backs: one per county and day, with the
 *   seed, the share, the population it drew from and the orders drawn, so that anyone can redo it.
 * - An oversight visit (回訪, 抽查, 探視巡訪) of a recipient by a village or a town: by phone or at home, what was
 *   checked and found, whether falsification is suspected, and the written record («並作書面回訪記錄»).
 */
export class Callbacks1765440000000 implements MigrationInterface {
  name = 'Callbacks1765440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE callback_kind AS ENUM ('PROVIDER', 'ONLINE')`);
    await q.query(`CREATE TYPE callback_satisfaction AS ENUM ('SATISFIED', 'BASIC', 'DISSATISFIED')`);
    await q.query(`
      CREATE TABLE callback_draw (
        id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        county_id      integer NOT NULL REFERENCES jurisdiction (id),
        county_code    varchar(12) COLLATE "C" NOT NULL,
        day            date NOT NULL,
        seed           text NOT NULL,
        percent        integer NOT NULL,
        population_ids integer[] NOT NULL,
        order_ids      integer[] NOT NULL,
        drawn_by       integer NOT NULL REFERENCES app_user (id),
        drawn_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT callback_draw_once UNIQUE (county_id, day),
        CONSTRAINT callback_draw_seed CHECK (seed ~ '^[0-9a-f]{32}$'),
        CONSTRAINT callback_draw_percent CHECK (percent BETWEEN 0 AND 100),
        CONSTRAINT callback_draw_drawn CHECK (order_ids <@ population_ids
          AND cardinality(order_ids) = ceil(percent * cardinality(population_ids) / 100.0))
      )`);
    await q.query(`CREATE INDEX callback_draw_orders ON callback_draw USING gin (order_ids)`);
    await q.query(`
      CREATE TABLE order_callback (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id        integer NOT NULL REFERENCES work_order (id),
        kind            callback_kind NOT NULL,
        draw_id         integer REFERENCES callback_draw (id),
        village_code    varchar(12) COLLATE "C" NOT NULL,
        organisation_id integer NOT NULL REFERENCES organisation (id),
        service_day     date NOT NULL,
        called_on       date NOT NULL,
        reached         boolean NOT NULL,
        satisfaction    callback_satisfaction,
        below_standard  boolean NOT NULL,
        note            text,
        voided_order    boolean NOT NULL,
        recorded_by     integer NOT NULL REFERENCES app_user (id),
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT order_callback_once UNIQUE (order_id, kind),
        CONSTRAINT order_callback_drawn CHECK ((kind = 'ONLINE') = (draw_id IS NOT NULL)),
        CONSTRAINT order_callback_answer CHECK (reached = (satisfaction IS NOT NULL) AND (reached OR NOT below_standard)),
        CONSTRAINT order_callback_void CHECK (below_standard OR NOT voided_order),
        CONSTRAINT order_callback_note CHECK (note IS NULL OR char_length(note) BETWEEN 1 AND 2000)
      )`);
    await q.query(`CREATE INDEX order_callback_village ON order_callback (village_code COLLATE "C", service_day)`);

    await q.query(`CREATE TYPE oversight_kind AS ENUM ('PHONE_CALL', 'HOME_VISIT')`);
    await q.query(`CREATE TYPE oversight_purpose AS ENUM ('SPOT_CHECK', 'WELFARE_VISIT')`);
    await q.query(`
      CREATE TABLE oversight_visit (
        id                      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id         integer NOT NULL REFERENCES jurisdiction (id),
        jurisdiction_code       varchar(12) COLLATE "C" NOT NULL,
        person_id               integer NOT NULL REFERENCES person (id),
        village_code            varchar(12) COLLATE "C" NOT NULL,
        kind                    oversight_kind NOT NULL,
        purpose                 oversight_purpose NOT NULL,
        visited_on              date NOT NULL,
        checked                 text[] NOT NULL DEFAULT '{}',
        findings                text NOT NULL,
        falsification_suspected boolean NOT NULL,
        record                  text NOT NULL,
        recorded_by             integer NOT NULL REFERENCES app_user (id),
        recorded_at             timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT oversight_visit_checked CHECK (checked <@ ARRAY['SERVICE_AGREEMENT', 'SERVICE_RECORDS']::text[]),
        CONSTRAINT oversight_visit_findings CHECK (char_length(findings) BETWEEN 1 AND 2000),
        CONSTRAINT oversight_visit_record CHECK (char_length(record) BETWEEN 1 AND 4000),
        CONSTRAINT oversight_visit_by CHECK (village_code LIKE jurisdiction_code || '%')
      )`);
    await q.query(`CREATE INDEX oversight_visit_village ON oversight_visit (village_code COLLATE "C", visited_on)`);
    await q.query(`CREATE INDEX oversight_visit_by ON oversight_visit (jurisdiction_code COLLATE "C", id)`);

    await q.query(`
      CREATE FUNCTION oversight_fact_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is a recorded fact: it is never changed or deleted', TG_TABLE_NAME;
      END $$`);
    for (const table of ['callback_draw', 'order_callback', 'oversight_visit']) {
      await q.query(`CREATE TRIGGER ${table}_kept BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION oversight_fact_kept()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['oversight_visit', 'order_callback', 'callback_draw']) {
      await q.query(`DROP TRIGGER ${table}_kept ON ${table}`);
    }
    await q.query(`DROP FUNCTION oversight_fact_kept()`);
    await q.query(`DROP TABLE oversight_visit`);
    await q.query(`DROP TYPE oversight_purpose`);
    await q.query(`DROP TYPE oversight_kind`);
    await q.query(`DROP TABLE order_callback`);
    await q.query(`DROP TABLE callback_draw`);
    await q.query(`DROP TYPE callback_satisfaction`);
    await q.query(`DROP TYPE callback_kind`);
  }
}
