import { MAX_SERIES_MONTHS } from '../graphql/limits';
import { isDay, monthEnd, nextMonthStart, pastDay, todayInChina } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';
import { parseText } from '../kernel/text';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import type { MetricReading } from './target-figures';
import { MetricKind, TARGET_METRICS, TargetComparator, TargetPhase, type TargetMetricDefinition } from './target-kinds';
import { expectedOn, headsUp, statusOn, type Ratio, type TargetRule } from './target-progress';
import { display, fromUnits, parseHigh, toUnits, unitsOf } from './target-units';
import type { PhaseSpanInput, TargetAllocationInput } from './target.inputs';
import type { NewTarget, PhaseSpan, TargetRow } from './target.repository';
import type { TargetProgress } from './target.types';

// What a target may be and how it is judged: the days it spans, its phases, how strict it is against
// what was allocated to its level, and its progress on a day.

const EARLIEST_DAY = '2000-01-01';
const LATEST_DAY = '2100-12-31';
export const UNIT = { required: false, max: 200 };

export const definitionOf = (row: Pick<TargetRow, 'metric'>) => TARGET_METRICS[row.metric];

/** A target's rule alone (a row is one too), for copies that change a part of it. */
export const ruleOf = (row: Pick<TargetRow, 'comparator' | 'threshold' | 'thresholdHigh' | 'baseline' | 'startsOn' | 'deadline'>): TargetRule => ({
  comparator: row.comparator,
  threshold: row.threshold,
  thresholdHigh: row.thresholdHigh,
  baseline: row.baseline,
  startsOn: row.startsOn,
  deadline: row.deadline,
});

type Bounds = Pick<TargetRow, 'comparator' | 'threshold' | 'thresholdHigh'>;

/** The values a target accepts, in units: [lowest, highest], null where open. */
function accepted(target: Bounds): [number | null, number | null] {
  switch (target.comparator) {
    case TargetComparator.AT_LEAST:
      return [target.threshold, null];
    case TargetComparator.AT_MOST:
      return [null, target.threshold];
    case TargetComparator.EQUAL:
      return [target.threshold, target.threshold];
    case TargetComparator.BETWEEN:
      return [target.threshold, target.thresholdHigh];
  }
}

const SIGNS: Record<TargetComparator, string> = {
  [TargetComparator.AT_LEAST]: '≥',
  [TargetComparator.AT_MOST]: '≤',
  [TargetComparator.EQUAL]: '=',
  [TargetComparator.BETWEEN]: 'between',
};

function describe(kind: MetricKind, target: Bounds & Pick<TargetRow, 'deadline'>): string {
  const unit = kind === MetricKind.RATE ? '%' : '';
  const high = target.comparator === TargetComparator.BETWEEN ? ` and ${fromUnits(kind, target.thresholdHigh!)}${unit}` : '';
  return `${SIGNS[target.comparator]} ${fromUnits(kind, target.threshold)}${unit}${high} by ${target.deadline}`;
}

/**
 * A level's own target on a metric it holds an allocation of must be at least as strict: every value
 * it accepts is one the allocation accepts, by the allocation's deadline or sooner. Refuses a looser one
 * naming the field that makes it so.
 */
export function checkStricter(own: NewTarget, given: readonly TargetRow[]): void {
  const kind = definitionOf(own).kind;
  const [low, high] = accepted(own);
  for (const allocation of given) {
    if (allocation.metric !== own.metric || allocation.facilityType !== own.facilityType) continue;
    const [floor, ceiling] = accepted(allocation);
    const why = `is looser than the target allocated to this jurisdiction, 「${allocation.title}」 (${describe(kind, allocation)})`;
    if ((floor !== null && low === null) || (ceiling !== null && high === null)) throw new BadUserInputError('input.comparator', why);
    if (floor !== null && low! < floor) throw new BadUserInputError('input.threshold', why);
    if (ceiling !== null && high! > ceiling) {
      throw new BadUserInputError(own.comparator === TargetComparator.BETWEEN ? 'input.thresholdHigh' : 'input.threshold', why);
    }
    if (own.deadline > allocation.deadline) throw new BadUserInputError('input.deadline', why);
  }
}

/** The day a progress figure describes: today (live), or a past day of a metric that keeps its history. */
export function dayFor(definition: TargetMetricDefinition, asOf: string | null | undefined, field = 'asOf'): string {
  const today = todayInChina();
  if (asOf === null || asOf === undefined) return today;
  const day = pastDay(asOf, field);
  if (day < today && !definition.history) {
    throw new BadUserInputError(field, `${definition.metric} is kept live only: the figures of past days are not stored`);
  }
  return day;
}

/** The day a default baseline is read on: the start day when it is past and the metric keeps history, today otherwise. */
export function baselineDay(definition: TargetMetricDefinition, startsOn: string): string {
  const today = todayInChina();
  return definition.history && startsOn < today ? startsOn : today;
}

export function checkDay(day: string, field: string): string {
  if (!isDay(day) || day < EARLIEST_DAY || day > LATEST_DAY) throw new BadUserInputError(field, `must be a day from ${EARLIEST_DAY} to ${LATEST_DAY}`);
  return day;
}

/** The phases of a target: each at most once, in plan order, within its span and not overlapping. */
export function parsePhases(phases: readonly PhaseSpanInput[], startsOn: string, deadline: string): PhaseSpan[] {
  const order = Object.values(TargetPhase);
  let previous: PhaseSpanInput | null = null;
  phases.forEach((span, i) => {
    const field = `input.phases[${i}]`;
    checkDay(span.startsOn, `${field}.startsOn`);
    checkDay(span.endsOn, `${field}.endsOn`);
    if (span.endsOn < span.startsOn) throw new BadUserInputError(`${field}.endsOn`, 'must not be before startsOn');
    if (span.startsOn < startsOn || span.endsOn > deadline) throw new BadUserInputError(field, `must lie within the target’s span (${startsOn} to ${deadline})`);
    if (previous) {
      if (order.indexOf(span.phase) <= order.indexOf(previous.phase)) throw new BadUserInputError(`${field}.phase`, `must come after ${previous.phase}, each phase once in plan order`);
      if (span.startsOn <= previous.endsOn) throw new BadUserInputError(`${field}.startsOn`, `must be after ${previous.phase} ends (${previous.endsOn})`);
    }
    previous = span;
  });
  return phases.map((span) => ({ phase: span.phase, startsOn: span.startsOn, endsOn: span.endsOn }));
}

/** Month-ends from the month of `from` to the month of `to` (the last point is `to` itself). */
export function monthEnds(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = monthEnd(from); ; day = monthEnd(nextMonthStart(day))) {
    days.push(day < to ? day : to);
    if (day >= to) break;
    if (days.length >= MAX_SERIES_MONTHS) throw new BadUserInputError('to', `a series spans at most ${MAX_SERIES_MONTHS} months`);
  }
  return days;
}

export interface Evaluation {
  progress: TargetProgress;
  /** The value in units (a ratio), for ranking. */
  value: Ratio | null;
  up: boolean;
}

/** A rule judged against a figure on a day. */
export function evaluate(definition: TargetMetricDefinition, rule: TargetRule, reading: MetricReading, day: string): Evaluation {
  const kind = definition.kind;
  const expected = expectedOn(rule, day);
  const up = headsUp(rule, reading.value);
  const value = reading.value === null ? null : display(kind, reading.value);
  const expectedValue = display(kind, expected);
  return {
    value: reading.value,
    up,
    progress: {
      asOf: day,
      observedAt: reading.observedAt,
      value,
      numerator: reading.numerator,
      denominator: reading.denominator,
      denominatorSource: reading.denominatorSource,
      expected: expectedValue,
      gap: value === null ? null : up ? value - expectedValue : expectedValue - value,
      status: statusOn(rule, reading.value, day, { expected, up }),
    },
  };
}

/**
 * The children a target is allocated to, by the codes given: each a child of the target's
 * jurisdiction, once; BAD_USER_INPUT naming the allocation otherwise.
 */
export function chosenChildren(allocations: readonly TargetAllocationInput[], children: readonly Jurisdiction[]): Jurisdiction[] {
  const byCode = new Map(children.map((child) => [child.code, child]));
  const seen = new Set<string>();
  return allocations.map((allocation, i) => {
    const field = `allocations[${i}]`;
    const child = byCode.get(allocation.jurisdictionCode.trim());
    if (!child) throw new BadUserInputError(`${field}.jurisdictionCode`, 'must be a child of the target’s jurisdiction');
    if (seen.has(child.code)) throw new BadUserInputError(`${field}.jurisdictionCode`, `${child.code} is allocated twice`);
    seen.add(child.code);
    return child;
  });
}

/**
 * The target allocated to one child: the parent's rule with the child's threshold (required for a
 * count or an amount, default the parent's for a rate) and baseline (default its figure `reading`).
 */
export function allocationOf(target: TargetRow, allocation: TargetAllocationInput, child: Jurisdiction, reading: MetricReading | undefined, field: string): NewTarget {
  const kind = definitionOf(target).kind;
  let threshold = target.threshold;
  if (allocation.threshold !== null && allocation.threshold !== undefined) threshold = toUnits(kind, allocation.threshold, `${field}.threshold`);
  else if (kind !== MetricKind.RATE) throw new BadUserInputError(`${field}.threshold`, 'is required: a count or amount target is split into parts');
  const thresholdHigh =
    target.comparator === TargetComparator.BETWEEN
      ? parseHigh(kind, target.comparator, threshold, allocation.thresholdHigh ?? fromUnits(kind, target.thresholdHigh!), `${field}.thresholdHigh`)
      : parseHigh(kind, target.comparator, threshold, allocation.thresholdHigh, `${field}.thresholdHigh`);
  const baseline = allocation.baseline === null || allocation.baseline === undefined ? unitsOf(reading!) : toUnits(kind, allocation.baseline, `${field}.baseline`);
  return {
    jurisdictionId: child.id,
    allocatedFrom: target.id,
    title: target.title,
    metric: target.metric,
    facilityType: target.facilityType,
    comparator: target.comparator,
    threshold,
    thresholdHigh,
    baseline,
    startsOn: target.startsOn,
    deadline: target.deadline,
    responsibleUnit: parseText(allocation.responsibleUnit, `${field}.responsibleUnit`, UNIT),
    phases: [],
  };
}

/** A count or an amount is split into parts that add up to the whole; a rate's allocations each hold their own threshold. */
export function checkAllocationSum(target: TargetRow, rows: readonly NewTarget[]): void {
  if (definitionOf(target).kind === MetricKind.RATE || rows.length === 0) return;
  const sum = rows.reduce((total, row) => total + row.threshold, 0);
  if (sum !== target.threshold) throw new BadUserInputError('allocations', `the allocations add up to ${sum}, not the target’s ${target.threshold}`);
}
