import { Field, InputType, Int } from 'type-graphql';
import { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';
import { FacilityService, FacilityType } from '../facilities/facility-kinds';
import { MonthScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { JurisdictionLevel } from '../kernel/division-codes';
import { FirstMonthRule, LastMonthRule, SchemeKind, TierCombination } from './policy-kinds';

@InputType()
export class FundingInput {
  @Field(() => JurisdictionLevel, { description: 'At or below the level of the jurisdiction that sets the scheme.' })
  level: JurisdictionLevel;

  @Field(() => Int, { description: '1 to 10,000.' })
  weight: number;
}

@InputType({
  description:
    'A tier of a person scheme takes person conditions (ages to minResidentMonths); a tier of a facility scheme takes facility conditions (facilityTypes, requiredServices, minOperatingDays). The other kind’s conditions are refused.',
})
export class TierInput {
  @Field({ description: '1 to 100 characters.' })
  name: string;

  @Field(() => FenScalar, {
    description: '1 fen to 1,000,000 元, in the unit of the scheme’s kind (see SchemeKind); at least every floor set above for the ages the tier covers.',
  })
  amountFen: number;

  @Field(() => Int, { nullable: true })
  minAge?: number | null;

  @Field(() => Int, { nullable: true, description: 'For women, this minimum age instead of minAge (e.g. 男60岁以上，女55岁以上).' })
  minAgeFemale?: number | null;

  @Field(() => Int, { nullable: true })
  maxAge?: number | null;

  @Field(() => [HardshipCategory], { nullable: true })
  categoriesAny?: HardshipCategory[] | null;

  @Field(() => [HardshipCategory], { nullable: true })
  categoriesAll?: HardshipCategory[] | null;

  @Field(() => [HardshipCategory], { nullable: true })
  categoriesNone?: HardshipCategory[] | null;

  @Field(() => [AbilityLevel], { nullable: true })
  abilities?: AbilityLevel[] | null;

  @Field(() => [LivingSituation], { nullable: true })
  livingSituations?: LivingSituation[] | null;

  @Field(() => [LivingSituation], { nullable: true, description: 'None of these; none may be in livingSituations too.' })
  livingSituationsNone?: LivingSituation[] | null;

  @Field(() => FenScalar, { nullable: true })
  ownIncomeBelowFen?: number | null;

  @Field(() => FenScalar, { nullable: true })
  householdIncomeBelowFen?: number | null;

  @Field({ nullable: true, defaultValue: false })
  hukouRequired?: boolean;

  @Field(() => Int, { nullable: true })
  minResidentMonths?: number | null;

  @Field({
    nullable: true,
    defaultValue: false,
    description: 'With hukouRequired and minResidentMonths (at least 1): either one suffices (户籍 here, or resident that long); both otherwise.',
  })
  hukouOrResident?: boolean;

  @Field(() => [FacilityType], { nullable: true, description: 'Facility schemes: the facility is of one of these types.' })
  facilityTypes?: FacilityType[] | null;

  @Field(() => [FacilityService], { nullable: true, description: 'Facility schemes: the facility offers every one of these services.' })
  requiredServices?: FacilityService[] | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'FACILITY_OPERATING only, 0 to 366: consecutive days (持续运营) the facility was OPERATING with every required service, within the year unless the version’s operatingRunFromPreviousYear.',
  })
  minOperatingDays?: number | null;
}

@InputType()
export class SchemeVersionInput {
  @Field(() => MonthScalar, { description: 'A new scheme may record a policy already in force; a new version of a scheme starts this month or later.' })
  fromMonth: string;

  @Field(() => MonthScalar, { nullable: true, description: 'The last month (inclusive); none: open-ended.' })
  toMonth?: string | null;

  @Field(() => TierCombination, { nullable: true, defaultValue: TierCombination.HIGHEST })
  combination?: TierCombination;

  @Field(() => String, { nullable: true, description: '1 to 50 characters; schemes of one lineage sharing it are not paid together.' })
  exclusionGroup?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Pays only people whose application was approved. Default false (a setting, not policy).' })
  requiresApplication?: boolean | null;

  @Field(() => FirstMonthRule, { nullable: true, description: 'Default MONTH_OF_APPROVAL (a setting, not policy).' })
  firstMonth?: FirstMonthRule | null;

  @Field(() => LastMonthRule, { nullable: true, description: 'Default STOP_IN_MONTH_OF_EVENT (a setting, not policy).' })
  lastMonth?: LastMonthRule | null;

  @Field(() => Int, {
    nullable: true,
    description: '1 to 120: an ability assessment older than this many whole months does not count. None (the default): valid until superseded.',
  })
  assessmentValidMonths?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'FACILITY_OPERATING only: a run of consecutive operating days (minOperatingDays) may have begun in the previous year. Default false: the run lies within the year (a setting, not policy).',
  })
  operatingRunFromPreviousYear?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Facility schemes only: pays one facility per village (每个村（居）委会补助一个养老中心); when several of a village qualify, only the one designated for it (designateVillageFacility). Default false.',
  })
  oneFacilityPerVillage?: boolean | null;

  @Field(() => [FundingInput], { description: 'One to five distinct levels.' })
  funding: FundingInput[];

  @Field(() => [TierInput], { description: 'One to 50 tiers, in the order they are listed.' })
  tiers: TierInput[];
}

@InputType()
export class CreateSchemeInput {
  @Field({ description: 'Division code of the jurisdiction that sets it, in the caller’s subtree.' })
  jurisdictionCode: string;

  @Field({ description: '1 to 100 characters, unique within the jurisdiction.' })
  name: string;

  @Field(() => SchemeKind)
  kind: SchemeKind;

  @Field(() => SchemeVersionInput)
  version: SchemeVersionInput;
}

@InputType()
export class CreateFloorInput {
  @Field({ description: 'Division code of the jurisdiction that sets it, in the caller’s subtree; it binds the schemes below.' })
  jurisdictionCode: string;

  @Field(() => SchemeKind)
  kind: SchemeKind;

  @Field(() => Int, { nullable: true })
  minAge?: number | null;

  @Field(() => Int, { nullable: true })
  maxAge?: number | null;

  @Field(() => FenScalar, { description: 'In the unit of the kind (see SchemeKind).' })
  amountFen: number;

  @Field(() => MonthScalar, { description: 'May record a floor already in force.' })
  fromMonth: string;

  @Field(() => MonthScalar, { nullable: true })
  toMonth?: string | null;
}
