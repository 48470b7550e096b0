import { mutation } from '../audit/mutation';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { BadUserInputError } from '../kernel/errors';
import { arrangementOf, calendarAt, forgetInTransaction } from './calendar.cache';
import type { SetWorkingCalendarYearInput } from './calendar.inputs';
import { calendarRepository } from './calendar.repository';
import { checkArrangement, checkYear } from './calendar.rules';
import { CalendarOrigin, type WorkingCalendarYear, type WorkingDeadline } from './calendar.types';
import { WorkingCalendar } from './working-days';

// A deadline further than this is no procedure's: refused rather than walked day by day.
const MAX_DEADLINE_DAYS = 1000;

function yearView(calendar: WorkingCalendar, year: number): WorkingCalendarYear {
  const arrangement = calendar.arrangement(year);
  const origin = arrangement.origin;
  const days = (map: ReadonlyMap<string, string>) => [...map].sort(([a], [b]) => a.localeCompare(b)).map(([date, name]) => ({ date, name }));
  const entered = origin.kind === 'ENTERED' ? origin : null;
  return {
    year,
    holidays: days(arrangement.holidays),
    makeupDays: days(arrangement.makeupDays),
    workingDays: calendar.workingDaysIn(year),
    origin: entered ? CalendarOrigin.ENTERED : CalendarOrigin.PACKAGE,
    packageVersion: origin.kind === 'PACKAGE' ? origin.version : null,
    enteredAtCode: entered?.jurisdictionCode ?? null,
    revision: entered?.revision ?? null,
    sourceTitle: entered?.sourceTitle ?? null,
    sourceNumber: entered?.sourceNumber ?? null,
    enteredBy: entered?.enteredBy ?? null,
    enteredAt: entered?.enteredAt ?? null,
  };
}

export const calendarService = {
  /** The year's arrangement at a jurisdiction of the caller's subtree, with where it comes from; a year nobody knows is refused. */
  async year(ctx: Context, code: string, year: number): Promise<WorkingCalendarYear> {
    checkYear(year, 'year');
    const node = await jurisdictionService.get(ctx, code, 'code');
    return yearView(await calendarAt(ctx.db, node.id, 'year'), year);
  },

  /** The due date `days` working days after `from` at a jurisdiction of the caller's subtree. */
  async deadline(ctx: Context, code: string, from: string, days: number): Promise<WorkingDeadline> {
    if (!Number.isInteger(days) || days < 0 || days > MAX_DEADLINE_DAYS) throw new BadUserInputError('days', `must be a whole number from 0 to ${MAX_DEADLINE_DAYS}`);
    const node = await jurisdictionService.get(ctx, code, 'code');
    const calendar = await calendarAt(ctx.db, node.id, 'from');
    return { countedFrom: calendar.firstWorkingDay(from), workingDays: days, dueDate: calendar.addWorkingDays(from, days) };
  },

  /**
   * Enters a year's official arrangement at a jurisdiction of the caller's subtree, as a new revision
   * that supersedes the last (nothing is overwritten); it applies there and below, before the package.
   */
  async setYear(ctx: Context, input: SetWorkingCalendarYearInput): Promise<WorkingCalendarYear> {
    return mutation(ctx, { action: 'workingCalendar.set', capability: Capability.MANAGE_CALENDAR }, async (w) => {
      w.target('Jurisdiction', [input.jurisdictionCode]);
      const checked = checkArrangement(input);
      const node = await jurisdictionService.get(w.ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      w.at(node.id);
      const actor = w.grant!.actor;
      const { revision, enteredAt } = await calendarRepository.insertRevision(w.tx, { ...checked, jurisdictionId: node.id, enteredById: actor.userId, enteredBy: actor.username });
      forgetInTransaction(w.tx);
      w.detail({ year: checked.year, revision, sourceNumber: checked.sourceNumber, holidays: checked.holidays.length, makeupDays: checked.makeupDays });
      // The revision this call entered, even when another has superseded it by the time it answers.
      const entered = arrangementOf({ ...checked, jurisdictionCode: node.code, revision, enteredBy: actor.username, enteredAt });
      return yearView(new WorkingCalendar(new Map([[checked.year, entered]])), checked.year);
    });
  },
};
