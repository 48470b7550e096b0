import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar, MonthScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { StepCapability, StepKind } from '../procedures/procedure-kinds';
import { ReviewProcedure } from '../procedures/procedure.types';
import { CaseAction, CaseFiler, CaseState, EnrolmentEnd } from './case-kinds';

@ObjectType({ simpleResolvers: true, description: 'The applicant as a case shows them: the national ID masked as elsewhere.' })
export class CaseApplicant {
  @Field(() => ID)
  id: number;

  @Field()
  name: string;

  @Field({ description: 'Masked: the region and the last digits only.' })
  nationalId: string;
}

@ObjectType({ simpleResolvers: true, description: 'The step a case is at.' })
export class CaseStep {
  @Field(() => Int)
  position: number;

  @Field(() => StepKind)
  kind: StepKind;

  @Field()
  name: string;

  @Field(() => StepCapability, { description: 'What the acting user needs.' })
  capability: StepCapability;

  @Field(() => JurisdictionRef, { description: 'The node that acts: the village’s ancestor at the step’s level.' })
  actingNode: JurisdictionRef;

  @Field(() => DateScalar, { description: 'The day the step began (for a waiting case: the day its intake window opens).' })
  began: string;

  @Field(() => DateScalar, { nullable: true, description: 'The last day to complete it, in working days at the acting node; null: no deadline.' })
  dueDate: string | null;

  @Field({ description: 'Whether the due date has passed (China’s today).' })
  overdue: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'One entry of a case’s history (append-only).' })
export class CaseHistoryEntry {
  @Field()
  at: Date;

  @Field(() => String, { nullable: true })
  username: string | null;

  @Field(() => String, { nullable: true, description: 'The role the user acted under.' })
  role: string | null;

  @Field(() => Int, { nullable: true, description: 'The step acted on; null for filing and closing.' })
  step: number | null;

  @Field(() => CaseAction)
  action: CaseAction;

  @Field(() => String, { nullable: true })
  opinion: string | null;

  @Field(() => String, { nullable: true })
  reasons: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A material received: metadata only.' })
export class CaseMaterial {
  @Field()
  kind: string;

  @Field(() => DateScalar)
  receivedOn: string;

  @Field()
  checked: boolean;

  @Field(() => Date, { nullable: true })
  checkedAt: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'A scheme applied for.' })
export class CaseScheme {
  @Field(() => ID)
  id: number;

  @Field()
  name: string;
}

@ObjectType({ simpleResolvers: true, description: 'An enrolment in a scheme, given by an approved case: what the entitlement run pays for a scheme that requires an application.' })
export class Enrolment {
  @Field(() => ID)
  id: number;

  @Field(() => CaseScheme)
  scheme: CaseScheme;

  @Field(() => ID)
  caseId: number;

  @Field(() => MonthScalar, { description: 'The first month paid (the scheme’s firstMonth rule from the approval).' })
  fromMonth: string;

  @Field(() => MonthScalar, { nullable: true, description: 'The last month paid (the scheme’s lastMonth rule from the event); null: open.' })
  untilMonth: string | null;

  @Field(() => EnrolmentEnd, { nullable: true })
  endReason: EnrolmentEnd | null;

  @Field(() => DateScalar, { nullable: true })
  endedOn: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'An application for subsidies (申请) and its review.' })
export class Case {
  @Field(() => ID)
  id: number;

  @Field(() => CaseApplicant)
  applicant: CaseApplicant;

  @Field(() => JurisdictionRef, { description: 'The applicant’s 户籍 village, where it is filed.' })
  village: JurisdictionRef;

  @Field(() => ReviewProcedure, { description: 'The procedure version it follows (in force at the village the day it was received).' })
  procedure: ReviewProcedure;

  @Field(() => CaseState)
  state: CaseState;

  @Field(() => CaseStep, { nullable: true, description: 'Null once decided, withdrawn or closed.' })
  currentStep: CaseStep | null;

  @Field(() => DateScalar, { description: 'The day the application was received.' })
  filedOn: string;

  @Field(() => CaseFiler)
  filer: CaseFiler;

  @Field(() => String, { nullable: true })
  agentName: string | null;

  @Field(() => String, { nullable: true })
  agentRelation: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was closed (DECEASED, MOVED_AWAY).' })
  closedReason: string | null;

  @Field(() => DateScalar, { nullable: true })
  decidedOn: string | null;

  @Field(() => String, { nullable: true, description: 'The username of the assessor the current assessment step is assigned to.' })
  assessor: string | null;

  @Field(() => Int, { description: 'Counts every change of the case.' })
  version: number;

  @Field(() => [CaseAction], { description: 'What the caller may do now: draw the buttons from it.' })
  allowedActions: CaseAction[];
}

export const { Edge: CaseEdge, Connection: CaseConnection } = connectionTypes(Case, 'Case');
