import { Field, InputType, Int } from 'type-graphql';
import { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';
import { DateScalar } from '../kernel/dates';
import { ServiceClass } from './care-kinds';

@InputType({ description: 'Who a visit frequency applies to (every condition given must hold) and how many visits a month.' })
export class CareVisitRuleInput {
  @Field({ description: '1 to 50 characters, e.g. 困難老人·失能.' })
  name: string;

  @Field(() => Int, { nullable: true, description: 'Age on the month’s last day, 0 to 150; null: any age.' })
  minAge?: number | null;

  @Field(() => [HardshipCategory], { nullable: true, description: 'Any of these; empty or null: any.' })
  categoriesAny?: HardshipCategory[] | null;

  @Field(() => [LivingSituation], { nullable: true, description: 'Any of these; empty or null: any.' })
  livingSituationsAny?: LivingSituation[] | null;

  @Field(() => [AbilityLevel], { nullable: true, description: 'The assessment in force is one of these; empty or null: assessed or not.' })
  abilities?: AbilityLevel[] | null;

  @Field(() => Int, { description: '1 to 31.' })
  visitsPerMonth: number;
}

@InputType({ description: 'Who gets a class of service (every condition given must hold).' })
export class CareClassRuleInput {
  @Field({ description: '1 to 50 characters.' })
  name: string;

  @Field(() => ServiceClass)
  serviceClass: ServiceClass;

  @Field(() => Int, { nullable: true, description: '0 to 150; null: any age.' })
  minAge?: number | null;

  @Field(() => [HardshipCategory], { nullable: true, description: 'Any of these; empty or null: any.' })
  categoriesAny?: HardshipCategory[] | null;
}

@InputType({ description: 'A level’s care rules written out. Below a level with rules in force, no minimum may be lower than that level’s.' })
export class CareRuleSetInput {
  @Field(() => [CareVisitRuleInput], { description: '1 to 50 rules; a recipient’s requirement is the highest matching one.' })
  visitRules: CareVisitRuleInput[];

  @Field(() => Int, { description: '1 to 1,440.' })
  minMinutesPerVisit: number;

  @Field(() => Int, { description: '0 to 6 (the service items).' })
  distinctItemsPerYear: number;

  @Field({ description: 'Whether a month missed for a good reason may be made up in the next.' })
  makeUpNextMonth: boolean;

  @Field(() => [CareClassRuleInput], { description: 'At most 20; a recipient matching none is PAID.' })
  classRules: CareClassRuleInput[];

  @Field(() => Int, { description: '0 to 100.' })
  providerCallbackPercent: number;

  @Field(() => Int, { description: '0 to 100.' })
  onlineCallbackPercent: number;

  @Field(() => Int, { description: '0 to 100.' })
  communityCheckPercent: number;

  @Field(() => Int, { nullable: true, description: '1 to 10,000; default 300 (not from the documents).' })
  checkInRadiusMetres?: number | null;

  @Field(() => Int, { nullable: true, description: '0 to 30; default 7 (not from the documents).' })
  offlineSyncDays?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Default false (not from the documents).' })
  sharedServiceAreas?: boolean | null;
}

@InputType({ description: 'Care rules from a template (`fromTemplate`, optionally renamed) or written out (`name`, `source`, `rules`): one or the other.' })
export class DefineCareRulesInput {
  @Field()
  jurisdictionCode: string;

  @Field(() => DateScalar, { description: 'The first day in force: today or later when the node already has rules (the version in force then ends the day before).' })
  effectiveFrom: string;

  @Field(() => DateScalar, { nullable: true, description: 'The last day in force; null: until a new version.' })
  effectiveTo?: string | null;

  @Field(() => String, { nullable: true, description: 'A key of `careRulesTemplates`.' })
  fromTemplate?: string | null;

  @Field(() => String, { nullable: true, description: '1 to 100 characters; default the template’s name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'The documents and passages followed, 1 to 2,000 characters; not with a template.' })
  source?: string | null;

  @Field(() => CareRuleSetInput, { nullable: true, description: 'Not with a template.' })
  rules?: CareRuleSetInput | null;
}
