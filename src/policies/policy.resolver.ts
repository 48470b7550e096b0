import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { MonthScalar } from '../kernel/dates';
import { CreateFloorInput, CreateSchemeInput, SchemeVersionInput } from './policy.inputs';
import { policyService, type SchemeView } from './policy.service';
import { FloorNode, SchemeNode, SchemeVersion } from './policy.types';

@Resolver(() => SchemeNode)
export class PolicyResolver {
  @Query(() => [SchemeNode], {
    description: 'The subsidy schemes that apply at `at` (default the caller’s home): its own and its ancestors’, in force in `month` (default this month).',
  })
  subsidySchemes(
    @Ctx() ctx: Context,
    @Arg('at', () => String, { nullable: true }) at: string | null,
    @Arg('month', () => MonthScalar, { nullable: true }) month: string | null,
  ) {
    return policyService.applicable(ctx, at, month);
  }

  @Query(() => SchemeNode, { nullable: true, description: 'A scheme set in the caller’s subtree or above it, with the version in force this month.' })
  subsidyScheme(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return policyService.get(ctx, id);
  }

  @Query(() => [FloorNode], { description: 'The floors in force at `at` (default the caller’s home) in `month` (default this month), set there or above.' })
  subsidyFloors(
    @Ctx() ctx: Context,
    @Arg('at', () => String, { nullable: true }) at: string | null,
    @Arg('month', () => MonthScalar, { nullable: true }) month: string | null,
  ) {
    return policyService.floors(ctx, at, month);
  }

  @FieldResolver(() => [SchemeVersion], { description: 'Every version, oldest first.' })
  versions(@Ctx() ctx: Context, @Root() scheme: SchemeView) {
    return policyService.versions(ctx, scheme.id);
  }

  @Mutation(() => SchemeNode, { description: 'Sets up a subsidy scheme with its first version; every tier must meet the floors set at or above its jurisdiction.' })
  createSubsidyScheme(@Ctx() ctx: Context, @Arg('input') input: CreateSchemeInput) {
    return policyService.create(ctx, input);
  }

  @Mutation(() => SchemeNode, { description: 'Changes a scheme from a month on (this month or later) by adding a version; the past is never rewritten.' })
  addSubsidySchemeVersion(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('version') version: SchemeVersionInput) {
    return policyService.addVersion(ctx, id, version);
  }

  @Mutation(() => SchemeNode, { description: 'Ends a scheme after `lastMonth` (this month or later).' })
  endSubsidyScheme(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('lastMonth', () => MonthScalar) lastMonth: string) {
    return policyService.end(ctx, id, lastMonth);
  }

  @Mutation(() => FloorNode, { description: 'Sets a minimum monthly amount for the schemes of a kind below a jurisdiction (e.g. 90–99 岁 ≥ 50 元).' })
  createSubsidyFloor(@Ctx() ctx: Context, @Arg('input') input: CreateFloorInput) {
    return policyService.createFloor(ctx, input);
  }
}
