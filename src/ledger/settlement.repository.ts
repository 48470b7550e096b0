import type { EntityManager } from 'typeorm';
import { JurisdictionLevel } from '../kernel/division-codes';

/** A contract as a statement needs it, row-locked: statements of one contract are prepared and approved one at a time. */
export interface ContractRow {
  id: number;
  organisationId: number;
  jurisdictionId: number;
  code: string;
  level: JurisdictionLevel;
}

export interface StatementRow {
  id: number;
  contractId: number;
  organisationId: number;
  provider: string;
  providerCode: string;
  jurisdictionId: number;
  code: string;
  month: string;
  state: string;
  orders: number;
  priceFen: number;
  voucherFen: number;
  ownFen: number;
  preparedBy: string | null;
  preparedAt: Date;
  reviewedBy: string | null;
  reviewedById: number | null;
  reviewedAt: Date | null;
  approvedBy: string | null;
  approvedAt: Date | null;
}

export interface TownRow {
  statementId: number;
  code: string;
  name: string;
  orders: number;
  priceFen: number;
  voucherFen: number;
  ownFen: number;
  checkedBy: string | null;
  checkedAt: Date | null;
}

export interface ShareRow {
  statementId: number;
  villageCode: string;
  code: string;
  name: string;
  level: JurisdictionLevel;
  amountFen: number;
}

export interface ItemRow {
  postingId: string;
  orderId: number;
  personId: number;
  villageCode: string;
  serviceDay: string;
  reversal: boolean;
  priceFen: number;
  voucherFen: number;
  ownFen: number;
}

/** A village's vouchers under one funding arrangement (the scheme's levels and weights, `COUNTY:7,TOWN:3`). */
export interface VoucherGroup {
  villageCode: string;
  weights: string;
  fen: number;
}

/**
 * The funding arrangement of each voucher account in `pairs` (a relation of person_id, scheme_kind): what
 * each level credited the account in its latest credited month, as weights in lowest terms, highest level
 * first (`COUNTY:7,TOWN:3`): the cost shares of the schemes that fund it, combined as they funded it; null
 * for an account never credited.
 */
export const ARRANGEMENTS = (pairs: string) => `
  SELECT k.person_id, k.scheme_kind, w.weights
    FROM ${pairs} k
    LEFT JOIN ledger_account a ON a.kind = 'SUBSIDY' AND a.person_id = k.person_id AND a.scheme_kind = k.scheme_kind
    LEFT JOIN LATERAL (
      SELECT ledger_weights(array_agg(x.level ORDER BY x.level), array_agg(x.fen ORDER BY x.level)) AS weights
        FROM (SELECT j.level, -sum(fl.amount_fen) AS fen
                FROM ledger_line sl
                JOIN ledger_posting p ON p.id = sl.posting_id AND p.cause = 'CREDIT'
                JOIN ledger_line fl ON fl.posting_id = p.id
                JOIN ledger_account fa ON fa.id = fl.account_id AND fa.kind = 'FUNDER'
                JOIN jurisdiction j ON j.id = fa.jurisdiction_id
               WHERE sl.account_id = a.id
                 AND p.month = (SELECT max(q.month) FROM ledger_line ql JOIN ledger_posting q ON q.id = ql.posting_id AND q.cause = 'CREDIT' WHERE ql.account_id = a.id)
               GROUP BY j.level) x) w ON true`;

const STATEMENT_COLUMNS = `s.id, s.contract_id AS "contractId", s.organisation_id AS "organisationId", o.name AS provider, o.credit_code AS "providerCode",
  s.jurisdiction_id AS "jurisdictionId", s.code, to_char(s.month, 'YYYY-MM') AS month, s.state::text AS state, s.orders,
  s.price_fen::float8 AS "priceFen", s.voucher_fen::float8 AS "voucherFen", s.own_fen::float8 AS "ownFen",
  pu.username AS "preparedBy", s.prepared_at AS "preparedAt", ru.username AS "reviewedBy", s.reviewed_by AS "reviewedById", s.reviewed_at AS "reviewedAt",
  au.username AS "approvedBy", s.approved_at AS "approvedAt"
  FROM settlement_statement s JOIN organisation o ON o.id = s.organisation_id
  LEFT JOIN app_user pu ON pu.id = s.prepared_by LEFT JOIN app_user ru ON ru.id = s.reviewed_by LEFT JOIN app_user au ON au.id = s.approved_by`;

export const settlementRepository = {
  async lockContract(tx: EntityManager, contractId: number): Promise<ContractRow | null> {
    const [row] = await tx.query(
      `SELECT c.id, c.organisation_id AS "organisationId", c.jurisdiction_id AS "jurisdictionId", j.code, j.level::text AS level
         FROM service_contract c JOIN jurisdiction j ON j.id = c.jurisdiction_id WHERE c.id = $1 FOR UPDATE OF c`,
      [contractId],
    );
    return row ?? null;
  },

  /** The contract's statement of the month (new, or the one prepared before, emptied and back to DRAFT); null when approved. */
  async openStatement(tx: EntityManager, contract: ContractRow, month: string, userId: number): Promise<number | null> {
    const [row] = await tx.query(
      `INSERT INTO settlement_statement (contract_id, organisation_id, jurisdiction_id, code, month, prepared_by)
       VALUES ($1, $2, $3, $4, $5::date, $6)
       ON CONFLICT (contract_id, month) DO UPDATE SET state = 'DRAFT', prepared_by = EXCLUDED.prepared_by, prepared_at = now(),
         reviewed_by = NULL, reviewed_at = NULL
         WHERE settlement_statement.state <> 'APPROVED'
       RETURNING id`,
      [contract.id, contract.organisationId, contract.jurisdictionId, contract.code, `${month}-01`, userId],
    );
    if (!row) return null;
    for (const table of ['settlement_item', 'settlement_town', 'settlement_share']) await tx.query(`DELETE FROM ${table} WHERE statement_id = $1`, [row.id]);
    return row.id;
  },

  /**
   * Gathers what the statement settles: the contract's charges and reversals of its month and before that
   * no approved statement settled, and the reversals of those charges whenever they came (a voided order
   * is settled at nothing); with each item's price and what the vouchers and the person paid. Then each
   * town's part and the statement's totals.
   */
  async gather(tx: EntityManager, statementId: number, contractId: number, month: string): Promise<void> {
    await tx.query(
      `WITH open AS (
         SELECT u.posting_id FROM ledger_unsettled u WHERE u.contract_id = $2 AND u.month <= $3::date
         UNION
         SELECT r.id FROM ledger_unsettled u JOIN ledger_posting r ON r.reverses_id = u.posting_id
          WHERE u.contract_id = $2 AND u.month <= $3::date AND EXISTS (SELECT 1 FROM ledger_unsettled w WHERE w.posting_id = r.id))
       INSERT INTO settlement_item (statement_id, posting_id, order_id, person_id, village_code, service_day, reversal, price_fen, voucher_fen, own_fen)
       SELECT $1, p.id, p.order_id, p.person_id, p.village_code, o.service_day, p.cause = 'REVERSAL',
              sum(l.amount_fen) FILTER (WHERE a.kind = 'PROVIDER'),
              -coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'SUBSIDY'), 0),
              -coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'PERSONAL'), 0)
         FROM open JOIN ledger_posting p ON p.id = open.posting_id JOIN work_order o ON o.id = p.order_id
         JOIN ledger_line l ON l.posting_id = p.id JOIN ledger_account a ON a.id = l.account_id
        GROUP BY p.id, o.service_day`,
      [statementId, contractId, `${month}-01`],
    );
    await tx.query(
      `INSERT INTO settlement_town (statement_id, town_code, orders, price_fen, voucher_fen, own_fen)
       SELECT $1, left(village_code, 9), count(*) FILTER (WHERE NOT reversal) - count(*) FILTER (WHERE reversal), sum(price_fen), sum(voucher_fen), sum(own_fen)
         FROM settlement_item WHERE statement_id = $1 GROUP BY 2`,
      [statementId],
    );
    await tx.query(
      `UPDATE settlement_statement s SET orders = t.orders, price_fen = t.price, voucher_fen = t.voucher, own_fen = t.own
         FROM (SELECT coalesce(sum(orders), 0) AS orders, coalesce(sum(price_fen), 0) AS price, coalesce(sum(voucher_fen), 0) AS voucher, coalesce(sum(own_fen), 0) AS own
                 FROM settlement_town WHERE statement_id = $1) t
        WHERE s.id = $1`,
      [statementId],
    );
  },

  /** The statement's vouchers by village and funding arrangement (an account no scheme credited: `fallback`), arrangements then villages in code order. */
  async voucherGroups(tx: EntityManager, statementId: number, fallback: string): Promise<VoucherGroup[]> {
    const rows: (VoucherGroup & { fen: string })[] = await tx.query(
      `WITH v AS (
         SELECT i.village_code, a.person_id, a.scheme_kind, -sum(l.amount_fen) AS fen
           FROM settlement_item i JOIN ledger_line l ON l.posting_id = i.posting_id JOIN ledger_account a ON a.id = l.account_id AND a.kind = 'SUBSIDY'
          WHERE i.statement_id = $1 GROUP BY 1, 2, 3),
       arrangement AS (${ARRANGEMENTS('(SELECT DISTINCT person_id, scheme_kind FROM v)')})
       SELECT v.village_code AS "villageCode", coalesce(arrangement.weights, $2) AS weights, sum(v.fen)::bigint AS fen
         FROM v JOIN arrangement USING (person_id, scheme_kind)
        GROUP BY 1, 2 HAVING sum(v.fen) <> 0 ORDER BY 2, 1`,
      [statementId, fallback],
    );
    return rows.map((r) => ({ ...r, fen: Number(r.fen) }));
  },

  /** Each village's ancestors (and itself) by level: the funders a level's weight names. */
  async lineages(tx: EntityManager, villageCodes: readonly string[]): Promise<Map<string, Map<JurisdictionLevel, number>>> {
    const rows: { village: string; id: number; level: JurisdictionLevel }[] = await tx.query(
      `SELECT v.code AS village, a.id, a.level::text AS level FROM jurisdiction v JOIN jurisdiction a ON a.path @> v.path WHERE v.code = ANY ($1::varchar[])`,
      [villageCodes],
    );
    const byVillage = new Map<string, Map<JurisdictionLevel, number>>();
    for (const row of rows) {
      if (!byVillage.has(row.village)) byVillage.set(row.village, new Map());
      byVillage.get(row.village)!.set(row.level, row.id);
    }
    return byVillage;
  },

  async insertShares(tx: EntityManager, statementId: number, shares: readonly { villageCode: string; funderId: number; amountFen: number }[]): Promise<void> {
    if (shares.length === 0) return;
    await tx.query(
      `INSERT INTO settlement_share (statement_id, village_code, funder_id, amount_fen)
       SELECT $1, v, f, a FROM unnest($2::varchar[], $3::int[], $4::bigint[]) AS u (v, f, a)`,
      [statementId, shares.map((s) => s.villageCode), shares.map((s) => s.funderId), shares.map((s) => s.amountFen)],
    );
  },

  async statements(db: EntityManager, ids: readonly number[], lock = false): Promise<StatementRow[]> {
    const rows: StatementRow[] = await db.query(`SELECT ${STATEMENT_COLUMNS} WHERE s.id = ANY ($1::int[]) ORDER BY s.id${lock ? ' FOR UPDATE OF s' : ''}`, [ids]);
    return rows;
  },

  /** Statements whose purchaser or a town lies under `code` (for a provider, its own), newest month first. */
  async statementsUnder(db: EntityManager, code: string, organisationId: number | null, month: string | null, state: string | null, first: number): Promise<StatementRow[]> {
    return db.query(
      `SELECT ${STATEMENT_COLUMNS}
        WHERE (s.code LIKE $1 || '%' OR EXISTS (SELECT 1 FROM settlement_town t WHERE t.statement_id = s.id AND t.town_code LIKE $1 || '%'))
          AND ($2::int IS NULL OR s.organisation_id = $2) AND ($3::date IS NULL OR s.month = $3::date) AND ($4::settlement_state IS NULL OR s.state = $4::settlement_state)
        ORDER BY s.month DESC, s.id DESC LIMIT $5`,
      [code, organisationId, month === null ? null : `${month}-01`, state, first],
    );
  },

  async towns(db: EntityManager, statementIds: readonly number[]): Promise<TownRow[]> {
    const rows: TownRow[] = await db.query(
      `SELECT t.statement_id AS "statementId", t.town_code AS code, j.name, t.orders, t.price_fen::float8 AS "priceFen", t.voucher_fen::float8 AS "voucherFen",
              t.own_fen::float8 AS "ownFen", u.username AS "checkedBy", t.checked_at AS "checkedAt"
         FROM settlement_town t JOIN jurisdiction j ON j.code = t.town_code LEFT JOIN app_user u ON u.id = t.checked_by
        WHERE t.statement_id = ANY ($1::int[]) ORDER BY t.statement_id, t.town_code`,
      [statementIds],
    );
    return rows;
  },

  /** Each funder's total of the statements, highest level first. */
  async funders(db: EntityManager, statementIds: readonly number[]): Promise<ShareRow[]> {
    return db.query(
      `SELECT s.statement_id AS "statementId", '' AS "villageCode", j.code, j.name, j.level::text AS level, sum(s.amount_fen)::float8 AS "amountFen"
         FROM settlement_share s JOIN jurisdiction j ON j.id = s.funder_id
        WHERE s.statement_id = ANY ($1::int[]) GROUP BY 1, 3, 4, 5 HAVING sum(s.amount_fen) <> 0 ORDER BY 1, 5, 3`,
      [statementIds],
    );
  },

  /** The village shares of one statement under `within`, in village then level order. */
  async villageShares(db: EntityManager, statementId: number, within: string): Promise<ShareRow[]> {
    return db.query(
      `SELECT s.statement_id AS "statementId", s.village_code AS "villageCode", j.code, j.name, j.level::text AS level, s.amount_fen::float8 AS "amountFen"
         FROM settlement_share s JOIN jurisdiction j ON j.id = s.funder_id
        WHERE s.statement_id = $1 AND s.village_code LIKE $2 || '%' ORDER BY s.village_code, j.level, j.code`,
      [statementId, within],
    );
  },

  /** The statement's items under `within`, after `after` (a posting id), in posting order. */
  async items(db: EntityManager, statementId: number, within: string, after: string | null, first: number): Promise<ItemRow[]> {
    return db.query(
      `SELECT posting_id::text AS "postingId", order_id AS "orderId", person_id AS "personId", village_code AS "villageCode", to_char(service_day, 'YYYY-MM-DD') AS "serviceDay",
              reversal, price_fen::float8 AS "priceFen", voucher_fen::float8 AS "voucherFen", own_fen::float8 AS "ownFen"
         FROM settlement_item WHERE statement_id = $1 AND village_code LIKE $2 || '%' AND posting_id > $3::bigint ORDER BY posting_id LIMIT $4`,
      [statementId, within, after ?? '0', first],
    );
  },

  /** Marks the town's part checked; false when it was already checked or the statement has no such town. */
  async checkTown(tx: EntityManager, statementId: number, townCode: string, userId: number): Promise<boolean> {
    const [row] = await tx.query(
      `WITH checked AS (UPDATE settlement_town SET checked_by = $3, checked_at = now() WHERE statement_id = $1 AND town_code = $2 AND checked_by IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM checked`,
      [statementId, townCode, userId],
    );
    return row.n > 0;
  },

  async uncheckedTowns(tx: EntityManager, statementId: number): Promise<string[]> {
    const rows: { code: string }[] = await tx.query(`SELECT town_code AS code FROM settlement_town WHERE statement_id = $1 AND checked_by IS NULL ORDER BY 1`, [statementId]);
    return rows.map((r) => r.code);
  },

  async markReviewed(tx: EntityManager, statementId: number, userId: number): Promise<void> {
    await tx.query(`UPDATE settlement_statement SET state = 'REVIEWED', reviewed_by = $2, reviewed_at = now() WHERE id = $1`, [statementId, userId]);
  },

  /**
   * Settles the statement: takes its items off the unsettled list (false, and nothing written, when a
   * statement approved since took some of them), posts each village's vouchers from the provider's account
   * to the funders' payables, and marks it APPROVED.
   */
  async approve(tx: EntityManager, statement: StatementRow, userId: number): Promise<boolean> {
    const [taken] = await tx.query(
      `WITH gone AS (DELETE FROM ledger_unsettled u USING settlement_item i WHERE i.statement_id = $1 AND u.posting_id = i.posting_id RETURNING 1)
       SELECT (SELECT count(*) FROM gone)::int AS gone, (SELECT count(*) FROM settlement_item WHERE statement_id = $1)::int AS items`,
      [statement.id],
    );
    if (taken.gone !== taken.items) return false;
    await tx.query(
      `INSERT INTO ledger_account (kind, jurisdiction_id) SELECT DISTINCT 'PAYABLE'::ledger_account_kind, funder_id FROM settlement_share WHERE statement_id = $1
       ON CONFLICT DO NOTHING`,
      [statement.id],
    );
    await tx.query(
      `WITH village AS (SELECT village_code, sum(amount_fen) AS fen FROM settlement_share WHERE statement_id = $1 GROUP BY 1),
       p AS (
         INSERT INTO ledger_posting (cause, month, village_code, organisation_id, statement_id)
         SELECT 'SETTLEMENT', $2::date, village_code, $3, $1 FROM village ORDER BY village_code RETURNING id, village_code)
       INSERT INTO ledger_line (posting_id, account_id, amount_fen)
       SELECT p.id, ledger_account_of('PROVIDER', NULL, NULL, $3), -v.fen FROM p JOIN village v USING (village_code) WHERE v.fen <> 0
       UNION ALL
       SELECT p.id, pa.id, s.amount_fen FROM p JOIN settlement_share s ON s.statement_id = $1 AND s.village_code = p.village_code
         JOIN ledger_account pa ON pa.kind = 'PAYABLE' AND pa.jurisdiction_id = s.funder_id`,
      [statement.id, `${statement.month}-01`, statement.organisationId],
    );
    await tx.query(`UPDATE settlement_statement SET state = 'APPROVED', approved_by = $2, approved_at = now() WHERE id = $1`, [statement.id, userId]);
    return true;
  },

  /** The approved statements of the quarter's months: each funder under `code` with what it owes, and how many statements. */
  async quarter(db: EntityManager, code: string, from: string, to: string): Promise<{ statements: number; funders: ShareRow[] }> {
    const [count] = await db.query(
      `SELECT count(DISTINCT s.id)::int AS n FROM settlement_statement s JOIN settlement_share x ON x.statement_id = s.id JOIN jurisdiction j ON j.id = x.funder_id
        WHERE s.state = 'APPROVED' AND s.month >= $2::date AND s.month < $3::date AND j.code LIKE $1 || '%'`,
      [code, from, to],
    );
    const funders: ShareRow[] = await db.query(
      `SELECT 0 AS "statementId", '' AS "villageCode", j.code, j.name, j.level::text AS level, sum(x.amount_fen)::float8 AS "amountFen"
         FROM settlement_statement s JOIN settlement_share x ON x.statement_id = s.id JOIN jurisdiction j ON j.id = x.funder_id
        WHERE s.state = 'APPROVED' AND s.month >= $2::date AND s.month < $3::date AND j.code LIKE $1 || '%'
        GROUP BY j.code, j.name, j.level HAVING sum(x.amount_fen) <> 0 ORDER BY j.level, j.code`,
      [code, from, to],
    );
    return { statements: count.n, funders };
  },

  /** Each village's orders (charged less reversed), price, vouchers and own payments under `within`, in code order. */
  async villageTotals(db: EntityManager, statementId: number, within: string): Promise<{ code: string; name: string; orders: number; priceFen: number; voucherFen: number; ownFen: number }[]> {
    return db.query(
      `SELECT i.village_code AS code, j.name, (count(*) FILTER (WHERE NOT i.reversal) - count(*) FILTER (WHERE i.reversal))::int AS orders,
              sum(i.price_fen)::float8 AS "priceFen", sum(i.voucher_fen)::float8 AS "voucherFen", sum(i.own_fen)::float8 AS "ownFen"
         FROM settlement_item i JOIN jurisdiction j ON j.code = i.village_code
        WHERE i.statement_id = $1 AND i.village_code LIKE $2 || '%' GROUP BY 1, 2 ORDER BY 1`,
      [statementId, within],
    );
  },
};
