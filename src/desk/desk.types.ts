import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { TargetStatus } from '../targets/target-kinds';
import { TargetRef } from '../targets/target.types';
import { SupervisionStatus } from './desk-kinds';
import { ShareDenominator } from '../coverage/population.types';

@ObjectType({ simpleResolvers: true, description: 'A follow-up note on a supervision item.' })
export class SupervisionNote {
  @Field()
  note: string;

  @Field(() => SupervisionStatus, { description: 'The item’s status after the note.' })
  statusAfter: SupervisionStatus;

  @Field(() => String, { nullable: true, description: 'The user who wrote it.' })
  writtenBy: string | null;

  @Field()
  writtenAt: Date;
}

@ObjectType('SupervisionItem', { simpleResolvers: true, description: 'A supervision item (督办): what, who is responsible, by when, and its follow-up.' })
export class SupervisionItemNode {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  detail: string | null;

  @Field(() => JurisdictionRef, { description: 'The level that issued it.' })
  issuedBy: JurisdictionRef;

  @Field(() => JurisdictionRef, { description: 'The jurisdiction held responsible: the issuer or a level below it.' })
  responsible: JurisdictionRef;

  @Field(() => String, { nullable: true, description: '责任单位' })
  responsibleUnit: string | null;

  @Field(() => ID, { nullable: true, description: 'The target it follows up, if any.' })
  targetId: string | null;

  @Field(() => ID, { nullable: true, description: 'The case whose overdue step it follows up (superviseCase), if any.' })
  caseId: string | null;

  @Field(() => DateScalar)
  deadline: string;

  @Field(() => SupervisionStatus)
  status: SupervisionStatus;

  @Field(() => DateScalar, { nullable: true, description: 'The day it was closed (DONE or CANCELLED).' })
  closedOn: string | null;

  @Field({ description: 'Open with its deadline passed (today in China).' })
  overdue: boolean;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

export const { Edge: SupervisionItemEdge, Connection: SupervisionItemConnection } = connectionTypes(SupervisionItemNode, 'SupervisionItem');

@ObjectType({ simpleResolvers: true, description: 'A child as the notice’s board showed it.' })
export class NoticeRow {
  @Field(() => JurisdictionRef)
  jurisdiction: JurisdictionRef;

  @Field(() => Float, { nullable: true })
  threshold: number | null;

  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => Int)
  numerator: number;

  @Field(() => Int)
  denominator: number;

  @Field(() => ShareDenominator, { nullable: true, description: 'For a share of the elderly, what `denominator` counted; null for the other metrics (and notices issued before it was kept).' })
  denominatorSource: ShareDenominator | null;

  @Field(() => Float, { nullable: true })
  expected: number | null;

  @Field(() => TargetStatus, { nullable: true })
  status: TargetStatus | null;

  @Field(() => Int, { nullable: true })
  rank: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'The target’s own figure when the notice was issued.' })
export class NoticeProgress {
  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => Int)
  numerator: number;

  @Field(() => Int)
  denominator: number;

  @Field(() => ShareDenominator, { nullable: true, description: 'For a share of the elderly, what `denominator` counted; null for the other metrics (and notices issued before it was kept).' })
  denominatorSource: ShareDenominator | null;

  @Field(() => Float)
  expected: number;

  @Field(() => TargetStatus, { nullable: true })
  status: TargetStatus | null;
}

@ObjectType('Notice', { simpleResolvers: true, description: 'A notice (通报): a board as it stood at a moment — ranking, laggards, figures — kept unchangeable.' })
export class NoticeNode {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  body: string | null;

  @Field(() => JurisdictionRef, { description: 'The level that issued it.' })
  issuedBy: JurisdictionRef;

  @Field(() => TargetRef, { description: 'The target whose board it shows, as it stood.' })
  target: TargetRef;

  @Field(() => DateScalar, { description: 'The day the figures describe.' })
  asOf: string;

  @Field({ description: 'When the figures were read.' })
  observedAt: Date;

  @Field({ description: 'When it was issued.' })
  issuedAt: Date;

  @Field({ description: 'Who issued it.' })
  author: string;

  @Field(() => NoticeProgress)
  progress: NoticeProgress;

  @Field(() => Int)
  laggards: number;

  @Field(() => [NoticeRow], { description: 'Laggards first, as the board ranked them.' })
  rows: NoticeRow[];
}

export const { Edge: NoticeEdge, Connection: NoticeConnection } = connectionTypes(NoticeNode, 'Notice');
