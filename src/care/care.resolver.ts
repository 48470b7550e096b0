import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../kernel/context';
import { DateScalar, MonthScalar } from '../kernel/dates';
import { connectionCost } from '../graphql/limits';
import { DefineCareRulesInput } from './care-rules.inputs';
import { careRulesService } from './care-rules.service';
import { carePlanService } from './care-plan.service';
import { CarePlan, CarePlanConnection, CareRules, CareRulesInForce, CareRulesTemplate } from './care.types';

@Resolver()
export class CareResolver {
  @Query(() => CareRulesInForce, {
    nullable: true,
    description: 'The care rules in force at a node of the caller’s subtree on `on` (default today): its own, else its nearest ancestor’s; null when none is set.',
  })
  careRules(@Ctx() ctx: Context, @Arg('at') at: string, @Arg('on', () => DateScalar, { nullable: true }) on: string | null) {
    return careRulesService.inForce(ctx, at, on);
  }

  @Query(() => [CareRulesTemplate], { description: 'The care rules of the policy documents (江都, with 松岗’s classes and 深圳’s spot checks), with their sources.' })
  careRulesTemplates(@Ctx() ctx: Context) {
    return careRulesService.templates(ctx);
  }

  @Query(() => CarePlan, { nullable: true, description: 'An enrolled recipient’s care plan for a month; null when no enrolment covers the month.' })
  carePlan(@Ctx() ctx: Context, @Arg('person', () => ID) person: string, @Arg('month', () => MonthScalar) month: string) {
    return carePlanService.plan(ctx, person, month);
  }

  @Query(() => CarePlanConnection, { complexity: connectionCost, description: 'The care plans of everyone enrolled in the month living at or below a node, by person id.' })
  carePlans(
    @Ctx() ctx: Context,
    @Arg('month', () => MonthScalar) month: string,
    @Arg('under', () => String, { nullable: true, description: 'Default the caller’s home.' }) under: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return carePlanService.list(ctx, { under, month, first, after });
  }

  @Mutation(() => CareRules, { description: 'Sets a jurisdiction’s care rules from a day: its first version, or a new one that ends the version in force the day before.' })
  defineCareRules(@Ctx() ctx: Context, @Arg('input') input: DefineCareRulesInput) {
    return careRulesService.define(ctx, input);
  }
}
