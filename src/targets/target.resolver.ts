import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { JurisdictionLevel } from '../kernel/division-codes';
import { READ_COST, boardCost, connectionCost, seriesCost } from '../graphql/limits';
import { TargetMetric } from './target-kinds';
import { CreateTargetInput, TargetAllocationInput } from './target.inputs';
import { targetService } from './target.service';
import { AllocationSummary, BoardOrder, TargetBoard, TargetConnection, TargetNode, TargetProgress, TargetRef } from './target.types';

@Resolver(() => TargetNode)
export class TargetResolver {
  @Query(() => TargetNode, { description: 'A target set at a jurisdiction of the caller’s subtree.' })
  target(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return targetService.get(ctx, id);
  }

  @Query(() => TargetConnection, { complexity: connectionCost, description: 'Targets set at jurisdictions below `under` (default the caller’s home, itself included), newest first.' })
  targets(
    @Ctx() ctx: Context,
    @Arg('under', () => String, { nullable: true }) under: string | null,
    @Arg('metric', () => TargetMetric, { nullable: true }) metric: TargetMetric | null,
    @Arg('allocated', () => Boolean, { nullable: true, description: 'true: only targets allocated from above; false: only those a level set itself.' })
    allocated: boolean | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return targetService.list(ctx, { under, metric, allocated, first, after });
  }

  @Mutation(() => TargetNode, { description: 'Sets a target for a jurisdiction of the caller’s subtree.' })
  createTarget(@Ctx() ctx: Context, @Arg('input', () => CreateTargetInput) input: CreateTargetInput) {
    return targetService.create(ctx, input);
  }

  @Mutation(() => TargetNode, {
    description:
      'Allocates a target to children of its jurisdiction, replacing its previous allocation: for a count the parts must add up to the threshold; for a rate each child gets its own threshold or the target’s.',
  })
  allocateTarget(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('allocations', () => [TargetAllocationInput]) allocations: TargetAllocationInput[],
  ) {
    return targetService.allocate(ctx, id, allocations);
  }

  @FieldResolver(() => TargetRef, { nullable: true, description: 'The target of the level above that this one was allocated from.' })
  allocatedFrom(@Ctx() ctx: Context, @Root() target: TargetNode) {
    return targetService.allocatedFrom(ctx, target);
  }

  @FieldResolver(() => [TargetNode], { description: 'The targets allocated from this one to the children, in code order.' })
  allocations(@Ctx() ctx: Context, @Root() target: TargetNode) {
    return targetService.allocations(ctx, target);
  }

  @FieldResolver(() => AllocationSummary, { nullable: true, description: 'Allocated against achieved, summed over the children (null when not allocated).' })
  allocationSummary(@Ctx() ctx: Context, @Root() target: TargetNode) {
    return targetService.allocationSummary(ctx, target);
  }

  @FieldResolver(() => TargetProgress, { complexity: READ_COST, description: 'Progress at the end of `asOf` (default today, live), from the live roll-ups.' })
  progress(@Ctx() ctx: Context, @Root() target: TargetNode, @Arg('asOf', () => DateScalar, { nullable: true }) asOf: string | null) {
    return targetService.progress(ctx, target, asOf);
  }

  @FieldResolver(() => [TargetProgress], { complexity: seriesCost, description: 'Month-end progress from the month of `from` to the month of `to` (at most 120 months; the last point is `to`).' })
  progressSeries(
    @Ctx() ctx: Context,
    @Root() target: TargetNode,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
  ) {
    return targetService.series(ctx, target, from, to);
  }

  @FieldResolver(() => TargetBoard, { complexity: boardCost, description: 'The children of the target’s jurisdiction with value, expected value, status and rank.' })
  board(
    @Ctx() ctx: Context,
    @Root() target: TargetNode,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'A past day; default today (live).' }) asOf: string | null,
    @Arg('order', () => BoardOrder, { nullable: true, description: 'Default LAGGARDS_FIRST.' }) order: BoardOrder | null,
    @Arg('level', () => JurisdictionLevel, {
      nullable: true,
      description: 'List every descendant at this level (a province’s counties) instead of the children; at most 3,000. Allocations apply to children only.',
    })
    level: JurisdictionLevel | null,
  ) {
    return targetService.board(ctx, target, asOf, order, level);
  }
}
