import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the money for elderly care comes from (资金来源, seeds 001, 003, 004): each level's budget lines per
 * year by source and purpose, and the share of its retained lottery fund (福彩公益金) a level states it puts
 * into elderly care. A line or a rule is corrected by recording it again: the current row steps aside
 * (superseded_at) and stays, and the new one names the row it replaced.
 */
export class Funding1765490000000 implements MigrationInterface {
  name = 'Funding1765490000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE budget_line (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        year            integer NOT NULL,
        source          text NOT NULL,
        purpose         text NOT NULL,
        amount_fen      bigint NOT NULL,
        note            text,
        recorded_by     integer NOT NULL REFERENCES app_user (id),
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        supersedes      bigint REFERENCES budget_line (id),
        superseded_at   timestamptz,
        CONSTRAINT budget_line_year CHECK (year BETWEEN 1949 AND 2200),
        CONSTRAINT budget_line_source CHECK (source IN ('LOTTERY_WELFARE_FUND', 'GENERAL_BUDGET', 'SOCIAL_DONATION', 'INDIVIDUAL', 'COLLECTIVE_ECONOMY', 'OTHER')),
        CONSTRAINT budget_line_purpose CHECK (purpose IN ('ELDERLY_CARE', 'RETAINED_TOTAL')),
        -- Only the lottery fund has a retained total of which elderly care takes a part.
        CONSTRAINT budget_line_retained CHECK (purpose = 'ELDERLY_CARE' OR source = 'LOTTERY_WELFARE_FUND'),
        CONSTRAINT budget_line_amount CHECK (amount_fen >= 0)
      )
    `);
    await q.query(`
      CREATE UNIQUE INDEX budget_line_current ON budget_line (year, jurisdiction_id, source, purpose) WHERE superseded_at IS NULL
    `);
    await q.query(`CREATE INDEX budget_line_history ON budget_line (jurisdiction_id, year, recorded_at)`);
    await q.query(`
      CREATE TABLE lottery_fund_rule (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jurisdiction_id integer NOT NULL REFERENCES jurisdiction (id),
        from_year       integer NOT NULL,
        -- null: from that year the level states no such rule
        min_percent     integer,
        source          text NOT NULL,
        recorded_by     integer NOT NULL REFERENCES app_user (id),
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        supersedes      bigint REFERENCES lottery_fund_rule (id),
        superseded_at   timestamptz,
        CONSTRAINT lottery_fund_rule_year CHECK (from_year BETWEEN 1949 AND 2200),
        CONSTRAINT lottery_fund_rule_percent CHECK (min_percent BETWEEN 1 AND 100)
      )
    `);
    await q.query(`
      CREATE UNIQUE INDEX lottery_fund_rule_current ON lottery_fund_rule (jurisdiction_id, from_year) WHERE superseded_at IS NULL
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lottery_fund_rule`);
    await q.query(`DROP TABLE budget_line`);
  }
}
