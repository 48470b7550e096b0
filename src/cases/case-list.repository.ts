import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import { actingRole } from '../access/actor';
import { Capability, Role, type Actor } from '../kernel/actor';
import { isDay } from '../kernel/dates';
import type { CursorKey } from '../kernel/pagination';
import { STEP_CAPABILITY, StepCapability } from '../procedures/procedure-kinds';
import { CaseState } from './case-kinds';
import { CASE_FIELDS, CASE_JOINS, type CaseRow } from './case.repository';

/** Where a case without a due date sorts: after every dated one. */
const NO_DUE = '9999-12-31';

/** A list's key: the due date (or NO_DUE) and the id. */
export const CASE_KEY: CursorKey<{ due: string; id: number }> = {
  valid: (key) => /^\d{4}-\d{2}-\d{2}\|[1-9]\d{0,9}$/.test(key) && isDay(key.slice(0, 10)),
  parse: (key) => ({ due: key.slice(0, 10), id: Number(key.slice(11)) }),
};

export interface CaseFilter {
  /** Cases filed at villages under this code. */
  under: string;
  state: CaseState | null;
  today: string;
  /** Only cases awaiting this caller: a step they may act on at a node of their subtree, or a return they may resubmit. */
  awaiting: Actor | null;
  /** Only cases in review whose due date is before today. */
  overdue?: boolean;
}

function where(filter: CaseFilter, params: unknown[]): string {
  const add = (value: unknown) => `$${params.push(value)}`;
  const clauses = [`c.village_code LIKE ${add(filter.under)} || '%'`];
  let shared: string | null = null;
  const today = () => (shared ??= `${add(filter.today)}::date`);
  if (filter.state === CaseState.WAITING) clauses.push(`c.state = 'IN_REVIEW' AND c.step_began > ${today()}`);
  else if (filter.state === CaseState.IN_REVIEW) clauses.push(`c.state = 'IN_REVIEW' AND c.step_began <= ${today()}`);
  else if (filter.state) clauses.push(`c.state = ${add(filter.state)}`);
  if (filter.overdue) clauses.push(`c.state = 'IN_REVIEW' AND c.step_began <= ${today()} AND c.step_due < ${today()}`);
  const actor = filter.awaiting;
  if (actor) {
    const capabilities = Object.values(StepCapability).filter((c) => actingRole(actor, STEP_CAPABILITY[c]) !== null);
    const mine = add(actor.jurisdictionCode);
    const files = actingRole(actor, Capability.FILE_CASES) !== null;
    // A third-party assessor awaits the assessments assigned to them only.
    const assigned = actingRole(actor, Capability.ASSESS_PEOPLE) === Role.ASSESSOR ? ` AND (c.step_capability <> 'ASSESS_PEOPLE' OR c.assessor_id = ${add(actor.userId)})` : '';
    clauses.push(`((c.state = 'IN_REVIEW' AND c.step_began <= ${today()} AND c.step_capability = ANY(${add(capabilities)}::text[])${assigned}
      AND c.acting_code LIKE ${mine} || '%')${files ? ` OR (c.state = 'RETURNED' AND c.village_code LIKE ${mine} || '%')` : ''})`);
  }
  return clauses.join(' AND ');
}

/**
 * The cases after the key, by due date (none last) and id. A caller's queue reads the stored order of the
 * open cases awaiting at or below their home node (`case_queue`, docs/adr/0008) and keeps those that
 * match `where` (every case awaiting the caller is among them): the first page is the first rows of one
 * index range, each case looked up by id (`OFFSET 0` keeps the lookup inside the scan, whatever the
 * planner guesses of the filter), instead of a sort of every open case of the subtree.
 */
function chosen(filter: CaseFilter, params: unknown[], after: { due: string; id: number } | null): string {
  if (!filter.awaiting) {
    const key = `coalesce(c.step_due, '${NO_DUE}')`;
    const from = after ? ` AND (${key}, c.id) > ($${params.push(after.due)}::date, $${params.push(after.id)})` : '';
    return `SELECT c.* FROM application_case c WHERE ${where(filter, params)}${from} ORDER BY ${key}, c.id`;
  }
  const node = `$${params.push(filter.awaiting.jurisdictionCode)}`;
  const from = after ? ` AND (q.due, q.case_id) > ($${params.push(after.due)}::date, $${params.push(after.id)})` : '';
  return `SELECT c.* FROM case_queue q
    CROSS JOIN LATERAL (SELECT c.* FROM application_case c WHERE c.id = q.case_id AND ${where(filter, params)} OFFSET 0) c
    WHERE q.node_code = ${node}${from} ORDER BY q.due, q.case_id`;
}

export const caseListRepository = {
  /** Up to `limit` cases after the key, by due date (none last) and id, read whole in the one statement. */
  async search(db: EntityManager, filter: CaseFilter, after: { due: string; id: number } | null, limit: number): Promise<CaseRow[]> {
    const params: unknown[] = [];
    const page = `${chosen(filter, params, after)} LIMIT $${params.push(limit)}`;
    // The page is chosen before its applicants and assessors are joined: a county's queue matches a thousand cases or more.
    const sql = `SELECT ${CASE_FIELDS} FROM (${page}) c ${CASE_JOINS} ORDER BY coalesce(c.step_due, '${NO_DUE}'), c.id`;
    // A queue's statement has a few shapes (by the caller's roles and the filters), each planned once per connection: its
    // plan, a range of one node's rows, does not depend on the values. A list under a code range is planned for its prefix.
    if (filter.awaiting) return namedQuery(db, `case_queue_${crypto.createHash('sha256').update(sql).digest('hex').slice(0, 16)}`, sql, params);
    return db.query(sql, params);
  },

  async count(db: EntityManager, filter: CaseFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM (${chosen(filter, params, null)}) c`, params);
    return count;
  },
};
