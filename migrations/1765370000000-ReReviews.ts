import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dynamic management (动态管理): what an enrolment's re-review reads and writes. The facts a scheme's
 * tier depends on keep when they changed: a hardship category the moment its end was recorded
 * (`closed_at`, set by a trigger whoever ends it), and every change of a person's 户籍 or residence
 * village as a row of `person_move` (written by a trigger on `person`, whoever updates it: the API,
 * the import, a script), with the day it took effect (the residence's new `resident_since`, else the
 * day it was recorded in China). A re-review confirming an enrolment is an append-only entry (who,
 * under which role, when, the opinion), after which only newer changes list the enrolment again.
 */
export class ReReviews1765370000000 implements MigrationInterface {
  name = 'ReReviews1765370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE person_category ADD COLUMN closed_at timestamptz`);
    await q.query(`
      CREATE FUNCTION person_category_closed_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.valid_to IS DISTINCT FROM OLD.valid_to THEN NEW.closed_at := now(); END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER person_category_closed_at BEFORE UPDATE OF valid_to ON person_category
      FOR EACH ROW EXECUTE FUNCTION person_category_closed_at()`);

    await q.query(`CREATE TYPE person_move_kind AS ENUM ('HUKOU', 'RESIDENCE')`);
    await q.query(`
      CREATE TABLE person_move (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_id   integer NOT NULL REFERENCES person (id),
        kind        person_move_kind NOT NULL,
        from_id     integer NOT NULL REFERENCES jurisdiction (id),
        to_id       integer NOT NULL REFERENCES jurisdiction (id),
        moved_on    date NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX person_move_person ON person_move (person_id, kind, recorded_at, id)`);
    await q.query(`
      CREATE FUNCTION person_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
      BEGIN
        IF NEW.hukou_jurisdiction_id IS DISTINCT FROM OLD.hukou_jurisdiction_id THEN
          INSERT INTO person_move (person_id, kind, from_id, to_id, moved_on)
          VALUES (NEW.id, 'HUKOU', OLD.hukou_jurisdiction_id, NEW.hukou_jurisdiction_id, today);
        END IF;
        IF NEW.village_id IS DISTINCT FROM OLD.village_id THEN
          INSERT INTO person_move (person_id, kind, from_id, to_id, moved_on)
          VALUES (NEW.id, 'RESIDENCE', OLD.village_id, NEW.village_id,
            CASE WHEN NEW.resident_since IS DISTINCT FROM OLD.resident_since AND NEW.resident_since IS NOT NULL THEN NEW.resident_since ELSE today END);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER person_moved AFTER UPDATE OF village_id, hukou_jurisdiction_id ON person
      FOR EACH ROW EXECUTE FUNCTION person_moved()`);

    // When a person's facts last changed, or will take effect (a category ended, or an assessment made, on
    // a day to come): the re-review list looks further only at the enrolments of people changed since their
    // baseline. Kept by statement triggers, so an import of many rows costs one statement more per table.
    await q.query(`
      CREATE TABLE person_fact_change (
        person_id integer PRIMARY KEY REFERENCES person (id),
        at        timestamptz NOT NULL
      )`);
    const midnight = (day: string) => `(${day}::timestamp AT TIME ZONE 'Asia/Shanghai')`;
    const facts: [string, string, string][] = [
      ['person_category', 'INSERT', `greatest(now(), ${midnight('n.valid_to')})`],
      ['person_category', 'UPDATE', `greatest(now(), ${midnight('n.valid_to')})`],
      ['ability_assessment', 'INSERT', `greatest(now(), ${midnight('n.assessed_on')})`],
      ['person_move', 'INSERT', 'now()'],
    ];
    for (const [table, event, at] of facts) {
      const name = `${table}_fact_change_${event.toLowerCase()}`;
      await q.query(`
        CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO person_fact_change AS f (person_id, at)
          SELECT n.person_id, max(${at}) FROM new_rows n GROUP BY n.person_id
          ON CONFLICT (person_id) DO UPDATE SET at = greatest(f.at, excluded.at);
          RETURN NULL;
        END $$`);
      await q.query(`CREATE TRIGGER ${name} AFTER ${event} ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${name}()`);
    }
    await q.query(`
      INSERT INTO person_fact_change (person_id, at)
      SELECT person_id, max(at) FROM (
        SELECT person_id, greatest(recorded_at, ${midnight('valid_to')}) AS at FROM person_category
        UNION ALL SELECT person_id, greatest(recorded_at, ${midnight('assessed_on')}) FROM ability_assessment
      ) f GROUP BY person_id`);

    await q.query(`
      CREATE TABLE enrolment_review (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        enrolment_id    integer NOT NULL REFERENCES enrolment (id),
        reviewed_on     date NOT NULL,
        at              timestamptz NOT NULL DEFAULT now(),
        user_id         integer REFERENCES app_user (id),
        username        text,
        role            text,
        opinion         text NOT NULL,
        idempotency_key text,
        CONSTRAINT enrolment_review_opinion CHECK (char_length(opinion) BETWEEN 1 AND 2000),
        CONSTRAINT enrolment_review_key CHECK (char_length(idempotency_key) BETWEEN 1 AND 100),
        CONSTRAINT enrolment_review_key_unique UNIQUE (enrolment_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX enrolment_review_enrolment ON enrolment_review (enrolment_id, at DESC, id DESC)`);
    // What a re-review found stays as it was written, as a case's history does.
    await q.query(`
      CREATE FUNCTION enrolment_review_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a re-review cannot be changed or deleted';
      END $$`);
    await q.query(`
      CREATE TRIGGER enrolment_review_immutable BEFORE UPDATE OR DELETE ON enrolment_review
      FOR EACH ROW EXECUTE FUNCTION enrolment_review_immutable()`);
    // The list of open enrolments under a node reads them from the open ones alone.
    await q.query(`CREATE INDEX enrolment_open ON enrolment (case_id) WHERE until_month IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX enrolment_open`);
    await q.query(`DROP TRIGGER enrolment_review_immutable ON enrolment_review`);
    await q.query(`DROP FUNCTION enrolment_review_immutable()`);
    await q.query(`DROP TABLE enrolment_review`);
    for (const name of ['person_category_fact_change_insert', 'person_category_fact_change_update', 'ability_assessment_fact_change_insert', 'person_move_fact_change_insert']) {
      await q.query(`DROP TRIGGER ${name} ON ${name.replace(/_fact_change_(insert|update)$/, '')}`);
      await q.query(`DROP FUNCTION ${name}()`);
    }
    await q.query(`DROP TABLE person_fact_change`);
    await q.query(`DROP TRIGGER person_moved ON person`);
    await q.query(`DROP FUNCTION person_moved()`);
    await q.query(`DROP TABLE person_move`);
    await q.query(`DROP TYPE person_move_kind`);
    await q.query(`DROP TRIGGER person_category_closed_at ON person_category`);
    await q.query(`DROP FUNCTION person_category_closed_at()`);
    await q.query(`ALTER TABLE person_category DROP COLUMN closed_at`);
  }
}
