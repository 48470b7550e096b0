import { Field, InputType, Int } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { JurisdictionLevel } from '../kernel/division-codes';
import { StepCapability, StepKind } from './procedure-kinds';

@InputType()
export class ReviewStepInput {
  @Field(() => StepKind)
  kind: StepKind;

  @Field({ description: '1 to 50 characters.' })
  name: string;

  @Field(() => JurisdictionLevel, { description: 'At or below the level of the procedure’s jurisdiction; fixed by the kind for reviews and approval.' })
  level: JurisdictionLevel;

  @Field(() => StepCapability)
  capability: StepCapability;

  @Field(() => Int, { nullable: true, description: '1 to 250; null: no deadline.' })
  deadlineWorkingDays?: number | null;

  @Field(() => Int, { nullable: true, description: 'The position (from 1) of an earlier step whose deadline this step’s time counts in.' })
  countedWithin?: number | null;

  @Field(() => Int, { nullable: true, description: '1 to 250; required for a PUBLIC_NOTICE.' })
  minWorkingDays?: number | null;

  @Field({ description: 'Only reviews and approvals may refuse.' })
  mayRefuse: boolean;
}

@InputType({
  description: 'A procedure from a template (`fromTemplate`, optionally renamed) or written out (`name`, `source`, `steps`): one or the other.',
})
export class DefineProcedureInput {
  @Field()
  jurisdictionCode: string;

  @Field(() => DateScalar, { description: 'The first day in force: today or later when the node already has a procedure (its open version then ends the day before).' })
  effectiveFrom: string;

  @Field(() => String, { nullable: true, description: 'A key of `reviewProcedureTemplates`.' })
  fromTemplate?: string | null;

  @Field(() => String, { nullable: true, description: '1 to 100 characters; default the template’s name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'The document and passage followed, 1 to 2,000 characters; not with a template.' })
  source?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Default the template’s, or false.' })
  usesIntakeWindows?: boolean | null;

  @Field(() => [ReviewStepInput], { nullable: true, description: 'Not with a template.' })
  steps?: ReviewStepInput[] | null;
}

@InputType()
export class OpenIntakeWindowInput {
  @Field()
  jurisdictionCode: string;

  @Field({ description: '1 to 100 characters, e.g. 2026年上半年集中申報.' })
  name: string;

  @Field(() => DateScalar)
  opens: string;

  @Field(() => DateScalar, { description: 'The last day it takes applications; at most 366 days after `opens`.' })
  closes: string;
}
