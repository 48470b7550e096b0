import type { EntityManager } from 'typeorm';
import { datedVersions } from '../db/dated-versions';
import { namedQuery } from '../db/named-query';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { Step } from './procedure-kinds';

export interface OwnerRef {
  id: number;
  code: string;
  name: string;
  level: JurisdictionLevel;
}

/** A version of a node's procedure as stored: days YYYY-MM-DD, `effectiveTo` inclusive (null: open-ended). */
export interface ProcedureRow {
  id: number;
  jurisdiction: OwnerRef;
  name: string;
  source: string;
  template: string | null;
  usesIntakeWindows: boolean;
  effectiveFrom: string;
  effectiveTo: string | null;
  steps: Step[];
}

export interface NewProcedure {
  ownerId: number;
  name: string;
  source: string;
  template: string | null;
  usesIntakeWindows: boolean;
  effectiveFrom: string;
  steps: Step[];
}

/** An intake window (集中申报) as stored: `closes` inclusive. */
export interface WindowRow {
  id: number;
  jurisdiction: OwnerRef;
  name: string;
  opens: string;
  closes: string;
}

// Writers of one node's procedures, or of its windows, take turns on this lock (key: the node's id).
const PROCEDURE_LOCK = 7_320_001;
const WINDOW_LOCK = 7_320_002;

const OWNER = `json_build_object('id', j.id, 'code', j.code, 'name', j.name, 'level', j.level)`;
const PROCEDURE_COLUMNS = `p.id, ${OWNER} AS jurisdiction, p.name, p.source, p.template, p.uses_intake_windows AS "usesIntakeWindows",
  to_char(p.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(p.effective_to, 'YYYY-MM-DD') AS "effectiveTo", p.steps
  FROM review_procedure p JOIN jurisdiction j ON j.id = p.jurisdiction_id`;
const WINDOW_COLUMNS = `w.id, ${OWNER} AS jurisdiction, w.name, to_char(w.opens, 'YYYY-MM-DD') AS opens, to_char(w.closes, 'YYYY-MM-DD') AS closes
  FROM intake_window w JOIN jurisdiction j ON j.id = w.jurisdiction_id`;

const versions = datedVersions<ProcedureRow>('review_procedure', 'p', PROCEDURE_LOCK, PROCEDURE_COLUMNS);

export const procedureRepository = {
  ...versions,

  async insert(tx: EntityManager, procedure: NewProcedure, userId: number | null): Promise<number> {
    return versions.insert(tx, {
      jurisdiction_id: procedure.ownerId,
      name: procedure.name,
      source: procedure.source,
      template: procedure.template,
      uses_intake_windows: procedure.usesIntakeWindows,
      effective_from: procedure.effectiveFrom,
      steps: JSON.stringify(procedure.steps),
      created_by: userId,
    });
  },

  async byIds(db: EntityManager, ids: readonly number[]): Promise<ProcedureRow[]> {
    return db.query(`SELECT ${PROCEDURE_COLUMNS} WHERE p.id = ANY($1::int[])`, [ids]);
  },

  /** The versions in force on `day` at any of the nodes (by code), the deepest node first (one per node at most). */
  async inForceAt(db: EntityManager, codes: readonly string[], day: string): Promise<ProcedureRow[]> {
    return namedQuery<ProcedureRow & Record<string, unknown>>(
      db,
      'review_procedures_in_force',
      `SELECT ${PROCEDURE_COLUMNS}
       WHERE j.code = ANY($1::text[]) AND p.effective_from <= $2::date AND (p.effective_to IS NULL OR p.effective_to >= $2::date)
       ORDER BY length(j.code) DESC`,
      [codes, day],
    );
  },

  /** Every version set at the node or below it, by node and then day; at most `limit`. */
  async inSubtree(db: EntityManager, code: string, limit: number): Promise<ProcedureRow[]> {
    return db.query(
      `SELECT ${PROCEDURE_COLUMNS} WHERE j.code LIKE $1 || '%' ORDER BY j.code, p.effective_from LIMIT $2`,
      [code, limit],
    );
  },

  async lockWindows(tx: EntityManager, jurisdictionId: number): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [WINDOW_LOCK, jurisdictionId]);
  },

  /** The node's windows that share a day with [opens, closes], but `except`. */
  async windowsOverlapping(db: EntityManager, jurisdictionId: number, opens: string, closes: string, except: number | null): Promise<WindowRow[]> {
    return db.query(
      `SELECT ${WINDOW_COLUMNS} WHERE w.jurisdiction_id = $1 AND w.opens <= $3::date AND w.closes >= $2::date
         AND ($4::int IS NULL OR w.id <> $4) ORDER BY w.opens`,
      [jurisdictionId, opens, closes, except],
    );
  },

  async insertWindow(tx: EntityManager, ownerId: number, name: string, opens: string, closes: string, userId: number | null): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO intake_window (jurisdiction_id, name, opens, closes, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [ownerId, name, opens, closes, userId],
    );
    return id;
  },

  async windowById(db: EntityManager, id: number): Promise<WindowRow | null> {
    const rows: WindowRow[] = await db.query(`SELECT ${WINDOW_COLUMNS} WHERE w.id = $1`, [id]);
    return rows[0] ?? null;
  },

  async closeWindow(tx: EntityManager, id: number, lastDay: string): Promise<void> {
    await tx.query(`UPDATE intake_window SET closes = $2 WHERE id = $1`, [id, lastDay]);
  },

  /** The nodes' (by code) windows open on `day` or opening after it, by opening day and then the deepest node first. */
  async windowsFrom(db: EntityManager, codes: readonly string[], day: string): Promise<WindowRow[]> {
    return namedQuery<WindowRow & Record<string, unknown>>(
      db,
      'intake_windows_from',
      `SELECT ${WINDOW_COLUMNS} WHERE j.code = ANY($1::text[]) AND w.closes >= $2::date
       ORDER BY w.opens, length(j.code) DESC LIMIT 50`,
      [codes, day],
    );
  },
};
