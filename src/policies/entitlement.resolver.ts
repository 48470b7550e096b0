import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../kernel/context';
import { MonthScalar } from '../kernel/dates';
import { entitlementService } from './entitlement.service';
import { Entitlement } from './entitlement.types';

@Resolver(() => Entitlement)
export class EntitlementResolver {
  @Query(() => Entitlement, {
    nullable: true,
    description: 'What a person of the caller’s subtree is entitled to in a month: every scheme in force, the tier applied or why not, and each funder’s share to the fen.',
  })
  entitlement(@Ctx() ctx: Context, @Arg('personId', () => ID) personId: string, @Arg('month', () => MonthScalar) month: string) {
    return entitlementService.entitlement(ctx, personId, month);
  }
}
