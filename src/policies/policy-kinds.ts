import { registerEnumType } from 'type-graphql';

/** What a scheme is for; floors set above bind the schemes of the same kind below. */
export enum SchemeKind {
  OLD_AGE_ALLOWANCE = 'OLD_AGE_ALLOWANCE',
  HARDSHIP_CARE_SUBSIDY = 'HARDSHIP_CARE_SUBSIDY',
  HOME_CARE_SUBSIDY = 'HOME_CARE_SUBSIDY',
}

/** How the tiers of one scheme combine for a person. */
export enum TierCombination {
  HIGHEST = 'HIGHEST',
  STACK = 'STACK',
}

export const SCHEME_KIND_NAMES: Record<SchemeKind, string> = {
  OLD_AGE_ALLOWANCE: '高龄津贴',
  HARDSHIP_CARE_SUBSIDY: '困难老人养老服务补贴',
  HOME_CARE_SUBSIDY: '居家养老服务补助',
};

/** What a tier's `amountFen` counts: the unit follows from the kind. */
export const SCHEME_KIND_UNITS: Record<SchemeKind, string> = {
  OLD_AGE_ALLOWANCE: 'per person per month',
  HARDSHIP_CARE_SUBSIDY: 'per person per month',
  HOME_CARE_SUBSIDY: 'per person per month',
};

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
