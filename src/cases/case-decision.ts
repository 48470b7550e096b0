import { actingRole } from '../access/actor';
import { codeReached, denied } from '../access/scope';
import type { Write } from '../audit/mutation';
import { Capability, Role, type Actor } from '../kernel/actor';
import { pastDay, todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { STEP_CAPABILITY, StepKind, type Step } from '../procedures/procedure-kinds';
import { procedureRepository } from '../procedures/procedure.repository';
import { CaseAction, CaseState, DECISIONS } from './case-kinds';
import type { DecideCaseInput, MaterialInput } from './case.inputs';
import { caseRepository, type CaseRow, type CaseStepState } from './case.repository';
import { allowedActions, currentStep, parseOpinion, stateOn, stepBefore, type NoticeDays } from './case.rules';
import { enterStep, noticeWorkingDays } from './case-steps';
import { enrolOnApproval } from './enrolment';
import { parseMaterials } from './case-filing';
import { personRepository } from '../elderly/person.repository';
import { userRepository } from '../users/user.repository';
import { unknownYear } from '../calendar/working-days';
import { enrolled } from './enrolment-hooks';

/** A case locked for a change, with the steps it follows and what the caller may do to it now. */
interface Locked {
  c: CaseRow;
  steps: Step[];
  today: string;
  /** At a public notice, the working days it has run, or the year of them the calendar does not know. */
  noticeDays: NoticeDays;
  allowed: CaseAction[];
}

/** Locks the case (FORBIDDEN out of the caller's subtree, whether or not it exists) and judges it. */
async function lockCase(w: Write, rawId: string, field: string): Promise<Locked> {
  const actor = w.grant!.actor;
  const id = parseId(rawId, field, 'a case');
  w.target('Case', [id]);
  const c = await caseRepository.lock(w.tx, id);
  if (!c || !codeReached(actor, c.villageCode)) throw denied(text('CASE_NOT_IN_SCOPE'));
  w.at(c.villageId);
  const [procedure] = await procedureRepository.byIds(w.tx, [c.procedureId]);
  const today = todayInChina();
  const steps = procedure.steps;
  const noticeDays = await noticeWorkingDays(w.tx, c, steps, today);
  const allowed = allowedActions(actor, c, { steps, today, noticeWorkingDays: noticeDays });
  return { c, steps, today, noticeDays, allowed };
}

/** Why an action is not among the allowed ones, as the caller should hear it. */
function refusal(actor: Actor, { c, steps, today, noticeDays }: Locked, action: CaseAction): Error {
  const state = stateOn(c, today);
  if (state !== CaseState.IN_REVIEW && state !== CaseState.RETURNED && state !== CaseState.WAITING) return new ConflictError(`the case is ${state}`, 'input.action');
  const step = currentStep(c, steps);
  if (step && action === CaseAction.REFUSE && !step.mayRefuse) return new BadUserInputError('input.action', `${step.name} may not refuse: pass the case on or return it`);
  if (step && action === CaseAction.PASS && step.kind === StepKind.PUBLIC_NOTICE && actingRole(actor, STEP_CAPABILITY[step.capability])) {
    if (typeof noticeDays === 'object') return unknownYear('input.action', noticeDays.unknownYear);
    return new BadUserInputError('input.action', `the public notice lasts at least ${step.minWorkingDays} working days`);
  }
  if (state === CaseState.WAITING) return new ConflictError(`the case waits for its intake window: its first step begins on ${c.stepBegan}`, 'input.action');
  return denied();
}

function history(w: Write, c: CaseRow, action: CaseAction, extra: { opinion?: string | null; reasons?: string | null; key?: string | null }) {
  const actor = w.grant!.actor;
  return {
    caseId: c.id,
    userId: actor.userId,
    username: actor.username,
    role: w.grant!.role,
    stepPosition: c.stepPosition,
    action,
    opinion: extra.opinion ?? null,
    reasons: extra.reasons ?? null,
    idempotencyKey: extra.key ?? null,
  };
}

const decided = (state: CaseState, today: string): CaseStepState => ({
  state,
  stepPosition: null,
  stepBegan: null,
  stepDue: null,
  actingNodeId: null,
  actingCode: null,
  stepCapability: null,
  decidedOn: today,
});

/** Where a decision takes the case. */
async function nextState(w: Write, locked: Locked, action: CaseAction): Promise<CaseStepState> {
  const { c, steps, today } = locked;
  switch (action) {
    case CaseAction.PASS:
      return enterStep(w.ctx, c.villageCode, steps, c.stepPosition! + 1, today, c, 'input.action');
    case CaseAction.RETURN:
      // Back to the village step for more material: the filer resubmits it; no deadline runs meanwhile.
      return { ...(await enterStep(w.ctx, c.villageCode, steps, 1, today, null, 'input.action')), state: CaseState.RETURNED, stepDue: null };
    case CaseAction.APPROVE: {
      const fromMonth = await enrolOnApproval(w.tx, c, today);
      if (fromMonth !== null) await enrolled({ ctx: w.ctx, personId: c.personId, fromMonth });
      return decided(CaseState.APPROVED, today);
    }
    case CaseAction.REFUSE:
      return decided(CaseState.REFUSED, today);
    default:
      return decided(CaseState.WITHDRAWN, today);
  }
}

/** A decision on the case's current step (`decideCase`): judged by `allowedActions`, idempotent under its key. */
export async function decideWithin(w: Write, input: DecideCaseInput): Promise<number> {
  const key = input.idempotencyKey.trim();
  if (key === '' || key.length > 100) throw new BadUserInputError('input.idempotencyKey', 'must be 1 to 100 characters');
  if (!DECISIONS.includes(input.action)) throw new BadUserInputError('input.action', `must be one of ${DECISIONS.join(', ')}`);
  const locked = await lockCase(w, input.caseId, 'input.caseId');
  const { c } = locked;
  // The same key again: the first answer stands and nothing changes.
  if (await caseRepository.answerFor(w.tx, c.id, key)) {
    w.detail({ replayed: key });
    return c.id;
  }
  const opinion = parseOpinion(input.opinion, 'input.opinion');
  const reasons = parseOpinion(input.reasons, 'input.reasons');
  if (input.step !== c.stepPosition) throw new ConflictError(`the case is at step ${c.stepPosition ?? '(decided)'} now, not ${input.step}`, 'input.step');
  if (!locked.allowed.includes(input.action)) throw refusal(w.grant!.actor, locked, input.action);
  if (input.action === CaseAction.REFUSE && reasons === null) throw new BadUserInputError('input.reasons', 'a refusal needs written reasons');
  if (input.action === CaseAction.PASS || input.action === CaseAction.APPROVE) await assessedDuringStep(w, locked);
  const next = await nextState(w, locked, input.action);
  await caseRepository.move(w.tx, c.id, next);
  const answer = { caseId: c.id, state: next.state, step: next.stepPosition };
  await caseRepository.appendHistory(w.tx, history(w, c, input.action, { opinion, reasons, key }), answer);
  w.detail({ action: input.action, step: c.stepPosition, to: next.stepPosition, state: next.state });
  return c.id;
}

/** An assessment step passes once the applicant's ability assessment is recorded, on or after the day it began. */
async function assessedDuringStep(w: Write, { c, steps }: Locked): Promise<void> {
  if (currentStep(c, steps)?.kind !== StepKind.ASSESSMENT) return;
  const assessments = await personRepository.assessmentsOf(w.tx, [c.personId]);
  if (!assessments.some((a) => a.assessedOn >= c.stepBegan!)) {
    throw new BadUserInputError('input.action', `record the applicant's ability assessment (recordAbilityAssessment) on or after ${c.stepBegan} before passing the assessment`);
  }
}

/**
 * The assessment step assigned to a third-party assessor (「評估工作由區民政局委託第三方組織上門評估」, 篇四): an
 * active user holding the ASSESSOR role whose subtree holds the case's village. Any other name, whether
 * or not such a user exists, is refused alike. The same assessor again changes nothing.
 */
export async function assignAssessorWithin(w: Write, rawId: string, step: number, rawUsername: string): Promise<number> {
  const locked = await lockCase(w, rawId, 'caseId');
  const { c } = locked;
  if (step !== c.stepPosition) throw new ConflictError(`the case is at step ${c.stepPosition ?? '(decided)'} now, not ${step}`, 'step');
  if (!locked.allowed.includes(CaseAction.ASSIGN_ASSESSOR)) {
    const current = currentStep(c, locked.steps);
    if (current && current.kind !== StepKind.ASSESSMENT && stateOn(c, locked.today) === CaseState.IN_REVIEW && locked.allowed.length > 0) {
      throw new ConflictError('the case is not at an assessment step', 'caseId');
    }
    throw refusal(w.grant!.actor, locked, CaseAction.ASSIGN_ASSESSOR);
  }
  const username = rawUsername.trim();
  const user = username === '' || username.length > 100 ? null : await userRepository.byUsername(w.tx, username);
  const fits = user !== null && user.active && user.roles.includes(Role.ASSESSOR) && c.villageCode.startsWith(user.jurisdictionCode);
  if (!fits) throw new BadUserInputError('assessor', 'must be the username of an active assessor (ASSESSOR) whose area holds the case’s village');
  if (c.assessorId === user.id) return c.id;
  await caseRepository.assignAssessor(w.tx, c.id, user.id);
  await caseRepository.appendHistory(w.tx, history(w, c, CaseAction.ASSIGN_ASSESSOR, { opinion: user.username }), undefined);
  w.detail({ step: c.stepPosition, assessor: user.username });
  return c.id;
}

/** An objection (异议) received during a public notice: back to the review step before it. */
export async function objectionWithin(w: Write, rawId: string, receivedOn: string, summary: string): Promise<number> {
  const locked = await lockCase(w, rawId, 'caseId');
  const { c, steps, today } = locked;
  const day = pastDay(receivedOn, 'receivedOn');
  const text = parseOpinion(summary, 'summary');
  if (text === null) throw new BadUserInputError('summary', 'say what the objection is');
  if (!locked.allowed.includes(CaseAction.OBJECTION)) {
    const step = currentStep(c, steps);
    if (step && step.kind !== StepKind.PUBLIC_NOTICE && stateOn(c, today) === CaseState.IN_REVIEW && locked.allowed.length > 0) {
      throw new ConflictError('the case is not at a public notice', 'caseId');
    }
    throw refusal(w.grant!.actor, locked, CaseAction.OBJECTION);
  }
  if (day < c.stepBegan!) throw new BadUserInputError('receivedOn', `must not be before the notice began on ${c.stepBegan}`);
  const back = stepBefore(steps, c.stepPosition!);
  const next = await enterStep(w.ctx, c.villageCode, steps, back.position, today, null, 'receivedOn');
  await caseRepository.move(w.tx, c.id, next);
  await caseRepository.appendHistory(w.tx, history(w, c, CaseAction.OBJECTION, { opinion: `${day}: ${text}` }), undefined);
  w.detail({ receivedOn: day, to: back.position });
  return c.id;
}

/** A returned case filed again with the material asked for: its village step begins anew today. */
export async function resubmitWithin(w: Write, rawId: string, materials: readonly MaterialInput[]): Promise<number> {
  const locked = await lockCase(w, rawId, 'caseId');
  const { c, steps, today } = locked;
  const received = parseMaterials(materials, 'materials');
  if (!locked.allowed.includes(CaseAction.RESUBMIT)) throw refusal(w.grant!.actor, locked, CaseAction.RESUBMIT);
  const next = await enterStep(w.ctx, c.villageCode, steps, 1, today, null, 'caseId');
  await caseRepository.move(w.tx, c.id, next);
  await caseRepository.insertMaterials(w.tx, c.id, received, w.grant!.actor.userId);
  await caseRepository.appendHistory(w.tx, history(w, c, CaseAction.RESUBMIT, {}), undefined);
  w.detail({ materials: received.length });
  return c.id;
}

/** Closes the person's open cases (in `w`'s transaction): they died or moved away. */
export async function closeOpenCases(w: Pick<Write, 'tx'>, personId: number, reason: string, actor: Actor | null): Promise<number[]> {
  const ids = await caseRepository.openOf(w.tx, personId);
  const today = todayInChina();
  for (const id of ids) {
    await caseRepository.move(w.tx, id, { ...decided(CaseState.CLOSED, today), closedReason: reason });
    await caseRepository.appendHistory(
      w.tx,
      { caseId: id, userId: actor?.userId ?? null, username: actor?.username ?? null, role: actor ? actingRole(actor, Capability.EDIT_PEOPLE) : null, stepPosition: null, action: CaseAction.CLOSE, opinion: null, reasons: reason, idempotencyKey: null },
      undefined,
    );
  }
  return ids;
}
