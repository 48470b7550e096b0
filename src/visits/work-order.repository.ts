import type { EntityManager } from 'typeorm';
import type { ServiceClass, ServiceItem } from '../care/care-kinds';
import { namedQuery } from '../db/named-query';
import type { PersonStatus } from '../elderly/elderly-kinds';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { VisitVoidReason } from './verification.rules';

export type WorkOrderState = 'BOOKED' | 'ASSIGNED' | 'CHECKED_IN' | 'VERIFIED' | 'VOID' | 'CANCELLED';
export type Booker = 'PROVIDER' | 'VILLAGE_WORKER' | 'AGENT';
export type EventKind = 'CHECK_IN' | 'CHECK_OUT';

/** A work order as stored, placed for the access layer: its village, its provider organisation, its caregiver. */
export interface WorkOrderRow {
  id: number;
  personId: number;
  jurisdictionCode: string;
  organisationId: number;
  caregiverId: number | null;
  contractId: number | null;
  items: ServiceItem[];
  serviceClass: ServiceClass | null;
  bookedAs: Booker;
  agentName: string | null;
  plannedDay: string;
  clientId: string | null;
  state: WorkOrderState;
  checkInAt: Date | null;
  checkOutAt: Date | null;
  serviceDay: string | null;
  receivedAt: Date | null;
  minutes: number | null;
  voidReasons: VisitVoidReason[];
  redoOf: number | null;
  redoneBy: number | null;
  cancelReason: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  recipient: { id: number; name: string; phone: string | null; address: string | null };
  village: { id: number; code: string; name: string; level: JurisdictionLevel };
  provider: { creditCode: string; name: string };
  caregiver: { id: number; name: string; workCardNumber: string } | null;
}

/** One sign-in or sign-out as recorded, with the distance from the recipient's registered place (never the place itself). */
export interface VisitEventRow {
  id: string;
  orderId: number;
  kind: EventKind;
  caregiverId: number;
  clientId: string;
  deviceAt: Date;
  serverAt: Date;
  lat: number | null;
  lng: number | null;
  cardTokenHash: string | null;
  home: { lat: number; lng: number } | null;
}

/** An event as a verdict reads it: the device's clock, the server's, the place and the card scanned (its hex hash). */
export type EventFacts = Pick<VisitEventRow, 'deviceAt' | 'serverAt' | 'lat' | 'lng' | 'cardTokenHash'>;

/** A recipient as a visit is checked against on its day. */
export interface RecipientStanding {
  id: number;
  villageCode: string;
  status: PersonStatus;
  statusSince: string | null;
  enrolled: boolean;
  home: { lat: number; lng: number } | null;
  /** The hex SHA-256 of the card current when the visit's first event arrived, or null. */
  cardHash: string | null;
}

/** What a sign-in or sign-out changes on its order (the rest of the order stays as it was locked). */
export type VisitChange = Pick<
  WorkOrderRow,
  'state' | 'checkInAt' | 'checkOutAt' | 'serviceDay' | 'receivedAt' | 'minutes' | 'voidReasons' | 'contractId' | 'version' | 'updatedAt'
>;

const CHANGED = `o.state, o.check_in_at AS "checkInAt", o.check_out_at AS "checkOutAt", to_char(o.service_day, 'YYYY-MM-DD') AS "serviceDay",
  o.received_at AS "receivedAt", o.minutes, o.void_reasons AS "voidReasons", o.contract_id AS "contractId", o.version, o.updated_at AS "updatedAt"`;

export interface NewWorkOrder {
  personId: number;
  villageCode: string;
  organisationId: number;
  caregiverId: number | null;
  contractId: number | null;
  items: ServiceItem[];
  /** The recipient's class for the planned day's month (their plan's), or null when they have none. */
  serviceClass: ServiceClass | null;
  bookedAs: Booker;
  bookedBy: number;
  agentName: string | null;
  plannedDay: string;
  clientId: string | null;
  redoOf: number | null;
}

export interface WorkOrderFilter {
  underCode: string;
  organisationId: number | null;
  caregiverId: number | null;
  state: WorkOrderState | null;
  from: string | null;
  until: string | null;
}

export interface NewVisitEvent {
  orderId: number;
  kind: EventKind;
  caregiverId: number;
  clientId: string;
  deviceAt: Date;
  lat: number | null;
  lng: number | null;
  cardTokenHash: Buffer | null;
  recordedBy: number;
}

const COLUMNS = `o.id, o.person_id AS "personId", o.village_code AS "jurisdictionCode", o.organisation_id AS "organisationId",
  o.caregiver_id AS "caregiverId", o.contract_id AS "contractId", o.items, o.service_class AS "serviceClass", o.booked_by_kind AS "bookedAs",
  o.agent_name AS "agentName", to_char(o.planned_day, 'YYYY-MM-DD') AS "plannedDay", o.client_id AS "clientId", o.state,
  o.check_in_at AS "checkInAt", o.check_out_at AS "checkOutAt", to_char(o.service_day, 'YYYY-MM-DD') AS "serviceDay", o.received_at AS "receivedAt",
  o.minutes, o.void_reasons AS "voidReasons", o.redo_of AS "redoOf", (SELECT r.id FROM work_order r WHERE r.redo_of = o.id) AS "redoneBy",
  o.cancel_reason AS "cancelReason", o.version, o.created_at AS "createdAt", o.updated_at AS "updatedAt",
  json_build_object('id', p.id, 'name', p.name, 'phone', p.phone, 'address', p.address) AS recipient,
  json_build_object('id', v.id, 'code', v.code, 'name', v.name, 'level', v.level) AS village,
  json_build_object('creditCode', org.credit_code, 'name', org.name) AS provider,
  CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'name', c.name, 'workCardNumber', c.work_card_number) END AS caregiver
  FROM work_order o JOIN person p ON p.id = o.person_id JOIN jurisdiction v ON v.code = o.village_code
  JOIN organisation org ON org.id = o.organisation_id LEFT JOIN caregiver c ON c.id = o.caregiver_id`;

const EVENT_COLUMNS = `e.id::text, e.order_id AS "orderId", e.kind, e.caregiver_id AS "caregiverId", e.client_id AS "clientId", e.device_at AS "deviceAt",
  e.server_at AS "serverAt", e.lat, e.lng, encode(e.card_token_hash, 'hex') AS "cardTokenHash",
  CASE WHEN h.person_id IS NULL THEN NULL ELSE json_build_object('lat', h.lat, 'lng', h.lng) END AS home
  FROM visit_event e JOIN work_order o ON o.id = e.order_id LEFT JOIN person_home_place h ON h.person_id = o.person_id`;

const INSERT_EVENT = `INSERT INTO visit_event (order_id, kind, caregiver_id, client_id, device_at, lat, lng, card_token_hash, recorded_by)
  VALUES ($1, $2::visit_event_kind, $3, $4::uuid, $5, $6, $7, $8, $9)
  ON CONFLICT (caregiver_id, client_id) DO NOTHING RETURNING id, server_at`;

const eventValues = (event: NewVisitEvent) => [
  event.orderId,
  event.kind,
  event.caregiverId,
  event.clientId,
  event.deviceAt,
  event.lat,
  event.lng,
  event.cardTokenHash,
  event.recordedBy,
];

function filterSql(filter: WorkOrderFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(params.length));
  };
  add((n) => `o.village_code LIKE $${n}`, `${filter.underCode}%`);
  if (filter.organisationId !== null) add((n) => `o.organisation_id = $${n}`, filter.organisationId);
  if (filter.caregiverId !== null) add((n) => `o.caregiver_id = $${n}`, filter.caregiverId);
  if (filter.state !== null) add((n) => `o.state = $${n}::work_order_state`, filter.state);
  if (filter.from !== null) add((n) => `coalesce(o.service_day, o.planned_day) >= $${n}::date`, filter.from);
  if (filter.until !== null) add((n) => `coalesce(o.service_day, o.planned_day) <= $${n}::date`, filter.until);
  return clauses.join(' AND ');
}

export const workOrderRepository = {
  async byIds(db: EntityManager, ids: readonly number[]): Promise<WorkOrderRow[]> {
    return db.query(`SELECT ${COLUMNS} WHERE o.id = ANY($1::int[]) ORDER BY o.id`, [ids]);
  },

  /** The order locked for a change (null when there is none). */
  async lock(tx: EntityManager, id: number): Promise<WorkOrderRow | null> {
    const [row] = await namedQuery<WorkOrderRow>(tx, 'work_order_lock', `SELECT ${COLUMNS} WHERE o.id = $1 FOR UPDATE OF o`, [id]);
    return row ?? null;
  },

  async byClientId(db: EntityManager, clientId: string): Promise<WorkOrderRow | null> {
    const [row] = await db.query(`SELECT ${COLUMNS} WHERE o.client_id = $1::uuid FOR UPDATE OF o`, [clientId]);
    return row ?? null;
  },

  /** Inserts the order; null when its client id (an offline order sent before) or its redo_of (redone before) is taken. */
  async insert(tx: EntityManager, order: NewWorkOrder): Promise<number | null> {
    const [row] = await tx.query(
      `INSERT INTO work_order (person_id, village_code, organisation_id, caregiver_id, contract_id, items, booked_by_kind, booked_by, agent_name,
         planned_day, client_id, state, redo_of, service_class)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7::work_order_booker, $8, $9, $10, $11::uuid,
         CASE WHEN $4::int IS NULL THEN 'BOOKED' ELSE 'ASSIGNED' END::work_order_state, $12, $13)
       ON CONFLICT DO NOTHING RETURNING id`,
      [order.personId, order.villageCode, order.organisationId, order.caregiverId, order.contractId, order.items, order.bookedAs, order.bookedBy,
        order.agentName, order.plannedDay, order.clientId, order.redoOf, order.serviceClass],
    );
    return row?.id ?? null;
  },

  async assign(tx: EntityManager, id: number, caregiverId: number): Promise<void> {
    await tx.query(`UPDATE work_order SET caregiver_id = $2, state = 'ASSIGNED', version = version + 1, updated_at = now() WHERE id = $1`, [id, caregiverId]);
  },

  async cancel(tx: EntityManager, id: number, reason: string): Promise<void> {
    await tx.query(`UPDATE work_order SET state = 'CANCELLED', cancel_reason = $2, version = version + 1, updated_at = now() WHERE id = $1`, [id, reason]);
  },

  /**
   * Records the sign-in and checks the order in, in one statement: the visit's start on the device's clock,
   * its day in China, when the server heard it. Null when the caregiver sent an event with its client id
   * before (a concurrent re-send), and then nothing is written.
   */
  async checkIn(tx: EntityManager, event: NewVisitEvent, serviceDay: string): Promise<{ eventId: string; change: VisitChange } | null> {
    const [row] = await namedQuery<VisitChange & { eventId: string }>(
      tx,
      'work_order_check_in',
      `WITH e AS (${INSERT_EVENT})
       UPDATE work_order o SET state = 'CHECKED_IN', check_in_at = $5, service_day = $10::date, received_at = e.server_at, version = o.version + 1, updated_at = now()
       FROM e WHERE o.id = $1 RETURNING e.id::text AS "eventId", ${CHANGED}`,
      [...eventValues(event), serviceDay],
    );
    if (!row) return null;
    const { eventId, ...change } = row;
    return { eventId, change };
  },

  /** The verdict at check-out: VERIFIED with its minutes, or VOID with every reason (the minutes measured kept when positive). */
  async decide(
    tx: EntityManager,
    id: number,
    decision: { checkOutAt: Date; receivedAt: Date; minutes: number | null; reasons: readonly string[]; contractId: number | null },
  ): Promise<VisitChange> {
    const [row] = await namedQuery<VisitChange>(
      tx,
      'work_order_decide',
      `UPDATE work_order o SET state = CASE WHEN cardinality($5::text[]) > 0 THEN 'VOID' ELSE 'VERIFIED' END::work_order_state,
         check_out_at = $2, received_at = $3, minutes = $4, void_reasons = $5::text[], contract_id = coalesce($6, contract_id),
         decided_at = now(), version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${CHANGED}`,
      [id, decision.checkOutAt, decision.receivedAt, decision.minutes, decision.reasons, decision.contractId],
    );
    return row;
  },

  /** Up to `limit` orders matching after the id `after`, by id. */
  async search(db: EntityManager, filter: WorkOrderFilter, after: number | null, limit: number): Promise<WorkOrderRow[]> {
    const params: unknown[] = [];
    let where = filterSql(filter, params);
    if (after !== null) {
      params.push(after);
      where += ` AND o.id > $${params.length}`;
    }
    params.push(limit);
    return db.query(`SELECT ${COLUMNS} WHERE ${where} ORDER BY o.id LIMIT $${params.length}`, params);
  },

  async count(db: EntityManager, filter: WorkOrderFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM work_order o WHERE ${filterSql(filter, params)}`, params);
    return n;
  },

  /** The events of the orders, sign-in first. */
  async eventsOf(db: EntityManager, orderIds: readonly number[]): Promise<VisitEventRow[]> {
    return namedQuery<VisitEventRow>(db, 'visit_events_of', `SELECT ${EVENT_COLUMNS} WHERE e.order_id = ANY($1::int[]) ORDER BY e.order_id, e.kind`, [orderIds]);
  },

  /** The order's sign-in, as its verdict reads it. */
  async signInOf(db: EntityManager, orderId: number): Promise<EventFacts> {
    const [row] = await namedQuery<EventFacts>(
      db,
      'visit_sign_in_of',
      `SELECT device_at AS "deviceAt", server_at AS "serverAt", lat, lng, encode(card_token_hash, 'hex') AS "cardTokenHash"
       FROM visit_event WHERE order_id = $1 AND kind = 'CHECK_IN'`,
      [orderId],
    );
    return row;
  },

  /** The caregiver's event with the client id, if it was sent before. */
  async eventByClientId(db: EntityManager, caregiverId: number, clientId: string): Promise<VisitEventRow | null> {
    const [row] = await namedQuery<VisitEventRow>(db, 'visit_event_by_client_id', `SELECT ${EVENT_COLUMNS} WHERE e.caregiver_id = $1 AND e.client_id = $2::uuid`, [
      caregiverId,
      clientId,
    ]);
    return row ?? null;
  },

  /** Records the event; null when the caregiver sent one with its client id before (a concurrent re-send). */
  async insertEvent(tx: EntityManager, event: NewVisitEvent): Promise<{ id: string; serverAt: Date } | null> {
    const [row] = await namedQuery<{ id: string; server_at: Date }>(tx, 'visit_event_insert', INSERT_EVENT, eventValues(event));
    return row ? { id: row.id, serverAt: row.server_at } : null;
  },

  /**
   * The recipient as things stood on `day`: status, enrolment covering the day's month, registered place, and
   * the card current at `at` (null: now, the transaction's time, when the visit's first event arrives with it).
   */
  async recipientOn(db: EntityManager, personId: number, day: string, at: Date | null): Promise<RecipientStanding | null> {
    const [row] = await namedQuery<RecipientStanding>(
      db,
      'visit_recipient_on',
      `SELECT p.id, v.code AS "villageCode", p.status, to_char(p.status_since, 'YYYY-MM-DD') AS "statusSince",
         EXISTS (SELECT 1 FROM enrolment e WHERE e.person_id = p.id AND e.from_month <= date_trunc('month', $2::date)
           AND (e.until_month IS NULL OR e.until_month >= date_trunc('month', $2::date))) AS enrolled,
         (SELECT json_build_object('lat', h.lat, 'lng', h.lng) FROM person_home_place h WHERE h.person_id = p.id) AS home,
         (SELECT encode(s.token_hash, 'hex') FROM service_card s WHERE s.person_id = p.id AND s.issued_at <= coalesce($3, now())
           AND (s.replaced_at IS NULL OR s.replaced_at > coalesce($3, now())) ORDER BY s.issued_at DESC, s.id DESC LIMIT 1) AS "cardHash"
       FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.id = $1`,
      [personId, day, at],
    );
    return row ?? null;
  },

  /** The caregiver's other visits that count (VERIFIED, or CHECKED_IN and still open) sharing time with [start, end), as start and end. */
  async overlappingVisitsOf(db: EntityManager, caregiverId: number, except: number, start: Date, end: Date): Promise<{ start: Date; end: Date }[]> {
    return namedQuery<{ start: Date; end: Date }>(
      db,
      'visit_overlapping',
      `SELECT check_in_at AS start, coalesce(check_out_at, '9999-12-31'::timestamptz) AS "end" FROM work_order
       WHERE caregiver_id = $1 AND id <> $2 AND state IN ('VERIFIED', 'CHECKED_IN') AND check_in_at < $4
         AND coalesce(check_out_at, '9999-12-31'::timestamptz) > $3`,
      [caregiverId, except, start, end],
    );
  },

  /** Serialises the visits of one caregiver (their overlap is decided one at a time). */
  async lockCaregiver(tx: EntityManager, caregiverId: number): Promise<void> {
    await namedQuery(tx, 'visit_lock_caregiver', `SELECT 1 FROM caregiver WHERE id = $1 FOR UPDATE`, [caregiverId]);
  },

  /** A person as a booking reads them: their village, or null. */
  async personVillage(db: EntityManager, personId: number): Promise<{ id: number; villageCode: string; villageId: number } | null> {
    const [row] = await db.query(`SELECT p.id, v.code AS "villageCode", v.id AS "villageId" FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.id = $1`, [
      personId,
    ]);
    return row ?? null;
  },
};
