import type { EntityManager } from 'typeorm';
import { datedVersions } from '../db/dated-versions';
import { namedQuery } from '../db/named-query';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { CareRuleSet } from './care-rule-kinds';

/** A version of a node's care rules as stored: days YYYY-MM-DD, `effectiveTo` inclusive (null: open-ended). */
export interface CareRulesRow {
  id: number;
  jurisdiction: { id: number; code: string; name: string; level: JurisdictionLevel };
  name: string;
  source: string;
  template: string | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  rules: CareRuleSet;
}

export type NewCareRules = Omit<CareRulesRow, 'id' | 'jurisdiction'> & { ownerId: number };

// Writers of one node's care rules take turns on this lock (key: the node's id).
const CARE_RULES_LOCK = 7_342_001;

const COLUMNS = `r.id, json_build_object('id', j.id, 'code', j.code, 'name', j.name, 'level', j.level) AS jurisdiction, r.name, r.source, r.template,
  to_char(r.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(r.effective_to, 'YYYY-MM-DD') AS "effectiveTo", r.rules
  FROM care_rules r JOIN jurisdiction j ON j.id = r.jurisdiction_id`;

const versions = datedVersions<CareRulesRow>('care_rules', 'r', CARE_RULES_LOCK, COLUMNS);

export const careRulesRepository = {
  ...versions,

  async insert(tx: EntityManager, version: NewCareRules, userId: number | null): Promise<number> {
    const { ownerId, effectiveFrom, effectiveTo, rules, ...named } = version;
    return versions.insert(tx, {
      jurisdiction_id: ownerId,
      ...named,
      effective_from: effectiveFrom,
      effective_to: effectiveTo,
      rules: JSON.stringify(rules),
      created_by: userId,
    });
  },

  async byId(db: EntityManager, id: number): Promise<CareRulesRow | null> {
    const rows: CareRulesRow[] = await db.query(`SELECT ${COLUMNS} WHERE r.id = $1`, [id]);
    return rows[0] ?? null;
  },

  /** The versions in force on each day at any of the nodes (by code): one statement for every (day, node) asked. */
  async inForceAt(db: EntityManager, days: readonly string[], codes: readonly string[]): Promise<(CareRulesRow & { day: string })[]> {
    return namedQuery<CareRulesRow & { day: string }>(
      db,
      'care_rules_in_force',
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, ${COLUMNS}
       JOIN unnest($1::date[]) AS d (day) ON r.effective_from <= d.day AND (r.effective_to IS NULL OR r.effective_to >= d.day)
       WHERE j.code = ANY($2::text[])`,
      [days, codes],
    );
  },
};
