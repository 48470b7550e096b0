import type { EntityManager } from 'typeorm';
import type { ServiceClass, ServiceItem } from '../care/care-kinds';
import { namedQuery } from '../db/named-query';
import { DAY, ORGANISATION, REF, type NodeRef, type OrganisationRef } from './provider.repository';

export interface PriceRow {
  item: ServiceItem;
  serviceClass: ServiceClass;
  unitPriceFen: number;
  minMinutes: number;
}

/** A contract serving an item of a visit: the item's largest minimum length under it. */
export interface ServingTerms {
  item: ServiceItem;
  contractId: number;
  minMinutes: number;
}

export interface ContractRow {
  id: number;
  organisationId: number;
  jurisdiction: NodeRef;
  jointWith: NodeRef | null;
  provider: OrganisationRef;
  from: string;
  until: string;
  endedOn: string | null;
  endReason: string | null;
  renewsId: number | null;
  renewedById: number | null;
  area: NodeRef[];
  catalogue: PriceRow[];
}

export interface NewContract {
  jurisdictionId: number;
  jointId: number | null;
  organisationId: number;
  from: string;
  until: string;
  renewsId: number | null;
  areaIds: number[];
  catalogue: PriceRow[];
  /** The villages served; `exclusive` unless the care rules let several providers serve them. */
  villages: { id: number; code: string; exclusive: boolean }[];
}

export interface ContractFilter {
  /** Contracts made at, or serving villages, under this code. */
  under: string;
  organisationId: number | null;
  /** Only those in force on this day. */
  on: string | null;
}

/** A coverage row that shares days with a new one. */
export interface OverlapRow {
  contractId: number;
  villageCode: string;
  villageName: string;
  item: ServiceItem;
  from: string;
  lastDay: string;
}

const ITEM_ORDER = `ARRAY['MEALS', 'CLEANING', 'EMERGENCY', 'PERSONAL_CARE', 'COMPANIONSHIP', 'ERRANDS']`;
const CLASS_ORDER = `ARRAY['FREE', 'LOW_PAID', 'PAID']`;

const COLUMNS = `c.id, c.organisation_id AS "organisationId", ${REF('j')} AS jurisdiction,
  CASE WHEN t.id IS NULL THEN NULL ELSE ${REF('t')} END AS "jointWith", ${ORGANISATION} AS provider,
  ${DAY('c.from_day')} AS "from", ${DAY('c.until_day')} AS "until", ${DAY('c.ended_on')} AS "endedOn", c.end_reason AS "endReason",
  c.renews_id AS "renewsId", (SELECT r.id FROM service_contract r WHERE r.renews_id = c.id) AS "renewedById",
  (SELECT json_agg(${REF('a')} ORDER BY a.code) FROM service_contract_area ca JOIN jurisdiction a ON a.id = ca.jurisdiction_id
    WHERE ca.contract_id = c.id) AS area,
  (SELECT json_agg(json_build_object('item', p.item, 'serviceClass', p.service_class, 'unitPriceFen', p.unit_price_fen, 'minMinutes', p.min_minutes)
    ORDER BY array_position(${ITEM_ORDER}, p.item), array_position(${CLASS_ORDER}, p.service_class))
    FROM service_contract_price p WHERE p.contract_id = c.id) AS catalogue
  FROM service_contract c JOIN jurisdiction j ON j.id = c.jurisdiction_id LEFT JOIN jurisdiction t ON t.id = c.joint_id
  JOIN organisation o ON o.id = c.organisation_id`;

/** The days a contract is in force, as a daterange: to its early end when it has one. */
const IN_FORCE = `daterange(c.from_day, coalesce(c.ended_on, c.until_day) + 1, '[)')`;

function where(filter: ContractFilter, params: unknown[], after: number | null): string {
  const under = `$${params.push(filter.under)}`;
  const clauses = [
    `(j.code LIKE ${under} || '%' OR t.code LIKE ${under} || '%'
      OR EXISTS (SELECT 1 FROM service_contract_coverage v WHERE v.contract_id = c.id AND v.village_code LIKE ${under} || '%'))`,
  ];
  if (filter.organisationId !== null) clauses.push(`c.organisation_id = $${params.push(filter.organisationId)}`);
  if (filter.on !== null) clauses.push(`${IN_FORCE} @> $${params.push(filter.on)}::date`);
  if (after !== null) clauses.push(`c.id > $${params.push(after)}`);
  return clauses.join(' AND ');
}

export const contractRepository = {
  async byIds(db: EntityManager, ids: readonly number[]): Promise<ContractRow[]> {
    return db.query(`SELECT ${COLUMNS} WHERE c.id = ANY($1::int[]) ORDER BY c.id`, [ids]);
  },

  /** The contract, its row locked for the rest of the transaction. */
  async lock(tx: EntityManager, id: number): Promise<ContractRow | null> {
    const rows: ContractRow[] = await tx.query(`SELECT ${COLUMNS} WHERE c.id = $1 FOR UPDATE OF c`, [id]);
    return rows[0] ?? null;
  },

  /** The codes of the villages each contract serves, by contract id. */
  async villageCodesOf(db: EntityManager, ids: readonly number[]): Promise<Map<number, string[]>> {
    const rows: { id: number; codes: string[] }[] = await db.query(
      `SELECT contract_id AS id, array_agg(DISTINCT village_code) AS codes FROM service_contract_coverage WHERE contract_id = ANY($1::int[]) GROUP BY contract_id`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.codes]));
  },

  async search(db: EntityManager, filter: ContractFilter, after: number | null, limit: number): Promise<ContractRow[]> {
    const params: unknown[] = [];
    const clause = where(filter, params, after);
    return db.query(`SELECT ${COLUMNS} WHERE ${clause} ORDER BY c.id LIMIT $${params.push(limit)}`, params);
  },

  async count(db: EntityManager, filter: ContractFilter): Promise<number> {
    const params: unknown[] = [];
    const clause = where(filter, params, null);
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM service_contract c JOIN jurisdiction j ON j.id = c.jurisdiction_id LEFT JOIN jurisdiction t ON t.id = c.joint_id
       WHERE ${clause}`,
      params,
    );
    return count;
  },

  /** The contracts serving `item` at the village on `day` (a provider's own only, when narrowed). */
  async serving(db: EntityManager, villageCode: string, item: ServiceItem, day: string, organisationId: number | null): Promise<ContractRow[]> {
    return db.query(
      `SELECT ${COLUMNS} WHERE c.id IN (SELECT v.contract_id FROM service_contract_coverage v
         WHERE v.village_code = $1 AND v.item = $2 AND v.during @> $3::date)
       AND ($4::int IS NULL OR c.organisation_id = $4) ORDER BY c.id`,
      [villageCode, item, day, organisationId],
    );
  },

  /** Per item, the organisation's contracts serving it at the village on the day, by item and id: one statement for all the items of a visit. */
  servingTerms(db: EntityManager, villageCode: string, items: readonly ServiceItem[], day: string, organisationId: number): Promise<ServingTerms[]> {
    return namedQuery<ServingTerms>(
      db,
      'contract_serving_terms',
      `SELECT v.item, v.contract_id AS "contractId", coalesce(max(p.min_minutes), 0)::int AS "minMinutes"
       FROM service_contract_coverage v JOIN service_contract c ON c.id = v.contract_id
       LEFT JOIN service_contract_price p ON p.contract_id = v.contract_id AND p.item = v.item
       WHERE v.village_code = $1 AND v.item = ANY($2::text[]) AND v.during @> $3::date AND c.organisation_id = $4
       GROUP BY v.item, v.contract_id ORDER BY v.item, v.contract_id`,
      [villageCode, items, day, organisationId],
    );
  },

  /** The villages (level VILLAGE) at or below each of the codes. */
  async villagesUnder(db: EntityManager, codes: readonly string[]): Promise<{ id: number; code: string; under: string }[]> {
    return db.query(
      `SELECT j.id, j.code, a.code AS under FROM unnest($1::text[]) AS a (code)
       JOIN jurisdiction j ON j.code LIKE a.code || '%' AND j.level = 'VILLAGE' ORDER BY j.code`,
      [codes],
    );
  },

  /** Exclusive coverage of these villages and items sharing a day with [first, last]: the first found. */
  async overlapping(db: EntityManager, villageIds: readonly number[], items: readonly string[], first: string, last: string): Promise<OverlapRow | null> {
    const [row] = await db.query(
      `SELECT v.contract_id AS "contractId", v.village_code AS "villageCode", j.name AS "villageName", v.item,
         ${DAY('lower(v.during)')} AS "from", ${DAY('upper(v.during) - 1')} AS "lastDay"
       FROM service_contract_coverage v JOIN jurisdiction j ON j.id = v.village_id
       WHERE v.village_id = ANY($1::int[]) AND v.item = ANY($2::text[]) AND v.exclusive AND v.during && daterange($3::date, $4::date, '[]')
       ORDER BY v.village_code, v.item LIMIT 1`,
      [villageIds, items, first, last],
    );
    return row ?? null;
  },

  async insert(tx: EntityManager, contract: NewContract, userId: number): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO service_contract (jurisdiction_id, joint_id, organisation_id, from_day, until_day, renews_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [contract.jurisdictionId, contract.jointId, contract.organisationId, contract.from, contract.until, contract.renewsId, userId],
    );
    await tx.query(`INSERT INTO service_contract_area (contract_id, jurisdiction_id) SELECT $1, unnest($2::int[])`, [id, contract.areaIds]);
    await tx.query(
      `INSERT INTO service_contract_price (contract_id, item, service_class, unit_price_fen, min_minutes)
       SELECT $1, p.item, p.service_class, p.unit_price_fen, p.min_minutes
       FROM jsonb_to_recordset($2::jsonb) AS p (item text, service_class text, unit_price_fen int, min_minutes int)`,
      [id, JSON.stringify(contract.catalogue.map((p) => ({ item: p.item, service_class: p.serviceClass, unit_price_fen: p.unitPriceFen, min_minutes: p.minMinutes })))],
    );
    const items = [...new Set(contract.catalogue.map((p) => p.item))];
    await tx.query(
      `INSERT INTO service_contract_coverage (contract_id, village_id, village_code, item, during, exclusive)
       SELECT $1, v.id, v.code, i.item, daterange($5::date, $6::date, '[]'), v.exclusive
       FROM unnest($2::int[], $3::text[], $7::boolean[]) AS v (id, code, exclusive) CROSS JOIN unnest($4::text[]) AS i (item)`,
      [id, contract.villages.map((v) => v.id), contract.villages.map((v) => v.code), items, contract.from, contract.until, contract.villages.map((v) => v.exclusive)],
    );
    return id;
  },

  /** Ends a contract after `lastDay`: its coverage shrinks to the days left (none when it never began). */
  async end(tx: EntityManager, id: number, lastDay: string, reason: string): Promise<void> {
    await tx.query(`UPDATE service_contract SET ended_on = $2, end_reason = $3 WHERE id = $1`, [id, lastDay, reason]);
    await tx.query(
      `UPDATE service_contract_coverage v SET during = daterange(c.from_day, $2::date + 1, '[)') FROM service_contract c
       WHERE c.id = v.contract_id AND v.contract_id = $1`,
      [id, lastDay],
    );
  },
};
