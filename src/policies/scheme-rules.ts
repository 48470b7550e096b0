import type { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';
import type { FacilityService, FacilityType } from '../facilities/facility-kinds';
import { yuan } from '../kernel/money';
import { JurisdictionLevel } from '../kernel/division-codes';
import { allocate } from './cost-shares';
import { LastMonthRule, SchemeKind, TierCombination, type FirstMonthRule } from './policy-kinds';

// The rules every kind of scheme shares, for people (entitlement.engine.ts) and facilities
// (facility-subsidy.engine.ts) alike: what a scheme, a tier and a floor are as the rules read them,
// floors, how the tiers of a scheme combine, exclusion between schemes, and who pays which share.

/** A node of the person's lineage (province first, their village last). */
export interface LineageNode {
  id: number;
  code: string;
  name: string;
  level: JurisdictionLevel;
}

export interface TierRule {
  id: number;
  position: number;
  name: string;
  amountFen: number;
  minAge: number | null;
  /** For women, this minimum age instead of minAge (the sex is the person's recorded one). */
  minAgeFemale: number | null;
  maxAge: number | null;
  categoriesAny: readonly HardshipCategory[];
  categoriesAll: readonly HardshipCategory[];
  categoriesNone: readonly HardshipCategory[];
  abilities: readonly AbilityLevel[];
  livingSituations: readonly LivingSituation[];
  /** None of these living situations. */
  livingSituationsNone: readonly LivingSituation[];
  ownIncomeBelowFen: number | null;
  householdIncomeBelowFen: number | null;
  hukouRequired: boolean;
  minResidentMonths: number | null;
  /** 户籍 within the owner or residence of minResidentMonths: either suffices (both otherwise required). */
  hukouOrResident: boolean;
  /** Facility kinds only: the facility is of one of these types… */
  facilityTypes: readonly FacilityType[];
  /** …offers every one of these services… */
  requiredServices: readonly FacilityService[];
  /** …and operated with them on at least this many consecutive days (持续运营; operating subsidies). */
  minOperatingDays: number | null;
}

/** A tier that asks for nothing but what `fields` names (for rules written in code: seeds and tests). */
export function tierRule(fields: Pick<TierRule, 'position' | 'name' | 'amountFen'> & Partial<Omit<TierRule, 'id'>>): Omit<TierRule, 'id'> {
  return {
    minAge: null,
    minAgeFemale: null,
    maxAge: null,
    categoriesAny: [],
    categoriesAll: [],
    categoriesNone: [],
    abilities: [],
    livingSituations: [],
    livingSituationsNone: [],
    ownIncomeBelowFen: null,
    householdIncomeBelowFen: null,
    hukouRequired: false,
    minResidentMonths: null,
    hukouOrResident: false,
    facilityTypes: [],
    requiredServices: [],
    minOperatingDays: null,
    ...fields,
  };
}

/** A scheme version in force in the month, with its owner and funders. */
export interface SchemeRule {
  schemeId: number;
  versionId: number;
  /** The version's months (YYYY-MM; toMonth inclusive, null while open-ended). */
  fromMonth: string;
  toMonth: string | null;
  name: string;
  kind: SchemeKind;
  owner: LineageNode;
  combination: TierCombination;
  exclusionGroup: string | null;
  /** Pays only people whose application was approved (the cases enrol them; the run does not read enrolments yet). */
  requiresApplication: boolean;
  firstMonth: FirstMonthRule;
  lastMonth: LastMonthRule;
  /** How many months an ability assessment counts for; null: until a newer one supersedes it. */
  assessmentValidMonths: number | null;
  /** Facility operating schemes: a run of consecutive operating days may have begun in the previous year. */
  operatingRunFromPreviousYear: boolean;
  /** Facility schemes: one facility per village is paid, the one designated for it, when several qualify. */
  oneFacilityPerVillage: boolean;
  /** Highest level first. */
  funding: readonly { level: JurisdictionLevel; weight: number }[];
  tiers: readonly TierRule[];
}

/** The scheme parameters stored on a version, as SchemeRule carries them. */
export type SchemeParameters = Pick<
  SchemeRule,
  'requiresApplication' | 'firstMonth' | 'lastMonth' | 'assessmentValidMonths' | 'operatingRunFromPreviousYear' | 'oneFacilityPerVillage'
>;

/**
 * Whether the scheme still pays a person whose status (DECEASED, MOVED_AWAY) holds since `since` in
 * the month ending on `day`: only when the scheme pays the month of the event and it is this month.
 */
export function paysMonthOfEvent(scheme: Pick<SchemeRule, 'lastMonth'>, since: string | null, day: string): boolean {
  return scheme.lastMonth === LastMonthRule.PAY_MONTH_OF_EVENT && since !== null && since.slice(0, 7) === day.slice(0, 7);
}

export interface FloorRule {
  id: number;
  owner: LineageNode;
  kind: SchemeKind;
  minAge: number | null;
  maxAge: number | null;
  amountFen: number;
}

export enum ReasonCode {
  NOT_ACTIVE = 'NOT_ACTIVE',
  NOT_ENROLLED = 'NOT_ENROLLED',
  AGE_BELOW = 'AGE_BELOW',
  AGE_ABOVE = 'AGE_ABOVE',
  NO_LISTED_CATEGORY = 'NO_LISTED_CATEGORY',
  MISSING_CATEGORY = 'MISSING_CATEGORY',
  EXCLUDED_CATEGORY = 'EXCLUDED_CATEGORY',
  NOT_ASSESSED = 'NOT_ASSESSED',
  ASSESSMENT_EXPIRED = 'ASSESSMENT_EXPIRED',
  ABILITY_LEVEL = 'ABILITY_LEVEL',
  LIVING_SITUATION = 'LIVING_SITUATION',
  EXCLUDED_LIVING_SITUATION = 'EXCLUDED_LIVING_SITUATION',
  OWN_INCOME_UNKNOWN = 'OWN_INCOME_UNKNOWN',
  OWN_INCOME_TOO_HIGH = 'OWN_INCOME_TOO_HIGH',
  HOUSEHOLD_INCOME_UNKNOWN = 'HOUSEHOLD_INCOME_UNKNOWN',
  HOUSEHOLD_INCOME_TOO_HIGH = 'HOUSEHOLD_INCOME_TOO_HIGH',
  HUKOU_OUTSIDE = 'HUKOU_OUTSIDE',
  RESIDENCE_UNKNOWN = 'RESIDENCE_UNKNOWN',
  RESIDENCE_TOO_SHORT = 'RESIDENCE_TOO_SHORT',
  NEITHER_HUKOU_NOR_RESIDENT = 'NEITHER_HUKOU_NOR_RESIDENT',
  FACILITY_TYPE = 'FACILITY_TYPE',
  SERVICE_MISSING = 'SERVICE_MISSING',
  TOO_FEW_OPERATING_DAYS = 'TOO_FEW_OPERATING_DAYS',
  NOT_OPERATING = 'NOT_OPERATING',
  NOT_ACCEPTED_IN_PERIOD = 'NOT_ACCEPTED_IN_PERIOD',
  NO_DINERS = 'NO_DINERS',
  NOT_DESIGNATED = 'NOT_DESIGNATED',
  BELOW_FLOOR = 'BELOW_FLOOR',
  OUTRANKED = 'OUTRANKED',
}

export interface Reason {
  code: ReasonCode;
  message: string;
}

export interface TierOutcome {
  tier: TierRule;
  eligible: boolean;
  applied: boolean;
  reasons: Reason[];
}

export enum SchemeOutcomeStatus {
  APPLIED = 'APPLIED',
  NOT_ELIGIBLE = 'NOT_ELIGIBLE',
  EXCLUDED = 'EXCLUDED',
}

export interface FundingShare {
  level: JurisdictionLevel;
  funder: LineageNode;
  weight: number;
  amountFen: number;
}

export interface FunderTotal {
  level: JurisdictionLevel;
  funder: LineageNode;
  amountFen: number;
}

const LEVEL_ORDER = Object.values(JurisdictionLevel);


/**
 * BELOW_FLOOR for each floor of the scheme's kind set at or above its owner that `covers` the case and
 * asks for more (messages left empty without `explain`).
 */
export function floorReasons<F extends FloorRule>(
  amountFen: number,
  scheme: SchemeRule,
  floors: readonly F[],
  covers: (floor: F) => boolean,
  explain = true,
): Reason[] {
  const reasons: Reason[] = [];
  for (const floor of floors) {
    if (floor.kind !== scheme.kind || !scheme.owner.code.startsWith(floor.owner.code) || amountFen >= floor.amountFen || !covers(floor)) continue;
    const message = explain ? `${yuan(amountFen)} is below the floor of ${yuan(floor.amountFen)} set by ${floor.owner.name}` : '';
    reasons.push({ code: ReasonCode.BELOW_FLOOR, message });
  }
  return reasons;
}

/** Marks the eligible tiers that pay: all of them (STACK), or the one paying most (HIGHEST, the first on a tie), the others OUTRANKED. */
export function combineTiers(tiers: readonly TierOutcome[], combination: TierCombination, explain = true): void {
  const eligible = tiers.filter((t) => t.eligible);
  if (combination === TierCombination.STACK) {
    for (const t of eligible) t.applied = true;
  } else if (eligible.length > 0) {
    const best = eligible.reduce((a, b) => (b.tier.amountFen > a.tier.amountFen ? b : a));
    best.applied = true;
    for (const t of eligible) {
      if (t !== best) t.reasons.push({ code: ReasonCode.OUTRANKED, message: explain ? `${best.tier.name} pays more (就高不就低)` : '' });
    }
  }
}

/**
 * 不得重复享受: of the paying outcomes whose schemes share an exclusion group, only the largest amount is
 * paid (on a tie the scheme set higher up, then the older one). Each outcome left out, with the one paid.
 */
export function exclusionLosers<T extends { scheme: SchemeRule; amountFen: number }>(outcomes: readonly T[]): Map<T, T> {
  const groups = new Map<string, T[]>();
  for (const outcome of outcomes) {
    const group = outcome.scheme.exclusionGroup;
    if (group === null || outcome.amountFen === 0) continue;
    groups.set(group, [...(groups.get(group) ?? []), outcome]);
  }
  const losers = new Map<T, T>();
  for (const members of groups.values()) {
    const winner = members.reduce((a, b) => {
      if (b.amountFen !== a.amountFen) return b.amountFen > a.amountFen ? b : a;
      if (b.scheme.owner.code.length !== a.scheme.owner.code.length) return b.scheme.owner.code.length < a.scheme.owner.code.length ? b : a;
      return b.scheme.schemeId < a.scheme.schemeId ? b : a;
    });
    for (const outcome of members) if (outcome !== winner) losers.set(outcome, winner);
  }
  return losers;
}

/** `amountFen` split among the funders by their weights, exactly; each funder is the lineage's node at its level. */
export function sharesOf(amountFen: number, scheme: Pick<SchemeRule, 'schemeId' | 'funding'>, lineage: readonly LineageNode[]): FundingShare[] {
  if (amountFen === 0) return [];
  const funders = scheme.funding.map((f) => ({ ...f, funder: lineage.find((node) => node.level === f.level) ?? null }));
  const missing = funders.find((f) => f.funder === null);
  if (missing) throw new Error(`scheme ${scheme.schemeId} is funded at ${missing.level}, which the lineage lacks`);
  const amounts = allocate(amountFen, funders.map((f) => f.weight));
  return funders.map((f, i) => ({ level: f.level, funder: f.funder!, weight: f.weight, amountFen: amounts[i] }));
}

/** What each funder pays in all, highest level first. */
export function funderTotals(shares: readonly FunderTotal[]): FunderTotal[] {
  const byFunder = new Map<number, FunderTotal>();
  for (const { level, funder, amountFen } of shares) {
    const sum = byFunder.get(funder.id);
    if (sum) sum.amountFen += amountFen;
    else byFunder.set(funder.id, { level, funder, amountFen });
  }
  return [...byFunder.values()].sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level));
}

