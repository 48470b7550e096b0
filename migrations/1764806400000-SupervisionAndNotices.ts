import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The leadership office's desk: supervision items (督办) with their follow-up notes, and notices (通报)
 * generated from a board at a moment and kept unchangeable, as the audit trail is.
 */
export class SupervisionAndNotices1764806400000 implements MigrationInterface {
  name = 'SupervisionAndNotices1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE supervision_status AS ENUM ('OPEN', 'DONE', 'CANCELLED')`);
    await q.query(`
      CREATE TABLE supervision_item (
        id                          serial PRIMARY KEY,
        jurisdiction_id             integer NOT NULL REFERENCES jurisdiction (id),
        responsible_jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        responsible_unit            text CHECK (char_length(responsible_unit) BETWEEN 1 AND 200),
        target_id                   integer REFERENCES target (id) ON DELETE SET NULL,
        title                       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        detail                      text CHECK (char_length(detail) <= 4000),
        deadline                    date NOT NULL,
        status                      supervision_status NOT NULL DEFAULT 'OPEN',
        closed_on                   date,
        created_by                  integer REFERENCES app_user (id),
        created_at                  timestamptz NOT NULL DEFAULT now(),
        updated_at                  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT supervision_closed CHECK ((status = 'OPEN') = (closed_on IS NULL))
      )`);
    await q.query(`CREATE INDEX supervision_item_issuer ON supervision_item (jurisdiction_id, status, deadline)`);
    await q.query(`CREATE INDEX supervision_item_responsible ON supervision_item (responsible_jurisdiction_id)`);
    await q.query(`
      CREATE TABLE supervision_note (
        id           serial PRIMARY KEY,
        item_id      integer NOT NULL REFERENCES supervision_item (id) ON DELETE CASCADE,
        note         text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 4000),
        status_after supervision_status NOT NULL,
        written_by   integer REFERENCES app_user (id),
        written_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX supervision_note_item ON supervision_note (item_id, id)`);
    await q.query(`
      CREATE TABLE notice (
        id              serial PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        target_id       integer REFERENCES target (id) ON DELETE SET NULL,
        title           text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        body            text CHECK (char_length(body) <= 4000),
        as_of           date NOT NULL,
        concerned_ids   integer[] NOT NULL,
        content         jsonb NOT NULL,
        created_by      integer NOT NULL REFERENCES app_user (id),
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notice_concerned ON notice USING gin (concerned_ids)`);
    await q.query(`
      CREATE FUNCTION notice_unchangeable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a notice is kept as issued: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER notice_unchangeable BEFORE UPDATE OR DELETE ON notice FOR EACH ROW EXECUTE FUNCTION notice_unchangeable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notice`);
    await q.query(`DROP FUNCTION notice_unchangeable()`);
    await q.query(`DROP TABLE supervision_note`);
    await q.query(`DROP TABLE supervision_item`);
    await q.query(`DROP TYPE supervision_status`);
  }
}
