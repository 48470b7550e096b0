import type { EntityManager } from 'typeorm';
import type { JurisdictionLevel } from '../kernel/division-codes';

export interface PaymentRow {
  id: number;
  facilityId: number;
  facilityCode: string;
  /** The facility's node, for the audit trail. */
  jurisdictionId: number;
  organisationId: number | null;
  year: number;
  amountFen: number;
  state: string;
  proposedBy: string;
  proposedById: number;
  proposedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  postingId: string | null;
}

export interface PaymentShareRow {
  paymentId: number;
  code: string;
  name: string;
  level: JurisdictionLevel;
  amountFen: number;
}

const COLUMNS = `p.id, p.facility_id AS "facilityId", j.code AS "facilityCode", f.jurisdiction_id AS "jurisdictionId", f.organisation_id AS "organisationId", p.year::int AS year, p.amount_fen::float8 AS "amountFen",
  p.state::text AS state, pu.username AS "proposedBy", p.proposed_by AS "proposedById", p.proposed_at AS "proposedAt", du.username AS "decidedBy", p.decided_at AS "decidedAt",
  p.decision_note AS "decisionNote", p.posting_id::text AS "postingId"
  FROM facility_subsidy_payment p JOIN facility f ON f.id = p.facility_id JOIN jurisdiction j ON j.id = f.jurisdiction_id
  JOIN app_user pu ON pu.id = p.proposed_by LEFT JOIN app_user du ON du.id = p.decided_by`;

/** Facility subsidies proposed for payment and paid (ledger cause FACILITY_SUBSIDY). */
export const facilityPaymentRepository = {
  /** What approved payments of the facility's year paid each funder so far. */
  async paid(db: EntityManager, facilityId: number, year: number): Promise<Map<number, number>> {
    const rows: { funderId: number; fen: string }[] = await db.query(
      `SELECT s.funder_id AS "funderId", sum(s.amount_fen) AS fen FROM facility_subsidy_payment p JOIN facility_subsidy_payment_share s ON s.payment_id = p.id
        WHERE p.facility_id = $1 AND p.year = $2 AND p.state = 'APPROVED' GROUP BY 1`,
      [facilityId, year],
    );
    return new Map(rows.map((r) => [r.funderId, Number(r.fen)]));
  },

  /** The new proposal's id, or null when the facility's year already has one open. */
  async insert(tx: EntityManager, facilityId: number, year: number, shares: readonly { funderId: number; amountFen: number }[], userId: number): Promise<number | null> {
    const [row] = await tx.query(
      `INSERT INTO facility_subsidy_payment (facility_id, year, amount_fen, proposed_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (facility_id, year) WHERE state = 'PROPOSED' DO NOTHING RETURNING id`,
      [facilityId, year, shares.reduce((sum, s) => sum + s.amountFen, 0), userId],
    );
    if (!row) return null;
    await tx.query(
      `INSERT INTO facility_subsidy_payment_share (payment_id, funder_id, amount_fen) SELECT $1, f, a FROM unnest($2::int[], $3::bigint[]) AS u (f, a)`,
      [row.id, shares.map((s) => s.funderId), shares.map((s) => s.amountFen)],
    );
    return row.id;
  },

  async payments(db: EntityManager, ids: readonly number[], lock = false): Promise<PaymentRow[]> {
    return db.query(`SELECT ${COLUMNS} WHERE p.id = ANY ($1::int[]) ORDER BY p.id${lock ? ' FOR UPDATE OF p' : ''}`, [ids]);
  },

  async ofFacility(db: EntityManager, facilityId: number, year: number | null): Promise<PaymentRow[]> {
    return db.query(`SELECT ${COLUMNS} WHERE p.facility_id = $1 AND ($2::int IS NULL OR p.year = $2) ORDER BY p.id DESC LIMIT 200`, [facilityId, year]);
  },

  async shares(db: EntityManager, paymentIds: readonly number[]): Promise<PaymentShareRow[]> {
    return db.query(
      `SELECT s.payment_id AS "paymentId", j.code, j.name, j.level::text AS level, s.amount_fen::float8 AS "amountFen"
         FROM facility_subsidy_payment_share s JOIN jurisdiction j ON j.id = s.funder_id WHERE s.payment_id = ANY ($1::int[]) ORDER BY s.payment_id, j.level, j.code`,
      [paymentIds],
    );
  },

  /** Posts an approved payment: each funder's share from its budget (FUNDER) to what it owes the operator (PAYABLE). */
  async approve(tx: EntityManager, payment: PaymentRow, deciderId: number, note: string | null): Promise<void> {
    await tx.query(
      `INSERT INTO ledger_account (kind, jurisdiction_id)
       SELECT k.kind, s.funder_id FROM facility_subsidy_payment_share s CROSS JOIN (VALUES ('FUNDER'::ledger_account_kind), ('PAYABLE'::ledger_account_kind)) k (kind)
        WHERE s.payment_id = $1 ON CONFLICT DO NOTHING`,
      [payment.id],
    );
    await tx.query(
      `WITH p AS (
         INSERT INTO ledger_posting (cause, month, village_code, facility_id, organisation_id, made_by, approved_by, reason)
         VALUES ('FACILITY_SUBSIDY', date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')::date, $2, $3, $4, $5, $6, $7) RETURNING id),
       l AS (
         INSERT INTO ledger_line (posting_id, account_id, amount_fen)
         SELECT p.id, a.id, CASE a.kind WHEN 'FUNDER' THEN -s.amount_fen ELSE s.amount_fen END
           FROM p, facility_subsidy_payment_share s JOIN ledger_account a ON a.jurisdiction_id = s.funder_id AND a.kind IN ('FUNDER', 'PAYABLE')
          WHERE s.payment_id = $1)
       UPDATE facility_subsidy_payment SET state = 'APPROVED', decided_by = $6, decided_at = now(), decision_note = $8, posting_id = (SELECT id FROM p) WHERE id = $1`,
      [payment.id, payment.facilityCode, payment.facilityId, payment.organisationId, payment.proposedById, deciderId, `设施补贴 ${payment.year}`, note],
    );
  },

  async reject(tx: EntityManager, id: number, deciderId: number, note: string | null): Promise<void> {
    await tx.query(`UPDATE facility_subsidy_payment SET state = 'REJECTED', decided_by = $2, decided_at = now(), decision_note = $3 WHERE id = $1`, [id, deciderId, note]);
  },
};
