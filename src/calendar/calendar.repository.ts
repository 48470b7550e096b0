import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';

/** An entered arrangement of one year at one jurisdiction, one revision of it. */
export interface CalendarYearRow {
  jurisdictionCode: string;
  year: number;
  revision: number;
  holidays: { date: string; name: string }[];
  makeupDays: string[];
  sourceTitle: string;
  sourceNumber: string;
  enteredBy: string | null;
  /** ISO 8601. */
  enteredAt: string;
}

export type NewCalendarYear = Omit<CalendarYearRow, 'jurisdictionCode' | 'revision' | 'enteredAt' | 'enteredBy'> & {
  jurisdictionId: number;
  enteredById: number;
  enteredBy: string;
};

// Namespace of the transaction-scoped advisory locks (two-key form) that order the revisions entered at one node.
const CALENDAR_LOCK = 7_300_002;

const COLUMNS = `a.code AS "jurisdictionCode", w.year, w.revision, w.holidays, w.makeup_days::text[] AS "makeupDays",
  w.source_title AS "sourceTitle", w.source_number AS "sourceNumber", w.entered_by_username AS "enteredBy",
  to_char(w.entered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "enteredAt"`;

export const calendarRepository = {
  /**
   * Appends the next revision of (jurisdiction, year). Entries at one node wait for each other, so two
   * administrators entering the same year at once both get a revision, in the order they committed.
   */
  async insertRevision(tx: EntityManager, row: NewCalendarYear): Promise<{ revision: number; enteredAt: string }> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [CALENDAR_LOCK, row.jurisdictionId]);
    const [inserted] = await tx.query(
      `INSERT INTO working_calendar_year
         (jurisdiction_id, year, revision, holidays, makeup_days, source_title, source_number, entered_by, entered_by_username)
       SELECT $1, $2, coalesce(max(revision), 0) + 1, $3::jsonb, $4::date[], $5, $6, $7, $8
       FROM working_calendar_year WHERE jurisdiction_id = $1 AND year = $2
       RETURNING revision, to_char(entered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "enteredAt"`,
      [row.jurisdictionId, row.year, JSON.stringify(row.holidays), row.makeupDays, row.sourceTitle, row.sourceNumber, row.enteredById, row.enteredBy],
    );
    return inserted;
  },

  /**
   * For each year entered at the node or an ancestor, the latest revision of the nearest such node:
   * the node named by id, or by its ltree path.
   */
  async effectiveAlong(db: EntityManager, node: { id: number } | { path: string }): Promise<CalendarYearRow[]> {
    const byId = 'id' in node;
    return namedQuery<CalendarYearRow & Record<string, unknown>>(
      db,
      byId ? 'calendar_years_along_id' : 'calendar_years_along_path',
      `SELECT DISTINCT ON (w.year) ${COLUMNS}
       FROM jurisdiction n
       JOIN jurisdiction a ON a.path @> n.path
       JOIN working_calendar_year w ON w.jurisdiction_id = a.id
       WHERE ${byId ? 'n.id = $1' : 'n.path = $1::ltree'}
       ORDER BY w.year, nlevel(a.path) DESC, w.revision DESC`,
      [byId ? node.id : node.path],
    );
  },

  /** `effectiveAlong` for several nodes (by id) in one statement, each row with the node it applies to. */
  async effectiveAlongIds(db: EntityManager, ids: readonly number[]): Promise<(CalendarYearRow & { nodeId: number })[]> {
    return namedQuery<CalendarYearRow & { nodeId: number } & Record<string, unknown>>(
      db,
      'calendar_years_along_ids',
      `SELECT DISTINCT ON (n.id, w.year) n.id AS "nodeId", ${COLUMNS}
       FROM jurisdiction n
       JOIN jurisdiction a ON a.path @> n.path
       JOIN working_calendar_year w ON w.jurisdiction_id = a.id
       WHERE n.id = ANY($1::int[])
       ORDER BY n.id, w.year, nlevel(a.path) DESC, w.revision DESC`,
      [ids],
    );
  },

  /** Every revision entered at the node `jurisdictionId` for `year`, oldest first. */
  async revisions(db: EntityManager, jurisdictionId: number, year: number): Promise<CalendarYearRow[]> {
    return db.query(
      `SELECT ${COLUMNS} FROM working_calendar_year w JOIN jurisdiction a ON a.id = w.jurisdiction_id
       WHERE w.jurisdiction_id = $1 AND w.year = $2 ORDER BY w.revision`,
      [jurisdictionId, year],
    );
  },
};
