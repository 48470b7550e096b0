import { JurisdictionLevel, LEVELS } from '../kernel/division-codes';
import { dayInRange, EARLIEST_DAY, isDay, LATEST_DAY } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';
import { text } from '../kernel/messages';
import { parseName } from '../policies/policy.rules';
import { StepCapability, StepKind, type Step, type StepSpec } from './procedure-kinds';

/** The most steps a procedure has, and the longest a step's deadline or minimum may be (a working year). */
export const MAX_STEPS = 20;
export const MAX_WORKING_DAYS = 250;

// Where each kind of step acts (relative to the applicant's village) and what it needs.
const KIND_LEVELS: Record<StepKind, readonly JurisdictionLevel[]> = {
  VILLAGE_REVIEW: [JurisdictionLevel.VILLAGE],
  PUBLIC_NOTICE: [JurisdictionLevel.VILLAGE, JurisdictionLevel.TOWN],
  ASSESSMENT: LEVELS,
  TOWN_REVIEW: [JurisdictionLevel.TOWN],
  COUNTY_APPROVAL: [JurisdictionLevel.COUNTY],
  FILING: [JurisdictionLevel.TOWN, JurisdictionLevel.COUNTY, JurisdictionLevel.CITY, JurisdictionLevel.PROVINCE],
};
const KIND_CAPABILITIES: Record<StepKind, readonly StepCapability[]> = {
  VILLAGE_REVIEW: [StepCapability.REVIEW_CASES],
  PUBLIC_NOTICE: [StepCapability.REVIEW_CASES],
  ASSESSMENT: [StepCapability.ASSESS_PEOPLE],
  TOWN_REVIEW: [StepCapability.REVIEW_CASES, StepCapability.APPROVE_CASES],
  COUNTY_APPROVAL: [StepCapability.APPROVE_CASES],
  FILING: [StepCapability.REVIEW_CASES, StepCapability.APPROVE_CASES],
};
// A notice, an assessment and a filing never decide: a notice's objections send the case back to review.
const MAY_NOT_REFUSE: readonly StepKind[] = [StepKind.PUBLIC_NOTICE, StepKind.ASSESSMENT, StepKind.FILING];
// The steps that pass a case up the tree: their levels never go back down.
const ASCENDING: readonly StepKind[] = [StepKind.VILLAGE_REVIEW, StepKind.TOWN_REVIEW, StepKind.COUNTY_APPROVAL, StepKind.FILING];

/** A step as a client writes it: the numbers may be left out. */
export type StepDraft = Pick<StepSpec, 'kind' | 'name' | 'level' | 'capability' | 'mayRefuse'> & {
  deadlineWorkingDays?: number | null;
  countedWithin?: number | null;
  minWorkingDays?: number | null;
};

const depth = (level: JurisdictionLevel) => LEVELS.indexOf(level);

export function parseDayField(day: string, field: string, notBefore = EARLIEST_DAY): string {
  if (!isDay(day)) throw new BadUserInputError(field, text('DAY_FORMAT'));
  if (!dayInRange(day)) throw new BadUserInputError(field, text('DAY_RANGE', { earliest: EARLIEST_DAY, latest: LATEST_DAY }));
  if (day < notBefore) throw new BadUserInputError(field, `must not be before ${notBefore}`);
  return day;
}

function workingDays(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_WORKING_DAYS) throw new BadUserInputError(field, `must be from 1 to ${MAX_WORKING_DAYS} working days`);
  return value;
}

function parseStep(input: StepDraft, ownerLevel: JurisdictionLevel, field: string, position: number): Step {
  const name = parseName(input.name, `${field}.name`, 50);
  if (depth(input.level) < depth(ownerLevel)) throw new BadUserInputError(`${field}.level`, `must be at or below the level of the procedure’s jurisdiction (${ownerLevel})`);
  if (!KIND_LEVELS[input.kind].includes(input.level)) throw new BadUserInputError(`${field}.level`, `a ${input.kind} step acts at ${KIND_LEVELS[input.kind].join(' or ')}`);
  if (!KIND_CAPABILITIES[input.kind].includes(input.capability)) {
    throw new BadUserInputError(`${field}.capability`, `a ${input.kind} step needs ${KIND_CAPABILITIES[input.kind].join(' or ')}`);
  }
  const deadlineWorkingDays = workingDays(input.deadlineWorkingDays, `${field}.deadlineWorkingDays`);
  const minWorkingDays = workingDays(input.minWorkingDays, `${field}.minWorkingDays`);
  if (input.kind === StepKind.PUBLIC_NOTICE && minWorkingDays === null) throw new BadUserInputError(`${field}.minWorkingDays`, 'a public notice (公示) needs its minimum length');
  if (minWorkingDays !== null && deadlineWorkingDays !== null && minWorkingDays > deadlineWorkingDays) {
    throw new BadUserInputError(`${field}.minWorkingDays`, 'must not exceed the step’s own deadline');
  }
  if (input.mayRefuse && MAY_NOT_REFUSE.includes(input.kind)) throw new BadUserInputError(`${field}.mayRefuse`, `a ${input.kind} step passes or returns a case; it does not refuse`);
  const countedWithin = input.countedWithin ?? null;
  if (countedWithin !== null && (!Number.isSafeInteger(countedWithin) || countedWithin < 1 || countedWithin >= position)) {
    throw new BadUserInputError(`${field}.countedWithin`, 'must be the position (from 1) of an earlier step');
  }
  return { position, kind: input.kind, name, level: input.level, capability: input.capability, deadlineWorkingDays, countedWithin, minWorkingDays, mayRefuse: input.mayRefuse };
}

// A step counted within another fits in the outer step's deadline, and is not itself an outer step's inner one.
function checkNesting(steps: readonly Step[], field: string): void {
  for (const inner of steps) {
    if (inner.countedWithin === null) continue;
    const at = `${field}[${inner.position - 1}]`;
    const outer = steps[inner.countedWithin - 1];
    if (outer.countedWithin !== null) throw new BadUserInputError(`${at}.countedWithin`, 'must name a step that is not itself counted within another');
    if (outer.deadlineWorkingDays === null) throw new BadUserInputError(`${at}.countedWithin`, 'must name a step with a deadline');
    if (inner.deadlineWorkingDays !== null && inner.deadlineWorkingDays > outer.deadlineWorkingDays) {
      throw new BadUserInputError(`${at}.deadlineWorkingDays`, `must fit in the ${outer.deadlineWorkingDays} working days of step ${outer.position}`);
    }
    if (inner.minWorkingDays !== null && inner.minWorkingDays > outer.deadlineWorkingDays) {
      throw new BadUserInputError(`${at}.minWorkingDays`, `must fit in the ${outer.deadlineWorkingDays} working days of step ${outer.position}`);
    }
  }
}

/** The steps of a procedure set at a node of `ownerLevel`, checked; BAD_USER_INPUT naming the first field that is wrong. */
export function parseSteps(input: readonly StepDraft[], ownerLevel: JurisdictionLevel, field: string): Step[] {
  if (input.length < 1 || input.length > MAX_STEPS) throw new BadUserInputError(field, `must have from 1 to ${MAX_STEPS} steps`);
  const steps = input.map((spec, i) => parseStep(spec, ownerLevel, `${field}[${i}]`, i + 1));
  let highest: Step | null = null;
  for (const step of steps.filter((s) => ASCENDING.includes(s.kind))) {
    if (highest && depth(step.level) > depth(highest.level)) {
      throw new BadUserInputError(`${field}[${step.position - 1}].level`, `a ${step.kind} at ${step.level} cannot follow step ${highest.position} at ${highest.level}`);
    }
    highest = step;
  }
  checkNesting(steps, field);
  if (!steps.some((s) => s.mayRefuse)) throw new BadUserInputError(field, 'needs at least one step that decides (mayRefuse)');
  return steps;
}
