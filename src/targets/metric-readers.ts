import type { Context } from '../kernel/context';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import type { TargetMetric } from './target-kinds';

/** A metric's parts for each node on a day (a rate's numerator and denominator; a count over 1). */
export type MetricReader = (ctx: Context, nodes: readonly Jurisdiction[], day: string) => Promise<{ numerator: number; denominator: number }[]>;

// Metrics whose figures a later feature keeps (visit compliance): it registers its reader at start-up,
// as features register their hooks, so that targets need not import it (docs/architecture.md).
const readers = new Map<TargetMetric, MetricReader>();

/** Registers (or replaces) the reader of `metric`. */
export function registerMetricReader(metric: TargetMetric, reader: MetricReader): void {
  readers.set(metric, reader);
}

/** The reader registered for `metric`, if any. */
export function registeredReader(metric: TargetMetric): MetricReader | undefined {
  return readers.get(metric);
}
