import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The elderly registry (people, hardship categories, ability assessments) and the subsidy policies set per level. */
export class ElderlyAndPolicies1764028800000 implements MigrationInterface {
  name = 'ElderlyAndPolicies1764028800000';

  async up(q: QueryRunner): Promise<void> {
    // Versions of one scheme must not overlap: an exclusion constraint over (scheme, months) needs btree_gist.
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`CREATE TYPE sex AS ENUM ('MALE', 'FEMALE')`);
    await q.query(`CREATE TYPE person_status AS ENUM ('ACTIVE', 'MOVED_AWAY', 'DECEASED')`);
    await q.query(`CREATE TYPE living_situation AS ENUM ('EMPTY_NEST', 'ALONE', 'LEFT_BEHIND')`);
    await q.query(`CREATE TYPE hardship_category AS ENUM (
      'EXTREME_POVERTY_DISPERSED', 'EXTREME_POVERTY_CENTRALIZED', 'MINIMUM_LIVING_ALLOWANCE', 'NEAR_MINIMUM_ALLOWANCE',
      'LOW_INCOME', 'LIFTED_FROM_POVERTY', 'BEREAVED_PARENTS', 'ENTITLED_GROUPS', 'THREE_NOS', 'CHILDLESS_WIDOWED',
      'DISABILITY', 'MODEL_WORKER', 'WORKED_BEFORE_1949')`);
    await q.query(`CREATE TYPE ability_level AS ENUM ('INTACT', 'MILD', 'MODERATE', 'SEVERE', 'DEMENTIA')`);

    // A person belongs to the village they live in (scope, roll-ups, schemes); 户籍 may lie anywhere in the tree.
    await q.query(`
      CREATE TABLE person (
        id                            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        national_id                   char(18) COLLATE "C" NOT NULL,
        name                          text NOT NULL,
        sex                           sex NOT NULL,
        birth_date                    date NOT NULL,
        phone                         text,
        address                       text,
        village_id                    integer NOT NULL REFERENCES jurisdiction (id),
        resident_since                date,
        hukou_jurisdiction_id         integer NOT NULL REFERENCES jurisdiction (id),
        living_situations             living_situation[] NOT NULL DEFAULT '{}',
        own_monthly_income_fen        bigint,
        household_monthly_income_fen  bigint,
        status                        person_status NOT NULL DEFAULT 'ACTIVE',
        status_since                  date,
        created_by                    integer REFERENCES app_user (id),
        created_at                    timestamptz NOT NULL DEFAULT now(),
        updated_at                    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT person_national_id_unique UNIQUE (national_id),
        CONSTRAINT person_national_id_format CHECK (national_id ~ '^[0-9]{17}[0-9X]$'),
        CONSTRAINT person_name_length CHECK (char_length(name) BETWEEN 1 AND 50),
        CONSTRAINT person_phone_length CHECK (phone IS NULL OR char_length(phone) <= 20),
        CONSTRAINT person_address_length CHECK (address IS NULL OR char_length(address) <= 200),
        CONSTRAINT person_incomes CHECK (coalesce(own_monthly_income_fen, 0) >= 0 AND coalesce(household_monthly_income_fen, 0) >= 0),
        CONSTRAINT person_status_since CHECK ((status = 'ACTIVE') = (status_since IS NULL))
      )`);
    await q.query(`CREATE INDEX person_village ON person (village_id, id)`);
    await q.query(`CREATE INDEX person_hukou ON person (hukou_jurisdiction_id)`);
    await q.query(`CREATE INDEX person_name_trgm ON person USING gin (name gin_trgm_ops)`);

    // Categories are dated: a month is judged by the categories in force at its end. valid_to is exclusive.
    await q.query(`
      CREATE TABLE person_category (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_id        integer NOT NULL REFERENCES person (id),
        category         hardship_category NOT NULL,
        disability_grade smallint,
        valid_from       date NOT NULL,
        valid_to         date,
        recorded_by      integer REFERENCES app_user (id),
        recorded_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT person_category_grade CHECK ((category = 'DISABILITY') = (disability_grade IS NOT NULL)
          AND coalesce(disability_grade, 1) BETWEEN 1 AND 4),
        CONSTRAINT person_category_period CHECK (valid_to IS NULL OR valid_to > valid_from)
      )`);
    await q.query(`CREATE INDEX person_category_person ON person_category (person_id, valid_from)`);
    await q.query(`CREATE UNIQUE INDEX person_category_open ON person_category (person_id, category) WHERE valid_to IS NULL`);

    await q.query(`
      CREATE TABLE ability_assessment (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_id   integer NOT NULL REFERENCES person (id),
        level       ability_level NOT NULL,
        assessed_on date NOT NULL,
        valid_until date NOT NULL,
        assessor    text NOT NULL,
        note        text,
        recorded_by integer REFERENCES app_user (id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ability_assessment_validity CHECK (valid_until >= assessed_on),
        CONSTRAINT ability_assessment_assessor_length CHECK (char_length(assessor) BETWEEN 1 AND 100),
        CONSTRAINT ability_assessment_note_length CHECK (note IS NULL OR char_length(note) <= 500)
      )`);
    await q.query(`CREATE INDEX ability_assessment_person ON ability_assessment (person_id, assessed_on, id)`);

    // Subsidy schemes belong to the jurisdiction that sets them. What a scheme pays, to whom and who
    // funds it lives in versions with a span of months; a version in force is never edited.
    await q.query(`CREATE TYPE scheme_kind AS ENUM ('OLD_AGE_ALLOWANCE', 'HARDSHIP_CARE_SUBSIDY', 'HOME_CARE_SUBSIDY')`);
    await q.query(`CREATE TYPE tier_combination AS ENUM ('HIGHEST', 'STACK')`);
    await q.query(`
      CREATE TABLE subsidy_scheme (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        name            text NOT NULL,
        kind            scheme_kind NOT NULL,
        created_by      integer REFERENCES app_user (id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT subsidy_scheme_name_unique UNIQUE (jurisdiction_id, name),
        CONSTRAINT subsidy_scheme_name_length CHECK (char_length(name) BETWEEN 1 AND 100)
      )`);
    await q.query(`
      CREATE TABLE subsidy_scheme_version (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        scheme_id       integer NOT NULL REFERENCES subsidy_scheme (id),
        from_month      date NOT NULL,
        to_month        date,
        combination     tier_combination NOT NULL,
        exclusion_group text,
        created_by      integer REFERENCES app_user (id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT subsidy_scheme_version_months CHECK (extract(day FROM from_month) = 1
          AND (to_month IS NULL OR (extract(day FROM to_month) = 1 AND to_month >= from_month))),
        CONSTRAINT subsidy_scheme_version_group CHECK (exclusion_group IS NULL OR char_length(exclusion_group) BETWEEN 1 AND 50),
        CONSTRAINT subsidy_scheme_version_no_overlap EXCLUDE USING gist (
          scheme_id WITH =, daterange(from_month, coalesce(to_month, 'infinity'), '[]') WITH &&)
      )`);
    await q.query(`
      CREATE TABLE subsidy_funding (
        version_id integer NOT NULL REFERENCES subsidy_scheme_version (id),
        level      jurisdiction_level NOT NULL,
        weight     integer NOT NULL,
        PRIMARY KEY (version_id, level),
        CONSTRAINT subsidy_funding_weight CHECK (weight BETWEEN 1 AND 10000)
      )`);
    await q.query(`
      CREATE TABLE subsidy_tier (
        id                         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        version_id                 integer NOT NULL REFERENCES subsidy_scheme_version (id),
        position                   smallint NOT NULL,
        name                       text NOT NULL,
        monthly_amount_fen         bigint NOT NULL,
        min_age                    smallint,
        max_age                    smallint,
        categories_any             hardship_category[] NOT NULL DEFAULT '{}',
        categories_all             hardship_category[] NOT NULL DEFAULT '{}',
        categories_none            hardship_category[] NOT NULL DEFAULT '{}',
        abilities                  ability_level[] NOT NULL DEFAULT '{}',
        living_situations          living_situation[] NOT NULL DEFAULT '{}',
        own_income_below_fen       bigint,
        household_income_below_fen bigint,
        hukou_required             boolean NOT NULL DEFAULT false,
        min_resident_months        smallint,
        CONSTRAINT subsidy_tier_position UNIQUE (version_id, position),
        CONSTRAINT subsidy_tier_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT subsidy_tier_amount CHECK (monthly_amount_fen BETWEEN 1 AND 100000000),
        CONSTRAINT subsidy_tier_ages CHECK (coalesce(min_age, 0) BETWEEN 0 AND 150 AND coalesce(max_age, 150) BETWEEN coalesce(min_age, 0) AND 150),
        CONSTRAINT subsidy_tier_incomes CHECK (coalesce(own_income_below_fen, 1) > 0 AND coalesce(household_income_below_fen, 1) > 0),
        CONSTRAINT subsidy_tier_residence CHECK (coalesce(min_resident_months, 0) BETWEEN 0 AND 600)
      )`);
    // Floors an upper level sets for the schemes of its subtree: every tier of that kind whose age band
    // meets the floor's pays at least the floor.
    await q.query(`
      CREATE TABLE subsidy_floor (
        id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id    integer NOT NULL REFERENCES jurisdiction (id),
        kind               scheme_kind NOT NULL,
        min_age            smallint,
        max_age            smallint,
        monthly_amount_fen bigint NOT NULL,
        from_month         date NOT NULL,
        to_month           date,
        created_by         integer REFERENCES app_user (id),
        created_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT subsidy_floor_amount CHECK (monthly_amount_fen BETWEEN 1 AND 100000000),
        CONSTRAINT subsidy_floor_ages CHECK (coalesce(min_age, 0) BETWEEN 0 AND 150 AND coalesce(max_age, 150) BETWEEN coalesce(min_age, 0) AND 150),
        CONSTRAINT subsidy_floor_months CHECK (extract(day FROM from_month) = 1
          AND (to_month IS NULL OR (extract(day FROM to_month) = 1 AND to_month >= from_month)))
      )`);
    await q.query(`CREATE INDEX subsidy_scheme_jurisdiction ON subsidy_scheme (jurisdiction_id)`);
    await q.query(`CREATE INDEX subsidy_tier_version ON subsidy_tier (version_id, position)`);
    await q.query(`CREATE INDEX subsidy_floor_jurisdiction ON subsidy_floor (jurisdiction_id, kind)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subsidy_floor`);
    await q.query(`DROP TABLE subsidy_tier`);
    await q.query(`DROP TABLE subsidy_funding`);
    await q.query(`DROP TABLE subsidy_scheme_version`);
    await q.query(`DROP TABLE subsidy_scheme`);
    await q.query(`DROP TYPE tier_combination`);
    await q.query(`DROP TYPE scheme_kind`);
    await q.query(`DROP TABLE ability_assessment`);
    await q.query(`DROP TABLE person_category`);
    await q.query(`DROP TABLE person`);
    await q.query(`DROP TYPE ability_level`);
    await q.query(`DROP TYPE hardship_category`);
    await q.query(`DROP TYPE living_situation`);
    await q.query(`DROP TYPE person_status`);
    await q.query(`DROP TYPE sex`);
  }
}
