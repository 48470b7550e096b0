import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';

/** A node's sums of its recipients' months, on one basis (live, or as closed). */
export interface ComplianceSums {
  code: string;
  closed: boolean;
  recipients: number;
  met: number;
  required: number;
  owed: number;
  verified: number;
  minutes: number;
  voidOrders: number;
}

/** A recipient's month as stored (live figures, and the closed ones once closed). */
export interface CareMonthRow {
  villageCode: string;
  enrolled: boolean;
  required: number;
  owed: number;
  makeUp: boolean;
  plannedAt: Date | null;
  verified: number;
  minutes: number;
  voidOrders: number;
  closedAt: Date | null;
  closedRequired: number | null;
  closedOwed: number | null;
  closedVerified: number | null;
  closedMinutes: number | null;
  closedVoid: number | null;
}

/** A requirement to store: the visits of the month and whether its shortfall may be made up next month. */
export interface StoredRequirement {
  personId: number;
  villageCode: string;
  required: number;
  makeUp: boolean;
}

export interface CountedVisit {
  orderId: number;
  serviceDay: string;
  minutes: number;
}

/** A recipient's month as its view reads it. */
export interface RecipientMonthRow {
  villageCode: string;
  month: CareMonthRow | null;
  next: CareMonthRow | null;
  visits: CountedVisit[];
  distinctItems: number;
}

// Advisory locks of month runs: this namespace, and the province × month (plans and closes of a province's
// month take turns: a close reads what a plan writes).
const MONTH_RUN_LOCK = 0x636d6f6e;

const SUMS = `f.node_code AS code, f.closed, f.recipients, f.met, f.required, f.owed, f.verified, f.minutes::int AS minutes, f.void_orders AS "voidOrders"`;

// The rows of a month at or below a node: one range of the (month, village_code) index.
const UNDER = `c.month = $2::date AND c.village_code >= ($1::text) COLLATE "C" AND c.village_code < ($1::text || ':') COLLATE "C"`;

const MONTH_COLUMNS = `c.village_code AS "villageCode", c.enrolled, c.required, c.owed, c.make_up AS "makeUp", c.planned_at AS "plannedAt",
  c.verified, c.minutes, c.void_orders AS "voidOrders", c.closed_at AS "closedAt", c.closed_required AS "closedRequired",
  c.closed_owed AS "closedOwed", c.closed_verified AS "closedVerified", c.closed_minutes AS "closedMinutes", c.closed_void AS "closedVoid"`;

export const complianceRepository = {
  /** Waits for the province's other runs of the month (plans and closes), until the transaction ends. */
  async lockMonth(tx: EntityManager, code: string, month: string): Promise<void> {
    const key = Number(code.slice(0, 2)) * 1_000_000 + Number(month.slice(0, 4)) * 100 + Number(month.slice(5, 7));
    await tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [MONTH_RUN_LOCK, key]);
  },

  /** The months from `from` on already planned in the county of the person's village (some recipient's month there planned), with the village. */
  async plannedMonthsAroundVillageOf(db: EntityManager, personId: number, from: string): Promise<{ villageCode: string; month: string }[]> {
    return db.query(
      `SELECT DISTINCT v.code AS "villageCode", to_char(c.month, 'YYYY-MM') AS month
       FROM person p JOIN jurisdiction v ON v.id = p.village_id
       JOIN care_month c ON c.month >= $2::date AND c.village_code >= left(v.code, 6) COLLATE "C" AND c.village_code < (left(v.code, 6) || ':') COLLATE "C"
       WHERE p.id = $1 AND c.planned_at IS NOT NULL ORDER BY 2`,
      [personId, `${from}-01`],
    );
  },

  /** The closes of the month at the node, above it or below it. */
  async closesAround(db: EntityManager, code: string, prefixes: readonly string[], month: string): Promise<{ code: string; closedAt: Date }[]> {
    return db.query(
      `SELECT node_code AS code, closed_at AS "closedAt" FROM care_month_close
       WHERE month = $2::date AND (node_code = ANY($3::text[]) OR (node_code >= ($1::text) COLLATE "C" AND node_code < ($1::text || ':') COLLATE "C"))`,
      [code, `${month}-01`, prefixes],
    );
  },

  /** The closes of the month at any of `codes` (each node's own and its ancestors' codes). */
  async closesAt(db: EntityManager, codes: readonly string[], month: string): Promise<{ code: string; closedAt: Date }[]> {
    return namedQuery(
      db,
      'care_month_closes_at',
      `SELECT node_code AS code, closed_at AS "closedAt" FROM care_month_close WHERE month = $2::date AND node_code = ANY($1::text[])`,
      [codes, `${month}-01`],
    );
  },

  /** Stores the requirements of enrolled recipients (planned now): their month moves to their village. */
  async storeRequirements(tx: EntityManager, month: string, rows: readonly StoredRequirement[]): Promise<void> {
    await tx.query(
      `INSERT INTO care_month AS c (person_id, month, village_code, enrolled, required, make_up, planned_at)
       SELECT r.person_id, $1::date, r.village_code, true, r.required, r.make_up, now()
       FROM unnest($2::int[], $3::text[], $4::int[], $5::boolean[]) AS r (person_id, village_code, required, make_up)
       ORDER BY r.person_id
       ON CONFLICT (person_id, month) DO UPDATE
       SET village_code = excluded.village_code, enrolled = true, required = excluded.required, make_up = excluded.make_up, planned_at = now()`,
      [`${month}-01`, rows.map((r) => r.personId), rows.map((r) => r.villageCode), rows.map((r) => r.required), rows.map((r) => r.makeUp)],
    );
  },

  /** The month's rows at or below the node that this run did not plan: nobody to serve there now. */
  async unplanOthers(tx: EntityManager, code: string, month: string): Promise<void> {
    await tx.query(
      `UPDATE care_month c SET enrolled = false, required = 0, owed = 0, make_up = false
       WHERE ${UNDER} AND c.planned_at IS DISTINCT FROM now() AND (c.enrolled OR c.required <> 0 OR c.owed <> 0 OR c.make_up)`,
      [code, `${month}-01`],
    );
  },

  /**
   * The make-up each enrolled recipient of the month at or below the node is owed: the shortfall of the
   * month before as closed (its requirement less its verified visits), when that month's rules allowed it.
   */
  async storeOwed(tx: EntityManager, code: string, month: string): Promise<void> {
    await tx.query(
      `UPDATE care_month c SET owed = x.owed
       FROM (
         SELECT c.person_id, CASE WHEN c.enrolled AND p.make_up AND p.closed_at IS NOT NULL
           THEN greatest(0, p.closed_required - p.closed_verified) ELSE 0 END AS owed
         FROM care_month c LEFT JOIN care_month p ON p.person_id = c.person_id AND p.month = ($2::date - interval '1 month')::date
         WHERE ${UNDER}
       ) x
       WHERE c.person_id = x.person_id AND c.month = $2::date AND c.owed <> x.owed`,
      [code, `${month}-01`],
    );
  },

  /** Copies the month's figures at or below the node into its closed figures. */
  async closeMonths(tx: EntityManager, code: string, month: string): Promise<void> {
    await tx.query(
      `UPDATE care_month c SET closed_at = now(), closed_required = c.required, closed_owed = c.owed, closed_verified = c.verified,
         closed_minutes = c.minutes, closed_void = c.void_orders
       WHERE ${UNDER}`,
      [code, `${month}-01`],
    );
  },

  async recordClose(tx: EntityManager, code: string, month: string, userId: number): Promise<Date> {
    const [row] = await tx.query(
      `INSERT INTO care_month_close AS k (node_code, month, closed_by) VALUES ($1, $2::date, $3)
       ON CONFLICT (node_code, month) DO UPDATE SET closed_at = now(), closed_by = excluded.closed_by, closes = k.closes + 1
       RETURNING closed_at AS "closedAt"`,
      [code, `${month}-01`, userId],
    );
    return row.closedAt;
  },

  /** The enrolled recipients and their required visits (with the make-up owed) of the month at or below the node. */
  async planned(tx: EntityManager, code: string, month: string): Promise<{ enrolled: number; required: number; owed: number }> {
    const [row] = await tx.query(
      `SELECT count(*) FILTER (WHERE c.enrolled)::int AS enrolled, coalesce(sum(c.required), 0)::int AS required, coalesce(sum(c.owed), 0)::int AS owed
       FROM care_month c WHERE ${UNDER}`,
      [code, `${month}-01`],
    );
    return row;
  },

  /** The sums of each node (by code) in the month, both bases; a node without months has no row. */
  async ofNodes(db: EntityManager, codes: readonly string[], month: string): Promise<ComplianceSums[]> {
    return namedQuery(
      db,
      'care_figures_of_nodes',
      `SELECT ${SUMS} FROM care_figure f WHERE f.node_code = ANY($1::text[]) AND f.month = $2::date`,
      [codes, `${month}-01`],
    );
  },

  /** The sums of the nodes under `code` whose codes are `childLength` long (its children) in the month, both bases. */
  async ofChildren(db: EntityManager, code: string, childLength: number, month: string): Promise<ComplianceSums[]> {
    return namedQuery(
      db,
      'care_figures_of_children',
      `SELECT ${SUMS} FROM care_figure f
       WHERE f.level_length = $2 AND f.month = $3::date AND f.node_code >= ($1::text) COLLATE "C" AND f.node_code < ($1::text || ':') COLLATE "C"`,
      [code, childLength, `${month}-01`],
    );
  },

  /**
   * The person's village, their month and the next (null where there is no row), the verified visits of the
   * month by day, and the distinct items of their verified visits from January to the month's end: one statement.
   */
  async recipientMonth(db: EntityManager, personId: number, month: string): Promise<RecipientMonthRow | null> {
    const [row] = await namedQuery<RecipientMonthRow>(
      db,
      'care_month_of_recipient',
      `SELECT v.code AS "villageCode",
         (SELECT row_to_json(m) FROM (SELECT ${MONTH_COLUMNS} FROM care_month c WHERE c.person_id = p.id AND c.month = $2::date) m) AS month,
         (SELECT row_to_json(m) FROM (SELECT ${MONTH_COLUMNS} FROM care_month c
           WHERE c.person_id = p.id AND c.month = ($2::date + interval '1 month')::date) m) AS next,
         coalesce((SELECT json_agg(json_build_object('orderId', o.id, 'serviceDay', to_char(o.service_day, 'YYYY-MM-DD'), 'minutes', o.minutes)
           ORDER BY o.service_day, o.id)
           FROM work_order o WHERE o.person_id = p.id AND o.state = 'VERIFIED'
             AND o.service_day >= $2::date AND o.service_day < ($2::date + interval '1 month')), '[]') AS visits,
         (SELECT count(DISTINCT i.item)::int FROM work_order o CROSS JOIN unnest(o.items) AS i (item)
           WHERE o.person_id = p.id AND o.state = 'VERIFIED'
             AND o.service_day >= date_trunc('year', $2::date) AND o.service_day < ($2::date + interval '1 month')) AS "distinctItems"
       FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.id = $1`,
      [personId, `${month}-01`],
    );
    return row ?? null;
  },
};
