import type { EntityManager } from 'typeorm';
import { isDay } from '../kernel/dates';
import type { CursorKey } from '../kernel/pagination';

/**
 * Dynamic management (动态管理): the open enrolments whose facts changed since their baseline — the
 * approval, or the last re-review confirming them (an enrolment recorded without an approval of the
 * platform's: its creation). A change counts when it was recorded after the
 * baseline's moment, or takes effect after its day (and by today): a hardship category in force then
 * that has ended with none of its kind in force today; an ability assessment whose level is not the
 * one in force then; the 户籍 or residence village no longer the one it was then; and the latest
 * entitlement run over the person's village, when it ran since then for a month of the enrolment and
 * paid the scheme nothing (the engine found no tier met: its verdict, not a copy of its rules). Each
 * says its day (for a run, the first day of its month).
 */

export enum FactChangeKind {
  CATEGORY_ENDED = 'CATEGORY_ENDED',
  ABILITY_REASSESSED = 'ABILITY_REASSESSED',
  HUKOU_MOVED = 'HUKOU_MOVED',
  RESIDENCE_MOVED = 'RESIDENCE_MOVED',
  NOT_PAID = 'NOT_PAID',
}

export interface FactChangeRow {
  kind: FactChangeKind;
  on: string;
  from: string | null;
  to: string | null;
}

export interface ReReviewRow {
  enrolmentId: number;
  personId: number;
  personName: string;
  nationalId: string;
  caseId: number;
  schemeId: number;
  schemeName: string;
  fromMonth: string;
  villageId: number;
  villageCode: string;
  /** The baseline's day: the approval's, or the last confirmation's. */
  since: string;
  /** The earliest change's day: the list's order. */
  firstChange: string;
  changes: FactChangeRow[];
}

/** A list's key: the earliest change's day and the enrolment's id. */
export const RE_REVIEW_KEY: CursorKey<{ day: string; id: number }> = {
  valid: (key) => /^\d{4}-\d{2}-\d{2}\|[1-9]\d{0,9}$/.test(key) && isDay(key.slice(0, 10)),
  parse: (key) => ({ day: key.slice(0, 10), id: Number(key.slice(11)) }),
};

// $1 the code under which (or the enrolment's id, for one), $2 today. The baseline's moment is the last
// confirmation's, else the enrolment's creation: an approval enrols in the transaction that records it,
// so that is the approval's moment. Only the enrolments of people whose facts changed since (or take
// effect after it: person_fact_change), or with a run since, are looked at further: each kind of change
// is then one indexed look-up per enrolment, and the runs are read once per village.
const CHANGES = `
  WITH enrolled AS (
    SELECT e.id, e.person_id, e.scheme_id, e.case_id, e.from_month, c.village_id, c.village_code,
      p.village_id AS home_id, p.hukou_jurisdiction_id AS hukou_id, pv.code AS home_code,
      coalesce(r.at, e.created_at) AS base_at,
      coalesce(r.reviewed_on, c.decided_on, (e.created_at AT TIME ZONE 'Asia/Shanghai')::date) AS base_day
    FROM enrolment e
    JOIN application_case c ON c.id = e.case_id
    JOIN person p ON p.id = e.person_id
    JOIN jurisdiction pv ON pv.id = p.village_id
    LEFT JOIN LATERAL (SELECT r.at, r.reviewed_on FROM enrolment_review r WHERE r.enrolment_id = e.id ORDER BY r.id DESC LIMIT 1) r ON true
    WHERE e.until_month IS NULL AND %WHERE%
  ), village_run AS (
    SELECT DISTINCT ON (v.home_id) v.home_id, run.month, run.finished_at
    FROM (SELECT DISTINCT home_id, home_code FROM enrolled) v
    JOIN jurisdiction rj ON v.home_code LIKE rj.code || '%'
    JOIN entitlement_run run ON run.jurisdiction_id = rj.id AND run.finished_at IS NOT NULL
    ORDER BY v.home_id, run.month DESC, run.finished_at DESC
  ), base AS (
    SELECT * FROM (
      SELECT b.*, fc.at AS fact_at,
        CASE WHEN vr.finished_at > b.base_at AND vr.month >= b.from_month AND NOT EXISTS (
          SELECT 1 FROM entitlement_line el WHERE el.month = vr.month AND el.person_id = b.person_id AND el.scheme_id = b.scheme_id) THEN vr.month END AS np_day
      FROM enrolled b
      LEFT JOIN village_run vr ON vr.home_id = b.home_id
      LEFT JOIN person_fact_change fc ON fc.person_id = b.person_id) x
    WHERE x.fact_at > x.base_at OR x.np_day IS NOT NULL
  ), found AS (
    SELECT b.*, cat.category, cat.day AS cat_day, ab.from_level, ab.to_level, ab.day AS ab_day,
      hk.from_code AS hk_from, hk.to_code AS hk_to, hk.day AS hk_day, rs.from_code AS rs_from, rs.to_code AS rs_to, rs.day AS rs_day
    FROM base b
    LEFT JOIN LATERAL (
      SELECT pc.category::text AS category, pc.valid_to AS day FROM person_category pc
      WHERE pc.person_id = b.person_id AND pc.valid_to <= $2::date
        AND pc.valid_from <= b.base_day AND pc.recorded_at <= b.base_at AND pc.valid_to > pc.valid_from
        AND (pc.closed_at > b.base_at OR pc.valid_to > b.base_day)
        AND NOT EXISTS (SELECT 1 FROM person_category o WHERE o.person_id = pc.person_id AND o.category = pc.category
          AND o.valid_from <= $2::date AND (o.valid_to IS NULL OR o.valid_to > $2::date))
      ORDER BY pc.valid_to, pc.id LIMIT 1) cat ON true
    LEFT JOIN LATERAL (
      SELECT was.level::text AS from_level, now_.level::text AS to_level, now_.assessed_on AS day
      FROM (SELECT a.level, a.assessed_on, a.recorded_at FROM ability_assessment a WHERE a.person_id = b.person_id AND a.assessed_on <= $2::date
            ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) now_
      LEFT JOIN LATERAL (SELECT a.level FROM ability_assessment a WHERE a.person_id = b.person_id AND a.assessed_on <= b.base_day AND a.recorded_at <= b.base_at
            ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) was ON true
      WHERE (now_.recorded_at > b.base_at OR now_.assessed_on > b.base_day) AND now_.level IS DISTINCT FROM was.level) ab ON true
    LEFT JOIN LATERAL (
      SELECT f.code AS from_code, t.code AS to_code, m.moved_on AS day
      FROM (SELECT m.from_id, m.moved_on FROM person_move m WHERE m.person_id = b.person_id AND m.kind = 'HUKOU' AND m.recorded_at > b.base_at
            ORDER BY m.recorded_at, m.id LIMIT 1) m
      JOIN jurisdiction f ON f.id = m.from_id JOIN jurisdiction t ON t.id = b.hukou_id
      WHERE b.hukou_id <> m.from_id) hk ON true
    LEFT JOIN LATERAL (
      SELECT f.code AS from_code, b.home_code AS to_code, m.moved_on AS day
      FROM (SELECT m.from_id, m.moved_on FROM person_move m WHERE m.person_id = b.person_id AND m.kind = 'RESIDENCE' AND m.recorded_at > b.base_at
            ORDER BY m.recorded_at, m.id LIMIT 1) m
      JOIN jurisdiction f ON f.id = m.from_id
      WHERE b.home_id <> m.from_id) rs ON true
  ), listed AS (
    SELECT f.*, least(f.cat_day, f.ab_day, f.hk_day, f.rs_day, f.np_day) AS first_day FROM found f
  )`;

const ROW = `l.id AS "enrolmentId", l.person_id AS "personId", p.name AS "personName", p.national_id AS "nationalId", l.case_id AS "caseId",
  l.scheme_id AS "schemeId", s.name AS "schemeName", to_char(l.from_month, 'YYYY-MM') AS "fromMonth", l.village_id AS "villageId",
  l.village_code AS "villageCode", to_char(l.base_day, 'YYYY-MM-DD') AS since, to_char(l.first_day, 'YYYY-MM-DD') AS "firstChange",
  l.category, to_char(l.cat_day, 'YYYY-MM-DD') AS "catDay", l.from_level AS "fromLevel", l.to_level AS "toLevel", to_char(l.ab_day, 'YYYY-MM-DD') AS "abDay",
  l.hk_from AS "hkFrom", l.hk_to AS "hkTo", to_char(l.hk_day, 'YYYY-MM-DD') AS "hkDay", l.rs_from AS "rsFrom", l.rs_to AS "rsTo", to_char(l.rs_day, 'YYYY-MM-DD') AS "rsDay",
  to_char(l.np_day, 'YYYY-MM-DD') AS "npDay"
  FROM listed l JOIN person p ON p.id = l.person_id JOIN subsidy_scheme s ON s.id = l.scheme_id`;

type Raw = Omit<ReReviewRow, 'changes'> & Record<'category' | 'catDay' | 'fromLevel' | 'toLevel' | 'abDay' | 'hkFrom' | 'hkTo' | 'hkDay' | 'rsFrom' | 'rsTo' | 'rsDay' | 'npDay', string | null>;

function changesOf(r: Raw): ReReviewRow {
  const { category, catDay, fromLevel, toLevel, abDay, hkFrom, hkTo, hkDay, rsFrom, rsTo, rsDay, npDay, ...row } = r;
  const all: (FactChangeRow | null)[] = [
    catDay ? { kind: FactChangeKind.CATEGORY_ENDED, on: catDay, from: category, to: null } : null,
    abDay ? { kind: FactChangeKind.ABILITY_REASSESSED, on: abDay, from: fromLevel, to: toLevel } : null,
    hkDay ? { kind: FactChangeKind.HUKOU_MOVED, on: hkDay, from: hkFrom, to: hkTo } : null,
    rsDay ? { kind: FactChangeKind.RESIDENCE_MOVED, on: rsDay, from: rsFrom, to: rsTo } : null,
    npDay ? { kind: FactChangeKind.NOT_PAID, on: npDay, from: null, to: null } : null,
  ];
  const changes = all.filter((c): c is FactChangeRow => c !== null).sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  return { ...row, changes };
}

const UNDER = `c.village_code LIKE $1 || '%'`;

/**
 * Runs a list's statement without PostgreSQL's JIT. Its plan is costed as if every open enrolment under
 * the node had changed, which sets JIT compiling for seconds on a county (30,000 enrolments: 5.2 s with
 * JIT, 1.3 s without, on the same data); inside a transaction (a mutation's) it runs as it is.
 */
async function withoutJit<T>(db: EntityManager, work: (db: EntityManager) => Promise<T>): Promise<T> {
  if (db.queryRunner?.isTransactionActive) return work(db);
  return db.transaction(async (tx) => {
    await tx.query(`SET LOCAL jit = off`);
    return work(tx);
  });
}

export const reReviewRepository = {
  /** Up to `limit` open enrolments filed under `code` with a change, after the key, by the earliest change's day and id. */
  async search(db: EntityManager, code: string, today: string, after: { day: string; id: number } | null, limit: number): Promise<ReReviewRow[]> {
    const params: unknown[] = [code, today, limit];
    const keyset = after ? ` AND (l.first_day, l.id) > ($${params.push(after.day)}::date, $${params.push(after.id)})` : '';
    const rows: Raw[] = await withoutJit(db, (tx) =>
      tx.query(`${CHANGES.replace('%WHERE%', UNDER)} SELECT ${ROW} WHERE l.first_day IS NOT NULL${keyset} ORDER BY l.first_day, l.id LIMIT $3`, params),
    );
    return rows.map(changesOf);
  },

  async count(db: EntityManager, code: string, today: string): Promise<number> {
    const [{ count }] = await withoutJit(db, (tx) =>
      tx.query(`${CHANGES.replace('%WHERE%', UNDER)} SELECT count(*)::int AS count FROM listed l WHERE l.first_day IS NOT NULL`, [code, today]),
    );
    return count;
  },

  /** How many are listed under each child of the node: the child's code is the villages' code cut at `childLength`. */
  async countsByChild(db: EntityManager, code: string, childLength: number, today: string): Promise<{ code: string; count: number }[]> {
    return withoutJit(db, (tx) =>
      tx.query(
        `${CHANGES.replace('%WHERE%', UNDER)} SELECT left(l.village_code, $3) AS code, count(*)::int AS count
         FROM listed l WHERE l.first_day IS NOT NULL GROUP BY 1 ORDER BY 1`,
        [code, today, childLength],
      ),
    );
  },

  /** The one enrolment's changes since its baseline (none: an empty list), as the list would show it. */
  async ofEnrolment(db: EntityManager, id: number, today: string): Promise<ReReviewRow | null> {
    const rows: Raw[] = await db.query(`${CHANGES.replace('%WHERE%', 'e.id = $1')} SELECT ${ROW} WHERE l.first_day IS NOT NULL`, [id, today]);
    return rows.length ? changesOf(rows[0]) : null;
  },

  async confirm(tx: EntityManager, entry: { enrolmentId: number; reviewedOn: string; userId: number; username: string; role: string; opinion: string; idempotencyKey: string | null }): Promise<void> {
    await tx.query(
      `INSERT INTO enrolment_review (enrolment_id, reviewed_on, user_id, username, role, opinion, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [entry.enrolmentId, entry.reviewedOn, entry.userId, entry.username, entry.role, entry.opinion, entry.idempotencyKey],
    );
  },

  async byKey(db: EntityManager, enrolmentId: number, key: string): Promise<boolean> {
    const rows = await db.query(`SELECT 1 FROM enrolment_review WHERE enrolment_id = $1 AND idempotency_key = $2`, [enrolmentId, key]);
    return rows.length > 0;
  },

  /** The re-reviews of the enrolments, oldest first. */
  async reviewsOf(db: EntityManager, ids: readonly number[]): Promise<{ enrolmentId: number; reviewedOn: string; at: Date; username: string | null; role: string | null; opinion: string }[]> {
    return db.query(
      `SELECT enrolment_id AS "enrolmentId", to_char(reviewed_on, 'YYYY-MM-DD') AS "reviewedOn", at, username, role, opinion
       FROM enrolment_review WHERE enrolment_id = ANY($1::int[]) ORDER BY id`,
      [ids],
    );
  },
};
