import { actingRole } from '../access/actor';
import { codeReached } from '../access/scope';
import { Capability, Role, type Actor } from '../kernel/actor';
import { CODE_LENGTH } from '../kernel/division-codes';
import { BadUserInputError } from '../kernel/errors';
import { STEP_CAPABILITY, StepCapability, StepKind, type Step } from '../procedures/procedure-kinds';
import { CaseAction, CaseState } from './case-kinds';
import type { CaseRow } from './case.repository';

/**
 * The one judgement of what a caller may do to a case now: `allowedActions` answers it for the
 * frontends and `decideCase`, `recordObjection` and `resubmitCase` refuse what it does not list.
 */

/** The longest opinion or reasons, in characters. */
export const MAX_OPINION = 2000;

/** The working days a public notice has run (counted up to its minimum), or the year the calendar does not know of its span. */
export type NoticeDays = number | { unknownYear: number };

/** What the judgement needs besides the case: the steps it follows, today, and the working days its step has run. */
export interface CaseMoment {
  steps: readonly Step[];
  today: string;
  /**
   * At a public notice, the working days it has run up to today (as the calendar at the acting node
   * counts them), or the year of that span the calendar does not know. 0 at any other step.
   */
  noticeWorkingDays: NoticeDays;
}

/** The code of the village's ancestor at the step's level: the node that acts on it. */
export function actingCodeOf(villageCode: string, step: Pick<Step, 'level'>): string {
  return villageCode.slice(0, CODE_LENGTH[step.level]);
}

/** The state as read: a case whose first step begins after today (filed outside an intake window) is WAITING. */
export function stateOn(c: Pick<CaseRow, 'state' | 'stepBegan'>, today: string): CaseState {
  return c.state === CaseState.IN_REVIEW && c.stepBegan !== null && c.stepBegan > today ? CaseState.WAITING : c.state;
}

/** Whether the step's due date has passed. */
export function overdueOn(c: Pick<CaseRow, 'state' | 'stepBegan' | 'stepDue'>, today: string): boolean {
  return stateOn(c, today) === CaseState.IN_REVIEW && c.stepDue !== null && c.stepDue < today;
}

/** The step a case is at (null once decided). */
export function currentStep(c: Pick<CaseRow, 'stepPosition'>, steps: readonly Step[]): Step | null {
  return c.stepPosition === null ? null : (steps[c.stepPosition - 1] ?? null);
}

// A filer acts for the applicant: FILE_CASES over the village the case is filed at.
function isFiler(actor: Actor, c: CaseRow): boolean {
  return actingRole(actor, Capability.FILE_CASES) !== null && codeReached(actor, c.villageCode);
}

// The step's actor: its capability, and its acting node in the caller's subtree. A third-party
// assessor acts on the assessments assigned to them only (「評估工作由區民政局委託第三方組織上門評估」, 篇四).
function actsOnStep(actor: Actor, c: CaseRow, step: Step): boolean {
  const role = actingRole(actor, STEP_CAPABILITY[step.capability]);
  if (role === null || c.actingCode === null || !codeReached(actor, c.actingCode)) return false;
  return role !== Role.ASSESSOR || c.assessorId === actor.userId;
}

// Who commissions the assessment: the reviewers of the node that acts on it (the district's bureau).
function assignsAssessor(actor: Actor, c: CaseRow, step: Step): boolean {
  return step.capability === StepCapability.ASSESS_PEOPLE && actingRole(actor, Capability.REVIEW_CASES) !== null && c.actingCode !== null && codeReached(actor, c.actingCode);
}

/** The actions the caller may take on the case now, in a fixed order. */
export function allowedActions(actor: Actor, c: CaseRow, moment: CaseMoment): CaseAction[] {
  const state = stateOn(c, moment.today);
  const actions = new Set<CaseAction>();
  const filer = isFiler(actor, c);
  if (state === CaseState.RETURNED && filer) actions.add(CaseAction.RESUBMIT);
  const step = currentStep(c, moment.steps);
  if (state === CaseState.IN_REVIEW && step && actsOnStep(actor, c, step)) {
    const last = step.position === moment.steps.length;
    const noticeHeld = step.kind !== StepKind.PUBLIC_NOTICE || (typeof moment.noticeWorkingDays === 'number' && moment.noticeWorkingDays >= (step.minWorkingDays ?? 0));
    if (noticeHeld) actions.add(last ? CaseAction.APPROVE : CaseAction.PASS);
    if (step.kind === StepKind.PUBLIC_NOTICE) actions.add(CaseAction.OBJECTION);
    else actions.add(CaseAction.RETURN);
    if (step.mayRefuse) actions.add(CaseAction.REFUSE);
  }
  if (state === CaseState.IN_REVIEW && step && assignsAssessor(actor, c, step)) actions.add(CaseAction.ASSIGN_ASSESSOR);
  if ((state === CaseState.IN_REVIEW || state === CaseState.RETURNED || state === CaseState.WAITING) && filer) actions.add(CaseAction.WITHDRAW);
  return Object.values(CaseAction).filter((a) => actions.has(a));
}

/** Opinion or reasons as stored: trimmed, null when empty; too long is BAD_USER_INPUT naming the field. */
export function parseOpinion(raw: string | null | undefined, field: string): string | null {
  const trimmed = raw?.trim() ?? '';
  if (trimmed === '') return null;
  if ([...trimmed].length > MAX_OPINION) throw new BadUserInputError(field, `must be at most ${MAX_OPINION} characters`);
  return trimmed;
}

// The steps that review an application (not a notice, an assessment or a filing).
const REVIEWS: readonly StepKind[] = [StepKind.VILLAGE_REVIEW, StepKind.TOWN_REVIEW, StepKind.COUNTY_APPROVAL];

/** The review step an objection sends a case back to: the last review before the notice (深圳 初審, 江都 鎮審批). */
export function stepBefore(steps: readonly Step[], position: number): Step {
  for (let p = position - 1; p >= 1; p -= 1) if (REVIEWS.includes(steps[p - 1].kind)) return steps[p - 1];
  return steps[0];
}
