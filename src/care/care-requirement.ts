import type { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';
import { ageOn } from '../elderly/national-id';
import { monthEnd } from '../kernel/dates';
import { ServiceClass } from './care-kinds';
import type { CareRuleSet, ClassRule, VisitRule } from './care-rule-kinds';

// The monthly requirement, pure: a function of the rules, the recipient's facts and the month, so that
// verified visits (and a month's make-up) can be counted against it once work orders exist.

/** What the rules read of a recipient on the month's reference day. */
export interface RecipientFacts {
  birthDate: string;
  livingSituations: readonly LivingSituation[];
  /** The categories in force on the reference day. */
  categories: readonly HardshipCategory[];
  /** The assessment in force on the reference day (the latest made by then, up to its validUntil), or null. */
  assessment: { level: AbilityLevel; assessedOn: string; validUntil: string } | null;
}

export interface MonthlyRequirement {
  month: string;
  /** The day the facts are read on: the month's last day. */
  referenceDay: string;
  age: number;
  visitsPerMonth: number;
  /** The visit rule that asks most of the recipient; null when none matches (no visits required). */
  visitRule: VisitRule | null;
  /** Why that rule applies, one fact a line. */
  why: string[];
  minMinutesPerVisit: number;
  serviceClass: ServiceClass;
  /** The class rule that gave the class; null for PAID by default. */
  classRule: ClassRule | null;
  distinctItemsPerYear: number;
  makeUpNextMonth: boolean;
}

// Lower is more favourable to the recipient.
const CLASS_ORDER: readonly ServiceClass[] = [ServiceClass.FREE, ServiceClass.LOW_PAID, ServiceClass.PAID];

/** The reasons a rule applies to these facts at `age`, or null when it does not. */
function matches(rule: Pick<VisitRule, 'minAge' | 'categoriesAny'> & Partial<Pick<VisitRule, 'livingSituationsAny' | 'abilities'>>, facts: RecipientFacts, age: number, day: string): string[] | null {
  const why: string[] = [];
  if (rule.minAge !== null) {
    if (age < rule.minAge) return null;
    why.push(`age ${age} on ${day} is at least ${rule.minAge}`);
  }
  if (rule.categoriesAny.length > 0) {
    const held = rule.categoriesAny.filter((c) => facts.categories.includes(c));
    if (held.length === 0) return null;
    why.push(`holds ${held.join(', ')}`);
  }
  const situations = rule.livingSituationsAny ?? [];
  if (situations.length > 0) {
    const lives = situations.filter((s) => facts.livingSituations.includes(s));
    if (lives.length === 0) return null;
    why.push(`lives ${lives.join(', ')}`);
  }
  const abilities = rule.abilities ?? [];
  if (abilities.length > 0) {
    const assessment = facts.assessment;
    if (!assessment || !abilities.includes(assessment.level)) return null;
    why.push(`assessed ${assessment.level} on ${assessment.assessedOn}, valid until ${assessment.validUntil}`);
  }
  return why;
}

/** The visits a month `rules` ask of a recipient with these facts at `age` on `day`: the highest matching rule (the first listed among equals). */
export function visitsFor(rules: Pick<CareRuleSet, 'visitRules'>, facts: RecipientFacts, age: number, day: string): { rule: VisitRule | null; why: string[] } {
  let best: { rule: VisitRule | null; why: string[] } = { rule: null, why: [] };
  for (const rule of rules.visitRules) {
    if (best.rule && rule.visitsPerMonth <= best.rule.visitsPerMonth) continue;
    const why = matches(rule, facts, age, day);
    if (why) best = { rule, why };
  }
  return best;
}

/** The recipient's monthly requirement in `month` (YYYY-MM) under `rules`, the facts read on the month's last day. */
export function requirementOf(rules: CareRuleSet, facts: RecipientFacts, month: string): MonthlyRequirement {
  const referenceDay = monthEnd(`${month}-01`);
  const age = ageOn(facts.birthDate, referenceDay);
  const { rule, why } = visitsFor(rules, facts, age, referenceDay);
  let classRule: ClassRule | null = null;
  for (const candidate of rules.classRules) {
    if (classRule && CLASS_ORDER.indexOf(candidate.serviceClass) >= CLASS_ORDER.indexOf(classRule.serviceClass)) continue;
    if (matches(candidate, facts, age, referenceDay)) classRule = candidate;
  }
  return {
    month,
    referenceDay,
    age,
    visitsPerMonth: rule?.visitsPerMonth ?? 0,
    visitRule: rule,
    why,
    minMinutesPerVisit: rules.minMinutesPerVisit,
    serviceClass: classRule?.serviceClass ?? ServiceClass.PAID,
    classRule,
    distinctItemsPerYear: rules.distinctItemsPerYear,
    makeUpNextMonth: rules.makeUpNextMonth,
  };
}
