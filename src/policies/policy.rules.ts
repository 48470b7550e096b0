import type { EntityManager } from 'typeorm';
import type { Context } from '../kernel/context';
import { BadUserInputError } from '../kernel/errors';
import { yuan } from '../kernel/money';
import { LEVELS } from '../kernel/division-codes';
import { text } from '../kernel/messages';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { SchemeParameters, TierRule } from './scheme-rules';
import type { CreateFloorInput, SchemeVersionInput, TierInput } from './policy.inputs';
import { policyRepository, type NewVersion } from './policy.repository';
import { FACILITY_TIER_CONDITIONS, PERSON_TIER_CONDITIONS, SWITCH_TIER_CONDITIONS } from '../kernel/tier-conditions';
import { FACILITY_SCHEME_KINDS, isFacilityKind, SCHEME_PARAMETER_DEFAULTS, SchemeKind, TierCombination } from './policy-kinds';

// The rules a subsidy scheme, its versions and tiers, and a floor must meet: each returns the clean
// value or throws BAD_USER_INPUT naming the field.

const MAX_AMOUNT_FEN = 100_000_000;
const MAX_TIERS = 50;
export const EARLIEST_MONTH = '2000-01';

const ages = (min: number | null, max: number | null) =>
  min === null && max === null ? 'all ages' : max === null ? `ages ${min}+` : `ages ${min ?? 0}–${max}`;

/** How a floor reads in a message: its amount in the kind's unit, and for people the ages it covers. */
function floorTerms(kind: SchemeKind, floor: { amountFen: number; minAge: number | null; maxAge: number | null }): string {
  if (kind === SchemeKind.FACILITY_CONSTRUCTION) return `${yuan(floor.amountFen)} once per facility`;
  if (kind === SchemeKind.FACILITY_OPERATING) return `${yuan(floor.amountFen)} per diner a month`;
  return `${yuan(floor.amountFen)} a month for ${ages(floor.minAge, floor.maxAge)}`;
}

export function parseMonthField(month: string, field: string, notBefore: string): string {
  if (month < notBefore) throw new BadUserInputError(field, `must not be before ${notBefore}`);
  return month;
}

export function parseName(raw: string, field: string, max = 100): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > max) throw new BadUserInputError(field, text('LENGTH_RANGE', { max }));
  return name;
}

export function parseAmount(fen: number, field: string): number {
  if (!Number.isSafeInteger(fen) || fen < 1 || fen > MAX_AMOUNT_FEN) throw new BadUserInputError(field, 'must be from 1 fen to 1,000,000 元');
  return fen;
}

function parseAges(min: number | null | undefined, max: number | null | undefined, field: string): { minAge: number | null; maxAge: number | null } {
  for (const [value, name] of [[min, 'minAge'], [max, 'maxAge']] as const) {
    if (value !== null && value !== undefined && (!Number.isInteger(value) || value < 0 || value > 150)) {
      throw new BadUserInputError(`${field}.${name}`, 'must be from 0 to 150');
    }
  }
  if (min != null && max != null && max < min) throw new BadUserInputError(`${field}.maxAge`, 'must not be below minAge');
  return { minAge: min ?? null, maxAge: max ?? null };
}

const distinct = <T>(values: readonly T[] | null | undefined): T[] => [...new Set(values ?? [])];

// The conditions each sort of tier may carry: a person tier is about people, a facility tier about facilities.
const PERSON_CONDITIONS = PERSON_TIER_CONDITIONS satisfies readonly (keyof TierInput)[];
const FACILITY_CONDITIONS = FACILITY_TIER_CONDITIONS satisfies readonly (keyof TierInput)[];

/** Whether the input sets a condition: a non-empty list, a value, or a switch set to true. */
function setsCondition(input: TierInput, condition: keyof TierInput): boolean {
  const value = input[condition];
  if (Array.isArray(value)) return value.length > 0;
  if (SWITCH_TIER_CONDITIONS.includes(condition)) return value === true;
  return value !== null && value !== undefined;
}

/** Refuses the conditions a tier of this kind cannot carry, naming the first. */
function checkConditionsFit(input: TierInput, kind: SchemeKind, field: string): void {
  const foreign = isFacilityKind(kind) ? PERSON_CONDITIONS : FACILITY_CONDITIONS;
  const given = foreign.find((condition) => setsCondition(input, condition));
  if (given) {
    const sort = isFacilityKind(kind) ? 'a person condition' : 'a facility condition';
    throw new BadUserInputError(`${field}.${given}`, `is ${sort}, which a tier of a ${kind} scheme cannot carry`);
  }
  if (kind === SchemeKind.FACILITY_CONSTRUCTION && setsCondition(input, 'minOperatingDays')) {
    throw new BadUserInputError(`${field}.minOperatingDays`, 'applies to operating subsidies; a construction subsidy is paid once, on acceptance');
  }
}

/** The minimum age for women: like minAge, and not above maxAge. */
function parseMinAgeFemale(input: TierInput, field: string): number | null {
  const age = input.minAgeFemale ?? null;
  if (age === null) return null;
  if (!Number.isInteger(age) || age < 0 || age > 150) throw new BadUserInputError(`${field}.minAgeFemale`, 'must be from 0 to 150');
  if (input.maxAge != null && input.maxAge < age) throw new BadUserInputError(`${field}.maxAge`, 'must not be below minAgeFemale');
  return age;
}

/** At least one of `livingSituations` and none of `livingSituationsNone`: a situation cannot be in both. */
function parseLivingSituations(input: TierInput, field: string): Pick<TierRule, 'livingSituations' | 'livingSituationsNone'> {
  const any = distinct(input.livingSituations);
  const none = distinct(input.livingSituationsNone);
  const both = none.find((s) => any.includes(s));
  if (both) throw new BadUserInputError(`${field}.livingSituationsNone`, `${both} is also in livingSituations`);
  return { livingSituations: any, livingSituationsNone: none };
}

/** hukouOrResident makes 户籍 and residence alternatives, so it needs both set. */
function parseResidence(input: TierInput, months: number | null, field: string): Pick<TierRule, 'hukouRequired' | 'minResidentMonths' | 'hukouOrResident'> {
  const hukouRequired = input.hukouRequired ?? false;
  const hukouOrResident = input.hukouOrResident ?? false;
  if (hukouOrResident && (!hukouRequired || months === null || months < 1)) {
    throw new BadUserInputError(`${field}.hukouOrResident`, 'needs hukouRequired and a minResidentMonths of at least 1: it accepts either');
  }
  return { hukouRequired, minResidentMonths: months, hukouOrResident };
}

/** A facility scheme's switch: refused on a scheme of a kind it does not apply to. */
function facilitySwitch(input: SchemeVersionInput, name: 'operatingRunFromPreviousYear' | 'oneFacilityPerVillage', kinds: readonly SchemeKind[], kind: SchemeKind, field: string): boolean {
  const value = input[name] ?? SCHEME_PARAMETER_DEFAULTS[name];
  if (value && !kinds.includes(kind)) throw new BadUserInputError(`${field}.${name}`, `applies to ${kinds.join(' and ')} schemes, not ${kind}`);
  return value;
}

/** The scheme parameters, each defaulting to its setting (SCHEME_PARAMETER_DEFAULTS). */
function parseParameters(input: SchemeVersionInput, kind: SchemeKind, field: string): SchemeParameters {
  const months = input.assessmentValidMonths ?? SCHEME_PARAMETER_DEFAULTS.assessmentValidMonths;
  if (months !== null && (!Number.isInteger(months) || months < 1 || months > 120)) {
    throw new BadUserInputError(`${field}.assessmentValidMonths`, 'must be from 1 to 120, or null: valid until a newer assessment');
  }
  return {
    requiresApplication: input.requiresApplication ?? SCHEME_PARAMETER_DEFAULTS.requiresApplication,
    firstMonth: input.firstMonth ?? SCHEME_PARAMETER_DEFAULTS.firstMonth,
    lastMonth: input.lastMonth ?? SCHEME_PARAMETER_DEFAULTS.lastMonth,
    assessmentValidMonths: months,
    operatingRunFromPreviousYear: facilitySwitch(input, 'operatingRunFromPreviousYear', [SchemeKind.FACILITY_OPERATING], kind, field),
    oneFacilityPerVillage: facilitySwitch(input, 'oneFacilityPerVillage', FACILITY_SCHEME_KINDS, kind, field),
  };
}

function parseTier(input: TierInput, position: number, field: string, kind: SchemeKind): Omit<TierRule, 'id'> {
  checkConditionsFit(input, kind, field);
  const incomes = (value: number | null | undefined, name: string) => {
    if (value === null || value === undefined) return null;
    if (!Number.isSafeInteger(value) || value < 1) throw new BadUserInputError(`${field}.${name}`, 'must be a positive number of fen');
    return value;
  };
  const months = input.minResidentMonths ?? null;
  if (months !== null && (!Number.isInteger(months) || months < 0 || months > 600)) {
    throw new BadUserInputError(`${field}.minResidentMonths`, 'must be from 0 to 600');
  }
  const residence = parseResidence(input, months, field);
  const days = input.minOperatingDays ?? null;
  if (days !== null && (!Number.isInteger(days) || days < 0 || days > 366)) {
    throw new BadUserInputError(`${field}.minOperatingDays`, 'must be from 0 to 366');
  }
  return {
    position,
    name: parseName(input.name, `${field}.name`),
    amountFen: parseAmount(input.amountFen, `${field}.amountFen`),
    ...parseAges(input.minAge, input.maxAge, field),
    minAgeFemale: parseMinAgeFemale(input, field),
    categoriesAny: distinct(input.categoriesAny),
    categoriesAll: distinct(input.categoriesAll),
    categoriesNone: distinct(input.categoriesNone),
    abilities: distinct(input.abilities),
    ...parseLivingSituations(input, field),
    ownIncomeBelowFen: incomes(input.ownIncomeBelowFen, 'ownIncomeBelowFen'),
    householdIncomeBelowFen: incomes(input.householdIncomeBelowFen, 'householdIncomeBelowFen'),
    ...residence,
    facilityTypes: distinct(input.facilityTypes),
    requiredServices: distinct(input.requiredServices),
    minOperatingDays: days,
  };
}

export function parseVersion(input: SchemeVersionInput, kind: SchemeKind, owner: Jurisdiction, field: string, notBefore: string): NewVersion {
  const fromMonth = parseMonthField(input.fromMonth, `${field}.fromMonth`, notBefore);
  const toMonth = input.toMonth ?? null;
  if (toMonth !== null && toMonth < fromMonth) throw new BadUserInputError(`${field}.toMonth`, 'must not be before fromMonth');
  const group = input.exclusionGroup?.trim() || null;
  if (group !== null && group.length > 50) throw new BadUserInputError(`${field}.exclusionGroup`, 'must be at most 50 characters');
  if (input.funding.length < 1 || input.funding.length > LEVELS.length) {
    throw new BadUserInputError(`${field}.funding`, `must list one to ${LEVELS.length} levels`);
  }
  const seen = new Set<string>();
  input.funding.forEach((f, i) => {
    if (seen.has(f.level)) throw new BadUserInputError(`${field}.funding[${i}].level`, `${f.level} is listed twice`);
    seen.add(f.level);
    if (LEVELS.indexOf(f.level) < LEVELS.indexOf(owner.level)) {
      throw new BadUserInputError(`${field}.funding[${i}].level`, `a ${owner.level} cannot commit the funds of a ${f.level}`);
    }
    if (!Number.isInteger(f.weight) || f.weight < 1 || f.weight > 10_000) {
      throw new BadUserInputError(`${field}.funding[${i}].weight`, 'must be a whole number from 1 to 10,000');
    }
  });
  if (input.tiers.length < 1 || input.tiers.length > MAX_TIERS) throw new BadUserInputError(`${field}.tiers`, `must list one to ${MAX_TIERS} tiers`);
  return {
    fromMonth,
    toMonth,
    combination: input.combination ?? TierCombination.HIGHEST,
    exclusionGroup: group,
    ...parseParameters(input, kind, field),
    funding: [...input.funding].sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level)).map((f) => ({ level: f.level, weight: f.weight })),
    tiers: input.tiers.map((tier, i) => parseTier(tier, i + 1, `${field}.tiers[${i}]`, kind)),
  };
}

const overlaps = (aMin: number | null, aMax: number | null, bMin: number | null, bMax: number | null) =>
  Math.max(aMin ?? 0, bMin ?? 0) <= Math.min(aMax ?? 150, bMax ?? 150);

/** Refuses a tier below a floor set at or above the owner for the same kind, months and ages. */
export async function checkFloors(tx: EntityManager, ctx: Context, owner: Jurisdiction, kind: SchemeKind, version: NewVersion, field: string): Promise<void> {
  const lineage = await jurisdictionService.lineage(ctx, owner);
  const floors = await policyRepository.floorsOverlapping(tx, lineage.map((n) => n.id), version.fromMonth, version.toMonth);
  version.tiers.forEach((tier, i) => {
    for (const floor of floors) {
      if (floor.kind !== kind || !overlaps(tier.minAge, tier.maxAge, floor.minAge, floor.maxAge)) continue;
      if (tier.amountFen < floor.amountFen) {
        throw new BadUserInputError(
          `${field}.tiers[${i}].amountFen`,
          `${yuan(tier.amountFen)} is below the floor of ${floorTerms(kind, floor)} set by ${floor.owner.name} (${floor.owner.code}) from ${floor.fromMonth}`,
        );
      }
    }
  });
}

/** A floor's ages: a facility has none, so a floor of a facility kind takes none. */
export function floorAges(input: CreateFloorInput): { minAge: number | null; maxAge: number | null } {
  if (isFacilityKind(input.kind)) {
    for (const name of ['minAge', 'maxAge'] as const) {
      if (input[name] !== null && input[name] !== undefined) {
        throw new BadUserInputError(`input.${name}`, `a floor for ${input.kind} binds facilities, which have no age`);
      }
    }
  }
  return parseAges(input.minAge, input.maxAge, 'input');
}
