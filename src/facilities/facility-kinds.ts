import { registerEnumType } from 'type-graphql';
import { JurisdictionLevel } from '../kernel/division-codes';

export enum FacilityType {
  COUNTY_GUIDANCE_CENTER = 'COUNTY_GUIDANCE_CENTER',
  TOWN_CENTER = 'TOWN_CENTER',
  COMMUNITY_STATION = 'COMMUNITY_STATION',
  MUTUAL_AID_CENTER = 'MUTUAL_AID_CENTER',
  DAY_CARE_CENTER = 'DAY_CARE_CENTER',
  ACTIVITY_CENTER = 'ACTIVITY_CENTER',
  HAPPINESS_HOME = 'HAPPINESS_HOME',
  MEAL_TABLE = 'MEAL_TABLE',
  TOWNSHIP_NURSING_HOME = 'TOWNSHIP_NURSING_HOME',
  INSTITUTION = 'INSTITUTION',
}

export enum FacilityStatus {
  PLANNED = 'PLANNED',
  UNDER_CONSTRUCTION = 'UNDER_CONSTRUCTION',
  BUILT = 'BUILT',
  ACCEPTED = 'ACCEPTED',
  OPERATING = 'OPERATING',
  SUSPENDED = 'SUSPENDED',
  CLOSED = 'CLOSED',
}

export enum OperatingModel {
  PUBLIC_BUILT_PUBLIC_RUN = 'PUBLIC_BUILT_PUBLIC_RUN',
  ENTRUSTED = 'ENTRUSTED',
  PUBLIC_BUILT_PRIVATE_RUN = 'PUBLIC_BUILT_PRIVATE_RUN',
  PRIVATE_BUILT_PRIVATE_RUN = 'PRIVATE_BUILT_PRIVATE_RUN',
}

export enum FacilityService {
  MEALS = 'MEALS',
  CLEANING = 'CLEANING',
  EMERGENCY = 'EMERGENCY',
  MEDICAL = 'MEDICAL',
  BATHING = 'BATHING',
  RECREATION = 'RECREATION',
  DAY_CARE = 'DAY_CARE',
  HOME_VISITS = 'HOME_VISITS',
  REHABILITATION = 'REHABILITATION',
  COMPANIONSHIP = 'COMPANIONSHIP',
}

export enum FacilityEventKind {
  REGISTERED = 'REGISTERED',
  TRANSITION = 'TRANSITION',
  SERVICES_CHANGED = 'SERVICES_CHANGED',
}

export const FACILITY_TYPE_NAMES: Record<FacilityType, string> = {
  COUNTY_GUIDANCE_CENTER: '县级居家养老服务指导中心',
  TOWN_CENTER: '乡镇(街道)养老服务中心 / 综合为老服务中心',
  COMMUNITY_STATION: '社区养老服务站 / 村级养老服务站',
  MUTUAL_AID_CENTER: '互助养老中心 / 党建+互助养老中心',
  DAY_CARE_CENTER: '日间照料中心',
  ACTIVITY_CENTER: '老年活动中心',
  HAPPINESS_HOME: '农村幸福院 / 幸福之家',
  MEAL_TABLE: '老饭桌',
  TOWNSHIP_NURSING_HOME: '乡镇敬老院',
  INSTITUTION: '养老机构',
};

// Where each type of facility sits in the tree: the level of the jurisdiction it belongs to.
export const FACILITY_LEVELS: Record<FacilityType, readonly JurisdictionLevel[]> = {
  COUNTY_GUIDANCE_CENTER: [JurisdictionLevel.COUNTY],
  TOWN_CENTER: [JurisdictionLevel.TOWN],
  TOWNSHIP_NURSING_HOME: [JurisdictionLevel.TOWN],
  COMMUNITY_STATION: [JurisdictionLevel.VILLAGE],
  MUTUAL_AID_CENTER: [JurisdictionLevel.VILLAGE],
  DAY_CARE_CENTER: [JurisdictionLevel.VILLAGE],
  ACTIVITY_CENTER: [JurisdictionLevel.VILLAGE],
  HAPPINESS_HOME: [JurisdictionLevel.VILLAGE],
  MEAL_TABLE: [JurisdictionLevel.VILLAGE],
  INSTITUTION: [JurisdictionLevel.COUNTY, JurisdictionLevel.TOWN, JurisdictionLevel.VILLAGE],
};

// The lifecycle: planned → under construction → built → accepted → operating ⇄ suspended → closed.
export const NEXT_STATUSES: Record<FacilityStatus, readonly FacilityStatus[]> = {
  PLANNED: [FacilityStatus.UNDER_CONSTRUCTION],
  UNDER_CONSTRUCTION: [FacilityStatus.BUILT],
  BUILT: [FacilityStatus.ACCEPTED],
  ACCEPTED: [FacilityStatus.OPERATING],
  OPERATING: [FacilityStatus.SUSPENDED, FacilityStatus.CLOSED],
  SUSPENDED: [FacilityStatus.OPERATING, FacilityStatus.CLOSED],
  CLOSED: [],
};

registerEnumType(FacilityType, {
  name: 'FacilityType',
  description: 'A kind of elderly-care facility (养老服务设施).',
  valuesConfig: Object.fromEntries(
    Object.values(FacilityType).map((type) => [
      type,
      { description: `${FACILITY_TYPE_NAMES[type]} — at ${FACILITY_LEVELS[type].join(' or ')} level` },
    ]),
  ),
});

registerEnumType(FacilityStatus, {
  name: 'FacilityStatus',
  description: 'Where a facility is in its lifecycle; every change is dated and kept in its history.',
  valuesConfig: {
    PLANNED: { description: '规划 — planned' },
    UNDER_CONSTRUCTION: { description: '在建 — under construction' },
    BUILT: { description: '建成 — built, not yet accepted' },
    ACCEPTED: { description: '验收合格 — accepted' },
    OPERATING: { description: '运营 — in operation' },
    SUSPENDED: { description: '暂停运营 — suspended' },
    CLOSED: { description: '关闭 — closed for good' },
  },
});

registerEnumType(OperatingModel, {
  name: 'OperatingModel',
  description: 'Who built the facility and who runs it.',
  valuesConfig: {
    PUBLIC_BUILT_PUBLIC_RUN: { description: '公建公营' },
    ENTRUSTED: { description: '委托经营 (at most 10 years)' },
    PUBLIC_BUILT_PRIVATE_RUN: { description: '公建民营' },
    PRIVATE_BUILT_PRIVATE_RUN: { description: '民建民营' },
  },
});

registerEnumType(FacilityService, {
  name: 'FacilityService',
  description: 'A service a facility offers.',
  valuesConfig: {
    MEALS: { description: '助餐 — meals' },
    CLEANING: { description: '助洁 — cleaning' },
    EMERGENCY: { description: '助急 — emergency help' },
    MEDICAL: { description: '助医 — medical help' },
    BATHING: { description: '助浴 — bathing' },
    RECREATION: { description: '助娱 — recreation' },
    DAY_CARE: { description: '日托 — day care' },
    HOME_VISITS: { description: '上门 — home visits' },
    REHABILITATION: { description: '康复 — rehabilitation' },
    COMPANIONSHIP: { description: '精神慰藉 — companionship' },
  },
});

registerEnumType(FacilityEventKind, {
  name: 'FacilityEventKind',
  description: 'What an entry of a facility’s history records.',
  valuesConfig: {
    REGISTERED: { description: 'The facility was entered, in its status on that date.' },
    TRANSITION: { description: 'A lifecycle transition.' },
    SERVICES_CHANGED: { description: 'The services offered changed (they decide meal-service coverage).' },
  },
});
