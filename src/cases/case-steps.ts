import type { EntityManager } from 'typeorm';
import { calendarAt } from '../calendar/calendar.cache';
import type { Context } from '../kernel/context';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { Step } from '../procedures/procedure-kinds';
import { CaseState } from './case-kinds';
import type { CaseRow, CaseStepState } from './case.repository';
import { actingCodeOf } from './case.rules';

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
  // A year the calendar does not know is refused even for a step without a deadline.
  if (due === null) calendar.isWorkingDay(began);
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

/** The working days the case's current step has run up to `today`, at its acting node. */
export async function stepWorkingDays(db: EntityManager, c: Pick<CaseRow, 'actingNodeId' | 'stepBegan'>, today: string): Promise<number> {
  if (c.actingNodeId === null || c.stepBegan === null || c.stepBegan > today) return 0;
  return (await calendarAt(db, c.actingNodeId, 'step')).workingDaysBetween(c.stepBegan, today);
}
