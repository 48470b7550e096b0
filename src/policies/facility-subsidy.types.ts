import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar, MonthScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { SchemeOutcomeStatus } from './scheme-rules';
import { FundingShare, Reason } from './entitlement.types';
import { SchemeNode, SubsidyTier } from './policy.types';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { FacilityNode } from '../facilities/facility.types';

@ObjectType({ simpleResolvers: true, description: 'A run of consecutive days a facility was OPERATING with a tier’s required services (持续运营).' })
export class OperatingRun {
  @Field(() => DateScalar)
  from: string;

  @Field(() => DateScalar)
  to: string;

  @Field(() => Int)
  days: number;
}

@ObjectType({ simpleResolvers: true, description: 'A tier of a facility scheme, judged for the year.' })
export class FacilityTierSubsidy {
  @Field(() => SubsidyTier)
  tier: SubsidyTier;

  @Field(() => [MonthScalar], {
    description: 'The months its version was judged for: the month of acceptance (construction), or the months of the year it was in force (operating).',
  })
  months: string[];

  @Field(() => Int, { nullable: true, description: 'Operating tiers: days of the year the facility was OPERATING with every required service.' })
  operatingDays: number | null;

  @Field(() => OperatingRun, {
    nullable: true,
    description:
      'Operating tiers: the longest run of consecutive days OPERATING with every required service that reaches into the year (from the previous year where the version allows), which minOperatingDays is held to; null when there is none.',
  })
  longestRun: OperatingRun | null;

  @Field({ description: 'Every condition holds.' })
  eligible: boolean;

  @Field({ description: 'It pays for at least one month: eligible, and neither outranked nor excluded there.' })
  applied: boolean;

  @Field(() => [Reason], { description: 'Why it does not pay; empty when it does.' })
  reasons: Reason[];
}

@ObjectType({ simpleResolvers: true, description: 'What one tier pays for one month: an operating subsidy month by month, a construction subsidy once, in the month of acceptance.' })
export class FacilitySubsidyLine {
  @Field(() => MonthScalar)
  month: string;

  @Field(() => SubsidyTier, { description: 'The tier paid, of the version in force that month.' })
  tier: SubsidyTier;

  @Field(() => Int, { nullable: true, description: 'Operating: days of the month OPERATING with the tier’s required services.' })
  operatingDays: number | null;

  @Field(() => Int, { nullable: true, description: 'Operating: the month’s recorded daily diners the tier’s amount is multiplied by; null when none is recorded.' })
  diners: number | null;

  @Field(() => FenScalar, { description: 'Operating: amountFen × diners; construction: amountFen. Zero when excluded or when `reason` says why.' })
  amountFen: number;

  @Field(() => SchemeNode, { nullable: true, description: 'The scheme of the same exclusion group paid for this month instead (不得重复享受).' })
  excludedBy: SchemeNode | null;

  @Field(() => Reason, {
    nullable: true,
    description: 'Why the month pays nothing though the tier holds: NO_DINERS (no count recorded for it), NOT_DESIGNATED (another center of the village is paid).',
  })
  reason: Reason | null;
}

@ObjectType({ simpleResolvers: true, description: 'One facility scheme for the year: its tiers with the reasons, the lines it pays and who pays them.' })
export class FacilitySchemeSubsidy {
  @Field(() => SchemeNode, { description: 'The scheme, with the version of the last month judged as `inForce`.' })
  scheme: SchemeNode;

  @Field(() => SchemeOutcomeStatus)
  status: SchemeOutcomeStatus;

  @Field(() => FenScalar)
  amountFen: number;

  @Field(() => [FacilityTierSubsidy], { description: 'Every tier of every version judged, oldest version first.' })
  tiers: FacilityTierSubsidy[];

  @Field(() => [FacilitySubsidyLine], { description: 'What it pays, month by month.' })
  lines: FacilitySubsidyLine[];

  @Field(() => [FundingShare], { description: 'The amount split by the funding weights, exactly (largest remainder), highest level first.' })
  shares: FundingShare[];

  @Field(() => SchemeNode, { nullable: true, description: 'The scheme of the same exclusion group paid instead for some or all months.' })
  excludedBy: SchemeNode | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'What a facility is due for a calendar year under the facility schemes of its jurisdiction and every ancestor: the construction subsidy (建设补助) in the year of its first acceptance, the operating subsidy (运营补助) month by month.',
})
export class FacilitySubsidy {
  @Field(() => Int)
  year: number;

  @Field(() => DateScalar, { description: 'The last day counted: 31 December, or today while the year runs (the figures are then provisional).' })
  countedThrough: string;

  @Field(() => DateScalar, { nullable: true, description: 'Its first acceptance (验收合格) on record, in any year.' })
  acceptedOn: string | null;

  @Field(() => Int, { description: 'Days of the year through countedThrough it was OPERATING, whatever its services.' })
  operatingDays: number;

  @Field(() => Int, {
    nullable: true,
    description: 'The daily diners (日均就餐人数) of the latest month of the year through countedThrough with a recorded count; each line pays by its own month’s.',
  })
  dailyDiners: number | null;

  @Field(() => FenScalar)
  amountFen: number;

  @Field(() => [FacilitySchemeSubsidy], { description: 'Every facility scheme in force at some time in the year where it is located, highest level first.' })
  schemes: FacilitySchemeSubsidy[];

  @Field(() => [FundingShare], { description: 'What each funder pays in all, highest level first.' })
  shares: FundingShare[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'The center a village (村/居委会) is paid for from a month on, under the schemes that pay one center per village (每个村（居）委会补助一个养老中心).',
})
export class VillageFacilityDesignation {
  @Field(() => JurisdictionRef)
  village: JurisdictionRef;

  @Field(() => MonthScalar)
  fromMonth: string;

  @Field(() => FacilityNode)
  facility: FacilityNode;
}
