import { BadUserInputError } from '../kernel/errors';

/**
 * The pure core of the working-day calendar: no database. A year's arrangement lists its statutory
 * holidays (放假) and its make-up working days (调休上班); every other day is a working day from Monday
 * to Friday and a rest day on Saturday and Sunday. A day of a year no arrangement covers is refused,
 * never guessed.
 */

/** Where a year's arrangement comes from: the package's data, or an arrangement an administrator entered. */
export type ArrangementOrigin =
  | { kind: 'PACKAGE'; version: string }
  | { kind: 'ENTERED'; jurisdictionCode: string; revision: number; sourceTitle: string; sourceNumber: string; enteredBy: string | null; enteredAt: string };

export interface YearArrangement {
  readonly year: number;
  /** Day (YYYY-MM-DD) → the festival's name. */
  readonly holidays: ReadonlyMap<string, string>;
  /** Day (YYYY-MM-DD) → the festival the day is worked for. */
  readonly makeupDays: ReadonlyMap<string, string>;
  readonly origin: ArrangementOrigin;
}

const DAY_MS = 86_400_000;

/** The day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** Whether `day` is a Saturday or a Sunday. */
export function isWeekend(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The refusal of a day whose year no arrangement covers; `field` names the argument it came from. */
export function unknownYear(field: string, year: number): BadUserInputError {
  return new BadUserInputError(field, `no working-day calendar is known for ${year}: enter that year's official arrangement (setWorkingCalendarYear) first`);
}

export class WorkingCalendar {
  constructor(
    private readonly years: ReadonlyMap<number, YearArrangement>,
    /** The argument a refused day is named by. */
    private readonly field = 'date',
  ) {}

  /** The arrangement of `year`, or BAD_USER_INPUT naming the field. */
  arrangement(year: number): YearArrangement {
    const found = this.years.get(year);
    if (!found) throw unknownYear(this.field, year);
    return found;
  }

  /** Whether an arrangement covers `year`. */
  knowsYear(year: number): boolean {
    return this.years.has(year);
  }

  /** The same calendar, refusing unknown years under another field's name. */
  naming(field: string): WorkingCalendar {
    return new WorkingCalendar(this.years, field);
  }

  /** A make-up day is worked; a holiday is not (even on a weekend, where it changes nothing); else Monday to Friday. */
  isWorkingDay(day: string): boolean {
    const year = this.arrangement(Number(day.slice(0, 4)));
    if (year.makeupDays.has(day)) return true;
    if (year.holidays.has(day)) return false;
    return !isWeekend(day);
  }

  /** `day` when it is a working day, else the first working day after it: the day a receipt counts from. */
  firstWorkingDay(day: string): string {
    let current = day;
    while (!this.isWorkingDay(current)) current = nextDay(current);
    return current;
  }

  /**
   * The day `n` working days after `from`. Day 0 is `from` itself when it is a working day, else the
   * next working day (something received on a holiday counts as received on the next working day);
   * that day is not counted, so 1 is the working day after it.
   */
  addWorkingDays(from: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new BadUserInputError('days', 'must be a whole number of working days, 0 or more');
    let current = this.firstWorkingDay(from);
    for (let counted = 0; counted < n; ) {
      current = nextDay(current);
      if (this.isWorkingDay(current)) counted += 1;
    }
    return current;
  }

  /**
   * The working days after `from`'s day 0 (as `addWorkingDays` counts it) up to and including `to`:
   * `workingDaysBetween(from, addWorkingDays(from, n))` is `n`; 0 when `to` is not after day 0.
   */
  workingDaysBetween(from: string, to: string): number {
    let current = this.firstWorkingDay(from);
    let counted = 0;
    while (current < to) {
      current = nextDay(current);
      if (this.isWorkingDay(current)) counted += 1;
    }
    return counted;
  }

  /** The working days of the whole of `year`. */
  workingDaysIn(year: number): number {
    let counted = 0;
    for (let day = `${year}-01-01`; day.startsWith(`${year}-`); day = nextDay(day)) if (this.isWorkingDay(day)) counted += 1;
    return counted;
  }
}
