import type { EntityManager } from 'typeorm';
import { ARRANGEMENTS } from './settlement.repository';

/** A level's voucher rules as in force at a node in a month (code null: none set, the documents' defaults). */
export interface LedgerRulesRow {
  code: string | null;
  name: string | null;
  fromMonth: string | null;
  mealOwnSharePercent: number;
  yearCap: boolean;
  returnFrozen: boolean;
  source: string | null;
  setBy: string | null;
  setAt: Date | null;
}

/** The levels' voucher rules, and the return of frozen balances they may call for. */
export const ledgerRulesRepository = {
  /** The rules in force for a node in a month: the nearest level's latest (code null: none set, the documents' defaults). */
  async rulesAt(db: EntityManager, code: string, month: string): Promise<LedgerRulesRow> {
    const [row] = await db.query(
      `SELECT j.code, j.name, to_char(r.from_month, 'YYYY-MM') AS "fromMonth", d.meal_own_share_percent AS "mealOwnSharePercent", d.year_cap AS "yearCap",
              d.return_frozen AS "returnFrozen", r.source, u.username AS "setBy", r.created_at AS "setAt"
         FROM ledger_rules_at($1, $2::date) d
         LEFT JOIN LATERAL (SELECT * FROM ledger_rules r WHERE starts_with($1, r.code) AND r.from_month <= $2::date ORDER BY length(r.code) DESC, r.from_month DESC LIMIT 1) r ON true
         LEFT JOIN jurisdiction j ON j.id = r.jurisdiction_id LEFT JOIN app_user u ON u.id = r.created_by`,
      [code, `${month}-01`],
    );
    return row;
  },

  /** Records a level's rules from a month; false when the level already set rules from that month. */
  async insertRules(tx: EntityManager, jurisdictionId: number, code: string, rules: Omit<LedgerRulesRow, 'code' | 'name' | 'setBy' | 'setAt'>, userId: number): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO ledger_rules (jurisdiction_id, code, from_month, meal_own_share_percent, year_cap, return_frozen, source, created_by)
       VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8) ON CONFLICT (jurisdiction_id, from_month) DO NOTHING RETURNING id`,
      [jurisdictionId, code, `${rules.fromMonth}-01`, rules.mealOwnSharePercent, rules.yearCap, rules.returnFrozen, rules.source, userId],
    );
    return rows.length > 0;
  },

  /**
   * The balances frozen before the month of accounts under the node whose level returns them (returnFrozen),
   * row-locked, with the arrangement that funded them and the person's village now.
   */
  async frozenToReturn(tx: EntityManager, path: string, month: string): Promise<{ accountId: number; personId: number; villageCode: string; balanceFen: number; weights: string | null }[]> {
    const rows = await tx.query(
      `WITH due AS (
         SELECT a.id, a.person_id, a.scheme_kind, a.balance_fen, v.code AS village_code
           FROM ledger_account a JOIN person p ON p.id = a.person_id JOIN jurisdiction v ON v.id = p.village_id
          WHERE a.frozen_after IS NOT NULL AND a.frozen_after < $2::date AND a.kind = 'SUBSIDY' AND a.balance_fen > 0 AND v.path <@ $1::ltree
            AND (SELECT return_frozen FROM ledger_rules_at(v.code, $2::date))
          FOR UPDATE OF a),
       arrangement AS (${ARRANGEMENTS('(SELECT DISTINCT person_id, scheme_kind FROM due)')})
       SELECT due.id AS "accountId", due.person_id AS "personId", due.village_code AS "villageCode", due.balance_fen AS "balanceFen", arrangement.weights
         FROM due JOIN arrangement USING (person_id, scheme_kind) ORDER BY due.id`,
      [path, `${month}-01`],
    );
    return rows.map((row: { balanceFen: string }) => ({ ...row, balanceFen: Number(row.balanceFen) }));
  },

  /**
   * Posts the returns, one posting per person (FREEZE_RETURN): each voucher account emptied (a negative
   * line), its funders credited back their shares (positive lines on their accounts, made if missing).
   */
  async postReturns(tx: EntityManager, month: string, runId: number, returns: readonly { personId: number; villageCode: string; accountId: number; balanceFen: number; funders: { funderId: number; amountFen: number }[] }[]): Promise<void> {
    if (returns.length === 0) return;
    const funderIds = [...new Set(returns.flatMap((r) => r.funders.map((f) => f.funderId)))];
    await tx.query(`INSERT INTO ledger_account (kind, jurisdiction_id) SELECT 'FUNDER', unnest($1::int[]) ON CONFLICT DO NOTHING`, [funderIds]);
    const lines = returns.flatMap((r) => [
      { person: r.personId, account: r.accountId as number | null, funder: null as number | null, fen: -r.balanceFen },
      ...r.funders.map((f) => ({ person: r.personId, account: null as number | null, funder: f.funderId as number | null, fen: f.amountFen })),
    ]);
    await tx.query(
      `WITH p AS (
         INSERT INTO ledger_posting (cause, month, village_code, person_id, run_id)
         SELECT DISTINCT ON (person_id) 'FREEZE_RETURN'::ledger_cause, $1::date, village_code, person_id, $2 FROM unnest($3::int[], $4::varchar[]) AS r (person_id, village_code)
         RETURNING id, person_id)
       INSERT INTO ledger_line (posting_id, account_id, amount_fen)
       SELECT p.id, coalesce(x.account, f.id), sum(x.fen)
         FROM unnest($5::int[], $6::int[], $7::int[], $8::bigint[]) AS x (person, account, funder, fen)
         JOIN p ON p.person_id = x.person
         LEFT JOIN ledger_account f ON f.kind = 'FUNDER' AND f.jurisdiction_id = x.funder
        GROUP BY p.id, coalesce(x.account, f.id) HAVING sum(x.fen) <> 0`,
      [`${month}-01`, runId, returns.map((r) => r.personId), returns.map((r) => r.villageCode), lines.map((l) => l.person), lines.map((l) => l.account), lines.map((l) => l.funder), lines.map((l) => l.fen)],
    );
  },
};
