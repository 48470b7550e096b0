import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monthly entitlement run: the lines it stores (one per person and paying scheme, with each
 * funding level's share) and the totals rolled up to every ancestor of the people's villages.
 */
export class EntitlementRuns1764201600000 implements MigrationInterface {
  name = 'EntitlementRuns1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE entitlement_run (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        month           date NOT NULL,
        started_by      integer REFERENCES app_user (id),
        started_at      timestamptz NOT NULL DEFAULT now(),
        finished_at     timestamptz,
        people          integer NOT NULL DEFAULT 0,
        recipients      integer NOT NULL DEFAULT 0,
        lines           integer NOT NULL DEFAULT 0,
        replaced_lines  integer NOT NULL DEFAULT 0,
        amount_fen      bigint NOT NULL DEFAULT 0,
        CONSTRAINT entitlement_run_month CHECK (extract(day FROM month) = 1)
      )`);
    await q.query(`CREATE INDEX entitlement_run_month_jurisdiction ON entitlement_run (month, jurisdiction_id)`);

    // A run replaces every line of its subtree for the month, so a person has at most one line per
    // scheme and month wherever they lived when it was computed. The shares add up to the amount.
    // Lines are written only by the run, from people and schemes it has just read in the same
    // snapshot (and neither is ever deleted): no foreign keys to check a million times a run.
    await q.query(`
      CREATE TABLE entitlement_line (
        month         date NOT NULL,
        person_id     integer NOT NULL,
        scheme_id     integer NOT NULL,
        version_id    integer NOT NULL,
        village_id    integer NOT NULL,
        run_id        integer NOT NULL,
        tier_ids      integer[] NOT NULL,
        amount_fen    bigint NOT NULL,
        province_fen  bigint NOT NULL,
        city_fen      bigint NOT NULL,
        county_fen    bigint NOT NULL,
        town_fen      bigint NOT NULL,
        village_fen   bigint NOT NULL,
        PRIMARY KEY (month, person_id, scheme_id),
        CONSTRAINT entitlement_line_amount CHECK (amount_fen > 0),
        CONSTRAINT entitlement_line_shares CHECK (province_fen + city_fen + county_fen + town_fen + village_fen = amount_fen)
      )`);
    await q.query(`CREATE INDEX entitlement_line_village ON entitlement_line (month, village_id)`);

    // Totals per node, month and scheme; scheme_id 0 holds all schemes together (recipients counted once).
    await q.query(`
      CREATE TABLE entitlement_total (
        month         date NOT NULL,
        node_id       integer NOT NULL REFERENCES jurisdiction (id),
        scheme_id     integer NOT NULL,
        recipients    integer NOT NULL,
        amount_fen    bigint NOT NULL,
        province_fen  bigint NOT NULL,
        city_fen      bigint NOT NULL,
        county_fen    bigint NOT NULL,
        town_fen      bigint NOT NULL,
        village_fen   bigint NOT NULL,
        PRIMARY KEY (month, node_id, scheme_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE entitlement_total`);
    await q.query(`DROP TABLE entitlement_line`);
    await q.query(`DROP TABLE entitlement_run`);
  }
}
