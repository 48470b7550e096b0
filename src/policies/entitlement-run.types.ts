import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MonthScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { JurisdictionLevel } from '../kernel/division-codes';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { SchemeKind } from './policy-kinds';

@ObjectType('EntitlementRun', {
  simpleResolvers: true,
  description: 'One monthly computation of every entitlement in a subtree; it replaced the subtree’s stored lines for the month.',
})
export class EntitlementRunNode {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'The subtree computed.' })
  jurisdiction: JurisdictionRef;

  @Field(() => MonthScalar)
  month: string;

  @Field()
  startedAt: Date;

  @Field()
  finishedAt: Date;

  @Field(() => Int, { description: 'Active people considered.' })
  people: number;

  @Field(() => Int, { description: 'People entitled to something.' })
  recipients: number;

  @Field(() => Int, { description: 'Lines stored: one per person and paying scheme.' })
  lines: number;

  @Field(() => Int, { description: 'Lines of earlier runs that this one replaced.' })
  replacedLines: number;

  @Field(() => FenScalar)
  amountFen: number;
}

@ObjectType({ simpleResolvers: true, description: 'What the funders of one level pay, summed.' })
export class LevelAmount {
  @Field(() => JurisdictionLevel)
  level: JurisdictionLevel;

  @Field(() => FenScalar)
  amountFen: number;
}

@ObjectType({ simpleResolvers: true, description: 'One scheme’s part of the month’s totals.' })
export class SchemeTotal {
  @Field(() => ID)
  schemeId: number;

  @Field()
  name: string;

  @Field(() => SchemeKind)
  kind: SchemeKind;

  @Field(() => JurisdictionRef, { description: 'Who set the scheme.' })
  jurisdiction: JurisdictionRef;

  @Field(() => Int)
  recipients: number;

  @Field(() => FenScalar)
  amountFen: number;

  @Field(() => [LevelAmount], { description: 'By funding level, highest first; they add up to amountFen.' })
  funders: LevelAmount[];
}

@ObjectType({
  simpleResolvers: true,
  description:
    'A month’s stored entitlements summed over the subtree, as the runs of the month left them (a later change to a person counts once the month is run again).',
})
export class SubsidyTotals {
  @Field(() => MonthScalar)
  month: string;

  @Field(() => Int, { description: 'People entitled to something, each counted once.' })
  recipients: number;

  @Field(() => FenScalar)
  amountFen: number;

  @Field(() => [LevelAmount], { description: 'By funding level, highest first; they add up to amountFen.' })
  funders: LevelAmount[];
}
