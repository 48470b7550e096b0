import { registerEnumType } from 'type-graphql';
import { JurisdictionLevel } from '../kernel/division-codes';
import { FacilityService, FacilityStatus, FacilityType } from './facility-kinds';

export enum CoverageMetric {
  VILLAGE_SERVICE = 'VILLAGE_SERVICE',
  MEAL_SERVICE = 'MEAL_SERVICE',
  COMMUNITY_STATION = 'COMMUNITY_STATION',
  TOWN_CENTER = 'TOWN_CENTER',
  COUNTY_GUIDANCE_CENTER = 'COUNTY_GUIDANCE_CENTER',
}

/** One fixed definition per metric, so that every level's figure means the same thing when summed. */
export interface CoverageDefinition {
  metric: CoverageMetric;
  /** The units counted: a unit is covered or not, and a node's denominator is its units. */
  unit: JurisdictionLevel;
  /** A unit is covered on a day when ≥ 1 facility located in it is OPERATING that day, of one of these types… */
  types: readonly FacilityType[];
  /** …and offering this service, when one is named. */
  service: FacilityService | null;
  /** What people call it (the Chinese name used in reports and exports). */
  name: string;
  description: string;
}

/** A Chinese name, and a description that starts with it. */
export const named = (name: string, meaning: string) => ({ name, description: `${name} — ${meaning}` });

const VILLAGE_SERVICE_TYPES = [
  FacilityType.COMMUNITY_STATION,
  FacilityType.MUTUAL_AID_CENTER,
  FacilityType.HAPPINESS_HOME,
  FacilityType.DAY_CARE_CENTER,
  FacilityType.MEAL_TABLE,
];

export const COVERAGE_DEFINITIONS: Record<CoverageMetric, CoverageDefinition> = {
  VILLAGE_SERVICE: {
    metric: CoverageMetric.VILLAGE_SERVICE,
    unit: JurisdictionLevel.VILLAGE,
    types: VILLAGE_SERVICE_TYPES,
    service: null,
    ...named('村级养老服务设施覆盖', 'village-level units (村委会 and 社区居委会 alike) with ≥ 1 operating station, mutual-aid center, happiness home, day-care center or meal table'),
  },
  MEAL_SERVICE: {
    metric: CoverageMetric.MEAL_SERVICE,
    unit: JurisdictionLevel.VILLAGE,
    types: Object.values(FacilityType).filter((type) => type !== FacilityType.COUNTY_GUIDANCE_CENTER),
    service: FacilityService.MEALS,
    ...named('助餐服务覆盖', 'village-level units with ≥ 1 operating facility in the village offering 助餐'),
  },
  COMMUNITY_STATION: {
    metric: CoverageMetric.COMMUNITY_STATION,
    unit: JurisdictionLevel.VILLAGE,
    types: [FacilityType.COMMUNITY_STATION],
    service: null,
    ...named('三级网络·站', 'village-level units with an operating community or village station'),
  },
  TOWN_CENTER: {
    metric: CoverageMetric.TOWN_CENTER,
    unit: JurisdictionLevel.TOWN,
    types: [FacilityType.TOWN_CENTER],
    service: null,
    ...named('三级网络·中心', 'towns (乡镇/街道) with an operating town center'),
  },
  COUNTY_GUIDANCE_CENTER: {
    metric: CoverageMetric.COUNTY_GUIDANCE_CENTER,
    unit: JurisdictionLevel.COUNTY,
    types: [FacilityType.COUNTY_GUIDANCE_CENTER],
    service: null,
    ...named('三级网络·指导中心', 'counties with an operating county guidance center'),
  },
};

export const COVERAGE_METRICS = Object.values(CoverageMetric);

registerEnumType(CoverageMetric, {
  name: 'CoverageMetric',
  description: 'A coverage figure with one fixed definition: numerator = covered units, denominator = units, rate = their quotient.',
  valuesConfig: Object.fromEntries(COVERAGE_METRICS.map((metric) => [metric, { description: COVERAGE_DEFINITIONS[metric].description }])),
});

/** The start of every metric's covered key. */
export const COVERED_PREFIX = 'covered:';
/** The roll-up key under which a metric's covered units are stored. */
export const coveredKey = (metric: CoverageMetric) => `${COVERED_PREFIX}${metric}`;
export const facilityCountKey = (type: FacilityType, status: FacilityStatus) => `facilities:${type}:${status}`;
export const BED_KEYS = { total: 'beds:total', nursing: 'beds:nursing', dementia: 'beds:dementia' } as const;

/** The coverage-relevant state of a facility on a day. */
export interface FacilityDayState {
  type: FacilityType;
  status: FacilityStatus;
  services: readonly FacilityService[];
}

export function qualifies(definition: CoverageDefinition, state: FacilityDayState): boolean {
  return (
    state.status === FacilityStatus.OPERATING &&
    definition.types.includes(state.type) &&
    (definition.service === null || state.services.includes(definition.service))
  );
}

/** The metrics whose units are at `level` and that a facility of `type` may count towards. */
export function metricsFor(type: FacilityType, level: JurisdictionLevel): CoverageDefinition[] {
  return COVERAGE_METRICS.map((metric) => COVERAGE_DEFINITIONS[metric]).filter(
    (definition) => definition.unit === level && definition.types.includes(type),
  );
}

/** Figures stored today only (no history): counts by type and status, beds of operating facilities. */
export function currentFigures(state: FacilityDayState & { beds: { total: number; nursing: number; dementia: number } }): Map<string, number> {
  const figures = new Map<string, number>([[facilityCountKey(state.type, state.status), 1]]);
  if (state.status === FacilityStatus.OPERATING) {
    figures.set(BED_KEYS.total, state.beds.total);
    figures.set(BED_KEYS.nursing, state.beds.nursing);
    figures.set(BED_KEYS.dementia, state.beds.dementia);
  }
  return figures;
}

/** The denominator of a metric for a node: 1 for a unit itself, its descendants at the unit level above it, 0 below. */
export function unitCount(
  unit: JurisdictionLevel,
  node: { level: JurisdictionLevel; countyCount: number; townCount: number; villageCount: number },
): number {
  if (node.level === unit) return 1;
  if (unit === JurisdictionLevel.VILLAGE) return node.villageCount;
  if (unit === JurisdictionLevel.TOWN) return node.townCount;
  if (unit === JurisdictionLevel.COUNTY) return node.countyCount;
  return 0;
}
