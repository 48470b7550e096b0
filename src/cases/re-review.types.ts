import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { Reason } from '../policies/entitlement.types';
import { CaseApplicant, Enrolment } from './case.types';
import { FactChangeKind } from './re-review.repository';

registerEnumType(FactChangeKind, {
  name: 'FactChangeKind',
  description: 'A fact an enrolment’s tier depended on that changed since its approval or last re-review.',
  valuesConfig: {
    CATEGORY_ENDED: { description: 'A hardship category in force then has ended (`from`: the category), none of its kind in force today.' },
    ABILITY_REASSESSED: { description: 'An ability assessment gives another level (`from` → `to`; `from` null: none then).' },
    HUKOU_MOVED: { description: 'The 户籍 lies in another node (`from` → `to`: division codes).' },
    RESIDENCE_MOVED: { description: 'The person lives in another village (`from` → `to`: division codes); the day is the new residence’s.' },
    NOT_PAID: { description: 'The latest entitlement run over the person’s village, for a month of the enrolment, paid the scheme nothing: no tier met (the day is the month’s first).' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'One change of a fact since the baseline, with the day it took effect.' })
export class FactChange {
  @Field(() => FactChangeKind)
  kind: FactChangeKind;

  @Field(() => DateScalar)
  on: string;

  @Field(() => String, { nullable: true })
  from: string | null;

  @Field(() => String, { nullable: true })
  to: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A confirmation of an enrolment after a re-review (append-only).' })
export class EnrolmentReview {
  @Field(() => DateScalar)
  reviewedOn: string;

  @Field()
  at: Date;

  @Field(() => String, { nullable: true })
  username: string | null;

  @Field(() => String, { nullable: true })
  role: string | null;

  @Field()
  opinion: string;
}

@ObjectType({ simpleResolvers: true, description: 'An open enrolment whose facts changed since its approval or last re-review (动态管理).' })
export class ReReview {
  @Field(() => Enrolment)
  enrolment: Enrolment;

  @Field(() => CaseApplicant)
  applicant: CaseApplicant;

  @Field(() => JurisdictionRef, { description: 'The case’s village (the applicant’s 户籍 when filed): who re-reviews it.' })
  village: JurisdictionRef;

  @Field(() => DateScalar, { description: 'The baseline: the day of the approval, or of the last confirmation.' })
  since: string;

  @Field(() => [FactChange], { description: 'What changed since, earliest first.' })
  changes: FactChange[];

  @Field(() => Boolean, { nullable: true, description: 'Whether the person meets a tier of the scheme this month, as the entitlement engine judges the facts today; null when no version of the scheme is in force.' })
  meetsSchemeThisMonth: boolean | null;

  @Field(() => [Reason], { description: 'Why no tier is met this month (each reason once); empty when one is.' })
  reasonsThisMonth: Reason[];

  @Field(() => [EnrolmentReview], { description: 'The earlier confirmations of the enrolment, oldest first.' })
  reviews: EnrolmentReview[];
}

export const { Edge: ReReviewEdge, Connection: ReReviewConnection } = connectionTypes(ReReview, 'ReReview');

@ObjectType({ simpleResolvers: true, description: 'How many enrolments a child node has to re-review.' })
export class ReReviewChildCount {
  @Field(() => JurisdictionRef)
  node: JurisdictionRef;

  @Field(() => Int)
  count: number;
}

@ObjectType({ simpleResolvers: true, description: 'The enrolments to re-review under a node, and under each of its children that has any (most first).' })
export class ReReviewCounts {
  @Field(() => JurisdictionRef)
  node: JurisdictionRef;

  @Field(() => Int)
  total: number;

  @Field(() => [ReReviewChildCount])
  children: ReReviewChildCount[];
}

@ObjectType({ simpleResolvers: true, description: 'An enrolment confirmed after its re-review.' })
export class ConfirmedEnrolment {
  @Field(() => Enrolment)
  enrolment: Enrolment;

  @Field(() => [EnrolmentReview])
  reviews: EnrolmentReview[];
}
