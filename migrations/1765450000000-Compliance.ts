import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The code lengths of the levels: a recipient's month counts at their village and at each ancestor. */
const LEVEL_LENGTHS = 'ARRAY[2, 4, 6, 9, 12]';

const FIGURES = ['recipients', 'met', 'required', 'owed', 'verified', 'minutes', 'void_orders'];

/**
 * What one recipient's month adds to its nodes, live and (once closed) as closed: a recipient to serve
 * is one whose month asks for visits (its requirement and the make-up owed); met when the verified
 * visits cover both.
 */
const monthRows = (source: string, sign: number) => `
  SELECT village_code, month, false AS closed, ${sign} AS d, (required + owed > 0)::int AS recipients,
    (required + owed > 0 AND verified >= required + owed)::int AS met, required, owed, verified, minutes, void_orders
  FROM ${source}
  UNION ALL
  SELECT village_code, month, true, ${sign}, (closed_required + closed_owed > 0)::int,
    (closed_required + closed_owed > 0 AND closed_verified >= closed_required + closed_owed)::int,
    closed_required, closed_owed, closed_verified, closed_minutes, closed_void
  FROM ${source} WHERE closed_at IS NOT NULL`;

/** Adds the differences of the months to every node on their paths, in one statement, in key order (as case_figure). */
const addAlongPaths = (parts: string[]) => `
  INSERT INTO care_figure AS f (node_code, level_length, month, closed, ${FIGURES.join(', ')})
  SELECT left(x.village_code, l.len), l.len, x.month, x.closed, ${FIGURES.map((c) => `sum(x.d * x.${c})`).join(', ')}
  FROM (${parts.join(' UNION ALL ')}) x CROSS JOIN unnest(${LEVEL_LENGTHS}) AS l (len)
  GROUP BY 1, 2, 3, 4 HAVING ${FIGURES.map((c) => `sum(x.d * x.${c}) <> 0`).join(' OR ')}
  ORDER BY 1, 3, 4
  ON CONFLICT (node_code, month, closed) DO UPDATE SET ${FIGURES.map((c) => `${c} = f.${c} + excluded.${c}`).join(', ')}`;

/** The decided orders of a transition table, each counted `sign` times on its service day's month for its person. */
const orderRows = (source: string, sign: number) =>
  `SELECT person_id, date_trunc('month', service_day)::date AS month, village_code, ${sign} * (state = 'VERIFIED')::int AS verified,
     ${sign} * CASE WHEN state = 'VERIFIED' THEN minutes ELSE 0 END AS minutes, ${sign} * (state = 'VOID')::int AS void_orders
   FROM ${source} WHERE state IN ('VERIFIED', 'VOID')`;

/** Adds the orders' differences to their recipients' months (a month first seen through an order is created unplanned). */
const addToMonths = (parts: string[]) => `
  INSERT INTO care_month AS c (person_id, month, village_code, verified, minutes, void_orders)
  SELECT x.person_id, x.month, min(x.village_code), sum(x.verified), sum(x.minutes), sum(x.void_orders)
  FROM (${parts.join(' UNION ALL ')}) x
  GROUP BY 1, 2 HAVING sum(x.verified) <> 0 OR sum(x.minutes) <> 0 OR sum(x.void_orders) <> 0
  ORDER BY 1, 2
  ON CONFLICT (person_id, month) DO UPDATE
  SET verified = c.verified + excluded.verified, minutes = c.minutes + excluded.minutes, void_orders = c.void_orders + excluded.void_orders`;

/**
 * Visit compliance (docs/compliance.md).
 *
 * - `care_month`: one row per recipient and month. The verified visits, their minutes and the void
 *   orders are kept by statement triggers on work_order (a VERIFIED or VOID order counts on its service
 *   day's month for its person), whoever writes an order; the requirement, the make-up owed and whether
 *   the month's shortfall may be made up next month are written when the month is planned and again
 *   when it is closed; closing copies the month's figures into the `closed_*` columns, which only an
 *   explicit re-close changes.
 * - `care_figure`: per node (the row's village and every ancestor), month and basis (live, or as
 *   closed), the sums of the recipients' months, kept by statement triggers on care_month as
 *   case_figure is kept (docs/adr/0007): a node's board and its children are index ranges.
 * - `care_month_close`: which nodes closed which month, when and by whom.
 * - The target metric VISIT_COMPLIANCE_SHARE.
 */
export class Compliance1765450000000 implements MigrationInterface {
  name = 'Compliance1765450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE care_month (
        person_id       integer NOT NULL REFERENCES person (id),
        month           date NOT NULL,
        village_code    varchar(12) COLLATE "C" NOT NULL,
        enrolled        boolean NOT NULL DEFAULT false,
        required        integer NOT NULL DEFAULT 0,
        owed            integer NOT NULL DEFAULT 0,
        make_up         boolean NOT NULL DEFAULT false,
        planned_at      timestamptz,
        verified        integer NOT NULL DEFAULT 0,
        minutes         integer NOT NULL DEFAULT 0,
        void_orders     integer NOT NULL DEFAULT 0,
        closed_at       timestamptz,
        closed_required integer,
        closed_owed     integer,
        closed_verified integer,
        closed_minutes  integer,
        closed_void     integer,
        PRIMARY KEY (person_id, month),
        CONSTRAINT care_month_first_day CHECK (extract(day FROM month) = 1),
        -- The order counts are not checked here: an order's change is proposed as a difference (ON CONFLICT adds it).
        CONSTRAINT care_month_plan CHECK (required >= 0 AND owed >= 0),
        CONSTRAINT care_month_closed CHECK ((closed_at IS NULL) = (closed_required IS NULL) AND (closed_at IS NULL) = (closed_owed IS NULL)
          AND (closed_at IS NULL) = (closed_verified IS NULL) AND (closed_at IS NULL) = (closed_minutes IS NULL) AND (closed_at IS NULL) = (closed_void IS NULL))
      )`);
    await q.query(`CREATE INDEX care_month_village ON care_month (month, village_code COLLATE "C")`);

    await q.query(`
      CREATE TABLE care_figure (
        node_code    varchar(12) COLLATE "C" NOT NULL,
        level_length smallint NOT NULL,
        month        date NOT NULL,
        closed       boolean NOT NULL,
        recipients   integer NOT NULL,
        met          integer NOT NULL,
        required     integer NOT NULL,
        owed         integer NOT NULL,
        verified     integer NOT NULL,
        minutes      bigint NOT NULL,
        void_orders  integer NOT NULL,
        PRIMARY KEY (node_code, month, closed),
        CONSTRAINT care_figure_level CHECK (level_length = char_length(node_code))
      )`);
    // A node's children: one level, one month, one code range.
    await q.query(`CREATE INDEX care_figure_children ON care_figure (level_length, month, node_code) INCLUDE (closed, ${FIGURES.join(', ')})`);

    await q.query(`
      CREATE TABLE care_month_close (
        node_code  varchar(12) COLLATE "C" NOT NULL,
        month      date NOT NULL,
        closed_at  timestamptz NOT NULL DEFAULT now(),
        closed_by  integer REFERENCES app_user (id),
        closes     integer NOT NULL DEFAULT 1,
        PRIMARY KEY (node_code, month),
        CONSTRAINT care_month_close_first_day CHECK (extract(day FROM month) = 1)
      )`);

    await q.query(`
      CREATE FUNCTION care_figure_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addAlongPaths([monthRows('new_months', 1)])}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION care_figure_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addAlongPaths([monthRows('new_months', 1), monthRows('old_months', -1)])}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION care_figure_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addAlongPaths([monthRows('old_months', -1)])}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION care_figure_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN DELETE FROM care_figure; RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER care_figure_insert AFTER INSERT ON care_month REFERENCING NEW TABLE AS new_months
      FOR EACH STATEMENT EXECUTE FUNCTION care_figure_insert()`);
    await q.query(`CREATE TRIGGER care_figure_update AFTER UPDATE ON care_month REFERENCING OLD TABLE AS old_months NEW TABLE AS new_months
      FOR EACH STATEMENT EXECUTE FUNCTION care_figure_update()`);
    await q.query(`CREATE TRIGGER care_figure_delete AFTER DELETE ON care_month REFERENCING OLD TABLE AS old_months
      FOR EACH STATEMENT EXECUTE FUNCTION care_figure_delete()`);
    await q.query(`CREATE TRIGGER care_figure_truncate AFTER TRUNCATE ON care_month FOR EACH STATEMENT EXECUTE FUNCTION care_figure_truncate()`);

    await q.query(`
      CREATE FUNCTION care_month_orders_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addToMonths([orderRows('new_orders', 1)])}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION care_month_orders_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addToMonths([orderRows('new_orders', 1), orderRows('old_orders', -1)])}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION care_month_orders_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${addToMonths([orderRows('old_orders', -1)])}; RETURN NULL; END $$`);
    await q.query(`
      CREATE FUNCTION care_month_orders_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE care_month SET verified = 0, minutes = 0, void_orders = 0 WHERE verified <> 0 OR minutes <> 0 OR void_orders <> 0; RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER care_month_orders_insert AFTER INSERT ON work_order REFERENCING NEW TABLE AS new_orders
      FOR EACH STATEMENT EXECUTE FUNCTION care_month_orders_insert()`);
    await q.query(`CREATE TRIGGER care_month_orders_update AFTER UPDATE ON work_order REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders
      FOR EACH STATEMENT EXECUTE FUNCTION care_month_orders_update()`);
    await q.query(`CREATE TRIGGER care_month_orders_delete AFTER DELETE ON work_order REFERENCING OLD TABLE AS old_orders
      FOR EACH STATEMENT EXECUTE FUNCTION care_month_orders_delete()`);
    await q.query(`CREATE TRIGGER care_month_orders_truncate AFTER TRUNCATE ON work_order FOR EACH STATEMENT EXECUTE FUNCTION care_month_orders_truncate()`);
    // The orders already decided.
    await q.query(addToMonths([orderRows('work_order', 1)]));

    // A county follows "≥ 95 % of recipients served as required" on its boards.
    await q.query(`ALTER TYPE target_metric ADD VALUE IF NOT EXISTS 'VISIT_COMPLIANCE_SHARE'`);
  }

  async down(q: QueryRunner): Promise<void> {
    // PostgreSQL cannot drop an enum value: the targets of the metric go, VISIT_COMPLIANCE_SHARE stays unused in target_metric.
    await q.query(`DELETE FROM target WHERE metric = 'VISIT_COMPLIANCE_SHARE'`);
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER care_month_orders_${op} ON work_order`);
      await q.query(`DROP FUNCTION care_month_orders_${op}()`);
    }
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER care_figure_${op} ON care_month`);
      await q.query(`DROP FUNCTION care_figure_${op}()`);
    }
    await q.query(`DROP TABLE care_month_close`);
    await q.query(`DROP TABLE care_figure`);
    await q.query(`DROP TABLE care_month`);
  }
}
