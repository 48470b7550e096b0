import { PersonStatus, type HardshipCategory } from '../elderly/elderly-kinds';
import { ageOn, Sex } from '../elderly/national-id';
import type { PersonFacts } from '../elderly/person-facts';
import { monthEnd } from '../kernel/dates';
import { yuan } from '../kernel/money';
import {
  combineTiers,
  exclusionLosers,
  floorReasons,
  funderTotals,
  paysMonthOfEvent,
  ReasonCode,
  SchemeOutcomeStatus,
  sharesOf,
  type FloorRule,
  type FunderTotal,
  type FundingShare,
  type LineageNode,
  type Reason,
  type SchemeRule,
  type TierOutcome,
  type TierRule,
} from './scheme-rules';

// The entitlement rules, pure: the single-person explanation and the monthly run both call
// `entitlementOf`, so what a person is told and what is paid cannot drift apart.

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

/** Adds a reason; true when the caller has heard enough (the run stops at the first). */
type AddReason = (code: ReasonCode, message: () => string) => boolean;

/** The tier's minimum age for this person: minAgeFemale for women when set, minAge otherwise. */
function minAgeFor(tier: TierRule, person: PersonFacts): number | null {
  return person.sex === Sex.FEMALE && tier.minAgeFemale !== null ? tier.minAgeFemale : tier.minAge;
}

/** Whether the latest assessment counts: until superseded, or for the scheme's assessmentValidMonths. */
function assessmentFails(tier: TierRule, scheme: SchemeRule, person: PersonFacts, day: string, add: AddReason): boolean {
  const assessment = assessmentOn(person, day);
  if (!assessment) return add(ReasonCode.NOT_ASSESSED, () => `no ability assessment on or before ${day}`);
  const months = scheme.assessmentValidMonths;
  if (months !== null && monthsBetween(assessment.assessedOn, day) >= months) {
    return add(ReasonCode.ASSESSMENT_EXPIRED, () => `the assessment of ${assessment.assessedOn} is older than the ${months} months ${scheme.name} counts one for`);
  }
  if (!tier.abilities.includes(assessment.level)) {
    return add(ReasonCode.ABILITY_LEVEL, () => `assessed ${assessment.level}, the tier asks for ${tier.abilities.join(', ')}`);
  }
  return false;
}

/** 户籍 within the scheme's jurisdiction and residence: both, or either one with hukouOrResident. */
function residenceFails(tier: TierRule, scheme: SchemeRule, person: PersonFacts, day: string, add: AddReason): boolean {
  const months = tier.minResidentMonths ?? 0;
  const hukouOutside = tier.hukouRequired && !person.hukouCode.startsWith(scheme.owner.code);
  const since = person.residentSince;
  const residence = months <= 0 ? null : since === null ? ReasonCode.RESIDENCE_UNKNOWN : monthsBetween(since, day) < months ? ReasonCode.RESIDENCE_TOO_SHORT : null;
  if (tier.hukouOrResident) {
    if (!hukouOutside || residence === null) return false;
    return add(ReasonCode.NEITHER_HUKOU_NOR_RESIDENT, () => `户籍 ${person.hukouCode} is outside ${scheme.owner.name} and resident ${since === null ? 'since an unrecorded day' : `since ${since}`}, fewer than ${months} months`);
  }
  if (hukouOutside && add(ReasonCode.HUKOU_OUTSIDE, () => `户籍 ${person.hukouCode} is outside ${scheme.owner.name}`)) return true;
  if (residence === ReasonCode.RESIDENCE_UNKNOWN) return add(residence, () => 'the start of residence is not recorded');
  if (residence === ReasonCode.RESIDENCE_TOO_SHORT) return add(residence, () => `resident since ${since}, fewer than ${months} months`);
  return false;
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
  const add: AddReason = (code, message) => {
    reasons.push({ code, message: explain ? message() : '' });
    return !explain;
  };
  const minAge = minAgeFor(tier, person);
  if (minAge !== null && age < minAge && add(ReasonCode.AGE_BELOW, () => `age ${age} is below ${minAge}${minAge !== tier.minAge ? ' (the minimum for women)' : ''}`)) return reasons;
  if (tier.maxAge !== null && age > tier.maxAge && add(ReasonCode.AGE_ABOVE, () => `age ${age} is above ${tier.maxAge}`)) return reasons;
  if (tier.categoriesAny.length > 0 && !tier.categoriesAny.some((c) => categories.has(c))) {
    if (add(ReasonCode.NO_LISTED_CATEGORY, () => `has none of ${tier.categoriesAny.join(', ')}`)) return reasons;
  }
  const missing = tier.categoriesAll.filter((c) => !categories.has(c));
  if (missing.length > 0 && add(ReasonCode.MISSING_CATEGORY, () => `lacks ${missing.join(', ')}`)) return reasons;
  const excluded = tier.categoriesNone.filter((c) => categories.has(c));
  if (excluded.length > 0 && add(ReasonCode.EXCLUDED_CATEGORY, () => `is ${excluded.join(', ')}`)) return reasons;
  if (tier.abilities.length > 0 && assessmentFails(tier, scheme, person, day, add)) return reasons;
  if (tier.livingSituations.length > 0 && !tier.livingSituations.some((s) => person.livingSituations.includes(s))) {
    if (add(ReasonCode.LIVING_SITUATION, () => `lives in none of ${tier.livingSituations.join(', ')}`)) return reasons;
  }
  const excludedSituations = tier.livingSituationsNone.filter((s) => person.livingSituations.includes(s));
  if (excludedSituations.length > 0 && add(ReasonCode.EXCLUDED_LIVING_SITUATION, () => `lives ${excludedSituations.join(', ')}`)) return reasons;
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
  if (residenceFails(tier, scheme, person, day, add)) return reasons;
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

/** Whether a scheme that requires an application pays the person in `month`: within one of their enrolments in it. */
function enrolledIn(person: PersonFacts, scheme: SchemeRule, month: string): boolean {
  if (!scheme.requiresApplication) return true;
  return person.enrolments.some((e) => e.schemeId === scheme.schemeId && e.fromMonth <= month && (e.untilMonth === null || e.untilMonth >= month));
}

/** Whether the person is ACTIVE on `day`: registered so, or having left only after it. */
export function isActiveOn(person: Pick<PersonFacts, 'status' | 'statusSince'>, day: string): boolean {
  return person.status === PersonStatus.ACTIVE || (person.statusSince !== null && person.statusSince > day);
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
  const active = isActiveOn(person, day);
  const categories = new Set(person.categories.filter((c) => inForce(day, c.validFrom, c.validTo)).map((c) => c.category));

  const outcomes: SchemeOutcome[] = schemes.map((scheme) => {
    // After a death or a move the scheme's lastMonth decides whether the month of the event is paid.
    const paid = active || paysMonthOfEvent(scheme, person.statusSince, day);
    // A scheme that requires an application pays only the months of an enrolment (an approved case).
    const enrolled = enrolledIn(person, scheme, month);
    const tiers: TierOutcome[] = byPosition(scheme).map((tier) => {
      const reasons = !paid
        ? [{ code: ReasonCode.NOT_ACTIVE, message: explain ? `${person.status} since ${person.statusSince}` : '' }]
        : !enrolled
          ? [{ code: ReasonCode.NOT_ENROLLED, message: explain ? `not enrolled in ${scheme.name} in ${month}: it requires an application` : '' }]
          : tierReasons(tier, scheme, person, day, age, categories, floors, explain);
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
