import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { READ_COST } from '../graphql/limits';
import type { Context } from '../kernel/context';
import { MonthScalar } from '../kernel/dates';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { entitlementRunService } from './entitlement-run.service';
import type { SubsidyTotalsView } from './entitlement-run.service';
import { EntitlementRunNode, SchemeTotal, SubsidyTotals } from './entitlement-run.types';

@Resolver(() => EntitlementRunNode)
export class EntitlementRunResolver {
  @Mutation(() => EntitlementRunNode, {
    description:
      'Computes the month’s entitlement of every active person living in the jurisdiction’s subtree, stores one line per person and paying scheme (replacing the subtree’s lines of earlier runs of the month), and moves the totals of every node above by the difference. Idempotent. While another run of the month is under way it answers CONFLICT.',
  })
  runEntitlements(@Ctx() ctx: Context, @Arg('code') code: string, @Arg('month', () => MonthScalar) month: string) {
    return entitlementRunService.run(ctx, code, month);
  }
}

@Resolver(() => JurisdictionNode)
export class JurisdictionSubsidyResolver {
  @FieldResolver(() => SubsidyTotals, { complexity: READ_COST, description: 'The month’s stored entitlements summed over the subtree: recipients, fen, by scheme and by funding level.' })
  subsidyTotals(@Ctx() ctx: Context, @Root() node: Jurisdiction, @Arg('month', () => MonthScalar) month: string) {
    return entitlementRunService.totals(ctx, node, month);
  }

  @FieldResolver(() => [EntitlementRunNode], { complexity: READ_COST, description: 'The month’s runs that reached this node (run at it, above it or below it), latest first.' })
  entitlementRuns(@Ctx() ctx: Context, @Root() node: Jurisdiction, @Arg('month', () => MonthScalar) month: string) {
    return entitlementRunService.runs(ctx, node, month);
  }
}

@Resolver(() => SubsidyTotals)
export class SubsidyTotalsResolver {
  @FieldResolver(() => [SchemeTotal], { description: 'By scheme, in scheme order.' })
  schemes(@Ctx() ctx: Context, @Root() totals: SubsidyTotalsView) {
    return entitlementRunService.schemeTotals(ctx, totals);
  }
}
