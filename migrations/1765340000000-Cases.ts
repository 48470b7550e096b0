import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Applications as cases (申请 → 初审 → 公示 → 复审 → 核准). A case is filed at its applicant's 户籍 village
 * and follows one version of the review procedure in force there. The row keeps what the queue and
 * the overdue counts read without a join: the state, the current step's position, kind of capability,
 * its acting node (id and division code: the nodes under X are the codes that start with X's), the
 * day the step began and its due date (a step counted within another may be due before it began, when
 * that one is already overdue). The history is append-only, as the audit trail is. An
 * approval enrols the person in each scheme applied for; a person's enrolments in one scheme never
 * overlap. A case filed outside an intake window is stored IN_REVIEW with its first step beginning
 * the day the next window opens: it reads as waiting until that day, and no job has to wake it.
 */
export class Cases1765340000000 implements MigrationInterface {
  name = 'Cases1765340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE case_state AS ENUM ('IN_REVIEW', 'RETURNED', 'APPROVED', 'REFUSED', 'WITHDRAWN', 'CLOSED')`);
    await q.query(
      `CREATE TYPE case_action AS ENUM ('FILE', 'PASS', 'APPROVE', 'RETURN', 'REFUSE', 'WITHDRAW', 'OBJECTION', 'RESUBMIT', 'CLOSE')`,
    );
    await q.query(`CREATE TYPE case_filer AS ENUM ('AGENT', 'VILLAGE_WORKER')`);
    await q.query(`CREATE TYPE enrolment_end AS ENUM ('DECEASED', 'MOVED_AWAY', 'WITHDRAWN', 'FRAUD')`);
    await q.query(`
      CREATE TABLE application_case (
        id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_id        integer NOT NULL REFERENCES person (id),
        village_id       integer NOT NULL REFERENCES jurisdiction (id),
        village_code     varchar(12) COLLATE "C" NOT NULL,
        procedure_id     integer NOT NULL REFERENCES review_procedure (id),
        intake_window_id integer REFERENCES intake_window (id),
        state            case_state NOT NULL,
        step_position    smallint,
        step_began       date,
        step_due         date,
        acting_node_id   integer REFERENCES jurisdiction (id),
        acting_code      varchar(12) COLLATE "C",
        step_capability  text,
        filed_on         date NOT NULL,
        filed_by         integer NOT NULL REFERENCES app_user (id),
        filed_as_role    text NOT NULL,
        filer            case_filer NOT NULL,
        agent_name       text,
        agent_relation   text,
        closed_reason    text,
        decided_on       date,
        version          integer NOT NULL DEFAULT 1,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT application_case_agent CHECK ((filer = 'AGENT') = (agent_name IS NOT NULL AND agent_relation IS NOT NULL)),
        CONSTRAINT application_case_agent_length CHECK (char_length(agent_name) <= 50 AND char_length(agent_relation) <= 20),
        CONSTRAINT application_case_capability CHECK (step_capability IN ('REVIEW_CASES', 'APPROVE_CASES', 'ASSESS_PEOPLE')),
        CONSTRAINT application_case_step CHECK (
          (state IN ('IN_REVIEW', 'RETURNED')) = (step_position IS NOT NULL AND step_began IS NOT NULL
            AND acting_node_id IS NOT NULL AND acting_code IS NOT NULL AND step_capability IS NOT NULL))
      )`);
    // The queue: cases awaiting a capability at the nodes under X (acting_code starting with X's code), by due date.
    await q.query(`
      CREATE INDEX application_case_queue ON application_case (step_capability, acting_code, step_due, id)
      WHERE state IN ('IN_REVIEW', 'RETURNED')`);
    await q.query(`CREATE INDEX application_case_person ON application_case (person_id)`);
    await q.query(`CREATE INDEX application_case_village ON application_case (village_code COLLATE "C", id)`);
    await q.query(`
      CREATE TABLE application_case_scheme (
        case_id   integer NOT NULL REFERENCES application_case (id),
        scheme_id integer NOT NULL REFERENCES subsidy_scheme (id),
        PRIMARY KEY (case_id, scheme_id)
      )`);
    await q.query(`CREATE INDEX application_case_scheme_scheme ON application_case_scheme (scheme_id)`);
    await q.query(`
      CREATE TABLE application_material (
        id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id     integer NOT NULL REFERENCES application_case (id),
        kind        text NOT NULL,
        received_on date NOT NULL,
        checked_by  integer REFERENCES app_user (id),
        checked_at  timestamptz,
        CONSTRAINT application_material_kind CHECK (char_length(kind) BETWEEN 1 AND 50),
        CONSTRAINT application_material_checked CHECK ((checked_by IS NULL) = (checked_at IS NULL))
      )`);
    await q.query(`CREATE INDEX application_material_case ON application_material (case_id, id)`);
    await q.query(`
      CREATE TABLE application_history (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id         integer NOT NULL REFERENCES application_case (id),
        at              timestamptz NOT NULL DEFAULT now(),
        user_id         integer REFERENCES app_user (id),
        username        text,
        role            text,
        step_position   smallint,
        action          case_action NOT NULL,
        opinion         text,
        reasons         text,
        idempotency_key text,
        answer          jsonb,
        CONSTRAINT application_history_texts CHECK (char_length(opinion) <= 2000 AND char_length(reasons) <= 2000),
        CONSTRAINT application_history_key CHECK (char_length(idempotency_key) BETWEEN 1 AND 100),
        CONSTRAINT application_history_key_unique UNIQUE (case_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX application_history_case ON application_history (case_id, id)`);
    // The history is append-only, as the audit trail is: what was decided stays as it was written.
    await q.query(`
      CREATE FUNCTION application_history_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the history of a case cannot be changed or deleted';
      END $$`);
    await q.query(`
      CREATE TRIGGER application_history_immutable BEFORE UPDATE OR DELETE ON application_history
      FOR EACH ROW EXECUTE FUNCTION application_history_immutable()`);
    await q.query(`
      CREATE TABLE enrolment (
        id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_id   integer NOT NULL REFERENCES person (id),
        scheme_id   integer NOT NULL REFERENCES subsidy_scheme (id),
        case_id     integer NOT NULL REFERENCES application_case (id),
        from_month  date NOT NULL,
        until_month date,
        end_reason  enrolment_end,
        ended_on    date,
        created_at  timestamptz NOT NULL DEFAULT now(),
        -- until_month is the last month paid; the month before from_month when it ended before paying any.
        CONSTRAINT enrolment_months CHECK (extract(day FROM from_month) = 1
          AND (until_month IS NULL OR (extract(day FROM until_month) = 1 AND until_month >= from_month - interval '1 month'))),
        CONSTRAINT enrolment_end CHECK ((until_month IS NULL) = (end_reason IS NULL) AND (end_reason IS NULL) = (ended_on IS NULL)),
        CONSTRAINT enrolment_no_overlap EXCLUDE USING gist (
          person_id WITH =, scheme_id WITH =,
          daterange(from_month, coalesce((until_month + interval '1 month')::date, 'infinity'), '[)') WITH &&)
      )`);
    await q.query(`CREATE INDEX enrolment_case ON enrolment (case_id)`);
    await q.query(`CREATE INDEX enrolment_person ON enrolment (person_id, scheme_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrolment`);
    await q.query(`DROP TRIGGER application_history_immutable ON application_history`);
    await q.query(`DROP FUNCTION application_history_immutable()`);
    await q.query(`DROP TABLE application_history`);
    await q.query(`DROP TABLE application_material`);
    await q.query(`DROP TABLE application_case_scheme`);
    await q.query(`DROP TABLE application_case`);
    await q.query(`DROP TYPE enrolment_end`);
    await q.query(`DROP TYPE case_filer`);
    await q.query(`DROP TYPE case_action`);
    await q.query(`DROP TYPE case_state`);
  }
}
