import type { EntityManager } from 'typeorm';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { BanReason } from './provider-kinds';

export interface NodeRef {
  id: number;
  code: string;
  name: string;
  level: JurisdictionLevel;
}

export interface OrganisationRef {
  creditCode: string;
  name: string;
}

export interface QualificationRow {
  kind: string;
  number: string;
  validFrom: string;
  validUntil: string | null;
}

export interface EntryRow {
  id: number;
  organisationId: number;
  jurisdiction: NodeRef;
  organisation: OrganisationRef;
  admittedOn: string;
  qualifications: QualificationRow[];
}

export interface BanRow {
  id: number;
  organisationId: number;
  jurisdiction: NodeRef;
  organisation: OrganisationRef;
  reason: BanReason;
  detail: string;
  from: string;
  until: string;
  liftedOn: string | null;
  liftReason: string | null;
  liftedAt: Date | null;
  /** The last day it runs: `until`, or the day before it was lifted. */
  lastDay: string;
}

/** Rows of a list under a node: their level's code starts with `under`; a provider's own organisation only. */
export interface ListFilter {
  under: string;
  organisationId: number | null;
}

// Writers concerning one organisation (admissions, bans, lifts, contracts) take turns (key: its id).
const ORGANISATION_LOCK = 7_400_001;

export const REF = (alias: string) => `json_build_object('id', ${alias}.id, 'code', ${alias}.code, 'name', ${alias}.name, 'level', ${alias}.level)`;
export const ORGANISATION = `json_build_object('creditCode', o.credit_code, 'name', o.name)`;
export const DAY = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

const ENTRY_COLUMNS = `e.id, e.organisation_id AS "organisationId", ${REF('j')} AS jurisdiction, ${ORGANISATION} AS organisation,
  ${DAY('e.admitted_on')} AS "admittedOn",
  coalesce((SELECT json_agg(json_build_object('kind', q.kind, 'number', q.number, 'validFrom', ${DAY('q.valid_from')},
    'validUntil', ${DAY('q.valid_until')}) ORDER BY q.id) FROM provider_qualification q WHERE q.entry_id = e.id), '[]') AS qualifications
  FROM provider_entry e JOIN jurisdiction j ON j.id = e.jurisdiction_id JOIN organisation o ON o.id = e.organisation_id`;

const LAST_DAY = `CASE WHEN l.id IS NULL THEN b.until_day ELSE least(b.until_day, l.lifted_on - 1) END`;
const BAN_COLUMNS = `b.id, b.organisation_id AS "organisationId", ${REF('j')} AS jurisdiction, ${ORGANISATION} AS organisation, b.reason, b.detail,
  ${DAY('b.from_day')} AS "from", ${DAY('b.until_day')} AS "until", ${DAY('l.lifted_on')} AS "liftedOn", l.reason AS "liftReason",
  l.created_at AS "liftedAt", ${DAY(LAST_DAY)} AS "lastDay"
  FROM provider_ban b JOIN jurisdiction j ON j.id = b.jurisdiction_id JOIN organisation o ON o.id = b.organisation_id
  LEFT JOIN provider_ban_lift l ON l.ban_id = b.id`;

function listWhere(alias: string, filter: ListFilter, params: unknown[], after: number | null): string {
  const clauses = [`j.code LIKE $${params.push(filter.under)} || '%'`];
  if (filter.organisationId !== null) clauses.push(`${alias}.organisation_id = $${params.push(filter.organisationId)}`);
  if (after !== null) clauses.push(`${alias}.id > $${params.push(after)}`);
  return clauses.join(' AND ');
}

/** A keyset list of rows placed at a node (`j`), and its count: entries and bans are listed alike. */
function listOf<R>(columns: string, alias: string, counted: string) {
  return {
    search(db: EntityManager, filter: ListFilter, after: number | null, limit: number): Promise<R[]> {
      const params: unknown[] = [];
      const where = listWhere(alias, filter, params, after);
      return db.query(`SELECT ${columns} WHERE ${where} ORDER BY ${alias}.id LIMIT $${params.push(limit)}`, params);
    },
    async count(db: EntityManager, filter: ListFilter): Promise<number> {
      const params: unknown[] = [];
      const where = listWhere(alias, filter, params, null);
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM ${counted} JOIN jurisdiction j ON j.id = ${alias}.jurisdiction_id WHERE ${where}`, params);
      return count;
    },
  };
}

const ENTRIES = listOf<EntryRow>(ENTRY_COLUMNS, 'e', 'provider_entry e');
const BANS = listOf<BanRow>(BAN_COLUMNS, 'b', 'provider_ban b');

export const providerRepository = {
  /** Serialises the writers concerning one organisation until the transaction ends. */
  async lockOrganisation(tx: EntityManager, organisationId: number): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [ORGANISATION_LOCK, organisationId]);
  },

  async entriesByIds(db: EntityManager, ids: readonly number[]): Promise<EntryRow[]> {
    return db.query(`SELECT ${ENTRY_COLUMNS} WHERE e.id = ANY($1::int[]) ORDER BY e.id`, [ids]);
  },

  /** The organisation's entries in the libraries of these nodes (by code). */
  async entriesAt(db: EntityManager, organisationId: number, codes: readonly string[]): Promise<EntryRow[]> {
    return db.query(`SELECT ${ENTRY_COLUMNS} WHERE e.organisation_id = $1 AND j.code = ANY($2::text[]) ORDER BY length(j.code) DESC`, [organisationId, codes]);
  },

  searchEntries: ENTRIES.search,
  countEntries: ENTRIES.count,

  async insertEntry(tx: EntityManager, jurisdictionId: number, organisationId: number, admittedOn: string, userId: number): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO provider_entry (jurisdiction_id, organisation_id, admitted_on, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [jurisdictionId, organisationId, admittedOn, userId],
    );
    return id;
  },

  async insertQualifications(tx: EntityManager, entryId: number, qualifications: readonly QualificationRow[]): Promise<void> {
    if (qualifications.length === 0) return;
    await tx.query(
      `INSERT INTO provider_qualification (entry_id, kind, number, valid_from, valid_until)
       SELECT $1, q.kind, q.number, q.valid_from, q.valid_until FROM jsonb_to_recordset($2::jsonb) AS q (kind text, number text, valid_from date, valid_until date)`,
      [entryId, JSON.stringify(qualifications.map((q) => ({ kind: q.kind, number: q.number, valid_from: q.validFrom, valid_until: q.validUntil })))],
    );
  },

  async bansByIds(db: EntityManager, ids: readonly number[]): Promise<BanRow[]> {
    return db.query(`SELECT ${BAN_COLUMNS} WHERE b.id = ANY($1::int[]) ORDER BY b.id`, [ids]);
  },

  /** The organisation's bans set at any of these nodes (by code) that run on a day from `first` to `last`, latest-ending first. */
  async bansRunning(db: EntityManager, organisationId: number, codes: readonly string[], first: string, last: string): Promise<BanRow[]> {
    return db.query(
      `SELECT ${BAN_COLUMNS} WHERE b.organisation_id = $1 AND j.code = ANY($2::text[]) AND b.from_day <= $4::date AND ${LAST_DAY} >= $3::date
       ORDER BY ${LAST_DAY} DESC, b.id`,
      [organisationId, codes, first, last],
    );
  },

  searchBans: BANS.search,
  countBans: BANS.count,

  async insertBan(
    tx: EntityManager,
    ban: { jurisdictionId: number; organisationId: number; reason: BanReason; detail: string; from: string; until: string },
    userId: number,
  ): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO provider_ban (jurisdiction_id, organisation_id, reason, detail, from_day, until_day, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [ban.jurisdictionId, ban.organisationId, ban.reason, ban.detail, ban.from, ban.until, userId],
    );
    return id;
  },

  async insertLift(tx: EntityManager, banId: number, liftedOn: string, reason: string, userId: number): Promise<void> {
    await tx.query(`INSERT INTO provider_ban_lift (ban_id, lifted_on, reason, created_by) VALUES ($1, $2, $3, $4)`, [banId, liftedOn, reason, userId]);
  },
};
