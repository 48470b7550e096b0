import type { EntityManager } from 'typeorm';
import { calendarAt } from '../calendar/calendar.cache';
import type { WorkingCalendar } from '../calendar/working-days';
import { BadUserInputError } from '../kernel/errors';
import type { Context } from '../kernel/context';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { StepKind, type Step } from '../procedures/procedure-kinds';
import { CaseState } from './case-kinds';
import type { CaseRow, CaseStepState } from './case.repository';
import { actingCodeOf, currentStep, type NoticeDays } from './case.rules';

/**
 * A case entering a step: its acting node (the village's ancestor at the step's level), the day it
 * begins, and its due date counted by the working-day calendar at the acting node. A step counted
 * within another (深圳's 公示 inside 初审's 10 days) is due no later than that step: the due date is
 * carried over from the step it is counted in when the case comes from there.
 */
export async function enterStep(
  ctx: Context,
  villageCode: string,
  steps: readonly Step[],
  position: number,
  began: string,
  from: Pick<CaseRow, 'stepPosition' | 'stepDue'> | null,
  field: string,
): Promise<CaseStepState> {
  const step = steps[position - 1];
  const actingCode = actingCodeOf(villageCode, step);
  const node = (await jurisdictionService.byCodesAnywhere(ctx, [actingCode])).get(actingCode)!;
  const calendar = await calendarAt(ctx.db, node.id, field);
  let due = step.deadlineWorkingDays === null ? null : calendar.addWorkingDays(began, step.deadlineWorkingDays);
  const previous = from?.stepPosition ? steps[from.stepPosition - 1] : null;
  const outer = step.countedWithin;
  const carries = outer !== null && previous !== null && (previous.position === outer || previous.countedWithin === outer);
  if (carries && from!.stepDue !== null && (due === null || from!.stepDue < due)) due = from!.stepDue;
  return {
    state: CaseState.IN_REVIEW,
    stepPosition: position,
    stepBegan: began,
    stepDue: due,
    actingNodeId: node.id,
    actingCode,
    stepCapability: step.capability,
  };
}

/**
 * The working days the case's public notice has run up to `today`, at its acting node, counted up to
 * its minimum (0 when the case is not at a notice). When its minimum would fall in a year the calendar
 * does not know, that year: the notice is then not known to have run, nothing is guessed, and the case
 * stays readable. A minimum reached within the known years has run, whatever year today is.
 */
export async function noticeWorkingDays(
  db: EntityManager,
  c: Pick<CaseRow, 'actingNodeId' | 'stepBegan' | 'stepPosition'>,
  steps: readonly Step[],
  today: string,
): Promise<NoticeDays> {
  if (currentStep(c, steps)?.kind !== StepKind.PUBLIC_NOTICE || c.actingNodeId === null || c.stepBegan === null || c.stepBegan > today) return 0;
  const calendar = await calendarAt(db, c.actingNodeId, 'step');
  return noticeDaysIn(calendar, c.stepBegan, today, currentStep(c, steps)!.minWorkingDays ?? 0);
}

/**
 * `noticeWorkingDays` for a notice posted on `posted` that runs at least `minimum` working days, by
 * `calendar`: counted up to the minimum, which is all the rules ask of it (so an old notice costs no
 * more than a new one).
 */
export function noticeDaysIn(calendar: WorkingCalendar, posted: string, today: string, minimum: number): NoticeDays {
  const reached = known(() => calendar.addWorkingDays(posted, minimum));
  if (reached !== null && reached <= today) return minimum;
  const counted = known(() => calendar.workingDaysBetween(posted, today));
  if (counted !== null) return counted;
  let year = Number(posted.slice(0, 4));
  while (calendar.knowsYear(year) && year <= Number(today.slice(0, 4))) year += 1;
  return { unknownYear: year };
}

// What the calendar counts, or null when counting walks into a year it does not know.
function known<T>(count: () => T): T | null {
  try {
    return count();
  } catch (error) {
    if (error instanceof BadUserInputError) return null;
    throw error;
  }
}
