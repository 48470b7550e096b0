import { GraphQLScalarType, Kind } from 'graphql';
import { BadUserInputError } from './errors';
import { text } from './messages';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in a month of the Gregorian calendar (month 1–12). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whether `text` is a real calendar day written YYYY-MM-DD. */
export function isDay(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

// The days the API takes from a client: the database and the calendar code hold others (year 0, year
// 10000) differently or not at all, and no record of this product is dated outside them.
export const EARLIEST_DAY = '1900-01-01';
export const LATEST_DAY = '2999-12-31';

/** Whether `day` (YYYY-MM-DD) falls between EARLIEST_DAY and LATEST_DAY. */
export function dayInRange(day: string): boolean {
  return day >= EARLIEST_DAY && day <= LATEST_DAY;
}

function parseDay(value: unknown): string {
  if (typeof value !== 'string' || !isDay(value)) throw new TypeError('Date must be a calendar day written YYYY-MM-DD');
  return value;
}

/** A calendar day (YYYY-MM-DD) with no time zone: days in this product are days in China. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar day, YYYY-MM-DD (China Standard Time).',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : parseDay(value)),
  parseValue: parseDay,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('Date must be a string YYYY-MM-DD');
    return parseDay(ast.value);
  },
});

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** Today's date in China (UTC+8, no daylight saving). */
export function todayInChina(now: Date = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** A moment as a clock in China reads it, to the second: "2026-12-06 21:05:09". */
export function chinaTimeOf(moment: Date): string {
  return new Date(moment.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** SQL for the day in China that the timestamptz expression `timestamp` falls on, as `todayInChina` reads it. */
export function chinaDayOf(timestamp: string): string {
  return `((${timestamp} AT TIME ZONE 'UTC') + interval '8 hours')::date`;
}

/** The last day of the month of `day`. */
export function monthEnd(day: string): string {
  return `${day.slice(0, 8)}${daysInMonth(Number(day.slice(0, 4)), Number(day.slice(5, 7)))}`;
}

/** The first day of the month after the month of `day`. */
export function nextMonthStart(day: string): string {
  const [year, month] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
}

/** A day from the client that is a real day and not after today in China, or BAD_USER_INPUT naming `field`. */
export function pastDay(day: string, field: string): string {
  if (!isDay(day)) throw new BadUserInputError(field, text('DAY_FORMAT'));
  if (!dayInRange(day)) throw new BadUserInputError(field, text('DAY_RANGE', { earliest: EARLIEST_DAY, latest: LATEST_DAY }));
  const today = todayInChina();
  if (day > today) throw new BadUserInputError(field, text('NOT_AFTER_TODAY', { today }));
  return day;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function parseMonth(value: unknown): string {
  if (typeof value !== 'string' || !MONTH.test(value) || value < '1949-10') throw new TypeError('Month must be written YYYY-MM');
  return value;
}

/** A calendar month (YYYY-MM): what subsidies are paid and policies versioned by. */
export const MonthScalar = new GraphQLScalarType<string, string>({
  name: 'Month',
  description: 'A calendar month, YYYY-MM (China Standard Time).',
  serialize: parseMonth,
  parseValue: parseMonth,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('Month must be a string YYYY-MM');
    return parseMonth(ast.value);
  },
});

/** This month in China, YYYY-MM. */
export function thisMonthInChina(now: Date = new Date()): string {
  return todayInChina(now).slice(0, 7);
}

/** The month `count` months after `month` (negative: before). */
export function addMonths(month: string, count: number): string {
  const [year, m] = month.split('-').map(Number);
  return new Date(Date.UTC(year, m - 1 + count, 1)).toISOString().slice(0, 7);
}
