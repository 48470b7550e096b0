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
 * The working days the case's public notice has run up to `today`, at its acting node (0 when the case
 * is not at a notice). When the calendar does not know a year of that span, the days counted up to the
 * end of the last year it knows, if they reach the notice's minimum (it has run at least that long);
 * else the year it does not know: the notice is then not known to have run, nothing is guessed, and the
 * case stays readable.
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

/** `noticeWorkingDays` for a notice posted on `posted` that runs at least `minimum` working days, by `calendar`. */
export function noticeDaysIn(calendar: WorkingCalendar, posted: string, today: string, minimum: number): NoticeDays {
  let unknown: number | null = null;
  for (let year = Number(posted.slice(0, 4)); unknown === null && year <= Number(today.slice(0, 4)); year += 1) if (!calendar.knowsYear(year)) unknown = year;
  if (unknown === null) return calendar.workingDaysBetween(posted, today);
  const lastKnown = `${unknown - 1}-12-31`;
  const counted = lastKnown < posted ? 0 : countedUpTo(calendar, posted, lastKnown);
  return counted !== null && counted >= minimum ? counted : { unknownYear: unknown };
}

// The working days from `from` to `to` in years the calendar knows; null when counting walks into one it does not.
function countedUpTo(calendar: WorkingCalendar, from: string, to: string): number | null {
  try {
    return calendar.workingDaysBetween(from, to);
  } catch (error) {
    if (error instanceof BadUserInputError) return null;
    throw error;
  }
}
