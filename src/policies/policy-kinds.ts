import { registerEnumType } from 'type-graphql';

/** What a scheme is for; floors set above bind the schemes of the same kind below. */
export enum SchemeKind {
  OLD_AGE_ALLOWANCE = 'OLD_AGE_ALLOWANCE',
  HARDSHIP_CARE_SUBSIDY = 'HARDSHIP_CARE_SUBSIDY',
  HOME_CARE_SUBSIDY = 'HOME_CARE_SUBSIDY',
  FACILITY_CONSTRUCTION = 'FACILITY_CONSTRUCTION',
  FACILITY_OPERATING = 'FACILITY_OPERATING',
}

/** How the tiers of one scheme combine for a person or a facility. */
export enum TierCombination {
  HIGHEST = 'HIGHEST',
  STACK = 'STACK',
}

export const SCHEME_KIND_NAMES: Record<SchemeKind, string> = {
  OLD_AGE_ALLOWANCE: '高龄津贴',
  HARDSHIP_CARE_SUBSIDY: '困难老人养老服务补贴',
  HOME_CARE_SUBSIDY: '居家养老服务补助',
  FACILITY_CONSTRUCTION: '养老服务设施建设补助',
  FACILITY_OPERATING: '养老服务设施运营补助',
};

/** The first month a scheme that asks for an application pays after the approval. */
export enum FirstMonthRule {
  MONTH_OF_APPROVAL = 'MONTH_OF_APPROVAL',
  MONTH_AFTER_APPROVAL = 'MONTH_AFTER_APPROVAL',
}

/** The last month paid to a person who died or moved away. */
export enum LastMonthRule {
  STOP_IN_MONTH_OF_EVENT = 'STOP_IN_MONTH_OF_EVENT',
  PAY_MONTH_OF_EVENT = 'PAY_MONTH_OF_EVENT',
}

/**
 * What a scheme version takes when its input leaves a parameter out: settings of the configuration,
 * not policy (the documents are silent on them; docs/elderly-and-subsidies.md).
 */
export const SCHEME_PARAMETER_DEFAULTS = {
  requiresApplication: false,
  firstMonth: FirstMonthRule.MONTH_OF_APPROVAL,
  lastMonth: LastMonthRule.STOP_IN_MONTH_OF_EVENT,
  /** null: an assessment counts until a newer one supersedes it. */
  assessmentValidMonths: null as number | null,
  /** Facility operating schemes: a run of operating days lies within the year (持续运营: the document names no window). */
  operatingRunFromPreviousYear: false,
  /** Facility schemes: every qualifying facility of a village is paid (原则上 one per 村（居）委会: a scheme says so). */
  oneFacilityPerVillage: false,
} as const;

/** What a tier's `amountFen` counts: the unit follows from the kind. */
export const SCHEME_KIND_UNITS: Record<SchemeKind, string> = {
  OLD_AGE_ALLOWANCE: 'per person per month',
  HARDSHIP_CARE_SUBSIDY: 'per person per month',
  HOME_CARE_SUBSIDY: 'per person per month',
  FACILITY_CONSTRUCTION: 'once per facility, in the year it is accepted (验收合格)',
  FACILITY_OPERATING: 'per diner per month (times the facility’s recorded daily diners)',
};

/** Schemes paid to facilities; the others are paid to people. */
export const FACILITY_SCHEME_KINDS: readonly SchemeKind[] = [SchemeKind.FACILITY_CONSTRUCTION, SchemeKind.FACILITY_OPERATING];
export const PERSON_SCHEME_KINDS: readonly SchemeKind[] = Object.values(SchemeKind).filter((kind) => !FACILITY_SCHEME_KINDS.includes(kind));

export const isFacilityKind = (kind: SchemeKind): boolean => FACILITY_SCHEME_KINDS.includes(kind);

registerEnumType(SchemeKind, {
  name: 'SchemeKind',
  description: 'What a scheme is for; a tier’s amountFen is in the unit its kind names.',
  valuesConfig: Object.fromEntries(
    Object.values(SchemeKind).map((kind) => [kind, { description: `${SCHEME_KIND_NAMES[kind]} — amountFen ${SCHEME_KIND_UNITS[kind]}` }]),
  ),
});
registerEnumType(TierCombination, {
  name: 'TierCombination',
  valuesConfig: {
    HIGHEST: { description: '就高不就低: only the highest applicable tier pays.' },
    STACK: { description: 'Every applicable tier pays.' },
  },
});
registerEnumType(FirstMonthRule, {
  name: 'FirstMonthRule',
  description: 'For schemes that pay only approved applications: the first month paid.',
  valuesConfig: {
    MONTH_OF_APPROVAL: { description: 'The month the application is approved in.' },
    MONTH_AFTER_APPROVAL: { description: 'The month after the approval.' },
  },
});
registerEnumType(LastMonthRule, {
  name: 'LastMonthRule',
  description: 'The last month paid to a person who died or moved away (their status since a day of that month).',
  valuesConfig: {
    STOP_IN_MONTH_OF_EVENT: { description: 'Nothing for the month of the death or move: payment stops in it.' },
    PAY_MONTH_OF_EVENT: { description: 'The month of the death or move is paid; payment stops from the month after.' },
  },
});
