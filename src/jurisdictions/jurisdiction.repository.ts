import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { Jurisdiction } from './jurisdiction.entity';

const COLUMNS = `id, code, name, level, parent_id AS "parentId", path::text AS path,
  town_kind AS "townKind", village_kind AS "villageKind",
  city_count AS "cityCount", county_count AS "countyCount", town_count AS "townCount",
  village_count AS "villageCount"`;

/** A node with some of today's figures (`rollup_value`) by key, null for none. */
export interface JurisdictionWithFigures extends Jurisdiction {
  figures: Record<string, number> | null;
}

export interface JurisdictionFilter {
  /** Code of the node whose strict descendants are listed. */
  underCode: string;
  level: JurisdictionLevel | null;
  /** Matched anywhere in the name, literally. */
  nameContains: string | null;
}

function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// Division codes carry their ancestry as a prefix (the importer enforces it), and `code` is
// COLLATE "C": a subtree is one contiguous range of the code index, already in list order.
function filterSql(filter: JurisdictionFilter, params: unknown[]): string {
  params.push(`${filter.underCode}%`, filter.underCode);
  const clauses = [`code LIKE $${params.length - 1}`, `code <> $${params.length}`];
  if (filter.level) {
    params.push(filter.level);
    clauses.push(`level = $${params.length}`);
  }
  if (filter.nameContains) {
    params.push(`%${likeLiteral(filter.nameContains)}%`);
    clauses.push(`name LIKE $${params.length}`);
  }
  return clauses.join(' AND ');
}

export const jurisdictionRepository = {
  async byIds(db: EntityManager, ids: readonly number[]): Promise<Jurisdiction[]> {
    return namedQuery<Jurisdiction>(db, 'jurisdictions_by_id', `SELECT ${COLUMNS} FROM jurisdiction WHERE id = ANY($1::int[])`, [ids]);
  },

  async byCodes(db: EntityManager, codes: readonly string[]): Promise<Jurisdiction[]> {
    return namedQuery<Jurisdiction>(db, 'jurisdictions_by_code', `SELECT ${COLUMNS} FROM jurisdiction WHERE code = ANY($1::text[])`, [codes]);
  },

  /**
   * The node with this code with all of today's figures and, with `siblings`, every other child of its
   * parent (a province has none) with those whose key starts with `siblingPrefix`, in code order: in
   * one statement, what a read of one node's coverage and its rank among its siblings needs.
   */
  async withFigures(db: EntityManager, code: string, siblings: boolean, siblingPrefix: string): Promise<JurisdictionWithFigures[]> {
    return namedQuery<JurisdictionWithFigures>(
      db,
      'jurisdiction_with_figures',
      `SELECT j.*, f.figures
       FROM (SELECT id, parent_id FROM jurisdiction WHERE code = $1) AS asked
       CROSS JOIN LATERAL (
         SELECT ${COLUMNS} FROM jurisdiction WHERE $2 AND parent_id = asked.parent_id
         UNION ALL
         SELECT ${COLUMNS} FROM jurisdiction WHERE (NOT $2 OR asked.parent_id IS NULL) AND id = asked.id
       ) AS j
       LEFT JOIN LATERAL (
         SELECT json_object_agg(key, value) AS figures FROM rollup_value
         WHERE node_id = j.id AND (j.id = asked.id OR key LIKE $3)
       ) AS f ON true
       ORDER BY j.code`,
      [code, siblings, `${likeLiteral(siblingPrefix)}%`],
    );
  },

  /** The first `limit` children after `afterCode` of each parent, in code order, in one statement. */
  async childrenOf(db: EntityManager, parentIds: readonly number[], afterCode: string | null, limit: number): Promise<Jurisdiction[]> {
    return namedQuery<Jurisdiction>(
      db,
      'jurisdiction_children_pages',
      `SELECT c.* FROM unnest($1::int[]) AS p(id)
       CROSS JOIN LATERAL (
         SELECT ${COLUMNS} FROM jurisdiction j
         WHERE j.parent_id = p.id AND ($2::text IS NULL OR j.code > $2::text)
         ORDER BY j.code LIMIT $3
       ) c`,
      [parentIds, afterCode, limit],
    );
  },

  /** Every child of each parent, in code order. */
  async allChildrenOf(db: EntityManager, parentIds: readonly number[]): Promise<Jurisdiction[]> {
    return namedQuery<Jurisdiction>(
      db,
      'jurisdiction_all_children',
      `SELECT ${COLUMNS} FROM jurisdiction WHERE parent_id = ANY($1::int[]) ORDER BY code`,
      [parentIds],
    );
  },

  /** Every strict descendant of `code` at `level`, in code order, at most `limit`. */
  async descendantsAt(db: EntityManager, code: string, level: JurisdictionLevel, limit: number): Promise<Jurisdiction[]> {
    return namedQuery<Jurisdiction>(
      db,
      'jurisdiction_descendants_at',
      `SELECT ${COLUMNS} FROM jurisdiction WHERE code LIKE $1 AND code <> $2 AND level = $3 ORDER BY code LIMIT $4`,
      [`${likeLiteral(code)}%`, code, level, limit],
    );
  },

  async search(db: EntityManager, filter: JurisdictionFilter, afterCode: string | null, limit: number): Promise<Jurisdiction[]> {
    const params: unknown[] = [];
    let where = filterSql(filter, params);
    if (afterCode) {
      params.push(afterCode);
      where += ` AND code > $${params.length}`;
    }
    params.push(limit);
    return db.query(`SELECT ${COLUMNS} FROM jurisdiction WHERE ${where} ORDER BY code LIMIT $${params.length}`, params);
  },

  async count(db: EntityManager, filter: JurisdictionFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM jurisdiction WHERE ${filterSql(filter, params)}`, params);
    return n;
  },
};
