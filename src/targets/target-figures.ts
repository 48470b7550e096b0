import { BED_KEYS, facilityCountKey } from '../facilities/coverage-metrics';
import { coverageService } from '../coverage/coverage.service';
import { peopleCountsService } from '../coverage/people-counts.service';
import { populationService } from '../coverage/population.service';
import type { ShareDenominator } from '../coverage/population.types';
import { FacilityStatus, type FacilityType } from '../facilities/facility-kinds';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { entitlementRunService } from '../policies/entitlement-run.service';
import { registeredReader } from './metric-readers';
import { MetricKind, TargetMetric, type TargetMetricDefinition } from './target-kinds';
import { ratio, type Ratio } from './target-progress';

/** A rate's value is kept in hundredths of a percent; a count and an amount (fen) as they are. */
export const RATE_SCALE = 10_000;

/** A metric's figure of one node on one day. */
export interface MetricReading {
  /** In the metric's unit (hundredths of a percent for a rate); null when a rate has nothing to divide by. */
  value: Ratio | null;
  /** The parts of a rate (covered units of all units, dementia beds of all beds…); a count's count over 1. */
  numerator: number;
  denominator: number;
  /** For a share of the elderly, what `denominator` counts (the population of the year or the registry); null for the other metrics. */
  denominatorSource: ShareDenominator | null;
  /** The day the figure describes (today for a live one). */
  asOf: string;
  observedAt: Date;
}

const reading = (
  kind: MetricKind,
  numerator: number,
  denominator: number,
  asOf: string,
  observedAt: Date,
  denominatorSource: ShareDenominator | null = null,
): MetricReading => ({
  value: kind !== MetricKind.RATE ? ratio(numerator) : denominator > 0 ? ratio(BigInt(numerator) * BigInt(RATE_SCALE), denominator) : null,
  numerator,
  denominator,
  denominatorSource,
  asOf,
  observedAt,
});

/**
 * The metric's figure of each node at the end of `day` (today: live), from the stored roll-ups, in a
 * constant number of statements whatever the number of nodes. Callers check access, and that the
 * metric keeps a history when `day` is past.
 */
export async function readMetric(
  ctx: Context,
  definition: TargetMetricDefinition,
  facilityType: FacilityType | null,
  nodes: readonly Jurisdiction[],
  day: string,
  /** Where a flow's period starts (the target's start day). */
  from: string,
): Promise<MetricReading[]> {
  const { kind } = definition;
  if (definition.metric === TargetMetric.ENTITLEMENT_SPENDING) {
    const observedAt = new Date();
    const spent = day < from ? nodes.map(() => 0) : await entitlementRunService.spendingOf(ctx, nodes.map((node) => node.id), from.slice(0, 7), day.slice(0, 7));
    return nodes.map((_, i) => reading(kind, spent[i], 1, day, observedAt));
  }
  const registered = registeredReader(definition.metric);
  if (registered) {
    const observedAt = new Date();
    const parts = await registered(ctx, nodes, day);
    return parts.map(({ numerator, denominator }) => reading(kind, numerator, denominator, day, observedAt));
  }
  if (definition.coverage) {
    const figures = await coverageService.figuresOfNodes(ctx, nodes, definition.coverage, day);
    return figures.map((figure) => reading(kind, figure.numerator, figure.denominator, figure.asOf, figure.observedAt));
  }
  if (definition.metric === TargetMetric.SUBSIDY_RECIPIENT_SHARE) {
    const observedAt = new Date();
    const ids = nodes.map((node) => node.id);
    const [recipients, people] = await Promise.all([
      entitlementRunService.recipientsOf(ctx, ids, day.slice(0, 7)),
      peopleCountsService.totalsOf(ctx, ids, day),
    ]);
    // Of the elderly of the area: the population of the day's year when known, else the registry.
    const bases = await populationService.shareBases(ctx, ids, day, people);
    return nodes.map((_, i) => reading(kind, recipients[i], bases[i].denominator, day, observedAt, bases[i].source));
  }
  const stats = await coverageService.facilityFiguresOfNodes(ctx, nodes);
  const today = todayInChina();
  return stats.map(({ values, observedAt }) => {
    const get = (key: string) => values.get(key) ?? 0;
    switch (definition.metric) {
      case TargetMetric.OPERATING_FACILITIES:
        return reading(kind, get(facilityCountKey(facilityType!, FacilityStatus.OPERATING)), 1, today, observedAt);
      case TargetMetric.OPERATING_BEDS:
        return reading(kind, get(BED_KEYS.total), 1, today, observedAt);
      case TargetMetric.NURSING_BED_SHARE:
        return reading(kind, get(BED_KEYS.nursing), get(BED_KEYS.total), today, observedAt);
      case TargetMetric.DEMENTIA_BED_SHARE:
        return reading(kind, get(BED_KEYS.dementia), get(BED_KEYS.total), today, observedAt);
      default:
        throw new Error(`no reader for ${definition.metric}`);
    }
  });
}
