import { AbilityLevel, HardshipCategory, LivingSituation, PersonStatus } from '../elderly/elderly-kinds';
import type { FacilityService, FacilityType } from '../facilities/facility-kinds';
import { ageOn } from '../elderly/national-id';
import type { PersonFacts } from '../elderly/person-facts';
import { monthEnd } from '../kernel/dates';
import { yuan } from '../kernel/money';
import { JurisdictionLevel } from '../kernel/division-codes';
import { allocate } from './cost-shares';
import { SchemeKind, TierCombination } from './policy-kinds';

// The entitlement rules, pure: the single-person explanation and the monthly run both call
// `entitlementOf`, so what a person is told and what is paid cannot drift apart.

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
  maxAge: number | null;
  categoriesAny: readonly HardshipCategory[];
  categoriesAll: readonly HardshipCategory[];
  categoriesNone: readonly HardshipCategory[];
  abilities: readonly AbilityLevel[];
  livingSituations: readonly LivingSituation[];
  ownIncomeBelowFen: number | null;
  householdIncomeBelowFen: number | null;
  hukouRequired: boolean;
  minResidentMonths: number | null;
  /** Facility kinds only: the facility is of one of these types… */
  facilityTypes: readonly FacilityType[];
  /** …offers every one of these services… */
  requiredServices: readonly FacilityService[];
  /** …and operated with them on at least this many days of the year (operating subsidies). */
  minOperatingDays: number | null;
}

/** A tier that asks for nothing but what `fields` names (for rules written in code: seeds and tests). */
export function tierRule(fields: Pick<TierRule, 'position' | 'name' | 'amountFen'> & Partial<Omit<TierRule, 'id'>>): Omit<TierRule, 'id'> {
  return {
    minAge: null,
    maxAge: null,
    categoriesAny: [],
    categoriesAll: [],
    categoriesNone: [],
    abilities: [],
    livingSituations: [],
    ownIncomeBelowFen: null,
    householdIncomeBelowFen: null,
    hukouRequired: false,
    minResidentMonths: null,
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
  /** Highest level first. */
  funding: readonly { level: JurisdictionLevel; weight: number }[];
  tiers: readonly TierRule[];
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
  AGE_BELOW = 'AGE_BELOW',
  AGE_ABOVE = 'AGE_ABOVE',
  NO_LISTED_CATEGORY = 'NO_LISTED_CATEGORY',
  MISSING_CATEGORY = 'MISSING_CATEGORY',
  EXCLUDED_CATEGORY = 'EXCLUDED_CATEGORY',
  NOT_ASSESSED = 'NOT_ASSESSED',
  ASSESSMENT_EXPIRED = 'ASSESSMENT_EXPIRED',
  ABILITY_LEVEL = 'ABILITY_LEVEL',
  LIVING_SITUATION = 'LIVING_SITUATION',
  OWN_INCOME_UNKNOWN = 'OWN_INCOME_UNKNOWN',
  OWN_INCOME_TOO_HIGH = 'OWN_INCOME_TOO_HIGH',
  HOUSEHOLD_INCOME_UNKNOWN = 'HOUSEHOLD_INCOME_UNKNOWN',
  HOUSEHOLD_INCOME_TOO_HIGH = 'HOUSEHOLD_INCOME_TOO_HIGH',
  HUKOU_OUTSIDE = 'HUKOU_OUTSIDE',
  RESIDENCE_UNKNOWN = 'RESIDENCE_UNKNOWN',
  RESIDENCE_TOO_SHORT = 'RESIDENCE_TOO_SHORT',
  FACILITY_TYPE = 'FACILITY_TYPE',
  SERVICE_MISSING = 'SERVICE_MISSING',
  TOO_FEW_OPERATING_DAYS = 'TOO_FEW_OPERATING_DAYS',
  NOT_OPERATING = 'NOT_OPERATING',
  NOT_ACCEPTED_IN_PERIOD = 'NOT_ACCEPTED_IN_PERIOD',
  NO_DINERS = 'NO_DINERS',
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

export interface SchemeOutcome {
  scheme: SchemeRule;
  status: SchemeOutcomeStatus;
  tiers: TierOutcome[];
  amountFen: number;
  shares: FundingShare[];
  /** The scheme that took precedence in the same exclusion group (不得重复享受). */
  excludedBy: SchemeRule | null;
}

export interface Entitlement {
  personId: number;
  month: string;
  /** The day the facts are read on: the month's last day. */
  referenceDay: string;
  age: number;
  schemes: SchemeOutcome[];
  amountFen: number;
  /** What each funder pays, summed over the schemes (highest level first). */
  shares: FunderTotal[];
}

export interface FunderTotal {
  level: JurisdictionLevel;
  funder: LineageNode;
  amountFen: number;
}

const LEVEL_ORDER = Object.values(JurisdictionLevel);

/** Whole months from `since` to `day` (a month is complete on the same day of a later month). */
export function monthsBetween(since: string, day: string): number {
  const [y1, m1, d1] = since.split('-').map(Number);
  const [y2, m2, d2] = day.split('-').map(Number);
  return (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
}

function inForce(day: string, from: string, to: string | null): boolean {
  return from <= day && (to === null || to > day);
}

/** The latest assessment made on or before `day`. */
function assessmentOn(person: PersonFacts, day: string) {
  let latest: PersonFacts['assessments'][number] | null = null;
  for (const assessment of person.assessments) if (assessment.assessedOn <= day) latest = assessment;
  return latest;
}

/**
 * Why a tier does not pay on `day`; empty when it does. `explain` false (the monthly run) stops at the
 * first reason and leaves messages empty: only whether the tier pays matters there.
 */
function tierReasons(
  tier: TierRule,
  scheme: SchemeRule,
  person: PersonFacts,
  day: string,
  age: number,
  categories: ReadonlySet<HardshipCategory>,
  floors: readonly FloorRule[],
  explain: boolean,
): Reason[] {
  const reasons: Reason[] = [];
  // True when the caller has heard enough.
  const add = (code: ReasonCode, message: () => string) => {
    reasons.push({ code, message: explain ? message() : '' });
    return !explain;
  };
  if (tier.minAge !== null && age < tier.minAge && add(ReasonCode.AGE_BELOW, () => `age ${age} is below ${tier.minAge}`)) return reasons;
  if (tier.maxAge !== null && age > tier.maxAge && add(ReasonCode.AGE_ABOVE, () => `age ${age} is above ${tier.maxAge}`)) return reasons;
  if (tier.categoriesAny.length > 0 && !tier.categoriesAny.some((c) => categories.has(c))) {
    if (add(ReasonCode.NO_LISTED_CATEGORY, () => `has none of ${tier.categoriesAny.join(', ')}`)) return reasons;
  }
  const missing = tier.categoriesAll.filter((c) => !categories.has(c));
  if (missing.length > 0 && add(ReasonCode.MISSING_CATEGORY, () => `lacks ${missing.join(', ')}`)) return reasons;
  const excluded = tier.categoriesNone.filter((c) => categories.has(c));
  if (excluded.length > 0 && add(ReasonCode.EXCLUDED_CATEGORY, () => `is ${excluded.join(', ')}`)) return reasons;
  if (tier.abilities.length > 0) {
    const assessment = assessmentOn(person, day);
    if (!assessment) {
      if (add(ReasonCode.NOT_ASSESSED, () => `no ability assessment on or before ${day}`)) return reasons;
    } else if (assessment.validUntil < day) {
      if (add(ReasonCode.ASSESSMENT_EXPIRED, () => `the assessment of ${assessment.assessedOn} was valid until ${assessment.validUntil}`)) return reasons;
    } else if (!tier.abilities.includes(assessment.level)) {
      if (add(ReasonCode.ABILITY_LEVEL, () => `assessed ${assessment.level}, the tier asks for ${tier.abilities.join(', ')}`)) return reasons;
    }
  }
  if (tier.livingSituations.length > 0 && !tier.livingSituations.some((s) => person.livingSituations.includes(s))) {
    if (add(ReasonCode.LIVING_SITUATION, () => `lives in none of ${tier.livingSituations.join(', ')}`)) return reasons;
  }
  if (tier.ownIncomeBelowFen !== null) {
    if (person.ownMonthlyIncomeFen === null) {
      if (add(ReasonCode.OWN_INCOME_UNKNOWN, () => 'own monthly income is not recorded')) return reasons;
    } else if (person.ownMonthlyIncomeFen >= tier.ownIncomeBelowFen) {
      const [own, ceiling] = [person.ownMonthlyIncomeFen, tier.ownIncomeBelowFen];
      if (add(ReasonCode.OWN_INCOME_TOO_HIGH, () => `own monthly income ${yuan(own)} is not below ${yuan(ceiling)}`)) return reasons;
    }
  }
  if (tier.householdIncomeBelowFen !== null) {
    if (person.householdMonthlyIncomeFen === null) {
      if (add(ReasonCode.HOUSEHOLD_INCOME_UNKNOWN, () => 'household monthly income is not recorded')) return reasons;
    } else if (person.householdMonthlyIncomeFen >= tier.householdIncomeBelowFen) {
      const [household, ceiling] = [person.householdMonthlyIncomeFen, tier.householdIncomeBelowFen];
      if (add(ReasonCode.HOUSEHOLD_INCOME_TOO_HIGH, () => `household monthly income per member ${yuan(household)} is not below ${yuan(ceiling)}`)) return reasons;
    }
  }
  if (tier.hukouRequired && !person.hukouCode.startsWith(scheme.owner.code)) {
    if (add(ReasonCode.HUKOU_OUTSIDE, () => `户籍 ${person.hukouCode} is outside ${scheme.owner.name}`)) return reasons;
  }
  if (tier.minResidentMonths !== null && tier.minResidentMonths > 0) {
    if (person.residentSince === null) {
      if (add(ReasonCode.RESIDENCE_UNKNOWN, () => 'the start of residence is not recorded')) return reasons;
    } else if (monthsBetween(person.residentSince, day) < tier.minResidentMonths) {
      const since = person.residentSince;
      if (add(ReasonCode.RESIDENCE_TOO_SHORT, () => `resident since ${since}, fewer than ${tier.minResidentMonths} months`)) return reasons;
    }
  }
  const coversAge = (floor: FloorRule) => (floor.minAge === null || age >= floor.minAge) && (floor.maxAge === null || age <= floor.maxAge);
  const below = floorReasons(tier.amountFen, scheme, floors, coversAge, explain);
  reasons.push(...(explain ? below : below.slice(0, 1)));
  return reasons;
}

// A scheme's tiers in position order, sorted once per scheme rather than once per person.
const sortedTiers = new WeakMap<SchemeRule, readonly TierRule[]>();
function byPosition(scheme: SchemeRule): readonly TierRule[] {
  let tiers = sortedTiers.get(scheme);
  if (!tiers) {
    tiers = [...scheme.tiers].sort((a, b) => a.position - b.position);
    sortedTiers.set(scheme, tiers);
  }
  return tiers;
}

// The rules every kind of scheme shares, for people and facilities alike: floors, how the tiers of a
// scheme combine, exclusion between schemes, and who pays which share.

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

/**
 * What `person` is entitled to in `month` (YYYY-MM) under the schemes and floors in force then, read
 * on the month's last day: each scheme's tiers with why they apply or not, the combination within a
 * scheme (highest tier or stacked), exclusion between schemes of one group (the larger amount wins;
 * on a tie the scheme set higher up, then the older one), and each funder's share to the fen.
 * With `explain` false (the monthly run) a tier that does not pay carries its first reason only,
 * without a message; amounts and shares are the same.
 */
export function entitlementOf(
  person: PersonFacts,
  month: string,
  lineage: readonly LineageNode[],
  schemes: readonly SchemeRule[],
  floors: readonly FloorRule[],
  { explain = true }: { explain?: boolean } = {},
): Entitlement {
  const day = monthEnd(`${month}-01`);
  const age = ageOn(person.birthDate, day);
  const active = person.status === PersonStatus.ACTIVE || (person.statusSince !== null && person.statusSince > day);
  const categories = new Set(person.categories.filter((c) => inForce(day, c.validFrom, c.validTo)).map((c) => c.category));

  const outcomes: SchemeOutcome[] = schemes.map((scheme) => {
    const tiers: TierOutcome[] = byPosition(scheme).map((tier) => {
      const reasons = active
        ? tierReasons(tier, scheme, person, day, age, categories, floors, explain)
        : [{ code: ReasonCode.NOT_ACTIVE, message: explain ? `${person.status} since ${person.statusSince}` : '' }];
      return { tier, eligible: reasons.length === 0, applied: false, reasons };
    });
    combineTiers(tiers, scheme.combination, explain);
    const amountFen = tiers.filter((t) => t.applied).reduce((sum, t) => sum + t.tier.amountFen, 0);
    return {
      scheme,
      status: amountFen > 0 ? SchemeOutcomeStatus.APPLIED : SchemeOutcomeStatus.NOT_ELIGIBLE,
      tiers,
      amountFen,
      shares: [],
      excludedBy: null,
    };
  });

  for (const [outcome, winner] of exclusionLosers(outcomes)) {
    outcome.status = SchemeOutcomeStatus.EXCLUDED;
    outcome.excludedBy = winner.scheme;
    outcome.amountFen = 0;
    for (const t of outcome.tiers) t.applied = false;
  }
  for (const outcome of outcomes) outcome.shares = sharesOf(outcome.amountFen, outcome.scheme, lineage);

  return {
    personId: person.id,
    month,
    referenceDay: day,
    age,
    schemes: outcomes,
    amountFen: outcomes.reduce((sum, o) => sum + o.amountFen, 0),
    shares: funderTotals(outcomes.flatMap((o) => o.shares)),
  };
}
