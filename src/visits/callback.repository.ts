import type { EntityManager } from 'typeorm';
import type { JurisdictionLevel } from '../kernel/division-codes';
import { FIGURE_ROWS, figureParams, type FigureNode } from './node-figures';
import type { CallbackKind, Satisfaction } from './callback.rules';

/** A work order as a call-back reads it. */
export interface CalledOrder {
  id: number;
  villageCode: string;
  organisationId: number;
  state: string;
  serviceDay: string | null;
}

export interface CallbackRow {
  id: number;
  orderId: number;
  kind: CallbackKind;
  drawId: number | null;
  serviceDay: string;
  calledOn: string;
  reached: boolean;
  satisfaction: Satisfaction | null;
  belowStandard: boolean;
  note: string | null;
  voidedOrder: boolean;
  recordedBy: string;
  recordedAt: Date;
}

export type NewCallback = Pick<CallbackRow, 'kind' | 'drawId' | 'calledOn' | 'reached' | 'satisfaction' | 'belowStandard' | 'note' | 'voidedOrder'> & {
  order: CalledOrder & { serviceDay: string };
  userId: number;
};

export interface DrawRow {
  id: number;
  county: { id: number; code: string; name: string; level: JurisdictionLevel };
  day: string;
  seed: string;
  percent: number;
  populationSize: number;
  populationIds: number[];
  orderIds: number[];
  drawnAt: Date;
}

/** The figures of one child (`code`) of a node. */
export interface CallbackFigureRow {
  code: string;
  name: string;
  level: JurisdictionLevel;
  verifiedOrders: number;
  providerCallbacks: number;
  drawnOrders: number;
  onlineCallbacks: number;
  voidedOnCallback: number;
  dissatisfied: number;
}

const ORDER_COLUMNS = `id, village_code AS "villageCode", organisation_id AS "organisationId", state::text AS state, to_char(service_day, 'YYYY-MM-DD') AS "serviceDay" FROM work_order`;

const CALLBACK_COLUMNS = `c.id, c.order_id AS "orderId", c.kind, c.draw_id AS "drawId", to_char(c.service_day, 'YYYY-MM-DD') AS "serviceDay",
  to_char(c.called_on, 'YYYY-MM-DD') AS "calledOn", c.reached, c.satisfaction, c.below_standard AS "belowStandard", c.note,
  c.voided_order AS "voidedOrder", u.username AS "recordedBy", c.recorded_at AS "recordedAt"
  FROM order_callback c JOIN app_user u ON u.id = c.recorded_by`;

const DRAW_COLUMNS = `d.id, json_build_object('id', j.id, 'code', j.code, 'name', j.name, 'level', j.level) AS county, to_char(d.day, 'YYYY-MM-DD') AS day,
  d.seed, d.percent, cardinality(d.population_ids) AS "populationSize", d.population_ids AS "populationIds", d.order_ids AS "orderIds", d.drawn_at AS "drawnAt"
  FROM callback_draw d JOIN jurisdiction j ON j.id = d.county_id`;

// A verified visit: VERIFIED, or VOID by a call-back (which voids only verified orders).
const VERIFIED_VISIT = `(w.state = 'VERIFIED' OR (w.state = 'VOID' AND 'VOIDED_ON_CALLBACK' = ANY (w.void_reasons)))`;

export const callbackRepository = {
  async order(db: EntityManager, id: number): Promise<CalledOrder | null> {
    const rows: CalledOrder[] = await db.query(`SELECT ${ORDER_COLUMNS} WHERE id = $1`, [id]);
    return rows[0] ?? null;
  },

  /** The order, locked until the transaction ends: its call-backs and its state change one writer at a time. */
  async lockOrder(tx: EntityManager, id: number): Promise<CalledOrder | null> {
    const rows: CalledOrder[] = await tx.query(`SELECT ${ORDER_COLUMNS} WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  },

  /** Voids a VERIFIED order for a call-back; false when it was not VERIFIED. */
  async voidOnCallback(tx: EntityManager, orderId: number): Promise<boolean> {
    const [{ n }] = await tx.query(
      `WITH v AS (UPDATE work_order SET state = 'VOID', void_reasons = void_reasons || 'VOIDED_ON_CALLBACK'::text, decided_at = now(), version = version + 1,
         updated_at = now() WHERE id = $1 AND state = 'VERIFIED' RETURNING id) SELECT count(*)::int AS n FROM v`,
      [orderId],
    );
    return n === 1;
  },

  async insert(tx: EntityManager, c: NewCallback): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO order_callback (order_id, kind, draw_id, village_code, organisation_id, service_day, called_on, reached, satisfaction,
         below_standard, note, voided_order, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [c.order.id, c.kind, c.drawId, c.order.villageCode, c.order.organisationId, c.order.serviceDay, c.calledOn, c.reached, c.satisfaction,
        c.belowStandard, c.note, c.voidedOrder, c.userId],
    );
    return id;
  },

  async byId(db: EntityManager, id: number): Promise<CallbackRow> {
    const [row] = await db.query(`SELECT ${CALLBACK_COLUMNS} WHERE c.id = $1`, [id]);
    return row;
  },

  async ofOrder(db: EntityManager, orderId: number): Promise<CallbackRow[]> {
    return db.query(`SELECT ${CALLBACK_COLUMNS} WHERE c.order_id = $1 ORDER BY c.id`, [orderId]);
  },

  async existing(tx: EntityManager, orderId: number, kind: CallbackKind): Promise<boolean> {
    const rows = await tx.query(`SELECT 1 FROM order_callback WHERE order_id = $1 AND kind = $2`, [orderId, kind]);
    return rows.length > 0;
  },

  /** The VERIFIED orders of the day in the county's subtree, by id: what a draw draws from. */
  async verifiedOrdersOn(tx: EntityManager, countyCode: string, day: string): Promise<number[]> {
    const rows: { id: number }[] = await tx.query(
      `SELECT w.id FROM work_order w WHERE w.village_code LIKE $1 || '%' AND w.service_day = $2 AND w.state = 'VERIFIED' ORDER BY w.id`,
      [countyCode, day],
    );
    return rows.map((row) => row.id);
  },

  async drawAt(db: EntityManager, countyId: number, day: string): Promise<DrawRow | null> {
    const rows: DrawRow[] = await db.query(`SELECT ${DRAW_COLUMNS} WHERE d.county_id = $1 AND d.day = $2`, [countyId, day]);
    return rows[0] ?? null;
  },

  async drawById(db: EntityManager, id: number): Promise<DrawRow> {
    const [row] = await db.query(`SELECT ${DRAW_COLUMNS} WHERE d.id = $1`, [id]);
    return row;
  },

  /** The draw that picked the order, if any. */
  async drawOf(db: EntityManager, orderId: number): Promise<DrawRow | null> {
    const rows: DrawRow[] = await db.query(`SELECT ${DRAW_COLUMNS} WHERE d.order_ids @> ARRAY[$1::int] ORDER BY d.id LIMIT 1`, [orderId]);
    return rows[0] ?? null;
  },

  /** Stores a draw unless the county's draw of the day is stored already (then null: a concurrent draw won). */
  async insertDraw(
    tx: EntityManager,
    d: { countyId: number; countyCode: string; day: string; seed: string; percent: number; populationIds: number[]; orderIds: number[]; userId: number },
  ): Promise<number | null> {
    const rows: { id: number }[] = await tx.query(
      `INSERT INTO callback_draw (county_id, county_code, day, seed, percent, population_ids, order_ids, drawn_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT ON CONSTRAINT callback_draw_once DO NOTHING RETURNING id`,
      [d.countyId, d.countyCode, d.day, d.seed, d.percent, d.populationIds, d.orderIds, d.userId],
    );
    return rows[0]?.id ?? null;
  },

  /**
   * The call-back figures of each child of the node (the node itself for a village) over the days, in
   * code order: one statement for all of them, children without orders counted as zeros.
   */
  async figuresByChild(db: EntityManager, node: FigureNode, from: string, to: string): Promise<CallbackFigureRow[]> {
    return db.query(
      `WITH o AS (
         SELECT left(w.village_code, $3) AS code, w.state, pc.id IS NOT NULL AS provider, oc.id IS NOT NULL AS online,
           EXISTS (SELECT 1 FROM callback_draw d WHERE d.order_ids @> ARRAY[w.id]) AS drawn,
           coalesce((pc.satisfaction = 'DISSATISFIED')::int, 0) + coalesce((oc.satisfaction = 'DISSATISFIED')::int, 0) AS dissatisfied
         FROM work_order w
         LEFT JOIN order_callback pc ON pc.order_id = w.id AND pc.kind = 'PROVIDER'
         LEFT JOIN order_callback oc ON oc.order_id = w.id AND oc.kind = 'ONLINE'
         WHERE w.village_code LIKE $2 || '%' AND w.service_day BETWEEN $4::date AND $5::date AND ${VERIFIED_VISIT}
       ), f AS (
         SELECT code, count(*)::int AS "verifiedOrders", count(*) FILTER (WHERE provider)::int AS "providerCallbacks",
           count(*) FILTER (WHERE drawn)::int AS "drawnOrders", count(*) FILTER (WHERE online)::int AS "onlineCallbacks",
           count(*) FILTER (WHERE state = 'VOID')::int AS "voidedOnCallback", coalesce(sum(dissatisfied), 0)::int AS dissatisfied
         FROM o GROUP BY code
       )
       SELECT j.code, j.name, j.level, coalesce(f."verifiedOrders", 0) AS "verifiedOrders", coalesce(f."providerCallbacks", 0) AS "providerCallbacks",
         coalesce(f."drawnOrders", 0) AS "drawnOrders", coalesce(f."onlineCallbacks", 0) AS "onlineCallbacks",
         coalesce(f."voidedOnCallback", 0) AS "voidedOnCallback", coalesce(f.dissatisfied, 0) AS dissatisfied
       ${FIGURE_ROWS}`,
      [...figureParams(node), from, to],
    );
  },
};
