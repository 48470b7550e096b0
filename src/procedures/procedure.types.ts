import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { JurisdictionLevel } from '../kernel/division-codes';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { StepCapability, StepKind } from './procedure-kinds';

@ObjectType({ simpleResolvers: true, description: 'A step of a review procedure.' })
export class ReviewStep {
  @Field(() => Int, { description: 'Its place in the procedure, from 1.' })
  position: number;

  @Field(() => StepKind)
  kind: StepKind;

  @Field()
  name: string;

  @Field(() => JurisdictionLevel, { description: 'Who acts: the applicant’s village or its ancestor at this level.' })
  level: JurisdictionLevel;

  @Field(() => StepCapability, { description: 'What the user acting on the step needs.' })
  capability: StepCapability;

  @Field(() => Int, { nullable: true, description: 'Working days to complete the step; null: the level has set no deadline.' })
  deadlineWorkingDays: number | null;

  @Field(() => Int, { nullable: true, description: 'The position of the step whose deadline this step’s time counts in (a 公示 inside the 10 days of 初审).' })
  countedWithin: number | null;

  @Field(() => Int, { nullable: true, description: 'The least the step lasts, in working days (a 公示 of at least 5).' })
  minWorkingDays: number | null;

  @Field({ description: 'Whether the step may refuse; otherwise it passes the case on or returns it for more material.' })
  mayRefuse: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A version of the review procedure a jurisdiction set for its subtree.' })
export class ReviewProcedure {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'The jurisdiction that set it.' })
  jurisdiction: JurisdictionRef;

  @Field()
  name: string;

  @Field({ description: 'The document and passage it follows.' })
  source: string;

  @Field(() => String, { nullable: true, description: 'The template it was made from, if any.' })
  template: string | null;

  @Field({ description: 'Whether applications are taken only in intake windows (集中申报); outside one they wait for the next.' })
  usesIntakeWindows: boolean;

  @Field(() => DateScalar)
  effectiveFrom: string;

  @Field(() => DateScalar, { nullable: true, description: 'The last day in force; null: until a new version or an end.' })
  effectiveTo: string | null;

  @Field(() => [ReviewStep])
  steps: ReviewStep[];
}

@ObjectType({ simpleResolvers: true, description: 'The procedure in force at a node on a day, and where it was set.' })
export class ReviewProcedureInForce {
  @Field(() => DateScalar)
  on: string;

  @Field(() => ReviewProcedure)
  procedure: ReviewProcedure;

  @Field({ description: 'True when it was set by an ancestor of the node asked about, not by the node itself.' })
  inherited: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A procedure of the policy documents that a level may adopt as it is.' })
export class ReviewProcedureTemplate {
  @Field({ description: 'What `defineReviewProcedure(input: { fromTemplate })` takes.' })
  key: string;

  @Field()
  name: string;

  @Field({ description: 'The document and its passages, quoted.' })
  source: string;

  @Field()
  usesIntakeWindows: boolean;

  @Field({ description: 'What the documents leave open and the template sets as a default.' })
  settings: string;

  @Field(() => [ReviewStep])
  steps: ReviewStep[];
}

@ObjectType({ simpleResolvers: true, description: 'An intake window (集中申报): the days a jurisdiction takes applications in for its subtree.' })
export class IntakeWindow {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'The jurisdiction that opened it.' })
  jurisdiction: JurisdictionRef;

  @Field()
  name: string;

  @Field(() => DateScalar)
  opens: string;

  @Field(() => DateScalar, { description: 'The last day it takes applications.' })
  closes: string;
}

@ObjectType({ simpleResolvers: true, description: 'The intake window open at a node on a day, or the next one to open.' })
export class IntakeWindowAnswer {
  @Field(() => IntakeWindow)
  window: IntakeWindow;

  @Field({ description: 'True when the window is open on the day asked about; false when it is the next one to open.' })
  open: boolean;
}
