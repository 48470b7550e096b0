import type { EntityManager } from 'typeorm';
import { VOUCHER_KINDS } from '../ledger/ledger.repository';

// Each list is one statement over a node's subtree and a period, found by division-code range on the
// indexed village codes (postings by village and month, verified orders by village and service day), and
// paged by a key of two integers so that the next page starts where this one ended.

/** Where a list is drawn: the subtree, the days, the page. */
export interface Draw {
  code: string;
  from: string;
  to: string;
  /** The last row's key of the page before, or none. */
  after: [number, number] | null;
  /** Rows to read (the page and one more, to know whether there is a next). */
  limit: number;
}

/** A row as read: its key and its columns (those of its kind). */
export type RawAnomaly = { k1: number; k2: number } & Record<string, unknown>;

const VOUCHER_KIND_LIST = `(${VOUCHER_KINDS.map((k) => `'${k}'`).join(', ')})`;

/** The subtree of $1 on a village-code column (COLLATE "C"), as an index range. */
const under = (column: string) => `${column} >= $1::text COLLATE "C" AND ${column} < ($1::text || '~') COLLATE "C"`;

/** A charge not reversed by a later posting. */
const standing = (alias: string) => `NOT EXISTS (SELECT 1 FROM ledger_posting r WHERE r.reverses_id = ${alias}.id AND r.cause = 'REVERSAL')`;

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle metres between two places (haversine, as the visits' verification measures). */
const haversine = (lat1: string, lng1: string, lat2: string, lng2: string) =>
  `(2 * ${EARTH_RADIUS_M} * asin(least(1, sqrt(power(sin(radians(${lat2} - ${lat1}) / 2), 2)
    + cos(radians(${lat1})) * cos(radians(${lat2})) * power(sin(radians(${lng2} - ${lng1}) / 2), 2)))))`;

/** The page of a kind's rows: after the key, in key order. */
async function paged(db: EntityManager, sql: string, draw: Draw, extra: unknown[] = []): Promise<RawAnomaly[]> {
  const n = 4 + extra.length;
  const rows: RawAnomaly[] = await db.query(
    `SELECT * FROM (${sql}) found WHERE $${n + 1}::int[] IS NULL OR (k1, k2) > (($${n + 1}::int[])[1], ($${n + 1}::int[])[2])
      ORDER BY k1, k2 LIMIT $4`,
    [draw.code, draw.from, draw.to, draw.limit, ...extra, draw.after],
  );
  return rows.map((row) => ({ ...row, k1: Number(row.k1), k2: Number(row.k2) }));
}

const CHARGED_AFTER_END = `
  SELECT o.id AS k1, 0 AS k2, o.person_id AS "personId", o.village_code AS "villageCode", p.organisation_id AS "organisationId",
         o.caregiver_id AS "caregiverId", to_char(o.service_day, 'YYYY-MM-DD') AS "serviceDay",
         (SELECT sum(l.amount_fen) FROM ledger_line l WHERE l.posting_id = p.id AND l.amount_fen > 0)::bigint AS "amountFen",
         CASE WHEN pe.status <> 'ACTIVE' AND o.service_day >= pe.status_since THEN pe.status::text END AS status,
         to_char(pe.status_since, 'YYYY-MM-DD') AS "statusSince",
         CASE WHEN NOT en.covered THEN to_char(en.last_month, 'YYYY-MM') END AS "lastEnrolledMonth",
         CASE WHEN fr.all_frozen THEN to_char(fr.frozen_after, 'YYYY-MM') END AS "frozenAfter"
    FROM ledger_posting p
    JOIN work_order o ON o.id = p.order_id
    JOIN person pe ON pe.id = o.person_id
    CROSS JOIN LATERAL (
      SELECT coalesce(bool_or(e.from_month <= date_trunc('month', o.service_day) AND (e.until_month IS NULL OR e.until_month >= date_trunc('month', o.service_day))), false) AS covered,
             max(e.until_month) FILTER (WHERE e.until_month < date_trunc('month', o.service_day)) AS last_month
        FROM enrolment e JOIN subsidy_scheme s ON s.id = e.scheme_id
       WHERE e.person_id = o.person_id AND s.kind IN ${VOUCHER_KIND_LIST}) en
    CROSS JOIN LATERAL (
      SELECT count(*) > 0 AND bool_and(a.frozen_after < date_trunc('month', o.service_day)) AS all_frozen, max(a.frozen_after) AS frozen_after
        FROM ledger_account a WHERE a.kind = 'SUBSIDY' AND a.person_id = o.person_id) fr
   WHERE p.cause = 'CHARGE' AND ${under('p.village_code')}
     AND p.month BETWEEN date_trunc('month', $2::date) AND $3::date AND o.service_day BETWEEN $2::date AND $3::date
     AND ${standing('p')}
     AND ((pe.status <> 'ACTIVE' AND o.service_day >= pe.status_since) OR (NOT en.covered AND en.last_month IS NOT NULL) OR fr.all_frozen)`;

/** The verified visits of the subtree and period, with their places (the later one's sign-in, the earlier one's last place). */
const VISITS = `
  SELECT o.id, o.caregiver_id, o.organisation_id, o.person_id, o.village_code, o.service_day, o.check_in_at, o.check_out_at,
         i.lat AS in_lat, i.lng AS in_lng, coalesce(x.lat, i.lat) AS last_lat, coalesce(x.lng, i.lng) AS last_lng
    FROM work_order o
    LEFT JOIN visit_event i ON i.order_id = o.id AND i.kind = 'CHECK_IN'
    LEFT JOIN visit_event x ON x.order_id = o.id AND x.kind = 'CHECK_OUT'
   WHERE o.state = 'VERIFIED' AND ${under('o.village_code')} AND o.service_day BETWEEN $2::date AND $3::date
     AND o.caregiver_id IS NOT NULL AND o.check_out_at IS NOT NULL`;

/** Pairs of one caregiver's visits: every pair that overlaps (one ending as the other begins does not), and consecutive ones too fast apart. */
const IMPOSSIBLE_SCHEDULE = `
  WITH v AS MATERIALIZED (${VISITS}),
  ordered AS (
    SELECT v.*, max(v.check_out_at) OVER w AS busy_until,
           lag(v.id) OVER (PARTITION BY v.caregiver_id ORDER BY v.check_in_at, v.id) AS prev_id
      FROM v WINDOW w AS (PARTITION BY v.caregiver_id ORDER BY v.check_in_at, v.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
  pairs AS (
    SELECT a.id AS a_id, b.id AS b_id, 'OVERLAPPING_VISITS' AS reason
      FROM ordered b JOIN v a ON a.caregiver_id = b.caregiver_id AND (a.check_in_at, a.id) < (b.check_in_at, b.id) AND a.check_out_at > b.check_in_at
     WHERE b.busy_until > b.check_in_at
    UNION ALL
    SELECT a.id, b.id, 'TOO_FAST_BETWEEN_VISITS'
      FROM ordered b JOIN v a ON a.id = b.prev_id
     WHERE b.check_in_at >= a.check_out_at AND b.in_lat IS NOT NULL AND a.last_lat IS NOT NULL
       AND ${haversine('a.last_lat', 'a.last_lng', 'b.in_lat', 'b.in_lng')} * 3.6 > $5::numeric * extract(epoch FROM b.check_in_at - a.check_out_at))
  SELECT b.id AS k1, a.id AS k2, array_agg(DISTINCT pairs.reason) AS reasons,
         a.person_id AS "personA", b.person_id AS "personB", a.village_code AS "villageA", b.village_code AS "villageB",
         b.caregiver_id AS "caregiverId", b.organisation_id AS "organisationId",
         to_char(a.service_day, 'YYYY-MM-DD') AS "dayA", to_char(b.service_day, 'YYYY-MM-DD') AS "dayB",
         round(extract(epoch FROM b.check_in_at - a.check_out_at))::int AS "gapSeconds",
         CASE WHEN b.in_lat IS NOT NULL AND a.last_lat IS NOT NULL THEN round(${haversine('a.last_lat', 'a.last_lng', 'b.in_lat', 'b.in_lng')})::int END AS "distanceMetres"
    FROM pairs JOIN v a ON a.id = pairs.a_id JOIN v b ON b.id = pairs.b_id
   GROUP BY a.id, b.id, a.person_id, b.person_id, a.village_code, b.village_code, b.caregiver_id, b.organisation_id,
            a.service_day, b.service_day, a.check_out_at, b.check_in_at, a.last_lat, a.last_lng, b.in_lat, b.in_lng`;

/**
 * The months each voucher account was charged in (standing charges only), by one provider or several, and
 * its balance after the month; runs of consecutive months at zero by one provider.
 */
const DEBITED_TO_ZERO = `
  WITH charged AS (
    SELECT l.account_id, p.month, min(p.organisation_id) AS organisation_id, count(DISTINCT p.organisation_id) AS providers,
           -sum(l.amount_fen) AS charged_fen, array_agg(p.order_id ORDER BY p.order_id) AS orders,
           min(p.person_id) AS person_id, array_agg(DISTINCT p.village_code) AS villages
      FROM ledger_posting p
      JOIN ledger_line l ON l.posting_id = p.id
      JOIN ledger_account a ON a.id = l.account_id AND a.kind = 'SUBSIDY'
     WHERE p.cause = 'CHARGE' AND ${under('p.village_code')} AND p.month BETWEEN date_trunc('month', $2::date) AND $3::date AND ${standing('p')}
     GROUP BY l.account_id, p.month),
  zero AS (
    SELECT c.*, (c.month - make_interval(months => (row_number() OVER (PARTITION BY c.account_id, c.organisation_id ORDER BY c.month))::int)) AS island
      FROM charged c
     WHERE c.providers = 1
       AND (SELECT sum(l.amount_fen) FROM ledger_line l JOIN ledger_posting p ON p.id = l.posting_id
             WHERE l.account_id = c.account_id AND p.month <= c.month) = 0),
  runs AS (
    SELECT z.account_id, z.organisation_id, min(z.month) AS first_month, max(z.month) AS last_month, sum(z.charged_fen) AS charged_fen, min(z.person_id) AS person_id
      FROM zero z GROUP BY z.account_id, z.organisation_id, z.island HAVING count(*) >= $5::int)
  SELECT r.account_id AS k1, (extract(year FROM r.first_month) * 12 + extract(month FROM r.first_month))::int AS k2,
         r.person_id AS "personId", a.scheme_kind AS "schemeKind", r.organisation_id AS "organisationId", r.charged_fen::bigint AS "amountFen",
         (SELECT array_agg(to_char(m, 'YYYY-MM') ORDER BY m) FROM generate_series(r.first_month, r.last_month, interval '1 month') AS m) AS months,
         (SELECT array_agg(DISTINCT o ORDER BY o) FROM charged c, unnest(c.orders) AS o
           WHERE c.account_id = r.account_id AND c.month BETWEEN r.first_month AND r.last_month) AS orders,
         (SELECT array_agg(DISTINCT v ORDER BY v) FROM charged c, unnest(c.villages) AS v
           WHERE c.account_id = r.account_id AND c.month BETWEEN r.first_month AND r.last_month) AS villages
    FROM runs r JOIN ledger_account a ON a.id = r.account_id`;

const ROUND_ADJUSTMENT = `
  SELECT a.id AS k1, 0 AS k2, a.person_id AS "personId", p.village_code AS "villageCode", a.scheme_kind AS "schemeKind",
         f.code AS "funderCode", a.amount_fen::bigint AS "amountFen", a.proposed_by AS "proposedBy", a.decided_by AS "decidedBy",
         to_char(a.decided_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS "decidedOn"
    FROM ledger_posting p
    JOIN ledger_adjustment a ON a.posting_id = p.id
    JOIN jurisdiction f ON f.id = a.funder_id
   WHERE p.cause = 'ADJUSTMENT' AND ${under('p.village_code')} AND p.month BETWEEN date_trunc('month', $2::date) AND $3::date
     AND a.state = 'APPROVED' AND (a.decided_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $2::date AND $3::date
     AND a.amount_fen % $5::bigint = 0`;

const VERIFIED_NOT_CHARGED = `
  SELECT o.id AS k1, 0 AS k2, o.person_id AS "personId", o.village_code AS "villageCode", o.organisation_id AS "organisationId",
         o.caregiver_id AS "caregiverId", to_char(o.service_day, 'YYYY-MM-DD') AS "serviceDay", o.contract_id AS "contractId",
         o.service_class AS "serviceClass",
         coalesce((SELECT array_agg(i ORDER BY i) FROM unnest(o.items) AS i WHERE NOT EXISTS (
           SELECT 1 FROM service_contract_price sp WHERE sp.contract_id = o.contract_id AND sp.service_class = o.service_class AND sp.item = i)), '{}') AS missing
    FROM work_order o
   WHERE o.state = 'VERIFIED' AND ${under('o.village_code')} AND o.service_day BETWEEN $2::date AND $3::date
     AND NOT EXISTS (SELECT 1 FROM ledger_posting c WHERE c.order_id = o.id AND c.cause = 'CHARGE')`;

export const anomalyRepository = {
  /** Charges standing on orders served on or after the person's death or move, after every voucher enrolment ended, or with every voucher account frozen. */
  chargedAfterEnd: (db: EntityManager, draw: Draw) => paged(db, CHARGED_AFTER_END, draw),

  /** Pairs of one caregiver's verified visits that overlap, or follow each other faster than `maxSpeedKmh`. */
  impossibleSchedules: (db: EntityManager, draw: Draw, maxSpeedKmh: number) => paged(db, IMPOSSIBLE_SCHEDULE, draw, [maxSpeedKmh]),

  /** Runs of at least `months` consecutive months a voucher account ended at zero, charged by one provider. */
  debitedToZero: (db: EntityManager, draw: Draw, months: number) => paged(db, DEBITED_TO_ZERO, draw, [months]),

  /** Approved adjustments whose amount is a whole multiple of `multipleFen`. */
  roundAdjustments: (db: EntityManager, draw: Draw, multipleFen: number) => paged(db, ROUND_ADJUSTMENT, draw, [multipleFen]),

  /** Verified orders with no charge, with the items their contract does not price for their class. */
  verifiedNotCharged: (db: EntityManager, draw: Draw) => paged(db, VERIFIED_NOT_CHARGED, draw),
};
