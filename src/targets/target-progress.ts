import { TargetComparator, TargetStatus } from './target-kinds';

// The rules of progress, in exact arithmetic: a value is a ratio of integers in the metric's unit
// (hundredths of a percent for a rate, units for a count), compared by cross-multiplication, so a
// boundary (10 % of 30 villages is 3) is met exactly and never missed by a rounding.

export interface Ratio {
  num: bigint;
  /** > 0 */
  den: bigint;
  /** num / den as a double when both parts are below 2^53, where it orders ratios as they are; else null. */
  quotient: number | null;
}

export interface TargetRule {
  comparator: TargetComparator;
  /** In the metric's unit (hundredths of a percent for a rate). */
  threshold: number;
  thresholdHigh: number | null;
  baseline: number;
  startsOn: string;
  deadline: string;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export const ratio = (num: number | bigint, den: number | bigint = 1n): Ratio => {
  const n = BigInt(num);
  const d = BigInt(den);
  return { num: n, den: d, quotient: n <= SAFE && -n <= SAFE && d <= SAFE ? Number(n) / Number(d) : null };
};

/**
 * Orders two ratios exactly. Two different quotients decide at once (exact parts and a correctly rounded
 * division keep the order: a < b can only round to a quotient at most b's); equal ones, or parts too
 * large for a double, are settled by cross-multiplication.
 */
export const compare = (a: Ratio, b: Ratio): number => {
  if (a.quotient !== null && b.quotient !== null && a.quotient !== b.quotient) return a.quotient < b.quotient ? -1 : 1;
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
};

// A board evaluates hundreds of rows on the same few days: each day is read once.
const dayNumbers = new Map<string, number>();
function dayNumber(day: string): number {
  let n = dayNumbers.get(day);
  if (n === undefined) {
    n = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000;
    if (dayNumbers.size > 10_000) dayNumbers.clear();
    dayNumbers.set(day, n);
  }
  return n;
}

/** The number the target heads for from its baseline: the threshold, or for BETWEEN the bound nearer the baseline. */
export function goalOf(rule: TargetRule): number {
  if (rule.comparator !== TargetComparator.BETWEEN) return rule.threshold;
  if (rule.baseline < rule.threshold) return rule.threshold;
  if (rule.baseline > rule.thresholdHigh!) return rule.thresholdHigh!;
  return rule.baseline;
}

/**
 * Whether more is better for the target: the goal lies above the baseline; for one already at its
 * baseline, AT_MOST heads down, EQUAL and BETWEEN towards the goal from the value's side, the rest up.
 */
export function headsUp(rule: TargetRule, value: Ratio | null): boolean {
  const goal = goalOf(rule);
  if (goal !== rule.baseline) return goal > rule.baseline;
  if (rule.comparator === TargetComparator.AT_MOST) return false;
  if (rule.comparator === TargetComparator.AT_LEAST || value === null) return true;
  return compare(value, ratio(goal)) < 0;
}

/** The value expected at the end of `day`: the baseline until the start, then linear to the goal at the deadline, then the goal. */
export function expectedOn(rule: TargetRule, day: string): Ratio {
  const goal = goalOf(rule);
  const start = dayNumber(rule.startsOn);
  const span = dayNumber(rule.deadline) - start;
  const elapsed = Math.min(Math.max(dayNumber(day) - start, 0), span);
  return ratio(BigInt(rule.baseline) * BigInt(span) + BigInt(goal - rule.baseline) * BigInt(elapsed), span);
}

/** Whether `value` meets the target. */
export function meets(rule: TargetRule, value: Ratio): boolean {
  const threshold = ratio(rule.threshold);
  switch (rule.comparator) {
    case TargetComparator.AT_LEAST:
      return compare(value, threshold) >= 0;
    case TargetComparator.AT_MOST:
      return compare(value, threshold) <= 0;
    case TargetComparator.EQUAL:
      return compare(value, threshold) === 0;
    case TargetComparator.BETWEEN:
      return compare(value, threshold) >= 0 && compare(value, ratio(rule.thresholdHigh!)) <= 0;
  }
}

/**
 * Where the target stands at the end of `day` with `value` (null: no figure, e.g. a share of no beds):
 * ACHIEVED when the value meets it; else OVERDUE after the deadline; else ON_TRACK when the value is at
 * or beyond the expected value in the direction of the goal; AT_RISK when it falls short of it by at
 * most a tenth of the way from baseline to goal; BEHIND otherwise.
 */
export function statusOn(
  rule: TargetRule,
  value: Ratio | null,
  day: string,
  /** The expected value on `day` and the direction, when the caller has them already. */
  known?: { expected: Ratio; up: boolean },
): TargetStatus | null {
  if (value === null) return null;
  if (meets(rule, value)) return TargetStatus.ACHIEVED;
  if (day > rule.deadline) return TargetStatus.OVERDUE;
  const goal = goalOf(rule);
  const up = known?.up ?? headsUp(rule, value);
  const expected = known?.expected ?? expectedOn(rule, day);
  const ahead = up ? compare(value, expected) >= 0 : compare(value, expected) <= 0;
  if (ahead) return TargetStatus.ON_TRACK;
  // shortfall = |expected − value| ≤ |goal − baseline| / 10, cross-multiplied.
  const shortfall = expected.num * value.den - value.num * expected.den;
  const abs = (n: bigint) => (n < 0n ? -n : n);
  const way = abs(BigInt(goal - rule.baseline));
  return abs(shortfall) * 10n <= way * expected.den * value.den ? TargetStatus.AT_RISK : TargetStatus.BEHIND;
}

/** A ratio as a JavaScript number (for display; decisions use the ratio). */
export const toNumber = (value: Ratio): number => Number(value.num) / Number(value.den);
