import { registerEnumType } from 'type-graphql';
import { COVERAGE_DEFINITIONS, CoverageMetric, named } from '../facilities/coverage-metrics';

/** What a target measures: one fixed definition each, read from the live roll-ups (never a copy). */
export enum TargetMetric {
  VILLAGE_SERVICE = 'VILLAGE_SERVICE',
  MEAL_SERVICE = 'MEAL_SERVICE',
  COMMUNITY_STATION = 'COMMUNITY_STATION',
  TOWN_CENTER = 'TOWN_CENTER',
  COUNTY_GUIDANCE_CENTER = 'COUNTY_GUIDANCE_CENTER',
  OPERATING_FACILITIES = 'OPERATING_FACILITIES',
  OPERATING_BEDS = 'OPERATING_BEDS',
  NURSING_BED_SHARE = 'NURSING_BED_SHARE',
  DEMENTIA_BED_SHARE = 'DEMENTIA_BED_SHARE',
  SUBSIDY_RECIPIENT_SHARE = 'SUBSIDY_RECIPIENT_SHARE',
  ENTITLEMENT_SPENDING = 'ENTITLEMENT_SPENDING',
  VISIT_COMPLIANCE_SHARE = 'VISIT_COMPLIANCE_SHARE',
}

/** How a metric's figure is written: a share (in percent), a count, an amount of money (in fen). */
export enum MetricKind {
  RATE = 'RATE',
  COUNT = 'COUNT',
  AMOUNT = 'AMOUNT',
}

/** A stock is read as of a day; a flow is summed over a period (from the target's start). */
export enum MetricNature {
  STOCK = 'STOCK',
  FLOW = 'FLOW',
}

export enum TargetComparator {
  AT_LEAST = 'AT_LEAST',
  AT_MOST = 'AT_MOST',
  EQUAL = 'EQUAL',
  BETWEEN = 'BETWEEN',
}

export enum TargetStatus {
  ACHIEVED = 'ACHIEVED',
  ON_TRACK = 'ON_TRACK',
  AT_RISK = 'AT_RISK',
  BEHIND = 'BEHIND',
  OVERDUE = 'OVERDUE',
}

/** The phases of a plan (seed 002). */
export enum TargetPhase {
  MOBILISATION = 'MOBILISATION',
  IMPLEMENTATION = 'IMPLEMENTATION',
  EVALUATION = 'EVALUATION',
  CONSOLIDATION = 'CONSOLIDATION',
}

export interface TargetMetricDefinition {
  metric: TargetMetric;
  kind: MetricKind;
  nature: MetricNature;
  /** Whether the figure of a past day is kept (progress as of a date, monthly series). */
  history: boolean;
  /** The coverage metric it reads, for coverage targets. */
  coverage: CoverageMetric | null;
  /** Whether a target names a facility type (the count of operating facilities of that type). */
  needsFacilityType: boolean;
  /** What people call it (the Chinese name used in reports and exports). */
  name: string;
  description: string;
}

const coverageDefinition = (metric: CoverageMetric): TargetMetricDefinition => ({
  metric: metric as unknown as TargetMetric,
  kind: MetricKind.RATE,
  nature: MetricNature.STOCK,
  history: true,
  coverage: metric,
  needsFacilityType: false,
  name: COVERAGE_DEFINITIONS[metric].name,
  description: `Coverage: ${COVERAGE_DEFINITIONS[metric].description}`,
});

export const TARGET_METRICS: Record<TargetMetric, TargetMetricDefinition> = {
  VILLAGE_SERVICE: coverageDefinition(CoverageMetric.VILLAGE_SERVICE),
  MEAL_SERVICE: coverageDefinition(CoverageMetric.MEAL_SERVICE),
  COMMUNITY_STATION: coverageDefinition(CoverageMetric.COMMUNITY_STATION),
  TOWN_CENTER: coverageDefinition(CoverageMetric.TOWN_CENTER),
  COUNTY_GUIDANCE_CENTER: coverageDefinition(CoverageMetric.COUNTY_GUIDANCE_CENTER),
  OPERATING_FACILITIES: {
    metric: TargetMetric.OPERATING_FACILITIES,
    kind: MetricKind.COUNT,
    nature: MetricNature.STOCK,
    history: false,
    coverage: null,
    needsFacilityType: true,
    ...named('运营设施数', 'operating facilities of the target’s facility type in the subtree'),
  },
  OPERATING_BEDS: {
    metric: TargetMetric.OPERATING_BEDS,
    kind: MetricKind.COUNT,
    nature: MetricNature.STOCK,
    history: false,
    coverage: null,
    needsFacilityType: false,
    ...named('床位数', 'beds in operating facilities of the subtree'),
  },
  NURSING_BED_SHARE: {
    metric: TargetMetric.NURSING_BED_SHARE,
    kind: MetricKind.RATE,
    nature: MetricNature.STOCK,
    history: false,
    coverage: null,
    needsFacilityType: false,
    ...named('护理型床位占比', 'nursing-type beds of all beds in operating facilities'),
  },
  DEMENTIA_BED_SHARE: {
    metric: TargetMetric.DEMENTIA_BED_SHARE,
    kind: MetricKind.RATE,
    nature: MetricNature.STOCK,
    history: false,
    coverage: null,
    needsFacilityType: false,
    ...named('认知障碍照护床位占比', 'dementia beds of all beds in operating facilities'),
  },
  SUBSIDY_RECIPIENT_SHARE: {
    metric: TargetMetric.SUBSIDY_RECIPIENT_SHARE,
    kind: MetricKind.RATE,
    nature: MetricNature.STOCK,
    history: true,
    coverage: null,
    needsFacilityType: false,
    ...named(
      '享受补贴老人占比',
      'people paid a subsidy in the month’s entitlement run, of the elderly (60+) population of the node for the day’s year (recorded, or summed from children that all have one); without one, of the people of the registry counted at the day',
    ),
  },
  ENTITLEMENT_SPENDING: {
    metric: TargetMetric.ENTITLEMENT_SPENDING,
    kind: MetricKind.AMOUNT,
    nature: MetricNature.FLOW,
    history: true,
    coverage: null,
    needsFacilityType: false,
    ...named('补贴支出', 'fen paid by the stored monthly entitlement runs, summed from the target’s start month through the month of the day'),
  },
  VISIT_COMPLIANCE_SHARE: {
    metric: TargetMetric.VISIT_COMPLIANCE_SHARE,
    kind: MetricKind.RATE,
    nature: MetricNature.STOCK,
    history: true,
    coverage: null,
    needsFacilityType: false,
    ...named(
      '按频次服务达标老人占比',
      'recipients whose month’s verified visits cover its requirement and the make-up owed, of the recipients with visits due, in the month of the day (as closed once the month is closed; docs/compliance.md)',
    ),
  },
};

/** The shares of the elderly of an area: divided by its population when one is known (docs/population.md). */
export const ELDERLY_SHARES: ReadonlySet<TargetMetric> = new Set([TargetMetric.SUBSIDY_RECIPIENT_SHARE]);

export const COMPARATOR_SYMBOLS: Record<TargetComparator, string> = { AT_LEAST: '≥', AT_MOST: '≤', EQUAL: '=', BETWEEN: 'between' };
export const TARGET_COMPARATOR_NAMES: Record<TargetComparator, string> = { AT_LEAST: '不低于', AT_MOST: '不高于', EQUAL: '等于', BETWEEN: '介于' };

export const TARGET_STATUS_NAMES: Record<TargetStatus, string> = {
  ACHIEVED: '已达标',
  ON_TRACK: '进度正常',
  AT_RISK: '有滞后风险',
  BEHIND: '滞后',
  OVERDUE: '逾期未达标',
};

registerEnumType(TargetMetric, {
  name: 'TargetMetric',
  description: 'What a target measures; every level’s figure means the same thing.',
  valuesConfig: Object.fromEntries(Object.values(TargetMetric).map((metric) => [metric, { description: TARGET_METRICS[metric].description }])),
});
registerEnumType(MetricKind, {
  name: 'MetricKind',
  valuesConfig: {
    RATE: { description: 'A share, written in percent (0–100, two decimals).' },
    COUNT: { description: 'A whole number.' },
    AMOUNT: { description: 'Money in fen (a whole number).' },
  },
});
registerEnumType(MetricNature, {
  name: 'MetricNature',
  valuesConfig: { STOCK: { description: 'Read as of a day.' }, FLOW: { description: 'Summed over a period from the target’s start.' } },
});
registerEnumType(TargetComparator, {
  name: 'TargetComparator',
  valuesConfig: {
    AT_LEAST: { description: `${TARGET_COMPARATOR_NAMES.AT_LEAST} — ≥ threshold` },
    AT_MOST: { description: `${TARGET_COMPARATOR_NAMES.AT_MOST} — ≤ threshold` },
    EQUAL: { description: `${TARGET_COMPARATOR_NAMES.EQUAL} — = threshold` },
    BETWEEN: { description: `${TARGET_COMPARATOR_NAMES.BETWEEN} — threshold ≤ value ≤ thresholdHigh` },
  },
});
registerEnumType(TargetStatus, {
  name: 'TargetStatus',
  description: 'Where a target stands on a day (rules in the README).',
  valuesConfig: {
    ACHIEVED: { description: `${TARGET_STATUS_NAMES.ACHIEVED} — the value meets the target.` },
    ON_TRACK: { description: `${TARGET_STATUS_NAMES.ON_TRACK} — not met yet, at or ahead of the expected value.` },
    AT_RISK: { description: `${TARGET_STATUS_NAMES.AT_RISK} — behind the expected value by at most a tenth of the way from baseline to goal.` },
    BEHIND: { description: `${TARGET_STATUS_NAMES.BEHIND} — behind the expected value by more than that.` },
    OVERDUE: { description: `${TARGET_STATUS_NAMES.OVERDUE} — the deadline has passed and the value does not meet the target.` },
  },
});
registerEnumType(TargetPhase, {
  name: 'TargetPhase',
  valuesConfig: {
    MOBILISATION: { description: '动员部署' },
    IMPLEMENTATION: { description: '推进实施' },
    EVALUATION: { description: '评估验收' },
    CONSOLIDATION: { description: '总结推广' },
  },
});
