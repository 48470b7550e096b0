import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { MonthScalar } from '../kernel/dates';
import { READ_COST } from '../graphql/limits';
import { complianceService } from './compliance.service';
import { CareCompliance, CareMonthRun, ComplianceOrder, RecipientCareMonth } from './compliance.types';

@Resolver(() => CareCompliance)
export class ComplianceResolver {
  @Query(() => RecipientCareMonth, {
    complexity: READ_COST,
    description: 'A recipient’s month against their care plan: required, verified, the make-up owed, whether met, and the visits counted.',
  })
  recipientCareMonth(
    @Ctx() ctx: Context,
    @Arg('person', () => ID) person: string,
    @Arg('month', () => MonthScalar) month: string,
    @Arg('live', () => Boolean, { nullable: true, description: 'Live figures even when the month is closed (default false).' }) live: boolean | null,
  ) {
    return complianceService.recipientMonth(ctx, person, month, live ?? false);
  }

  @Query(() => CareCompliance, { complexity: READ_COST, description: 'A node’s visit compliance in a month: as closed once the month is closed there, else live.' })
  careCompliance(
    @Ctx() ctx: Context,
    @Arg('at') at: string,
    @Arg('month', () => MonthScalar) month: string,
    @Arg('live', () => Boolean, { nullable: true, description: 'Live figures even when the month is closed (default false).' }) live: boolean | null,
  ) {
    return complianceService.ofNode(ctx, at, month, live ?? false);
  }

  @FieldResolver(() => [CareCompliance], { complexity: READ_COST, description: 'The node’s children with their figures of the same month, ranked among themselves.' })
  children(
    @Ctx() ctx: Context,
    @Root() parent: CareCompliance,
    @Arg('order', () => ComplianceOrder, { nullable: true, description: 'Default LAGGARDS_FIRST.' }) order: ComplianceOrder | null,
  ) {
    return complianceService.children(ctx, parent, order);
  }

  @Mutation(() => CareMonthRun, { description: 'Stores the required visits and make-up owed of every recipient enrolled in the month at or below a node.' })
  planCareMonth(@Ctx() ctx: Context, @Arg('under') under: string, @Arg('month', () => MonthScalar) month: string) {
    return complianceService.plan(ctx, under, month);
  }

  @Mutation(() => CareMonthRun, { description: 'Closes the month at or below a node: final compliance of every recipient, stored, unchanged afterwards except by a re-close.' })
  closeCareMonth(
    @Ctx() ctx: Context,
    @Arg('under') under: string,
    @Arg('month', () => MonthScalar) month: string,
    @Arg('reclose', () => Boolean, { nullable: true, description: 'Close again a month already closed at, above or below the node (default false).' }) reclose: boolean | null,
  ) {
    return complianceService.close(ctx, under, month, reclose ?? false);
  }
}
