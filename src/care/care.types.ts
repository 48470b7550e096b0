import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';
import { DateScalar, MonthScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { ServiceClass } from './care-kinds';

@ObjectType({ simpleResolvers: true, description: 'Who a visit frequency applies to and how many visits a month (seed 004 篇四, 服務頻次監管).' })
export class CareVisitRule {
  @Field()
  name: string;

  @Field(() => Int, { nullable: true, description: 'Age on the month’s last day at least this; null: any age.' })
  minAge: number | null;

  @Field(() => [HardshipCategory], { description: 'Any of these; empty: any.' })
  categoriesAny: HardshipCategory[];

  @Field(() => [LivingSituation], { description: 'Any of these; empty: any.' })
  livingSituationsAny: LivingSituation[];

  @Field(() => [AbilityLevel], { description: 'The assessment in force is one of these; empty: assessed or not.' })
  abilities: AbilityLevel[];

  @Field(() => Int)
  visitsPerMonth: number;
}

@ObjectType({ simpleResolvers: true, description: 'Who gets a class of service (seed 004 篇二, 松岗).' })
export class CareClassRule {
  @Field()
  name: string;

  @Field(() => ServiceClass)
  serviceClass: ServiceClass;

  @Field(() => Int, { nullable: true })
  minAge: number | null;

  @Field(() => [HardshipCategory])
  categoriesAny: HardshipCategory[];
}

@ObjectType({ simpleResolvers: true, description: 'A level’s care rules: visit frequency, visit length, service items and classes, and the oversight figures.' })
export class CareRuleSet {
  @Field(() => [CareVisitRule], { description: 'A recipient’s visits a month: the highest matching rule; none matching, none required.' })
  visitRules: CareVisitRule[];

  @Field(() => Int, { description: 'Each visit lasts at least this long («每次服務時長不低於1小時»).' })
  minMinutesPerVisit: number;

  @Field(() => Int, { description: 'Different service items each recipient gets a year («每人每年服務項目不得少於3個以上»).' })
  distinctItemsPerYear: number;

  @Field({ description: 'A month missed for a good reason may be made up in the next («可在下月補增服務時間和次數»).' })
  makeUpNextMonth: boolean;

  @Field(() => [CareClassRule], { description: 'A recipient’s class: the most favourable matching rule; none matching, PAID.' })
  classRules: CareClassRule[];

  @Field(() => Int, { description: 'Percent of each day’s orders the provider calls back («各服務商要對日工單進行100%回訪»).' })
  providerCallbackPercent: number;

  @Field(() => Int, { description: 'Percent of each day’s orders the district calls back online («線上回訪率不低於日工單的10%»).' })
  onlineCallbackPercent: number;

  @Field(() => Int, { description: 'Percent of recipients the community calls on or spot-checks each quarter (深圳: «不少於本轄區補助總人數的5%»).' })
  communityCheckPercent: number;

  @Field(() => Int, { description: 'How far from the recipient’s registered place a check-in counts, in metres (not from the documents; default 300).' })
  checkInRadiusMetres: number;

  @Field(() => Int, { description: 'Days an offline device may sync late (not from the documents; default 7).' })
  offlineSyncDays: number;

  @Field({ description: 'Whether several providers may serve the same village and item (not from the documents; default false).' })
  sharedServiceAreas: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A version of the care rules a jurisdiction set for its subtree.' })
export class CareRules {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'The jurisdiction that set them.' })
  jurisdiction: JurisdictionRef;

  @Field()
  name: string;

  @Field({ description: 'The documents and passages they follow.' })
  source: string;

  @Field(() => String, { nullable: true, description: 'The template they were made from, if any.' })
  template: string | null;

  @Field(() => DateScalar)
  effectiveFrom: string;

  @Field(() => DateScalar, { nullable: true, description: 'The last day in force; null: until a new version.' })
  effectiveTo: string | null;

  @Field(() => CareRuleSet)
  rules: CareRuleSet;
}

@ObjectType({ simpleResolvers: true, description: 'The care rules in force at a node on a day, and where they were set.' })
export class CareRulesInForce {
  @Field(() => DateScalar)
  on: string;

  @Field(() => CareRules)
  rules: CareRules;

  @Field({ description: 'True when set by an ancestor of the node asked about, not by the node itself.' })
  inherited: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'Care rules of the policy documents that a level may adopt as they are.' })
export class CareRulesTemplate {
  @Field({ description: 'What `defineCareRules(input: { fromTemplate })` takes.' })
  key: string;

  @Field()
  name: string;

  @Field({ description: 'The documents and passages, quoted.' })
  source: string;

  @Field({ description: 'What the documents leave open and the template sets as a default.' })
  settings: string;

  @Field(() => CareRuleSet)
  rules: CareRuleSet;
}

@ObjectType({ simpleResolvers: true, description: 'A recipient as a care plan names them: the national ID masked (docs/personal-data.md).' })
export class CareRecipient {
  @Field(() => ID)
  id: number;

  @Field()
  name: string;

  @Field({ description: 'Masked: the first character only.' })
  nationalId: string;
}

@ObjectType({ simpleResolvers: true, description: 'What the rules ask for a recipient in a month, and why.' })
export class CareRequirement {
  @Field(() => DateScalar, { description: 'The day the facts are read on: the month’s last day.' })
  referenceDay: string;

  @Field(() => Int, { description: 'Completed years on the reference day.' })
  age: number;

  @Field(() => [HardshipCategory], { description: 'The categories in force on the reference day.' })
  categories: HardshipCategory[];

  @Field(() => AbilityLevel, { nullable: true, description: 'The assessment in force on the reference day; null: none, or expired.' })
  ability: AbilityLevel | null;

  @Field(() => Int, { description: 'Visits required in the month (0 when no rule matches).' })
  visitsPerMonth: number;

  @Field(() => CareVisitRule, { nullable: true, description: 'The rule that asks most of the recipient.' })
  visitRule: CareVisitRule | null;

  @Field(() => [String], { description: 'Why that rule applies, one fact a line.' })
  why: string[];

  @Field(() => Int)
  minMinutesPerVisit: number;

  @Field(() => ServiceClass)
  serviceClass: ServiceClass;

  @Field(() => CareClassRule, { nullable: true, description: 'The rule that gave the class; null: PAID, no rule matching.' })
  classRule: CareClassRule | null;

  @Field(() => Int, { description: 'Different service items required in the year.' })
  distinctItemsPerYear: number;

  @Field({ description: 'Whether a month missed may be made up in the next.' })
  makeUpNextMonth: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'An enrolled recipient’s monthly care plan (服务频次).' })
export class CarePlan {
  @Field(() => CareRecipient)
  recipient: CareRecipient;

  @Field(() => JurisdictionRef, { description: 'The village the recipient lives in, whose rules apply.' })
  village: JurisdictionRef;

  @Field(() => MonthScalar)
  month: string;

  @Field(() => CareRules, { nullable: true, description: 'The rules in force at the village on the reference day; null: none set there or above.' })
  rules: CareRules | null;

  @Field(() => CareRequirement, { nullable: true, description: 'Null when no rules are in force.' })
  requirement: CareRequirement | null;
}

export const { Edge: CarePlanEdge, Connection: CarePlanConnection } = connectionTypes(CarePlan, 'CarePlan');
