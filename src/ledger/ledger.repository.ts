import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';

/**
 * The scheme kinds whose months are credited as electronic vouchers (电子代金券) and charged by orders: the
 * service subsidies (养老服务补贴: 困难老年人, 高龄老年人, seed 004 篇四), charged in this order. An allowance (津贴)
 * is paid in cash («取消…給予補助(消費券)的規定,變更為發放高齡老人津貼», seed 004 篇五).
 */
export const VOUCHER_KINDS = ['HARDSHIP_CARE_SUBSIDY', 'HOME_CARE_SUBSIDY'] as const;
const VOUCHER_KIND_LIST = `(${VOUCHER_KINDS.map((k) => `'${k}'`).join(', ')})`;

/** What a credit run wrote: postings, the net fen credited, and the people whose difference was withheld. */
export interface CreditOutcome {
  postings: number;
  creditedFen: number;
  withheld: number;
}

/** A node's sums of its villages' ledger figures. */
export interface LedgerSums {
  code: string;
  creditedFen: number;
  provinceFen: number;
  cityFen: number;
  countyFen: number;
  townFen: number;
  villageFen: number;
  voucherChargedFen: number;
  ownPaidFen: number;
  returnedFen: number;
  adjustedFen: number;
  /** The voucher balances at the month's end: everything credited, charged, returned and adjusted through it. */
  balanceFen: number;
}

export interface VoucherAccountRow {
  id: number;
  schemeKind: string;
  balanceFen: number;
  frozenAfter: string | null;
  frozenOn: string | null;
}

export interface AdjustmentRow {
  id: number;
  personId: number;
  villageCode: string;
  schemeKind: string;
  funderId: number;
  funderCode: string;
  amountFen: number;
  reason: string;
  state: string;
  proposedBy: string;
  proposedById: number;
  proposedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  postingId: string | null;
}

const ADJUSTMENT_COLUMNS = `a.id, a.person_id AS "personId", v.code AS "villageCode", a.scheme_kind::text AS "schemeKind", a.funder_id AS "funderId", f.code AS "funderCode",
  a.amount_fen AS "amountFen", a.reason, a.state::text, pu.username AS "proposedBy", a.proposed_by AS "proposedById", a.proposed_at AS "proposedAt",
  du.username AS "decidedBy", a.decided_at AS "decidedAt", a.decision_note AS "decisionNote", a.posting_id::text AS "postingId"
  FROM ledger_adjustment a JOIN person p ON p.id = a.person_id JOIN jurisdiction v ON v.id = p.village_id JOIN jurisdiction f ON f.id = a.funder_id
  JOIN app_user pu ON pu.id = a.proposed_by LEFT JOIN app_user du ON du.id = a.decided_by`;

const adjustmentOf = (row: AdjustmentRow & { amountFen: string }): AdjustmentRow => ({ ...row, amountFen: Number(row.amountFen) });

export interface AccountPostingRow {
  id: string;
  cause: string;
  month: string;
  amountFen: number;
  orderId: number | null;
  schemeId: number | null;
  reversesId: string | null;
  createdAt: Date;
}

const SUM_COLUMNS = ['credited', 'province', 'city', 'county', 'town', 'village', 'voucher_charged', 'own_paid', 'returned', 'adjusted'];
const sumsOfMonth = SUM_COLUMNS.map((c) => `coalesce(sum(f.${c}_fen) FILTER (WHERE f.month = $2), 0)::bigint AS "${c.replace(/_(.)/g, (_, x: string) => x.toUpperCase())}Fen"`).join(', ');

/**
 * What earlier credits of the month posted (credit_have): for the people credited now, and for those
 * credited under the node before whose line is gone. The postings are gathered (and counted) first, so that
 * their lines are read by one join even when the ledger's statistics predate a province's million postings
 * (statistics are the table owner's to refresh, autovacuum's or an operator's).
 */
async function creditedBefore(tx: EntityManager, day: string, code: string): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE credit_mine ON COMMIT DROP AS
     SELECT id FROM ledger_posting WHERE cause = 'CREDIT' AND month = $1::date AND village_code LIKE $2 || '%'
     UNION
     SELECT q.id FROM ledger_posting q JOIN (SELECT DISTINCT person_id FROM credit_due) w ON w.person_id = q.person_id
      WHERE q.cause = 'CREDIT' AND q.month = $1::date`,
    [day, code],
  );
  await tx.query(`ANALYZE credit_mine`);
  await tx.query(
    `CREATE TEMP TABLE credit_have ON COMMIT DROP AS
     SELECT p.person_id, p.scheme_id, (array_agg(p.village_code ORDER BY p.id DESC))[1] AS village_code, l.account_id, sum(l.amount_fen)::bigint AS fen
       FROM credit_mine m JOIN ledger_posting p ON p.id = m.id JOIN ledger_line l ON l.posting_id = p.id
      GROUP BY p.person_id, p.scheme_id, l.account_id`,
  );
  await tx.query(`ANALYZE credit_have`);
}

export const ledgerRepository = {
  /**
   * Posts the month's voucher credits of the people whose lines lie under `code`: for each person and
   * scheme, what the month's entitlement line says minus what earlier credits of the same person, scheme
   * and month posted, per account (the voucher account and each funding level's account), so a rerun
   * posts only the difference. A difference is withheld for a frozen account (credits after its last
   * month) and where it would take back more than the account holds.
   */
  async credit(tx: EntityManager, code: string, path: string, month: string, runId: number): Promise<CreditOutcome> {
    const day = `${month}-01`;
    await tx.query(
      `CREATE TEMP TABLE credit_due ON COMMIT DROP AS
       SELECT l.person_id, l.scheme_id, s.kind AS scheme_kind, v.code AS village_code, v.path, l.amount_fen, l.province_fen, l.city_fen, l.county_fen, l.town_fen, l.village_fen
         FROM entitlement_line l
         JOIN subsidy_scheme s ON s.id = l.scheme_id AND s.kind IN ${VOUCHER_KIND_LIST}
         JOIN jurisdiction v ON v.id = l.village_id
        WHERE l.month = $1::date AND v.path <@ $2::ltree`,
      [day, path],
    );
    // The accounts not made yet (a month after the first finds them all by one anti-join).
    await tx.query(
      `INSERT INTO ledger_account (kind, person_id, scheme_kind)
       SELECT DISTINCT 'SUBSIDY'::ledger_account_kind, d.person_id, d.scheme_kind FROM credit_due d
        WHERE NOT EXISTS (SELECT 1 FROM ledger_account a WHERE a.kind = 'SUBSIDY' AND a.person_id = d.person_id AND a.scheme_kind = d.scheme_kind)
       ON CONFLICT DO NOTHING`,
    );
    // Each village's funding accounts, one per ancestor level (made the first time a level funds).
    await tx.query(
      `CREATE TEMP TABLE credit_funder ON COMMIT DROP AS
       SELECT v.village_code, a.id AS jurisdiction_id, a.level
         FROM (SELECT DISTINCT village_code, path FROM credit_due) v JOIN jurisdiction a ON a.path @> v.path`,
    );
    await tx.query(
      `INSERT INTO ledger_account (kind, jurisdiction_id) SELECT DISTINCT 'FUNDER'::ledger_account_kind, jurisdiction_id FROM credit_funder ON CONFLICT DO NOTHING`,
    );
    // Set-wise, so that a province's million lines join by hash: the voucher accounts' lines, then each
    // funding level's (the temporary tables analysed first: autovacuum never sees them).
    await tx.query(`ANALYZE credit_due; ANALYZE credit_funder`);
    await tx.query(
      `CREATE TEMP TABLE credit_want ON COMMIT DROP AS
       SELECT d.person_id, d.scheme_id, d.village_code, s.id AS account_id, d.amount_fen AS fen
         FROM credit_due d JOIN ledger_account s ON s.kind = 'SUBSIDY' AND s.person_id = d.person_id AND s.scheme_kind = d.scheme_kind
        WHERE d.amount_fen <> 0
       UNION ALL
       SELECT d.person_id, d.scheme_id, d.village_code, fa.id, x.fen
         FROM credit_due d
         JOIN credit_funder f ON f.village_code = d.village_code
         JOIN ledger_account fa ON fa.kind = 'FUNDER' AND fa.jurisdiction_id = f.jurisdiction_id
         CROSS JOIN LATERAL (SELECT -CASE f.level WHEN 'PROVINCE' THEN d.province_fen WHEN 'CITY' THEN d.city_fen WHEN 'COUNTY' THEN d.county_fen
                                                  WHEN 'TOWN' THEN d.town_fen ELSE d.village_fen END AS fen) x
        WHERE x.fen <> 0`,
    );
    await tx.query(`ANALYZE credit_want`);
    await creditedBefore(tx, day, code);
    await tx.query(
      `CREATE TEMP TABLE credit_diff ON COMMIT DROP AS
       SELECT coalesce(w.person_id, h.person_id) AS person_id, coalesce(w.scheme_id, h.scheme_id) AS scheme_id,
              coalesce(w.village_code, h.village_code) AS village_code, coalesce(w.account_id, h.account_id) AS account_id,
              coalesce(w.fen, 0) - coalesce(h.fen, 0) AS fen
         FROM credit_want w FULL JOIN credit_have h ON h.person_id = w.person_id AND h.scheme_id = w.scheme_id AND h.account_id = w.account_id
        WHERE coalesce(w.fen, 0) <> coalesce(h.fen, 0)`,
    );
    // Withheld: a frozen account's later credit, or a take-back the account no longer holds.
    const [withheld] = await tx.query(
      `WITH voucher AS (
         SELECT d.person_id, d.scheme_id, a.balance_fen, a.frozen_after, sum(d.fen) OVER (PARTITION BY a.id) AS fen
           FROM credit_diff d JOIN ledger_account a ON a.id = d.account_id AND a.kind = 'SUBSIDY'),
       refused AS (
         DELETE FROM credit_diff d USING voucher v
          WHERE d.person_id = v.person_id AND d.scheme_id = v.scheme_id AND ((v.frozen_after IS NOT NULL AND v.frozen_after < $1::date AND v.fen > 0) OR v.balance_fen + v.fen < 0)
         RETURNING d.person_id)
       SELECT count(DISTINCT person_id)::int AS n FROM refused`,
      [day],
    );
    const [posted] = await tx.query(
      `WITH p AS (
         INSERT INTO ledger_posting (cause, month, village_code, person_id, scheme_id, run_id)
         SELECT 'CREDIT', $1::date, min(village_code), person_id, scheme_id, $2 FROM credit_diff GROUP BY person_id, scheme_id
         RETURNING id, person_id, scheme_id),
       l AS (
         INSERT INTO ledger_line (posting_id, account_id, amount_fen)
         SELECT p.id, d.account_id, d.fen FROM p JOIN credit_diff d ON d.person_id = p.person_id AND d.scheme_id = p.scheme_id
         RETURNING account_id, amount_fen)
       SELECT (SELECT count(*) FROM p)::int AS postings,
              coalesce((SELECT sum(l.amount_fen) FROM l JOIN ledger_account a ON a.id = l.account_id AND a.kind = 'SUBSIDY'), 0)::bigint AS fen`,
      [day, runId],
    );
    return { postings: posted.postings, creditedFen: Number(posted.fen), withheld: withheld.n };
  },

  async insertRun(tx: EntityManager, jurisdictionId: number, month: string, userId: number | null): Promise<number> {
    const [row] = await tx.query(`INSERT INTO ledger_credit_run (jurisdiction_id, month, started_by) VALUES ($1, $2::date, $3) RETURNING id`, [
      jurisdictionId,
      `${month}-01`,
      userId,
    ]);
    return row.id;
  },

  async finishRun(tx: EntityManager, runId: number, outcome: CreditOutcome): Promise<void> {
    await tx.query(`UPDATE ledger_credit_run SET postings = $2, credited_fen = $3, withheld = $4 WHERE id = $1`, [runId, outcome.postings, outcome.creditedFen, outcome.withheld]);
  },

  /** Each node's sums for the month (by division code), one statement whatever the number of nodes. */
  async sums(db: EntityManager, codes: readonly string[], month: string): Promise<LedgerSums[]> {
    const rows = await namedQuery<LedgerSums & { balanceFen: string }>(
      db,
      'ledger-sums',
      `SELECT c.code, ${sumsOfMonth},
              coalesce(sum(f.credited_fen - f.voucher_charged_fen - f.returned_fen + f.adjusted_fen), 0)::bigint AS "balanceFen"
         FROM unnest($1::text[]) c (code)
         LEFT JOIN ledger_figure f ON f.village_code >= c.code COLLATE "C" AND f.village_code < (c.code || '~') COLLATE "C" AND f.month <= $2::date
        GROUP BY c.code`,
      [codes, `${month}-01`],
    );
    return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, key === 'code' ? value : Number(value)])) as unknown as LedgerSums);
  },

  /** The village a person lives in now, and their voucher accounts (none until first credited). */
  async voucherAccounts(db: EntityManager, personId: number): Promise<{ villageId: number; villageCode: string; accounts: VoucherAccountRow[] } | null> {
    const rows = await namedQuery<{ villageId: number; villageCode: string; id: number | null; schemeKind: string | null; balanceFen: string | null; frozenAfter: string | null; frozenOn: string | null }>(
      db,
      'ledger-voucher-accounts',
      `SELECT v.id AS "villageId", v.code AS "villageCode", a.id, a.scheme_kind::text AS "schemeKind", a.balance_fen AS "balanceFen",
              to_char(a.frozen_after, 'YYYY-MM') AS "frozenAfter", a.frozen_on::text AS "frozenOn"
         FROM person p JOIN jurisdiction v ON v.id = p.village_id
         LEFT JOIN ledger_account a ON a.kind = 'SUBSIDY' AND a.person_id = p.id
        WHERE p.id = $1 ORDER BY a.scheme_kind`,
      [personId],
    );
    if (rows.length === 0) return null;
    const accounts = rows
      .filter((row) => row.id !== null)
      .map((row) => ({ id: row.id!, schemeKind: row.schemeKind!, balanceFen: Number(row.balanceFen), frozenAfter: row.frozenAfter, frozenOn: row.frozenOn }));
    return { villageId: rows[0].villageId, villageCode: rows[0].villageCode, accounts };
  },

  /** What the person paid themselves (minus their personal account's balance). */
  async ownPaid(db: EntityManager, personId: number): Promise<number> {
    const [row] = await db.query(`SELECT coalesce(-balance_fen, 0)::bigint AS fen FROM ledger_account WHERE kind = 'PERSONAL' AND person_id = $1`, [personId]);
    return row ? Number(row.fen) : 0;
  },

  /** Accounts' postings, latest first, with what each moved on its account (at most `first` of each). */
  async postingsOf(db: EntityManager, accountIds: readonly number[], first: number): Promise<(AccountPostingRow & { accountId: number })[]> {
    const rows = await db.query(
      `SELECT a.id AS "accountId", p.id::text, p.cause::text, to_char(p.month, 'YYYY-MM') AS month, l.amount_fen AS "amountFen", p.order_id AS "orderId", p.scheme_id AS "schemeId",
              p.reverses_id::text AS "reversesId", p.created_at AS "createdAt"
         FROM unnest($1::int[]) a (id)
         CROSS JOIN LATERAL (SELECT * FROM ledger_line l WHERE l.account_id = a.id ORDER BY l.posting_id DESC LIMIT $2) l
         JOIN ledger_posting p ON p.id = l.posting_id
        ORDER BY a.id, p.id DESC`,
      [accountIds, first],
    );
    return rows.map((row: AccountPostingRow & { amountFen: string }) => ({ ...row, amountFen: Number(row.amountFen) }));
  },

  async insertAdjustment(
    tx: EntityManager,
    adjustment: { personId: number; schemeKind: string; funderId: number; amountFen: number; reason: string; proposedBy: number },
  ): Promise<number> {
    const [row] = await tx.query(
      `INSERT INTO ledger_adjustment (person_id, scheme_kind, funder_id, amount_fen, reason, proposed_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [adjustment.personId, adjustment.schemeKind, adjustment.funderId, adjustment.amountFen, adjustment.reason, adjustment.proposedBy],
    );
    return row.id;
  },

  /** Adjustments by id (`lock`: their rows locked for a decision). */
  async adjustments(db: EntityManager, ids: readonly number[], lock = false): Promise<AdjustmentRow[]> {
    const rows = await db.query(`SELECT ${ADJUSTMENT_COLUMNS} WHERE a.id = ANY($1::int[]) ORDER BY a.id${lock ? ' FOR UPDATE OF a' : ''}`, [ids]);
    return rows.map(adjustmentOf);
  },

  /** The adjustments of people living under `code`, newest first (of one state when given). */
  async adjustmentsUnder(db: EntityManager, code: string, state: string | null, first: number): Promise<AdjustmentRow[]> {
    const rows = await db.query(
      `SELECT ${ADJUSTMENT_COLUMNS} WHERE v.code LIKE $1 || '%' AND ($2::adjustment_state IS NULL OR a.state = $2::adjustment_state) ORDER BY a.id DESC LIMIT $3`,
      [code, state, first],
    );
    return rows.map(adjustmentOf);
  },

  /**
   * Posts an approved adjustment: the person's voucher account of its kind moves by the amount, the funder's
   * the other way (accounts made if missing); the adjustment records its posting. A take-back larger than
   * the balance fails on ledger_account_subsidy_not_negative.
   */
  async approveAdjustment(tx: EntityManager, adjustment: AdjustmentRow, deciderId: number, note: string | null): Promise<void> {
    await tx.query(
      `INSERT INTO ledger_account (kind, person_id, scheme_kind, jurisdiction_id) VALUES ('SUBSIDY', $1, $2, NULL), ('FUNDER', NULL, NULL, $3) ON CONFLICT DO NOTHING`,
      [adjustment.personId, adjustment.schemeKind, adjustment.funderId],
    );
    await tx.query(
      `WITH p AS (
         INSERT INTO ledger_posting (cause, month, village_code, person_id, made_by, approved_by, reason)
         VALUES ('ADJUSTMENT', date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')::date, $2, $3, $4, $5, $6) RETURNING id),
       l AS (
         INSERT INTO ledger_line (posting_id, account_id, amount_fen)
         SELECT p.id, a.id, CASE WHEN a.kind = 'SUBSIDY' THEN $7::bigint ELSE -$7::bigint END FROM p, ledger_account a
          WHERE (a.kind = 'SUBSIDY' AND a.person_id = $3 AND a.scheme_kind = $8::scheme_kind) OR (a.kind = 'FUNDER' AND a.jurisdiction_id = $9))
       UPDATE ledger_adjustment SET state = 'APPROVED', decided_by = $5, decided_at = now(), decision_note = $10, posting_id = (SELECT id FROM p) WHERE id = $1`,
      [adjustment.id, adjustment.villageCode, adjustment.personId, adjustment.proposedById, deciderId, adjustment.reason, adjustment.amountFen, adjustment.schemeKind, adjustment.funderId, note],
    );
  },

  async rejectAdjustment(tx: EntityManager, id: number, deciderId: number, note: string | null): Promise<void> {
    await tx.query(`UPDATE ledger_adjustment SET state = 'REJECTED', decided_by = $2, decided_at = now(), decision_note = $3 WHERE id = $1`, [id, deciderId, note]);
  },

  /** Freezes the person's voucher account of the scheme's kind after `lastMonth` (an account already frozen keeps its first freeze; an allowance's scheme has none). */
  async freeze(tx: EntityManager, personId: number, schemeId: number, lastMonth: string, day: string): Promise<void> {
    await tx.query(
      `UPDATE ledger_account SET frozen_after = $3::date, frozen_on = $4::date
        WHERE kind = 'SUBSIDY' AND person_id = $1 AND scheme_kind = (SELECT kind FROM subsidy_scheme WHERE id = $2) AND frozen_after IS NULL`,
      [personId, schemeId, `${lastMonth}-01`, day],
    );
  },
};
