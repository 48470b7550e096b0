import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { connectionCost } from '../graphql/limits';
import { anomalyService, DEFAULT_MAX_SPEED_KMH, DEFAULT_MULTIPLE_FEN, DEFAULT_ZERO_MONTHS, MAX_PERIOD_DAYS } from './anomaly.service';
import { Anomalies, AnomalyKind } from './anomaly.types';

@Resolver(() => Anomalies)
export class AnomalyResolver {
  @Query(() => Anomalies, {
    complexity: connectionCost,
    description: 'Records to follow up in the special campaign (专项治理) under a node of the caller’s subtree over a period: people named by id only.',
  })
  anomalies(
    @Ctx() ctx: Context,
    @Arg('at') at: string,
    @Arg('kind', () => AnomalyKind) kind: AnomalyKind,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar, { description: `At most ${MAX_PERIOD_DAYS - 1} days after from.` }) to: string,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('maxSpeedKmh', () => Int, { nullable: true, description: `IMPOSSIBLE_SCHEDULE: consecutive visits needing more than this speed are listed (1 to 1000; default ${DEFAULT_MAX_SPEED_KMH}, a default, not policy).` })
    maxSpeedKmh: number | null,
    @Arg('months', () => Int, { nullable: true, description: `DEBITED_TO_ZERO: consecutive months at zero that list an account (2 to 12; default ${DEFAULT_ZERO_MONTHS}, a default, not policy).` })
    months: number | null,
    @Arg('multipleFen', () => FenScalar, { nullable: true, description: `ROUND_ADJUSTMENT: an amount that is a whole multiple of this is round (100 to 100,000,000; default ${DEFAULT_MULTIPLE_FEN}, a default, not policy).` })
    multipleFen: number | null,
  ) {
    return anomalyService.list(ctx, { at, kind, from, to, first, after, maxSpeedKmh, months, multipleFen });
  }
}
