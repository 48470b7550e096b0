import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';
import { FacilityService, FacilityType } from '../facilities/facility-kinds';
import { MonthScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { JurisdictionLevel } from '../kernel/division-codes';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { FirstMonthRule, LastMonthRule, SchemeKind, TierCombination } from './policy-kinds';

@ObjectType({ simpleResolvers: true, description: 'A level that funds a scheme and its weight: a 7:3 split is weights 7 and 3.' })
export class Funding {
  @Field(() => JurisdictionLevel, { description: 'The person’s ancestor at this level pays the share.' })
  level: JurisdictionLevel;

  @Field(() => Int)
  weight: number;

  @Field(() => Float, { description: 'weight / the sum of weights.' })
  share: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'A tier of a scheme: who qualifies and the amount. Person schemes use the person conditions, facility schemes the facility ones; empty lists mean no condition.',
})
export class SubsidyTier {
  @Field(() => ID)
  id: number;

  @Field(() => Int)
  position: number;

  @Field()
  name: string;

  @Field(() => FenScalar, { description: 'What the tier pays, in the unit of the scheme’s kind (see SchemeKind).' })
  amountFen: number;

  @Field(() => Int, { nullable: true, description: 'Completed years on the month’s last day, at least this.' })
  minAge: number | null;

  @Field(() => Int, { nullable: true, description: 'For women, this minimum age instead of minAge.' })
  minAgeFemale: number | null;

  @Field(() => Int, { nullable: true, description: 'Completed years on the month’s last day, at most this.' })
  maxAge: number | null;

  @Field(() => [HardshipCategory], { description: 'At least one of these categories.' })
  categoriesAny: HardshipCategory[];

  @Field(() => [HardshipCategory], { description: 'Every one of these categories.' })
  categoriesAll: HardshipCategory[];

  @Field(() => [HardshipCategory], { description: 'None of these categories.' })
  categoriesNone: HardshipCategory[];

  @Field(() => [AbilityLevel], { description: 'A valid assessment at one of these levels.' })
  abilities: AbilityLevel[];

  @Field(() => [LivingSituation], { description: 'At least one of these living situations.' })
  livingSituations: LivingSituation[];

  @Field(() => [LivingSituation], { description: 'None of these living situations.' })
  livingSituationsNone: LivingSituation[];

  @Field(() => FenScalar, { nullable: true, description: 'Own monthly income below this.' })
  ownIncomeBelowFen: number | null;

  @Field(() => FenScalar, { nullable: true, description: 'Household monthly income per member below this.' })
  householdIncomeBelowFen: number | null;

  @Field({ description: '户籍 within the jurisdiction that set the scheme.' })
  hukouRequired: boolean;

  @Field(() => Int, { nullable: true, description: 'Resident in the village for at least this many whole months.' })
  minResidentMonths: number | null;

  @Field({ description: 'hukouRequired and minResidentMonths are alternatives: either suffices.' })
  hukouOrResident: boolean;

  @Field(() => [FacilityType], { description: 'Facility schemes: the facility is of one of these types.' })
  facilityTypes: FacilityType[];

  @Field(() => [FacilityService], {
    description: 'Facility schemes: every one of these services — when accepted (construction), on every day counted (operating).',
  })
  requiredServices: FacilityService[];

  @Field(() => Int, {
    nullable: true,
    description: 'FACILITY_OPERATING: consecutive days (持续运营) OPERATING with every required service, at least this (see the version’s operatingRunFromPreviousYear).',
  })
  minOperatingDays: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'The rules of a scheme for a span of months; a version in force is never edited.' })
export class SchemeVersion {
  @Field(() => ID)
  id: number;

  @Field(() => MonthScalar)
  fromMonth: string;

  @Field(() => MonthScalar, { nullable: true, description: 'The last month it applies; null while open-ended.' })
  toMonth: string | null;

  @Field(() => TierCombination)
  combination: TierCombination;

  @Field(() => String, { nullable: true, description: 'Schemes sharing a group are not paid together (不得重复享受): the larger amount wins.' })
  exclusionGroup: string | null;

  @Field({ description: 'Pays only people whose application was approved.' })
  requiresApplication: boolean;

  @Field(() => FirstMonthRule)
  firstMonth: FirstMonthRule;

  @Field(() => LastMonthRule)
  lastMonth: LastMonthRule;

  @Field(() => Int, { nullable: true, description: 'Months an ability assessment counts for; null: until a newer one supersedes it.' })
  assessmentValidMonths: number | null;

  @Field({ description: 'FACILITY_OPERATING: a run of consecutive operating days may have begun in the previous year.' })
  operatingRunFromPreviousYear: boolean;

  @Field({ description: 'Facility schemes: one facility per village is paid, the one designated for it, when several qualify.' })
  oneFacilityPerVillage: boolean;

  @Field(() => [Funding], { description: 'Highest level first.' })
  funding: Funding[];

  @Field(() => [SubsidyTier])
  tiers: SubsidyTier[];
}

@ObjectType('SubsidyScheme', { simpleResolvers: true, description: 'A subsidy scheme set by a jurisdiction for the people or the facilities of its subtree.' })
export class SchemeNode {
  @Field(() => ID)
  id: number;

  @Field()
  name: string;

  @Field(() => SchemeKind)
  kind: SchemeKind;

  @Field(() => JurisdictionRef, { description: 'Who set it.' })
  jurisdiction: JurisdictionRef;

  @Field(() => SchemeVersion, { nullable: true, description: 'The version in force in the month asked about (default this month).' })
  inForce: SchemeVersion | null;
}

@ObjectType('SubsidyFloor', { simpleResolvers: true, description: 'A minimum an upper level sets for the schemes of a kind below it (e.g. 90–99 岁 ≥ 50 元/月).' })
export class FloorNode {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'Who set it.' })
  jurisdiction: JurisdictionRef;

  @Field(() => SchemeKind)
  kind: SchemeKind;

  @Field(() => Int, { nullable: true })
  minAge: number | null;

  @Field(() => Int, { nullable: true })
  maxAge: number | null;

  @Field(() => FenScalar, { description: 'The least a tier of the kind may pay, in the kind’s unit (see SchemeKind).' })
  amountFen: number;

  @Field(() => MonthScalar)
  fromMonth: string;

  @Field(() => MonthScalar, { nullable: true })
  toMonth: string | null;
}
