import { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';
import { BadUserInputError } from '../kernel/errors';
import { parseName } from '../policies/policy.rules';
import { ServiceItem } from './care-kinds';
import { UNDOCUMENTED_DEFAULTS, type CareRuleSet, type ClassRule, type VisitRule } from './care-rule-kinds';
import { visitsFor, type RecipientFacts } from './care-requirement';

/** Bounds of what a level may set (docs/care.md). */
export const CARE_LIMITS = {
  visitRules: 50,
  classRules: 20,
  maxAge: 150,
  visitsPerMonth: 31,
  minutesPerVisit: 1440,
  distinctItems: Object.values(ServiceItem).length,
  radiusMetres: 10_000,
  syncDays: 30,
} as const;

/** A rule set as a client writes it: the settings not from the documents may be left out. */
export type CareRuleSetDraft = Omit<CareRuleSet, 'checkInRadiusMetres' | 'offlineSyncDays' | 'sharedServiceAreas' | 'visitRules' | 'classRules'> & {
  visitRules: (Omit<VisitRule, 'categoriesAny' | 'livingSituationsAny' | 'abilities' | 'minAge'> & {
    minAge?: number | null;
    categoriesAny?: HardshipCategory[] | null;
    livingSituationsAny?: LivingSituation[] | null;
    abilities?: AbilityLevel[] | null;
  })[];
  classRules: (Omit<ClassRule, 'categoriesAny' | 'minAge'> & { minAge?: number | null; categoriesAny?: HardshipCategory[] | null })[];
  checkInRadiusMetres?: number | null;
  offlineSyncDays?: number | null;
  sharedServiceAreas?: boolean | null;
};

function whole(value: number, field: string, min: number, max: number, what = ''): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new BadUserInputError(field, `must be a whole number from ${min} to ${max}${what}`);
  return value;
}

function distinct<T>(values: readonly T[] | null | undefined, field: string): T[] {
  const list = [...(values ?? [])];
  if (new Set(list).size !== list.length) throw new BadUserInputError(field, 'must not list a value twice');
  return list;
}

const minAgeOf = (value: number | null | undefined, field: string) => (value == null ? null : whole(value, field, 0, CARE_LIMITS.maxAge, ' years'));

function parseVisitRule(input: CareRuleSetDraft['visitRules'][number], field: string): VisitRule {
  return {
    name: parseName(input.name, `${field}.name`, 50),
    minAge: minAgeOf(input.minAge, `${field}.minAge`),
    categoriesAny: distinct(input.categoriesAny, `${field}.categoriesAny`),
    livingSituationsAny: distinct(input.livingSituationsAny, `${field}.livingSituationsAny`),
    abilities: distinct(input.abilities, `${field}.abilities`),
    visitsPerMonth: whole(input.visitsPerMonth, `${field}.visitsPerMonth`, 1, CARE_LIMITS.visitsPerMonth, ' visits'),
  };
}

function parseClassRule(input: CareRuleSetDraft['classRules'][number], field: string): ClassRule {
  return {
    name: parseName(input.name, `${field}.name`, 50),
    serviceClass: input.serviceClass,
    minAge: minAgeOf(input.minAge, `${field}.minAge`),
    categoriesAny: distinct(input.categoriesAny, `${field}.categoriesAny`),
  };
}

/** A level's rules, checked; BAD_USER_INPUT naming the first field that is wrong. */
export function parseCareRules(input: CareRuleSetDraft, field: string): CareRuleSet {
  if (input.visitRules.length < 1 || input.visitRules.length > CARE_LIMITS.visitRules) throw new BadUserInputError(`${field}.visitRules`, `must have from 1 to ${CARE_LIMITS.visitRules} rules`);
  if (input.classRules.length > CARE_LIMITS.classRules) throw new BadUserInputError(`${field}.classRules`, `must have at most ${CARE_LIMITS.classRules} rules`);
  const percent = (value: number, name: string) => whole(value, `${field}.${name}`, 0, 100, ' percent');
  return {
    visitRules: input.visitRules.map((rule, i) => parseVisitRule(rule, `${field}.visitRules[${i}]`)),
    minMinutesPerVisit: whole(input.minMinutesPerVisit, `${field}.minMinutesPerVisit`, 1, CARE_LIMITS.minutesPerVisit, ' minutes'),
    distinctItemsPerYear: whole(input.distinctItemsPerYear, `${field}.distinctItemsPerYear`, 0, CARE_LIMITS.distinctItems, ' items'),
    makeUpNextMonth: input.makeUpNextMonth,
    classRules: input.classRules.map((rule, i) => parseClassRule(rule, `${field}.classRules[${i}]`)),
    providerCallbackPercent: percent(input.providerCallbackPercent, 'providerCallbackPercent'),
    onlineCallbackPercent: percent(input.onlineCallbackPercent, 'onlineCallbackPercent'),
    communityCheckPercent: percent(input.communityCheckPercent, 'communityCheckPercent'),
    checkInRadiusMetres: whole(input.checkInRadiusMetres ?? UNDOCUMENTED_DEFAULTS.checkInRadiusMetres, `${field}.checkInRadiusMetres`, 1, CARE_LIMITS.radiusMetres, ' metres'),
    offlineSyncDays: whole(input.offlineSyncDays ?? UNDOCUMENTED_DEFAULTS.offlineSyncDays, `${field}.offlineSyncDays`, 0, CARE_LIMITS.syncDays, ' days'),
    sharedServiceAreas: input.sharedServiceAreas ?? UNDOCUMENTED_DEFAULTS.sharedServiceAreas,
  };
}

// The documents' figures are minimums («不少於», «不低於»): a level below may ask more, never less.
const FLOORS = ['minMinutesPerVisit', 'distinctItemsPerYear', 'providerCallbackPercent', 'onlineCallbackPercent', 'communityCheckPercent'] as const;

/**
 * Every kind of recipient the two rule sets tell apart: each age at which a rule starts, each category,
 * situation and ability alone (or none). A rule matches on any of its categories and situations, so a
 * recipient with several asks the most of what each one alone asks: these profiles cover everyone.
 */
function profiles(sets: readonly Pick<CareRuleSet, 'visitRules'>[]): { age: number; facts: RecipientFacts }[] {
  const ages = [...new Set([0, ...sets.flatMap((set) => set.visitRules.map((rule) => rule.minAge ?? 0))])].sort((a, b) => a - b);
  const found: { age: number; facts: RecipientFacts }[] = [];
  for (const age of ages) {
    for (const category of [null, ...Object.values(HardshipCategory)]) {
      for (const situation of [null, ...Object.values(LivingSituation)]) {
        for (const level of [null, ...Object.values(AbilityLevel)]) {
          found.push({
            age,
            facts: {
              birthDate: '1900-01-01',
              categories: category ? [category] : [],
              livingSituations: situation ? [situation] : [],
              assessment: level ? { level, assessedOn: '', validUntil: '' } : null,
            },
          });
        }
      }
    }
  }
  return found;
}

const described = ({ age, facts }: { age: number; facts: RecipientFacts }) =>
  [`aged ${age}`, ...facts.categories, ...facts.livingSituations, facts.assessment ? `assessed ${facts.assessment.level}` : 'not assessed'].join(', ');

/**
 * Rules set below a level that has rules in force may not ask less than the documents' minimums
 * as the level above set them. BAD_USER_INPUT naming the field that asks less, and for whom.
 */
export function checkWithinInherited(own: CareRuleSet, inherited: CareRuleSet, from: string, field: string): void {
  for (const name of FLOORS) {
    if (own[name] < inherited[name]) throw new BadUserInputError(`${field}.${name}`, `must be at least ${inherited[name]}, as ${from} sets it`);
  }
  if (inherited.makeUpNextMonth && !own.makeUpNextMonth) throw new BadUserInputError(`${field}.makeUpNextMonth`, `must be true, as ${from} allows a missed month to be made up`);
  for (const profile of profiles([own, inherited])) {
    const mine = visitsFor(own, profile.facts, profile.age, '');
    const theirs = visitsFor(inherited, profile.facts, profile.age, '');
    const asked = mine.rule?.visitsPerMonth ?? 0;
    if (theirs.rule && asked < theirs.rule.visitsPerMonth) {
      throw new BadUserInputError(
        `${field}.visitRules`,
        `ask ${asked} visits a month of someone ${described(profile)}, fewer than the ${theirs.rule.visitsPerMonth} of ${from}’s rule ${theirs.rule.name}`,
      );
    }
  }
}
