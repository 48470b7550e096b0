import type { FacilityService, FacilityStatus, FacilityType } from '../facilities/facility-kinds';
import type { FloorRule, FunderTotal, Reason, SchemeOutcomeStatus, SchemeRule, TierOutcome, TierRule } from './scheme-rules';
import type { OperatingRun } from './facility-days';

// What the facility subsidy rules (facility-subsidy.engine.ts) read and answer.

/** A facility's facts as the rules read them: its type, diner counts by month and dated history. */
export interface FacilityFacts {
  id: number;
  name: string;
  type: FacilityType;
  /** 日均就餐人数 of each month recorded (YYYY-MM → count); the operating subsidy pays each month by its own. */
  diners: ReadonlyMap<string, number>;
  /** Every entry in recorded order: the day it took effect and the state after it. */
  history: readonly { day: string; status: FacilityStatus; services: readonly FacilityService[] }[];
}

/**
 * The village a facility is located in, for schemes that pay one center per village (每个村（居）委会补助一个
 * 养老中心): the other facilities located there and the village's designations, oldest first.
 */
export interface VillageFacts {
  name: string;
  others: readonly FacilityFacts[];
  designations: readonly { fromMonth: string; facilityId: number }[];
}

/** A floor with the months it is in force (toMonth inclusive, null while open-ended). */
export type DatedFloor = FloorRule & { fromMonth: string; toMonth: string | null };

/** A tier of one version, judged for the year. */
export interface FacilityTierOutcome extends TierOutcome {
  versionId: number;
  /** The months of the year its version was considered for: the month of acceptance, or the months it was in force. */
  months: string[];
  /** Operating tiers: the days of the year the facility was OPERATING with every required service. */
  operatingDays: number | null;
  /** Operating tiers: the longest run of consecutive such days counted for the year (null: none). */
  longestRun: OperatingRun | null;
}

/** What one tier pays for one month (a construction subsidy: for the month of acceptance). */
export interface FacilityMonthLine {
  month: string;
  /** The version in force that month. */
  scheme: SchemeRule;
  tier: TierRule;
  /** Operating: days of the month OPERATING with the tier's services; construction: null. */
  operatingDays: number | null;
  /** Operating: the month's recorded diners the amount is multiplied by (null: none recorded); construction: null. */
  diners: number | null;
  amountFen: number;
  /** The scheme paid instead for this month (不得重复享受); the line then pays nothing. */
  excludedBy: SchemeRule | null;
  /** Why the line pays nothing though its tier holds: no diner count for the month, another center designated. */
  reason: Reason | null;
}

export interface FacilitySchemeOutcome {
  /** The version of the last month considered. */
  scheme: SchemeRule;
  status: SchemeOutcomeStatus;
  tiers: FacilityTierOutcome[];
  /** What it pays, month by month (a construction subsidy: one line, for the month of acceptance). */
  lines: FacilityMonthLine[];
  amountFen: number;
  shares: FunderTotal[];
  /** The scheme paid instead for some or all of its months (不得重复享受). */
  excludedBy: SchemeRule | null;
}

export interface FacilitySubsidy {
  facilityId: number;
  year: number;
  /** The last day counted: the year's last, or today while the year runs. */
  countedThrough: string;
  /** The first acceptance (验收合格) on record, in any year. */
  acceptedOn: string | null;
  /** Days of the year (through countedThrough) the facility was OPERATING, whatever its services. */
  operatingDays: number;
  /** The count of the latest month of the year (through countedThrough) with one recorded. */
  dailyDiners: number | null;
  schemes: FacilitySchemeOutcome[];
  amountFen: number;
  /** What each funder pays in all, highest level first. */
  shares: FunderTotal[];
}
