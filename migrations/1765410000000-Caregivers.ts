import type { MigrationInterface, QueryRunner } from 'typeorm';

const ROLES_BEFORE = [
  'PLATFORM_ADMIN',
  'CIVIL_AFFAIRS_ADMIN',
  'CIVIL_AFFAIRS_STAFF',
  'LEADERSHIP_OFFICE',
  'FINANCE',
  'VILLAGE_WORKER',
  'SERVICE_PROVIDER',
  'ASSESSOR',
  'ANALYST',
];
const SERVICE_ITEMS = ['MEALS', 'CLEANING', 'EMERGENCY', 'PERSONAL_CARE', 'COMPANIONSHIP', 'ERRANDS'];

/**
 * A provider organisation's caregivers (助老服务人员) and what their work card shows (seed 004 篇四:
 * «工作牌必須標有服務人員姓名、照片、服務工號、聯繫電話、所在組織的名稱和服務監督電話»): the work card number is
 * unique within the organisation; training is a flag with its day and course («培訓不合格人員不得上崗»).
 * Bans of a caregiver by a county or town are dated records that are never changed or deleted. Each
 * county's service supervision phone is a setting of its own. A CAREGIVER account stands for exactly one
 * caregiver (`app_user.caregiver_id`) and holds no other role.
 *
 * The new enum value is compared as text here: PostgreSQL refuses a new value's use in the transaction
 * that adds it.
 */
export class Caregivers1765410000000 implements MigrationInterface {
  name = 'Caregivers1765410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE user_role ADD VALUE 'CAREGIVER'`);
    await q.query(`
      CREATE TABLE caregiver (
        id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organisation_id  integer NOT NULL REFERENCES organisation (id),
        jurisdiction_id  integer NOT NULL REFERENCES jurisdiction (id),
        name             text NOT NULL,
        work_card_number text NOT NULL,
        phone            text NOT NULL,
        photo_ref        text,
        specialities     text[] NOT NULL DEFAULT '{}',
        trained          boolean NOT NULL DEFAULT false,
        trained_on       date,
        training         text,
        started_on       date NOT NULL,
        left_on          date,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT caregiver_work_card_unique UNIQUE (organisation_id, work_card_number),
        CONSTRAINT caregiver_work_card_format CHECK (work_card_number ~ '^[A-Z0-9-]{1,20}$'),
        CONSTRAINT caregiver_name_length CHECK (char_length(name) BETWEEN 1 AND 50),
        CONSTRAINT caregiver_photo_ref_length CHECK (photo_ref IS NULL OR char_length(photo_ref) BETWEEN 1 AND 200),
        CONSTRAINT caregiver_specialities CHECK (specialities <@ ARRAY[${SERVICE_ITEMS.map((item) => `'${item}'`).join(', ')}]::text[]),
        CONSTRAINT caregiver_training_dated CHECK ((trained_on IS NULL) = (training IS NULL) AND (trained_on IS NOT NULL OR NOT trained)),
        CONSTRAINT caregiver_left_after_start CHECK (left_on IS NULL OR left_on >= started_on)
      )`);
    await q.query(`CREATE INDEX caregiver_jurisdiction ON caregiver (jurisdiction_id, id)`);

    await q.query(`
      CREATE TABLE caregiver_ban (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        caregiver_id    integer NOT NULL REFERENCES caregiver (id),
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        reason          text NOT NULL,
        from_day        date NOT NULL,
        until_day       date NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        created_by      integer REFERENCES app_user (id),
        CONSTRAINT caregiver_ban_reason_length CHECK (char_length(reason) BETWEEN 1 AND 500),
        CONSTRAINT caregiver_ban_period CHECK (until_day >= from_day)
      )`);
    await q.query(`CREATE INDEX caregiver_ban_caregiver ON caregiver_ban (caregiver_id, from_day)`);
    await q.query(`
      CREATE FUNCTION caregiver_ban_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a caregiver ban is a dated record: it is never changed or deleted';
      END $$`);
    await q.query(`CREATE TRIGGER caregiver_ban_kept BEFORE UPDATE OR DELETE ON caregiver_ban FOR EACH ROW EXECUTE FUNCTION caregiver_ban_kept()`);

    await q.query(`
      CREATE TABLE service_supervision_phone (
        jurisdiction_id integer PRIMARY KEY REFERENCES jurisdiction (id),
        phone           text NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        updated_by      integer REFERENCES app_user (id)
      )`);

    await q.query(`ALTER TABLE app_user ADD COLUMN caregiver_id integer REFERENCES caregiver (id)`);
    await q.query(`CREATE UNIQUE INDEX app_user_caregiver ON app_user (caregiver_id) WHERE caregiver_id IS NOT NULL`);
    await q.query(`
      ALTER TABLE app_user ADD CONSTRAINT app_user_caregiver_link CHECK (
        ('CAREGIVER' = ANY (roles::text[])) = (caregiver_id IS NOT NULL)
        AND (caregiver_id IS NULL OR cardinality(roles) = 1))`);
  }

  async down(q: QueryRunner): Promise<void> {
    const [{ used }] = await q.query(
      `SELECT EXISTS (SELECT 1 FROM app_user WHERE 'CAREGIVER' = ANY (roles::text[]))
           OR EXISTS (SELECT 1 FROM audit_entry WHERE actor_role::text = 'CAREGIVER') AS used`,
    );
    if (used) throw new Error('CAREGIVER is still held by an account or named in the audit trail: the role cannot be removed');
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_caregiver_link`);
    await q.query(`DROP INDEX app_user_caregiver`);
    await q.query(`ALTER TABLE app_user DROP COLUMN caregiver_id`);
    await q.query(`DROP TABLE service_supervision_phone`);
    await q.query(`DROP TRIGGER caregiver_ban_kept ON caregiver_ban`);
    await q.query(`DROP FUNCTION caregiver_ban_kept()`);
    await q.query(`DROP TABLE caregiver_ban`);
    await q.query(`DROP TABLE caregiver`);
    // An enum value cannot be dropped: the type is made again without it.
    await q.query(`ALTER TYPE user_role RENAME TO user_role_with_caregiver`);
    await q.query(`CREATE TYPE user_role AS ENUM (${ROLES_BEFORE.map((role) => `'${role}'`).join(', ')})`);
    await q.query(`ALTER TABLE app_user ALTER COLUMN roles TYPE user_role[] USING roles::text[]::user_role[]`);
    await q.query(`ALTER TABLE audit_entry ALTER COLUMN actor_role TYPE user_role USING actor_role::text::user_role`);
    await q.query(`DROP TYPE user_role_with_caregiver`);
  }
}
