import type { EntityManager } from 'typeorm';
import type { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { FloorRule, LineageNode, SchemeParameters, SchemeRule, TierRule } from './scheme-rules';
import type { SchemeKind, TierCombination } from './policy-kinds';

/** A version of a scheme as stored: months are YYYY-MM, `toMonth` inclusive (null: open-ended). */
export interface VersionRow extends SchemeParameters {
  id: number;
  schemeId: number;
  fromMonth: string;
  toMonth: string | null;
  combination: TierCombination;
  exclusionGroup: string | null;
  funding: { level: JurisdictionLevel; weight: number }[];
  tiers: TierRule[];
}

export interface SchemeRow {
  id: number;
  name: string;
  kind: SchemeKind;
  owner: LineageNode;
  createdAt: Date;
}

export interface NewVersion extends SchemeParameters {
  fromMonth: string;
  toMonth: string | null;
  combination: TierCombination;
  exclusionGroup: string | null;
  funding: { level: JurisdictionLevel; weight: number }[];
  tiers: Omit<TierRule, 'id'>[];
}

export interface NewFloor {
  ownerId: number;
  kind: SchemeKind;
  minAge: number | null;
  maxAge: number | null;
  amountFen: number;
  fromMonth: string;
  toMonth: string | null;
}

const toNumber = (value: string | number | null) => (value === null ? null : Number(value));
const firstDay = (month: string) => `${month}-01`;

const OWNER = `json_build_object('id', j.id, 'code', j.code, 'name', j.name, 'level', j.level)`;
const TIERS = `
  coalesce((SELECT json_agg(json_build_object(
      'id', t.id, 'position', t.position, 'name', t.name, 'amountFen', t.amount_fen,
      'minAge', t.min_age, 'minAgeFemale', t.min_age_female, 'maxAge', t.max_age, 'categoriesAny', t.categories_any, 'categoriesAll', t.categories_all,
      'categoriesNone', t.categories_none, 'abilities', t.abilities, 'livingSituations', t.living_situations,
      'livingSituationsNone', t.living_situations_none,      'ownIncomeBelowFen', t.own_income_below_fen, 'householdIncomeBelowFen', t.household_income_below_fen,
      'hukouRequired', t.hukou_required, 'minResidentMonths', t.min_resident_months,
      'hukouOrResident', t.hukou_or_resident, 'facilityTypes', t.facility_types,
      'requiredServices', t.required_services, 'minOperatingDays', t.min_operating_days) ORDER BY t.position)
    FROM subsidy_tier t WHERE t.version_id = v.id), '[]')`;
// Funders listed from the highest level down: the order largest-remainder ties are broken in.
const FUNDING = `
  coalesce((SELECT json_agg(json_build_object('level', f.level, 'weight', f.weight) ORDER BY f.level)
    FROM subsidy_funding f WHERE f.version_id = v.id), '[]')`;
const FLOOR_COLUMNS = `f.id, ${OWNER} AS owner, f.kind, f.min_age AS "minAge", f.max_age AS "maxAge",
  f.amount_fen AS "amountFen", to_char(f.from_month, 'YYYY-MM') AS "fromMonth",
  to_char(f.to_month, 'YYYY-MM') AS "toMonth"
  FROM subsidy_floor f JOIN jurisdiction j ON j.id = f.jurisdiction_id`;
const VERSION_COLUMNS = `v.id, v.scheme_id AS "schemeId", to_char(v.from_month, 'YYYY-MM') AS "fromMonth",
  to_char(v.to_month, 'YYYY-MM') AS "toMonth", v.combination, v.exclusion_group AS "exclusionGroup",
  v.requires_application AS "requiresApplication", v.first_month AS "firstMonth", v.last_month AS "lastMonth",
  v.assessment_valid_months AS "assessmentValidMonths", v.operating_run_from_previous_year AS "operatingRunFromPreviousYear",
  v.one_facility_per_village AS "oneFacilityPerVillage",
  ${FUNDING} AS funding, ${TIERS} AS tiers`;

interface RawTier extends Omit<TierRule, 'categoriesAny' | 'categoriesAll' | 'categoriesNone' | 'abilities' | 'livingSituations' | 'livingSituationsNone'> {
  categoriesAny: HardshipCategory[];
  categoriesAll: HardshipCategory[];
  categoriesNone: HardshipCategory[];
  abilities: AbilityLevel[];
  livingSituations: LivingSituation[];
  livingSituationsNone: LivingSituation[];
}

// json numbers from bigint columns arrive as numbers; keep the amounts exact integers.
function toTier(raw: RawTier): TierRule {
  return {
    ...raw,
    amountFen: Number(raw.amountFen),
    ownIncomeBelowFen: toNumber(raw.ownIncomeBelowFen),
    householdIncomeBelowFen: toNumber(raw.householdIncomeBelowFen),
  };
}

const toFloor = (row: FloorRule & FloorSpan): FloorRule & FloorSpan => ({ ...row, amountFen: Number(row.amountFen) });

function toVersion(row: VersionRow): VersionRow {
  return { ...row, tiers: (row.tiers as unknown as RawTier[]).map(toTier) };
}

export const policyRepository = {
  /** The new scheme's id, or null when its owner already has a scheme of that name. */
  async insertScheme(tx: EntityManager, ownerId: number, name: string, kind: SchemeKind, userId: number | null): Promise<number | null> {
    const rows: { id: number }[] = await tx.query(
      `INSERT INTO subsidy_scheme (jurisdiction_id, name, kind, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (jurisdiction_id, name) DO NOTHING RETURNING id`,
      [ownerId, name, kind, userId],
    );
    return rows[0]?.id ?? null;
  },

  async insertVersion(tx: EntityManager, schemeId: number, version: NewVersion, userId: number | null): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO subsidy_scheme_version (scheme_id, from_month, to_month, combination, exclusion_group, created_by,
         requires_application, first_month, last_month, assessment_valid_months, operating_run_from_previous_year, one_facility_per_village)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        schemeId,
        firstDay(version.fromMonth),
        version.toMonth && firstDay(version.toMonth),
        version.combination,
        version.exclusionGroup,
        userId,
        version.requiresApplication,
        version.firstMonth,
        version.lastMonth,
        version.assessmentValidMonths,
        version.operatingRunFromPreviousYear,
        version.oneFacilityPerVillage,
      ],
    );
    await tx.query(
      `INSERT INTO subsidy_funding (version_id, level, weight) SELECT $1, l, w FROM unnest($2::jurisdiction_level[], $3::int[]) AS f(l, w)`,
      [id, version.funding.map((f) => f.level), version.funding.map((f) => f.weight)],
    );
    // Every tier in one statement; the enum arrays travel as text arrays inside the JSON.
    await tx.query(
      `INSERT INTO subsidy_tier (version_id, position, name, amount_fen, min_age, min_age_female, max_age, categories_any,
         categories_all, categories_none, abilities, living_situations, living_situations_none, own_income_below_fen,
         household_income_below_fen, hukou_required, min_resident_months, hukou_or_resident, facility_types, required_services,
         min_operating_days)
       SELECT $1, t."position", t.name, t."amountFen", t."minAge", t."minAgeFemale", t."maxAge", t."categoriesAny"::hardship_category[],
         t."categoriesAll"::hardship_category[], t."categoriesNone"::hardship_category[], t.abilities::ability_level[],
         t."livingSituations"::living_situation[], t."livingSituationsNone"::living_situation[], t."ownIncomeBelowFen",
         t."householdIncomeBelowFen", t."hukouRequired", t."minResidentMonths", t."hukouOrResident",
         t."facilityTypes"::facility_type[], t."requiredServices"::facility_service[], t."minOperatingDays"
       FROM jsonb_to_recordset($2::jsonb) AS t ("position" smallint, name text, "amountFen" bigint, "minAge" smallint,
         "minAgeFemale" smallint, "maxAge" smallint, "categoriesAny" text[], "categoriesAll" text[], "categoriesNone" text[],
         abilities text[], "livingSituations" text[], "livingSituationsNone" text[], "ownIncomeBelowFen" bigint,
         "householdIncomeBelowFen" bigint, "hukouRequired" boolean, "minResidentMonths" smallint, "hukouOrResident" boolean,
         "facilityTypes" text[], "requiredServices" text[], "minOperatingDays" smallint)`,
      [id, JSON.stringify(version.tiers)],
    );
    return id;
  },

  /** Ends a version after `lastMonth` (inclusive). */
  async endVersion(tx: EntityManager, versionId: number, lastMonth: string): Promise<void> {
    await tx.query(`UPDATE subsidy_scheme_version SET to_month = $2 WHERE id = $1`, [versionId, firstDay(lastMonth)]);
  },

  /** Locks the scheme row: versions of one scheme change one writer at a time. */
  async lockScheme(tx: EntityManager, schemeId: number): Promise<SchemeRow | null> {
    const rows: SchemeRow[] = await tx.query(
      `SELECT s.id, s.name, s.kind, ${OWNER} AS owner, s.created_at AS "createdAt"
       FROM subsidy_scheme s JOIN jurisdiction j ON j.id = s.jurisdiction_id WHERE s.id = $1 FOR UPDATE OF s`,
      [schemeId],
    );
    return rows[0] ?? null;
  },

  async schemesByIds(db: EntityManager, ids: readonly number[]): Promise<SchemeRow[]> {
    return db.query(
      `SELECT s.id, s.name, s.kind, ${OWNER} AS owner, s.created_at AS "createdAt"
       FROM subsidy_scheme s JOIN jurisdiction j ON j.id = s.jurisdiction_id WHERE s.id = ANY($1::int[])`,
      [ids],
    );
  },

    /** Every version of the schemes, oldest first. */
  async versionsOf(db: EntityManager, schemeIds: readonly number[]): Promise<VersionRow[]> {
    const rows: VersionRow[] = await db.query(
      `SELECT ${VERSION_COLUMNS} FROM subsidy_scheme_version v WHERE v.scheme_id = ANY($1::int[]) ORDER BY v.scheme_id, v.from_month`,
      [schemeIds],
    );
    return rows.map(toVersion);
  },

  /**
   * The versions of the nodes' schemes of these kinds in force at any time from `fromMonth` to `toMonth`
   * (one month for a person's entitlement, a year for a facility's subsidies): highest level first, then
   * by scheme, oldest version first.
   */
  async inForce(db: EntityManager, ownerIds: readonly number[], fromMonth: string, toMonth: string, kinds: readonly SchemeKind[]): Promise<SchemeRule[]> {
    const rows: (VersionRow & { name: string; kind: SchemeKind; owner: LineageNode })[] = await db.query(
      `SELECT ${VERSION_COLUMNS}, s.name, s.kind, ${OWNER} AS owner
       FROM subsidy_scheme s JOIN jurisdiction j ON j.id = s.jurisdiction_id
       JOIN subsidy_scheme_version v ON v.scheme_id = s.id
       WHERE s.jurisdiction_id = ANY($1::int[]) AND s.kind = ANY($4::scheme_kind[])
         AND v.from_month <= $3::date AND (v.to_month IS NULL OR v.to_month >= $2::date)
       ORDER BY length(j.code), s.id, v.from_month`,
      [ownerIds, firstDay(fromMonth), firstDay(toMonth), kinds],
    );
    return rows.map((raw) => {
      const row = toVersion(raw);
      return {
        schemeId: row.schemeId,
        versionId: row.id,
        fromMonth: row.fromMonth,
        toMonth: row.toMonth,
        name: raw.name,
        kind: raw.kind,
        owner: raw.owner,
        combination: row.combination,
        exclusionGroup: row.exclusionGroup,
        requiresApplication: row.requiresApplication,
        firstMonth: row.firstMonth,
        lastMonth: row.lastMonth,
        assessmentValidMonths: row.assessmentValidMonths,
        operatingRunFromPreviousYear: row.operatingRunFromPreviousYear,
        oneFacilityPerVillage: row.oneFacilityPerVillage,
        funding: row.funding,
        tiers: row.tiers,
      };
    });
  },

  /** The parameters of each scheme's version in force in `month` (a scheme not in force then is absent). */
  async parametersIn(db: EntityManager, schemeIds: readonly number[], month: string): Promise<(SchemeParameters & { schemeId: number })[]> {
    return db.query(
      `SELECT v.scheme_id AS "schemeId", v.requires_application AS "requiresApplication", v.first_month AS "firstMonth",
         v.last_month AS "lastMonth", v.assessment_valid_months AS "assessmentValidMonths"
       FROM subsidy_scheme_version v
       WHERE v.scheme_id = ANY($1::int[]) AND v.from_month <= $2::date AND (v.to_month IS NULL OR v.to_month >= $2::date)`,
      [schemeIds, firstDay(month)],
    );
  },

  /** Floors set by the nodes that are in force at any time from `fromMonth` to `toMonth` (null: open-ended). */
  async floorsOverlapping(db: EntityManager, ownerIds: readonly number[], fromMonth: string, toMonth: string | null): Promise<(FloorRule & FloorSpan)[]> {
    const rows: (FloorRule & FloorSpan)[] = await db.query(
      `SELECT ${FLOOR_COLUMNS}
       WHERE f.jurisdiction_id = ANY($1::int[]) AND ($3::date IS NULL OR f.from_month <= $3::date)
         AND (f.to_month IS NULL OR f.to_month >= $2::date)
       ORDER BY length(j.code), f.id`,
      [ownerIds, firstDay(fromMonth), toMonth && firstDay(toMonth)],
    );
    return rows.map(toFloor);
  },

  async floorById(db: EntityManager, id: number): Promise<FloorRule & FloorSpan> {
    const [row]: (FloorRule & FloorSpan)[] = await db.query(
      `SELECT ${FLOOR_COLUMNS} WHERE f.id = $1`,
      [id],
    );
    return toFloor(row);
  },

  async insertFloor(tx: EntityManager, floor: NewFloor, userId: number | null): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO subsidy_floor (jurisdiction_id, kind, min_age, max_age, amount_fen, from_month, to_month, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [floor.ownerId, floor.kind, floor.minAge, floor.maxAge, floor.amountFen, firstDay(floor.fromMonth), floor.toMonth && firstDay(floor.toMonth), userId],
    );
    return id;
  },
};

export interface FloorSpan {
  fromMonth: string;
  toMonth: string | null;
}
