import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import type { FacilityHistoryEntry } from './coverage-timeline';
import type { FacilityService, FacilityStatus, FacilityType } from './facility-kinds';
import type { Facility, FacilityEvent, Organisation } from './facility.entity';

export interface FacilityRow extends Facility {
  jurisdictionCode: string;
}

export type FacilityFacts = Pick<
  Facility,
  | 'name'
  | 'organisationId'
  | 'operatingModel'
  | 'services'
  | 'floorAreaM2'
  | 'bedsTotal'
  | 'bedsNursing'
  | 'bedsDementia'
  | 'staff'
  | 'dailyDiners'
>;

export interface FacilityFilter {
  underCode: string;
  organisationId: number | null;
  type: FacilityType | null;
  status: FacilityStatus | null;
  service: FacilityService | null;
  nameContains: string | null;
}

const COLUMNS = `f.id, f.name, f.type, f.jurisdiction_id AS "jurisdictionId", j.code AS "jurisdictionCode",
  f.organisation_id AS "organisationId", f.operating_model AS "operatingModel", f.services::text[] AS services,
  f.floor_area_m2::float8 AS "floorAreaM2", f.beds_total AS "bedsTotal", f.beds_nursing AS "bedsNursing",
  f.beds_dementia AS "bedsDementia", f.staff, f.daily_diners AS "dailyDiners", f.status, f.status_since AS "statusSince",
  f.last_event_on AS "lastEventOn", f.created_at AS "createdAt", f.updated_at AS "updatedAt"`;

const EVENT_COLUMNS = `id::text, facility_id AS "facilityId", kind, occurred_on AS "occurredOn", from_status AS "fromStatus",
  status, services::text[] AS services, note, recorded_at AS "recordedAt", recorded_by AS "recordedBy"`;

const FACT_COLUMNS: Record<keyof FacilityFacts, string> = {
  name: 'name',
  organisationId: 'organisation_id',
  operatingModel: 'operating_model',
  services: 'services',
  floorAreaM2: 'floor_area_m2',
  bedsTotal: 'beds_total',
  bedsNursing: 'beds_nursing',
  bedsDementia: 'beds_dementia',
  staff: 'staff',
  dailyDiners: 'daily_diners',
};

function filterSql(filter: FacilityFilter, params: unknown[]): string {
  params.push(`${filter.underCode}%`);
  const clauses = [`j.code LIKE $${params.length}`];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.organisationId !== null) add('f.organisation_id = ?', filter.organisationId);
  if (filter.type) add('f.type = ?::facility_type', filter.type);
  if (filter.status) add('f.status = ?::facility_status', filter.status);
  if (filter.service) add('?::facility_service = ANY(f.services)', filter.service);
  if (filter.nameContains) add('f.name LIKE ?', `%${filter.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return clauses.join(' AND ');
}

const UNIT_HISTORY = `SELECT e.facility_id AS "facilityId", e.occurred_on AS day, e.status, e.services::text[] AS services, f.type
  FROM facility f JOIN facility_event e ON e.facility_id = f.id`;

/** A month's diner count of a facility (日均就餐人数 for that month). */
export interface DinerMonth {
  facilityId: number;
  /** YYYY-MM */
  month: string;
  diners: number;
  recordedAt: Date;
}

const DINER_COLUMNS = `facility_id AS "facilityId", to_char(month, 'YYYY-MM') AS month, diners, recorded_at AS "recordedAt"`;

/** A history entry to record for a facility. */
export type NewFacilityEvent = Pick<FacilityEvent, 'kind' | 'occurredOn' | 'fromStatus' | 'status' | 'services' | 'note' | 'recordedBy'>;

export const facilityRepository = {
  async organisationByCode(db: EntityManager, creditCode: string): Promise<Organisation | null> {
    const [row] = await db.query(
      `SELECT id, credit_code AS "creditCode", name, created_at AS "createdAt" FROM organisation WHERE credit_code = $1`,
      [creditCode],
    );
    return row ?? null;
  },

  async organisationsByIds(db: EntityManager, ids: readonly number[]): Promise<Organisation[]> {
    return db.query(
      `SELECT id, credit_code AS "creditCode", name, created_at AS "createdAt" FROM organisation WHERE id = ANY($1::int[])`,
      [ids],
    );
  },

  /** The organisation with this code, registered now if it is new; null when the code is taken under another name. */
  async ensureOrganisation(db: EntityManager, creditCode: string, name: string): Promise<Organisation | null> {
    await db.query(`INSERT INTO organisation (credit_code, name) VALUES ($1, $2) ON CONFLICT (credit_code) DO NOTHING`, [
      creditCode,
      name,
    ]);
    const organisation = await this.organisationByCode(db, creditCode);
    return organisation && organisation.name === name ? organisation : null;
  },

  async byIds(db: EntityManager, ids: readonly number[]): Promise<FacilityRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM facility f JOIN jurisdiction j ON j.id = f.jurisdiction_id WHERE f.id = ANY($1::int[])`, [
      ids,
    ]);
  },

  /** The facility, locked for the rest of the transaction. */
  async lock(tx: EntityManager, id: number): Promise<FacilityRow | null> {
    const [row] = await namedQuery<FacilityRow>(
      tx,
      'facility_lock',
      `SELECT ${COLUMNS} FROM facility f JOIN jurisdiction j ON j.id = f.jurisdiction_id WHERE f.id = $1 FOR UPDATE OF f`,
      [id],
    );
    return row ?? null;
  },

  async insert(
    tx: EntityManager,
    facts: FacilityFacts & { type: FacilityType; jurisdictionId: number; status: FacilityStatus; statusSince: string },
  ): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO facility (name, type, jurisdiction_id, organisation_id, operating_model, services, floor_area_m2,
         beds_total, beds_nursing, beds_dementia, staff, daily_diners, status, status_since, last_event_on)
       VALUES ($1, $2, $3, $4, $5, $6::facility_service[], $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
      [
        facts.name,
        facts.type,
        facts.jurisdictionId,
        facts.organisationId,
        facts.operatingModel,
        facts.services,
        facts.floorAreaM2,
        facts.bedsTotal,
        facts.bedsNursing,
        facts.bedsDementia,
        facts.staff,
        facts.dailyDiners,
        facts.status,
        facts.statusSince,
      ],
    );
    return id;
  },

  /**
   * Writes the changed facts (a status change also moves `status_since`) and, when given, the history
   * entry that goes with them, in one statement; returns the facility as it is now.
   */
  async update(
    tx: EntityManager,
    id: number,
    changes: Partial<FacilityFacts> & { status?: FacilityStatus; statusSince?: string; lastEventOn?: string },
    event?: NewFacilityEvent,
  ): Promise<FacilityRow> {
    const columns: Record<string, string> = { ...FACT_COLUMNS, status: 'status', statusSince: 'status_since', lastEventOn: 'last_event_on' };
    const params: unknown[] = [id];
    const given = Object.entries(changes).filter(([, value]) => value !== undefined);
    const sets = given.map(([field, value]) => {
      params.push(value);
      return `${columns[field]} = $${params.length}${field === 'services' ? '::facility_service[]' : ''}`;
    });
    let entry = '';
    if (event) {
      const at = params.length;
      params.push(event.kind, event.occurredOn, event.fromStatus, event.status, event.services, event.note, event.recordedBy);
      entry = `WITH entry AS (
         INSERT INTO facility_event (facility_id, kind, occurred_on, from_status, status, services, note, recorded_by)
         VALUES ($1, $${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}::facility_service[], $${at + 6}, $${at + 7})
       ) `;
    }
    const [row] = await namedQuery<FacilityRow>(
      tx,
      `facility_update:${given.map(([field]) => field).join(',')}${event ? ':with-entry' : ''}`,
      `${entry}UPDATE facility f SET ${[...sets, 'updated_at = now()'].join(', ')} FROM jurisdiction j
       WHERE f.id = $1 AND j.id = f.jurisdiction_id RETURNING ${COLUMNS}`,
      params,
    );
    return row;
  },

  async insertEvent(tx: EntityManager, event: NewFacilityEvent & { facilityId: number }): Promise<void> {
    await namedQuery(
      tx,
      'facility_event_insert',
      `INSERT INTO facility_event (facility_id, kind, occurred_on, from_status, status, services, note, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6::facility_service[], $7, $8)`,
      [event.facilityId, event.kind, event.occurredOn, event.fromStatus, event.status, event.services, event.note, event.recordedBy],
    );
  },

  /** The histories of many facilities, each in recorded order. */
  async historiesOf(db: EntityManager, facilityIds: readonly number[]): Promise<FacilityEvent[]> {
    return db.query(`SELECT ${EVENT_COLUMNS} FROM facility_event WHERE facility_id = ANY($1::int[]) ORDER BY id`, [facilityIds]);
  },

  /** Every history entry of the facilities located in one jurisdiction, in recorded order. */
  async unitHistory(db: EntityManager, jurisdictionId: number): Promise<FacilityHistoryEntry[]> {
    return namedQuery(db, 'facility_unit_history', `${UNIT_HISTORY} WHERE f.jurisdiction_id = $1 ORDER BY e.id`, [jurisdictionId]);
  },

  /** As `unitHistory`, for the jurisdiction facility `facilityId` is located in: sent before the facility's row is read. */
  async unitHistoryOfFacility(db: EntityManager, facilityId: number): Promise<FacilityHistoryEntry[]> {
    return namedQuery(
      db,
      'facility_unit_history_of_facility',
      `${UNIT_HISTORY} WHERE f.jurisdiction_id = (SELECT jurisdiction_id FROM facility WHERE id = $1) ORDER BY e.id`,
      [facilityId],
    );
  },

  /** The months of many facilities with a recorded diner count, oldest first. */
  async dinersOf(db: EntityManager, facilityIds: readonly number[]): Promise<DinerMonth[]> {
    return db.query(`SELECT ${DINER_COLUMNS} FROM facility_diners WHERE facility_id = ANY($1::int[]) ORDER BY facility_id, month`, [facilityIds]);
  },

  /**
   * Records a month's diner count (replacing one recorded for that month: the previous count is
   * returned, null when there was none) and keeps the facility's figure as the latest month's.
   */
  async recordDiners(tx: EntityManager, facilityId: number, month: string, diners: number, userId: number | null): Promise<{ previous: number | null; row: FacilityRow }> {
    const [{ previous }] = await tx.query(
      `WITH previous AS (SELECT diners FROM facility_diners WHERE facility_id = $1 AND month = $2::date),
       recorded AS (
         INSERT INTO facility_diners (facility_id, month, diners, recorded_by) VALUES ($1, $2::date, $3, $4)
         ON CONFLICT (facility_id, month) DO UPDATE SET diners = EXCLUDED.diners, recorded_by = EXCLUDED.recorded_by, recorded_at = now()
       )
       SELECT (SELECT diners FROM previous) AS previous`,
      [facilityId, `${month}-01`, diners, userId],
    );
    // The latest month recorded is the facility's figure; a month before it leaves the figure as it is.
    const [row] = await namedQuery<FacilityRow>(
      tx,
      'facility_latest_diners',
      `UPDATE facility f SET daily_diners = CASE WHEN $2::date >= coalesce((SELECT max(month) FROM facility_diners WHERE facility_id = $1 AND month <> $2::date), $2::date)
           THEN $3 ELSE f.daily_diners END, updated_at = now()
       FROM jurisdiction j WHERE f.id = $1 AND j.id = f.jurisdiction_id RETURNING ${COLUMNS}`,
      [facilityId, `${month}-01`, diners],
    );
    return { previous, row };
  },

  /** The facilities located in the jurisdictions, oldest first. */
  async inUnits(db: EntityManager, jurisdictionIds: readonly number[]): Promise<FacilityRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM facility f JOIN jurisdiction j ON j.id = f.jurisdiction_id WHERE f.jurisdiction_id = ANY($1::int[]) ORDER BY f.id`, [
      jurisdictionIds,
    ]);
  },

  async search(db: EntityManager, filter: FacilityFilter, afterId: number | null, limit: number): Promise<FacilityRow[]> {
    const params: unknown[] = [];
    let where = filterSql(filter, params);
    if (afterId !== null) {
      params.push(afterId);
      where += ` AND f.id > $${params.length}`;
    }
    params.push(limit);
    return db.query(
      `SELECT ${COLUMNS} FROM facility f JOIN jurisdiction j ON j.id = f.jurisdiction_id
       WHERE ${where} ORDER BY f.id LIMIT $${params.length}`,
      params,
    );
  },

  async count(db: EntityManager, filter: FacilityFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM facility f JOIN jurisdiction j ON j.id = f.jurisdiction_id WHERE ${filterSql(filter, params)}`,
      params,
    );
    return n;
  },
};
