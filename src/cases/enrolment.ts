import type { EntityManager } from 'typeorm';
import { addMonths } from '../kernel/dates';
import { ConflictError } from '../kernel/errors';
import { FirstMonthRule, LastMonthRule } from '../policies/policy-kinds';
import { policyRepository } from '../policies/policy.repository';
import type { CaseRow } from './case.repository';
import type { EnrolmentEnd } from './case-kinds';
import { enrolmentEnded } from './enrolment-hooks';

/**
 * Enrolments: what an approval gives, and what the entitlement run pays a scheme that requires an
 * application for. The first month paid follows the scheme's firstMonth rule from the day of
 * approval; the last after a cancellation its lastMonth rule from the day of the event.
 */

export interface EnrolmentRow {
  id: number;
  personId: number;
  schemeId: number;
  schemeName: string;
  caseId: number;
  fromMonth: string;
  untilMonth: string | null;
  endReason: EnrolmentEnd | null;
  endedOn: string | null;
  /** The case's village (the applicant's 户籍): who may cancel it. */
  villageId: number;
  villageCode: string;
}

const COLUMNS = `e.id, e.person_id AS "personId", e.scheme_id AS "schemeId", s.name AS "schemeName", e.case_id AS "caseId",
  to_char(e.from_month, 'YYYY-MM') AS "fromMonth", to_char(e.until_month, 'YYYY-MM') AS "untilMonth", e.end_reason AS "endReason",
  to_char(e.ended_on, 'YYYY-MM-DD') AS "endedOn", c.village_id AS "villageId", c.village_code AS "villageCode"
  FROM enrolment e JOIN subsidy_scheme s ON s.id = e.scheme_id JOIN application_case c ON c.id = e.case_id`;

/** The first month an approval on `day` is paid for under the rule. */
export function firstMonthOf(rule: FirstMonthRule, day: string): string {
  return rule === FirstMonthRule.MONTH_AFTER_APPROVAL ? addMonths(day.slice(0, 7), 1) : day.slice(0, 7);
}

/** The last month paid after an event on `day` under the rule (never before the month before the first). */
export function lastMonthOf(rule: LastMonthRule, day: string, fromMonth: string): string {
  const last = rule === LastMonthRule.PAY_MONTH_OF_EVENT ? day.slice(0, 7) : addMonths(day.slice(0, 7), -1);
  const floor = addMonths(fromMonth, -1);
  return last < floor ? floor : last;
}

const isExclusion = (error: unknown) => (error as { code?: string })?.code === '23P01' || (error as { driverError?: { code?: string } })?.driverError?.code === '23P01';

export const enrolmentRepository = {
  async byIds(db: EntityManager, ids: readonly number[]): Promise<EnrolmentRow[]> {
    return db.query(`SELECT ${COLUMNS} WHERE e.id = ANY($1::int[]) ORDER BY e.id`, [ids]);
  },

  async ofCases(db: EntityManager, caseIds: readonly number[]): Promise<EnrolmentRow[]> {
    return db.query(`SELECT ${COLUMNS} WHERE e.case_id = ANY($1::int[]) ORDER BY e.id`, [caseIds]);
  },

  /** The person's enrolments still paying (open, or ending after `month`), locked. */
  async openOf(tx: EntityManager, personId: number): Promise<EnrolmentRow[]> {
    return tx.query(`SELECT ${COLUMNS} WHERE e.person_id = $1 AND e.until_month IS NULL ORDER BY e.id FOR UPDATE OF e`, [personId]);
  },

  async lock(tx: EntityManager, id: number): Promise<EnrolmentRow | null> {
    const rows: EnrolmentRow[] = await tx.query(`SELECT ${COLUMNS} WHERE e.id = $1 FOR UPDATE OF e`, [id]);
    return rows[0] ?? null;
  },

  async end(tx: EntityManager, id: number, untilMonth: string, reason: EnrolmentEnd, on: string): Promise<void> {
    await tx.query(`UPDATE enrolment SET until_month = $2, end_reason = $3, ended_on = $4 WHERE id = $1`, [id, `${untilMonth}-01`, reason, on]);
  },
};

/** Enrols the applicant of an approved case in each of its schemes, from the month each scheme's rule says; the earliest first month. */
export async function enrolOnApproval(tx: EntityManager, c: CaseRow, day: string): Promise<string | null> {
  const schemes: { schemeId: number }[] = await tx.query(`SELECT scheme_id AS "schemeId" FROM application_case_scheme WHERE case_id = $1`, [c.id]);
  const ids = schemes.map((s) => s.schemeId);
  const parameters = await policyRepository.parametersIn(tx, ids, day.slice(0, 7));
  const months = ids.map((id) => firstMonthOf(parameters.find((p) => p.schemeId === id)?.firstMonth ?? FirstMonthRule.MONTH_OF_APPROVAL, day));
  try {
    await tx.query(
      `INSERT INTO enrolment (person_id, scheme_id, case_id, from_month)
       SELECT $1, s.id, $2, (s.month || '-01')::date FROM unnest($3::int[], $4::text[]) AS s (id, month)`,
      [c.personId, c.id, ids, months],
    );
  } catch (error) {
    if (isExclusion(error)) throw new ConflictError('the person is already enrolled in a scheme of this application', 'input.action');
    throw error;
  }
  return months.length === 0 ? null : months.reduce((a, b) => (a < b ? a : b));
}

/** Ends the person's open enrolments after an event on `day` (death, move, withdrawal, fraud), each by its scheme's lastMonth rule. */
export async function endEnrolments(tx: EntityManager, rows: readonly EnrolmentRow[], reason: EnrolmentEnd, day: string): Promise<void> {
  if (rows.length === 0) return;
  const parameters = await policyRepository.parametersIn(tx, rows.map((r) => r.schemeId), day.slice(0, 7));
  for (const row of rows) {
    const rule = parameters.find((p) => p.schemeId === row.schemeId)?.lastMonth ?? LastMonthRule.STOP_IN_MONTH_OF_EVENT;
    const lastMonth = lastMonthOf(rule, day, row.fromMonth);
    await enrolmentRepository.end(tx, row.id, lastMonth, reason, day);
    await enrolmentEnded({ tx, personId: row.personId, schemeId: row.schemeId, lastMonth, day });
  }
}
