import { BadUserInputError } from '../kernel/errors';
import type { MetricReading } from './target-figures';
import { MetricKind, TargetComparator } from './target-kinds';
import { toNumber, type Ratio } from './target-progress';

// Units: a rate is stored in hundredths of a percent and shown in percent; a count and an amount (fen) as they are.

// A count target's threshold fits a GraphQL Int.
const MAX_COUNT = 2_147_483_647;

/** A value the client gave, in the metric's unit as stored; BAD_USER_INPUT naming `field` for one the metric cannot hold. */
export function toUnits(kind: MetricKind, value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0) throw new BadUserInputError(field, 'must be a number of at least 0');
  if (kind === MetricKind.COUNT) {
    if (!Number.isInteger(value) || value > MAX_COUNT) throw new BadUserInputError(field, 'must be a whole number for a count');
    return value;
  }
  if (kind === MetricKind.AMOUNT) {
    if (!Number.isSafeInteger(value)) throw new BadUserInputError(field, 'must be a whole number of fen');
    return value;
  }
  if (value > 100) throw new BadUserInputError(field, 'is a percentage: at most 100');
  const units = Math.round(value * 100);
  if (Math.abs(units - value * 100) > 1e-6) throw new BadUserInputError(field, 'is a percentage with at most two decimals');
  return units;
}

/** A stored value as the client sees it. */
export const fromUnits = (kind: MetricKind, units: number) => (kind === MetricKind.RATE ? units / 100 : units);

/** A figure (a ratio in units) as the client sees it. */
export const display = (kind: MetricKind, value: Ratio) => (kind === MetricKind.RATE ? toNumber(value) / 100 : toNumber(value));

/** A figure as a baseline in units: a rate to the nearest hundredth of a percent, nothing to divide by as 0. */
export function unitsOf(reading: MetricReading): number {
  if (reading.value === null) return 0;
  const { num, den } = reading.value;
  return Number((2n * num + den) / (2n * den));
}

/** The upper bound of a BETWEEN target in units: required for BETWEEN, refused otherwise, not below `threshold`. */
export function parseHigh(kind: MetricKind, comparator: TargetComparator, threshold: number, high: number | null | undefined, field: string): number | null {
  if (comparator !== TargetComparator.BETWEEN) {
    if (high !== null && high !== undefined) throw new BadUserInputError(field, 'applies to BETWEEN only');
    return null;
  }
  if (high === null || high === undefined) throw new BadUserInputError(field, 'is required for BETWEEN');
  const units = toUnits(kind, high, field);
  if (units < threshold) throw new BadUserInputError(field, 'must not be below threshold');
  return units;
}
