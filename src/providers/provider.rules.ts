import { EARLIEST_DAY, todayInChina } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';
import { parseText } from '../kernel/text';
import { parseDayField } from '../procedures/procedure.rules';

// Limits of what a client sends: not rules of the documents, bounds of a sane request (docs/providers.md).
export const MAX_QUALIFICATIONS = 20;
export const MAX_AREA_CODES = 500;
/** The dearest visit a catalogue may price: 10,000 元 (1,000,000 fen). */
export const MAX_UNIT_PRICE_FEN = 1_000_000;
/** The longest visit a catalogue may ask for: a day. */
export const MAX_MINUTES = 1440;

/** The day before the `years`-th anniversary of `day`: the last day of a span of whole years from it (29 February counts to 28 February). */
export function lastDayOfYears(day: string, years: number): string {
  const [year, month, date] = day.split('-').map(Number);
  const anniversary = new Date(Date.UTC(year + years, month - 1, date));
  // 29 February + n years falls on 1 March when that year has none: the span ends on 28 February.
  if (anniversary.getUTCMonth() !== month - 1) anniversary.setUTCDate(0);
  else anniversary.setUTCDate(anniversary.getUTCDate() - 1);
  return anniversary.toISOString().slice(0, 10);
}

/** The day after `day`. */
export function dayAfter(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}

/** A day from the client (default `fallback`), not before `notBefore`. */
export function parseDayOr(day: string | null | undefined, field: string, fallback: string, notBefore = EARLIEST_DAY): string {
  return day == null ? fallback : parseDayField(day, field, notBefore);
}

/** A day from the client that must not be before today in China (a change takes effect from today on). */
export function parseFromToday(day: string, field: string): string {
  return parseDayField(day, field, todayInChina());
}

/** A reason or detail: 1 to 2,000 characters. */
export function parseReason(value: string, field: string): string {
  return parseText(value, field, { required: true, max: 2000 })!;
}

/** Returns when `last` is not before `first`, else BAD_USER_INPUT naming `field`. */
export function checkSpan(first: string, last: string, field: string, firstName: string): void {
  if (last < first) throw new BadUserInputError(field, `must not be before ${firstName} (${first})`);
}
