import { BadUserInputError } from '../kernel/errors';
import { parseText } from '../kernel/text';
import type { SetWorkingCalendarYearInput } from './calendar.inputs';
import { isWeekend } from './working-days';

/** An arrangement as checked, ready to store. */
export interface CheckedArrangement {
  year: number;
  holidays: { date: string; name: string }[];
  makeupDays: string[];
  sourceTitle: string;
  sourceNumber: string;
}

export const EARLIEST_CALENDAR_YEAR = 1900;
export const LATEST_CALENDAR_YEAR = 2999;
const MAX_HOLIDAYS = 60;
const MAX_MAKEUP_DAYS = 20;

/** `year` when it is a year the calendar may hold, else BAD_USER_INPUT naming `field`. */
export function checkYear(year: number, field: string): number {
  if (!Number.isInteger(year) || year < EARLIEST_CALENDAR_YEAR || year > LATEST_CALENDAR_YEAR) {
    throw new BadUserInputError(field, `must be a year from ${EARLIEST_CALENDAR_YEAR} to ${LATEST_CALENDAR_YEAR}`);
  }
  return year;
}

function checkDay(day: string, year: number, seen: Set<string>, field: string): string {
  if (!day.startsWith(`${year}-`)) throw new BadUserInputError(field, `must be a day of ${year}`);
  if (seen.has(day)) throw new BadUserInputError(field, `${day} is listed twice`);
  seen.add(day);
  return day;
}

/**
 * The sanity checks of an entered arrangement, each refusing with the field: every day inside the year
 * and listed once; a make-up working day is a Saturday or Sunday and not also a holiday. A holiday on a
 * weekend is allowed (it is off either way).
 */
export function checkArrangement(input: SetWorkingCalendarYearInput): CheckedArrangement {
  const year = checkYear(input.year, 'input.year');
  if (input.holidays.length > MAX_HOLIDAYS) throw new BadUserInputError('input.holidays', `at most ${MAX_HOLIDAYS} days`);
  if (input.makeupDays.length > MAX_MAKEUP_DAYS) throw new BadUserInputError('input.makeupDays', `at most ${MAX_MAKEUP_DAYS} days`);
  const seen = new Set<string>();
  const holidays = input.holidays.map((holiday, i) => ({
    date: checkDay(holiday.date, year, seen, `input.holidays[${i}].date`),
    name: parseText(holiday.name, `input.holidays[${i}].name`, { required: true, max: 50 })!,
  }));
  const makeupDays = input.makeupDays.map((day, i) => {
    const field = `input.makeupDays[${i}]`;
    if (seen.has(day) && holidays.some((holiday) => holiday.date === day)) throw new BadUserInputError(field, `${day} is also listed as a holiday`);
    checkDay(day, year, seen, field);
    if (!isWeekend(day)) throw new BadUserInputError(field, `${day} is not a Saturday or Sunday: a make-up working day (调休上班) is a weekend day worked`);
    return day;
  });
  return {
    year,
    holidays: holidays.sort((a, b) => a.date.localeCompare(b.date)),
    makeupDays: makeupDays.sort(),
    sourceTitle: parseText(input.sourceTitle, 'input.sourceTitle', { required: true, max: 200 })!,
    sourceNumber: parseText(input.sourceNumber, 'input.sourceNumber', { required: true, max: 100 })!,
  };
}
