import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The jurisdiction tree, users with roles, the audit trail and settings. */
export class Foundation1763856000000 implements MigrationInterface {
  name = 'Foundation1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS ltree`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await q.query(`CREATE TYPE jurisdiction_level AS ENUM ('PROVINCE', 'CITY', 'COUNTY', 'TOWN', 'VILLAGE')`);
    await q.query(`CREATE TYPE town_kind AS ENUM ('SUBDISTRICT', 'TOWN', 'TOWNSHIP', 'OTHER')`);
    await q.query(`CREATE TYPE village_kind AS ENUM ('COMMUNITY', 'VILLAGE', 'OTHER')`);
    await q.query(`
      CREATE TABLE jurisdiction (
        id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code          varchar(12) COLLATE "C" NOT NULL,
        name          text NOT NULL,
        level         jurisdiction_level NOT NULL,
        parent_id     integer REFERENCES jurisdiction (id),
        -- codes from the province down, e.g. 32.3210.321012: descendants of X are path <@ X.path
        path          ltree NOT NULL,
        town_kind     town_kind,
        village_kind  village_kind,
        city_count    integer NOT NULL DEFAULT 0,
        county_count  integer NOT NULL DEFAULT 0,
        town_count    integer NOT NULL DEFAULT 0,
        village_count integer NOT NULL DEFAULT 0,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT jurisdiction_code_unique UNIQUE (code),
        CONSTRAINT jurisdiction_code_digits CHECK (code ~ '^[0-9]+$'),
        CONSTRAINT jurisdiction_code_length CHECK (length(code) = CASE level
          WHEN 'PROVINCE' THEN 2 WHEN 'CITY' THEN 4 WHEN 'COUNTY' THEN 6 WHEN 'TOWN' THEN 9 ELSE 12 END),
        CONSTRAINT jurisdiction_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT jurisdiction_root CHECK ((level = 'PROVINCE') = (parent_id IS NULL)),
        CONSTRAINT jurisdiction_path_ends_in_code CHECK (subpath(path, -1)::text = code),
        CONSTRAINT jurisdiction_town_kind CHECK ((town_kind IS NOT NULL) = (level = 'TOWN')),
        CONSTRAINT jurisdiction_village_kind CHECK ((village_kind IS NOT NULL) = (level = 'VILLAGE'))
      )`);
    await q.query(`CREATE INDEX jurisdiction_path_gist ON jurisdiction USING gist (path)`);
    await q.query(`CREATE INDEX jurisdiction_parent_code ON jurisdiction (parent_id, code)`);
    await q.query(`CREATE INDEX jurisdiction_level_code ON jurisdiction (level, code)`);
    await q.query(`CREATE INDEX jurisdiction_name_trgm ON jurisdiction USING gin (name gin_trgm_ops)`);

    await q.query(`CREATE TYPE user_role AS ENUM (
      'PLATFORM_ADMIN', 'CIVIL_AFFAIRS_ADMIN', 'CIVIL_AFFAIRS_STAFF', 'LEADERSHIP_OFFICE', 'FINANCE',
      'VILLAGE_WORKER', 'SERVICE_PROVIDER', 'ASSESSOR', 'ANALYST')`);
    await q.query(`
      CREATE TABLE app_user (
        id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username            varchar(64) NOT NULL,
        display_name        text,
        password_hash       text NOT NULL,
        jurisdiction_id     integer NOT NULL REFERENCES jurisdiction (id),
        roles               user_role[] NOT NULL,
        active              boolean NOT NULL DEFAULT true,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_user_username_unique UNIQUE (username),
        CONSTRAINT app_user_username_format CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{2,63}$'),
        CONSTRAINT app_user_roles_present CHECK (cardinality(roles) >= 1)
      )`);
    await q.query(`CREATE INDEX app_user_jurisdiction ON app_user (jurisdiction_id)`);

    await q.query(`CREATE TYPE audit_outcome AS ENUM ('SUCCESS', 'FAILURE')`);
    await q.query(`
      CREATE TABLE audit_entry (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at              timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id        integer REFERENCES app_user (id),
        actor_username  text,
        actor_role      user_role,
        jurisdiction_id integer REFERENCES jurisdiction (id),
        action          text NOT NULL,
        target_type     text,
        target_ids      text[] NOT NULL DEFAULT '{}',
        outcome         audit_outcome NOT NULL,
        error_code      text,
        detail          jsonb,
        request_id      text
      )`);
    await q.query(`CREATE INDEX audit_entry_jurisdiction_at ON audit_entry (jurisdiction_id, at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_entry_at ON audit_entry (at DESC, id DESC)`);
    // The trail is append-only: what happened stays as it was written.
    await q.query(`
      CREATE FUNCTION audit_entry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit entries cannot be changed or deleted';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_entry_immutable BEFORE UPDATE OR DELETE ON audit_entry
      FOR EACH ROW EXECUTE FUNCTION audit_entry_immutable()`);

    await q.query(`
      CREATE TABLE app_setting (
        key        text PRIMARY KEY,
        value      jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE app_setting`);
    await q.query(`DROP TABLE audit_entry`);
    await q.query(`DROP FUNCTION audit_entry_immutable`);
    await q.query(`DROP TYPE audit_outcome`);
    await q.query(`DROP TABLE app_user`);
    await q.query(`DROP TYPE user_role`);
    await q.query(`DROP TABLE jurisdiction`);
    await q.query(`DROP TYPE village_kind`);
    await q.query(`DROP TYPE town_kind`);
    await q.query(`DROP TYPE jurisdiction_level`);
  }
}
