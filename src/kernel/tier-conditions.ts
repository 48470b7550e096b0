// The conditions a subsidy tier may carry, named once: the tier rules (policies/policy.rules.ts)
// refuse those of the other sort, and the access rules (graphql/rules.ts) open them on SubsidyTier.

/** Conditions about a person, for tiers of person schemes. */
export const PERSON_TIER_CONDITIONS = [
  'minAge',
  'minAgeFemale',
  'maxAge',
  'categoriesAny',
  'categoriesAll',
  'categoriesNone',
  'abilities',
  'livingSituations',
  'livingSituationsNone',
  'ownIncomeBelowFen',
  'householdIncomeBelowFen',
  'hukouRequired',
  'minResidentMonths',
  'hukouOrResident',
] as const;

/** Conditions about a facility, for tiers of facility schemes. */
export const FACILITY_TIER_CONDITIONS = ['facilityTypes', 'requiredServices', 'minOperatingDays'] as const;

/** The tier conditions that are switches: set when true. */
export const SWITCH_TIER_CONDITIONS: readonly string[] = ['hukouRequired', 'hukouOrResident'];
