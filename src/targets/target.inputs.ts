import { Field, Float, InputType } from 'type-graphql';
import { FacilityType } from '../facilities/facility-kinds';
import { DateScalar } from '../kernel/dates';
import { TargetComparator, TargetMetric, TargetPhase } from './target-kinds';

@InputType()
export class PhaseSpanInput {
  @Field(() => TargetPhase)
  phase: TargetPhase;

  @Field(() => DateScalar)
  startsOn: string;

  @Field(() => DateScalar)
  endsOn: string;
}

@InputType()
export class CreateTargetInput {
  @Field({ description: 'The jurisdiction the target belongs to: the caller’s home or below it.' })
  jurisdictionCode: string;

  @Field({ description: '1 to 200 characters.' })
  title: string;

  @Field(() => TargetMetric)
  metric: TargetMetric;

  @Field(() => FacilityType, { nullable: true, description: 'Required for OPERATING_FACILITIES, refused otherwise.' })
  facilityType?: FacilityType | null;

  @Field(() => TargetComparator, { defaultValue: TargetComparator.AT_LEAST })
  comparator: TargetComparator;

  @Field(() => Float, { description: 'A rate in percent, 0 to 100 with at most two decimals; a count as a whole number; an amount in fen.' })
  threshold: number;

  @Field(() => Float, { nullable: true, description: 'The upper bound, for BETWEEN only.' })
  thresholdHigh?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Where the target starts from; default the figure at the end of `startsOn` (today’s when the start is today or later, or the metric keeps no history).',
  })
  baseline?: number | null;

  @Field(() => DateScalar)
  startsOn: string;

  @Field(() => DateScalar, { description: 'After `startsOn`.' })
  deadline: string;

  @Field(() => [PhaseSpanInput], { nullable: true, description: 'Each phase at most once, in plan order, within the target’s span and not overlapping.' })
  phases?: PhaseSpanInput[] | null;

  @Field(() => String, { nullable: true, description: '责任单位, up to 200 characters.' })
  responsibleUnit?: string | null;
}

@InputType()
export class TargetAllocationInput {
  @Field({ description: 'A child of the target’s jurisdiction.' })
  jurisdictionCode: string;

  @Field(() => Float, { nullable: true, description: 'Required for a count or an amount (the allocations add up to the target’s threshold); for a rate, default the target’s threshold.' })
  threshold?: number | null;

  @Field(() => Float, { nullable: true, description: 'For a BETWEEN rate; default the target’s.' })
  thresholdHigh?: number | null;

  @Field(() => Float, { nullable: true, description: 'Default the child’s figure at the end of the target’s start day (today’s when the metric keeps no history).' })
  baseline?: number | null;

  @Field(() => String, { nullable: true })
  responsibleUnit?: string | null;
}
