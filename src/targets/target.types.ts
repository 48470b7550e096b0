import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ShareDenominator } from '../coverage/population.types';
import { DateScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { FacilityType } from '../facilities/facility-kinds';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode, JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { MetricKind, MetricNature, TargetComparator, TargetMetric, TargetPhase, TargetStatus } from './target-kinds';
import type { TargetRow } from './target.repository';

export enum BoardOrder {
  LAGGARDS_FIRST = 'LAGGARDS_FIRST',
  BEST_FIRST = 'BEST_FIRST',
  CODE = 'CODE',
}

registerEnumType(BoardOrder, {
  name: 'BoardOrder',
  valuesConfig: {
    LAGGARDS_FIRST: { description: 'OVERDUE, BEHIND, AT_RISK, ON_TRACK, ACHIEVED, then rows without a figure; within a status the furthest behind first.' },
    BEST_FIRST: { description: 'Rank order: the best value in the target’s direction first.' },
    CODE: { description: 'Division code order.' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A phase of a plan with its dates.' })
export class TargetPhaseSpan {
  @Field(() => TargetPhase)
  phase: TargetPhase;

  @Field(() => DateScalar)
  startsOn: string;

  @Field(() => DateScalar)
  endsOn: string;
}

@ObjectType({ simpleResolvers: true, description: 'A target seen from below: what was allocated, by whom.' })
export class TargetRef {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field(() => JurisdictionRef)
  jurisdiction: JurisdictionRef;

  @Field(() => TargetMetric)
  metric: TargetMetric;

  @Field(() => TargetComparator)
  comparator: TargetComparator;

  @Field(() => Float, { description: 'In the metric’s unit: percent for a rate.' })
  threshold: number;

  @Field(() => DateScalar)
  deadline: string;
}

@ObjectType('Target', { simpleResolvers: true, description: 'A jurisdiction’s goal (目标任务) for one metric by a deadline, with its allocation to the level below.' })
export class TargetNode {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field(() => JurisdictionNode, { description: 'The jurisdiction the target belongs to.' })
  jurisdiction: Jurisdiction;

  @Field(() => TargetMetric)
  metric: TargetMetric;

  @Field(() => MetricKind)
  metricKind: MetricKind;

  @Field(() => MetricNature)
  metricNature: MetricNature;

  @Field(() => Boolean, { description: 'Whether the metric’s past figures are kept (progress as of a past day, monthly series).' })
  metricHistory: boolean;

  @Field(() => FacilityType, { nullable: true, description: 'For OPERATING_FACILITIES: the type counted.' })
  facilityType: FacilityType | null;

  @Field(() => TargetComparator)
  comparator: TargetComparator;

  @Field(() => Float, { description: 'In the metric’s unit: percent for a rate (10 = 10 %), a whole number for a count.' })
  threshold: number;

  @Field(() => Float, { nullable: true, description: 'The upper bound of a BETWEEN target.' })
  thresholdHigh: number | null;

  @Field(() => Float, { description: 'Where the target started from, in the same unit.' })
  baseline: number;

  @Field(() => DateScalar)
  startsOn: string;

  @Field(() => DateScalar)
  deadline: string;

  @Field(() => [TargetPhaseSpan])
  phases: TargetPhaseSpan[];

  @Field(() => String, { nullable: true, description: '责任单位' })
  responsibleUnit: string | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  /** The stored row, for the field resolvers. */
  row: TargetRow;
}

@ObjectType({ simpleResolvers: true, description: 'Where a target stands at the end of a day: the figure from the live roll-ups against the expected one.' })
export class TargetProgress {
  @Field(() => DateScalar, { description: 'The day described (today for live progress).' })
  asOf: string;

  @Field({ description: 'When the figures were read.' })
  observedAt: Date;

  @Field(() => Float, { nullable: true, description: 'The figure, in the metric’s unit (percent for a rate); null for a rate of nothing (no units, no beds, no people).' })
  value: number | null;

  @Field(() => Int, { description: 'A rate’s numerator (covered units, dementia beds, recipients); a count’s count.' })
  numerator: number;

  @Field(() => Int, { description: 'A rate’s denominator; 1 for a count.' })
  denominator: number;

  @Field(() => ShareDenominator, {
    nullable: true,
    description: 'For a share of the elderly (SUBSIDY_RECIPIENT_SHARE), what `denominator` counts: the population of the year, or the registry; null for the other metrics.',
  })
  denominatorSource: ShareDenominator | null;

  @Field(() => Float, { description: 'The value expected that day: the baseline until the start, linear to the goal at the deadline.' })
  expected: number;

  @Field(() => Float, { nullable: true, description: 'value − expected in the direction of the goal: positive is ahead.' })
  gap: number | null;

  @Field(() => TargetStatus, { nullable: true, description: 'Null when there is no figure.' })
  status: TargetStatus | null;
}

@ObjectType({ simpleResolvers: true, description: 'A target’s allocation summed up: what the children were given against what they achieved.' })
export class AllocationSummary {
  @Field(() => Int, { description: 'Children holding an allocation.' })
  children: number;

  @Field(() => Int, { description: 'Of those, the ones that have achieved it.' })
  achieved: number;

  @Field(() => Float, {
    nullable: true,
    description: 'For a count: the sum of the allocations (the target’s threshold). For a rate: the rate the node reaches if every child just meets its allocation.',
  })
  allocatedValue: number | null;

  @Field(() => Float, { nullable: true, description: 'The node’s figure now, rolled up from its children.' })
  achievedValue: number | null;

  @Field(() => Float, { nullable: true, description: 'achievedValue − allocatedValue.' })
  variance: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'One child on a progress board.' })
export class BoardRow {
  @Field(() => JurisdictionNode)
  jurisdiction: Jurisdiction;

  @Field(() => TargetNode, { nullable: true, description: 'The target allocated to this child; null when the child has none (it is then held to the parent’s rate).' })
  target: TargetNode | null;

  @Field(() => Float, { nullable: true, description: 'What the child is held to: its allocation, or for a rate the parent’s threshold.' })
  threshold: number | null;

  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => Int)
  numerator: number;

  @Field(() => Int)
  denominator: number;

  @Field(() => ShareDenominator, { nullable: true, description: 'For a share of the elderly, what `denominator` counts; null for the other metrics.' })
  denominatorSource: ShareDenominator | null;

  @Field(() => Float, { nullable: true })
  expected: number | null;

  @Field(() => Float, { nullable: true, description: 'value − expected in the direction of the goal.' })
  gap: number | null;

  @Field(() => Float, { nullable: true, description: 'value − threshold (allocated vs achieved).' })
  variance: number | null;

  @Field(() => TargetStatus, { nullable: true })
  status: TargetStatus | null;

  @Field(() => Int, { nullable: true, description: 'Place among the children by value in the target’s direction (1 = best; equal values share a place).' })
  rank: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'A progress board: the children of a target’s jurisdiction with their figures, status and rank.' })
export class TargetBoard {
  @Field(() => TargetNode)
  target: TargetNode;

  @Field(() => DateScalar)
  asOf: string;

  @Field()
  observedAt: Date;

  @Field(() => TargetProgress, { description: 'The target’s own progress.' })
  progress: TargetProgress;

  @Field(() => Int, { description: 'Rows that are AT_RISK, BEHIND or OVERDUE.' })
  laggards: number;

  @Field(() => [BoardRow])
  rows: BoardRow[];
}

export const { Edge: TargetEdge, Connection: TargetConnection } = connectionTypes(TargetNode, 'Target');
