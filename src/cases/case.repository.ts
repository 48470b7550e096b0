import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import type { CaseAction, CaseFiler, CaseState } from './case-kinds';

/** A case as stored: days YYYY-MM-DD. `state` is never WAITING here: a case waits while its step begins after today. */
export interface CaseRow {
  id: number;
  personId: number;
  personName: string;
  nationalId: string;
  villageId: number;
  villageCode: string;
  procedureId: number;
  intakeWindowId: number | null;
  state: CaseState;
  stepPosition: number | null;
  stepBegan: string | null;
  stepDue: string | null;
  actingNodeId: number | null;
  actingCode: string | null;
  stepCapability: string | null;
  filedOn: string;
  filedBy: number;
  filedAsRole: string;
  filer: CaseFiler;
  agentName: string | null;
  agentRelation: string | null;
  closedReason: string | null;
  decidedOn: string | null;
  /** The assessor the assessment step is assigned to. */
  assessorId: number | null;
  assessorUsername: string | null;
  version: number;
}

export interface NewCase {
  personId: number;
  villageId: number;
  villageCode: string;
  procedureId: number;
  intakeWindowId: number | null;
  filedOn: string;
  filedBy: number;
  filedAsRole: string;
  filer: CaseFiler;
  agentName: string | null;
  agentRelation: string | null;
}

/** Where a case stands after a decision: the step it is at (null once decided) and what the queue reads of it. */
export interface CaseStepState {
  state: CaseState;
  stepPosition: number | null;
  stepBegan: string | null;
  stepDue: string | null;
  actingNodeId: number | null;
  actingCode: string | null;
  stepCapability: string | null;
  closedReason?: string | null;
  decidedOn?: string | null;
}

export interface HistoryRow {
  id: number;
  caseId: number;
  at: Date;
  userId: number | null;
  username: string | null;
  role: string | null;
  stepPosition: number | null;
  action: CaseAction;
  opinion: string | null;
  reasons: string | null;
}

export interface NewHistory {
  caseId: number;
  userId: number | null;
  username: string | null;
  role: string | null;
  stepPosition: number | null;
  action: CaseAction;
  opinion: string | null;
  reasons: string | null;
  idempotencyKey: string | null;
}

export interface MaterialRow {
  id: number;
  caseId: number;
  kind: string;
  receivedOn: string;
  checkedBy: number | null;
  checkedAt: Date | null;
}

export interface CaseSchemeRow {
  caseId: number;
  id: number;
  name: string;
}

const day = (column: string, as: string) => `to_char(${column}, 'YYYY-MM-DD') AS "${as}"`;
/** A case's columns as `CaseRow` reads them from `c` (application_case rows) and CASE_JOINS. */
export const CASE_FIELDS = `c.id, c.person_id AS "personId", p.name AS "personName", p.national_id AS "nationalId",
  c.village_id AS "villageId", c.village_code AS "villageCode", c.procedure_id AS "procedureId",
  c.intake_window_id AS "intakeWindowId", c.state, c.step_position AS "stepPosition", ${day('c.step_began', 'stepBegan')},
  ${day('c.step_due', 'stepDue')}, c.acting_node_id AS "actingNodeId", c.acting_code AS "actingCode",
  c.step_capability AS "stepCapability", ${day('c.filed_on', 'filedOn')}, c.filed_by AS "filedBy", c.filed_as_role AS "filedAsRole",
  c.filer, c.agent_name AS "agentName", c.agent_relation AS "agentRelation", c.closed_reason AS "closedReason",
  ${day('c.decided_on', 'decidedOn')}, c.assessor_id AS "assessorId", a.username AS "assessorUsername", c.version`;
/** What CASE_FIELDS reads besides the case row `c`: its applicant `p` and its assessor `a`. */
export const CASE_JOINS = `JOIN person p ON p.id = c.person_id LEFT JOIN app_user a ON a.id = c.assessor_id`;
const CASE_COLUMNS = `${CASE_FIELDS} FROM application_case c ${CASE_JOINS}`;

export const caseRepository = {
  async byIds(db: EntityManager, ids: readonly number[]): Promise<CaseRow[]> {
    return namedQuery<CaseRow & Record<string, unknown>>(db, 'cases_by_ids', `SELECT ${CASE_COLUMNS} WHERE c.id = ANY($1::int[])`, [ids]);
  },

  /** The case locked for a decision; null when there is none. */
  async lock(tx: EntityManager, id: number): Promise<CaseRow | null> {
    const rows: CaseRow[] = await tx.query(`SELECT ${CASE_COLUMNS} WHERE c.id = $1 FOR UPDATE OF c`, [id]);
    return rows[0] ?? null;
  },

  /** The person's open cases for any of the schemes: the ids of the schemes already applied for. */
  async openSchemesOf(db: EntityManager, personId: number, schemeIds: readonly number[]): Promise<number[]> {
    const rows: { schemeId: number }[] = await db.query(
      `SELECT DISTINCT s.scheme_id AS "schemeId" FROM application_case c JOIN application_case_scheme s ON s.case_id = c.id
       WHERE c.person_id = $1 AND c.state IN ('IN_REVIEW', 'RETURNED') AND s.scheme_id = ANY($2::int[])`,
      [personId, schemeIds],
    );
    return rows.map((r) => r.schemeId);
  },

  /** The ids of the person's open cases. */
  async openOf(db: EntityManager, personId: number): Promise<number[]> {
    const rows: { id: number }[] = await db.query(
      `SELECT id FROM application_case WHERE person_id = $1 AND state IN ('IN_REVIEW', 'RETURNED') ORDER BY id FOR UPDATE`,
      [personId],
    );
    return rows.map((r) => r.id);
  },

  async insert(tx: EntityManager, c: NewCase, step: CaseStepState): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO application_case (person_id, village_id, village_code, procedure_id, intake_window_id, state, step_position,
         step_began, step_due, acting_node_id, acting_code, step_capability, filed_on, filed_by, filed_as_role, filer, agent_name,
         agent_relation)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
      [
        c.personId, c.villageId, c.villageCode, c.procedureId, c.intakeWindowId, step.state, step.stepPosition, step.stepBegan,
        step.stepDue, step.actingNodeId, step.actingCode, step.stepCapability, c.filedOn, c.filedBy, c.filedAsRole, c.filer,
        c.agentName, c.agentRelation,
      ],
    );
    return id;
  },

  /** Moves a locked case to `step` (its assessor, if any, belonged to the step it leaves) and counts the change in its version. */
  async move(tx: EntityManager, id: number, step: CaseStepState): Promise<void> {
    await tx.query(
      `UPDATE application_case SET state = $2, step_position = $3, step_began = $4, step_due = $5, acting_node_id = $6,
         acting_code = $7, step_capability = $8, closed_reason = $9, decided_on = $10, assessor_id = NULL, version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, step.state, step.stepPosition, step.stepBegan, step.stepDue, step.actingNodeId, step.actingCode, step.stepCapability,
        step.closedReason ?? null, step.decidedOn ?? null],
    );
  },

  /** Assigns the locked case's assessment step to an assessor and counts the change in its version. */
  async assignAssessor(tx: EntityManager, id: number, userId: number): Promise<void> {
    await tx.query(`UPDATE application_case SET assessor_id = $2, version = version + 1, updated_at = now() WHERE id = $1`, [id, userId]);
  },

  async insertSchemes(tx: EntityManager, caseId: number, schemeIds: readonly number[]): Promise<void> {
    await tx.query(`INSERT INTO application_case_scheme (case_id, scheme_id) SELECT $1, unnest($2::int[])`, [caseId, schemeIds]);
  },

  async insertMaterials(tx: EntityManager, caseId: number, materials: readonly { kind: string; receivedOn: string; checked: boolean }[], userId: number): Promise<void> {
    if (materials.length === 0) return;
    await tx.query(
      `INSERT INTO application_material (case_id, kind, received_on, checked_by, checked_at)
       SELECT $1, m.kind, m.received_on, CASE WHEN m.checked THEN $5::int END, CASE WHEN m.checked THEN now() END
       FROM unnest($2::text[], $3::date[], $4::boolean[]) AS m (kind, received_on, checked)`,
      [caseId, materials.map((m) => m.kind), materials.map((m) => m.receivedOn), materials.map((m) => m.checked), userId],
    );
  },

  async appendHistory(tx: EntityManager, entry: NewHistory, answer: unknown): Promise<void> {
    await tx.query(
      `INSERT INTO application_history (case_id, user_id, username, role, step_position, action, opinion, reasons, idempotency_key, answer)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
      [entry.caseId, entry.userId, entry.username, entry.role, entry.stepPosition, entry.action, entry.opinion, entry.reasons,
        entry.idempotencyKey, answer === undefined ? null : JSON.stringify(answer)],
    );
  },

  /** The answer stored with the decision made under this key, if one was. */
  async answerFor(db: EntityManager, caseId: number, key: string): Promise<{ answer: unknown } | null> {
    const rows: { answer: unknown }[] = await db.query(
      `SELECT answer FROM application_history WHERE case_id = $1 AND idempotency_key = $2`,
      [caseId, key],
    );
    return rows[0] ?? null;
  },

  async historyOf(db: EntityManager, caseIds: readonly number[]): Promise<HistoryRow[]> {
    return namedQuery(
      db,
      'case_history',
      `SELECT id::int, case_id AS "caseId", at, user_id AS "userId", username, role, step_position AS "stepPosition", action, opinion, reasons
       FROM application_history WHERE case_id = ANY($1::int[]) ORDER BY case_id, id`,
      [caseIds],
    );
  },

  async materialsOf(db: EntityManager, caseIds: readonly number[]): Promise<MaterialRow[]> {
    return namedQuery(
      db,
      'case_materials',
      `SELECT id, case_id AS "caseId", kind, ${day('received_on', 'receivedOn')}, checked_by AS "checkedBy", checked_at AS "checkedAt"
       FROM application_material WHERE case_id = ANY($1::int[]) ORDER BY case_id, id`,
      [caseIds],
    );
  },

  async schemesOf(db: EntityManager, caseIds: readonly number[]): Promise<CaseSchemeRow[]> {
    return namedQuery(
      db,
      'case_schemes',
      `SELECT cs.case_id AS "caseId", s.id, s.name FROM application_case_scheme cs JOIN subsidy_scheme s ON s.id = cs.scheme_id
       WHERE cs.case_id = ANY($1::int[]) ORDER BY cs.case_id, s.id`,
      [caseIds],
    );
  },
};
