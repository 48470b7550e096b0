import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { boardCost, connectionCost } from '../graphql/limits';
import type { Context } from '../kernel/context';
import { RecordOversightVisitInput } from './oversight.inputs';
import { oversightService } from './oversight.service';
import { OversightShares, OversightVisit, OversightVisitConnection } from './oversight.types';

@Resolver()
export class OversightResolver {
  @Query(() => OversightVisitConnection, { complexity: connectionCost, description: 'Calls and visits to people living at or below a node (回訪, 抽查, 探视巡访), in the order recorded.' })
  oversightVisits(
    @Ctx() ctx: Context,
    @Arg('under', () => String, { nullable: true, description: 'Default the caller’s home.' }) under: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return oversightService.list(ctx, { under, first, after });
  }

  @Query(() => OversightShares, { complexity: boardCost, description: 'A quarter’s share of recipients reached by spot checks at a node (default the caller’s home) and each child, ranked, against communityCheckPercent.' })
  oversightShares(
    @Ctx() ctx: Context,
    @Arg('quarter', { description: 'YYYY-Qn, e.g. 2026-Q3.' }) quarter: string,
    @Arg('under', () => String, { nullable: true }) under: string | null,
  ) {
    return oversightService.shares(ctx, under, quarter);
  }

  @Mutation(() => OversightVisit, { description: 'Records a village’s or town’s call or visit to a person, with what was checked and found and the written record.' })
  recordOversightVisit(@Ctx() ctx: Context, @Arg('input') input: RecordOversightVisitInput) {
    return oversightService.record(ctx, input);
  }
}
